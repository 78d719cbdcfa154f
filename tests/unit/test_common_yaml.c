/* YAML into the JSON model: scalar typing, refusals with the right line,
 * and front matter. */
#include <criterion/criterion.h>
#include <string.h>

#include "common/yaml.h"

static json_t *parse(const char *text, ch_error *e)
{
	memset(e, 0, sizeof *e);
	return ch_yaml_parse(text, strlen(text), "t.yaml", 1, e);
}

Test(yaml, scalars_typed)
{
	ch_error e;
	json_t *j = parse("a: 1\nb: -5\nc: 030000\nd: true\ne: ~\nf: '1'\n"
	                  "g: 1.5\nh: 张三\ni:\nj: [x, 2]\n1: one\n", &e);

	cr_assert_not_null(j, "%s", e.msg);
	cr_expect(json_is_integer(json_object_get(j, "a")));
	cr_expect_eq(json_integer_value(json_object_get(j, "b")), -5);
	/* A postcode keeps its leading zero. */
	cr_expect_str_eq(json_string_value(json_object_get(j, "c")), "030000");
	cr_expect(json_is_true(json_object_get(j, "d")));
	cr_expect(json_is_null(json_object_get(j, "e")));
	cr_expect_str_eq(json_string_value(json_object_get(j, "f")), "1");
	cr_expect_str_eq(json_string_value(json_object_get(j, "g")), "1.5");
	cr_expect_str_eq(json_string_value(json_object_get(j, "h")), "张三");
	cr_expect(json_is_null(json_object_get(j, "i")));
	cr_expect_eq(json_array_size(json_object_get(j, "j")), 2);
	cr_expect_str_eq(json_string_value(json_object_get(j, "1")), "one");
	json_decref(j);
}

Test(yaml, syntax_error_names_line)
{
	ch_error e;
	json_t *j = parse("a: 1\nb: 2\nc: [1, 2\nd: 4\n", &e);

	cr_assert_null(j);
	cr_expect_str_eq(e.file, "t.yaml");
	cr_expect(e.line >= 3 && e.line <= 4, "line %d: %s", e.line, e.msg);
	j = parse("a: 1\n  b: 2\n", &e);
	cr_assert_null(j);
	cr_expect_eq(e.line, 2, "line %d: %s", e.line, e.msg);
}

Test(yaml, refusals_name_line)
{
	ch_error e;

	cr_expect_null(parse("a: 1\nb: 2\na: 3\n", &e));
	cr_expect_eq(e.line, 3, "duplicate key: %d %s", e.line, e.msg);
	cr_expect_null(parse("a: &x 1\nb: *x\n", &e));
	cr_expect_eq(e.line, 1, "anchor: %d %s", e.line, e.msg);
	cr_expect_null(parse("a: 1\nb: !!binary aGk=\n", &e));
	cr_expect_eq(e.line, 2, "tag: %d %s", e.line, e.msg);
	cr_expect_null(parse("a: 1\n---\nb: 2\n", &e));
	cr_expect_eq(e.line, 2, "two documents: %d %s", e.line, e.msg);
	cr_expect_null(parse("a: 99999999999999999999\n", &e));
	cr_expect_eq(e.line, 1);
	cr_expect_null(parse("? [a, b]\n: 1\n", &e));
	cr_expect_eq(e.line, 1, "non-string key: %d %s", e.line, e.msg);
}

Test(yaml, first_line_offsets_errors)
{
	ch_error e = {0};
	json_t *j = ch_yaml_parse("a: 1\na: 2\n", 10, "page.md", 2, &e);

	cr_assert_null(j);
	cr_expect_eq(e.line, 3);
}

Test(yaml, lines_of_nodes)
{
	ch_error e = {0};
	json_t *lines = NULL;
	const char *t = "x: 1\nfields:\n  - key: a\n    label: A\n  - key: b\n";
	json_t *j = ch_yaml_parse_lines(t, strlen(t), "t.yaml", 1, &lines, &e);

	cr_assert_not_null(j, "%s", e.msg);
	cr_assert_not_null(lines);
	cr_expect_eq(json_integer_value(json_object_get(lines, "/x")), 1);
	cr_expect_eq(json_integer_value(json_object_get(lines, "/fields")), 2);
	cr_expect_eq(json_integer_value(json_object_get(lines, "/fields/0/label")), 4);
	cr_expect_eq(json_integer_value(json_object_get(lines, "/fields/1/key")), 5);
	json_decref(j);
	json_decref(lines);
}

Test(yaml, empty_document_is_null)
{
	ch_error e;
	json_t *j = parse("# only a comment\n", &e);

	cr_assert_not_null(j);
	cr_expect(json_is_null(j));
	json_decref(j);
}

Test(yaml, front_matter)
{
	const char *page = "---\ntitle: 申请流程\norder: 2\n---\n# 申请流程\n\n正文\n";
	ch_error e = {0};
	json_t *meta;
	const char *body;
	size_t blen;
	int bline;

	cr_assert_eq(ch_front_matter(page, strlen(page), "p.md", &meta, &body, &blen,
	                             &bline, &e), 0, "%s", e.msg);
	cr_expect_str_eq(json_string_value(json_object_get(meta, "title")), "申请流程");
	cr_expect_eq(json_integer_value(json_object_get(meta, "order")), 2);
	cr_expect_eq(bline, 5);
	cr_expect(blen == strlen("# 申请流程\n\n正文\n") && !strncmp(body, "# 申请流程", 4));
	json_decref(meta);
}

Test(yaml, front_matter_absent_and_errors)
{
	const char *plain = "# 标题\n";
	const char *unclosed = "---\ntitle: x\n";
	const char *bad = "---\ntitle: x\norder: [\n---\nbody\n";
	const char *list = "---\n- a\n---\nbody\n";
	ch_error e = {0};
	json_t *meta;
	const char *body;
	size_t blen;
	int bline;

	cr_assert_eq(ch_front_matter(plain, strlen(plain), "p.md", &meta, &body, &blen,
	                             &bline, &e), 0);
	cr_expect(json_is_object(meta) && json_object_size(meta) == 0);
	cr_expect_eq(bline, 1);
	cr_expect_eq(body, plain);
	json_decref(meta);

	cr_expect_eq(ch_front_matter(unclosed, strlen(unclosed), "p.md", &meta, &body,
	                             &blen, &bline, &e), -1);
	cr_expect_str_eq(e.file, "p.md");
	cr_expect_eq(ch_front_matter(bad, strlen(bad), "p.md", &meta, &body, &blen,
	                             &bline, &e), -1);
	cr_expect(e.line >= 3, "line %d: %s", e.line, e.msg);
	cr_expect_eq(ch_front_matter(list, strlen(list), "p.md", &meta, &body, &blen,
	                             &bline, &e), -1);
	cr_expect_eq(e.line, 2);
}

/* A "\0" escape in a quoted key must not cut it into another key: "a\0b"
 * would become "a" and could stand in for a key the schema checks. */
Test(yaml, nul_in_key_refused)
{
	ch_error e;
	json_t *j = parse("ok: 1\n\"a\\0b\": 2\n", &e);

	cr_expect_null(j);
	json_decref(j);
	cr_expect_eq(e.line, 2);
	cr_expect(strstr(e.msg, "NUL"), "%s", e.msg);
}
