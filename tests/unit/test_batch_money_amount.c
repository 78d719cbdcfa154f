/* Statement amounts: every form the exports write, read into fen exactly,
 * and what is not an amount refused rather than guessed. */
#include <criterion/criterion.h>
#include <string.h>

#include "batch/money/amount.h"

static long long fen_of(const char *s)
{
	long long v = 7777;
	int r = money_parse_fen(s, strlen(s), &v);

	cr_assert_eq(r, 0, "'%s' should read as an amount (got %d)", s, r);
	return v;
}

static void refused(const char *s)
{
	long long v;

	cr_assert_eq(money_parse_fen(s, strlen(s), &v), -1, "'%s' accepted", s);
}

static void none(const char *s)
{
	long long v;

	cr_assert_eq(money_parse_fen(s, strlen(s), &v), MONEY_NONE,
	             "'%s' should be no amount", s);
}

Test(money_amount, plain_and_decimals)
{
	cr_assert_eq(fen_of("300"), 30000);
	cr_assert_eq(fen_of("300.5"), 30050);
	cr_assert_eq(fen_of("300.05"), 30005);
	cr_assert_eq(fen_of("0.01"), 1);
	cr_assert_eq(fen_of(".5"), 50);
	cr_assert_eq(fen_of("12."), 1200);
	cr_assert_eq(fen_of("1.80000"), 180);
}

Test(money_amount, separators_signs_currency)
{
	cr_assert_eq(fen_of("1,234,567.89"), 123456789);
	cr_assert_eq(fen_of("  1,000.00\t"), 100000);
	cr_assert_eq(fen_of("-1,000.00"), -100000);
	cr_assert_eq(fen_of("+300.00"), 30000);
	cr_assert_eq(fen_of("(12.30)"), -1230);
	cr_assert_eq(fen_of("\xef\xbc\x88" "12.30" "\xef\xbc\x89"), -1230);
	cr_assert_eq(fen_of("\xc2\xa5" "900.00"), 90000);
	cr_assert_eq(fen_of("\xef\xbf\xa5" "1,200.00"), 120000);
	cr_assert_eq(fen_of("-\xc2\xa5" "5.00"), -500);
	cr_assert_eq(fen_of("\xc2\xa5-5.00"), -500);
	cr_assert_eq(fen_of("300.00\xe5\x85\x83"), 30000);
	cr_assert_eq(fen_of("\xe3\x80\x80" "8.00"), 800);
}

Test(money_amount, empty_forms_are_none)
{
	none("");
	none("   ");
	none("-");
	none("--");
	none("\xe2\x80\x94");
}

Test(money_amount, not_amounts_refused)
{
	refused("abc");
	refused("1.234");        /* a tenth of a fen */
	refused("1,23.00");      /* bad grouping */
	refused("1234,567.00");  /* bad grouping */
	refused(",100");
	refused("1,000,");
	refused("(12.00");
	refused("((1))");
	refused("-(1)");
	refused("1e5");
	refused("0x10");
	refused("1 000");
	refused(".");
	refused("+-1");
	refused("99999999999999999999");
	refused("1000000000000.01"); /* beyond MONEY_MAX_FEN */
}

Test(money_amount, format_round_trips)
{
	char out[32];

	money_format(123456789, out);
	cr_assert_str_eq(out, "1234567.89");
	money_format(-5, out);
	cr_assert_str_eq(out, "-0.05");
	money_format(0, out);
	cr_assert_str_eq(out, "0.00");
}
