/* The search index: what a query in the browser can find depends on the
 * terms and weights written here. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "generator/search.h"

static gen_heading faq_heads[] = {
	{2, "审核进度如何查询", "审核进度如何查询"},
};

static gen_page fake[] = {
	{.src_path = "content/index.md", .url = "/", .title = "首页",
	 .description = "数字证书申请指南", .section_url = "/",
	 .is_section = 1, .text = "欢迎使用数字证书申请服务。"},
	{.src_path = "content/faq/index.md", .url = "/faq/",
	 .title = "常见问题", .description = "", .section_url = "/faq/",
	 .is_section = 1, .text = "这里是常见问题的解答。"},
	{.src_path = "content/faq/bank.md", .url = "/faq/bank/",
	 .title = "金融认证不通过怎么办", .description = "",
	 .section_url = "/faq/",
	 .text = "请核对对公账户信息后重新提交金融认证。"},
	{.src_path = "content/faq/pin.md", .url = "/faq/pin/",
	 .title = "PIN 码获取", .description = "PIN码通过短信发送。",
	 .section_url = "/faq/", .headings = faq_heads, .nheadings = 1,
	 .text = "ＰＩＮ码 与 Ukey2024 一起寄出，见常见。\"引号\" </script>"},
};
#define NFAKE (sizeof fake / sizeof fake[0])

/* The section titles the build gives each page: its parent's title. */
static const char *sections[NFAKE] = {"", "首页", "常见问题", "常见问题"};

static char *build(void)
{
	ch_buf b = CH_BUF_INIT;
	ch_error e = {0};
	cr_assert_eq(gen_search_shard(fake, NFAKE, sections, 7, &b, &e), 0,
	             "%s", e.msg);
	cr_assert(ch_buf_ok(&b));
	return ch_buf_detach(&b, NULL);
}

/* The postings of one term decoded from "term":[gap*64+weight, ...] into
 * "id:weight id:weight". */
static char *postings(const char *js, const char *term)
{
	char key[128];
	snprintf(key, sizeof key, "\n\"%s\":[", term);
	const char *p = strstr(js, key);
	if (!p)
		return NULL;
	p += strlen(key);
	char *out = calloc(1, 1024);
	unsigned long id = 0;
	while (*p != ']') {
		char *end;
		unsigned long v = strtoul(p, &end, 10);
		id += v / 64;
		snprintf(out + strlen(out), 1024 - strlen(out), "%s%lu:%lu",
		         out[0] ? " " : "", id, v % 64);
		p = *end == ',' ? end + 1 : end;
	}
	return out;
}

Test(search, assigns_its_part)
{
	char *js = build();
	cr_assert_not_null(strstr(js, "(window.CERTHALL_SEARCH_PARTS = "
	                              "window.CERTHALL_SEARCH_PARTS || {})[7] = {"));
	cr_assert(strstr(js, "}};\n") != NULL);
	free(js);
}

Test(search, manifest_names_every_part)
{
	static const unsigned sizes[] = {3, 200};
	ch_buf b = CH_BUF_INIT;
	ch_buf_puts(&b, "");
	gen_search_manifest(sizes, 2, &b);
	cr_assert_not_null(strstr(b.data, "{\"v\":2,\"shards\":[\n"
	                                  "[\"search/0.js\",3],\n"
	                                  "[\"search/1.js\",200]]};\n"));
	ch_buf_free(&b);
}

Test(search, page_without_title_is_an_error)
{
	gen_page bad = {.src_path = "content/x.md", .url = "/x/"};
	const char *sec[] = {""};
	ch_buf b = CH_BUF_INIT;
	ch_error e = {0};
	cr_assert_eq(gen_search_shard(&bad, 1, sec, 0, &b, &e), -1);
	cr_assert_str_eq(e.file, "content/x.md");
	ch_buf_free(&b);
}

Test(search, cjk_bigrams_and_unigrams)
{
	char *js = build();
	char *p = postings(js, "金融");
	cr_assert_not_null(p);
	/* Page 2 has it in the title (16) and twice... once in the body (1). */
	cr_assert_str_eq(p, "2:17");
	free(p);
	p = postings(js, "认证");
	cr_assert_str_eq(p, "2:17");
	free(p);
	/* Unigrams come from titles, headings and descriptions: page 0 has
	 * 证 in its description (and body), page 2 in its title. */
	p = postings(js, "证");
	cr_assert_str_eq(p, "0:4 2:16");
	free(p);
	cr_assert_null(postings(js, "欢"));
	p = postings(js, "常见");
	cr_assert_str_eq(p, "1:17 3:1"); /* pages 1 and 3 */
	free(p);
	/* No bigram across punctuation: 务。 is not a term. */
	cr_assert_null(postings(js, "务。"));
	cr_assert_null(postings(js, "。"));
	free(js);
}

Test(search, ascii_tokens_lowercased_and_fullwidth_folded)
{
	char *js = build();
	char *p = postings(js, "pin");
	cr_assert_not_null(p);
	/* title 16 + description 4 + body (full-width ＰＩＮ) 1 */
	cr_assert_str_eq(p, "3:21");
	free(p);
	p = postings(js, "ukey2024");
	cr_assert_str_eq(p, "3:1");
	free(p);
	cr_assert_null(postings(js, "PIN"));
	free(js);
}

Test(search, heading_hits_weigh_more_than_body)
{
	char *js = build();
	char *p = postings(js, "进度");
	cr_assert_str_eq(p, "3:8");
	free(p);
	free(js);
}

Test(search, pages_relative_urls_sections_excerpts)
{
	char *js = build();
	cr_assert(strstr(js, "\n[\"\",\"首页\",\"\",\"数字证书申请指南\"]"));
	cr_assert(strstr(js, "\n[\"faq/\",\"常见问题\",\"首页\","));
	cr_assert(strstr(js, "\n[\"faq/bank/\",\"金融认证不通过怎么办\","
	                     "\"常见问题\",\"请核对对公账户信息后重新提交金融认证。\"]"));
	/* The script cannot be broken out of, and quotes stay strings. */
	cr_assert_null(strstr(js, "</script>"));
	free(js);
}

Test(search, keys_sorted_and_output_deterministic)
{
	char *a = build(), *b = build();
	cr_assert_str_eq(a, b);
	const char *t = strstr(a, "\"terms\":{");
	cr_assert_not_null(t);
	char prev[64] = "";
	for (const char *p = strstr(t, "\n\""); p; p = strstr(p + 1, "\n\"")) {
		const char *end = strchr(p + 2, '"');
		char key[64];
		size_t n = (size_t)(end - (p + 2));
		cr_assert_lt(n, sizeof key);
		memcpy(key, p + 2, n);
		key[n] = '\0';
		cr_assert_lt(strcmp(prev, key), 0, "%s !< %s", prev, key);
		strcpy(prev, key);
	}
	free(a);
	free(b);
}

Test(search, empty_site)
{
	ch_buf b = CH_BUF_INIT;
	ch_error e = {0};
	cr_assert_eq(gen_search_shard(NULL, 0, NULL, 0, &b, &e), 0);
	cr_assert(strstr(b.data, "\"pages\":[],\n\"terms\":{}}"));
	ch_buf_free(&b);
}
