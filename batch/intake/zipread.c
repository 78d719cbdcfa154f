/* zipread.c: streaming an entry with the limits counted on real bytes. */
#include "batch/intake/zipread.h"

#include <inttypes.h>
#include <stdio.h>

void zread_limit_text(char *out, size_t n, const char *what, uint64_t bytes)
{
	if (bytes % (1024 * 1024) == 0)
		snprintf(out, n, "%s %" PRIu64 " MiB", what, bytes / (1024 * 1024));
	else
		snprintf(out, n, "%s %" PRIu64 " 字节", what, bytes);
}

static int finding(const zread_ctl *c, const char *code, const char *limit)
{
	if (ch_findings_add(c->f, c->schema, code, CH_LEVEL_ERROR, c->where,
	                    NULL, limit) < 0)
		return -1;
	return 1;
}

/* A libzip error as a finding, or as a machine failure when it is one. */
static int zip_trouble(const zread_ctl *c, int code, ch_error *e)
{
	if (code == ZIP_ER_MEMORY)
		return ch_fail(e, NULL, 0, "out of memory");
	if (c->guard && zguard_refused(c->guard))
		return finding(c, "ZIP_UNREADABLE", "：" ZGUARD_WHY);
	return finding(c, "ZIP_UNREADABLE", NULL);
}

/* Checks the counts after n more bytes; 1 with a finding when over. */
static int over_limits(const zread_ctl *c, uint64_t got)
{
	const bundle_limits *l = c->limits;
	char text[256];

	if (!l)
		return 0;
	if (got > l->max_entry_bytes) {
		zread_limit_text(text, sizeof text, "单个文件解压后大于",
		                 l->max_entry_bytes);
		return finding(c, "ZIP_LIMIT", text);
	}
	if (*c->total > l->max_total_bytes) {
		zread_limit_text(text, sizeof text, "全部文件解压后大于",
		                 l->max_total_bytes);
		return finding(c, "ZIP_LIMIT", text);
	}
	/* Judged on what was really inflated against what the entry really
	 * occupies: a header cannot lie its way past it. Exactly: got over
	 * ratio times comp_size, a product that cannot overflow when it is
	 * reached at all (got fits in 64 bits). */
	if (l->max_ratio && c->comp_size <= UINT64_MAX / l->max_ratio &&
	    got > l->max_ratio * c->comp_size) {
		snprintf(text, sizeof text, "压缩比超过 %" PRIu64 ":1",
		         l->max_ratio);
		return finding(c, "ZIP_LIMIT", text);
	}
	return 0;
}

int zread_entry(zip_t *za, uint64_t idx, const zread_ctl *c, zread_sink sink,
                void *ctx, uint64_t *size, ch_error *e)
{
	zip_file_t *zf;
	uint64_t got = 0;
	int rc = 0, closed, stray;

	*size = 0;
	if (c->guard)
		zguard_watch(c->guard, idx);
	zf = zip_fopen_index(za, idx, 0);
	if (!zf) {
		rc = zip_trouble(c, zip_error_code_zip(zip_get_error(za)), e);
		if (c->guard)
			zguard_done(c->guard);
		return rc;
	}
	for (;;) {
		zip_int64_t n = zip_fread(zf, c->buf, c->bufsize);

		if (n < 0) {
			rc = zip_trouble(c,
			                 zip_error_code_zip(zip_file_get_error(zf)),
			                 e);
			break;
		}
		if (n == 0)
			break;
		got += (uint64_t)n;
		*c->total += (uint64_t)n;
		rc = over_limits(c, got);
		if (rc)
			break;
		rc = sink(ctx, c->buf, (size_t)n, e);
		if (rc)
			break;
	}
	/* zip_fclose reports what the last read did not always: a CRC or
	 * size mismatch found at the end. Only heard when we read it all. */
	closed = zip_fclose(zf);
	if (rc == 0 && closed != 0)
		rc = zip_trouble(c, closed, e);
	/* Read whole and sound by libzip's own checks, yet from bytes other
	 * than the entry's: libzip believed another directory. */
	stray = c->guard ? zguard_done(c->guard) : 0;
	if (rc == 0 && stray)
		rc = finding(c, "ZIP_UNREADABLE", "：" ZGUARD_WHY);
	*size = got;
	return rc;
}
