/* incr_cache.h: the build cache kept in the output folder, read by the next
 * build of that folder; this module reads it and knows its lines. Two
 * kinds of file, small to load:
 *
 *   .certhall-cache         lines: the format (which names the generator's
 *                           own build); "U commit", the commit whose
 *                           history dated the files; "K key", the key of
 *                           what every page shares (incr_keys.h); "D time
 *                           path" per content file, its date; "W size
 *                           mtime ctime inode blob path" per work-tree
 *                           file read; "M blob path<TAB>model" per page
 *                           (meta.h); one "P pkey pack offset length
 *                           src_path out_path" per page in navigation
 *                           order, one "S key path" per part of the
 *                           search index, one "F path" per file of the
 *                           site, and "end".
 *                           The file's modification time is set to the
 *                           start of the build that wrote it (the racy
 *                           rule for W lines: incr.c);
 *   .certhall-cache-text/<part>  the plain text of the pages of a part
 *                           of the search index, one after another at
 *                           the offsets the P lines give: a part made
 *                           again needs the text of the pages kept.
 *
 * pkey is the hash of every input of a page's file (incr_keys.h, and
 * build.c's top comment); a part's key that of its pages' bodies and
 * section titles. A cache that is missing, of another format or cut short
 * is not loaded: the build is a full one. */
#ifndef GEN_CACHE_H
#define GEN_CACHE_H

#include <stddef.h>

#include "common/buf.h"
#include "generator/repo.h"

/* The index, which also marks the output folder as ours (output.h). */
#define GEN_CACHE_NAME ".certhall-cache"
#define GEN_CACHE_TEXT ".certhall-cache-text"

typedef struct gen_cache_page {
	char pkey[65];
	unsigned pack;    /* its plain text in that pack */
	size_t off, len;
	char *src_path;   /* into the index's text */
	char *out_path;
} gen_cache_page;

typedef struct gen_cache_src {
	const char *path;   /* into the index's text */
	const char *blob;   /* 40 hex, W and M */
	const char *model;  /* M: the model line */
	long long n[4];     /* W: size, mtime, ctime, inode; D: the date */
} gen_cache_src;

typedef struct gen_cache {
	char *text;               /* the index as read, lines cut (owned) */
	char commit[41];          /* U */
	char shared[65];          /* K */
	long long started_ns;     /* the build's start (the file's mtime) */
	gen_cache_src *dates, *stats, *models; /* D, W, M sorted by path */
	size_t ndates, nstats, nmodels;
	gen_cache_page *pages;    /* navigation order of the old build */
	size_t npages;
	gen_cache_page **by_pkey; /* sorted, made by gen_cache_map_all */
	gen_cache_page *shards;   /* search index parts: key in pkey, file
	                           * in out_path */
	size_t nshards;
	char **files;             /* every file of the old site (into text) */
	size_t nfiles;
	const char *out_dir;      /* (not owned) */
	char **packs;             /* the packs mapped (read only), by number */
	size_t *pack_len;
	size_t npacks;
} gen_cache;

/* Pack k's file, relative to the output folder (GEN_CACHE_TEXT/<k>). */
#define GEN_CACHE_PACK_PATH_MAX 64
void gen_cache_pack_path(size_t k, char out[GEN_CACHE_PACK_PATH_MAX]);

/* Loads the cache of out_dir if it has the given format and is whole;
 * 0 when loaded, -1 when there is none to use (not an error). Free with
 * gen_cache_free() either way. */
int gen_cache_load(gen_cache *c, const char *out_dir, const char *format);
/* Makes the lookups below and the texts ready (until it is called
 * they find nothing): they only read c, and may run on several
 * threads. */
void gen_cache_map_all(gen_cache *c);
const gen_cache_page *gen_cache_page_by_pkey(const gen_cache *c,
                                             const char *pkey);
/* The D, W or M entry of path, or NULL. */
const gen_cache_src *gen_cache_src_find(const gen_cache_src *v, size_t n,
                                        const char *path);
/* 1 if the old site has the search index part path made from key. */
int gen_cache_has_shard(const gen_cache *c, const char *key, const char *path);
/* The plain text of an entry of c->pages (p->len bytes), or NULL. */
const char *gen_cache_page_text(const gen_cache *c, const gen_cache_page *p);
void gen_cache_free(gen_cache *c);

/* Writing the lines (the one place that knows their layout): */
/* U, K, D and, for a work tree, W lines of src. */
void gen_cache_lines_source(ch_buf *b, const gen_source *src,
                            const char *shared);
/* "M blob path<TAB>" (the caller appends the model and the line end). */
void gen_cache_line_model_head(ch_buf *b, const char *blob, const char *path);
void gen_cache_line_page(ch_buf *b, const char *pkey, unsigned pack,
                         size_t off, size_t len, const char *src_path,
                         const char *out_path);
void gen_cache_line_shard(ch_buf *b, const char *key, const char *path);
void gen_cache_line_file(ch_buf *b, const char *path);

#endif
