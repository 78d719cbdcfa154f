/* incr_keys.h: the content keys of the build cache (incr_cache.h): one
 * place that names every input of a body, a page file and a part of the
 * search index. Every key starts from gen_cache_format,
 * which names the cache's format and the program's version: a generator
 * that renders differently raises it, so an older cache is not trusted. */
#ifndef GEN_KEYS_H
#define GEN_KEYS_H

#include <stddef.h>

#include "common/sha256.h"

/* The first line of the cache's index. */
extern const char gen_cache_format[];

/* A hash begun with the format; finish with ch_sha256_hex. */
void gen_key_begin(ch_sha256 *h);
/* A page body: its path and blob and, for a page with the form, the
 * hash of everything the form depends on (form_deps, else NULL). */
void gen_key_body(const char *src_path, const char *blob,
                  const char *form_deps, char out[65]);
/* A page file: what every page shares, its body, its place in the
 * navigation, its date and, for the one page that shows it (the home
 * page: pagedata.h), the commit (else NULL). */
void gen_key_page(const char *shared, const char *bkey, size_t index,
                  long long updated, const char *commit, char out[65]);
/* One page of a search part's key: its body's key and its section's
 * source (the section's title is in the part). */
void gen_key_part_page(ch_sha256 *h, const char *bkey,
                       const char *parent_blob);

#endif
