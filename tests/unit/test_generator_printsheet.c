/* The printed sheets' Markdown: fields and seals blocks become a table and
 * bordered boxes, their text escaped; everything else stays cmark's safe
 * HTML. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "generator/printsheet.h"

static char *render(const char *md)
{
	ch_error e = {0};
	char *html = NULL;

	cr_assert_eq(gen_print_html(md, strlen(md), "stamp_form.md", &html, &e), 0,
	             "%s", e.msg);
	return html;
}

Test(printsheet, seals_are_boxes_and_fields_are_rows)
{
	char *html = render("# 表\n\n```fields\n机构名称\n日期：　年　月　日\r\n\n```\n\n"
	                    "请盖章。\n\n```seals\n单位公章\n  法定代表人印章  \n```\n");

	cr_assert_not_null(strstr(html, "<table class=\"ch-sheet-fields\"><tbody>\n"
	                                "<tr><th scope=\"row\">机构名称</th><td></td></tr>\n"
	                                "<tr><th scope=\"row\">日期</th><td>　年　月　日</td></tr>\n"
	                                "</tbody></table>"), "%s", html);
	cr_assert_not_null(strstr(html, "<div class=\"ch-seals\">\n"
	                                "<div class=\"ch-seal\"><span class=\"ch-seal-label\">单位公章</span></div>\n"
	                                "<div class=\"ch-seal\"><span class=\"ch-seal-label\">法定代表人印章</span></div>\n"
	                                "</div>"), "%s", html);
	cr_assert_not_null(strstr(html, "<p>请盖章。</p>"));
	cr_assert_null(strstr(html, "<pre>"), "a block left as code: %s", html);
	free(html);
}

Test(printsheet, block_text_is_escaped_and_raw_html_dropped)
{
	char *html = render("```seals\n<script>alert(1)</script>\n```\n\n"
	                    "```fields\na\"b: <img src=x onerror=y()>\n```\n\n"
	                    "<script>bad()</script>\n\n```text\n+---+\n```\n");

	cr_assert_null(strstr(html, "<script>"), "%s", html);
	cr_assert_null(strstr(html, "<img"), "%s", html);
	cr_assert_not_null(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;"), "%s", html);
	cr_assert_not_null(strstr(html, "<th scope=\"row\">a&quot;b</th><td>&lt;img"), "%s", html);
	/* Any other fenced block is still code. */
	cr_assert_not_null(strstr(html, "<pre><code class=\"language-text\">+---+"), "%s", html);
	free(html);
}

Test(printsheet, too_many_blocks_is_an_error)
{
	char md[64 * 40], *html = (char *)1;
	ch_error e = {0};
	size_t n = 0;
	int i;

	for (i = 0; i < 40; i++)
		n += (size_t)snprintf(md + n, sizeof md - n, "```seals\nA\n```\n\n");
	cr_assert_eq(gen_print_html(md, n, "stamp_form.md", &html, &e), -1);
	cr_assert_null(html);
	cr_assert_not_null(strstr(e.msg, "more than"), "%s", e.msg);
}
