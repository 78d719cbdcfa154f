/* zscan on small ZIPs written byte by byte: one honest layout read in
 * full, each way of being read two ways refused with its reason, and the
 * guard letting libzip read only the bytes the scan checked. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>
#include <zlib.h>

#include "batch/intake/zipguard.h"
#include "batch/intake/zipread.h"
#include "batch/intake/zipscan.h"

typedef struct zbuf {
	unsigned char b[4096];
	size_t n;
} zbuf;

static void put(zbuf *z, const void *p, size_t n)
{
	cr_assert_leq(z->n + n, sizeof z->b);
	memcpy(z->b + z->n, p, n);
	z->n += n;
}

static void put16(zbuf *z, unsigned v)
{
	unsigned char b[2] = {v & 0xFF, (v >> 8) & 0xFF};
	put(z, b, 2);
}

static void put32(zbuf *z, uint32_t v)
{
	put16(z, v & 0xFFFF);
	put16(z, v >> 16);
}

static const char *NAMES[2] = {"a.txt", "b.txt"};
static const char *DATA[2] = {"first entry", "the second entry"};

static void local(zbuf *z, int i)
{
	size_t len = strlen(DATA[i]);

	put32(z, 0x04034b50);
	put16(z, 20);
	put16(z, 0);
	put16(z, 0); /* stored */
	put16(z, 0);
	put16(z, 0x5A21);
	put32(z, (uint32_t)crc32(0, (const unsigned char *)DATA[i], (uInt)len));
	put32(z, (uint32_t)len);
	put32(z, (uint32_t)len);
	put16(z, (unsigned)strlen(NAMES[i]));
	put16(z, 0);
	put(z, NAMES[i], strlen(NAMES[i]));
	put(z, DATA[i], len);
}

static void central(zbuf *z, int i, uint32_t off)
{
	size_t len = strlen(DATA[i]);

	put32(z, 0x02014b50);
	put16(z, (3 << 8) | 20);
	put16(z, 20);
	put16(z, 0);
	put16(z, 0);
	put16(z, 0);
	put16(z, 0x5A21);
	put32(z, (uint32_t)crc32(0, (const unsigned char *)DATA[i], (uInt)len));
	put32(z, (uint32_t)len);
	put32(z, (uint32_t)len);
	put16(z, (unsigned)strlen(NAMES[i]));
	put16(z, 0);
	put16(z, 0);
	put16(z, 0);
	put16(z, 0);
	put32(z, 0100644u << 16);
	put32(z, off);
	put(z, NAMES[i], strlen(NAMES[i]));
}

static void end(zbuf *z, unsigned n, uint32_t cd_len, uint32_t cd_off,
                unsigned comment)
{
	put32(z, 0x06054b50);
	put16(z, 0);
	put16(z, 0);
	put16(z, n);
	put16(z, n);
	put32(z, cd_len);
	put32(z, cd_off);
	put16(z, comment);
}

/* Two entries and their directory, without an end record. */
static void records(zbuf *z, uint32_t *cd_off)
{
	uint32_t off[2];

	for (int i = 0; i < 2; i++) {
		off[i] = (uint32_t)z->n;
		local(z, i);
	}
	*cd_off = (uint32_t)z->n;
	for (int i = 0; i < 2; i++)
		central(z, i, off[i]);
}

static void honest(zbuf *z)
{
	uint32_t cd_off;

	z->n = 0;
	records(z, &cd_off);
	end(z, 2, (uint32_t)z->n - cd_off, cd_off, 0);
}

static int as_file(const zbuf *z)
{
	FILE *fp = tmpfile();
	int fd;

	cr_assert_not_null(fp);
	fd = dup(fileno(fp));
	fclose(fp);
	cr_assert_eq(pwrite(fd, z->b, z->n, 0), (ssize_t)z->n);
	return fd;
}

/* Scans z: the status, and the reason in *why. */
static zscan_status scan(const zbuf *z, zscan *out, const char **why)
{
	zscan_status st;
	uint64_t count;
	size_t bad;
	ch_error e;
	int fd = as_file(z);

	cr_assert_eq(zscan_read(fd, z->n, 64, out, &st, &count, &e), 0);
	if (st == ZS_OK)
		cr_assert_eq(zscan_ranges(fd, out, &st, &bad, &e), 0);
	close(fd);
	*why = out->why;
	return st;
}

Test(zipscan, honest_layout_is_read_in_full)
{
	zbuf z;
	zscan s;
	const char *why;

	honest(&z);
	cr_assert_eq(scan(&z, &s, &why), ZS_OK, "%s", why ? why : "-");
	cr_assert_eq(s.n, 2);
	cr_assert_eq(s.v[0].local_off, 0);
	cr_assert_eq(s.v[0].data_off, 30 + 5);
	cr_assert_eq(s.v[0].data_end, s.v[1].local_off);
	cr_assert_eq(s.v[1].data_end, s.cd_off);
	cr_assert_eq(s.v[1].comp_size, strlen(DATA[1]));
	zscan_free(&s);
}

Test(zipscan, second_end_record_in_the_comment_is_refused)
{
	zbuf z;
	zscan s;
	const char *why;
	uint32_t cd_off;

	z.n = 0;
	records(&z, &cd_off);
	/* The first end record's comment is a second one (no entries). */
	end(&z, 2, (uint32_t)z.n - cd_off, cd_off, 22);
	end(&z, 0, 0, 0, 0);
	cr_assert_eq(scan(&z, &s, &why), ZS_UNREADABLE);
	cr_assert_not_null(why);
	cr_assert_not_null(strstr(why, "不止一个"));
	zscan_free(&s);
}

Test(zipscan, stray_bytes_anywhere_are_refused)
{
	zbuf z;
	zscan s;
	const char *why;
	uint32_t cd_off, cd_len;

	honest(&z);
	put(&z, "x", 1); /* after the end record */
	cr_assert_eq(scan(&z, &s, &why), ZS_UNREADABLE);
	cr_assert_not_null(strstr(why, "注释"));
	zscan_free(&s);

	z.n = 0;
	records(&z, &cd_off);
	cd_len = (uint32_t)z.n - cd_off;
	put(&z, "xx", 2); /* between directory and end record */
	end(&z, 2, cd_len, cd_off, 0);
	cr_assert_eq(scan(&z, &s, &why), ZS_UNREADABLE);
	cr_assert_not_null(strstr(why, "中央目录与目录结束记录之间"));
	zscan_free(&s);

	z.n = 0;
	records(&z, &cd_off);
	end(&z, 1, (uint32_t)z.n - cd_off, cd_off, 0); /* counts one */
	cr_assert_eq(scan(&z, &s, &why), ZS_UNREADABLE);
	cr_assert_not_null(strstr(why, "文件数"));
	zscan_free(&s);
}

Test(zipscan, local_header_must_say_what_the_directory_says)
{
	zbuf z;
	zscan s;
	const char *why;

	honest(&z);
	z.b[8] = 8; /* first entry's local method: deflate */
	cr_assert_eq(scan(&z, &s, &why), ZS_UNREADABLE);
	cr_assert_not_null(strstr(why, "压缩方式"));
	zscan_free(&s);

	honest(&z);
	z.b[14] ^= 1; /* first entry's local CRC */
	cr_assert_eq(scan(&z, &s, &why), ZS_UNREADABLE);
	cr_assert_not_null(strstr(why, "CRC"));
	zscan_free(&s);

	honest(&z);
	z.b[30] = 'A'; /* first entry's local name */
	cr_assert_eq(scan(&z, &s, &why), ZS_UNREADABLE);
	cr_assert_not_null(strstr(why, "文件名"));
	zscan_free(&s);
}

static int drop(void *ctx, const void *p, size_t n, ch_error *e)
{
	*(size_t *)ctx += n;
	return 0;
}

/* Reads entry 1 through a guard made from s: the findings' count. */
static size_t guarded_read(const zbuf *z, const zscan *s, size_t *got)
{
	ch_findings f = CH_FINDINGS_INIT;
	unsigned char buf[4096];
	uint64_t total = 0, size;
	zip_error_t ze;
	zip_source_t *src;
	zguard *g;
	zip_t *za;
	ch_error e;
	size_t n;
	int fd = as_file(z);

	zip_error_init(&ze);
	src = zguard_source(fd, z->n, s, &g, &ze);
	close(fd);
	cr_assert_not_null(src);
	za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
	cr_assert_not_null(za);
	zread_ctl c = {NULL, s->v[1].comp_size, &total, "b.txt", buf,
	               sizeof buf, &f, NULL, g};
	*got = 0;
	cr_assert_geq(zread_entry(za, 1, &c, drop, got, &size, &e), 0);
	n = f.n;
	if (n)
		cr_assert_str_eq(f.v[0].code, "ZIP_UNREADABLE");
	zip_discard(za);
	zip_error_fini(&ze);
	ch_findings_free(&f);
	return n;
}

Test(zipguard, libzip_reads_the_scanned_bytes_only)
{
	zbuf z;
	zscan s;
	const char *why;
	size_t got;

	honest(&z);
	cr_assert_eq(scan(&z, &s, &why), ZS_OK);
	cr_assert_eq(guarded_read(&z, &s, &got), 0);
	cr_assert_eq(got, strlen(DATA[1]));
	/* Were the scan's idea of where the data lies another than libzip's
	 * (as with two directories), the read is refused. */
	s.v[1].data_off += 1;
	cr_assert_eq(guarded_read(&z, &s, &got), 1);
	s.v[1].data_off -= 1;
	s.v[1].local_off = s.v[0].local_off;
	s.v[1].data_off = s.v[0].data_off;
	cr_assert_eq(guarded_read(&z, &s, &got), 1);
	zscan_free(&s);
}
