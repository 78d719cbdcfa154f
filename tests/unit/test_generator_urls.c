/* Relative page URLs (the site works from any folder and from file://)
 * and dates shown in Asia/Shanghai time. */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "generator/pagedata.h"

static gen_page page_at(const char *out_path)
{
	gen_page p = {0};
	p.out_path = (char *)out_path;
	return p;
}

Test(urls, root_prefix_climbs_one_level_per_folder)
{
	char root[64];

	gen_root_prefix(0, root, sizeof root);
	cr_assert_str_eq(root, "");
	gen_root_prefix(2, root, sizeof root);
	cr_assert_str_eq(root, "../../");
}

Test(urls, links_name_index_html_relative_to_the_page)
{
	gen_page faq = page_at("faq/collect/index.html");
	gen_page home = page_at("index.html");
	char *h;

	h = gen_href("../../", &faq, "证书怎么领取");
	cr_assert_str_eq(h, "../../faq/collect/index.html#证书怎么领取");
	free(h);
	h = gen_href("", &home, NULL);
	cr_assert_str_eq(h, "index.html");
	free(h);
	h = gen_href("../", &home, "");
	cr_assert_str_eq(h, "../index.html");
	free(h);
}

Test(urls, dates_are_shanghai_dates)
{
	char d[11];

	gen_format_date(1793464200LL, d); /* 2026-10-31 16:30 UTC = 11-01 00:30 +08 */
	cr_assert_str_eq(d, "2026-11-01");
	gen_format_date(1793462399LL, d); /* 2026-10-31 15:59:59 UTC = 23:59:59 +08 */
	cr_assert_str_eq(d, "2026-10-31");
}
