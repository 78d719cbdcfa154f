/* zipguard.c: a seekable read source for libzip that enforces, per entry,
 * the byte ranges our scan checked. */
#include "batch/intake/zipguard.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/fsutil.h"

typedef struct zg_range {
	uint64_t hdr, data, len; /* local header, data start, data length */
} zg_range;

struct zguard {
	int fd;
	uint64_t size, pos;
	zip_error_t err;
	zg_range *r;
	size_t n;
	int watching, refused;
	size_t cur;
	uint64_t next; /* the data byte the next data read must start at */
};

/* 1 when [at, at + n) may be read now. */
static int allowed(zguard *g, uint64_t at, uint64_t n)
{
	const zg_range *r;

	if (!g->watching || n == 0)
		return 1;
	if (g->cur >= g->n)
		return 0;
	r = &g->r[g->cur];
	if (at >= r->hdr && at + n <= r->data)
		return 1;
	if (at == g->next && at >= r->data && n <= r->data + r->len - at) {
		g->next += n;
		return 1;
	}
	return 0;
}

static zip_int64_t do_read(zguard *g, void *data, zip_uint64_t len)
{
	uint64_t n = g->pos < g->size ? g->size - g->pos : 0;
	int r;

	if (len < n)
		n = len;
	if (!allowed(g, g->pos, n)) {
		g->refused = 1;
		zip_error_set(&g->err, ZIP_ER_INCONS, 0);
		return -1;
	}
	r = ch_pread_all(g->fd, data, (size_t)n, (off_t)g->pos);
	if (r < 0) {
		zip_error_set(&g->err, ZIP_ER_READ, errno);
		return -1;
	}
	if (r > 0) {
		/* The file shrank under us: what was checked is gone. */
		g->refused = 1;
		zip_error_set(&g->err, ZIP_ER_INCONS, 0);
		return -1;
	}
	g->pos += n;
	return (zip_int64_t)n;
}

static zip_int64_t callback(void *ud, void *data, zip_uint64_t len,
                            zip_source_cmd_t cmd)
{
	zguard *g = ud;
	zip_int64_t to;

	switch (cmd) {
	case ZIP_SOURCE_OPEN:
		g->pos = 0;
		return 0;
	case ZIP_SOURCE_READ:
		return do_read(g, data, len);
	case ZIP_SOURCE_CLOSE:
		return 0;
	case ZIP_SOURCE_STAT: {
		zip_stat_t *st = data;

		if (len < sizeof *st) {
			zip_error_set(&g->err, ZIP_ER_INVAL, 0);
			return -1;
		}
		zip_stat_init(st);
		st->size = g->size;
		st->valid |= ZIP_STAT_SIZE;
		return (zip_int64_t)sizeof *st;
	}
	case ZIP_SOURCE_ERROR:
		return zip_error_to_data(&g->err, data, len);
	case ZIP_SOURCE_FREE:
		close(g->fd);
		zip_error_fini(&g->err);
		free(g->r);
		free(g);
		return 0;
	case ZIP_SOURCE_SEEK:
		to = zip_source_seek_compute_offset(g->pos, g->size, data, len,
		                                    &g->err);
		if (to < 0)
			return -1;
		g->pos = (uint64_t)to;
		return 0;
	case ZIP_SOURCE_TELL:
		return (zip_int64_t)g->pos;
	case ZIP_SOURCE_SUPPORTS:
		return zip_source_make_command_bitmap(
			ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE,
			ZIP_SOURCE_STAT, ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE,
			ZIP_SOURCE_SEEK, ZIP_SOURCE_TELL, ZIP_SOURCE_SUPPORTS, -1);
	default:
		zip_error_set(&g->err, ZIP_ER_OPNOTSUPP, 0);
		return -1;
	}
}

zip_source_t *zguard_source(int fd, uint64_t size, const zscan *z,
                            zguard **out, zip_error_t *ze)
{
	zguard *g = calloc(1, sizeof *g);
	zip_source_t *src;

	*out = NULL;
	if (!g || !(g->r = calloc(z->n ? z->n : 1, sizeof *g->r))) {
		free(g);
		zip_error_set(ze, ZIP_ER_MEMORY, 0);
		return NULL;
	}
	g->fd = dup(fd);
	if (g->fd < 0) {
		zip_error_set(ze, ZIP_ER_OPEN, errno);
		free(g->r);
		free(g);
		return NULL;
	}
	g->size = size;
	g->n = z->n;
	for (size_t i = 0; i < z->n; i++) {
		g->r[i].hdr = z->v[i].local_off;
		g->r[i].data = z->v[i].data_off;
		g->r[i].len = z->v[i].comp_size;
	}
	zip_error_init(&g->err);
	src = zip_source_function_create(callback, g, ze);
	if (!src) {
		close(g->fd);
		zip_error_fini(&g->err);
		free(g->r);
		free(g);
		return NULL;
	}
	*out = g;
	return src;
}

void zguard_watch(zguard *g, uint64_t idx)
{
	g->watching = 1;
	g->refused = 0;
	g->cur = idx < g->n ? (size_t)idx : g->n;
	g->next = g->cur < g->n ? g->r[g->cur].data : 0;
}

int zguard_done(zguard *g)
{
	int bad = g->refused || g->cur >= g->n ||
	          g->next != g->r[g->cur].data + g->r[g->cur].len;

	g->watching = 0;
	return bad;
}

int zguard_refused(const zguard *g)
{
	return g->refused;
}
