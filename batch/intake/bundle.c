/* bundle.c: a bundle opened and checked, in the order that keeps the work
 * bounded: the file's size, then our own read of its directory (entry
 * count, names, attributes, data ranges), and only then libzip, reading
 * application.json first and every other entry after it in 64 KiB chunks. */
#include "batch/intake/bundle.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zip.h>

#include "batch/intake/docs.h"
#include "batch/intake/sniff.h"
#include "batch/intake/zipguard.h"
#include "batch/intake/zipnames.h"
#include "batch/intake/zipread.h"
#include "batch/intake/zipscan.h"
#include "common/buf.h"
#include "common/form.h"
#include "common/fsutil.h"
#include "common/sha256.h"
#include "common/text.h"

#define CHUNK (64 * 1024)
#define APP_NAME "application.json"

void bundle_limits_default(bundle_limits *l)
{
	l->max_bundle_bytes = 64ull * 1024 * 1024;
	l->max_entries = 64;
	l->max_entry_bytes = 20ull * 1024 * 1024;
	l->max_total_bytes = 128ull * 1024 * 1024;
	l->max_ratio = 100;
}

/* Everything bundle_open works with; one cleanup for all of it. */
typedef struct opening {
	bundle *b;
	const ch_schema *s;
	const bundle_limits *l;
	const bundle_sink *sink; /* NULL: documents are only read */
	ch_findings *f;
	int fd;
	uint64_t size;
	zscan z;
	zname *names;
	int *skip;          /* per entry: not to be read */
	int *wanted;        /* per b->entries[k]: listed, goes to the sink */
	unsigned char *buf; /* the chunk buffer */
	uint64_t total;     /* inflated so far, all entries */
	size_t errors_before; /* errors in f before this bundle */
} opening;

static int add(opening *o, const char *code, const char *where,
               const char *limit)
{
	return ch_findings_add(o->f, o->s, code, CH_LEVEL_ERROR,
	                       where ? where : "", NULL, limit);
}

static int hash_file(opening *o, ch_error *e)
{
	ch_sha256 h;
	uint64_t off = 0;

	ch_sha256_init(&h);
	for (;;) {
		ssize_t n = pread(o->fd, o->buf, CHUNK, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ch_fail(e, o->b->path, 0, "cannot read: %s",
			               strerror(errno));
		if (n == 0)
			break;
		ch_sha256_update(&h, o->buf, (size_t)n);
		off += (uint64_t)n;
	}
	ch_sha256_hex(&h, o->b->sha256);
	o->size = off; /* what we hashed is what we judge */
	return 0;
}

/* ZIP_UNREADABLE, with what is wrong when it is known (why, Chinese). */
static int unreadable(opening *o, const char *where, const char *why)
{
	char text[512];

	if (!why)
		return add(o, "ZIP_UNREADABLE", where, NULL);
	snprintf(text, sizeof text, "：%s", why);
	return add(o, "ZIP_UNREADABLE", where, text);
}

#define WHY_UPATH "文件名与其 Unicode 文件名字段不一致，不同的解压软件会显示不同的文件名"

/* Whether an entry's Info-ZIP Unicode Path field names it otherwise
 * than its raw name as BUNDLE.md decodes it: unzip and 7-Zip show the
 * field's name, we judge the other. Returns -1 when memory runs out. */
static int upath_differs(const zscan_entry *en, int *differs)
{
	char *dec = NULL, *nfc = NULL;
	int r;

	*differs = 0;
	if (!en->upath)
		return 0;
	if (en->upath_len == 0 || memchr(en->upath, '\0', en->upath_len) ||
	    !ch_utf8_valid((const char *)en->upath, en->upath_len)) {
		*differs = 1;
		return 0;
	}
	r = zname_decode(en->name, en->name_len, (en->flags & ZS_FLAG_UTF8) != 0,
	                 &dec);
	if (r < 0)
		return -1;
	if (r > 0)
		return 0; /* the name itself is refused already */
	nfc = ch_nfc((const char *)en->upath);
	if (!nfc) {
		free(dec);
		return -1;
	}
	*differs = strcmp(nfc, dec) != 0;
	free(nfc);
	free(dec);
	return 0;
}

/* Twice the bundle limit, without overflow. */
static uint64_t unread_above(uint64_t max)
{
	return max > UINT64_MAX / 2 ? UINT64_MAX : 2 * max;
}

/* The container checks libzip is not asked about. Returns 1 when the
 * bundle must not be opened further, 0 to go on, -1 on failure. */
static int check_container(opening *o, ch_error *e)
{
	const bundle_limits *l = o->l;
	zscan_status st;
	uint64_t count, declared = 0;
	size_t bad;
	char text[256];
	int dup, stop = 0;

	if (o->size > l->max_bundle_bytes) {
		zread_limit_text(text, sizeof text, "申请包文件大于",
		                 l->max_bundle_bytes);
		return add(o, "ZIP_LIMIT", "", text) < 0 ? -1 : 1;
	}
	if (zscan_read(o->fd, o->size, l->max_entries, &o->z, &st, &count, e) < 0)
		return -1;
	if (st == ZS_TOO_MANY) {
		snprintf(text, sizeof text, "文件数多于 %llu 个",
		         (unsigned long long)l->max_entries);
		return add(o, "ZIP_LIMIT", "", text) < 0 ? -1 : 1;
	}
	if (st != ZS_OK)
		return unreadable(o, "", o->z.why) < 0 ? -1 : 1;
	if (znames_check(&o->z, o->s, &o->names, o->f, &dup) < 0)
		return ch_fail(e, NULL, 0, "out of memory");
	if (dup)
		stop = 1;
	if (zscan_ranges(o->fd, &o->z, &st, &bad, e) < 0)
		return -1;
	if (st != ZS_OK) {
		const char *where = bad < o->z.n ? o->names[bad].where : "";

		if (st == ZS_OVERLAP)
			return add(o, "ZIP_OVERLAP", where, NULL) < 0 ? -1 : 1;
		return unreadable(o, where, o->z.why) < 0 ? -1 : 1;
	}
	for (size_t i = 0; i < o->z.n; i++) {
		int differs;

		if (upath_differs(&o->z.v[i], &differs) < 0)
			return ch_fail(e, NULL, 0, "out of memory");
		if (differs)
			return unreadable(o, o->names[i].where, WHY_UPATH) < 0
			           ? -1 : 1;
	}
	o->skip = calloc(o->z.n ? o->z.n : 1, sizeof *o->skip);
	if (!o->skip)
		return ch_fail(e, NULL, 0, "out of memory");
	for (size_t i = 0; i < o->z.n; i++) {
		const zscan_entry *en = &o->z.v[i];
		const char *where = o->names[i].where;
		int dir, r = 0;

		o->skip[i] = o->names[i].bad || o->names[i].is_dir;
		if (zscan_special(en, &dir))
			r = add(o, "ZIP_NOT_REGULAR", where, NULL);
		else if (en->flags & ZS_FLAG_ENCRYPTED)
			r = add(o, "ZIP_ENCRYPTED", where, NULL);
		else if (en->method != ZIP_CM_STORE &&
		         en->method != ZIP_CM_DEFLATE)
			r = add(o, "ZIP_METHOD", where, NULL);
		else if (en->size > l->max_entry_bytes) {
			zread_limit_text(text, sizeof text,
			                 "单个文件解压后大于", l->max_entry_bytes);
			r = add(o, "ZIP_LIMIT", where, text);
			stop = 1;
		} else {
			declared += en->size;
			continue;
		}
		if (r < 0)
			return -1;
		o->skip[i] = 1;
	}
	if (!stop && declared > l->max_total_bytes) {
		zread_limit_text(text, sizeof text, "全部文件解压后大于",
		                 l->max_total_bytes);
		if (add(o, "ZIP_LIMIT", "", text) < 0)
			return -1;
		stop = 1;
	}
	if (stop)
		return 1;
	/* Within the limits now: inflating the streamed entries is bounded. */
	if (zscan_streams(o->fd, &o->z, o->skip, &st, &bad, e) < 0)
		return -1;
	if (st != ZS_OK)
		return unreadable(o, o->names[bad].where, o->z.why) < 0 ? -1 : 1;
	return 0;
}

/* 1 when libzip's entry i is not the one our scan read: were there a way
 * for two readers to take two directories, our checks of attributes,
 * methods, encryption, sizes and CRCs would be about entries libzip does
 * not read. The scan leaves one way only; this is the proof of it, field
 * by field, and the guard's ranges are the proof for the data. */
static int differs(zip_t *za, size_t i, const zscan_entry *en)
{
	const zip_uint64_t need = ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE |
	                          ZIP_STAT_CRC | ZIP_STAT_COMP_METHOD |
	                          ZIP_STAT_ENCRYPTION_METHOD;
	zip_stat_t sb;
	zip_uint8_t opsys;
	zip_uint32_t attr;
	int encrypted = (en->flags & ZS_FLAG_ENCRYPTED) != 0;

	zip_stat_init(&sb);
	if (zip_stat_index(za, i, 0, &sb) < 0 || (sb.valid & need) != need ||
	    zip_file_get_external_attributes(za, i, 0, &opsys, &attr) < 0)
		return 1;
	if (sb.comp_size != en->comp_size || sb.size != en->size ||
	    sb.crc != en->crc || attr != en->ext_attr ||
	    opsys != (en->made_by >> 8) ||
	    (sb.encryption_method != ZIP_EM_NONE) != encrypted)
		return 1;
	/* An encrypted entry is refused already; for WinZip AES libzip
	 * reports the method inside the encryption, not the header's 99. */
	return !encrypted && sb.comp_method != (zip_int32_t)en->method;
}

#define WHY_TWO_VIEWS "解压库读到的文件目录与检查时读到的不同"

/* libzip's "raw" name is the Unicode Path field's when it honours one;
 * check_container has made sure that one names the same file. */
static int same_name(const char *raw, const zscan_entry *en)
{
	size_t n = raw ? strlen(raw) : 0;

	if (!raw)
		return 0;
	if (n == en->name_len && memcmp(raw, en->name, n) == 0)
		return 1;
	return en->upath && n == en->upath_len &&
	       memcmp(raw, en->upath, n) == 0;
}

/* libzip opens the same bytes, the ones we hashed, through our guard;
 * its view must agree with ours entry by entry. Returns 1 (with a
 * finding) if not. */
static int open_zip(opening *o, ch_error *e)
{
	zip_error_t ze;
	zip_source_t *src;
	zguard *g;
	zip_t *za;
	int code;

	zip_error_init(&ze);
	src = zguard_source(o->fd, o->size, &o->z, &g, &ze);
	if (!src) {
		code = zip_error_code_zip(&ze);
		zip_error_fini(&ze);
		if (code == ZIP_ER_MEMORY)
			return ch_fail(e, NULL, 0, "out of memory");
		return ch_fail(e, o->b->path, 0, "libzip: cannot make a source");
	}
	za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
	code = zip_error_code_zip(&ze);
	zip_error_fini(&ze);
	if (!za) {
		zip_source_free(src);
		if (code == ZIP_ER_MEMORY)
			return ch_fail(e, NULL, 0, "out of memory");
		/* libzip refuses some archives our checks already named
		 * (a name flagged UTF-8 that is not): one finding is enough. */
		if (ch_findings_errors(o->f) > o->errors_before)
			return 1;
		return add(o, "ZIP_UNREADABLE", "", NULL) < 0 ? -1 : 1;
	}
	o->b->zip = za;
	o->b->guard = g;
	if ((uint64_t)zip_get_num_entries(za, 0) != o->z.n)
		return unreadable(o, "", WHY_TWO_VIEWS) < 0 ? -1 : 1;
	for (size_t i = 0; i < o->z.n; i++) {
		const char *raw = zip_get_name(za, i, ZIP_FL_ENC_RAW);

		if (memchr(o->z.v[i].name, '\0', o->z.v[i].name_len))
			continue; /* already refused by name; C cannot compare */
		if (!same_name(raw, &o->z.v[i]) || differs(za, i, &o->z.v[i]))
			return unreadable(o, o->names[i].where, WHY_TWO_VIEWS) < 0
			           ? -1 : 1;
	}
	return 0;
}

static zread_ctl ctl_for(opening *o, size_t i)
{
	zread_ctl c = {o->l, o->z.v[i].comp_size, &o->total,
	               o->names[i].where, o->buf, CHUNK, o->f, o->s,
	               o->b->guard};
	return c;
}

/* application.json is the only entry held whole, and only up to the
 * schema's limit plus one byte, enough for ch_form_parse to refuse it. */
typedef struct app_sink {
	ch_buf buf;
	size_t cap;
} app_sink;

static int app_write(void *ctx, const void *p, size_t n, ch_error *e)
{
	app_sink *a = ctx;
	size_t room = a->cap - a->buf.len;

	ch_buf_append(&a->buf, p, n < room ? n : room);
	if (!ch_buf_ok(&a->buf))
		return ch_fail(e, NULL, 0, "out of memory");
	return a->buf.len >= a->cap ? 1 : 0;
}

/* Returns 1 when reading must stop (the finding is added). */
static int read_app(opening *o, size_t i, long today, ch_error *e)
{
	app_sink a = {CH_BUF_INIT, 0};
	zread_ctl c = ctl_for(o, i);
	uint64_t size;
	int rc;

	a.cap = bundle_json_max(o->s) + 1;
	rc = zread_entry(o->b->zip, i, &c, app_write, &a, &size, e);
	if (rc < 0 || (rc == 1 && a.buf.len < a.cap))
		goto out;
	if (ch_form_parse(o->s, a.buf.data ? a.buf.data : "", a.buf.len,
	                  &o->b->app, o->f) < 0 ||
	    (o->b->app && ch_form_validate(o->s, o->b->app, today, o->f) < 0)) {
		rc = ch_fail(e, NULL, 0, "out of memory");
		goto out;
	}
	rc = 0;
out:
	ch_buf_free(&a.buf);
	return rc;
}

typedef struct doc_sink {
	ch_sha256 h;
	sniff sn;
	const bundle_sink *to; /* NULL: not passed on */
	void *doc;
} doc_sink;

static int doc_write(void *ctx, const void *p, size_t n, ch_error *e)
{
	doc_sink *d = ctx;

	ch_sha256_update(&d->h, p, n);
	sniff_feed(&d->sn, p, n);
	if (d->to && d->to->write(d->to->ctx, d->doc, p, n, e) < 0)
		return -1;
	return 0;
}

/* Which entries the form lists, known before they are read because
 * application.json is read first: only those go to the sink. docs_check
 * matches the same way (NFC of both names) and judges them afterwards.
 * A bundle with an error already is rejected whatever follows, so nothing
 * of it is passed on. Returns -1 when memory runs out. */
static int mark_wanted(opening *o)
{
	json_t *docs = json_object_get(o->b->app, "documents"), *item;
	size_t k;

	o->wanted = calloc(o->b->nentries ? o->b->nentries : 1,
	                   sizeof *o->wanted);
	if (!o->wanted)
		return -1;
	if (!o->sink || !json_is_array(docs) ||
	    ch_findings_errors(o->f) > o->errors_before)
		return 0;
	json_array_foreach(docs, k, item) {
		const char *file = json_string_value(json_object_get(item, "file"));
		char *nfc;

		if (!file)
			continue;
		nfc = ch_nfc(file);
		if (!nfc)
			return -1;
		for (size_t i = 0; i < o->b->nentries; i++)
			if (!strcmp(o->b->entries[i].name, nfc))
				o->wanted[i] = 1;
		free(nfc);
	}
	return 0;
}

/* Reads one document whole, passing it on when it is wanted. Returns
 * zread_entry's 0, 1 or -1; the sink's end is called for every begin. */
static int read_doc(opening *o, size_t k, ch_error *e)
{
	bundle_entry *en = &o->b->entries[k];
	zread_ctl c = ctl_for(o, (size_t)en->index);
	doc_sink d;
	int rc, ok;

	ch_sha256_init(&d.h);
	sniff_init(&d.sn);
	d.to = NULL;
	d.doc = NULL;
	if (o->wanted[k]) {
		if (o->sink->begin(o->sink->ctx, en, &d.doc, e) < 0)
			return -1;
		d.to = o->sink;
	}
	rc = zread_entry(o->b->zip, en->index, &c, doc_write, &d, &en->size, e);
	if (rc == 0) {
		ch_sha256_hex(&d.h, en->sha256);
		en->type = sniff_result(&d.sn, &en->width, &en->height);
	}
	if (d.to) {
		ok = rc == 0;
		if (d.to->end(d.to->ctx, d.doc, en, ok, rc < 0 ? NULL : e) < 0 &&
		    rc >= 0)
			return -1;
	}
	return rc;
}

/* Collects the entries that are files, reading application.json first
 * and each other file whole. */
static int read_entries(opening *o, long today, ch_error *e)
{
	bundle *b = o->b;
	size_t app = (size_t)-1, nfiles = 0;
	int rc;

	for (size_t i = 0; i < o->z.n; i++) {
		const zname *nm = &o->names[i];

		if (nm->bad || nm->is_dir)
			continue;
		if (strcmp(nm->base, APP_NAME) == 0)
			app = i;
		else
			nfiles++;
	}
	b->entries = calloc(nfiles ? nfiles : 1, sizeof *b->entries);
	if (!b->entries)
		return ch_fail(e, NULL, 0, "out of memory");
	for (size_t i = 0; i < o->z.n; i++) {
		bundle_entry *en;

		if (o->names[i].bad || o->names[i].is_dir || i == app)
			continue;
		en = &b->entries[b->nentries];
		en->name = strdup(o->names[i].base);
		if (!en->name)
			return ch_fail(e, NULL, 0, "out of memory");
		en->index = i;
		b->nentries++;
	}
	if (app == (size_t)-1) {
		if (add(o, "FORM_MISSING", APP_NAME, NULL) < 0)
			return -1;
	} else if (!o->skip[app]) {
		rc = read_app(o, app, today, e);
		if (rc)
			return rc < 0 ? -1 : 0;
	}
	if (mark_wanted(o) < 0)
		return ch_fail(e, NULL, 0, "out of memory");
	for (size_t k = 0; k < b->nentries; k++) {
		bundle_entry *en = &b->entries[k];

		if (o->skip[en->index])
			continue;
		rc = read_doc(o, k, e);
		if (rc < 0)
			return -1;
		if (rc > 0) {
			en->size = 0;
			return 0; /* rejected: what follows would add nothing */
		}
	}
	if (b->app && docs_check(b, o->s, o->f) < 0)
		return ch_fail(e, NULL, 0, "out of memory");
	return 0;
}

int bundle_open(const char *path, const ch_schema *schema,
                const bundle_limits *limits, long today, bundle **out,
                ch_findings *f, ch_error *e)
{
	return bundle_open_sink(path, schema, limits, today, NULL, out, f, e);
}

int bundle_open_sink(const char *path, const ch_schema *schema,
                     const bundle_limits *limits, long today,
                     const bundle_sink *sink, bundle **out, ch_findings *f,
                     ch_error *e)
{
	bundle_limits def;
	opening o;
	uint64_t size;
	int rc = -1, r;

	memset(&o, 0, sizeof o);
	o.fd = -1;
	*out = NULL;
	if (!limits) {
		bundle_limits_default(&def);
		limits = &def;
	}
	o.s = schema;
	o.l = limits;
	o.sink = sink;
	o.f = f;
	o.errors_before = ch_findings_errors(f);
	o.b = calloc(1, sizeof *o.b);
	o.buf = malloc(CHUNK);
	if (!o.b || !o.buf || !(o.b->path = strdup(path))) {
		ch_fail(e, path, 0, "out of memory");
		goto out;
	}
	/* A FIFO, device or link in the inbox must not hang the batch. */
	o.fd = ch_open_input(path, &size, e);
	if (o.fd < 0)
		goto out;
	/* The size is known before a byte is read. A bundle a little over the
	 * limit (someone's honest mistake) is still hashed, so that sending it
	 * again is told as a duplicate; one over twice the limit is refused on
	 * its size alone: reading a huge (or sparse) file whole just to hash
	 * it would be the very cost the limit exists to avoid. Its sha256
	 * then stays "" (unknown). */
	if (size > unread_above(limits->max_bundle_bytes)) {
		o.size = size;
		r = check_container(&o, e);
	} else if (hash_file(&o, e) < 0) {
		goto out;
	} else {
		r = check_container(&o, e);
	}
	if (r == 0)
		r = open_zip(&o, e);
	if (r == 0)
		r = read_entries(&o, today, e);
	if (r < 0)
		goto out;
	rc = 0;
out:
	if (o.fd >= 0)
		close(o.fd);
	znames_free(o.names, o.z.n);
	zscan_free(&o.z);
	free(o.skip);
	free(o.wanted);
	free(o.buf);
	if (rc < 0) {
		if (e && !e->file[0])
			snprintf(e->file, sizeof e->file, "%s", path);
		bundle_close(o.b);
		return -1;
	}
	*out = o.b;
	return 0;
}

typedef struct copy_sink {
	ch_sha256 h;
	uint64_t left;
	int (*write)(void *ctx, const void *p, size_t n);
	void *ctx;
} copy_sink;

static int copy_write(void *ctx, const void *p, size_t n, ch_error *e)
{
	copy_sink *c = ctx;

	if (n > c->left)
		return ch_fail(e, NULL, 0, "the entry grew since it was checked");
	c->left -= n;
	ch_sha256_update(&c->h, p, n);
	if (c->write(c->ctx, p, n) < 0)
		return ch_fail(e, NULL, 0, "the document store refused the data: %s",
		               strerror(errno));
	return 0;
}

int bundle_copy_entry(bundle *b, size_t i,
                      int (*write)(void *ctx, const void *p, size_t n),
                      void *ctx, ch_error *e)
{
	ch_findings f = CH_FINDINGS_INIT;
	copy_sink c;
	zread_ctl ctl;
	uint64_t total = 0, size;
	char hex[65];
	int rc = -1, r;

	if (!b || i >= b->nentries || !b->zip || !b->entries[i].sha256[0])
		return ch_fail(e, b ? b->path : NULL, 0,
		               "entry %zu was not read whole", i);
	memset(&ctl, 0, sizeof ctl);
	ctl.total = &total;
	ctl.where = b->entries[i].name;
	ctl.bufsize = CHUNK;
	ctl.f = &f;
	ctl.guard = b->guard;
	ctl.buf = malloc(CHUNK);
	if (!ctl.buf)
		return ch_fail(e, NULL, 0, "out of memory");
	ch_sha256_init(&c.h);
	c.left = b->entries[i].size;
	c.write = write;
	c.ctx = ctx;
	r = zread_entry(b->zip, b->entries[i].index, &ctl, copy_write, &c,
	                &size, e);
	if (r < 0)
		goto out;
	ch_sha256_hex(&c.h, hex);
	/* The file under the bundle could have changed since it was checked:
	 * only the bytes that were judged may be stored. */
	if (r > 0 || size != b->entries[i].size ||
	    strcmp(hex, b->entries[i].sha256) != 0) {
		ch_fail(e, b->path, 0, "%s changed since it was checked",
		        b->entries[i].name);
		goto out;
	}
	rc = 0;
out:
	if (rc < 0 && e && !e->file[0])
		snprintf(e->file, sizeof e->file, "%s", b->path);
	free(ctl.buf);
	ch_findings_free(&f);
	return rc;
}

void bundle_close(bundle *b)
{
	if (!b)
		return;
	if (b->zip)
		zip_discard(b->zip);
	for (size_t i = 0; i < b->nentries; i++)
		free(b->entries[i].name);
	free(b->entries);
	json_decref(b->app);
	free(b->path);
	free(b);
}
