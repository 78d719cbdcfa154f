/* cache.h: the build cache kept in the output folder, read by the next
 * build of that folder. Two files, small to load:
 *
 *   .certhall-cache         lines: the format (which names the generator's
 *                           own build), then one "P pkey bkey offset length
 *                           out_path" per page in navigation order, one
 *                           "S key path" per part of the search index,
 *                           one "F path" per file of the site, and "end";
 *   .certhall-cache-bodies  the pages' rendered bodies, one after another,
 *                           at the offsets the P lines give.
 *
 * pkey is the hash of every input of a page's file, bkey of its body's
 * (see build.c). A cache that is missing, of another format, cut short
 * or inconsistent with its bodies is not loaded: the build is a full one. */
#ifndef GEN_CACHE_H
#define GEN_CACHE_H

#include <stddef.h>

#define GEN_CACHE_BODIES ".certhall-cache-bodies"

typedef struct gen_cache_page {
	char pkey[65], bkey[65];
	size_t off, len;  /* the body in the bodies file */
	char *out_path;   /* owned */
} gen_cache_page;

typedef struct gen_cache {
	gen_cache_page *pages;    /* navigation order of the old build */
	size_t npages;
	gen_cache_page **by_pkey; /* sorted views of pages */
	gen_cache_page **by_bkey;
	gen_cache_page *shards;   /* search index parts: key in pkey, file
	                           * in out_path */
	size_t nshards;
	char **files;             /* every file of the old site (owned) */
	size_t nfiles;
	const char *bodies;       /* the bodies file, mapped */
	size_t bodies_len;
} gen_cache;

/* Loads the cache of out_dir if it has the given format and is whole;
 * 0 when loaded, -1 when there is none to use (not an error). Free with
 * gen_cache_free() either way. */
int gen_cache_load(gen_cache *c, const char *out_dir, const char *format);
const gen_cache_page *gen_cache_page_by_pkey(const gen_cache *c,
                                             const char *pkey);
/* 1 if the old site has the search index part path made from key. */
int gen_cache_has_shard(const gen_cache *c, const char *key, const char *path);
/* The cached body with bkey, or NULL. */
const char *gen_cache_body(const gen_cache *c, const char *bkey, size_t *len);
void gen_cache_free(gen_cache *c);

#endif
