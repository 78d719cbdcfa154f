/* assets.h: fingerprinted assets. Every file of site/assets/ is published
 * as assets/<name>.<first 10 hex of its SHA-256>.<ext>, so a browser never
 * keeps a stale copy; layouts name them through the `asset` data:
 * site.css -> {{asset.site_css}} (every '.', '-' and '/' of the name
 * becomes '_'), already relative to the page. */
#ifndef GEN_ASSETS_H
#define GEN_ASSETS_H

#include <jansson.h>
#include <stddef.h>

#include "common/error.h"
#include "generator/output.h"
#include "generator/repo.h"

typedef struct gen_asset {
	char *name; /* "site.css", "img/logo.png": path under site/assets/ */
	char *path; /* "assets/site.0123456789.css", relative to the root */
} gen_asset;

typedef struct gen_assets {
	gen_asset *v; /* sorted by name */
	size_t n, cap;
} gen_assets;

/* Publishes every file under site/assets/ into out. */
int gen_assets_collect(const gen_source *src, gen_assets *a, gen_out *out,
                       ch_error *e);
/* {"site_css": root + "assets/site.<hash>.css", ...}; NULL: no memory. */
json_t *gen_assets_json(const gen_assets *a, const char *root);
void gen_assets_free(gen_assets *a);

#endif
