/* record.c: the one transaction of a bundle's intake (see record.h). */
#include "batch/intake/record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch/clock.h"
#include "batch/db.h"
#include "batch/intake/notice.h"
#include "batch/intake/result.h"
#include "batch/review/states.h"
#include "common/text.h"
#include "common/validate.h"

static const char *str(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* The entry of b holding document file name `file` (NFC compared), or -1. */
static long record_find_entry(const bundle *b, const char *file)
{
	char *want = ch_nfc(file);
	long found = -1;

	if (!want)
		return -1;
	for (size_t i = 0; i < b->nentries; i++)
		if (!strcmp(b->entries[i].name, want)) {
			found = (long)i;
			break;
		}
	free(want);
	return found;
}

static const char *type_name(doc_type t)
{
	return t == DOC_PDF ? "pdf" : t == DOC_JPEG ? "jpeg" : t == DOC_PNG ? "png"
	                                                                    : "none";
}

static int insert_bundle(sqlite3 *db, const intake *in, const char *now,
                         long long *bundle_id, ch_error *e)
{
	json_t *fj = ch_findings_json(in->f);
	char *text = fj ? json_dumps(fj, JSON_COMPACT) : NULL;
	int rc = -1;

	if (!text) {
		ch_fail(e, in->file_name, 0, "out of memory");
		goto out;
	}
	if (db_run(db, e,
	           "INSERT INTO bundles (sha256, file_name, outcome, application_id,"
	           " revision, findings_json, ingested_at) VALUES (?,?,?,?,?,?,?)",
	           "ssssiss", in->sha256, in->file_name,
	           in->accepted ? "accepted" : "rejected", in->application_id,
	           (long long)in->revision, text, now) < 0)
		goto out;
	*bundle_id = sqlite3_last_insert_rowid(db);
	for (size_t i = 0; i < in->f->n; i++) {
		const ch_finding *x = &in->f->v[i];
		if (db_run(db, e,
		           "INSERT INTO findings (bundle_id, seq, code, level, location,"
		           " message) VALUES (?,?,?,?,?,?)",
		           "iissss", *bundle_id, (long long)i, x->code,
		           x->level == CH_LEVEL_ERROR ? "error" : "warning", x->where,
		           x->message) < 0)
			goto out;
	}
	rc = 0;
out:
	free(text);
	json_decref(fj);
	return rc;
}

/* An event's detail naming the bundle: the name as valid UTF-8, cut on
 * a character boundary when long, because status reads details back into
 * JSON, which holds nothing else. -1: no memory. */
static int append_name(char *out, size_t n, const char *file)
{
	char *name = result_utf8_name(file);
	size_t k = strlen(out);

	if (!name)
		return -1;
	snprintf(out + k, n - k, "%.200s", name);
	ch_utf8_cut_tail(out + k);
	free(name);
	return 0;
}

static int event(sqlite3 *db, const char *aid, const char *now,
                 const char *kind, const char *detail, ch_error *e)
{
	return db_run(db, e,
	              "INSERT INTO events (application_id, at, kind, detail)"
	              " VALUES (?,?,?,?)",
	              "ssss", aid, now, kind, detail);
}

static int person(sqlite3 *db, const intake *in, const char *role, long seq,
                  json_t *p, ch_error *e)
{
	char mobile[12];
	const char *m = str(p, "mobile");
	char *id = ch_fold_fullwidth(str(p, "id_number") ? str(p, "id_number") : "");
	int rc;

	if (!id)
		return ch_fail(e, in->file_name, 0, "out of memory");
	if (m && ch_valid_mobile(m, mobile))
		m = mobile;
	rc = db_run(db, e,
	            "INSERT INTO people (application_id, revision, role, seq, name,"
	            " id_number, mobile, email) VALUES (?,?,?,?,?,?,?,?)",
	            "sisissss", in->application_id, (long long)in->revision, role,
	            (long long)seq, str(p, "name") ? str(p, "name") : "", id, m,
	            str(p, "email"));
	free(id);
	return rc;
}

/* People, certificates and documents of an accepted revision. */
static int contents(sqlite3 *db, const intake *in, ch_error *e)
{
	json_t *app = in->b->app;
	json_t *certs = json_object_get(app, "certificates");
	json_t *personal = json_object_get(certs, "personal");
	json_t *docs = json_object_get(app, "documents"), *item;
	json_int_t org = json_integer_value(json_object_get(certs, "organization_years"));
	const char *aid = in->application_id;
	long long rev = in->revision;
	size_t i;

	if (person(db, in, "legal_representative", 0,
	           json_object_get(app, "legal_representative"), e) < 0 ||
	    person(db, in, "handler", 0, json_object_get(app, "handler"), e) < 0)
		return -1;
	if (org > 0 &&
	    db_run(db, e,
	           "INSERT INTO certificates (application_id, revision, seq, kind,"
	           " years) VALUES (?,?,0,'organization',?)",
	           "sii", aid, rev, (long long)org) < 0)
		return -1;
	json_array_foreach(personal, i, item) {
		if (person(db, in, "holder", (long)i, item, e) < 0 ||
		    db_run(db, e,
		           "INSERT INTO certificates (application_id, revision, seq,"
		           " kind, years, holder_seq) VALUES (?,?,?,'personal',?,?)",
		           "siiii", aid, rev, (long long)i + 1,
		           (long long)json_integer_value(json_object_get(item, "years")),
		           (long long)i) < 0)
			return -1;
	}
	json_array_foreach(docs, i, item) {
		json_t *pj = json_object_get(item, "person");
		const char *file = str(item, "file");
		long k = file ? record_find_entry(in->b, file) : -1;
		const bundle_entry *en;
		sqlite3_stmt *st = NULL;
		int r;
		if (k < 0)
			return ch_fail(e, in->file_name, 0,
			               "document %zu is not in the bundle", i);
		en = &in->b->entries[k];
		if (db_prepare(db,
		               "INSERT INTO documents (application_id, revision, seq,"
		               " kind, person, file_name, sha256, size, type)"
		               " VALUES (?,?,?,?,?,?,?,?,?)", &st, e) < 0)
			return -1;
		r = db_bind(st, "siisissis", aid, rev, (long long)i, str(item, "kind"),
		            0LL, en->name, en->sha256, (long long)en->size,
		            type_name(en->type));
		if (r == 0 && !json_is_integer(pj))
			r = sqlite3_bind_null(st, 5) == SQLITE_OK ? 0 : -1;
		else if (r == 0)
			r = sqlite3_bind_int64(st, 5, json_integer_value(pj)) == SQLITE_OK
			        ? 0 : -1;
		if (r < 0 || sqlite3_step(st) != SQLITE_DONE) {
			db_fail(db, e, "database error");
			sqlite3_finalize(st);
			return -1;
		}
		sqlite3_finalize(st);
	}
	return 0;
}

/* The application's order number: kept once given, else the next of the
 * day in Asia/Shanghai. Runs inside the transaction, which holds the
 * write lock, so two runs cannot take one number. */
static int order_number(sqlite3 *db, intake *in, ch_error *e)
{
	sqlite3_stmt *st = NULL;
	char prefix[16];
	long day = clock_today(), seq = 1;
	int rc = -1, r;

	if (db_prepare(db, "SELECT order_no FROM applications WHERE"
	               " application_id = ? AND order_no IS NOT NULL", &st, e) < 0)
		return -1;
	if (db_bind(st, "s", in->application_id) < 0) {
		db_fail(db, e, "database error");
		goto out;
	}
	r = db_step(db, st, e);
	if (r < 0)
		goto out;
	if (r == 1) {
		snprintf(in->order_no, sizeof in->order_no, "%s",
		         (const char *)sqlite3_column_text(st, 0));
		rc = 0;
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	snprintf(prefix, sizeof prefix, "SX%08ld%%", day);
	if (db_prepare(db, "SELECT max(CAST(substr(order_no, 11, 5) AS INTEGER))"
	               " FROM applications WHERE order_no LIKE ?", &st, e) < 0)
		return -1;
	if (db_bind(st, "s", prefix) < 0) {
		db_fail(db, e, "database error");
		goto out;
	}
	r = db_step(db, st, e);
	if (r < 0)
		goto out;
	if (r == 0) { /* an aggregate always gives a row */
		db_fail(db, e, "database error: no day's maximum");
		goto out;
	}
	seq = sqlite3_column_int64(st, 0) + 1;
	if (orderno_make(day, seq, in->order_no) < 0) {
		ch_fail(e, in->file_name, 0, "no order number left for %ld", day);
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

/* A refused revision of the same number sent by someone else before the
 * application was held (applicant.h: it does not count against this
 * sender) makes way: its row and unsent notices go, its bundle row and
 * events stay, and the history says so. */
static int set_aside(sqlite3 *db, const char *aid, long long rev,
                     const char *now, ch_error *e)
{
	char detail[128];

	if (db_run(db, e,
	           "DELETE FROM outbox WHERE application_id = ? AND revision = ?"
	           " AND state = 'queued' AND event = '' AND EXISTS (SELECT 1"
	           " FROM revisions"
	           " WHERE application_id = ? AND revision = ?"
	           " AND outcome = 'rejected')",
	           "sisi", aid, rev, aid, rev) < 0 ||
	    db_run(db, e,
	           "DELETE FROM revisions WHERE application_id = ? AND revision = ?"
	           " AND outcome = 'rejected'", "si", aid, rev) < 0)
		return -1;
	if (sqlite3_changes(db) == 0)
		return 0;
	snprintf(detail, sizeof detail,
	         "refused revision %lld of another sender set aside", rev);
	return event(db, aid, now, "set_aside", detail, e);
}

/* The state a new accepted revision leads to, through the state table:
 * an order rejected at review (驳回) that is still paid in full goes
 * back to review; any other order awaits its payment, as the amount due
 * may have changed. A state the table does not let go (approved and
 * after) refuses the bundle, naming it. */
static int resubmitted(sqlite3 *db, const char *aid, const char *now,
                       ch_error *e)
{
	sqlite3_stmt *st = NULL;
	char state[64];
	const char *to;
	int r, rc = -1;

	r = db_row(db, e, &st, "SELECT state, amount_due_fen, amount_paid_fen"
	           " FROM applications WHERE application_id = ?", "s", aid);
	if (r <= 0) {
		if (r == 0)
			ch_fail(e, NULL, 0, "no application %s", aid);
		goto out;
	}
	snprintf(state, sizeof state, "%s", (const char *)sqlite3_column_text(st, 0));
	to = !strcmp(state, "rejected") && sqlite3_column_int64(st, 1) > 0 &&
	     sqlite3_column_int64(st, 2) >= sqlite3_column_int64(st, 1)
	     ? "in_review" : "awaiting_payment";
	rc = strcmp(state, to) ? state_change(db, aid, to, "ingest: a new "
	                                      "revision accepted", now, e) : 0;
	if (rc > 0)
		rc = -1;
out:
	sqlite3_finalize(st);
	return rc;
}

static int application(batch_ctx *ctx, sqlite3 *db, intake *in,
                       const char *now, ch_error *e)
{
	json_t *app = in->b->app;
	char *json = json_dumps(app, JSON_COMPACT);
	const char *aid = in->application_id;
	long long rev = in->revision, amount = 0;
	char detail[512];
	int rc = -1;

	if (!json)
		return ch_fail(e, in->file_name, 0, "out of memory");
	if (in->accepted) {
		amount = ch_fees_amount(&ctx->fees, app);
		if (amount < 0) {
			ch_fail(e, in->file_name, 0, "certificates outside the fee schedule");
			goto out;
		}
		if (order_number(db, in, e) < 0)
			goto out;
	}
	/* A new application, or the next accepted revision of one: the
	 * application row shows the newest accepted revision. A rejected
	 * bundle only creates the row of an application not yet known. */
	if (in->accepted
	        ? db_run(db, e,
	                 "INSERT INTO applications (application_id, order_no, state,"
	                 " amount_due_fen, revision, created_at, updated_at)"
	                 " VALUES (?1, ?2, 'awaiting_payment', ?3, ?4, ?5, ?5)"
	                 " ON CONFLICT (application_id) DO UPDATE SET"
	                 " order_no = coalesce(order_no, excluded.order_no),"
	                 " amount_due_fen = excluded.amount_due_fen,"
	                 " revision = excluded.revision,"
	                 " updated_at = excluded.updated_at",
	                 "ssiis", aid, in->order_no, amount, rev, now)
	        : db_run(db, e,
	                 "INSERT INTO applications (application_id, state, revision,"
	                 " created_at, updated_at) VALUES (?1, 'rejected', ?2, ?3, ?3)"
	                 " ON CONFLICT (application_id) DO NOTHING",
	                 "sis", aid, rev, now) < 0)
		goto out;
	if (in->accepted && resubmitted(db, aid, now, e) < 0)
		goto out;
	if (set_aside(db, aid, rev, now, e) < 0)
		goto out;
	if (db_run(db, e,
	           "INSERT INTO revisions (application_id, revision, bundle_sha256,"
	           " application_json, submitted_at, ingested_at, outcome)"
	           " VALUES (?,?,?,?,?,?,?)",
	           "sisssss", aid, rev, in->sha256, json, str(app, "submitted_at"),
	           now, in->accepted ? "accepted" : "rejected") < 0)
		goto out;
	snprintf(detail, sizeof detail, "revision %lld, bundle ", rev);
	if (append_name(detail, sizeof detail, in->file_name) < 0) {
		ch_fail(e, in->file_name, 0, "out of memory");
		goto out;
	}
	if (event(db, aid, now, "submitted", detail, e) < 0)
		goto out;
	if (in->accepted) {
		snprintf(detail, sizeof detail, "order %s, amount due %lld fen",
		         in->order_no, amount);
		if (contents(db, in, e) < 0 || event(db, aid, now, "accepted", detail, e) < 0)
			goto out;
	} else {
		size_t k = 0;
		detail[0] = '\0';
		for (size_t i = 0; i < in->f->n && k + 40 < sizeof detail; i++)
			if (in->f->v[i].level == CH_LEVEL_ERROR)
				k += (size_t)snprintf(detail + k, sizeof detail - k, "%s%s",
				                      k ? ", " : "", in->f->v[i].code);
		if (event(db, aid, now, "rejected", detail, e) < 0)
			goto out;
	}
	rc = notice_queue(ctx, db, in->b->app, aid, in->revision,
	                  in->accepted ? in->order_no : NULL, amount, in->f, now, e);
out:
	free(json);
	return rc;
}

/* A revision not newer than one that counts (applicant.h): history only. */
static int stale_event(sqlite3 *db, const intake *in, const char *now,
                       ch_error *e)
{
	char detail[300];

	snprintf(detail, sizeof detail,
	         "revision %ld not newer than the one on file, bundle ",
	         in->revision);
	if (append_name(detail, sizeof detail, in->file_name) < 0)
		return ch_fail(e, in->file_name, 0, "out of memory");
	return event(db, in->application_id, now, "stale_revision", detail, e);
}

/* No silent rejection: a bundle refused without touching its application
 * (stale, or another sender's) still tells the handler it names, when the
 * application is on file for the outbox row to belong to. */
static int refused_notice(batch_ctx *ctx, sqlite3 *db, const intake *in,
                          const char *now, ch_error *e)
{
	sqlite3_stmt *st = NULL;
	int known;

	if (!in->b || !in->b->app)
		return 0;
	known = db_row(db, e, &st, "SELECT 1 FROM applications"
	               " WHERE application_id = ?", "s", in->application_id);
	sqlite3_finalize(st);
	if (known <= 0)
		return known;
	return notice_queue_refused(ctx, db, in->b->app, in->application_id,
	                            in->revision, in->f, in->sha256, now, e);
}

int record_intake(batch_ctx *ctx, sqlite3 *db, intake *in, ch_error *e)
{
	char now[32];
	long long bundle_id;

	clock_now(now);
	in->order_no[0] = '\0';
	if (db_begin(db, e) < 0)
		return -1;
	if (insert_bundle(db, in, now, &bundle_id, e) < 0)
		goto fail;
	/* A foreign bundle is a bundle row with its findings and nothing
	 * more: it touches no application. */
	if (in->application_id && !in->foreign &&
	    (in->stale ? stale_event(db, in, now, e)
	               : application(ctx, db, in, now, e)) < 0)
		goto fail;
	if (in->application_id && (in->foreign || in->stale) &&
	    refused_notice(ctx, db, in, now, e) < 0)
		goto fail;
	if (db_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	db_rollback(db);
	in->order_no[0] = '\0';
	return -1;
}
