/* status.c: an application's progress (see status.h). */
#include "batch/status.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "batch/appid.h"
#include "batch/clock.h"
#include "batch/db.h"
#include "batch/intake/notice.h"
#include "batch/money/moneystatus.h"
#include "batch/orderno.h"
#include "batch/payview.h"
#include "batch/review/states.h"
#include "batch/intake/zipnames.h"
#include "common/form.h"
#include "common/termsafe.h"
#include "common/text.h"

typedef struct app_row {
	char application_id[APPID_LEN + 1];
	char order_no[ORDERNO_LEN + 1];
	char state[32];
	long long due, paid;
	long revision;
} app_row;

static const char *col(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s ? (const char *)s : "";
}

/* A column's text as a JSON string. The batch writes only valid UTF-8,
 * but a database from before (or edited by hand) may hold other bytes,
 * which jansson refuses: those are shown \xNN rather than dropped. NULL
 * only when memory runs out (json_pack then fails, and says so). */
static json_t *text(const char *s)
{
	char *shown;
	json_t *j;

	if (ch_utf8_valid(s, strlen(s)))
		return json_string(s);
	shown = zname_printable(s, strlen(s));
	j = shown ? json_string(shown) : NULL;
	free(shown);
	return j;
}

/* Appends v (taken); -1 when v is NULL or the append fails. */
static int append(json_t *arr, json_t *v)
{
	return v ? json_array_append_new(arr, v) : -1;
}

/* Not a SQLite code: a loop over rows stopped for want of memory. */
#define OOM (-2)

/* What a loop over rows ended with: 0 after the last row, else -1 and e. */
static int rows_end(sqlite3 *db, int r, ch_error *e)
{
	if (r == OOM)
		return ch_fail(e, NULL, 0, "out of memory");
	return r == SQLITE_DONE ? 0 : db_fail(db, e, "database error");
}

/* At most 40 bytes of what was typed, for a message, cut on a character
 * boundary (the message may end up in JSON, which holds only UTF-8). */
static void shown(const char *id, char out[48])
{
	if (snprintf(out, 41, "%s", id) < 41)
		return;
	ch_utf8_cut_tail(out);
	strcat(out, "...");
}

/* 1 found, 0 not (or a mistyped order number), 2 not an id at all,
 * -1 error. */
static int find(sqlite3 *db, const char *id, app_row *a, ch_error *e)
{
	char key[ORDERNO_LEN + APPID_LEN + 2], typed[64], show[48];
	const char *sql;
	sqlite3_stmt *st = NULL;
	int r, rc = -1;

	/* BUNDLE.md folds full-width characters everywhere; an id too long
	 * to fold here is no id. */
	if (!appid_fold(id, typed, sizeof typed))
		typed[0] = '\0';
	if (orderno_parse(typed, key)) {
		sql = "SELECT application_id, order_no, state, amount_due_fen,"
		      " amount_paid_fen, revision FROM applications WHERE order_no = ?";
	} else if (appid_parse(typed, key)) {
		sql = "SELECT application_id, order_no, state, amount_due_fen,"
		      " amount_paid_fen, revision FROM applications"
		      " WHERE application_id = ?";
	} else {
		const char *p = typed;
		while (*p == ' ')
			p++;
		shown(id, show);
		if (toupper((unsigned char)p[0]) == 'S' &&
		    toupper((unsigned char)p[1]) == 'X') {
			ch_fail(e, NULL, 0, "'%s' is not a valid order number "
			        "(订单号): wrong length or check character, probably "
			        "mistyped", show);
			return 0;
		}
		ch_fail(e, NULL, 0, "'%s' is neither an application id "
		        "(申请编号, XXXX-XXXX-XXXX) nor an order number (订单号)", show);
		return 2;
	}
	if (db_prepare(db, sql, &st, e) < 0)
		return -1;
	r = db_bind(st, "s", key) < 0 ? SQLITE_ERROR : sqlite3_step(st);
	if (r == SQLITE_ROW) {
		snprintf(a->application_id, sizeof a->application_id, "%s", col(st, 0));
		snprintf(a->order_no, sizeof a->order_no, "%s", col(st, 1));
		snprintf(a->state, sizeof a->state, "%s", col(st, 2));
		a->due = sqlite3_column_int64(st, 3);
		a->paid = sqlite3_column_int64(st, 4);
		a->revision = (long)sqlite3_column_int64(st, 5);
		rc = 1;
	} else if (r == SQLITE_DONE) {
		ch_fail(e, NULL, 0, "no application %s", key);
		rc = 0;
	} else {
		db_fail(db, e, "database error");
	}
	sqlite3_finalize(st);
	return rc;
}

/* What happens next, in a word for scripts and a sentence for people;
 * payment is worded for the payment method. */
static const char *awaiting(const app_row *a, const char *method,
                            const char **text)
{
	if (!strcmp(a->state, "rejected")) {
		*text = "a corrected resubmission (重新提交) with a higher revision";
		return "resubmission";
	}
	if (!strcmp(a->state, "awaiting_payment") && a->paid < a->due) {
		*text = payview_next_step(method);
		return "payment";
	}
	if (!strcmp(a->state, "awaiting_verification")) {
		*text = "the code (随机验证码) from the micro-deposit's memo";
		return "verification";
	}
	if (!strcmp(a->state, "verification_failed")) {
		*text = "a resubmission with correct bank details (金融认证信息)";
		return "resubmission";
	}
	if (!strcmp(a->state, "awaiting_payment") ||
	    !strcmp(a->state, "in_review")) {
		*text = "review by 深圳CA (审核), within one working day";
		return "review";
	}
	*text = "nothing from the applicant";
	return "none";
}

static const char *state_words(const char *state)
{
	const order_state *s = state_find(state);

	return s ? s->words : "";
}

static int history(sqlite3 *db, const app_row *a, json_t *arr, FILE *out,
                   ch_error *e)
{
	sqlite3_stmt *st = NULL;
	int r;

	if (db_prepare(db, "SELECT at, kind, detail FROM events"
	               " WHERE application_id = ? ORDER BY event_id", &st, e) < 0)
		return -1;
	if (db_bind(st, "s", a->application_id) < 0) {
		db_fail(db, e, "database error");
		sqlite3_finalize(st);
		return -1;
	}
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		char local[32];
		clock_show(col(st, 0), local, sizeof local);
		if (arr) {
			if (append(arr, json_pack("{s:o,s:s,s:o,s:o}", "at",
			                          text(col(st, 0)), "at_local", local,
			                          "kind", text(col(st, 1)), "detail",
			                          text(col(st, 2)))) < 0) {
				r = OOM;
				break;
			}
		} else {
			fprintf(out, "  %s  %-15s ", local, col(st, 1));
			ch_term_fputs(col(st, 2), out);
			fputc('\n', out);
		}
	}
	sqlite3_finalize(st);
	return rows_end(db, r, e);
}

/* Each revision with its outcome and findings (the 驳回原因). */
static int revisions(sqlite3 *db, const app_row *a, json_t *arr, FILE *out,
                     ch_error *e)
{
	sqlite3_stmt *st = NULL;
	int r;

	if (db_prepare(db, "SELECT r.revision, r.outcome, r.submitted_at,"
	               " r.ingested_at, b.findings_json FROM revisions r"
	               " JOIN bundles b ON b.sha256 = r.bundle_sha256"
	               " WHERE r.application_id = ? ORDER BY r.revision", &st, e) < 0)
		return -1;
	if (db_bind(st, "s", a->application_id) < 0) {
		db_fail(db, e, "database error");
		sqlite3_finalize(st);
		return -1;
	}
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *f = json_loads(col(st, 4), 0, NULL);
		char local[32];
		size_t i;
		json_t *x;
		const char *msg;
		clock_show(col(st, 3), local, sizeof local);
		if (arr) {
			if (append(arr, json_pack(
				"{s:I,s:o,s:o,s:o,s:o}", "revision",
				(json_int_t)sqlite3_column_int64(st, 0), "outcome",
				text(col(st, 1)), "submitted_at", text(col(st, 2)),
				"ingested_at", text(col(st, 3)),
				"findings", f ? f : json_array())) < 0) {
				r = OOM;
				break;
			}
			continue;
		}
		fprintf(out, "  revision %lld  %-9s ingested %s\n",
		        (long long)sqlite3_column_int64(st, 0), col(st, 1), local);
		json_array_foreach(f, i, x) {
			fprintf(out, "    %s %s: ",
			        json_string_value(json_object_get(x, "level")),
			        json_string_value(json_object_get(x, "code")));
			msg = json_string_value(json_object_get(x, "message"));
			ch_term_fputs(msg ? msg : "", out);
			fputc('\n', out);
		}
		json_decref(f);
	}
	sqlite3_finalize(st);
	return rows_end(db, r, e);
}

/* The people of the current revision, masked, in arr (JSON) or on out. */
static int people(sqlite3 *db, const app_row *a, json_t *arr, FILE *out,
                  ch_error *e)
{
	sqlite3_stmt *st = NULL;
	int r;

	if (db_prepare(db, "SELECT p.role, p.name, p.id_number, p.mobile,"
	               " c.years FROM people p LEFT JOIN certificates c"
	               " ON c.application_id = p.application_id"
	               " AND c.revision = p.revision AND c.holder_seq = p.seq"
	               " AND p.role = 'holder'"
	               " WHERE p.application_id = ? AND p.revision = ?"
	               " ORDER BY p.role, p.seq", &st, e) < 0)
		return -1;
	if (db_bind(st, "si", a->application_id, (long long)a->revision) < 0) {
		db_fail(db, e, "database error");
		sqlite3_finalize(st);
		return -1;
	}
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		char id[64], mobile[64] = "";
		int has_mobile = sqlite3_column_type(st, 3) != SQLITE_NULL;
		int has_years = sqlite3_column_type(st, 4) != SQLITE_NULL;
		long long years = sqlite3_column_int64(st, 4);
		ch_mask_id(col(st, 2), id);
		if (has_mobile)
			ch_mask_mobile(col(st, 3), mobile);
		if (arr) {
			if (append(arr, json_pack("{s:o,s:o,s:s,s:s?,s:o}", "role",
			                          text(col(st, 0)), "name",
			                          text(col(st, 1)), "id_number", id,
			                          "mobile", has_mobile ? mobile : NULL,
			                          "years", has_years
			                              ? json_integer(years)
			                              : json_null())) < 0) {
				r = OOM;
				break;
			}
			continue;
		}
		fprintf(out, "  %-21s ", col(st, 0));
		ch_term_fputs(col(st, 1), out);
		fprintf(out, "  %s", id);
		if (has_mobile)
			fprintf(out, "  %s", mobile);
		if (has_years)
			fprintf(out, "  personal certificate, %lld year(s)", years);
		fputc('\n', out);
	}
	sqlite3_finalize(st);
	return rows_end(db, r, e);
}

/* Bundles that named this application but were not linked to it
 * (applicant.h): how often someone else tried, for the operator. */
static int foreign_count(sqlite3 *db, const app_row *a, long long *n,
                         ch_error *e)
{
	sqlite3_stmt *st = NULL;
	int r;

	r = db_row(db, e, &st, "SELECT count(*) FROM bundles b"
	           " WHERE b.application_id = ? AND (b.revision NOT BETWEEN 1"
	           " AND ? OR EXISTS (SELECT 1 FROM findings f"
	           " WHERE f.bundle_id = b.bundle_id"
	           " AND f.code = 'APPLICANT_MISMATCH'))",
	           "si", a->application_id,
	           (long long)CH_FORM_MAX_REVISION);
	if (r == 1)
		*n = sqlite3_column_int64(st, 0);
	else if (r == 0) /* an aggregate always gives a row */
		r = db_fail(db, e, "database error: no count");
	sqlite3_finalize(st);
	return r < 0 ? -1 : 0;
}

static int as_json_out(sqlite3 *db, const app_row *a, const payview *pv,
                       FILE *out, ch_error *e)
{
	const char *text, *word = awaiting(a, pv->method, &text);
	json_t *o = NULL, *h = json_array(), *rv = json_array();
	json_t *ppl = json_array(), *pay = NULL;
	char *s = NULL;
	long long foreign = 0;
	int rc = -1;

	if (!h || !rv || !ppl || history(db, a, h, NULL, e) < 0 ||
	    revisions(db, a, rv, NULL, e) < 0 || people(db, a, ppl, NULL, e) < 0 ||
	    foreign_count(db, a, &foreign, e) < 0)
		goto out;
	if (a->due > 0 && !(pay = payview_json(pv, a->due))) {
		ch_fail(e, NULL, 0, "out of memory");
		goto out;
	}
	o = json_pack("{s:s,s:s?,s:s,s:I,s:I,s:I,s:s,s:s,s:O?,s:O,s:O,s:O,s:I}",
	              "application_id", a->application_id,
	              "order_no", a->order_no[0] ? a->order_no : NULL,
	              "state", a->state, "revision", (json_int_t)a->revision,
	              "amount_due_fen", (json_int_t)a->due,
	              "amount_paid_fen", (json_int_t)a->paid,
	              "awaiting", word, "awaiting_text", text, "payment", pay,
	              "people", ppl, "history", h, "revisions", rv,
	              "refused_other_senders", (json_int_t)foreign);
	/* The money side (issue 8): payments and verification. */
	if (o && moneystatus_json(db, a->application_id, o, e) < 0)
		goto out;
	if (o)
		s = json_dumps(o, JSON_INDENT(2));
	if (!s) {
		ch_fail(e, NULL, 0, "out of memory");
		goto out;
	}
	fprintf(out, "%s\n", s);
	rc = 0;
out:
	free(s);
	json_decref(o);
	json_decref(pay);
	json_decref(ppl);
	json_decref(h);
	json_decref(rv);
	return rc;
}

static int as_text(sqlite3 *db, const app_row *a, const payview *pv,
                   FILE *out, ch_error *e)
{
	const char *text, *word = awaiting(a, pv->method, &text);
	char due[32], paid[32];
	long long foreign = 0;

	notice_yuan(a->due, due);
	notice_yuan(a->paid, paid);
	fprintf(out, "application (申请编号)  %s\n", a->application_id);
	fprintf(out, "order no (订单号)       %s\n",
	        a->order_no[0] ? a->order_no : "(none yet)");
	fprintf(out, "state                  %s %s, revision %ld\n", a->state,
	        state_words(a->state), a->revision);
	fprintf(out, "amount due             %lld fen (%s 元)\n", a->due, due);
	fprintf(out, "amount paid            %lld fen (%s 元)\n", a->paid, paid);
	if (a->due > 0)
		payview_print(pv, a->due, out);
	fprintf(out, "awaiting               %s%s\n",
	        strcmp(word, "payment") ? "" : "payment (付款): ", text);
	/* The money side (issue 8): payments and verification. */
	if (moneystatus_text(db, a->application_id, out, e) < 0)
		return -1;
	fprintf(out, "people (revision %ld)\n", a->revision);
	if (people(db, a, NULL, out, e) < 0)
		return -1;
	fprintf(out, "revisions\n");
	if (revisions(db, a, NULL, out, e) < 0)
		return -1;
	if (foreign_count(db, a, &foreign, e) < 0)
		return -1;
	if (foreign > 0)
		fprintf(out, "other senders          %lld refused bundle(s) naming this "
		        "id, not linked (APPLICANT_MISMATCH or revision out of "
		        "range)\n", foreign);
	fprintf(out, "history (Asia/Shanghai)\n");
	return history(db, a, NULL, out, e);
}

int status_run(sqlite3 *db, const ch_fees *fees, const char *id, int as_json,
               FILE *out, ch_error *e)
{
	app_row a;
	payview pv;
	int r = find(db, id, &a, e);

	if (r != 1)
		return r == 0 ? 1 : r;
	if (payview_load(db, fees, a.application_id, a.revision, &pv, e) < 0)
		return -1;
	r = as_json ? as_json_out(db, &a, &pv, out, e)
	            : as_text(db, &a, &pv, out, e);
	payview_free(&pv);
	return r;
}
