/* repo.h: the source of a build: the files of content/ and site/ at one
 * commit (read with libgit2, never from the work tree) or, for drafts,
 * from the work tree; and the date each content file last changed, found
 * in one walk over history for the whole site. */
#ifndef GEN_REPO_H
#define GEN_REPO_H

#include <stddef.h>

#include "common/error.h"

/* What a work-tree file's stat said when it was read: the same values
 * later (and a file older than the build that recorded them) mean the
 * same bytes, as git's index assumes. */
typedef struct gen_stat {
	long long size, mtime_ns, ctime_ns;
	unsigned long long ino;
} gen_stat;

typedef struct gen_file {
	char *path;        /* "content/guide/login.md", '/'-separated */
	char blob_id[41];  /* git blob id of the bytes, hex */
	char *data;        /* NUL-terminated; NULL until read (see hints) */
	size_t len;
	long long updated; /* content/ only: newest commit time changing it */
	gen_stat st;       /* work tree only */
} gen_file;

/* What the caller already knows from an earlier build, so that reading
 * the source skips work; every member may be NULL. */
typedef struct gen_source_hints {
	void *ctx;
	/* Called once before any other member (may be NULL): until then the
	 * hints may still be in the making, on another thread, while the
	 * work tree is walked. */
	void (*ready)(void *ctx);
	/* Work tree: fills out with the blob id of f->path and returns 1 when
	 * f->st shows the file unchanged since it was hashed. */
	int (*blob_of)(void *ctx, const gen_file *f, char out[41]);
	/* 1 when the bytes of path with that blob id need not be read now:
	 * the caller reads them with gen_source_load if it needs them. */
	int (*known)(void *ctx, const char *path, const char *blob);
	/* The commit whose dates date_of knows (40 hex), or NULL. */
	const char *(*dated)(void *ctx);
	/* 1 with *t when the caller knows the date of path in the history
	 * of that commit. */
	int (*date_of)(void *ctx, const char *path, long long *t);
} gen_source_hints;

typedef struct gen_source {
	gen_file *files;    /* sorted by path (byte order) */
	size_t nfiles, capfiles;
	char commit[41];    /* the commit read (HEAD for --worktree) */
	char short_id[16];  /* its abbreviation as shown in the footer */
	long long commit_time;
	int worktree;       /* 1 when read from the work tree */
	void *repo;         /* the git_repository gen_source_load opened */
	char *repo_path;    /* where it is, to open it again */
} gen_source;

/* Reads content/ and site/ from rev (NULL: HEAD) of the repository at
 * repo_dir, or from its work tree when worktree is set, and dates every
 * content file from history. Fills *out, which the caller frees with
 * gen_source_free(). */
int gen_source_read(const char *repo_dir, const char *rev, int worktree,
                    const gen_source_hints *hints, gen_source *out,
                    ch_error *e);
/* Reads the bytes of f (a file of s) if they were left unread. */
int gen_source_load(gen_source *s, gen_file *f, ch_error *e);
/* The file at path, or NULL. */
const gen_file *gen_source_file(const gen_source *s, const char *path);
/* The same, to change it. */
gen_file *gen_source_file_rw(gen_source *s, const char *path);
void gen_source_free(gen_source *s);

/* What a preview of the repository at repo_dir shows: *worktree = 1 when
 * content/ or site/ of its work tree (or index) differ from HEAD, as git
 * status says, untracked files included and hidden names (editor swap
 * files, which no build reads) left out; 0 when they are clean, so that
 * the preview is the commit itself and no draft. Returns 0 or -1 with e. */
int gen_preview_worktree(const char *repo_dir, int *worktree, ch_error *e);

#endif
