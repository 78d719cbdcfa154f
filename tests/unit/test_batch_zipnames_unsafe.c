/* An entry name holding any code point of the shared unsafe list
 * (tests/fixtures/vectors/unsafe_chars.json) is unsafe and shown
 * escaped, the Arabic letter mark included: zipnames.c judges names by
 * common/unsafecp.h, the list termsafe uses. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistr.h>

#include "batch/intake/zipnames.h"
#include "common/unsafecp.h"

/* cp as NUL-terminated UTF-8 in out. */
static void utf8(uint32_t cp, char out[5])
{
	memset(out, 0, 5);
	u8_uctomb((uint8_t *)out, cp, 4);
}

Test(zipnames_unsafe, arabic_letter_mark)
{
	char *shown = zname_printable("a\xd8\x9c" "b.pdf", 8);

	cr_expect(zname_unsafe("a\xd8\x9c" "b.pdf"), "U+061C in a name");
	cr_expect_str_eq(shown, "a\\xD8\\x9Cb.pdf");
	free(shown);
}

Test(zipnames_unsafe, every_listed_code_point)
{
	json_error_t err;
	json_t *j = json_load_file("tests/fixtures/vectors/unsafe_chars.json", 0, &err);
	json_t *r;
	size_t i;

	cr_assert_not_null(j, "%s", err.text);
	json_array_foreach(json_object_get(j, "ranges"), i, r) {
		uint32_t first = (uint32_t)strtoul(json_string_value(json_array_get(r, 0)) + 2, NULL, 16);
		uint32_t last = (uint32_t)strtoul(json_string_value(json_array_get(r, 1)) + 2, NULL, 16);

		for (uint32_t cp = first ? first : 1; cp <= last; cp++) {
			char c[5], name[32];

			utf8(cp, c);
			snprintf(name, sizeof name, "x%s.pdf", c);
			cr_expect(zname_unsafe(name), "U+%04X should be unsafe", (unsigned)cp);
		}
		/* The neighbours outside the range stay safe (none is a
		 * slash, backslash or dot). */
		if (last + 1 != 0x7F && last + 1 != 0x2F && last + 1 != 0x20) {
			char c[5], name[32];

			utf8(last + 1, c);
			snprintf(name, sizeof name, "x%s.pdf", c);
			cr_expect_not(zname_unsafe(name), "U+%04X should be safe",
			              (unsigned)(last + 1));
		}
	}
	json_decref(j);
}
