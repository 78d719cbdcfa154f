/* fsutil.c: whole-file reads, atomic writes and folder helpers. */
#include "common/fsutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* What a file that is not regular is, for the error that refuses it. */
static const char *kind_of(mode_t m)
{
	if (S_ISDIR(m))
		return "a folder";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISCHR(m) || S_ISBLK(m))
		return "a device";
	if (S_ISSOCK(m))
		return "a socket";
	return "not a regular file";
}

int ch_open_input(const char *path, uint64_t *size, ch_error *e)
{
	struct stat st;
	int fd, flags;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		int err = errno;
		/* ELOOP is also a loop of links further up: say which. */
		if (err == ELOOP && lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
			return ch_fail(e, path, 0, "is a symbolic link; only regular "
			               "files are read");
		return ch_fail(e, path, 0, "cannot open: %s", strerror(err));
	}
	if (fstat(fd, &st) < 0) {
		ch_fail(e, path, 0, "cannot stat: %s", strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		ch_fail(e, path, 0, "is %s; only regular files are read",
		        kind_of(st.st_mode));
		goto fail;
	}
	/* Regular files never block anyway; cleared so that the descriptor
	 * behaves as any other for whoever reads it (stdio, libzip). */
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0) {
		ch_fail(e, path, 0, "cannot set up for reading: %s", strerror(errno));
		goto fail;
	}
	if (size)
		*size = (uint64_t)st.st_size;
	return fd;
fail:
	close(fd);
	return -1;
}

int ch_read_file(const char *path, size_t max, char **out, size_t *len,
                 ch_error *e)
{
	int fd = -1, rc = -1;
	uint64_t size;
	char *data = NULL;
	size_t cap, n = 0;
	/* One byte past max tells a file of max bytes from a longer one. */
	size_t limit = max < SIZE_MAX - 1 ? max + 1 : SIZE_MAX - 1;
	ssize_t r;

	*out = NULL;
	if (len)
		*len = 0;
	fd = ch_open_input(path, &size, e);
	if (fd < 0)
		goto out;
	if (size > max) {
		ch_fail(e, path, 0, "file too large (%llu bytes, at most %zu)",
		        (unsigned long long)size, max);
		goto out;
	}
	/* The size may change under us: read until EOF, but never past max. */
	cap = (size_t)size + 1;
	if (cap > limit)
		cap = limit;
	data = malloc(cap + 1);
	if (!data) {
		ch_fail(e, path, 0, "out of memory");
		goto out;
	}
	for (;;) {
		if (n == cap) {
			char *p;
			if (cap >= limit) {
				ch_fail(e, path, 0, "file too large (at most %zu bytes)", max);
				goto out;
			}
			cap = cap > limit / 2 ? limit : cap * 2;
			p = realloc(data, cap + 1);
			if (!p) {
				ch_fail(e, path, 0, "out of memory");
				goto out;
			}
			data = p;
		}
		r = read(fd, data + n, cap - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			ch_fail(e, path, 0, "cannot read: %s", strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > max) {
		ch_fail(e, path, 0, "file too large (at most %zu bytes)", max);
		goto out;
	}
	data[n] = '\0';
	*out = data;
	data = NULL;
	if (len)
		*len = n;
	rc = 0;
out:
	free(data);
	if (fd >= 0)
		close(fd);
	return rc;
}

DIR *ch_open_folder(const char *path, ch_error *e)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d;

	if (fd < 0) {
		struct stat st;
		int err = errno;
		if ((err == ELOOP || err == ENOTDIR) && lstat(path, &st) == 0)
			ch_fail(e, path, 0, "is %s; only a folder is listed",
			        S_ISLNK(st.st_mode) ? "a symbolic link"
			                            : S_ISREG(st.st_mode) ? "a file"
			                                                  : kind_of(st.st_mode));
		else
			ch_fail(e, path, 0, "cannot open folder: %s", strerror(err));
		return NULL;
	}
	d = fdopendir(fd);
	if (!d) {
		ch_fail(e, path, 0, "cannot open folder: %s", strerror(errno));
		close(fd);
	}
	return d;
}

/* The folder part of path, "." when there is none; malloc'd. */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *d;

	if (!slash)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	d = malloc((size_t)(slash - path) + 1);
	if (!d)
		return NULL;
	memcpy(d, path, (size_t)(slash - path));
	d[slash - path] = '\0';
	return d;
}

int ch_fsync_dir(const char *path, ch_error *e)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return ch_fail(e, path, 0, "cannot open folder: %s", strerror(errno));
	if (fsync(fd) < 0 && errno != EINVAL) {
		int err = errno;
		close(fd);
		return ch_fail(e, path, 0, "cannot sync folder: %s", strerror(err));
	}
	close(fd);
	return 0;
}

int ch_write_atomic(const char *path, const void *data, size_t len,
                    mode_t mode, ch_error *e)
{
	char *tmp = NULL, *dir = NULL;
	size_t n = strlen(path) + 16;
	int fd = -1, rc = -1;
	const char *p = data;
	size_t done = 0;
	ssize_t w;

	tmp = malloc(n);
	dir = dir_of(path);
	if (!tmp || !dir) {
		ch_fail(e, path, 0, "out of memory");
		goto out;
	}
	snprintf(tmp, n, "%s.tmpXXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0) {
		ch_fail(e, path, 0, "cannot create a temporary file: %s",
		        strerror(errno));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	if (fchmod(fd, mode) < 0) {
		ch_fail(e, tmp, 0, "cannot set mode: %s", strerror(errno));
		goto out;
	}
	while (done < len) {
		w = write(fd, p + done, len - done);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			ch_fail(e, tmp, 0, "cannot write: %s", strerror(errno));
			goto out;
		}
		done += (size_t)w;
	}
	if (fsync(fd) < 0) {
		ch_fail(e, tmp, 0, "cannot sync: %s", strerror(errno));
		goto out;
	}
	if (close(fd) < 0) {
		fd = -1;
		ch_fail(e, tmp, 0, "cannot close: %s", strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) < 0) {
		ch_fail(e, path, 0, "cannot rename into place: %s", strerror(errno));
		goto out;
	}
	free(tmp);
	tmp = NULL; /* renamed: nothing to clean up any more */
	if (ch_fsync_dir(dir, e) < 0)
		goto out;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (tmp) {
		unlink(tmp);
		free(tmp);
	}
	free(dir);
	return rc;
}

int ch_mkdirs(const char *path, mode_t mode, ch_error *e)
{
	char *p = strdup(path);
	int rc = -1;
	struct stat st;

	if (!p)
		return ch_fail(e, path, 0, "out of memory");
	if (!*p) {
		ch_fail(e, path, 0, "empty folder name");
		goto out;
	}
	for (char *s = p + 1; ; s++) {
		char c = *s;
		if (c != '/' && c != '\0')
			continue;
		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST) {
			ch_fail(e, p, 0, "cannot create folder: %s", strerror(errno));
			goto out;
		}
		*s = c;
		if (c == '\0')
			break;
	}
	if (stat(path, &st) < 0) {
		ch_fail(e, path, 0, "cannot stat: %s", strerror(errno));
		goto out;
	}
	if (!S_ISDIR(st.st_mode)) {
		ch_fail(e, path, 0, "not a folder");
		goto out;
	}
	rc = 0;
out:
	free(p);
	return rc;
}

int ch_remove_tree(const char *path, ch_error *e)
{
	DIR *d = NULL;
	struct dirent *de;
	struct stat st;
	char *child = NULL;
	int rc = -1;

	if (lstat(path, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		return ch_fail(e, path, 0, "cannot stat: %s", strerror(errno));
	}
	if (!S_ISDIR(st.st_mode)) {
		if (unlink(path) < 0)
			return ch_fail(e, path, 0, "cannot remove: %s", strerror(errno));
		return 0;
	}
	d = opendir(path);
	if (!d)
		return ch_fail(e, path, 0, "cannot open folder: %s", strerror(errno));
	while ((de = readdir(d)) != NULL) {
		size_t n;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		n = strlen(path) + strlen(de->d_name) + 2;
		child = malloc(n);
		if (!child) {
			ch_fail(e, path, 0, "out of memory");
			goto out;
		}
		snprintf(child, n, "%s/%s", path, de->d_name);
		/* Recursion only follows real folders (lstat), never links. */
		if (ch_remove_tree(child, e) < 0)
			goto out;
		free(child);
		child = NULL;
	}
	closedir(d);
	d = NULL;
	if (rmdir(path) < 0) {
		ch_fail(e, path, 0, "cannot remove folder: %s", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(child);
	if (d)
		closedir(d);
	return rc;
}

int ch_pwrite_all(int fd, const void *p, size_t n, off_t off)
{
	const char *c = p;

	while (n > 0) {
		ssize_t w = pwrite(fd, c, n, off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = EIO;
			return -1;
		}
		c += w;
		n -= (size_t)w;
		off += w;
	}
	return 0;
}

int ch_pread_all(int fd, void *p, size_t n, off_t off)
{
	char *c = p;

	while (n > 0) {
		ssize_t r = pread(fd, c, n, off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			return 1;
		c += r;
		n -= (size_t)r;
		off += r;
	}
	return 0;
}
