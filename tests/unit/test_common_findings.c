/* Findings reach the applicant as JSON: one stray byte in a ZIP entry
 * name must not cost the whole report. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <string.h>

#include "common/findings.h"

Test(findings, invalid_utf8_where_still_reported)
{
	ch_findings f = CH_FINDINGS_INIT;
	json_t *j;
	const char *where;

	cr_assert_eq(ch_findings_add(&f, NULL, "ZIP_NAME", CH_LEVEL_ERROR,
	                             "营业\xe6\x89\xff.pdf", NULL, NULL), 0);
	cr_assert_eq(ch_findings_add(&f, NULL, "DOC_MISSING", CH_LEVEL_WARNING,
	                             "docs/执照.pdf", NULL, NULL), 0);
	j = ch_findings_json(&f);
	cr_assert_not_null(j, "an invalid byte must not lose the report");
	cr_assert_eq(json_array_size(j), 2);
	where = json_string_value(json_object_get(json_array_get(j, 0), "where"));
	cr_expect_str_eq(where, "营业???.pdf");
	where = json_string_value(json_object_get(json_array_get(j, 1), "where"));
	cr_expect_str_eq(where, "docs/执照.pdf", "valid text unchanged");
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(j, 1), "level")),
	                 "warning");
	json_decref(j);
	ch_findings_free(&f);
}

/* A name or key from the application quoted in a message must not carry
 * an escape or a bidi control into a notice, an SMS or a terminal. */
Test(findings, message_values_lose_unsafe_characters)
{
	ch_findings f = CH_FINDINGS_INIT;

	cr_assert_eq(ch_findings_add(&f, NULL, "{label}", CH_LEVEL_ERROR,
	                             "a\x1b" "b", "张\xe2\x80\xae三\x07", NULL), 0);
	cr_expect_str_eq(f.v[0].message, "张?三?");
	cr_expect_str_eq(f.v[0].where, "a\x1b" "b", "where is data, kept as given");
	ch_findings_free(&f);
}
