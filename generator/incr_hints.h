/* incr_hints.h: what the build before knew, offered to the reading of the
 * source (repo.h's gen_source_hints) and of the pages (site.h's
 * gen_meta_lookup): a work-tree file whose stats are as recorded keeps
 * its blob id unhashed, a page whose blob is known keeps its model
 * unparsed, and the dates of a commit already walked are not walked
 * again. This module owns the thread that loads the cache (incr_cache.h)
 * while the work tree's files are listed, mostly the kernel's stat: the
 * two took a work-tree rebuild's time one after the other. The cache
 * itself is the caller's. */
#ifndef GEN_HINTS_H
#define GEN_HINTS_H

#include <pthread.h>

#include "generator/incr_cache.h"
#include "generator/repo.h"

typedef struct gen_hints {
	gen_source_hints h;  /* what gen_source_read takes */
	gen_cache *c;
	const char *out_dir;
	pthread_t thread;
	int running;
} gen_hints;

/* Starts loading the cache of out_dir into *c (on a thread when one can
 * be made) and fills h->h, whose first use waits for the load. */
void gen_hints_start(gen_hints *h, gen_cache *c, const char *out_dir);
/* Waits for the load (if it still runs): then *c is the cache, or
 * empty when there is none to use. */
void gen_hints_join(gen_hints *h);
/* gen_meta_lookup over a loaded cache (ctx: the gen_cache). */
const char *gen_hints_model(void *ctx, const char *path, const char *blob);

#endif
