/* grow.c: see grow.h. */
#include "common/grow.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int ch_grow(void *vp, size_t n, size_t *cap, size_t size)
{
	size_t want;
	void *p, *np;

	if (n <= *cap)
		return 0;
	if (size == 0 || n > SIZE_MAX / size)
		return -1;
	want = *cap < (SIZE_MAX - 16) / 3 * 2 ? (*cap + 16) / 2 * 3 : n;
	if (want < n || want > SIZE_MAX / size)
		want = n;
	/* The pointer is read and written as bytes: vp points at a pointer
	 * to some object type, and on every platform this builds for such
	 * pointers share void *'s representation. */
	memcpy(&p, vp, sizeof p);
	np = realloc(p, want * size);
	if (!np)
		return -1;
	memcpy(vp, &np, sizeof np);
	*cap = want;
	return 0;
}
