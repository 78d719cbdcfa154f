/* output.h: the files of one build, written as they are made into a
 * temporary folder beside the target and put into place only when the
 * build is complete: the old site stays whole until the new one is, and
 * a failed build leaves the old site untouched and no temporary folder
 * behind.
 *
 * Two ways of putting in place: a full build swaps the whole temporary
 * folder with the old site (unchanged files hard-linked over); an update
 * (gen_out_update) leaves the old site's folder where it is, moves in
 * only the written files whose bytes differ from the old ones (each by
 * one rename) and deletes the old files the new site no longer has. */
#ifndef GEN_OUTPUT_H
#define GEN_OUTPUT_H

#include <stddef.h>
#include <time.h>

#include "common/buf.h"
#include "common/error.h"

/* The marker every output folder of ours holds (the build cache). */
#define GEN_CACHE_NAME ".certhall-cache"

typedef struct gen_out {
	char *dir;          /* the target folder */
	char *tmp;          /* the temporary folder; NULL once swapped */
	size_t files;       /* files written so far */
	char last_dir[4096]; /* the folder the last file went into */
	int update;         /* put in place by gen_out_update's rules */
	char **staged;      /* update: paths written into tmp (owned) */
	size_t nstaged, capstaged;
	char **paths;       /* every file of the new site, in order (owned) */
	size_t npaths, cappaths;
	char **gone;        /* update: the old site's files (owned) */
	size_t ngone, capgone;
	size_t moved;       /* update: files moved in at commit */
} gen_out;

#define GEN_OUT_INIT {NULL, NULL, 0, "", 0, NULL, 0, 0, NULL, 0, 0, \
	NULL, 0, 0, 0}

/* 1 if p names a place inside the output folder: relative, no empty, "."
 * or ".." part, no trailing '/'. The cache uses it too: a cache line naming
 * anything else makes the whole cache unusable, since the next build may
 * link or delete the files it names. */
int gen_out_safe_path(const char *p);

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
/* Makes this build an update of the old site in place: call before any
 * gen_out_keep. Kept files then stay where they are. */
void gen_out_update(gen_out *o);
/* Update: names a file of the old site; at commit it is deleted unless
 * the new site has a file at that path. */
int gen_out_old_file(gen_out *o, const char *path, ch_error *e);
/* Opens a new file to be written in pieces (the caller closes it, then
 * the file is part of the site like any other). */
int gen_out_open(gen_out *o, const char *path, ch_error *e);
/* Records a file that another process of this build (build.c's
 * workers) wrote into the temporary folder; staged as gen_out_add's. */
int gen_out_record(gen_out *o, const char *path, int staged, ch_error *e);
/* Swaps the complete new site into place and removes the old one; or,
 * for an update, moves the changed files in and deletes the gone ones
 * (the file GEN_CACHE_NAME last, so that an update cut short leaves no
 * cache that would trust it). */
int gen_out_commit(gen_out *o, ch_error *e);
/* Marks the cache of dir untrusted in place (its first byte becomes
 * '#'), keeping the file, which marks the folder as ours, and its blocks:
 * freeing a large file's blocks is slow on some file systems (ext4 with
 * discard and no journal takes milliseconds). Cut short after this, the
 * next build is a full one. */
int gen_out_spoil_cache(const char *dir, ch_error *e);
/* Writes the cache of dir in place (data: the whole index, whose first
 * byte is written last, so that a write cut short leaves a spoiled
 * cache), with when as its time. */
int gen_out_cache_in_place(const char *dir, const char *data, size_t len,
                           const struct timespec *when, ch_error *e);
/* Removes the temporary folder if the build did not commit. */
void gen_out_free(gen_out *o);

#endif
