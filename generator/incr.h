/* incr.h: the incremental layer, the one interface build.c uses to
 * remember and reuse: what the build before knew of the source (work
 * tree stats, page models, dates), the keys of every page file and part
 * of the search index (incr_keys.h), and the cache those are kept in
 * (incr_cache.h), read from the old site and written into the new one.
 *
 * One build, in order: gen_incr_open, gen_incr_hints for the source's
 * reading, gen_incr_loaded, gen_incr_model for the site's, gen_incr_plan
 * once the site is checked, then per part of the search index
 * gen_incr_part_begin, per page of it gen_incr_keep or gen_incr_done,
 * gen_incr_part_end; the parts' gen_incr_part_merge in
 * order, and gen_incr_finish last. Without an old cache (a first build,
 * another format, a spoiled or cut short one) every lookup misses and
 * the build lays out everything: the same code.
 *
 * After gen_incr_plan the gen_incr is only read until the merges, so
 * parts may be laid out on several threads, each with its own
 * gen_incr_part. */
#ifndef GEN_INCR_H
#define GEN_INCR_H

#include <stddef.h>
#include <time.h>

#include "common/error.h"
#include "generator/body.h"
#include "generator/output.h"
#include "generator/repo.h"
#include "generator/site.h"

typedef struct gen_incr gen_incr;

/* The file (the cache's index) that marks an output folder as ours. */
extern const char gen_incr_marker[];

/* Starts loading out_dir's cache (on a thread while the source is read);
 * started is when the build began. NULL when memory runs out. */
gen_incr *gen_incr_open(const char *out_dir, const struct timespec *started);
/* What the reading of the source may skip (repo.h). */
gen_source_hints *gen_incr_hints(gen_incr *m);
/* Waits for the cache's load (when the source's reading did not). */
void gen_incr_loaded(gen_incr *m);
/* A gen_meta_lookup (site.h) over the old cache; ctx is the gen_incr. */
const char *gen_incr_model(void *ctx, const char *path, const char *blob);

/* Keys every page of s and names the old site's files to out; opens the
 * new cache in out and writes its source lines. */
int gen_incr_plan(gen_incr *m, const gen_site *s, const gen_form_env *f,
                  gen_out *out, ch_error *e);

/* What one part of the site adds to the new cache: its lines, held
 * until the merge, and its pack of texts. */
typedef struct gen_incr_part {
	ch_buf lines;
	ch_buf texts;       /* texts not yet written to the pack */
	int texts_fd;       /* the open pack, or -1 */
	size_t texts_off;   /* its length so far */
	unsigned k;         /* the part's number */
	int kept;           /* its search file and pack are the old ones */
	char key[65], search_path[64];
} gen_incr_part;

/* 1 if page i will need its Markdown (its old file is not kept). */
int gen_incr_needs_source(const gen_incr *m, const gen_site *s, size_t i);

/* Part k of the search index, pages [start, end), its file at
 * search_path: opens its pack of texts in out, or keeps the old one and
 * sets p->kept when the old site's part is still right. */
int gen_incr_part_begin(const gen_incr *m, gen_incr_part *p,
                        const gen_site *s, size_t start, size_t end,
                        size_t k, const char *search_path, gen_out *out,
                        ch_error *e);
int gen_incr_part_end(gen_incr_part *p, ch_error *e);
/* Adds the part's lines to the cache (parts in order) and frees it. */
int gen_incr_part_merge(gen_incr *m, gen_incr_part *p, ch_error *e);
void gen_incr_part_free(gen_incr_part *p);

/* Keeps page i's old file when its key is unchanged: 1 if kept (*text,
 * when text is given, receives its plain text, malloc'd), 0 if not. */
int gen_incr_keep(const gen_incr *m, gen_incr_part *p, const gen_site *s,
                  size_t i, gen_out *out, char **text, ch_error *e);
/* Records page i, laid out anew, and its plain text in the new cache. */
int gen_incr_done(const gen_incr *m, gen_incr_part *p, const gen_site *s,
                  size_t i, const char *text, size_t tlen, ch_error *e);

/* Ends the new cache: every file of out, then its time. */
int gen_incr_finish(gen_incr *m, gen_out *out, ch_error *e);
void gen_incr_free(gen_incr *m);

#endif
