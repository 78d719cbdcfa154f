/* output.c: writing a build's files into place as a whole. */
#define _GNU_SOURCE /* renameat2 */
#include "generator/output.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fsutil.h"

static int push(gen_out *o, const char *path, char *data, size_t len,
                ch_error *e)
{
	gen_out_file *f;

	if (o->n == o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 64;
		gen_out_file *v = realloc(o->v, cap * sizeof *v);
		if (!v)
			return ch_fail(e, path, 0, "out of memory");
		o->v = v;
		o->cap = cap;
	}
	f = &o->v[o->n];
	f->path = strdup(path);
	if (!f->path)
		return ch_fail(e, path, 0, "out of memory");
	f->data = data;
	f->len = len;
	f->link_from = NULL;
	o->n++;
	return 0;
}

int gen_out_add(gen_out *o, const char *path, const void *data, size_t len,
                ch_error *e)
{
	char *copy = malloc(len + 1);

	if (!copy)
		return ch_fail(e, path, 0, "out of memory");
	memcpy(copy, data, len);
	copy[len] = '\0';
	if (push(o, path, copy, len, e) < 0) {
		free(copy);
		return -1;
	}
	return 0;
}

int gen_out_take(gen_out *o, const char *path, ch_buf *b, ch_error *e)
{
	size_t len = 0;
	char *data;

	if (!ch_buf_ok(b))
		return ch_fail(e, path, 0, "out of memory");
	ch_buf_puts(b, "");
	data = ch_buf_detach(b, &len);
	if (!data)
		return ch_fail(e, path, 0, "out of memory");
	if (push(o, path, data, len, e) < 0) {
		free(data);
		return -1;
	}
	return 0;
}

int gen_out_keep(gen_out *o, const char *path, const char *old_path,
                 ch_error *e)
{
	char *from = strdup(old_path);

	if (!from || push(o, path, NULL, 0, e) < 0) {
		free(from);
		return ch_fail(e, path, 0, "out of memory");
	}
	o->v[o->n - 1].link_from = from;
	return 0;
}

static int cmp_path(const void *a, const void *b)
{
	return strcmp(((const gen_out_file *)a)->path,
	              ((const gen_out_file *)b)->path);
}

static int safe_path(const char *p)
{
	if (!*p || *p == '/')
		return 0;
	for (const char *s = p; s; s = strchr(s, '/')) {
		if (*s == '/')
			s++;
		if (strncmp(s, "../", 3) == 0 || strcmp(s, "..") == 0 ||
		    *s == '/' || !*s)
			return 0;
	}
	return 1;
}

/* last_dir: the folder the previous file went into; files come sorted,
 * so most share it and need no mkdir. */
static int write_file(const char *root, const gen_out_file *f,
                      char *last_dir, size_t last_size, ch_error *e)
{
	char path[8400], *slash;
	FILE *fp;
	int ok;

	snprintf(path, sizeof path, "%s/%s", root, f->path);
	slash = strrchr(path, '/');
	*slash = '\0';
	if (strcmp(path, last_dir) != 0) {
		if (ch_mkdirs(path, 0755, e) < 0)
			return -1;
		snprintf(last_dir, last_size, "%s", path);
	}
	*slash = '/';
	if (f->link_from) {
		char *data = NULL;
		size_t len = 0;
		int rc;

		if (link(f->link_from, path) == 0)
			return 0;
		/* No hard links here (another file system?): copy. */
		if (ch_read_file(f->link_from, (size_t)1 << 31, &data, &len, e) < 0)
			return -1;
		fp = fopen(path, "wb");
		rc = fp && fwrite(data, 1, len, fp) == len;
		rc = (fp && fclose(fp) == 0) && rc;
		free(data);
		return rc ? 0 : ch_fail(e, path, 0, "cannot write: %s", strerror(errno));
	}
	fp = fopen(path, "wb");
	if (!fp)
		return ch_fail(e, path, 0, "cannot write: %s", strerror(errno));
	ok = fwrite(f->data, 1, f->len, fp) == f->len;
	ok = (fclose(fp) == 0) && ok;
	if (!ok)
		return ch_fail(e, path, 0, "cannot write: %s", strerror(errno));
	return 0;
}

/* 1 if dir is missing or empty or one of ours, 0 if not ours, -1 error. */
static int ours(const char *dir, ch_error *e)
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
	snprintf(marker, sizeof marker, "%s/%s", dir, GEN_CACHE_NAME);
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

int gen_out_commit(gen_out *o, const char *dir, ch_error *e)
{
	char parent[4096], tmp[4200], old[4200], last_dir[8400];
	const char *base;
	size_t dlen = strlen(dir);
	int rc = -1, made = 0, r;

	while (dlen > 1 && dir[dlen - 1] == '/')
		dlen--;
	if (dlen >= sizeof parent - 1)
		return ch_fail(e, dir, 0, "path too long");
	memcpy(parent, dir, dlen);
	parent[dlen] = '\0';
	base = strrchr(parent, '/');
	if (base) {
		parent[base - parent] = '\0';
		base = dir + (base - parent) + 1;
		if (!parent[0])
			strcpy(parent, "/");
	} else {
		base = dir;
		strcpy(parent, ".");
	}
	if (o->n > 1)
		qsort(o->v, o->n, sizeof *o->v, cmp_path);
	for (size_t i = 0; i < o->n; i++) {
		if (!safe_path(o->v[i].path))
			return ch_fail(e, o->v[i].path, 0, "bad output path");
		if (i && strcmp(o->v[i].path, o->v[i - 1].path) == 0)
			return ch_fail(e, o->v[i].path, 0,
			               "two files of the site have this path");
	}
	r = ours(dir, e);
	if (r < 0)
		return -1;
	if (r == 0)
		return ch_fail(e, dir, 0, "refusing to replace a folder that "
		               "certhall-site did not build (no %s in it)",
		               GEN_CACHE_NAME);
	if (ch_mkdirs(parent, 0755, e) < 0)
		return -1;
	snprintf(tmp, sizeof tmp, "%s/.%.*s.tmp-XXXXXX", parent,
	         (int)(dlen - (size_t)(base - dir)), base);
	if (!mkdtemp(tmp))
		return ch_fail(e, tmp, 0, "cannot create: %s", strerror(errno));
	made = 1;
	if (chmod(tmp, 0755) < 0) {
		ch_fail(e, tmp, 0, "%s", strerror(errno));
		goto out;
	}
	last_dir[0] = '\0';
	for (size_t i = 0; i < o->n; i++)
		if (write_file(tmp, &o->v[i], last_dir, sizeof last_dir, e) < 0)
			goto out;
	if (access(dir, F_OK) != 0) {
		if (rename(tmp, dir) < 0) {
			ch_fail(e, dir, 0, "cannot move into place: %s", strerror(errno));
			goto out;
		}
		made = 0;
	} else if (renameat2(AT_FDCWD, tmp, AT_FDCWD, dir, RENAME_EXCHANGE) == 0) {
		/* tmp now holds the old site */
	} else {
		/* No atomic exchange here: move the old aside, then the new in. */
		snprintf(old, sizeof old, "%s/.%.*s.old-XXXXXX", parent,
		         (int)(dlen - (size_t)(base - dir)), base);
		if (!mkdtemp(old) || rename(dir, old) < 0) {
			ch_fail(e, dir, 0, "cannot move the old site aside: %s",
			        strerror(errno));
			goto out;
		}
		if (rename(tmp, dir) < 0) {
			ch_fail(e, dir, 0, "cannot move into place: %s", strerror(errno));
			rename(old, dir);
			goto out;
		}
		snprintf(tmp, sizeof tmp, "%s", old);
	}
	rc = 0;
out:
	if (made) {
		ch_error ignored;
		ch_remove_tree(tmp, &ignored);
	}
	return rc;
}

void gen_out_free(gen_out *o)
{
	for (size_t i = 0; i < o->n; i++) {
		free(o->v[i].path);
		free(o->v[i].data);
		free(o->v[i].link_from);
	}
	free(o->v);
	o->v = NULL;
	o->n = o->cap = 0;
}
