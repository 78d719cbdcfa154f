/* issued.c: recording the issuing system's results (see issued.h). */
#include "batch/review/issued.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "batch/clock.h"
#include "batch/db.h"
#include "batch/intake/notice.h"
#include "batch/review/states.h"
#include "common/fsutil.h"
#include "common/text.h"
#include "common/validate.h"

#define ISSUED_FILE_MAX (16u << 20)
#define ISSUED_LINE_MAX 4096

/* Where a line is refused: e names the file and line; 1. */
static int refused(int failed)
{
	(void)failed;
	return 1;
}

static const char *str(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static int only_chars(const char *s, const char *set, size_t min, size_t max)
{
	size_t n = strlen(s);
	return n >= min && n <= max && strspn(s, set) == n;
}

#define ALNUM "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

/* https, a host, printable ASCII and no more than an SMS may hold: what
 * reaches a phone as a link and nothing else. */
static int valid_url(const char *u)
{
	size_t n = strlen(u);

	if (n > ISSUED_URL_MAX || strncmp(u, "https://", 8) || n == 8 ||
	    u[8] == '/' || u[8] == '@' || u[8] == ':')
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)u[i] <= 0x20 || (unsigned char)u[i] >= 0x7f ||
		    u[i] == '"' || u[i] == '<' || u[i] == '>' || u[i] == '\\')
			return 0;
	return 1;
}

/* What the file says of one certificate, checked for form. */
typedef struct cert_line {
	const char *order_no, *kind, *id_number, *serial, *pin, *url;
} cert_line;

static int parse(const char *path, int line, json_t *o, cert_line *c,
                 ch_error *e)
{
	static const char *const KEYS[] = {"order_no", "kind", "id_number",
	                                   "serial", "pin", "e_invoice_url"};
	const char *key;
	json_t *v;

	if (!json_is_object(o))
		return refused(ch_fail(e, path, line, "not a JSON object"));
	json_object_foreach(o, key, v) {
		size_t k = 0;
		while (k < sizeof KEYS / sizeof KEYS[0] && strcmp(KEYS[k], key))
			k++;
		if (k == sizeof KEYS / sizeof KEYS[0])
			return refused(ch_fail(e, path, line, "unknown key '%.40s'", key));
		if (!json_is_string(v))
			return refused(ch_fail(e, path, line, "'%s' must be a string", key));
	}
	memset(c, 0, sizeof *c);
	c->order_no = str(o, "order_no");
	c->kind = str(o, "kind");
	c->id_number = str(o, "id_number");
	c->serial = str(o, "serial");
	c->pin = str(o, "pin");
	c->url = str(o, "e_invoice_url");
	if (!c->order_no || !only_chars(c->order_no, ALNUM, 1, 32))
		return refused(ch_fail(e, path, line, "'order_no' is missing or not "
		                       "an order number"));
	if (!c->kind || (strcmp(c->kind, "organization") && strcmp(c->kind, "personal")))
		return refused(ch_fail(e, path, line, "'kind' must be organization or "
		                       "personal"));
	if (!strcmp(c->kind, "personal") != (c->id_number != NULL))
		return refused(ch_fail(e, path, line, "'id_number' is the holder's, "
		                       "given for a personal certificate only"));
	if (c->id_number && !only_chars(c->id_number, ALNUM, 15, 18))
		return refused(ch_fail(e, path, line, "'id_number' is not an ID number"));
	if (!c->serial || !only_chars(c->serial, ALNUM "-", 1, ISSUED_SERIAL_MAX))
		return refused(ch_fail(e, path, line, "'serial' must be 1 to %d of "
		                       "A-Z, a-z, 0-9 and -", ISSUED_SERIAL_MAX));
	/* The PIN itself is never echoed. */
	if (!c->pin || !only_chars(c->pin, ALNUM, ISSUED_PIN_MIN, ISSUED_PIN_MAX))
		return refused(ch_fail(e, path, line, "'pin' must be %d to %d of A-Z, "
		                       "a-z and 0-9", ISSUED_PIN_MIN, ISSUED_PIN_MAX));
	if (c->url && !valid_url(c->url))
		return refused(ch_fail(e, path, line, "'e_invoice_url' must be an "
		                       "https address of printable ASCII, at most %d "
		                       "characters", ISSUED_URL_MAX));
	return 0;
}

/* The order as the database has it. */
typedef struct order {
	char aid[64];
	char state[32];
	long long rev;
	json_t *app; /* the accepted revision's form; owned */
} order;

static int find_order(sqlite3 *db, const char *path, int line,
                      const char *order_no, order *o, ch_error *e)
{
	sqlite3_stmt *st = NULL;
	int r;

	memset(o, 0, sizeof *o);
	r = db_row(db, e, &st, "SELECT a.application_id, a.state, a.revision,"
	           " r.application_json FROM applications a JOIN revisions r"
	           " ON r.application_id = a.application_id AND r.revision ="
	           " a.revision WHERE a.order_no = ?",
	           "s", order_no);
	if (r == 1) {
		snprintf(o->aid, sizeof o->aid, "%s", sqlite3_column_text(st, 0));
		snprintf(o->state, sizeof o->state, "%s", sqlite3_column_text(st, 1));
		o->rev = sqlite3_column_int64(st, 2);
		o->app = json_loads((const char *)sqlite3_column_text(st, 3), 0, NULL);
		if (!o->app)
			r = ch_fail(e, path, line, "order %s: its form cannot be read",
			            order_no);
	}
	sqlite3_finalize(st);
	if (r == 0)
		return refused(ch_fail(e, path, line, "no order %s", order_no));
	return r == 1 ? 0 : -1;
}

/* The certificate the line names: its seq, and for a personal one the
 * holder's mobile and name. */
typedef struct cert {
	long long seq;
	char mobile[32];
	char name[256];
} cert;

static int find_cert(sqlite3 *db, const char *path, int line,
                     const cert_line *c, const order *o, cert *out,
                     ch_error *e)
{
	sqlite3_stmt *st = NULL;
	char *id = NULL;
	int r;

	memset(out, 0, sizeof *out);
	if (!strcmp(c->kind, "organization")) {
		r = db_row(db, e, &st, "SELECT seq, NULL, NULL FROM certificates"
		           " WHERE application_id = ? AND revision = ? AND kind ="
		           " 'organization'", "si", o->aid, o->rev);
	} else {
		id = ch_fold_fullwidth(c->id_number);
		if (!id)
			return ch_fail(e, path, line, "out of memory");
		r = db_row(db, e, &st, "SELECT c.seq, p.mobile, p.name FROM"
		           " certificates c JOIN people p ON p.application_id ="
		           " c.application_id AND p.revision = c.revision AND p.role ="
		           " 'holder' AND p.seq = c.holder_seq WHERE c.application_id"
		           " = ? AND c.revision = ? AND c.kind = 'personal'"
		           " AND upper(p.id_number) = upper(?)", "sis", o->aid, o->rev,
		           id);
	}
	if (r == 1) {
		out->seq = sqlite3_column_int64(st, 0);
		snprintf(out->mobile, sizeof out->mobile, "%s",
		         sqlite3_column_text(st, 1) ? (const char *)sqlite3_column_text(st, 1) : "");
		snprintf(out->name, sizeof out->name, "%s",
		         sqlite3_column_text(st, 2) ? (const char *)sqlite3_column_text(st, 2) : "");
	}
	sqlite3_finalize(st);
	if (r == 0) {
		char masked[64];
		ch_mask_id(id ? id : "", masked);
		if (id)
			ch_fail(e, path, line, "order %s has no personal certificate for "
			        "holder %s", c->order_no, masked);
		else
			ch_fail(e, path, line, "order %s has no organization certificate",
			        c->order_no);
	}
	free(id);
	return r == 1 ? 0 : r == 0 ? 1 : -1;
}

/* 1 when this certificate has this serial on record already (the line is
 * skipped); 0 when neither is; -2 (e filled) when one of them is taken
 * by the other's counterpart; -1 a database error. */
static int known_serial(sqlite3 *db, const char *path, int line,
                        const cert_line *c, const order *o, const cert *ce,
                        ch_error *e)
{
	sqlite3_stmt *st = NULL;
	int r, same = 0, other = 0;

	if (db_prepare(db, "SELECT application_id = ?1 AND revision = ?2 AND"
	               " cert_seq = ?3 AND serial = ?4 FROM issued_certs WHERE"
	               " serial = ?4 OR (application_id = ?1 AND revision = ?2"
	               " AND cert_seq = ?3)", &st, e) < 0)
		return -1;
	if (db_bind(st, "siis", o->aid, o->rev, ce->seq, c->serial) < 0) {
		sqlite3_finalize(st);
		return db_fail(db, e, "database error");
	}
	while ((r = db_step(db, st, e)) == 1) {
		if (sqlite3_column_int(st, 0))
			same = 1;
		else
			other = 1;
	}
	sqlite3_finalize(st);
	if (r < 0)
		return -1;
	if (other) {
		ch_fail(e, path, line, "serial %s or this %s certificate of order %s "
		        "is on record with another serial or certificate", c->serial,
		        c->kind, c->order_no);
		return -2;
	}
	return same;
}

static int handler_mobile(sqlite3 *db, const order *o, char out[32],
                          ch_error *e)
{
	sqlite3_stmt *st = NULL;
	int r;

	out[0] = '\0';
	r = db_row(db, e, &st, "SELECT mobile FROM people WHERE"
	           " application_id = ? AND revision = ? AND role = 'handler'"
	           " ORDER BY seq LIMIT 1", "si", o->aid, o->rev);
	if (r == 1 && sqlite3_column_text(st, 0))
		snprintf(out, 32, "%s", sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return r < 0 ? -1 : 0;
}

typedef struct run {
	batch_ctx *ctx;
	sqlite3 *db;
	const char *path;
	const char *now;
	issued_stats *st;
	json_t *orders; /* order_no -> {"aid", "url"} of this file */
} run;

/* The PIN where the guide says: an SMS for a transfer, a payout row for
 * an online payment. */
static int route_pin(run *R, int line, const cert_line *c, const order *o,
                     const cert *ce, int online, ch_error *e)
{
	int org = !strcmp(c->kind, "organization");
	json_t *acct = json_object_get(o->app, "bank_account");
	char mobile[32], canon[12];

	if (online) {
		const char *name = str(acct, "name"), *bank = str(acct, "bank"),
		           *number = str(acct, "number");
		const char *holder = org ? str(json_object_get(o->app, "organization"),
		                               "name") : ce->name;
		if (!name || !*name || !bank || !*bank || !number || !*number)
			return refused(ch_fail(e, R->path, line, "order %s was paid "
			                       "online but has no corporate account for "
			                       "the PIN transfer", c->order_no));
		if (db_run(R->db, e, "INSERT INTO pin_payouts (serial, application_id,"
		           " holder, account_name, account_bank, account_number, pin,"
		           " created_at) VALUES (?,?,?,?,?,?,?,?)", "ssssssss",
		           c->serial, o->aid, holder ? holder : "", name, bank, number,
		           c->pin, R->now) < 0)
			return -1;
		R->st->pin_payouts++;
		return 0;
	}
	if (org) {
		if (handler_mobile(R->db, o, mobile, e) < 0)
			return -1;
	} else {
		snprintf(mobile, sizeof mobile, "%s", ce->mobile);
	}
	if (!ch_valid_mobile(mobile, canon))
		return refused(ch_fail(e, R->path, line, "order %s: no valid mobile "
		                       "number of the %s for the PIN SMS", c->order_no,
		                       org ? "经办人" : "holder"));
	if (notice_queue_pin(R->ctx, R->db, org ? &R->ctx->pin_organization
	                                        : &R->ctx->pin_personal,
	                     o->app, o->aid, (long)o->rev, c->order_no, c->serial,
	                     canon, c->pin, R->now, e) < 0)
		return -1;
	R->st->pin_sms++;
	return 0;
}

/* The order's e-invoice link: one per order in a file. */
static int note_order(run *R, int line, const cert_line *c, const order *o,
                      ch_error *e)
{
	json_t *seen = json_object_get(R->orders, c->order_no);
	const char *had;

	if (!seen) {
		seen = json_pack("{s:s}", "aid", o->aid);
		if (!seen || json_object_set_new(R->orders, c->order_no, seen) < 0)
			return ch_fail(e, R->path, line, "out of memory");
	}
	had = str(seen, "url");
	if (c->url && had && strcmp(had, c->url))
		return refused(ch_fail(e, R->path, line, "order %s has two different "
		                       "e_invoice_url", c->order_no));
	if (c->url && !had &&
	    json_object_set_new(seen, "url", json_string(c->url)) < 0)
		return ch_fail(e, R->path, line, "out of memory");
	return 0;
}

static int one_line(run *R, int line, const char *text, size_t len,
                    ch_error *e)
{
	json_error_t jerr;
	json_t *o = NULL;
	cert_line c;
	order ord;
	cert ce;
	char detail[256];
	int r, online;

	memset(&ord, 0, sizeof ord);
	if (len > ISSUED_LINE_MAX)
		return refused(ch_fail(e, R->path, line, "line longer than %d bytes",
		                       ISSUED_LINE_MAX));
	/* jansson's message may quote the text, and the text holds a PIN. */
	o = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!o)
		return refused(ch_fail(e, R->path, line, "not valid JSON (column %d)",
		                       jerr.column));
	r = parse(R->path, line, o, &c, e);
	if (r == 0)
		r = find_order(R->db, R->path, line, c.order_no, &ord, e);
	if (r == 0)
		r = find_cert(R->db, R->path, line, &c, &ord, &ce, e);
	if (r == 0)
		r = note_order(R, line, &c, &ord, e);
	if (r != 0)
		goto out;
	R->st->lines++;
	r = known_serial(R->db, R->path, line, &c, &ord, &ce, e);
	if (r == -2) {
		r = 1;
		goto out;
	}
	if (r == 1) {
		R->st->known++;
		r = 0;
		goto out;
	}
	if (r < 0)
		goto out;
	if (strcmp(ord.state, "approved")) {
		const order_state *s = state_find(ord.state);
		r = refused(ch_fail(e, R->path, line, "order %s is %s (%s), not "
		                    "approved", c.order_no, ord.state,
		                    s ? s->words : "?"));
		goto out;
	}
	online = str(ord.app, "payment_method") &&
	         !strcmp(str(ord.app, "payment_method"), "online");
	snprintf(detail, sizeof detail, "%s certificate, serial %s; PIN by %s",
	         c.kind, c.serial, online ? "the payouts export" : "SMS");
	r = db_run(R->db, e, "INSERT INTO issued_certs (serial, application_id,"
	           " revision, cert_seq, kind, pin_route, recorded_at)"
	           " VALUES (?,?,?,?,?,?,?)", "ssiisss", c.serial, ord.aid, ord.rev,
	           ce.seq, c.kind, online ? "payout" : "sms", R->now);
	if (r == 0)
		r = db_run(R->db, e, "INSERT INTO events (application_id, at, kind,"
		           " detail) VALUES (?, ?, 'issued', ?)", "sss", ord.aid,
		           R->now, detail);
	if (r == 0)
		r = route_pin(R, line, &c, &ord, &ce, online, e);
	if (r == 0)
		R->st->recorded++;
out:
	json_decref(ord.app);
	json_decref(o);
	return r;
}

/* After the lines: each order's e-invoice notice, and approved -> issued
 * for an order whose every certificate has its serial. */
static int finish_orders(run *R, ch_error *e)
{
	const char *no;
	json_t *v;

	json_object_foreach(R->orders, no, v) {
		const char *aid = str(v, "aid"), *url = str(v, "url");
		sqlite3_stmt *st = NULL;
		order o;
		int r, complete = 0;
		if (find_order(R->db, R->path, 0, no, &o, e) != 0)
			return -1;
		if (url) {
			json_t *extra = json_pack("{s:s}", "invoice_url", url);
			int changes = sqlite3_total_changes(R->db);
			r = extra ? notice_queue_extra(R->ctx, R->db, &R->ctx->e_invoice,
			                               o.app, aid, (long)o.rev, no, extra,
			                               R->now, e)
			          : ch_fail(e, NULL, 0, "out of memory");
			json_decref(extra);
			if (r < 0) {
				json_decref(o.app);
				return -1;
			}
			if (sqlite3_total_changes(R->db) != changes)
				R->st->invoices++;
		}
		r = db_row(R->db, e, &st, "SELECT (SELECT count(*) FROM certificates"
		           " WHERE application_id = ?1 AND revision = ?2) = (SELECT"
		           " count(*) FROM issued_certs WHERE application_id = ?1"
		           " AND revision = ?2)", "si", aid, o.rev);
		if (r == 1)
			complete = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
		if (r == 1 && complete && !strcmp(o.state, "approved")) {
			/* 1 (refused) cannot happen: the state was just read. */
			r = state_change(R->db, aid, "issued", "every certificate has "
			                 "its serial", R->now, e);
			if (r == 0)
				R->st->orders_issued++;
			r = r == 0 ? 1 : -1;
		}
		json_decref(o.app);
		if (r != 1)
			return -1;
	}
	return 0;
}

int issued_run(batch_ctx *ctx, sqlite3 *db, const char *path,
               issued_stats *st, ch_error *e)
{
	char *text = NULL, now[32];
	size_t len = 0;
	run R;
	int rc = -1, line = 0;

	memset(st, 0, sizeof *st);
	clock_now(now);
	if (ch_read_file(path, ISSUED_FILE_MAX, &text, &len, e) < 0)
		return -1;
	R = (run){ctx, db, path, now, st, json_object()};
	if (!R.orders) {
		ch_fail(e, path, 0, "out of memory");
		goto out;
	}
	if (db_begin(db, e) < 0)
		goto out;
	for (size_t at = 0; at < len;) {
		const char *p = text + at, *nl = memchr(p, '\n', len - at);
		size_t n = nl ? (size_t)(nl - p) : len - at;
		at += n + (nl != NULL);
		line++;
		if (n && p[n - 1] == '\r')
			n--;
		if (strspn(p, " \t") >= n)
			continue;
		rc = one_line(&R, line, p, n, e);
		if (rc != 0)
			goto out;
	}
	rc = -1;
	if (finish_orders(&R, e) < 0 || db_commit(db, e) < 0)
		goto out;
	rc = 0;
out:
	if (rc != 0)
		db_rollback(db);
	if (text)
		memset(text, 0, len);
	free(text);
	json_decref(R.orders);
	return rc;
}
