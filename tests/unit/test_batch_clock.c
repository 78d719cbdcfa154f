/* Times shown in Asia/Shanghai, application ids read as people type them. */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "batch/appid.h"
#include "batch/clock.h"

Test(clock, shown_in_shanghai_across_midnight)
{
	char out[32];

	clock_show("2026-12-31T16:30:05Z", out, sizeof out);
	cr_assert_str_eq(out, "2027-01-01 00:30:05");
	clock_show("not a time", out, sizeof out);
	cr_assert_str_eq(out, "not a time");
}

Test(clock, today_is_the_shanghai_date)
{
	setenv("CERTHALL_NOW", "2026-11-24T17:00:00Z", 1);
	cr_assert_eq(clock_today(), 20261125);
	setenv("CERTHALL_NOW", "2026-11-24T15:59:59Z", 1);
	cr_assert_eq(clock_today(), 20261124);
	unsetenv("CERTHALL_NOW");
}

Test(appid, canonical_and_typed_forms)
{
	char out[APPID_LEN + 1];

	cr_assert(appid_is_canonical("K7QD-2MPE-X9A3"));
	cr_assert_not(appid_is_canonical("k7qd-2mpe-x9a3"));
	cr_assert_not(appid_is_canonical("K7QD2MPEX9A3"));
	cr_assert_not(appid_is_canonical("K7QD-2MPE-X9AU"));
	cr_assert(appid_parse(" k7qd 2mpe-x9a3 ", out));
	cr_assert_str_eq(out, "K7QD-2MPE-X9A3");
	cr_assert(appid_parse("OIL0-0000-0000", out));
	cr_assert_str_eq(out, "0110-0000-0000");
	cr_assert_not(appid_parse("K7QD-2MPE-X9A", out));
	cr_assert_not(appid_parse("K7QD-2MPE-X9A3-1", out));
	cr_assert_not(appid_parse("K7QD-2MPE-X9AU", out));
}
