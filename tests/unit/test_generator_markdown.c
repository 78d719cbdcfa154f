/* Page bodies: anchors on headings, headings and text for search,
 * internal links resolved, checked and rewritten, no raw HTML. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "generator/markdown.h"

static char *href_fn(void *ctx, const gen_link *l, ch_error *e)
{
	char *out = malloc(512);
	(void)ctx;
	(void)e;
	snprintf(out, 512, "URL[%s]%s%s", l->target, l->anchor ? "#" : "",
	         l->anchor ? l->anchor : "");
	return out;
}

static int form_fn(void *ctx, ch_buf *out, ch_error *e)
{
	(void)ctx;
	(void)e;
	ch_buf_puts(out, "<form id=\"the-form\"></form>");
	return 0;
}

static char *render_md(const char *md_text, gen_md *md)
{
	ch_error e;
	ch_buf b = CH_BUF_INIT;

	cr_assert_eq(gen_md_parse("content/guide/login.md", md_text, strlen(md_text),
	                          6, md, &e), 0, "%s", e.msg);
	ch_buf_puts(&b, "");
	cr_assert_eq(gen_md_render(md, href_fn, form_fn, NULL, &b, &e), 0, "%s", e.msg);
	return ch_buf_detach(&b, NULL);
}

static void resolves(const char *url, const char *target, const char *anchor)
{
	char *t, *a;
	const char *msg;

	cr_assert_eq(gen_md_resolve("content/guide/login.md", url, &t, &a, &msg), 1,
	             "%s: %s", url, msg);
	cr_assert_str_eq(t, target);
	if (anchor)
		cr_assert_str_eq(a, anchor);
	else
		cr_assert_null(a);
	free(t);
	free(a);
}

static void refused(const char *url)
{
	char *t, *a;
	const char *msg;

	cr_assert_eq(gen_md_resolve("content/guide/login.md", url, &t, &a, &msg), -1,
	             "%s accepted", url);
	cr_assert_null(t);
}

static void external(const char *url)
{
	char *t, *a;
	const char *msg;

	cr_assert_eq(gen_md_resolve("content/guide/login.md", url, &t, &a, &msg), 0, "%s", url);
}

Test(markdown, links_resolve_relative_to_the_page)
{
	resolves("process.md", "content/guide/process.md", NULL);
	resolves("./process.md", "content/guide/process.md", NULL);
	resolves("../faq/index.md", "content/faq/index.md", NULL);
	resolves("../faq/collect.md#证书怎么领取", "content/faq/collect.md", "证书怎么领取");
	resolves("../faq/collect.md#%E8%AF%81%E4%B9%A6", "content/faq/collect.md", "证书");
	resolves("#本页小节", "content/guide/login.md", "本页小节");
	resolves("../index.md", "content/index.md", NULL);
}

Test(markdown, bad_internal_links_are_refused)
{
	refused("../../etc/passwd.md");
	refused("/guide/login/");
	refused("process");
	refused("picture.png");
	refused("process.md?x=1");
	refused("");
}

Test(markdown, external_links_are_left_alone)
{
	external("https://www.soetp.com");
	external("mailto:a@example.com");
	external("tel:400-112-3838");
	external("//cdn.example.com/x.js");
}

Test(markdown, headings_get_anchors_toc_entries_and_text)
{
	gen_md md;
	char *html = render_md("# 标题\n\n## (一) 审核进度如何查询?\n\n正文 *强调*。\n\n"
	                       "## 概述\n\n### 细节\n\n## 概述\n", &md);

	cr_assert(strstr(html, "<h2 id=\"一-审核进度如何查询\">(一) 审核进度如何查询?</h2>"), "%s", html);
	cr_assert(strstr(html, "<h2 id=\"概述\">"), "%s", html);
	cr_assert(strstr(html, "<h2 id=\"概述-2\">"), "%s", html);
	cr_assert(strstr(html, "<h3 id=\"细节\">"), "%s", html);
	cr_assert(strstr(html, "<h1 id=\"标题\">"), "%s", html);
	cr_assert_eq(md.nheadings, 4); /* h2..h4 only */
	cr_assert_eq(md.headings[0].level, 2);
	cr_assert_str_eq(md.headings[0].anchor, "一-审核进度如何查询");
	cr_assert_str_eq(md.headings[0].text, "(一) 审核进度如何查询?");
	cr_assert(strstr(md.text, "正文 强调。"), "%s", md.text);
	free(html);
	gen_md_free(&md);
}

Test(markdown, heading_markup_stays_escaped)
{
	gen_md md;
	char *html = render_md("## a <b>&amp; `<i>`\n", &md);

	cr_assert(strstr(html, "<code>&lt;i&gt;</code>"), "%s", html);
	cr_assert_null(strstr(html, "<b>"), "%s", html);
	free(html);
	gen_md_free(&md);
}

Test(markdown, links_are_rewritten_with_their_lines)
{
	gen_md md;
	char *html = render_md("第一行\n见[流程](process.md)和\n[证书](../faq/collect.md#证书怎么领取)。\n\n"
	                       "[外部](https://www.soetp.com)\n", &md);

	cr_assert_eq(md.nlinks, 2);
	cr_assert_eq(md.links[0].line, 7); /* body starts on file line 6 */
	cr_assert_eq(md.links[1].line, 8);
	cr_assert(strstr(html, "href=\"URL%5Bcontent/guide/process.md%5D\""), "%s", html);
	cr_assert(strstr(html, "href=\"https://www.soetp.com\""), "%s", html);
	free(html);
	gen_md_free(&md);
}

Test(markdown, a_bad_link_names_file_and_line)
{
	gen_md md;
	ch_error e;
	const char *text = "a\n\nb [x](../../../x.md)\n";

	cr_assert_eq(gen_md_parse("content/guide/login.md", text, strlen(text), 5, &md, &e), -1);
	cr_assert_str_eq(e.file, "content/guide/login.md");
	cr_assert_eq(e.line, 7);
}

Test(markdown, raw_html_is_not_passed_through)
{
	gen_md md;
	char *html = render_md("<script>alert(1)</script>\n\n段落 <img src=x onerror=y>\n\n"
	                       "[x](javascript:alert(1))\n", &md);

	cr_assert_null(strstr(html, "<script"), "%s", html);
	cr_assert_null(strstr(html, "<img"), "%s", html);
	cr_assert_null(strstr(html, "javascript:"), "%s", html);
	free(html);
	gen_md_free(&md);
}

Test(markdown, the_form_block_is_replaced)
{
	gen_md md;
	char *html = render_md("前文\n\n```form application\n```\n\n```\ncode\n```\n", &md);

	cr_assert(md.has_form);
	cr_assert(strstr(html, "<form id=\"the-form\"></form>"), "%s", html);
	cr_assert(strstr(html, "<pre><code>code"), "%s", html);
	free(html);
	gen_md_free(&md);
}
