/* output.c: writing a build's files and swapping them into place. */
#define _XOPEN_SOURCE 700 /* nftw */
#include "generator/output.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/grow.h"
#include "common/fsutil.h"

int gen_out_safe_path(const char *p)
{
	for (const char *s = p; ; s++) {
		size_t n = strcspn(s, "/");
		if (n == 0 || (n == 1 && s[0] == '.') ||
		    (n == 2 && s[0] == '.' && s[1] == '.'))
			return 0;
		s += n;
		if (!*s)
			return 1;
	}
}

/* 1 if dir is missing or empty or one of ours (it holds the marker), 0
 * if not ours, -1 error. */
static int ours(const char *dir, const char *name, ch_error *e)
{
	char marker[4096];
	struct stat st;
	DIR *d;
	struct dirent *de;
	int empty = 1;

	if (stat(dir, &st) < 0)
		return errno == ENOENT ? 1 : ch_fail(e, dir, 0, "%s", strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return ch_fail(e, dir, 0, "the output exists and is not a folder");
	snprintf(marker, sizeof marker, "%s/%s", dir, name);
	if (access(marker, F_OK) == 0)
		return 1;
	d = opendir(dir);
	if (!d)
		return ch_fail(e, dir, 0, "%s", strerror(errno));
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			empty = 0;
	closedir(d);
	return empty ? 1 : 0;
}

int gen_out_begin(gen_out *o, const char *dir, const char *marker,
                  ch_error *e)
{
	char path[4096], copy[4096], tmp[8300];
	const char *parent, *base;
	int r;

	if ((size_t)snprintf(path, sizeof path, "%s", dir) >= sizeof path)
		return ch_fail(e, dir, 0, "not a usable output folder name");
	memcpy(copy, path, sizeof copy);
	parent = dirname(path);
	base = basename(copy);
	if (!strcmp(base, "/") || !strcmp(base, ".") || !strcmp(base, ".."))
		return ch_fail(e, dir, 0, "not a usable output folder name");
	r = ours(dir, marker, e);
	if (r < 0)
		return -1;
	if (r == 0)
		return ch_fail(e, dir, 0, "refusing to replace a folder that "
		               "certhall-site did not build (no %s in it)", marker);
	if (ch_mkdirs(parent, 0755, e) < 0)
		return -1;
	snprintf(tmp, sizeof tmp, "%s/.%s.tmp-XXXXXX", parent, base);
	if (!mkdtemp(tmp))
		return ch_fail(e, tmp, 0, "cannot create: %s", strerror(errno));
	o->marker = marker;
	o->tmp = strdup(tmp);
	o->dir = strdup(dir);
	if (!o->tmp || !o->dir || chmod(tmp, 0755) < 0) {
		if (!o->tmp)
			rmdir(tmp);
		return ch_fail(e, tmp, 0, "cannot prepare: %s", strerror(errno));
	}
	o->last_dir[0] = '\0';
	return 0;
}

/* Makes tmp/path's folder (once per folder: files mostly come folder by
 * folder) and fills full with tmp/path. Its parents are made only when
 * it has none: most pages are a new folder in one that exists. */
static int prepare(gen_out *o, const char *path, char *full, size_t size,
                   ch_error *e)
{
	char *slash;

	if (!o->tmp)
		return ch_fail(e, path, 0, "output not started");
	if (!gen_out_safe_path(path))
		return ch_fail(e, path, 0, "bad output path");
	if ((size_t)snprintf(full, size, "%s/%s", o->tmp, path) >= size)
		return ch_fail(e, path, 0, "output path too long");
	slash = strrchr(full, '/');
	*slash = '\0';
	if (strcmp(full, o->last_dir) != 0) {
		if (mkdir(full, 0755) < 0 && errno != EEXIST) {
			if (errno != ENOENT) {
				ch_fail(e, full, 0, "cannot create folder: %s",
				        strerror(errno));
				return -1;
			}
			if (ch_mkdirs(full, 0755, e) < 0)
				return -1;
		}
		snprintf(o->last_dir, sizeof o->last_dir, "%s", full);
	}
	*slash = '/';
	return 0;
}

/* Opens a new file; a second file at one path is an error. */
static int open_new(const char *path, const char *full, ch_error *e)
{
	int fd = open(full, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

	if (fd < 0 && errno == EEXIST)
		return ch_fail(e, path, 0, "two files of the site have this path");
	if (fd < 0)
		return ch_fail(e, full, 0, "cannot write: %s", strerror(errno));
	return fd;
}

static int write_all(int fd, const char *full, const void *data, size_t len,
                     ch_error *e)
{
	int err = ch_pwrite_all(fd, data, len, 0) < 0 ? errno : 0;

	if (close(fd) < 0 && !err)
		err = errno;
	return err ? ch_fail(e, full, 0, "cannot write: %s", strerror(err)) : 0;
}

/* Records a file of the new site (written into tmp when staged). */
static int record(gen_out *o, const char *path, int staged, ch_error *e)
{
	char *c;

	if (CH_GROW(o->paths, o->npaths + 1, o->cappaths) < 0 || !(c = strdup(path)))
		return ch_fail(e, path, 0, "out of memory");
	o->paths[o->npaths].path = c;
	o->paths[o->npaths++].staged = staged;
	return 0;
}

int gen_out_open(gen_out *o, const char *path, ch_error *e)
{
	char full[8192];
	int fd;

	if (prepare(o, path, full, sizeof full, e) < 0 ||
	    (fd = open_new(path, full, e)) < 0)
		return -1;
	if (record(o, path, 1, e) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int gen_out_add(gen_out *o, const char *path, const void *data, size_t len,
                ch_error *e)
{
	char full[8192];
	int fd;

	if (prepare(o, path, full, sizeof full, e) < 0 ||
	    (fd = open_new(path, full, e)) < 0 ||
	    write_all(fd, full, data, len, e) < 0)
		return -1;
	return record(o, path, 1, e);
}

int gen_out_old_file(gen_out *o, const char *path, ch_error *e)
{
	char *c;

	if (CH_GROW(o->gone, o->ngone + 1, o->capgone) < 0 || !(c = strdup(path)))
		return ch_fail(e, path, 0, "out of memory");
	o->gone[o->ngone++] = c;
	return 0;
}

int gen_out_take(gen_out *o, const char *path, ch_buf *b, ch_error *e)
{
	int rc;

	if (!ch_buf_ok(b))
		return ch_fail(e, path, 0, "out of memory");
	rc = gen_out_add(o, path, b->data ? b->data : "", b->len, e);
	ch_buf_reset(b);
	return rc;
}

int gen_out_keep(gen_out *o, const char *path, ch_error *e)
{
	if (!gen_out_safe_path(path))
		return ch_fail(e, path, 0, "bad output path");
	return record(o, path, 0, e);
}

/* nftw gives its callback no context: one walk at a time. */
static gen_out *walking;

static int walk_one(const char *path, const struct stat *st, int type,
                    struct FTW *ftw)
{
	ch_error ignored; /* the walk's failure is reported by errno */

	(void)st;
	(void)ftw;
	if (type != FTW_F && type != FTW_SL)
		return 0;
	return gen_out_old_file(walking, path + strlen(walking->dir) + 1, &ignored);
}

int gen_out_old_files_on_disk(gen_out *o, ch_error *e)
{
	int r;

	if (!o->dir || access(o->dir, F_OK) != 0)
		return 0;
	walking = o;
	r = nftw(o->dir, walk_one, 16, FTW_PHYS);
	walking = NULL;
	return r == 0 ? 0 : ch_fail(e, o->dir, 0, "cannot list: %s",
	                            strerror(errno));
}

/* 1 if the files a and b hold the same bytes, 0 if not (or unreadable). */
static int same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	char *da = NULL, *db = NULL;
	size_t la, lb;
	ch_error ignored;
	int same;

	if (stat(a, &sa) < 0 || stat(b, &sb) < 0 || !S_ISREG(sb.st_mode) ||
	    sa.st_size != sb.st_size)
		return 0;
	same = ch_read_file(a, SIZE_MAX, &da, &la, &ignored) == 0 &&
	       ch_read_file(b, SIZE_MAX, &db, &lb, &ignored) == 0 &&
	       la == lb && memcmp(da, db, la) == 0;
	free(da);
	free(db);
	return same;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Removes the now empty folders above dir/path, up to dir. */
static void prune(const char *dir, const char *path)
{
	char full[8192];
	char *slash;

	if ((size_t)snprintf(full, sizeof full, "%s/%s", dir, path) >= sizeof full)
		return;
	while ((slash = strrchr(full, '/')) && (size_t)(slash - full) > strlen(dir)) {
		*slash = '\0';
		if (rmdir(full) < 0)
			break;
	}
}

static int move_in(gen_out *o, const char *path, ch_error *e)
{
	char from[8192], to[8192], *slash;

	snprintf(from, sizeof from, "%s/%s", o->tmp, path);
	snprintf(to, sizeof to, "%s/%s", o->dir, path);
	slash = strrchr(to, '/');
	*slash = '\0';
	if (ch_mkdirs(to, 0755, e) < 0)
		return -1;
	*slash = '/';
	if (rename(from, to) < 0)
		return ch_fail(e, to, 0, "cannot move into place: %s", strerror(errno));
	return 0;
}

/* Spoils the old site's marker in place (its first byte becomes '#'),
 * keeping the file, which marks the folder as ours: cut short after
 * this, what the marker said of the folder is not trusted. */
static int spoil_marker(const gen_out *o, ch_error *e)
{
	char path[8192];
	int fd;
	ssize_t w;

	snprintf(path, sizeof path, "%s/%s", o->dir, o->marker);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return ch_fail(e, path, 0, "cannot write: %s", strerror(errno));
	w = pwrite(fd, "#", 1, 0);
	if (close(fd) < 0 || w != 1)
		return ch_fail(e, path, 0, "cannot write: %s", strerror(errno));
	return 0;
}

/* The update's commit (see gen_out_commit). */
static int commit_update(gen_out *o, ch_error *e)
{
	char **sorted = NULL;
	size_t nchanged = 0, ngone = 0;
	int rc = -1, cache = -1;
	ch_error ignored;

	/* Which staged files differ from the old ones: those alone move.
	 * The marker always does (the cache: it records the build's time),
	 * and is large. */
	for (size_t i = 0; i < o->npaths; i++) {
		const char *path = o->paths[i].path;
		char a[8192], b[8192];

		if (!o->paths[i].staged)
			continue;
		snprintf(a, sizeof a, "%s/%s", o->tmp, path);
		snprintf(b, sizeof b, "%s/%s", o->dir, path);
		if (strcmp(path, o->marker) != 0 && same_file(a, b))
			o->paths[i].staged = 0;
		else
			nchanged++;
	}
	sorted = malloc((o->npaths ? o->npaths : 1) * sizeof *sorted);
	if (!sorted)
		return ch_fail(e, o->dir, 0, "out of memory");
	for (size_t i = 0; i < o->npaths; i++)
		sorted[i] = o->paths[i].path;
	qsort(sorted, o->npaths, sizeof *sorted, cmp_str);
	for (size_t i = 0; i < o->ngone; i++) {
		if (bsearch(&o->gone[i], sorted, o->npaths, sizeof *sorted, cmp_str)) {
			free(o->gone[i]);
			o->gone[i] = NULL;
		} else {
			ngone++;
		}
	}
	if (nchanged == 0 && ngone == 0) {
		rc = 0;
		goto out;
	}
	/* Cut short from here on, the folder is still ours but its cache is
	 * no longer trusted: the next build is a full one. */
	if (spoil_marker(o, e) < 0)
		goto out;
	for (size_t i = 0; i < o->ngone; i++) {
		char full[8192];
		if (!o->gone[i])
			continue;
		snprintf(full, sizeof full, "%s/%s", o->dir, o->gone[i]);
		if (unlink(full) < 0 && errno != ENOENT) {
			ch_fail(e, full, 0, "cannot delete: %s", strerror(errno));
			goto out;
		}
		prune(o->dir, o->gone[i]);
	}
	for (size_t i = 0; i < o->npaths; i++) {
		if (!o->paths[i].staged)
			continue;
		if (strcmp(o->paths[i].path, o->marker) == 0) {
			cache = (int)i;
			continue;
		}
		if (move_in(o, o->paths[i].path, e) < 0)
			goto out;
	}
	if (cache >= 0 && move_in(o, o->paths[cache].path, e) < 0)
		goto out;
	rc = 0;
out:
	free(sorted);
	if (rc == 0) {
		ch_remove_tree(o->tmp, &ignored);
		free(o->tmp);
		o->tmp = NULL;
	}
	return rc;
}

int gen_out_commit(gen_out *o, ch_error *e)
{
	if (!o->tmp)
		return ch_fail(e, o->dir ? o->dir : "", 0, "output not started");
	if (access(o->dir, F_OK) == 0)
		return commit_update(o, e);
	/* Every file is new: the folder moves in whole. */
	if (rename(o->tmp, o->dir) < 0)
		return ch_fail(e, o->dir, 0, "cannot move into place: %s",
		               strerror(errno));
	free(o->tmp);
	o->tmp = NULL;
	return 0;
}

void gen_out_part(const gen_out *o, gen_out *part)
{
	*part = (gen_out)GEN_OUT_INIT;
	part->tmp = o->tmp;
	part->part = 1;
}

int gen_out_merge(gen_out *o, gen_out *part, ch_error *e)
{
	if (CH_GROW(o->paths, o->npaths + part->npaths, o->cappaths) < 0)
		return ch_fail(e, o->dir, 0, "out of memory");
	/* The strings move: part keeps none. */
	if (part->npaths)
		memcpy(o->paths + o->npaths, part->paths,
		       part->npaths * sizeof *part->paths);
	o->npaths += part->npaths;
	part->npaths = 0;
	return 0;
}

void gen_out_free(gen_out *o)
{
	if (o->part)
		o->tmp = NULL; /* its owner's */
	if (o->tmp) {
		ch_error ignored;
		ch_remove_tree(o->tmp, &ignored);
	}
	free(o->tmp);
	free(o->dir);
	for (size_t i = 0; i < o->npaths; i++)
		free(o->paths[i].path);
	free(o->paths);
	for (size_t i = 0; i < o->ngone; i++)
		free(o->gone[i]);
	free(o->gone);
	*o = (gen_out)GEN_OUT_INIT;
}
