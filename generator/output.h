/* output.h: the files of one build, collected in memory and then written
 * as a whole: into a temporary folder beside the target, swapped into
 * place only when complete, so the old site stays whole until the new one
 * is and a failed build leaves no temporary folder behind. */
#ifndef GEN_OUTPUT_H
#define GEN_OUTPUT_H

#include <stddef.h>

#include "common/buf.h"
#include "common/error.h"

/* The marker every output folder of ours holds (the build cache). */
#define GEN_CACHE_NAME ".certhall-cache"

typedef struct gen_out_file {
	char *path;      /* relative, '/'-separated, no ".." */
	char *data;      /* NULL when link_from is set */
	size_t len;
	char *link_from; /* an unchanged file of the old site to hard-link */
} gen_out_file;

typedef struct gen_out {
	gen_out_file *v;
	size_t n, cap;
} gen_out;

#define GEN_OUT_INIT {NULL, 0, 0}

int gen_out_add(gen_out *o, const char *path, const void *data, size_t len,
                ch_error *e);
/* Like gen_out_add, taking over b's data (b is left empty). */
int gen_out_take(gen_out *o, const char *path, ch_buf *b, ch_error *e);
/* Takes the file from the old site at old_path unchanged (a hard link,
 * or a copy where links do not work). */
int gen_out_keep(gen_out *o, const char *path, const char *old_path,
                 ch_error *e);
/* Writes every file under dir, replacing what was there. Refuses a dir
 * that exists, is not empty and holds no GEN_CACHE_NAME (not a site we
 * built), and two files with one path. */
int gen_out_commit(gen_out *o, const char *dir, ch_error *e);
void gen_out_free(gen_out *o);

#endif
