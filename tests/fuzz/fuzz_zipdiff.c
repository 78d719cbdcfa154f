/* libFuzzer target: two readers of one ZIP must agree. Our scan
 * (zscan_read, zscan_ranges, zscan_streams) and libzip opened on its own, without our
 * guard, each read the input. When both accept it, they must see the same
 * entries: the same count, and per entry the same raw name (or Unicode
 * Path name, which the batch checks against it), method, sizes
 * and CRC; and for every stored or deflated entry that libzip reads whole,
 * its bytes must hash the same as the bytes inflated here from the range
 * the scan checked. Any difference aborts: it is a file the batch would
 * check one way and extract another, were the guard not there. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <zip.h>
#include <zlib.h>

#include "batch/intake/zipscan.h"
#include "common/sha256.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_OUT (1u << 20) /* per entry: enough to compare, quick to run */

/* Inflates (or copies) the scan's range of entry en from data into a
 * hash. 0 when it decoded whole within MAX_OUT, 1 when not. */
static int scan_bytes(const uint8_t *data, const zscan_entry *en,
                      char hex[65])
{
	static unsigned char out[64 * 1024];
	const uint8_t *src = data + en->data_off;
	ch_sha256 h;
	z_stream zs;
	uint64_t total = 0;
	int r, rc = 1;

	ch_sha256_init(&h);
	if (en->method == 0) {
		ch_sha256_update(&h, src, (size_t)en->comp_size);
		ch_sha256_hex(&h, hex);
		return 0;
	}
	memset(&zs, 0, sizeof zs);
	if (inflateInit2(&zs, -15) != Z_OK)
		abort();
	zs.next_in = (unsigned char *)src;
	zs.avail_in = (uInt)en->comp_size;
	do {
		zs.next_out = out;
		zs.avail_out = sizeof out;
		r = inflate(&zs, Z_NO_FLUSH);
		if (r != Z_OK && r != Z_STREAM_END)
			goto out;
		ch_sha256_update(&h, out, sizeof out - zs.avail_out);
		total += sizeof out - zs.avail_out;
		if (total > MAX_OUT)
			goto out;
		if (r == Z_OK && zs.avail_in == 0 && zs.avail_out != 0)
			goto out; /* input ran out before the stream ended */
	} while (r != Z_STREAM_END);
	ch_sha256_hex(&h, hex);
	rc = 0;
out:
	inflateEnd(&zs);
	return rc;
}

/* libzip's bytes of entry i: 0 with hex when it read them whole and
 * sound (its CRC and size checks passed), 1 when not. */
static int libzip_bytes(zip_t *za, uint64_t i, char hex[65])
{
	static unsigned char buf[64 * 1024];
	zip_file_t *zf = zip_fopen_index(za, i, 0);
	ch_sha256 h;
	uint64_t total = 0;
	zip_int64_t n;

	if (!zf)
		return 1;
	ch_sha256_init(&h);
	while ((n = zip_fread(zf, buf, sizeof buf)) > 0) {
		ch_sha256_update(&h, buf, (size_t)n);
		total += (uint64_t)n;
		if (total > MAX_OUT)
			break;
	}
	if (zip_fclose(zf) != 0 || n != 0)
		return 1;
	ch_sha256_hex(&h, hex);
	return 0;
}

/* libzip's raw name is the Unicode Path field's when it honours one. */
static int same(const char *raw, const unsigned char *name, size_t n)
{
	return strlen(raw) == n && memcmp(raw, name, n) == 0;
}

static void compare(const uint8_t *data, const zscan *z, zip_t *za)
{
	if ((uint64_t)zip_get_num_entries(za, 0) != z->n)
		abort();
	for (size_t i = 0; i < z->n; i++) {
		const zscan_entry *en = &z->v[i];
		const char *raw = zip_get_name(za, i, ZIP_FL_ENC_RAW);
		zip_stat_t sb;
		char a[65], b[65];

		if (memchr(en->name, '\0', en->name_len))
			continue; /* C strings cannot compare it */
		if (!raw || !(same(raw, en->name, en->name_len) ||
		              (en->upath && same(raw, en->upath, en->upath_len))))
			abort();
		zip_stat_init(&sb);
		if (zip_stat_index(za, i, ZIP_FL_UNCHANGED, &sb) < 0)
			abort();
		if (((sb.valid & ZIP_STAT_SIZE) && sb.size != en->size) ||
		    ((sb.valid & ZIP_STAT_COMP_SIZE) &&
		     sb.comp_size != en->comp_size) ||
		    ((sb.valid & ZIP_STAT_CRC) && sb.crc != en->crc))
			abort();
		if ((en->method != 0 && en->method != 8) ||
		    (en->flags & ZS_FLAG_ENCRYPTED))
			continue;
		if (sb.comp_method != (zip_int32_t)en->method)
			abort();
		if (libzip_bytes(za, i, a) || scan_bytes(data, en, b))
			continue;
		if (strcmp(a, b) != 0)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	zscan z;
	zscan_status st;
	uint64_t count;
	size_t bad;
	ch_error e;
	zip_error_t ze;
	zip_source_t *src;
	zip_t *za;
	int fd = memfd_create("zipdiff", MFD_CLOEXEC);

	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	if (zscan_read(fd, size, 64, &z, &st, &count, &e) < 0)
		abort();
	if (st == ZS_OK && zscan_ranges(fd, &z, &st, &bad, &e) < 0)
		abort();
	if (st == ZS_OK && zscan_streams(fd, &z, NULL, &st, &bad, &e) < 0)
		abort();
	close(fd);
	if (st != ZS_OK)
		goto out;
	zip_error_init(&ze);
	src = zip_source_buffer_create(data, size, 0, &ze);
	if (!src)
		abort();
	za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
	zip_error_fini(&ze);
	if (!za) {
		zip_source_free(src);
		goto out;
	}
	compare(data, &z, za);
	zip_discard(za);
out:
	zscan_free(&z);
	return 0;
}
