/* trace.c: see trace.h. */
#include "common/trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int on = -1;
static struct timespec last;

void ch_trace(const char *phase)
{
	struct timespec now;
	const char *v;

	if (on < 0) {
		v = getenv("CERTHALL_TRACE");
		on = v && v[0] && !(v[0] == '0' && !v[1]);
		clock_gettime(CLOCK_MONOTONIC, &last);
		if (!on)
			return;
	}
	if (!on)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	fprintf(stderr, "trace: %s %.2f ms\n", phase,
	        (double)(now.tv_sec - last.tv_sec) * 1e3 +
	        (double)(now.tv_nsec - last.tv_nsec) / 1e6);
	last = now;
}
