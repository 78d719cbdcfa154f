/* zipscan.c: the central directory read by hand, every field bounds-checked
 * against the file, so that the checks libzip does not make (UTF-8 flag,
 * attributes, overlapping data) rest on what the file really says. */
#include "batch/zipscan.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define EOCD_SIZE 22u
#define EOCD_MAX_COMMENT 65535u
#define LOC64_SIZE 20u
#define EOCD64_SIZE 56u
#define CDH_SIZE 46u
#define LFH_SIZE 30u

static uint16_t rd16(const unsigned char *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t rd32(const unsigned char *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}

static uint64_t rd64(const unsigned char *p)
{
	return (uint64_t)rd32(p) | ((uint64_t)rd32(p + 4) << 32);
}

/* Reads exactly n bytes at off; 1 if the file is shorter, -1 on error. */
static int pread_full(int fd, void *buf, size_t n, uint64_t off, ch_error *e)
{
	unsigned char *p = buf;

	while (n > 0) {
		ssize_t r = pread(fd, p, n, (off_t)off);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return ch_fail(e, NULL, 0, "reading the bundle: %s",
			               strerror(errno));
		}
		if (r == 0)
			return 1;
		p += r;
		n -= (size_t)r;
		off += (uint64_t)r;
	}
	return 0;
}

/* The end record: where the directory is and how many entries it has.
 * Returns 0, 1 when there is no usable one, -1 on I/O failure. */
static int find_end(int fd, uint64_t size, uint64_t *cd_off, uint64_t *cd_size,
                    uint64_t *count, uint64_t *limit, ch_error *e)
{
	unsigned char *tail = NULL, rec[EOCD64_SIZE];
	size_t tlen;
	uint64_t start;
	int rc = 1, r;

	if (size < EOCD_SIZE)
		return 1;
	tlen = size < EOCD_SIZE + EOCD_MAX_COMMENT ? (size_t)size
	                                           : EOCD_SIZE + EOCD_MAX_COMMENT;
	start = size - tlen;
	tail = malloc(tlen);
	if (!tail)
		return ch_fail(e, NULL, 0, "out of memory");
	r = pread_full(fd, tail, tlen, start, e);
	if (r != 0) {
		rc = r;
		goto out;
	}
	/* The last signature whose comment fits: the one a reader honours. */
	for (size_t i = tlen - EOCD_SIZE + 1; i-- > 0;) {
		const unsigned char *p = tail + i;
		uint64_t pos = start + i, n, off, csz;

		if (rd32(p) != 0x06054b50u)
			continue;
		if (i + EOCD_SIZE + rd16(p + 20) > tlen)
			continue;
		if (rd16(p + 4) != 0 || rd16(p + 6) != 0)
			goto out; /* multi-disk */
		n = rd16(p + 10);
		csz = rd32(p + 12);
		off = rd32(p + 16);
		*limit = pos;
		if (n == 0xFFFFu || csz == 0xFFFFFFFFu || off == 0xFFFFFFFFu) {
			uint64_t loc, e64;

			if (pos < LOC64_SIZE)
				goto out;
			loc = pos - LOC64_SIZE;
			r = pread_full(fd, rec, LOC64_SIZE, loc, e);
			if (r != 0) {
				rc = r;
				goto out;
			}
			if (rd32(rec) != 0x07064b50u || rd32(rec + 4) != 0)
				goto out;
			e64 = rd64(rec + 8);
			if (e64 > loc || loc - e64 < EOCD64_SIZE)
				goto out;
			r = pread_full(fd, rec, EOCD64_SIZE, e64, e);
			if (r != 0) {
				rc = r;
				goto out;
			}
			if (rd32(rec) != 0x06064b50u || rd32(rec + 16) != 0 ||
			    rd32(rec + 20) != 0)
				goto out;
			n = rd64(rec + 32);
			csz = rd64(rec + 40);
			off = rd64(rec + 48);
			*limit = e64;
		}
		if (off > *limit || csz > *limit - off)
			goto out;
		*cd_off = off;
		*cd_size = csz;
		*count = n;
		rc = 0;
		goto out;
	}
out:
	free(tail);
	return rc;
}

/* Fills the fields the Zip64 extra field replaces (those at 0xFFFFFFFF).
 * Returns 1 when the extra field does not hold them. */
static int zip64_extra(zscan_entry *en, const unsigned char *x, size_t n,
                       int want_size, int want_comp, int want_off)
{
	size_t i = 0;

	if (!want_size && !want_comp && !want_off)
		return 0;
	while (i + 4 <= n) {
		uint16_t id = rd16(x + i), len = rd16(x + i + 2);
		const unsigned char *d = x + i + 4;
		size_t k = 0;

		if (len > n - i - 4)
			return 1;
		if (id == 0x0001) {
			if (want_size) {
				if (k + 8 > len)
					return 1;
				en->size = rd64(d + k);
				k += 8;
			}
			if (want_comp) {
				if (k + 8 > len)
					return 1;
				en->comp_size = rd64(d + k);
				k += 8;
			}
			if (want_off) {
				if (k + 8 > len)
					return 1;
				en->local_off = rd64(d + k);
			}
			return 0;
		}
		i += 4 + (size_t)len;
	}
	return 1;
}

int zscan_read(int fd, uint64_t size, uint64_t max_entries, zscan *out,
               zscan_status *st, uint64_t *count, ch_error *e)
{
	uint64_t cd_off = 0, cd_size = 0, n = 0, limit = 0, pos, end;
	unsigned char hdr[CDH_SIZE], *var = NULL;
	int r, rc = -1;

	memset(out, 0, sizeof *out);
	*st = ZS_UNREADABLE;
	*count = 0;
	r = find_end(fd, size, &cd_off, &cd_size, &n, &limit, e);
	if (r < 0)
		return -1;
	if (r > 0)
		return 0;
	*count = n;
	if (n > max_entries) {
		*st = ZS_TOO_MANY;
		return 0;
	}
	out->cd_off = cd_off;
	out->cd_size = cd_size;
	out->v = calloc(n ? (size_t)n : 1, sizeof *out->v);
	var = malloc(2 * 65536u);
	if (!out->v || !var) {
		ch_fail(e, NULL, 0, "out of memory");
		goto out;
	}
	pos = cd_off;
	end = cd_off + cd_size;
	for (uint64_t i = 0; i < n; i++) {
		zscan_entry *en = &out->v[i];
		uint16_t nlen, xlen, clen;
		uint32_t c32, s32, o32;

		if (end - pos < CDH_SIZE)
			goto bad;
		r = pread_full(fd, hdr, CDH_SIZE, pos, e);
		if (r < 0)
			goto out;
		if (r > 0 || rd32(hdr) != 0x02014b50u)
			goto bad;
		nlen = rd16(hdr + 28);
		xlen = rd16(hdr + 30);
		clen = rd16(hdr + 32);
		if (end - pos - CDH_SIZE < (uint64_t)nlen + xlen + clen)
			goto bad;
		if (rd16(hdr + 34) != 0 && rd16(hdr + 34) != 0xFFFFu)
			goto bad; /* another disk */
		r = pread_full(fd, var, (size_t)nlen + xlen, pos + CDH_SIZE, e);
		if (r < 0)
			goto out;
		if (r > 0)
			goto bad;
		en->name = malloc((size_t)nlen + 1);
		if (!en->name) {
			ch_fail(e, NULL, 0, "out of memory");
			goto out;
		}
		memcpy(en->name, var, nlen);
		en->name[nlen] = '\0';
		en->name_len = nlen;
		out->n++;
		en->made_by = rd16(hdr + 4);
		en->flags = rd16(hdr + 8);
		en->method = rd16(hdr + 10);
		en->crc = rd32(hdr + 16);
		c32 = rd32(hdr + 20);
		s32 = rd32(hdr + 24);
		en->ext_attr = rd32(hdr + 38);
		o32 = rd32(hdr + 42);
		en->comp_size = c32;
		en->size = s32;
		en->local_off = o32;
		if (zip64_extra(en, var + nlen, xlen, s32 == 0xFFFFFFFFu,
		                c32 == 0xFFFFFFFFu, o32 == 0xFFFFFFFFu))
			goto bad;
		if (en->local_off >= cd_off || en->comp_size > size)
			goto bad;
		pos += CDH_SIZE + (uint64_t)nlen + xlen + clen;
	}
	*st = ZS_OK;
	rc = 0;
	goto out;
bad:
	*st = ZS_UNREADABLE;
	rc = 0;
out:
	free(var);
	return rc;
}

struct span {
	uint64_t off, end;
	size_t i;
};

static int by_offset(const void *a, const void *b)
{
	uint64_t x = ((const struct span *)a)->off;
	uint64_t y = ((const struct span *)b)->off;

	return x < y ? -1 : x > y;
}

int zscan_ranges(int fd, zscan *z, zscan_status *st, size_t *bad, ch_error *e)
{
	unsigned char lfh[LFH_SIZE];
	struct span *s = NULL;
	int r;

	*st = ZS_OK;
	*bad = 0;
	for (size_t i = 0; i < z->n; i++) {
		zscan_entry *en = &z->v[i];
		uint64_t room, hdr;

		if (z->cd_off - en->local_off < LFH_SIZE)
			goto unreadable_i;
		r = pread_full(fd, lfh, LFH_SIZE, en->local_off, e);
		if (r < 0)
			return -1;
		if (r > 0 || rd32(lfh) != 0x04034b50u)
			goto unreadable_i;
		room = z->cd_off - en->local_off - LFH_SIZE;
		hdr = (uint64_t)rd16(lfh + 26) + rd16(lfh + 28);
		if (hdr > room || en->comp_size > room - hdr)
			goto unreadable_i;
		en->data_end = en->local_off + LFH_SIZE + hdr + en->comp_size;
		continue;
unreadable_i:
		*st = ZS_UNREADABLE;
		*bad = i;
		return 0;
	}
	if (z->n < 2)
		return 0;
	s = malloc(z->n * sizeof *s);
	if (!s)
		return ch_fail(e, NULL, 0, "out of memory");
	for (size_t i = 0; i < z->n; i++) {
		s[i].off = z->v[i].local_off;
		s[i].end = z->v[i].data_end;
		s[i].i = i;
	}
	qsort(s, z->n, sizeof *s, by_offset);
	for (size_t i = 1; i < z->n; i++) {
		if (s[i].off < s[i - 1].end) {
			*st = ZS_OVERLAP;
			*bad = s[i].i;
			break;
		}
	}
	free(s);
	return 0;
}

int zscan_special(const zscan_entry *en, int *dir)
{
	unsigned mode = en->ext_attr >> 16;
	unsigned fmt = mode & S_IFMT;

	*dir = (en->ext_attr & 0x10u) != 0; /* MS-DOS directory attribute */
	if (fmt == 0)
		return 0;
	if (fmt == S_IFDIR) {
		*dir = 1;
		return 0;
	}
	return fmt != S_IFREG;
}

void zscan_free(zscan *z)
{
	for (size_t i = 0; i < z->n; i++)
		free(z->v[i].name);
	free(z->v);
	z->v = NULL;
	z->n = 0;
}
