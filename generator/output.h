/* output.h: the files of one build, written as they are made into a
 * temporary folder beside the target and swapped into place only when
 * the build is complete: the old site stays whole until the new one is,
 * and a failed build leaves the old site untouched and no temporary
 * folder behind. */
#ifndef GEN_OUTPUT_H
#define GEN_OUTPUT_H

#include <stddef.h>

#include "common/buf.h"
#include "common/error.h"

/* The marker every output folder of ours holds (the build cache). */
#define GEN_CACHE_NAME ".certhall-cache"

typedef struct gen_out {
	char *dir;          /* the target folder */
	char *tmp;          /* the temporary folder; NULL once swapped */
	size_t files;       /* files written so far */
	char last_dir[4096]; /* the folder the last file went into */
} gen_out;

#define GEN_OUT_INIT {NULL, NULL, 0, ""}

/* Starts a build of dir: refuses a dir that exists, is not empty and
 * holds no GEN_CACHE_NAME (not a site we built), and makes the temporary
 * folder. */
int gen_out_begin(gen_out *o, const char *dir, ch_error *e);
/* Writes one file (path relative, '/'-separated, no ".."); a second file
 * with the same path is an error. */
int gen_out_add(gen_out *o, const char *path, const void *data, size_t len,
                ch_error *e);
/* Like gen_out_add with b's bytes; b is emptied for reuse. */
int gen_out_take(gen_out *o, const char *path, ch_buf *b, ch_error *e);
/* Takes the file from the old site at old_path unchanged (a hard link,
 * or a copy where links do not work). */
int gen_out_keep(gen_out *o, const char *path, const char *old_path,
                 ch_error *e);
/* Swaps the complete new site into place and removes the old one. */
int gen_out_commit(gen_out *o, ch_error *e);
/* Removes the temporary folder if the build did not commit. */
void gen_out_free(gen_out *o);

#endif
