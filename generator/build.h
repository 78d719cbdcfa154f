/* build.h: one build of the site, from a commit (or the work tree) to a
 * complete output folder: read, check, render and lay out (keeping the
 * old files of pages whose inputs did not change), and put in place. */
#ifndef GEN_BUILD_H
#define GEN_BUILD_H

#include <stddef.h>

#include "common/error.h"

typedef struct gen_build_opts {
	const char *repo_dir; /* the repository ("." if NULL) */
	const char *rev;      /* revision to build; NULL: HEAD */
	int worktree;         /* read content/ and site/ from the work tree */
	const char *out_dir;  /* "public" if NULL */
} gen_build_opts;

typedef struct gen_build_stats {
	size_t pages;    /* pages written (the 404 page not counted) */
	size_t rendered; /* pages rendered from Markdown and laid out */
	size_t kept;     /* pages whose old file was kept */
	size_t files;    /* files written in all */
	char commit[41]; /* the commit built */
	char short_id[16];
} gen_build_stats;

/* Builds the site. On failure the output folder is untouched and e names
 * the file (and line) at fault. stats may be NULL. */
int gen_build(const gen_build_opts *o, gen_build_stats *stats, ch_error *e);

#endif
