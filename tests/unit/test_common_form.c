/* application.json against the real schema: the shared cases of
 * tests/fixtures/vectors/applications.json (which the browser's copy is
 * held to as well), then parsing, paths, labels and messages. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/form.h"
#include "common/fsutil.h"

#define SCHEMA "content/forms/application.yaml"
#define CASES "tests/fixtures/vectors/applications.json"

static ch_schema *schema;
static json_t *cases;

static void load(void)
{
	ch_error e = {0};
	json_error_t err;
	char *text;
	size_t len;

	cr_assert_eq(ch_read_file(SCHEMA, 1 << 20, &text, &len, &e), 0,
	             "%s (tests run from the repository root)", e.msg);
	cr_assert_eq(ch_schema_load(text, len, SCHEMA, &schema, &e), 0, "%s:%d: %s",
	             e.file, e.line, e.msg);
	free(text);
	cases = json_load_file(CASES, 0, &err);
	cr_assert_not_null(cases, "%s:%d: %s", CASES, err.line, err.text);
	cr_assert(json_is_array(cases));
}

static void unload(void)
{
	json_decref(cases);
	ch_schema_free(schema);
}

TestSuite(form, .init = load, .fini = unload);

/* The sorted, unique codes of f, joined by spaces. */
static char *codes(const ch_findings *f)
{
	ch_buf b = CH_BUF_INIT;
	const char **v = calloc(f->n + 1, sizeof *v);
	size_t n = 0;

	cr_assert_not_null(v);
	for (size_t i = 0; i < f->n; i++) {
		size_t j;
		for (j = 0; j < n && strcmp(v[j], f->v[i].code) < 0; j++)
			;
		if (j < n && !strcmp(v[j], f->v[i].code))
			continue;
		memmove(v + j + 1, v + j, (n - j) * sizeof *v);
		v[j] = f->v[i].code;
		n++;
	}
	for (size_t i = 0; i < n; i++)
		ch_buf_printf(&b, "%s%s", i ? " " : "", v[i]);
	free(v);
	return ch_buf_detach(&b, NULL);
}

static char *expected(json_t *arr)
{
	ch_buf b = CH_BUF_INIT;
	json_t *v;
	size_t i;

	json_array_foreach(arr, i, v)
		ch_buf_printf(&b, "%s%s", i ? " " : "", json_string_value(v));
	return ch_buf_detach(&b, NULL);
}

/* A case's "messages": where -> the exact message a finding there says. */
static void expect_messages(const char *name, json_t *messages,
                            const ch_findings *f)
{
	const char *where;
	json_t *want;

	json_object_foreach(messages, where, want) {
		const ch_finding *x = NULL;

		for (size_t k = 0; k < f->n && !x; k++)
			if (!strcmp(f->v[k].where, where))
				x = &f->v[k];
		cr_expect_not_null(x, "%s: no finding at %s", name, where);
		if (x)
			cr_expect_str_eq(x->message, json_string_value(want), "%s", name);
	}
}

Test(form, shared_cases)
{
	json_t *c;
	size_t i;

	cr_assert_gt(json_array_size(cases), 50);
	json_array_foreach(cases, i, c) {
		ch_findings f = CH_FINDINGS_INIT;
		const char *name = json_string_value(json_object_get(c, "name"));
		long today = (long)json_integer_value(json_object_get(c, "today"));
		char *got, *want;

		cr_assert_eq(ch_form_validate(schema, json_object_get(c, "app"), today, &f), 0);
		got = codes(&f);
		want = expected(json_object_get(c, "expect"));
		cr_expect_str_eq(got, want, "%s", name);
		if (strcmp(got, want))
			for (size_t k = 0; k < f.n; k++)
				cr_log_info("  %s at %s: %s", f.v[k].code, f.v[k].where,
				            f.v[k].message);
		free(got);
		free(want);
		expect_messages(name, json_object_get(c, "messages"), &f);
		ch_findings_free(&f);
	}
}

/* The case of applications.json named `name`. */
static json_t *app_of(const char *name)
{
	json_t *c;
	size_t i;

	json_array_foreach(cases, i, c)
		if (!strcmp(json_string_value(json_object_get(c, "name")), name))
			return json_object_get(c, "app");
	cr_assert_fail("no case '%s'", name);
	return NULL;
}

static const ch_finding *only(const ch_findings *f, const char *code)
{
	cr_assert_eq(f->n, 1, "%zu findings, want one %s", f->n, code);
	cr_assert_str_eq(f->v[0].code, code);
	cr_expect_eq(f->v[0].level, CH_LEVEL_ERROR);
	return &f->v[0];
}

Test(form, where_label_message)
{
	ch_findings f = CH_FINDINGS_INIT;
	json_t *app = json_deep_copy(app_of("valid: BUNDLE.md's example with made-up numbers"));
	json_t *personal = json_object_get(json_object_get(app, "certificates"), "personal");
	const ch_finding *x;

	json_array_append_new(personal, json_pack("{s:s, s:s, s:s, s:i}", "name", "赵六",
	                                           "id_number", "140107197511202340",
	                                           "mobile", "13700001111", "years", 1));
	json_array_append_new(json_object_get(app, "documents"),
	                      json_pack("{s:s, s:s, s:i}", "kind", "id_copy", "file", "z.jpg",
	                                "person", 1));
	cr_assert_eq(ch_form_validate(schema, app, 20261124, &f), 0);
	x = only(&f, "ID_NUMBER_INVALID");
	cr_expect_str_eq(x->where, "certificates.personal[1].id_number");
	cr_expect_str_eq(x->message, "“第 2 位机构个人证书申请人的身份证号”不是有效的身份证号（请核对校验位和出生日期）。");
	ch_findings_free(&f);

	json_object_set_new(json_object_get(app, "handler"), "mobile", json_string(""));
	json_object_set_new(json_array_get(personal, 1), "id_number",
	                    json_string("140107197511202345"));
	cr_assert_eq(ch_form_validate(schema, app, 20261124, &f), 0);
	x = only(&f, "FORM_REQUIRED");
	cr_expect_str_eq(x->where, "handler.mobile");
	cr_expect_str_eq(x->message, "请填写移动电话。");
	ch_findings_free(&f);

	json_object_set_new(json_object_get(app, "handler"), "mobile",
	                    json_string("13812345678"));
	json_object_set_new(json_object_get(app, "certificates"), "organization_years",
	                    json_integer(9));
	cr_assert_eq(ch_form_validate(schema, app, 20261124, &f), 0);
	x = only(&f, "FORM_RANGE");
	cr_expect_str_eq(x->where, "certificates.organization_years");
	cr_expect_str_eq(x->message, "“机构证书办理年限”超出允许范围（0–5）。");
	ch_findings_free(&f);
	json_decref(app);
}

Test(form, document_paths)
{
	ch_findings f = CH_FINDINGS_INIT;
	json_t *app = json_deep_copy(app_of("valid: BUNDLE.md's example with made-up numbers"));
	json_t *docs = json_object_get(app, "documents");
	const ch_finding *x;

	json_object_set_new(json_array_get(docs, 2), "kind", json_string("photo"));
	cr_assert_eq(ch_form_validate(schema, app, 20261124, &f), 0);
	cr_assert_eq(f.n, 2);
	cr_expect_str_eq(f.v[0].code, "FORM_ENUM");
	cr_expect_str_eq(f.v[0].where, "documents[2].kind");
	/* person on a non-per-person kind is not known either. */
	cr_expect_str_eq(f.v[1].code, "DOC_MISSING");
	cr_expect_str_eq(f.v[1].where, "certificates.personal[0]");
	cr_expect_str_eq(f.v[1].message, "缺少申请人身份证复印件（张三）。");
	ch_findings_free(&f);

	json_array_remove(docs, 2);
	json_array_remove(docs, 2); /* the stamp form */
	json_array_append_new(docs, json_pack("{s:s, s:s, s:i}", "kind", "id_copy",
	                                      "file", "a.jpg", "person", 0));
	cr_assert_eq(ch_form_validate(schema, app, 20261124, &f), 0);
	x = only(&f, "DOC_MISSING");
	cr_expect_str_eq(x->where, "documents");
	cr_expect_str_eq(x->message, "缺少《数字证书印模采集表》。");
	ch_findings_free(&f);
	json_decref(app);
}

Test(form, duplicate_person_names_second)
{
	ch_findings f = CH_FINDINGS_INIT;
	json_t *app = app_of("DUPLICATE_PERSON: one ID number twice (x and X)");
	const ch_finding *x;

	cr_assert_eq(ch_form_validate(schema, app, 20261124, &f), 0);
	x = only(&f, "DUPLICATE_PERSON");
	cr_expect_str_eq(x->where, "certificates.personal[1].id_number");
	/* The place in Chinese: the path is for programs, in `where`. */
	cr_expect_str_eq(x->message, "同一身份证号不能重复办理机构个人证书：第 2 位机构个人证书申请人的身份证号与第 1 位申请人的相同。");
	ch_findings_free(&f);
}

Test(form, unknown_key_where)
{
	ch_findings f = CH_FINDINGS_INIT;
	json_t *app = app_of("FORM_UNKNOWN_KEY: in a personal certificate");
	const ch_finding *x;

	cr_assert_eq(ch_form_validate(schema, app, 20261124, &f), 0);
	x = only(&f, "FORM_UNKNOWN_KEY");
	cr_expect_str_eq(x->where, "certificates.personal[0].phone");
	cr_expect_str_eq(x->message,
	                 "申请表的第 1 位机构个人证书申请人中有无法识别的项目“phone”。");
	ch_findings_free(&f);
}

/* Parses bytes and returns the findings' codes. */
static char *parse_codes(const char *bytes, size_t len, int want_json)
{
	ch_findings f = CH_FINDINGS_INIT;
	json_t *j = NULL;
	char *c;

	cr_assert_eq(ch_form_parse(schema, bytes, len, &j, &f), 0);
	cr_expect_eq(j != NULL, want_json, "%.40s", bytes);
	if (f.n)
		cr_expect_str_eq(f.v[0].where, "application.json");
	c = codes(&f);
	json_decref(j);
	ch_findings_free(&f);
	return c;
}

Test(form, parse)
{
	static const char bom[] = "\xEF\xBB\xBF{\"format\": \"x\"}";
	static const char dup[] = "{\"format\": \"x\",\n \"format\": \"y\"}";
	static const char gbk[] = "{\"name\": \"\xD5\xC5\xC8\xFD\"}";
	static const char broken[] = "{\"format\": ";
	static const char trailing[] = "{} x";
	char *c;
	char *big;
	size_t n = 262145;

	c = parse_codes(bom, strlen(bom), 1);
	cr_expect_str_eq(c, "");
	free(c);
	c = parse_codes(dup, strlen(dup), 0);
	cr_expect_str_eq(c, "FORM_SYNTAX");
	free(c);
	c = parse_codes(gbk, strlen(gbk), 0);
	cr_expect_str_eq(c, "FORM_SYNTAX");
	free(c);
	c = parse_codes(broken, strlen(broken), 0);
	cr_expect_str_eq(c, "FORM_SYNTAX");
	free(c);
	c = parse_codes(trailing, strlen(trailing), 0);
	cr_expect_str_eq(c, "FORM_SYNTAX");
	free(c);
	c = parse_codes("{\"a\": \"\\u0000\"}", 15, 0);
	cr_expect_str_eq(c, "FORM_SYNTAX");
	free(c);

	/* 256 KiB is the limit: one byte more is refused unread. */
	big = malloc(n);
	cr_assert_not_null(big);
	memset(big, ' ', n);
	big[0] = '{';
	big[n - 1] = '}';
	c = parse_codes(big, n, 0);
	cr_expect_str_eq(c, "FORM_SYNTAX");
	free(c);
	c = parse_codes(big + 1, n - 1, 0); /* " ...}" is bad JSON but in size */
	free(c);
	big[1] = '{';
	c = parse_codes(big + 1, n - 1, 1);
	cr_expect_str_eq(c, "");
	free(c);
	free(big);
}

Test(form, syntax_message)
{
	ch_findings f = CH_FINDINGS_INIT;
	json_t *j = NULL;
	static const char dup[] = "{\"format\": \"x\",\n \"format\": \"y\"}";

	cr_assert_eq(ch_form_parse(schema, dup, strlen(dup), &j, &f), 0);
	cr_assert_eq(f.n, 1);
	cr_expect(strstr(f.v[0].message, "第 2 行") != NULL, "%s", f.v[0].message);
	ch_findings_free(&f);
}

Test(form, findings_json)
{
	ch_findings f = CH_FINDINGS_INIT;
	json_t *j, *x;

	cr_assert_eq(ch_findings_add(&f, schema, "DOC_UNLISTED", CH_LEVEL_WARNING,
	                             "说明.txt", NULL, NULL), 0);
	cr_assert_eq(ch_findings_add(&f, NULL, "ZIP_LIMIT", CH_LEVEL_ERROR, NULL, NULL,
	                             "64 MiB"), 0);
	cr_expect_eq(ch_findings_errors(&f), 1);
	cr_expect(ch_findings_has(&f, "DOC_UNLISTED"));
	cr_expect(!ch_findings_has(&f, "DOC_TYPE"));
	j = ch_findings_json(&f);
	cr_assert_not_null(j);
	x = json_array_get(j, 0);
	cr_expect_str_eq(json_string_value(json_object_get(x, "level")), "warning");
	cr_expect_str_eq(json_string_value(json_object_get(x, "message")),
	                 "申请包中的“说明.txt”未在申请表中列出，已忽略。");
	x = json_array_get(j, 1);
	cr_expect_str_eq(json_string_value(json_object_get(x, "where")), "");
	cr_expect_str_eq(json_string_value(json_object_get(x, "message")), "ZIP_LIMIT");
	json_decref(j);
	ch_findings_free(&f);
}
