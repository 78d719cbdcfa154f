/* output.h: the files of one build, written as they are made into a
 * temporary folder beside the target and put into place only when the
 * build is complete: a failed build leaves the old site untouched and no
 * temporary folder behind.
 *
 * One way of putting in place, for any build: the files written are
 * moved in (only those whose bytes differ from the old ones), files kept
 * stay where they are, and the old site's files the new one no longer
 * has are deleted. When there is no old site the folder moves in whole. */
#ifndef GEN_OUTPUT_H
#define GEN_OUTPUT_H

#include <stddef.h>
#include <time.h>

#include "common/buf.h"
#include "common/error.h"

/* A file of the new site. */
typedef struct gen_out_file {
	char *path;         /* relative to the site (owned) */
	int staged;         /* written into tmp; else kept as it is */
} gen_out_file;

typedef struct gen_out {
	char *dir;          /* the target folder */
	char *tmp;          /* the temporary folder; NULL once swapped */
	char last_dir[4096]; /* the folder the last file went into */
	gen_out_file *paths; /* every file of the new site, in order */
	size_t npaths, cappaths;
	char **gone;        /* the old site's files (owned) */
	size_t ngone, capgone;
	int part;           /* a part of another's output: tmp is borrowed */
	const char *marker; /* the file that marks a folder as ours (not
	                     * owned) */
} gen_out;

#define GEN_OUT_INIT {NULL, NULL, "", NULL, 0, 0, NULL, 0, 0, 0, NULL}

/* 1 if p names a place inside the output folder: relative, no empty, "."
 * or ".." part, no trailing '/'. The cache uses it too: a cache line naming
 * anything else makes the whole cache unusable, since the next build may
 * link or delete the files it names. */
int gen_out_safe_path(const char *p);

/* Starts a build of dir: refuses a dir that exists, is not empty and
 * holds no file named marker (not a site we built), and makes the
 * temporary folder. The new site writes its marker like any file. */
int gen_out_begin(gen_out *o, const char *dir, const char *marker,
                  ch_error *e);
/* Writes one file (path relative, '/'-separated, no ".."); a second file
 * with the same path is an error. */
int gen_out_add(gen_out *o, const char *path, const void *data, size_t len,
                ch_error *e);
/* Like gen_out_add with b's bytes; b is emptied for reuse. */
int gen_out_take(gen_out *o, const char *path, ch_buf *b, ch_error *e);
/* Keeps the old site's file at path as it is (the caller knows it is
 * there and right). */
int gen_out_keep(gen_out *o, const char *path, ch_error *e);
/* Names a file of the old site; at commit it is deleted unless the new
 * site has a file at that path. */
int gen_out_old_file(gen_out *o, const char *path, ch_error *e);
/* Names every file of the old site found on disk (when no list of them
 * can be trusted). */
int gen_out_old_files_on_disk(gen_out *o, ch_error *e);
/* Opens a new file to be written in pieces (the caller closes it, then
 * the file is part of the site like any other). */
int gen_out_open(gen_out *o, const char *path, ch_error *e);
/* A part of o's output, to write files into on another thread: the
 * same temporary folder, lists of its own. Free it with gen_out_free
 * after gen_out_merge has added its files to o's, in order. */
void gen_out_part(const gen_out *o, gen_out *part);
int gen_out_merge(gen_out *o, gen_out *part, ch_error *e);
/* Puts the new site into place (see the top of this file). The old
 * marker is spoiled (its first byte made '#') before anything moves and
 * the new one moves last, so that one cut short leaves no marker that
 * vouches for the folder. */
int gen_out_commit(gen_out *o, ch_error *e);
/* Removes the temporary folder if the build did not commit. */
void gen_out_free(gen_out *o);

#endif
