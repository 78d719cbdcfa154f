/* The form schema: the real content/forms/application.yaml loads, and
 * every kind of mistake in a schema is refused naming file and line. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "common/fsutil.h"
#include "common/schema.h"

#define SCHEMA "content/forms/application.yaml"

static char *text;
static size_t len;

static void load(void)
{
	ch_error e = {0};

	cr_assert_eq(ch_read_file(SCHEMA, 1 << 20, &text, &len, &e), 0,
	             "%s (tests run from the repository root)", e.msg);
}

static void unload(void)
{
	free(text);
}

TestSuite(schema, .init = load, .fini = unload);

Test(schema, real_schema_loads)
{
	ch_error e = {0};
	ch_schema *s;
	const ch_field *f;

	cr_assert_eq(ch_schema_load(text, len, SCHEMA, &s, &e), 0, "%s:%d: %s",
	             e.file, e.line, e.msg);
	cr_expect_str_eq(s->format, "certhall-application/1");
	cr_expect_eq(s->max_bytes, 262144);
	cr_expect_eq(s->min_image_side, 800);
	cr_expect_eq(s->ndocs, 5);
	cr_expect_eq(s->nrules, 2);
	cr_expect(json_is_object(s->raw));
	f = ch_schema_field(s, "handler.mobile");
	cr_assert_not_null(f);
	cr_expect_str_eq(f->check, "mobile");
	cr_expect_str_eq(f->label, "移动电话");
	f = ch_schema_field(s, "certificates.personal[1].id_number");
	cr_assert_not_null(f);
	cr_expect_str_eq(f->check, "id_number");
	f = ch_schema_field(s, "certificates.personal");
	cr_assert_not_null(f);
	cr_expect_eq(f->type, CH_F_LIST);
	cr_expect_eq(f->max_items, 50);
	f = ch_schema_field(s, "invoice.title");
	cr_assert_not_null(f);
	cr_expect_str_eq(f->required_when_field, "type");
	cr_expect_str_eq(f->required_when_equals, "electronic");
	cr_expect_null(ch_schema_field(s, "handler.nickname"));
	cr_expect_null(ch_schema_field(s, "handler.mobile.x"));
	cr_expect_str_eq(ch_schema_message(s, "FORM_REQUIRED"), "请填写{label}。");
	cr_expect_str_eq(ch_schema_message(s, "NO_SUCH_CODE"), "NO_SUCH_CODE");
	ch_schema_free(s);
}

/* The real schema with the first `from` replaced by `to`; the edited
 * schema must fail on the line of that text with msg containing want. */
static void refused(const char *from, const char *to, const char *want)
{
	char *p = strstr(text, from), *edited;
	ch_error e = {0};
	ch_schema *s = NULL;
	int line = 1;
	size_t n;

	cr_assert_not_null(p, "'%s' is not in the schema", from);
	for (const char *q = text; q < p; q++)
		line += *q == '\n';
	n = len - strlen(from) + strlen(to);
	edited = malloc(n + 1);
	cr_assert_not_null(edited);
	memcpy(edited, text, (size_t)(p - text));
	strcpy(edited + (p - text), to);
	strcat(edited, p + strlen(from));
	cr_expect_eq(ch_schema_load(edited, n, "app.yaml", &s, &e), -1, "%s accepted", to);
	cr_expect_null(s);
	cr_expect_str_eq(e.file, "app.yaml");
	cr_expect_eq(e.line, line, "'%s': line %d, want %d (%s)", to, e.line, line, e.msg);
	cr_expect(strstr(e.msg, want) != NULL, "'%s' not in '%s'", want, e.msg);
	free(edited);
}

Test(schema, unknown_type)
{
	refused("type: region", "type: address", "unknown field type 'address'");
}

Test(schema, unknown_check)
{
	refused("check: postcode", "check: zip", "unknown check 'zip'");
}

Test(schema, unknown_key)
{
	refused("        required: false\n        check: postcode",
	        "        requird: false\n        check: postcode", "unknown key 'requird'");
}

Test(schema, key_not_of_this_type)
{
	refused("        max_length: 200\n      - key: postcode",
	        "        max_items: 200\n      - key: postcode", "unknown key 'max_items'");
}

Test(schema, missing_label)
{
	/* The field starts on the line of "- key: address". */
	refused("      - key: address\n        type: string\n        label: 收件地址\n",
	        "      - key: address\n        type: string\n", "has no label");
}

Test(schema, unknown_top_level_key)
{
	refused("document_rules:", "document_rule:", "unknown key 'document_rule'");
}

Test(schema, unknown_rule)
{
	refused("  - duplicate_person", "  - duplicate_people", "unknown rule");
}

Test(schema, unknown_needed)
{
	refused("needed: per_person", "needed: each", "unknown 'needed'");
}

Test(schema, required_when_not_a_sibling)
{
	refused("required_when: { field: type,", "required_when: { field: kind,",
	        "not a sibling");
}

Test(schema, message_variant_needs_its_code)
{
	refused("  FORM_RANGE.too_short:", "  FORM_RANG.too_short:",
	        "has no message 'FORM_RANG'");
}

Test(schema, item_label_and_variants_load)
{
	ch_schema *s = NULL;
	ch_error e = {{0}, 0, {0}};

	cr_assert_eq(ch_schema_load(text, len, "app.yaml", &s, &e), 0, "%s", e.msg);
	cr_expect_str_eq(ch_schema_field(s, "certificates.personal")->item_label,
	                 "机构个人证书申请人");
	cr_expect_str_eq(ch_schema_field(s, "certificates.personal[0].mobile")->check,
	                 "mobile");
	cr_expect(ch_schema_field(s, "certificates.personal[0].mobile")->required);
	ch_schema_free(s);
}

Test(schema, widget_unknown)
{
	refused("widget: years", "widget: slider", "unknown widget");
}


Test(schema, load_file_reads_and_names_the_path)
{
	ch_schema *s = NULL;
	ch_error e = {{0}, 0, {0}};

	cr_assert_eq(ch_schema_load_file("content/forms/application.yaml",
	                                 1 << 20, &s, &e), 0, "%s", e.msg);
	cr_assert_str_eq(s->format, "certhall-application/1");
	ch_schema_free(s);
	s = NULL;
	cr_assert_eq(ch_schema_load_file("content/forms/no-such.yaml", 1 << 20,
	                                 &s, &e), -1);
	cr_assert_null(s);
	cr_assert_str_eq(e.file, "content/forms/no-such.yaml");
}

/* The years of the organisation certificate must be chosen (0 is 不办理):
 * the help text and the guide must say so, not "leave it unselected". */
Test(schema, years_help_agrees_with_the_rule)
{
	ch_schema *s = NULL;
	ch_error e = {{0}, 0, {0}};
	const ch_field *f;
	char *guide = NULL;
	size_t n;

	cr_assert_eq(ch_schema_load(text, len, "app.yaml", &s, &e), 0, "%s", e.msg);
	f = ch_schema_field(s, "certificates.organization_years");
	cr_assert(f->required && f->has_min && f->min == 0);
	cr_expect(strstr(f->help, "不办理") != NULL, "%s", f->help);
	cr_expect(strstr(f->help, "不选") == NULL, "%s", f->help);
	cr_assert_eq(ch_read_file("content/guide/application-info.md", 1 << 20, &guide,
	                          &n, &e), 0, "%s", e.msg);
	cr_expect(strstr(guide, f->help) != NULL, "the guide quotes the form's help");
	cr_expect(strstr(guide, "年限不选中") == NULL);
	free(guide);
	ch_schema_free(s);
}
