/* Order numbers: the check character catches what people mistype. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "batch/orderno.h"

/* Everything a person might type instead, letters included. */
static const char ALPHA[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

Test(orderno, make_has_shape_and_parses_back)
{
	char o[ORDERNO_LEN + 1], p[ORDERNO_LEN + 1];

	cr_assert_eq(orderno_make(20261124, 17, o), 0);
	cr_assert_eq(strlen(o), ORDERNO_LEN);
	cr_assert_eq(strncmp(o, "SX2026112400017", 15), 0);
	cr_assert(orderno_parse(o, p));
	cr_assert_str_eq(p, o);
}

Test(orderno, typing_is_forgiven)
{
	char o[ORDERNO_LEN + 1], typed[64], p[ORDERNO_LEN + 1];

	orderno_make(20261124, 1, o);
	snprintf(typed, sizeof typed, " sx-%.8s %.5s-%c ", o + 2, o + 10,
	         o[15] >= 'A' ? o[15] - 'A' + 'a' : o[15]);
	cr_assert(orderno_parse(typed, p), "%s", typed);
	cr_assert_str_eq(p, o);
}

Test(orderno, out_of_range_refused)
{
	char o[ORDERNO_LEN + 1];

	cr_assert_eq(orderno_make(20261124, 0, o), -1);
	cr_assert_eq(orderno_make(20261124, ORDERNO_MAX_SEQ + 1, o), -1);
}

Test(orderno, wrong_shapes_refused)
{
	char p[ORDERNO_LEN + 1];

	cr_assert_not(orderno_parse("", p));
	cr_assert_not(orderno_parse("SX", p));
	cr_assert_not(orderno_parse("SX2026112400017", p));
	cr_assert_not(orderno_parse("SX2026112400017AA", p));
	cr_assert_not(orderno_parse("XS20261124000170", p));
	cr_assert_not(orderno_parse("SX2026112A000170", p));
}

/* Every single substitution, at every position including the check, is
 * caught, for many order numbers. */
Test(orderno, every_single_substitution_caught)
{
	char o[ORDERNO_LEN + 1], t[ORDERNO_LEN + 1], p[ORDERNO_LEN + 1];

	for (long seq = 1; seq <= 2000; seq += 7) {
		orderno_make(20261124 + seq % 7, seq, o);
		for (size_t i = 2; i < ORDERNO_LEN; i++)
			for (size_t k = 0; k < 36; k++) {
				if (ALPHA[k] == o[i])
					continue;
				memcpy(t, o, sizeof t);
				t[i] = ALPHA[k];
				cr_assert_not(orderno_parse(t, p), "%s -> %s", o, t);
			}
	}
}

Test(orderno, check_x_appears_and_parses)
{
	char o[ORDERNO_LEN + 1], p[ORDERNO_LEN + 1];
	int seen = 0;

	for (long seq = 1; seq <= 100 && !seen; seq++) {
		orderno_make(20261124, seq, o);
		seen = o[15] == 'X';
	}
	cr_assert(seen);
	o[15] = 'x';
	cr_assert(orderno_parse(o, p));
}

/* Swaps of neighbours, the check character included. */
Test(orderno, every_adjacent_transposition_caught)
{
	char o[ORDERNO_LEN + 1], t[ORDERNO_LEN + 1], p[ORDERNO_LEN + 1];

	for (long seq = 1; seq <= 99999; seq += 97) {
		orderno_make(20261231, seq, o);
		for (size_t i = 2; i + 1 < ORDERNO_LEN; i++) {
			if (o[i] == o[i + 1])
				continue;
			memcpy(t, o, sizeof t);
			t[i] = o[i + 1];
			t[i + 1] = o[i];
			cr_assert_not(orderno_parse(t, p), "%s -> %s", o, t);
		}
	}
}
