/* The parallel loop: every item done once, whatever the number of
 * threads, and the error of the first failing item in order. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/parallel.h"

typedef struct job {
	int *done;       /* per item: how many times it was done */
	size_t fail_a, fail_b; /* items that fail (SIZE_MAX: none) */
} job;

static int run(void *ctx, size_t begin, size_t end, ch_error *e)
{
	job *j = ctx;

	for (size_t k = begin; k < end; k++) {
		if (k == j->fail_a || k == j->fail_b)
			return ch_fail(e, "item", (int)k, "item %zu failed", k);
		__atomic_add_fetch(&j->done[k], 1, __ATOMIC_RELAXED);
	}
	return 0;
}

Test(parallel, every_item_once_for_any_number_of_threads)
{
	for (unsigned threads = 0; threads <= 6; threads++)
		for (size_t n = 0; n < 12; n++) {
			int done[12] = {0};
			job j = {done, SIZE_MAX, SIZE_MAX};
			ch_error e;
			cr_assert_eq(ch_parallel_for(n, threads, run, &j, &e), 0);
			for (size_t k = 0; k < n; k++)
				cr_assert_eq(done[k], 1, "threads %u n %zu item %zu", threads, n, k);
		}
}

Test(parallel, the_first_failing_item_in_order_is_reported)
{
	for (unsigned threads = 1; threads <= 4; threads++) {
		int done[1000] = {0};
		job j = {done, 777, 123};
		ch_error e;
		memset(&e, 0, sizeof e);
		cr_assert_eq(ch_parallel_for(1000, threads, run, &j, &e), -1);
		cr_assert_eq(e.line, 123, "threads %u: line %d", threads, e.line);
		cr_assert_str_eq(e.msg, "item 123 failed");
	}
}

Test(parallel, threads_follow_the_size_and_the_setting)
{
	setenv("CERTHALL_JOBS", "3", 1);
	cr_assert_eq(ch_parallel_threads(1000, 256), 3);
	cr_assert_eq(ch_parallel_threads(100, 256), 1, "below the minimum: one thread");
	setenv("CERTHALL_JOBS", "64", 1);
	cr_assert_eq(ch_parallel_threads(1000, 256), 4, "at most four");
	unsetenv("CERTHALL_JOBS");
	cr_assert_geq(ch_parallel_threads(1000, 256), 1);
}
