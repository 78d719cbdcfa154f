/* The template language: escaping by default, raw only when asked,
 * sections, inverted sections, partials, and errors naming file:line. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <string.h>

#include "common/buf.h"
#include "generator/template.h"

static int partials(void *ctx, const char *name, const char **text,
                    size_t *len, const char **file)
{
	(void)ctx;
	if (strcmp(name, "item") == 0) {
		*text = "<li>{{title}}</li>";
	} else if (strcmp(name, "loop") == 0) {
		*text = "{{> loop}}";
	} else if (strcmp(name, "broken") == 0) {
		*text = "ok\n{{#x}}";
	} else {
		return -1;
	}
	*len = strlen(*text);
	*file = "site/layouts/partials/test.html";
	return 0;
}

/* Renders tpl with the JSON data; returns a static copy of the output. */
static const char *render(const char *tpl, const char *json)
{
	static char out[4096];
	gen_tpl *t = NULL;
	ch_error e;
	ch_buf b = CH_BUF_INIT;
	json_t *data = json_loads(json, 0, NULL);

	cr_assert_not_null(data, "bad test JSON");
	cr_assert_eq(gen_tpl_parse(tpl, strlen(tpl), "t.html", partials, NULL, &t, &e),
	             0, "parse: %s", e.msg);
	ch_buf_puts(&b, "");
	cr_assert_eq(gen_tpl_render(t, data, &b, &e), 0);
	snprintf(out, sizeof out, "%s", b.data);
	ch_buf_free(&b);
	gen_tpl_free(t);
	json_decref(data);
	return out;
}

static ch_error parse_error(const char *tpl)
{
	gen_tpl *t = NULL;
	ch_error e;

	memset(&e, 0, sizeof e);
	cr_assert_eq(gen_tpl_parse(tpl, strlen(tpl), "site/layouts/x.html", partials,
	                           NULL, &t, &e), -1);
	cr_assert_null(t);
	return e;
}

Test(template, values_are_html_escaped_by_default)
{
	cr_assert_str_eq(render("<p>{{v}}</p>", "{\"v\":\"<script>alert('x')</script> & \\\"q\\\"\"}"),
	                 "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;</p>");
	cr_assert_str_eq(render("<a title=\"{{v}}\">", "{\"v\":\"\\\" onclick=\\\"x\"}"),
	                 "<a title=\"&quot; onclick=&quot;x\">");
}

Test(template, triple_braces_are_raw)
{
	cr_assert_str_eq(render("{{{html}}}|{{html}}", "{\"html\":\"<b>x</b>\"}"),
	                 "<b>x</b>|&lt;b&gt;x&lt;/b&gt;");
}

Test(template, dotted_paths_and_lookup_outwards)
{
	cr_assert_str_eq(render("{{site.title}}-{{page.n}}", "{\"site\":{\"title\":\"证书\"},\"page\":{\"n\":3}}"),
	                 "证书-3");
	cr_assert_str_eq(render("{{#page}}{{title}}/{{root}}{{/page}}",
	                        "{\"root\":\"../\",\"page\":{\"title\":\"t\"}}"), "t/../");
	cr_assert_str_eq(render("[{{missing}}{{a.b.c}}]", "{\"a\":{}}"), "[]");
}

Test(template, sections_iterate_and_inverted_sections)
{
	cr_assert_str_eq(render("{{#l}}<{{t}}>{{/l}}", "{\"l\":[{\"t\":\"a\"},{\"t\":\"b&\"}]}"),
	                 "<a><b&amp;>");
	cr_assert_str_eq(render("{{#l}}{{.}},{{/l}}", "{\"l\":[\"x\",\"<y>\"]}"), "x,&lt;y&gt;,");
	cr_assert_str_eq(render("{{#f}}yes{{/f}}{{^f}}no{{/f}}", "{\"f\":false}"), "no");
	cr_assert_str_eq(render("{{#f}}yes{{/f}}{{^f}}no{{/f}}", "{\"f\":\"s\"}"), "yes");
	cr_assert_str_eq(render("{{^l}}empty{{/l}}", "{\"l\":[]}"), "empty");
	cr_assert_str_eq(render("{{^s}}empty{{/s}}", "{\"s\":\"\"}"), "empty");
}

Test(template, partials_are_parsed_in)
{
	cr_assert_str_eq(render("<ul>{{#l}}{{> item}}{{/l}}</ul>",
	                        "{\"l\":[{\"title\":\"<1>\"}]}"),
	                 "<ul><li>&lt;1&gt;</li></ul>");
}

Test(template, errors_name_file_and_line)
{
	ch_error e = parse_error("a\nb\n{{#open}}\n");
	cr_assert_str_eq(e.file, "site/layouts/x.html");
	cr_assert(strstr(e.msg, "open"), "%s", e.msg);

	e = parse_error("line1\n{{/nope}}");
	cr_assert_eq(e.line, 2);

	e = parse_error("x\n\n{{unclosed");
	cr_assert_eq(e.line, 3);

	e = parse_error("{{> nosuch}}");
	cr_assert(strstr(e.msg, "nosuch"), "%s", e.msg);

	e = parse_error("{{bad name}}");
	cr_assert_eq(e.line, 1);

	e = parse_error("{{> broken}}");
	cr_assert_str_eq(e.file, "site/layouts/partials/test.html");

	e = parse_error("{{> loop}}");
	cr_assert(strstr(e.msg, "deep"), "%s", e.msg);
}
