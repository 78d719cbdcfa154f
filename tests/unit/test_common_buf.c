/* ch_buf_put_int: the numbers of the build cache's lines, which a later
 * build reads back, so they must be exactly what "%lld" writes. */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "common/buf.h"

static void check(long long v, const char *want)
{
	ch_buf b = CH_BUF_INIT;
	char printed[32];

	ch_buf_puts(&b, "x");
	ch_buf_put_int(&b, v);
	snprintf(printed, sizeof printed, "%lld", v);
	cr_assert(ch_buf_ok(&b));
	cr_assert_eq(b.len, 1 + strlen(want));
	cr_assert_str_eq(b.data + 1, want);
	cr_assert_str_eq(b.data + 1, printed);
	ch_buf_free(&b);
}

Test(buf, put_int_zero)
{
	check(0, "0");
}

Test(buf, put_int_negative)
{
	check(-1, "-1");
	check(-1234567890, "-1234567890");
}

Test(buf, put_int_positive)
{
	check(7, "7");
	check(1000000, "1000000");
}

Test(buf, put_int_limits)
{
	check(LLONG_MIN, "-9223372036854775808");
	check(LLONG_MAX, "9223372036854775807");
}
