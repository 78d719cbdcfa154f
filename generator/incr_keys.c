/* incr_keys.c: see incr_keys.h. */
#include "generator/incr_keys.h"

#include <stdio.h>
#include <string.h>

/* Raise GEN_CACHE_FORMAT whenever the generator would lay out the same
 * inputs differently (a template feature, a renderer change, a new cache
 * line): every key starts from it, so an old cache is then not trusted.
 * It is a number in the source, not the compile time, so that the same
 * source builds the same binary. */
#define GEN_CACHE_FORMAT "9"

const char gen_cache_format[] = "certhall-site cache " GEN_CACHE_FORMAT
                                " " CERTHALL_VERSION;

void gen_key_begin(ch_sha256 *h)
{
	ch_sha256_init(h);
	ch_sha256_update(h, gen_cache_format, sizeof gen_cache_format);
}

void gen_key_body(const char *src_path, const char *blob,
                  const char *form_deps, char out[65])
{
	ch_sha256 h;

	gen_key_begin(&h);
	ch_sha256_update(&h, src_path, strlen(src_path) + 1);
	ch_sha256_update(&h, blob, 40);
	if (form_deps)
		ch_sha256_update(&h, form_deps, 64);
	ch_sha256_hex(&h, out);
}

void gen_key_page(const char *shared, const char *bkey, size_t index,
                  long long updated, const char *commit, char out[65])
{
	ch_sha256 h;
	char num[64];

	ch_sha256_init(&h);
	ch_sha256_update(&h, shared, 64);
	ch_sha256_update(&h, bkey, 64);
	snprintf(num, sizeof num, "%zu %lld", index, updated);
	ch_sha256_update(&h, num, strlen(num) + 1);
	ch_sha256_update(&h, commit ? commit : "-", commit ? 40 : 1);
	ch_sha256_hex(&h, out);
}

void gen_key_part_page(ch_sha256 *h, const char *bkey,
                       const char *parent_blob)
{
	ch_sha256_update(h, bkey, 64);
	ch_sha256_update(h, parent_blob ? parent_blob : "-", parent_blob ? 40 : 1);
}
