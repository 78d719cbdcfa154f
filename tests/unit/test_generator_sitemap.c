/* sitemap.xml and robots.txt as search engines read them. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "generator/sitemap.h"

static gen_page pages[] = {
	/* 2026-11-01 23:30 in Shanghai is still 2026-11-01 15:30 UTC. */
	{.url = "/guide/", .title = "指南", .updated = 1793547000},
	/* 2026-11-01 17:00 UTC is 2026-11-02 01:00 in Shanghai. */
	{.url = "/", .title = "首页", .updated = 1793552400},
	{.url = "/faq/a&b/", .title = "x", .updated = 0},
	{.url = "/指南/", .title = "y", .updated = 1793547000},
};

static char *sitemap(const char *base)
{
	ch_buf b = CH_BUF_INIT;
	ch_error e = {0};
	cr_assert_eq(gen_sitemap(pages, 4, base, &b, &e), 0, "%s", e.msg);
	return ch_buf_detach(&b, NULL);
}

Test(sitemap, sorted_absolute_locs_with_dates)
{
	char *x = sitemap("https://example.com/help");
	const char *want =
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
		"<url><loc>https://example.com/help/</loc><lastmod>2026-11-02</lastmod></url>\n"
		"<url><loc>https://example.com/help/faq/a&amp;b/</loc></url>\n"
		"<url><loc>https://example.com/help/guide/</loc><lastmod>2026-11-01</lastmod></url>\n"
		"<url><loc>https://example.com/help/%E6%8C%87%E5%8D%97/</loc><lastmod>2026-11-01</lastmod></url>\n"
		"</urlset>\n";
	cr_assert_str_eq(x, want);
	free(x);
}

Test(sitemap, trailing_slash_of_base_is_the_same)
{
	char *a = sitemap("https://example.com/help");
	char *b = sitemap("https://example.com/help/");
	cr_assert_str_eq(a, b);
	free(a);
	free(b);
}

Test(sitemap, bad_base_url_is_an_error)
{
	const char *bad[] = {"example.com", "ftp://x", "https://", "https://a b",
	                     "https://x/\"><script>", NULL};
	for (int i = 0; bad[i]; i++) {
		ch_buf b = CH_BUF_INIT;
		ch_error e = {0};
		cr_assert_eq(gen_sitemap(pages, 4, bad[i], &b, &e), -1, "%s", bad[i]);
		cr_assert(strstr(e.msg, "base_url"));
		ch_buf_free(&b);
	}
}

Test(robots, names_the_sitemap)
{
	ch_buf b = CH_BUF_INIT;
	ch_error e = {0};
	cr_assert_eq(gen_robots("https://example.com/", &b, &e), 0);
	cr_assert_str_eq(b.data, "User-agent: *\nAllow: /\n\n"
	                         "Sitemap: https://example.com/sitemap.xml\n");
	ch_buf_free(&b);
}
