/* The one list of unsafe code points: common/unsafecp.c against
 * tests/fixtures/vectors/unsafe_chars.json (which validate.js's copy is
 * held to as well), and each of its users refusing or replacing every
 * code point of it. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistr.h>

#include "common/buf.h"
#include "common/termsafe.h"
#include "common/unsafecp.h"

#define VECTORS "tests/fixtures/vectors/unsafe_chars.json"

static uint32_t hex_cp(json_t *v)
{
	const char *s = json_string_value(v);

	cr_assert(s && !strncmp(s, "U+", 2), "a code point as U+XXXX");
	return (uint32_t)strtoul(s + 2, NULL, 16);
}

static json_t *load_ranges(void)
{
	json_error_t err;
	json_t *j = json_load_file(VECTORS, 0, &err);

	cr_assert_not_null(j, "%s:%d: %s (tests run from the repository root)",
	                   VECTORS, err.line, err.text);
	return j;
}

Test(unsafecp, list_is_the_shared_vector_list)
{
	json_t *j = load_ranges(), *ranges = json_object_get(j, "ranges"), *r;
	size_t i;

	cr_assert_eq(json_array_size(ranges), ch_unsafe_nranges);
	json_array_foreach(ranges, i, r) {
		cr_expect_eq(hex_cp(json_array_get(r, 0)), ch_unsafe_ranges[i].first,
		             "range %zu", i);
		cr_expect_eq(hex_cp(json_array_get(r, 1)), ch_unsafe_ranges[i].last,
		             "range %zu", i);
	}
	json_decref(j);
}

Test(unsafecp, every_code_point_judged_by_the_ranges)
{
	size_t k = 0;

	for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
		int in = 0;

		while (k < ch_unsafe_nranges && cp > ch_unsafe_ranges[k].last)
			k++;
		in = k < ch_unsafe_nranges && cp >= ch_unsafe_ranges[k].first;
		if (ch_cp_unsafe(cp) != in)
			cr_assert_fail("U+%04X: %d, want %d", (unsigned)cp,
			               ch_cp_unsafe(cp), in);
	}
}

/* cp as NUL-terminated UTF-8 in out. */
static void utf8(uint32_t cp, char out[5])
{
	memset(out, 0, 5);
	u8_uctomb((uint8_t *)out, cp, 4);
}

Test(unsafecp, termsafe_replaces_each_and_text_unsafe_finds_it)
{
	for (size_t i = 0; i < ch_unsafe_nranges; i++) {
		for (uint32_t cp = ch_unsafe_ranges[i].first;
		     cp <= ch_unsafe_ranges[i].last; cp++) {
			char c[5], text[16];
			ch_buf b = CH_BUF_INIT;
			uint32_t found = 0;

			if (cp == 0)
				continue; /* ends a C string: nothing to carry */
			utf8(cp, c);
			snprintf(text, sizeof text, "a%sb", c);
			ch_term_buf(&b, text);
			cr_assert(ch_buf_ok(&b));
			cr_expect_str_eq(b.data, "a?b", "U+%04X", (unsigned)cp);
			cr_expect(ch_text_unsafe(text, &found), "U+%04X", (unsigned)cp);
			cr_expect_eq(found, cp);
			ch_buf_free(&b);
		}
	}
}

Test(unsafecp, text_unsafe_passes_chinese_and_flags_invalid_bytes)
{
	uint32_t cp = 0;

	cr_expect_not(ch_text_unsafe("山西示例科技有限公司 No. 1 ‘A’ — é", &cp));
	cr_expect(ch_text_unsafe("a\xff", &cp));
	cr_expect_eq(cp, 0x110000u + 0xFF);
	cr_expect(ch_text_unsafe("\xd8\x9c", &cp)); /* U+061C */
	cr_expect_eq(cp, 0x061C);
}
