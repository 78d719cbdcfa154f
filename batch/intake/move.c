/* move.c: moving files without overwriting (see move.h). */
#define _GNU_SOURCE /* renameat2 and RENAME_NOREPLACE */
#include "batch/intake/move.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fsutil.h"

#define MAX_TRIES 10000

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

/* An extension longer than this is not one: the whole name is the stem. */
#define EXT_MAX 16

/* The longest name a file in dir may have, in bytes. */
static size_t name_max(const char *dir)
{
	long m = pathconf(dir, _PC_NAME_MAX);

	return m > 0 && m < NAME_MAX ? (size_t)m : NAME_MAX;
}

/* len cut to at most max bytes, never inside a UTF-8 character: a name
 * cut in the middle of one would be shown as garbage ever after. Backs
 * off at most three bytes, so that a name that is not UTF-8 still keeps
 * its first max - 3 bytes. */
static size_t utf8_cut(const char *s, size_t len, size_t max)
{
	size_t n = max;

	if (len <= max)
		return len;
	while (n > 0 && max - n < 3 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return ((unsigned char)s[n] & 0xC0) == 0x80 ? max : n;
}

/* name.zip, then name.2.zip, name.3.zip ...; the stem is shortened
 * (whole characters) so that every candidate fits the folder's name
 * limit, whatever length of name came in: a name of 255 bytes has no room
 * for ".2" otherwise, and the bundle would stay in the inbox forever. */
static int candidate(const char *dir, const char *base, int k, char *out,
                     size_t n)
{
	const char *dot = strrchr(base, '.');
	char suffix[16] = "";
	size_t stem, room, ext_len;
	const char *ext;
	int len;

	if (!dot || dot == base || strlen(dot) > EXT_MAX)
		dot = base + strlen(base);
	ext = dot;
	ext_len = strlen(ext);
	stem = (size_t)(dot - base);
	if (k > 1)
		snprintf(suffix, sizeof suffix, ".%d", k);
	room = name_max(dir) - ext_len - strlen(suffix);
	stem = utf8_cut(base, stem, room);
	if (stem == 0)
		return -1;
	len = snprintf(out, n, "%s/%.*s%s%s", dir, (int)stem, base, suffix, ext);
	return len < 0 || (size_t)len >= n ? -1 : 0;
}

/* Copies size bytes of in to out, both from offset 0, holes kept as holes
 * (SEEK_DATA/SEEK_HOLE where the file system has them): a huge sparse
 * file in the inbox, refused on its size unread, must not turn into as
 * many real bytes on the other file system. 1 if in is not size bytes
 * long any more. */
static int copy_data(int in, int out, uint64_t size, const char *src,
                     const char *tmp, ch_error *e)
{
	char buf[65536];
	off_t off = 0, data, end;
	ssize_t r;

	while ((uint64_t)off < size) {
		data = lseek(in, off, SEEK_DATA);
		if (data < 0 && errno == ENXIO)
			break; /* only a hole is left */
		if (data < 0)
			data = off; /* no holes here: copy every byte */
		end = lseek(in, data, SEEK_HOLE);
		if (end < 0 || (uint64_t)end > size)
			end = (off_t)size;
		for (off = data; off < end; off += r) {
			size_t want = (size_t)(end - off) < sizeof buf
			                  ? (size_t)(end - off) : sizeof buf;
			r = pread(in, buf, want, off);
			if (r < 0 && errno == EINTR) {
				r = 0;
				continue;
			}
			if (r < 0)
				return ch_fail(e, src, 0, "cannot read: %s", strerror(errno));
			if (r == 0)
				return 1;
			if (ch_pwrite_all(out, buf, (size_t)r, off) < 0)
				return ch_fail(e, src, 0, "cannot copy to %s: %s", tmp,
				               strerror(errno));
		}
	}
	if (ftruncate(out, (off_t)size) < 0)
		return ch_fail(e, src, 0, "cannot copy to %s: %s", tmp,
		               strerror(errno));
	return 0;
}

/* Copy for the cross-file-system case: to a temporary name in dir, synced,
 * then linked to dest without replacing, so a half copy never has a
 * bundle's name. */
static int copy_no_replace(const char *src, const char *dir, const char *dest,
                           ch_error *e)
{
	char tmp[4200];
	int in = -1, out = -1, rc = -1, r, err;
	uint64_t size;
	struct stat st;

	/* tmp names a file to remove only once mkstemp has made it: before,
	 * it is the template, which could be someone's file. */
	tmp[0] = '\0';
	in = ch_open_input(src, &size, e);
	if (in < 0)
		goto out;
	snprintf(tmp, sizeof tmp, "%s/.moving-XXXXXX", dir);
	out = mkstemp(tmp);
	if (out < 0) {
		ch_fail(e, dir, 0, "cannot create a temporary file: %s",
		        strerror(errno));
		tmp[0] = '\0';
		goto out;
	}
	r = copy_data(in, out, size, src, tmp, e);
	if (r < 0)
		goto out;
	/* The original is removed after the copy: a file still being written
	 * must not lose what came after the copy began. */
	if (r > 0 || fstat(in, &st) < 0 || (uint64_t)st.st_size != size) {
		ch_fail(e, src, 0, "changed while it was copied to %s; left where "
		        "it is", dir);
		goto out;
	}
	if (fsync(out) < 0) {
		ch_fail(e, src, 0, "cannot sync its copy %s: %s", tmp,
		        strerror(errno));
		goto out;
	}
	if (link(tmp, dest) < 0) {
		err = errno;
		if (err != EEXIST)
			ch_fail(e, dest, 0, "cannot move: %s", strerror(err));
		rc = err == EEXIST ? 1 : -1;
		goto out;
	}
	rc = 0;
out:
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	if (tmp[0])
		unlink(tmp);
	return rc;
}

/* 1 if src already lies in dir (ingest was pointed at done/ itself). */
static int already_there(const char *src, const char *dir)
{
	char parent[4200], *slash, *a, *b;
	int same;

	snprintf(parent, sizeof parent, "%s", src);
	slash = strrchr(parent, '/');
	if (slash)
		*slash = '\0';
	a = realpath(slash ? (*parent ? parent : "/") : ".", NULL);
	b = realpath(dir, NULL);
	same = a && b && !strcmp(a, b);
	free(a);
	free(b);
	return same;
}

int move_into(const char *src, const char *dir, char *final, size_t n,
              ch_error *e)
{
	char dest[4200];
	const char *base = base_name(src);

	if (already_there(src, dir)) {
		snprintf(final, n, "%s", base);
		return 0;
	}

	for (int k = 1; k <= MAX_TRIES; k++) {
		int r;
		if (candidate(dir, base, k, dest, sizeof dest) < 0)
			return ch_fail(e, src, 0, "cannot move to %s: path too long",
			               dir);
		r = renameat2(AT_FDCWD, src, AT_FDCWD, dest, RENAME_NOREPLACE);
		if (r < 0 && errno == EEXIST)
			continue;
		if (r < 0 && (errno == EXDEV || errno == EINVAL || errno == ENOSYS)) {
			r = copy_no_replace(src, dir, dest, e);
			if (r == 1)
				continue;
			if (r < 0)
				return -1;
			if (ch_fsync_dir(dir, e) < 0)
				return -1;
			if (unlink(src) < 0)
				return ch_fail(e, src, 0, "moved, but cannot remove: %s",
				               strerror(errno));
		} else if (r < 0) {
			return ch_fail(e, src, 0, "cannot move to %s: %s", dir,
			               strerror(errno));
		} else if (ch_fsync_dir(dir, e) < 0) {
			/* The rename is not durable until the folder is: a crash
			 * could bring the bundle back into the inbox. */
			return -1;
		}
		snprintf(final, n, "%s", dest + strlen(dir) + 1);
		return 0;
	}
	return ch_fail(e, src, 0, "no free name left in %s", dir);
}
