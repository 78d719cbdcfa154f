/* The application form's HTML: hostile schema text stays text, every
 * input is labelled, and the embedded JSON cannot end its <script>. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "generator/formhtml.h"

#define HOSTILE "<script>alert(1)</script>"

static ch_enum_value kinds[2] = {
	{"a", "甲" HOSTILE},
	{"b\"><script>x()</script>", "乙"},
};

static ch_field item_fields[2];
static ch_field group_fields[5];
static ch_field top_fields[2];
static ch_doc_kind docs[3] = {
	{"authorization_letter", "授权委托书" HOSTILE, "always", NULL, NULL, NULL},
	{"id_copy", "身份证", "per_person", NULL, NULL, NULL},
	{"remittance_voucher", "汇款凭证", "optional", "pay", "transfer", "仅在需要时" HOSTILE},
};

static ch_field string_field(const char *key, const char *label,
                             const char *help, const char *check)
{
	ch_field f;

	memset(&f, 0, sizeof f);
	f.key = (char *)key;
	f.label = (char *)label;
	f.help = (char *)help;
	f.check = (char *)check;
	f.type = CH_F_STRING;
	f.required = 1;
	f.min_length = f.max_length = f.min_items = f.max_items = -1;
	return f;
}

static ch_schema *make_schema(void)
{
	static ch_schema s;
	ch_field *f;

	item_fields[0] = string_field("name", "姓名" HOSTILE, NULL, NULL);
	item_fields[1] = string_field("id_number", "身份证号", "帮助" HOSTILE, "id_number");

	group_fields[0] = string_field("name", "名称\"onmouseover=\"x()", "<b>help</b>", NULL);
	group_fields[1] = string_field("mobile", "手机", "'quoted' & more", "mobile");
	f = &group_fields[2];
	*f = string_field("years", "年限" HOSTILE, NULL, NULL);
	f->type = CH_F_INTEGER;
	f->widget = "years";
	f->has_min = f->has_max = 1;
	f->min = 0;
	f->max = 5;
	f = &group_fields[3];
	*f = string_field("kind", "类型", NULL, NULL);
	f->type = CH_F_ENUM;
	f->values = kinds;
	f->nvalues = 2;
	f = &group_fields[4];
	*f = string_field("region", "省市区" HOSTILE, NULL, NULL);
	f->type = CH_F_REGION;

	top_fields[0] = string_field("org", "单位" HOSTILE, "组帮助" HOSTILE, NULL);
	top_fields[0].type = CH_F_GROUP;
	top_fields[0].fields = group_fields;
	top_fields[0].nfields = 5;
	f = &top_fields[1];
	*f = string_field("people", "个人" HOSTILE, NULL, NULL);
	f->type = CH_F_LIST;
	f->fields = item_fields;
	f->nfields = 2;
	f->add_label = "添加" HOSTILE;
	f->remove_label = "删除" HOSTILE;
	f->max_items = 50;
	f->min_items = 0;

	memset(&s, 0, sizeof s);
	s.id = "application";
	s.format = "certhall-application/1";
	s.title = "申请表" HOSTILE;
	s.fields = top_fields;
	s.nfields = 2;
	s.docs = docs;
	s.ndocs = 3;
	s.min_image_side = 800;
	s.raw = json_pack("{s:s, s:[s, s], s:{s:s}}", "title", "x</script><script>alert(1)</script>",
	                  "list", "</SCRIPT>", "<!--", "messages", "FORM_REQUIRED",
	                  "请填写{label}。&amp;\u2028");
	cr_assert_not_null(s.raw);
	return &s;
}

static const char *asset(void *ctx, const char *name)
{
	static char url[128];

	(void)ctx;
	snprintf(url, sizeof url, "../assets/%s?v=1&x=\"", name);
	return url;
}

static const char *no_asset(void *ctx, const char *name)
{
	(void)ctx;
	(void)name;
	return NULL;
}

static char *render(ch_schema *s, const char *letter)
{
	ch_fees fees = {{0, 40000, 70000, 100000, 130000, 160000},
	                {0, 20000, 35000, 50000, 65000, 80000}, 1};
	const char *stamp = "# 印模采集表\n\n<script>alert(2)</script>\n";
	gen_form_inputs in = {s, &fees, letter, strlen(letter), stamp, strlen(stamp),
	                      asset, NULL};
	ch_buf out = CH_BUF_INIT;
	ch_error e;

	memset(&e, 0, sizeof e);
	cr_assert_eq(gen_form_html(&in, &out, &e), 0, "gen_form_html: %s", e.msg);
	return ch_buf_detach(&out, NULL);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0, len = strlen(needle);
	const char *p;


	for (p = hay; *p; p++)
		if (!strncasecmp(p, needle, len))
			n++;
	return n;
}

Test(formhtml, hostile_labels_and_help_are_escaped)
{
	ch_schema *s = make_schema();
	char *html = render(s, "委托 {handler.name} <script>alert(3)</script>\n");

	cr_assert_null(strstr(html, "alert(1)</script>"), "raw label reached the HTML");
	cr_assert_null(strstr(html, "<script>x()"));
	cr_assert_null(strstr(html, "\"onmouseover"));
	cr_assert_null(strstr(html, "<b>help"));
	cr_assert_null(strstr(html, "<script>alert(2)"), "raw HTML in Markdown was kept");
	cr_assert_null(strstr(html, "<script>alert(3)"), "raw HTML in Markdown was kept");
	cr_assert_not_null(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	cr_assert_not_null(strstr(html, "&#39;quoted&#39; &amp; more"));
	/* A document's help, escaped, and its input described by it. */
	cr_assert_not_null(strstr(html, "<p class=\"ch-help\" id=\"doc-remittance_voucher-help\">"
	                                "仅在需要时&lt;script&gt;"));
	cr_assert_not_null(strstr(html, "aria-describedby=\"doc-help doc-remittance_voucher-help "
	                                "doc-remittance_voucher-err\""));
	cr_assert_not_null(strstr(html, "汇款凭证（可选）</label>"));
	cr_assert_not_null(strstr(html, "<span class=\"ch-fill\" data-fill=\"handler.name\"></span>"));
	cr_assert_not_null(strstr(html, "href=\"../assets/form.css?v=1&amp;x=&quot;\""));
	json_decref(s->raw);
	free(html);
}

/* Every <input> has an id and a <label for> naming it. */
Test(formhtml, every_input_is_labelled)
{
	ch_schema *s = make_schema();
	char *html = render(s, "委托书\n");
	const char *p = html, *id, *end;
	char want[300];
	size_t n = 0;

	while ((p = strstr(p, "<input"))) {
		end = strchr(p, '>');
		id = strstr(p, " id=\"");
		cr_assert(id && id < end, "an input without id near: %.80s", p);
		id += 5;
		cr_assert_lt((size_t)(strchr(id, '"') - id), 250u);
		snprintf(want, sizeof want, "<label for=\"%.*s\"", (int)(strchr(id, '"') - id), id);
		cr_assert_not_null(strstr(html, want), "no %s", want);
		p = end;
		n++;
	}
	/* 2 row fields, name, mobile, 6 years, 2 kinds, 3 region, 3 docs,
	 * the resubmit checkbox and the application id. */
	cr_assert_eq(n, 20u, "found %zu inputs", n);
	cr_assert_not_null(strstr(html, "aria-required=\"true\""));
	cr_assert_not_null(strstr(html, "aria-describedby=\"f-org-mobile-help f-org-mobile-err\""));
	/* The slots are quiet: only the form's summary is a live region. */
	cr_assert_not_null(strstr(html, "id=\"f-org-mobile-err\"></p>"));
	cr_assert_null(strstr(html, "role=\"alert\""));
	cr_assert_null(strstr(html, "aria-live=\"assertive\""));
	/* A group has a slot of its own for what concerns it as a whole,
	 * and the form one for what has no field. */
	cr_assert_not_null(strstr(html, "data-group=\"org\" aria-describedby=\"f-org-help f-org-err\""));
	cr_assert_not_null(strstr(html, "<p class=\"ch-error\" id=\"f-org-err\"></p>"));
	cr_assert_not_null(strstr(html, "<p class=\"ch-error\" id=\"ch-form-err\"></p>"));
	cr_assert_not_null(strstr(html, ">不办理</label>"));
	cr_assert_not_null(strstr(html, "<template data-row-template=\"people\">"));
	cr_assert_not_null(strstr(html, "data-path=\"people[__i__].id_number\""));
	cr_assert_not_null(strstr(html, "示例价格"));
	json_decref(s->raw);
	free(html);
}

/* The schema JSON cannot close its <script> block, and it reads back as
 * the same JSON. */
Test(formhtml, json_block_cannot_be_broken_out_of)
{
	ch_schema *s = make_schema();
	char *html = render(s, "委托书\n");
	const char *open = "<script type=\"application/json\" id=\"ch-schema\">";
	const char *start = strstr(html, open), *end;
	char *copy;
	json_t *back;
	json_error_t je;

	/* 2 JSON blocks and 3 scripts: as many closings as openings. */
	cr_assert_eq(count(html, "<script"), 5u);
	cr_assert_eq(count(html, "</script"), 5u);
	cr_assert_not_null(start);
	start += strlen(open);
	end = strstr(start, "</script>");
	copy = strndup(start, (size_t)(end - start));
	cr_assert_null(strstr(copy, "<!--"));
	back = json_loads(copy, 0, &je);
	cr_assert_not_null(back, "embedded JSON does not parse: %s", je.text);
	cr_assert(json_equal(back, s->raw), "embedded JSON differs from the schema");
	json_decref(back);
	free(copy);
	json_decref(s->raw);
	free(html);
}

Test(formhtml, missing_asset_is_an_error)
{
	ch_schema *s = make_schema();
	ch_fees fees = {{0}, {0}, 0};
	gen_form_inputs in = {s, &fees, "a", 1, "b", 1, no_asset, NULL};
	ch_buf out = CH_BUF_INIT;
	ch_error e;

	memset(&e, 0, sizeof e);
	cr_assert_eq(gen_form_html(&in, &out, &e), -1);
	cr_assert_not_null(strstr(e.msg, "form.css"));
	cr_assert_eq(out.len, 0u, "nothing half-written");
	ch_buf_free(&out);
	json_decref(s->raw);
}
