/* parallel.c: see parallel.h. */
#include "common/parallel.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_THREADS CH_PARALLEL_MAX

typedef struct run {
	ch_run_fn fn;
	void *ctx;
	size_t begin, end;
	int rc;
	ch_error e;
	pthread_t thread;
	int started;
} run;

static void *run_main(void *arg)
{
	run *r = arg;

	r->rc = r->fn(r->ctx, r->begin, r->end, &r->e);
	return NULL;
}

unsigned ch_parallel_threads(size_t n, size_t min_items)
{
	const char *v = getenv("CERTHALL_JOBS");
	long k = v && *v ? strtol(v, NULL, 10) : sysconf(_SC_NPROCESSORS_ONLN);

	if (n < min_items || k < 1)
		return 1;
	return k > MAX_THREADS ? MAX_THREADS : (unsigned)k;
}

int ch_parallel_for(size_t n, unsigned threads, ch_run_fn fn, void *ctx,
                    ch_error *e)
{
	run runs[MAX_THREADS];
	size_t k, start = 0;
	int rc = 0;

	if (threads < 1)
		threads = 1;
	if (threads > MAX_THREADS)
		threads = MAX_THREADS;
	if (threads > n)
		threads = n ? (unsigned)n : 1;
	memset(runs, 0, sizeof runs);
	for (k = 0; k < threads; k++) {
		size_t len = n / threads + (k < n % threads);
		runs[k].fn = fn;
		runs[k].ctx = ctx;
		runs[k].begin = start;
		runs[k].end = start + len;
		start += len;
	}
	for (k = 1; k < threads; k++)
		runs[k].started = pthread_create(&runs[k].thread, NULL, run_main,
		                                 &runs[k]) == 0;
	run_main(&runs[0]);
	for (k = 1; k < threads; k++) {
		if (runs[k].started)
			pthread_join(runs[k].thread, NULL);
		else
			run_main(&runs[k]);
	}
	for (k = 0; k < threads; k++)
		if (runs[k].rc < 0) {
			*e = runs[k].e;
			rc = -1;
			break;
		}
	return rc;
}
