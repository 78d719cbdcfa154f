/* zipscan.c: the end record, central directory and local headers read by
 * hand, every field bounds-checked against the file, so that the checks
 * libzip does not make (UTF-8 flag, attributes, overlapping data) rest on
 * what the file really says, and so that a file any two readers could
 * read two ways is refused before either reads an entry. */
#include "batch/intake/zipscan.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <zlib.h>

#include "common/fsutil.h"

#define EOCD_SIZE 22u
#define EOCD_MAX_COMMENT 65535u
#define LOC64_SIZE 20u
#define EOCD64_SIZE 56u
#define CDH_SIZE 46u
#define LFH_SIZE 30u

#define SIG_EOCD 0x06054b50u
#define SIG_LOC64 0x07064b50u
#define SIG_EOCD64 0x06064b50u
#define SIG_CDH 0x02014b50u
#define SIG_LFH 0x04034b50u
#define SIG_DD 0x08074b50u

#define STREAM_CHUNK (64 * 1024)

/* Why a file is refused, in the words of the ZIP_UNREADABLE finding. */
#define WHY_TAIL "目录结束记录之后还有数据，或结束记录藏在注释里"
#define WHY_COMMENT "ZIP 注释没有恰好到文件末尾为止（文件被截断或末尾另有数据）"
#define WHY_TWO_ENDS "文件中有不止一个 ZIP 目录结束记录，不同的解压软件会读出不同的内容"
#define WHY_DISKS "不支持分卷 ZIP"
#define WHY_COUNT "目录结束记录中的文件数与中央目录不符"
#define WHY_ZIP64 "Zip64 目录结束记录缺失或与普通结束记录不一致"
#define WHY_CD_BOUNDS "中央目录的位置或大小超出文件范围"
#define WHY_CD_GAP "中央目录与目录结束记录之间有多余数据（或文件前面被加了数据）"
#define WHY_CDH "中央目录中的文件记录损坏"
#define WHY_LFH "本地文件头损坏或位置超出范围"
#define WHY_NAME "本地文件头与中央目录中的文件名不一致"
#define WHY_FLAGS "本地文件头与中央目录中的标志位不一致"
#define WHY_METHOD "本地文件头与中央目录中的压缩方式不一致"
#define WHY_SIZES "本地文件头与中央目录中的 CRC 或大小不一致"
#define WHY_DD "数据描述符缺失或与中央目录不一致"
#define WHY_PREFIX "第一个文件之前有多余数据（例如自解压程序）"
#define WHY_GAP "文件之间有不属于任何文件的数据"
#define WHY_TRAILER "最后一个文件与中央目录之间有多余数据"
#define WHY_STREAM "以流式方式写入的文件数据与中央目录记录的长度不符"
#define WHY_EXTRA "文件记录的扩展字段损坏或重复"
#define WHY_UPATH "本地文件头与中央目录中的 Unicode 文件名字段不一致"

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
	int r = ch_pread_all(fd, buf, n, (off_t)off);

	if (r < 0)
		return ch_fail(e, NULL, 0, "reading the bundle: %s",
		               strerror(errno));
	return r;
}

/* What the one end record says. */
typedef struct endrec {
	uint64_t n, cd_off, cd_size;
} endrec;

/* 1 when the signature at tail[j] could be taken for an end record by
 * some reader: its comment reaches the end of the file, or a directory
 * ends right before it, or a Zip64 locator stands before it. */
static int plausible_end(const unsigned char *tail, size_t tlen, size_t j,
                         uint64_t start)
{
	const unsigned char *q = tail + j;

	if (j + EOCD_SIZE > tlen)
		return 0;
	if (j + EOCD_SIZE + rd16(q + 20) == tlen)
		return 1;
	if ((uint64_t)rd32(q + 16) + rd32(q + 12) == start + j)
		return 1;
	return j >= LOC64_SIZE && rd32(q - LOC64_SIZE) == SIG_LOC64;
}

/* The Zip64 end record the locator before the end record at pos names.
 * It must lie right before the locator, and each 32-bit field of the end
 * record must either say the same or be saturated. Returns 0, 1 (why
 * set), -1 on I/O failure. */
static int read_zip64(int fd, uint64_t pos, endrec *r, uint64_t *rec_start,
                      const char **why, ch_error *e)
{
	unsigned char loc[LOC64_SIZE], rec[EOCD64_SIZE];
	uint64_t e64, n64, csz64, off64;
	int rr;

	*why = WHY_ZIP64;
	rr = pread_full(fd, loc, LOC64_SIZE, pos - LOC64_SIZE, e);
	if (rr != 0)
		return rr;
	if (rd32(loc + 4) != 0 || rd32(loc + 16) > 1)
		return 1;
	e64 = rd64(loc + 8);
	if (pos - LOC64_SIZE < EOCD64_SIZE ||
	    e64 != pos - LOC64_SIZE - EOCD64_SIZE)
		return 1;
	rr = pread_full(fd, rec, EOCD64_SIZE, e64, e);
	if (rr != 0)
		return rr;
	if (rd32(rec) != SIG_EOCD64 || rd64(rec + 4) != EOCD64_SIZE - 12 ||
	    rd32(rec + 16) != 0 || rd32(rec + 20) != 0 ||
	    rd64(rec + 24) != rd64(rec + 32))
		return 1;
	n64 = rd64(rec + 32);
	csz64 = rd64(rec + 40);
	off64 = rd64(rec + 48);
	if ((r->n != 0xFFFFu && r->n != n64) ||
	    (r->cd_size != 0xFFFFFFFFu && r->cd_size != csz64) ||
	    (r->cd_off != 0xFFFFFFFFu && r->cd_off != off64))
		return 1;
	r->n = n64;
	r->cd_size = csz64;
	r->cd_off = off64;
	*rec_start = e64;
	*why = NULL;
	return 0;
}

/* The end record: the last signature in the part of the file a reader
 * searches, which must be the only one any reader could take, its comment
 * running exactly to the end, the directory right before it. Returns 0,
 * 1 when there is no usable one (*why says why, NULL: not a ZIP at all),
 * -1 on I/O failure. */
static int find_end(int fd, uint64_t size, endrec *r, const char **why,
                    ch_error *e)
{
	unsigned char *tail = NULL;
	const unsigned char *p;
	size_t tlen, i;
	uint64_t start, pos, rec_start;
	int rc = 1, rr;

	*why = NULL;
	if (size < EOCD_SIZE)
		return 1;
	tlen = size < EOCD_SIZE + EOCD_MAX_COMMENT ? (size_t)size
	                                           : EOCD_SIZE + EOCD_MAX_COMMENT;
	start = size - tlen;
	tail = malloc(tlen);
	if (!tail)
		return ch_fail(e, NULL, 0, "out of memory");
	rr = pread_full(fd, tail, tlen, start, e);
	if (rr != 0) {
		rc = rr;
		goto out;
	}
	/* The last signature is what Python's zipfile and unzip take; libzip
	 * tries every one. Anything after it is refused, so all agree. */
	for (i = tlen - 3; i-- > 0;)
		if (rd32(tail + i) == SIG_EOCD)
			break;
	if (i == (size_t)-1)
		goto out;
	if (i + EOCD_SIZE > tlen) {
		*why = WHY_TAIL;
		goto out;
	}
	p = tail + i;
	if (i + EOCD_SIZE + rd16(p + 20) != tlen) {
		*why = WHY_COMMENT;
		goto out;
	}
	for (size_t j = 0; j < i; j++) {
		if (rd32(tail + j) == SIG_EOCD &&
		    plausible_end(tail, tlen, j, start)) {
			*why = WHY_TWO_ENDS;
			goto out;
		}
	}
	if (rd16(p + 4) != 0 || rd16(p + 6) != 0) {
		*why = WHY_DISKS;
		goto out;
	}
	if (rd16(p + 8) != rd16(p + 10)) {
		*why = WHY_COUNT;
		goto out;
	}
	pos = start + i;
	r->n = rd16(p + 10);
	r->cd_size = rd32(p + 12);
	r->cd_off = rd32(p + 16);
	rec_start = pos;
	rr = 1;
	if (pos >= LOC64_SIZE) {
		unsigned char sig[4];

		rr = pread_full(fd, sig, 4, pos - LOC64_SIZE, e);
		if (rr < 0) {
			rc = -1;
			goto out;
		}
		if (rr == 0 && rd32(sig) == SIG_LOC64) {
			rr = read_zip64(fd, pos, r, &rec_start, why, e);
			if (rr != 0) {
				rc = rr;
				goto out;
			}
		} else {
			rr = 1;
		}
	}
	if (rr && (r->n == 0xFFFFu || r->cd_size == 0xFFFFFFFFu ||
	           r->cd_off == 0xFFFFFFFFu)) {
		*why = WHY_ZIP64;
		goto out;
	}
	if (r->cd_off > rec_start || r->cd_size > rec_start - r->cd_off) {
		*why = WHY_CD_BOUNDS;
		goto out;
	}
	if (r->cd_off + r->cd_size != rec_start) {
		*why = WHY_CD_GAP;
		goto out;
	}
	rc = 0;
out:
	free(tail);
	return rc;
}

/* The extra block with this id: 0 and *d, *len; 1 when there is none;
 * 2 when the blocks do not fit the field or the id comes twice (two
 * readers could take two different ones). */
static int find_extra(const unsigned char *x, size_t n, uint16_t want,
                      const unsigned char **d, size_t *len)
{
	size_t i = 0;
	int found = 0;

	while (i + 4 <= n) {
		uint16_t id = rd16(x + i), l = rd16(x + i + 2);

		if (l > n - i - 4)
			return 2;
		if (id == want) {
			if (found)
				return 2;
			*d = x + i + 4;
			*len = l;
			found = 1;
		}
		i += 4 + (size_t)l;
	}
	return found ? 0 : 1;
}

/* The Info-ZIP Unicode Path field (0x7075) of a record whose raw name is
 * name: 0 with *u, *ulen when readers would use it (version 1, the CRC
 * of the raw name), 1 when there is none they would use, 2 when the
 * extra field is malformed. */
static int unicode_path(const unsigned char *x, size_t n,
                        const unsigned char *name, size_t nlen,
                        const unsigned char **u, size_t *ulen)
{
	const unsigned char *d;
	size_t len;
	int r = find_extra(x, n, 0x7075, &d, &len);

	if (r)
		return r;
	if (len < 5 || d[0] != 1 ||
	    rd32(d + 1) != (uint32_t)crc32(0, name, (uInt)nlen))
		return 1;
	*u = d + 5;
	*ulen = len - 5;
	return 0;
}

/* Fills the fields the Zip64 extra field replaces (those at 0xFFFFFFFF),
 * in the order the format gives them. Returns 1 when it does not hold
 * them. */
static int zip64_extra(zscan_entry *en, const unsigned char *x, size_t n,
                       int want_size, int want_comp, int want_off)
{
	const unsigned char *d;
	size_t len, k = 0;

	if (!want_size && !want_comp && !want_off)
		return find_extra(x, n, 0x0001, &d, &len) == 2;
	if (find_extra(x, n, 0x0001, &d, &len))
		return 1;
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

int zscan_read(int fd, uint64_t size, uint64_t max_entries, zscan *out,
               zscan_status *st, uint64_t *count, ch_error *e)
{
	endrec er = {0, 0, 0};
	uint64_t pos, end;
	unsigned char hdr[CDH_SIZE], *var = NULL;
	int r, rc = -1;

	memset(out, 0, sizeof *out);
	*st = ZS_UNREADABLE;
	*count = 0;
	r = find_end(fd, size, &er, &out->why, e);
	if (r < 0)
		return -1;
	if (r > 0)
		return 0;
	*count = er.n;
	if (er.n > max_entries) {
		*st = ZS_TOO_MANY;
		return 0;
	}
	out->cd_off = er.cd_off;
	out->cd_size = er.cd_size;
	out->v = calloc(er.n ? (size_t)er.n : 1, sizeof *out->v);
	var = malloc(2 * 65536u);
	if (!out->v || !var) {
		ch_fail(e, NULL, 0, "out of memory");
		goto out;
	}
	pos = er.cd_off;
	end = er.cd_off + er.cd_size;
	for (uint64_t i = 0; i < er.n; i++) {
		zscan_entry *en = &out->v[i];
		uint16_t nlen, xlen, clen;
		uint32_t c32, s32, o32;
		const unsigned char *u;
		size_t ulen;

		if (end - pos < CDH_SIZE)
			goto count;
		r = pread_full(fd, hdr, CDH_SIZE, pos, e);
		if (r < 0)
			goto out;
		if (r > 0 || rd32(hdr) != SIG_CDH)
			goto bad;
		nlen = rd16(hdr + 28);
		xlen = rd16(hdr + 30);
		clen = rd16(hdr + 32);
		if (end - pos - CDH_SIZE < (uint64_t)nlen + xlen + clen)
			goto bad;
		if (rd16(hdr + 34) != 0)
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
		r = unicode_path(var + nlen, xlen, var, nlen, &u, &ulen);
		if (r == 2)
			goto bad;
		if (r == 0) {
			en->upath = malloc(ulen + 1);
			if (!en->upath) {
				ch_fail(e, NULL, 0, "out of memory");
				goto out;
			}
			memcpy(en->upath, u, ulen);
			en->upath[ulen] = '\0';
			en->upath_len = ulen;
		}
		if (en->local_off >= er.cd_off || en->comp_size > size)
			goto bad;
		pos += CDH_SIZE + (uint64_t)nlen + xlen + clen;
	}
	/* Entries the end record does not count would be seen by a reader
	 * that walks the directory to its end and by no other. */
	if (pos != end)
		goto count;
	*st = ZS_OK;
	rc = 0;
	goto out;
count:
	out->why = WHY_COUNT;
	rc = 0;
	goto out;
bad:
	out->why = WHY_CDH;
	rc = 0;
out:
	free(var);
	return rc;
}

/* The data descriptor after the data of an entry with bit 3: with or
 * without its signature, sizes of 8 bytes when the local header has a
 * Zip64 field. It must say what the central record says. Sets *len, or
 * returns 1 when there is no such descriptor. */
static int descriptor(int fd, const zscan_entry *en, uint64_t at,
                      uint64_t limit, int wide, uint64_t *len, ch_error *e)
{
	unsigned char dd[24];
	size_t body = wide ? 20 : 12;

	for (int sig = 1; sig >= 0; sig--) {
		size_t n = body + (sig ? 4 : 0);
		const unsigned char *p = dd + (sig ? 4 : 0);
		uint64_t comp, size;
		int r;

		if (limit - at < n)
			continue;
		r = pread_full(fd, dd, n, at, e);
		if (r < 0)
			return -1;
		if (r > 0 || (sig && rd32(dd) != SIG_DD))
			continue;
		comp = wide ? rd64(p + 4) : rd32(p + 4);
		size = wide ? rd64(p + 12) : rd32(p + 8);
		if (rd32(p) == en->crc && comp == en->comp_size &&
		    size == en->size) {
			*len = n;
			return 0;
		}
	}
	return 1;
}

/* Compares entry en's local header, read into lfh (30 bytes) and var
 * (its name and extra field), with its central record, and sets its data
 * range. Returns 0, 1 with *why, -1 on I/O failure. */
static int check_local(int fd, zscan_entry *en, uint64_t cd_off,
                       const unsigned char *lfh, const unsigned char *var,
                       const char **why, ch_error *e)
{
	uint16_t nlen = rd16(lfh + 26), xlen = rd16(lfh + 28);
	uint32_t lcrc = rd32(lfh + 14), c32 = rd32(lfh + 18),
	         s32 = rd32(lfh + 22);
	zscan_entry loc;
	const unsigned char *d, *u;
	size_t dlen, ulen;
	uint64_t dd = 0;
	int wide, r;

	*why = NULL;
	if (nlen != en->name_len || memcmp(var, en->name, nlen) != 0)
		*why = WHY_NAME;
	else if (rd16(lfh + 6) != en->flags)
		*why = WHY_FLAGS;
	else if (rd16(lfh + 8) != en->method)
		*why = WHY_METHOD;
	if (*why)
		return 1;
	/* A reader that takes the Unicode name from the local header must
	 * find the one the directory gives (zipnames checks that one). */
	r = unicode_path(var + nlen, xlen, var, nlen, &u, &ulen);
	if (r == 2)
		*why = WHY_EXTRA;
	else if ((r == 0) != (en->upath != NULL) ||
	         (r == 0 && (ulen != en->upath_len ||
	                     memcmp(u, en->upath, ulen) != 0)))
		*why = WHY_UPATH;
	if (*why)
		return 1;
	memset(&loc, 0, sizeof loc);
	loc.size = s32;
	loc.comp_size = c32;
	if (zip64_extra(&loc, var + nlen, xlen, s32 == 0xFFFFFFFFu,
	                c32 == 0xFFFFFFFFu, 0)) {
		*why = WHY_SIZES;
		return 1;
	}
	wide = find_extra(var + nlen, xlen, 0x0001, &d, &dlen) == 0;
	if (find_extra(var + nlen, xlen, 0x0001, &d, &dlen) == 2) {
		*why = WHY_EXTRA;
		return 1;
	}
	if (en->flags & ZS_FLAG_DESCRIPTOR) {
		/* The local fields may be zero, written before the data was
		 * known; what they do say must agree. */
		if ((lcrc && lcrc != en->crc) ||
		    (loc.comp_size && loc.comp_size != en->comp_size) ||
		    (loc.size && loc.size != en->size)) {
			*why = WHY_SIZES;
			return 1;
		}
	} else if (lcrc != en->crc || loc.comp_size != en->comp_size ||
	           loc.size != en->size) {
		*why = WHY_SIZES;
		return 1;
	}
	en->data_off = en->local_off + LFH_SIZE + nlen + xlen;
	if (en->data_off > cd_off || en->comp_size > cd_off - en->data_off) {
		*why = WHY_LFH;
		return 1;
	}
	if (en->flags & ZS_FLAG_DESCRIPTOR) {
		r = descriptor(fd, en, en->data_off + en->comp_size, cd_off, wide,
		               &dd, e);
		if (r != 0) {
			*why = WHY_DD;
			return r;
		}
	}
	en->data_end = en->data_off + en->comp_size + dd;
	return 0;
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

/* The records must lie one after the other from byte 0 to the directory:
 * a shared byte is ZIP_OVERLAP, a byte no entry owns unreadable. */
static int tile(zscan *z, zscan_status *st, size_t *bad, ch_error *e)
{
	struct span *s;
	uint64_t at = 0;

	if (z->n == 0) {
		if (z->cd_off != 0) {
			*st = ZS_UNREADABLE;
			z->why = WHY_PREFIX;
		}
		return 0;
	}
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
			goto out;
		}
	}
	for (size_t i = 0; i < z->n; i++) {
		if (s[i].off != at) {
			*st = ZS_UNREADABLE;
			z->why = i == 0 ? WHY_PREFIX : WHY_GAP;
			*bad = i == 0 ? SIZE_MAX : s[i].i;
			goto out;
		}
		at = s[i].end;
	}
	if (at != z->cd_off) {
		*st = ZS_UNREADABLE;
		z->why = WHY_TRAILER;
	}
out:
	free(s);
	return 0;
}

int zscan_ranges(int fd, zscan *z, zscan_status *st, size_t *bad, ch_error *e)
{
	unsigned char lfh[LFH_SIZE], *var;
	int r, rc = -1;

	*st = ZS_OK;
	*bad = SIZE_MAX;
	var = malloc(2 * 65536u);
	if (!var)
		return ch_fail(e, NULL, 0, "out of memory");
	for (size_t i = 0; i < z->n; i++) {
		zscan_entry *en = &z->v[i];
		uint64_t room;
		size_t hdr;

		z->why = WHY_LFH;
		if (z->cd_off - en->local_off < LFH_SIZE)
			goto unreadable_i;
		r = pread_full(fd, lfh, LFH_SIZE, en->local_off, e);
		if (r < 0)
			goto out;
		if (r > 0 || rd32(lfh) != SIG_LFH)
			goto unreadable_i;
		room = z->cd_off - en->local_off - LFH_SIZE;
		hdr = (size_t)rd16(lfh + 26) + rd16(lfh + 28);
		if (hdr > room)
			goto unreadable_i;
		r = pread_full(fd, var, hdr, en->local_off + LFH_SIZE, e);
		if (r < 0)
			goto out;
		if (r > 0)
			goto unreadable_i;
		r = check_local(fd, en, z->cd_off, lfh, var, &z->why, e);
		if (r < 0)
			goto out;
		if (r > 0)
			goto unreadable_i;
		continue;
unreadable_i:
		*st = ZS_UNREADABLE;
		*bad = i;
		rc = 0;
		goto out;
	}
	z->why = NULL;
	rc = tile(z, st, bad, e);
out:
	free(var);
	return rc;
}

/* Stored data: 1 when the descriptor signature appears in it. The last
 * three bytes of each chunk are kept so that none is missed across two. */
static int holds_descriptor(int fd, const zscan_entry *en, unsigned char *in,
                            int *found, ch_error *e)
{
	uint64_t at = en->data_off, left = en->comp_size;
	size_t keep = 0;

	*found = 0;
	while (left > 0) {
		size_t n = left < STREAM_CHUNK ? (size_t)left : STREAM_CHUNK, t;
		int r = pread_full(fd, in + keep, n, at, e);

		if (r < 0)
			return -1;
		if (r > 0) {
			*found = 1; /* shorter than checked: not to be trusted */
			return 0;
		}
		t = keep + n;
		for (size_t k = 0; k + 4 <= t; k++) {
			if (rd32(in + k) == SIG_DD) {
				*found = 1;
				return 0;
			}
		}
		keep = t < 3 ? t : 3;
		memmove(in, in + t - keep, keep);
		at += n;
		left -= n;
	}
	return 0;
}

/* Deflated data: *ends 1 when the stream ends exactly at the end of the
 * compressed data having made exactly the declared size. */
static int ends_exactly(int fd, const zscan_entry *en, unsigned char *in,
                        unsigned char *out, int *ends, ch_error *e)
{
	uint64_t at = en->data_off, left = en->comp_size, made = 0;
	z_stream zs;
	int zr = Z_OK, rc = -1;

	*ends = 0;
	memset(&zs, 0, sizeof zs);
	if (inflateInit2(&zs, -15) != Z_OK)
		return ch_fail(e, NULL, 0, "out of memory");
	while (zr != Z_STREAM_END) {
		if (zs.avail_in == 0) {
			size_t n = left < STREAM_CHUNK ? (size_t)left
			                               : STREAM_CHUNK;
			int r;

			if (n == 0)
				break; /* input ran out before the stream ended */
			r = pread_full(fd, in, n, at, e);
			if (r < 0)
				goto out;
			if (r > 0)
				break;
			zs.next_in = in;
			zs.avail_in = (uInt)n;
			at += n;
			left -= n;
		}
		zs.next_out = out;
		zs.avail_out = STREAM_CHUNK;
		zr = inflate(&zs, Z_NO_FLUSH);
		if (zr != Z_OK && zr != Z_STREAM_END)
			break;
		made += STREAM_CHUNK - zs.avail_out;
		if (made > en->size)
			break;
	}
	*ends = zr == Z_STREAM_END && zs.avail_in == 0 && left == 0 &&
	        made == en->size;
	rc = 0;
out:
	inflateEnd(&zs);
	return rc;
}

int zscan_streams(int fd, zscan *z, const int *skip, zscan_status *st,
                  size_t *bad, ch_error *e)
{
	unsigned char *in = malloc(STREAM_CHUNK + 3), *out = malloc(STREAM_CHUNK);
	int rc = -1;

	*st = ZS_OK;
	*bad = SIZE_MAX;
	if (!in || !out) {
		ch_fail(e, NULL, 0, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < z->n; i++) {
		const zscan_entry *en = &z->v[i];
		int ok = 1, found;

		if (!(en->flags & ZS_FLAG_DESCRIPTOR) || (skip && skip[i]))
			continue;
		if (en->method == 0) {
			if (holds_descriptor(fd, en, in, &found, e) < 0)
				goto out;
			ok = !found;
		} else if (en->method == 8) {
			if (ends_exactly(fd, en, in, out, &ok, e) < 0)
				goto out;
		}
		if (!ok) {
			*st = ZS_UNREADABLE;
			*bad = i;
			z->why = WHY_STREAM;
			break;
		}
	}
	rc = 0;
out:
	free(in);
	free(out);
	return rc;
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
	for (size_t i = 0; i < z->n; i++) {
		free(z->v[i].name);
		free(z->v[i].upath);
	}
	free(z->v);
	z->v = NULL;
	z->n = 0;
}
