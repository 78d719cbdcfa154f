/* sheet.c: the review sheet (see sheet.h). */
#include "batch/review/sheet.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <nettle/base64.h>

#include "batch/clock.h"
#include "batch/db.h"
#include "batch/intake/store.h"
#include "common/fsutil.h"
#include "common/unsafecp.h"

static const char HEAD[] =
	"<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
	"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
	"'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
	"form-action 'none'\">\n"
	"<meta name=\"referrer\" content=\"no-referrer\">\n"
	"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	"<title>";
static const char STYLE[] =
	"</title>\n<style>\n"
	"body{font-family:system-ui,\"Noto Sans CJK SC\",sans-serif;margin:0;"
	"padding:1rem 1.5rem;color:#1a1a1a;background:#fff}\n"
	"h1{font-size:1.4rem}h2{font-size:1.1rem;border-bottom:1px solid #ccc}\n"
	".cols{display:flex;flex-wrap:wrap;gap:2rem}\n"
	".cols>section{flex:1 1 30rem;min-width:0}\n"
	"fieldset{border:1px solid #ccc;margin:.6rem 0}legend{font-weight:bold}\n"
	"dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;"
	"margin:.3rem 0}\n"
	"dt{color:#444}dd{margin:0;overflow-wrap:anywhere}\n"
	"figure{margin:0 0 1.5rem}figcaption{font-size:.9rem;color:#444;"
	"overflow-wrap:anywhere}\n"
	"img{max-width:100%;border:1px solid #ccc}\n"
	".cp{color:#8a0018;font-family:monospace}\n"
	"</style>\n</head>\n<body>\n";

/* s as HTML text: escaped, and a character on the unsafe list (or a
 * byte that is not UTF-8) shown as its code point, so that a bidi
 * override cannot reorder what the reviewer reads. */
static void text(ch_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)p), i = 0;

	while (i < n) {
		uint32_t cp;
		size_t k = ch_utf8_decode(p + i, n - i, &cp);

		if (!k) {
			ch_buf_printf(b, "<span class=\"cp\">[0x%02X]</span>", p[i]);
			i++;
		} else if (ch_cp_unsafe(cp)) {
			ch_buf_printf(b, "<span class=\"cp\">[U+%04X]</span>", (unsigned)cp);
			i += k;
		} else {
			ch_buf_html(b, (const char *)p + i, k);
			i += k;
		}
	}
}

static void value(ch_buf *b, const ch_field *f, json_t *v)
{
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		for (size_t i = 0; f->type == CH_F_ENUM && i < f->nvalues; i++)
			if (!strcmp(f->values[i].value, s)) {
				text(b, f->values[i].label);
				ch_buf_puts(b, " (");
				text(b, s);
				ch_buf_puts(b, ")");
				return;
			}
		text(b, s);
	} else if (json_is_integer(v)) {
		ch_buf_printf(b, "%lld", (long long)json_integer_value(v));
	} else if (json_is_array(v) && f->type == CH_F_REGION) {
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x) {
			if (i)
				ch_buf_puts(b, " ");
			text(b, json_string_value(x));
		}
	} else if (!v || json_is_null(v)) {
		ch_buf_puts(b, "—");
	} else {
		char *d = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		text(b, d ? d : "?");
		free(d);
	}
}

static void fields(ch_buf *b, const ch_field *fs, size_t n, json_t *obj);

static void field(ch_buf *b, const ch_field *f, json_t *v)
{
	if (f->type == CH_F_GROUP) {
		ch_buf_puts(b, "<fieldset><legend>");
		text(b, f->label);
		ch_buf_puts(b, "</legend>\n");
		fields(b, f->fields, f->nfields, v);
		ch_buf_puts(b, "</fieldset>\n");
	} else if (f->type == CH_F_LIST) {
		size_t i;
		json_t *item;

		ch_buf_puts(b, "<fieldset><legend>");
		text(b, f->label);
		ch_buf_puts(b, "</legend>\n");
		if (!json_array_size(v))
			ch_buf_puts(b, "<p>无</p>\n");
		json_array_foreach(v, i, item) {
			ch_buf_printf(b, "<h3>第 %zu 位", i + 1);
			text(b, f->item_label ? f->item_label : f->label);
			ch_buf_puts(b, "</h3>\n");
			fields(b, f->fields, f->nfields, item);
		}
		ch_buf_puts(b, "</fieldset>\n");
	} else {
		ch_buf_puts(b, "<dl><dt>");
		text(b, f->label);
		ch_buf_puts(b, "</dt><dd>");
		value(b, f, v);
		ch_buf_puts(b, "</dd></dl>\n");
	}
}

static void fields(ch_buf *b, const ch_field *fs, size_t n, json_t *obj)
{
	for (size_t i = 0; i < n; i++)
		field(b, &fs[i], json_object_get(obj, fs[i].key));
}

static const char *doc_label(const ch_schema *s, const char *kind)
{
	for (size_t i = 0; i < s->ndocs; i++)
		if (!strcmp(s->docs[i].kind, kind))
			return s->docs[i].label;
	return kind;
}

/* A file:// URL of path: every byte outside the unreserved set and '/'
 * percent-encoded, then HTML-escaped by the caller's attribute quoting. */
static void file_url(ch_buf *b, const char *path)
{
	ch_buf_puts(b, "file://");
	for (const unsigned char *p = (const unsigned char *)path; *p; p++)
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("/-._~", *p))
			ch_buf_putc(b, (char)*p);
		else
			ch_buf_printf(b, "%%%02X", *p);
}

static int embed(ch_buf *b, const char *mime, const char *path, ch_error *e)
{
	char *data = NULL, *enc = NULL;
	size_t len;

	if (ch_read_file(path, SHEET_EMBED_MAX, &data, &len, e) < 0)
		return -1;
	enc = malloc(BASE64_ENCODE_RAW_LENGTH(len) + 1);
	if (!enc) {
		free(data);
		return ch_fail(e, path, 0, "out of memory");
	}
	base64_encode_raw(enc, len, (const uint8_t *)data);
	ch_buf_printf(b, "<img alt=\"\" src=\"data:%s;base64,", mime);
	ch_buf_append(b, enc, BASE64_ENCODE_RAW_LENGTH(len));
	ch_buf_puts(b, "\">\n");
	free(enc);
	free(data);
	return 0;
}

static int scans(batch_ctx *ctx, sqlite3 *db, const review_order *o,
                 ch_buf *b, ch_error *e)
{
	sqlite3_stmt *st = NULL;
	char root[PATH_MAX];
	int r, rows = 0, rc = -1;

	if (!realpath(ctx->cfg.store, root))
		return ch_fail(e, ctx->cfg.store, 0, "cannot find the store");
	if (db_prepare(db, "SELECT seq, kind, file_name, sha256, size, type FROM"
	               " documents WHERE application_id = ? AND revision = ?"
	               " ORDER BY seq", &st, e) < 0)
		return -1;
	if (db_bind(st, "si", o->aid, (long long)o->revision) < 0) {
		db_fail(db, e, "database error");
		goto out;
	}
	while ((r = db_step(db, st, e)) == 1) {
		const char *kind = (const char *)sqlite3_column_text(st, 1);
		const char *name = (const char *)sqlite3_column_text(st, 2);
		const char *sha = (const char *)sqlite3_column_text(st, 3);
		const char *type = (const char *)sqlite3_column_text(st, 5);
		long long size = sqlite3_column_int64(st, 4);
		const char *mime = !strcmp(type, "jpeg") ? "image/jpeg"
		                 : !strcmp(type, "png") ? "image/png" : NULL;
		char path[PATH_MAX];

		rows++;
		if (store_path(root, sha, path, sizeof path) < 0) {
			ch_fail(e, root, 0, "store path too long");
			goto out;
		}
		ch_buf_puts(b, "<figure><figcaption>");
		text(b, doc_label(ctx->schema, kind));
		ch_buf_puts(b, "：");
		text(b, name);
		ch_buf_printf(b, "（%lld 字节，sha256 %.12s…）</figcaption>\n", size, sha);
		if (mime && size <= (long long)SHEET_EMBED_MAX) {
			if (embed(b, mime, path, e) < 0)
				goto out;
		} else {
			ch_buf_puts(b, "<p><a rel=\"noopener noreferrer\" href=\"");
			file_url(b, path);
			ch_buf_puts(b, "\">在浏览器中打开原件（只读，文档库）</a></p>\n");
		}
		ch_buf_puts(b, "</figure>\n");
	}
	if (r < 0)
		goto out;
	if (!rows)
		ch_buf_puts(b, "<p>无</p>\n");
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

static void pair(ch_buf *b, const char *label, const char *v)
{
	ch_buf_puts(b, "<dt>");
	text(b, label);
	ch_buf_puts(b, "</dt><dd>");
	text(b, v);
	ch_buf_puts(b, "</dd>");
}

int review_sheet(batch_ctx *ctx, sqlite3 *db, const char *order, ch_buf *out,
                 review_order *o, ch_error *e)
{
	sqlite3_stmt *st = NULL;
	json_t *app = NULL;
	json_error_t je;
	char title[128], shown[32], rev[24];
	int r, rc = -1;

	r = review_order_find(db, order, o, e);
	if (r <= 0)
		return r;
	r = db_row(db, e, &st, "SELECT application_json, ingested_at FROM"
	           " revisions WHERE application_id = ? AND revision = ? AND"
	           " outcome = 'accepted'", "si", o->aid, (long long)o->revision);
	if (r <= 0) {
		if (r == 0) {
			ch_fail(e, NULL, 0, "application %s has no accepted revision "
			        "(state %s)", o->aid, o->state);
			rc = 0;
		}
		goto out;
	}
	app = json_loads((const char *)sqlite3_column_text(st, 0), 0, &je);
	if (!json_is_object(app)) {
		ch_fail(e, NULL, 0, "application %s: the stored form is unreadable",
		        o->aid);
		goto out;
	}
	clock_show((const char *)sqlite3_column_text(st, 1), shown, sizeof shown);
	snprintf(rev, sizeof rev, "%ld", o->revision);
	snprintf(title, sizeof title, "审核单 %s", o->order_no[0] ? o->order_no
	                                                       : o->aid);
	ch_buf_puts(out, HEAD);
	text(out, title);
	ch_buf_puts(out, STYLE);
	ch_buf_puts(out, "<main>\n<h1>");
	text(out, title);
	ch_buf_puts(out, "</h1>\n<dl>");
	pair(out, "订单号", o->order_no);
	pair(out, "申请编号", o->aid);
	pair(out, "版本", rev);
	pair(out, "状态", o->state);
	pair(out, "受理时间（北京时间）", shown);
	ch_buf_puts(out, "</dl>\n<div class=\"cols\">\n<section>\n<h2>申请表</h2>\n");
	fields(out, ctx->schema->fields, ctx->schema->nfields, app);
	ch_buf_puts(out, "</section>\n<section>\n<h2>扫描件</h2>\n");
	if (scans(ctx, db, o, out, e) < 0)
		goto out;
	ch_buf_puts(out, "</section>\n</div>\n</main>\n</body>\n</html>\n");
	if (!ch_buf_ok(out)) {
		ch_fail(e, NULL, 0, "out of memory");
		goto out;
	}
	rc = 1;
out:
	json_decref(app);
	sqlite3_finalize(st);
	return rc;
}
