/* Statement dates and times: each export's form read into ISO text, and
 * impossible dates refused. */
#include <criterion/criterion.h>
#include <string.h>

#include "batch/money/date.h"

static void reads(const char *s, const char *date, const char *time)
{
	char d[11], t[9];

	cr_assert_eq(money_parse_date(s, strlen(s), d, t), 0, "'%s' refused", s);
	cr_assert_str_eq(d, date, "'%s'", s);
	cr_assert_str_eq(t, time, "'%s'", s);
}

static void refused(const char *s)
{
	char d[11], t[9];

	cr_assert_eq(money_parse_date(s, strlen(s), d, t), -1, "'%s' accepted", s);
}

Test(money_date, the_three_forms)
{
	reads("2026-11-23", "2026-11-23", "");
	reads("2026/11/23", "2026-11-23", "");
	reads("20261123", "2026-11-23", "");
	reads(" 2026.11.23\t", "2026-11-23", "");
	reads("2026/1/5", "2026-01-05", "");
	reads("2026\xe5\xb9\xb4" "11\xe6\x9c\x88" "23\xe6\x97\xa5", "2026-11-23", "");
}

Test(money_date, with_a_time)
{
	reads("2026-11-23 10:11:12", "2026-11-23", "10:11:12");
	reads("2026/11/23 9:05", "2026-11-23", "09:05:00");
	reads("2026-11-23T10:11:12", "2026-11-23", "10:11:12");
	reads("20261123101112", "2026-11-23", "10:11:12");
	reads("20261123 101112", "2026-11-23", "10:11:12");
	reads("2026-11-23 10:11:12.000", "2026-11-23", "10:11:12");
}

Test(money_date, impossible_refused)
{
	refused("");
	refused("2026-02-29");
	refused("2026-13-01");
	refused("2026-11-31");
	refused("2026-11-00");
	refused("2026/11-23");
	refused("261123");
	refused("202611234");
	refused("2026-11-23 25:00:00");
	refused("2026-11-23 10:61");
	refused("2026-11-23x");
	refused("abc");
	reads("2024-02-29", "2024-02-29", "");
	refused("2100-02-29");
}

Test(money_date, time_alone)
{
	char t[9];

	cr_assert_eq(money_parse_time("10:11:12", 8, t), 0);
	cr_assert_str_eq(t, "10:11:12");
	cr_assert_eq(money_parse_time("101112", 6, t), 0);
	cr_assert_str_eq(t, "10:11:12");
	cr_assert_eq(money_parse_time("  ", 2, t), 1);
	cr_assert_eq(money_parse_time("1011", 4, t), -1);
	cr_assert_eq(money_parse_time("24:00", 5, t), -1);
}
