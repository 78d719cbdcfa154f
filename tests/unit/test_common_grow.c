/* The growth helper: appends keep what was there, and a size whose
 * n * size would overflow is refused before any allocation. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>

#include "common/grow.h"

Test(grow, appends_keep_every_item)
{
	long *v = NULL;
	size_t n = 0, cap = 0;

	for (long i = 0; i < 10000; i++) {
		cr_assert_eq(CH_GROW(v, n + 1, cap), 0);
		cr_assert_geq(cap, n + 1);
		v[n++] = i * 3;
	}
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(v[i], (long)i * 3);
	free(v);
}

Test(grow, a_capacity_already_enough_is_left_alone)
{
	int *v = malloc(8 * sizeof *v);
	int *before = v;
	size_t cap = 8;

	cr_assert_eq(CH_GROW(v, 8, cap), 0);
	cr_assert_eq(v, before);
	cr_assert_eq(cap, 8);
	free(v);
}

Test(grow, an_overflowing_size_is_refused_and_changes_nothing)
{
	double *v = NULL;
	size_t cap = 0;

	cr_assert_eq(CH_GROW(v, 4, cap), 0);
	double *before = v;
	cr_assert_eq(CH_GROW(v, SIZE_MAX / sizeof *v + 1, cap), -1);
	cr_assert_eq(v, before);
	cr_assert_geq(cap, 4);
	cr_assert_lt(cap, 1000);
	free(v);
}
