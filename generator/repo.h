/* repo.h: the source of a build: the files of content/ and site/ at one
 * commit (read with libgit2, never from the work tree) or, for drafts,
 * from the work tree; and the date each content file last changed, found
 * in one walk over history for the whole site. */
#ifndef GEN_REPO_H
#define GEN_REPO_H

#include <stddef.h>

#include "common/error.h"

typedef struct gen_file {
	char *path;        /* "content/guide/login.md", '/'-separated */
	char blob_id[41];  /* git blob id of the bytes, hex */
	char *data;        /* NUL-terminated */
	size_t len;
	long long updated; /* content/ only: newest commit time changing it */
} gen_file;

typedef struct gen_source {
	gen_file *files;    /* sorted by path (byte order) */
	size_t nfiles;
	char commit[41];    /* the commit read (HEAD for --worktree) */
	char short_id[16];  /* its abbreviation as shown in the footer */
	long long commit_time;
	int worktree;       /* 1 when read from the work tree */
} gen_source;

/* Reads content/ and site/ from rev (NULL: HEAD) of the repository at
 * repo_dir, or from its work tree when worktree is set, and dates every
 * content file from history. Fills *out, which the caller frees with
 * gen_source_free(). */
int gen_source_read(const char *repo_dir, const char *rev, int worktree,
                    gen_source *out, ch_error *e);
/* The file at path, or NULL. */
const gen_file *gen_source_file(const gen_source *s, const char *path);
void gen_source_free(gen_source *s);

#endif
