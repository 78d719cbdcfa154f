/* grow.h: growing an array as items are appended, in the way git's
 * ALLOC_GROW does: the capacity grows by half again (at least to what is
 * asked), so n appends cost O(n) copying, and n * size is checked for
 * overflow before any allocation. Owns nothing: the array stays the
 * caller's. */
#ifndef CH_GROW_H
#define CH_GROW_H

#include <stddef.h>

/* Makes the array v (a pointer variable of any object type, NULL when
 * empty) of cap items hold at least n items, updating v and cap: 0, or
 * -1 when n items would not fit in memory (then v and cap are as they
 * were). */
#define CH_GROW(v, n, cap) ch_grow(&(v), (n), &(cap), sizeof *(v))

/* What CH_GROW calls: vp is the address of the array's pointer. */
int ch_grow(void *vp, size_t n, size_t *cap, size_t size);

#endif
