/* handmatch.c: the review queue and hand decisions (see handmatch.h). */
#include "batch/money/handmatch.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "batch/appid.h"
#include "batch/clock.h"
#include "batch/db.h"
#include "batch/money/book.h"
#include "batch/money/names.h"
#include "batch/intake/notice.h"
#include "batch/orderno.h"
#include "common/termsafe.h"
#include "common/text.h"

static const char *col(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s ? (const char *)s : "";
}

int handmatch_queue(sqlite3 *db, int json, FILE *out, ch_error *e)
{
	sqlite3_stmt *st = NULL;
	int k;

	if (db_prepare(db, "SELECT l.line_id, f.file_name, l.line_no, l.booked_on,"
	               " l.direction, l.amount_fen, l.counterparty_name,"
	               " l.counterparty_account, l.memo, o.outcome, o.reason,"
	               " o.candidates_json, l.source"
	               " FROM line_outcomes o JOIN statement_lines l USING (line_id)"
	               " JOIN statement_files f ON f.file_id = l.file_id"
	               " WHERE o.review = 1 ORDER BY o.line_id", &st, e) < 0)
		return -1;
	while ((k = db_step(db, st, e)) == 1) {
		char masked[64], yuan[32];
		json_t *cands = json_loads(col(st, 11), 0, NULL);
		ch_mask_account(col(st, 7), masked);
		notice_yuan(sqlite3_column_int64(st, 5), yuan);
		if (json) {
			json_t *o = json_pack("{s:I,s:s,s:I,s:s,s:s,s:s,s:I,s:s,s:s,s:s,"
			                      "s:s,s:s,s:o}",
			                      "line", (json_int_t)sqlite3_column_int64(st, 0),
			                      "file", col(st, 1),
			                      "line_no", (json_int_t)sqlite3_column_int64(st, 2),
			                      "date", col(st, 3), "source", col(st, 12),
			                      "direction", col(st, 4),
			                      "amount_fen", (json_int_t)sqlite3_column_int64(st, 5),
			                      "payer", col(st, 6), "account", masked,
			                      "memo", col(st, 8), "outcome", col(st, 9),
			                      "reason", col(st, 10),
			                      "candidates", cands ? cands : json_array());
			char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
			json_decref(o);
			if (!s) {
				k = -1;
				ch_fail(e, NULL, 0, "out of memory (or a line's text is not "
				        "UTF-8)");
				break;
			}
			fprintf(out, "%s\n", s);
			free(s);
			continue;
		}
		fprintf(out, "line %lld  ", (long long)sqlite3_column_int64(st, 0));
		ch_term_fputs(col(st, 1), out);
		fprintf(out, ":%lld  ", (long long)sqlite3_column_int64(st, 2));
		ch_term_fputs(col(st, 3), out);
		fprintf(out, "  %s %s 元  ", col(st, 4), yuan);
		ch_term_fputs(col(st, 6), out);
		fprintf(out, " %s\n  memo: ", masked);
		ch_term_fputs(col(st, 8), out);
		fprintf(out, "\n  %s: ", col(st, 9));
		ch_term_fputs(col(st, 10), out);
		fputc('\n', out);
		{
			size_t i;
			json_t *c;
			json_array_foreach(cands, i, c)
				fprintf(out, "  candidate %s (%s) owes %lld fen, %s\n",
				        json_string_value(json_object_get(c, "order_no")),
				        json_string_value(json_object_get(c, "state")),
				        (long long)json_integer_value(json_object_get(c, "remaining_fen")),
				        json_string_value(json_object_get(c, "why")));
		}
		json_decref(cands);
	}
	sqlite3_finalize(st);
	return k < 0 ? -1 : 0;
}

/* The application an order number or application id names. 1 found. */
static int application(sqlite3 *db, const char *id, char aid[32], ch_error *e)
{
	char key[ORDERNO_LEN + APPID_LEN + 2];
	sqlite3_stmt *st = NULL;
	const char *sql;
	int k;

	if (orderno_parse(id, key))
		sql = "SELECT application_id FROM applications WHERE order_no = ?";
	else if (appid_parse(id, key))
		sql = "SELECT application_id FROM applications WHERE"
		      " application_id = ? AND order_no IS NOT NULL";
	else {
		ch_fail(e, NULL, 0, "'%.40s' is neither an order number (订单号) "
		        "nor an application id", id);
		return 0;
	}
	k = db_row(db, e, &st, sql, "s", key);
	if (k == 1)
		snprintf(aid, 32, "%s", col(st, 0));
	else if (k == 0)
		ch_fail(e, NULL, 0, "no order %s", key);
	sqlite3_finalize(st);
	return k;
}

/* What a hand decision needs of a line: direction, amount, payments it
 * makes now, its kind and what reconcile decided ("" if nothing). */
typedef struct line_facts {
	char dir[8], kind[12], outcome[32];
	long long amount;
	int paid;
} line_facts;

static int the_line(sqlite3 *db, long long line, line_facts *f, ch_error *e)
{
	sqlite3_stmt *st = NULL;
	int k;

	k = db_row(db, e, &st,
	           "SELECT direction, amount_fen, (SELECT count(*) FROM"
	           " payments p WHERE p.line_id = l.line_id AND"
	           " p.reversed_by IS NULL), kind, coalesce((SELECT outcome"
	           " FROM line_outcomes o WHERE o.line_id = l.line_id), '')"
	           " FROM statement_lines l WHERE line_id = ?",
	           "i", line);
	if (k == 1) {
		snprintf(f->dir, sizeof f->dir, "%s", col(st, 0));
		f->amount = sqlite3_column_int64(st, 1);
		f->paid = sqlite3_column_int(st, 2);
		snprintf(f->kind, sizeof f->kind, "%s", col(st, 3));
		snprintf(f->outcome, sizeof f->outcome, "%s", col(st, 4));
	} else if (k == 0) {
		ch_fail(e, NULL, 0, "no statement line %lld", line);
	}
	sqlite3_finalize(st);
	return k;
}

/* 1 when line may pay an order by hand, else 0 and e says why. */
static int matchable(long long line, const line_facts *f, ch_error *e)
{
	if (strcmp(f->dir, "credit") || strcmp(f->kind, "normal"))
		ch_fail(e, NULL, 0, "line %lld is a %s %s line: only money in "
		        "pays an order", line, f->kind, f->dir);
	else if (f->paid)
		ch_fail(e, NULL, 0, "line %lld already pays an order: payments "
		        "unmatch it first", line);
	else if (!strcmp(f->outcome, "reversed") ||
	         !strncmp(f->outcome, "payout_", 7))
		ch_fail(e, NULL, 0, "line %lld is %s: it pays no order", line,
		        f->outcome);
	else
		return 1;
	return 0;
}

static int record(sqlite3 *db, long long line, const char *action,
                  const char *aid, const char *by, const char *now,
                  const char *outcome, const char *reason, ch_error *e)
{
	if (db_run(db, e, "INSERT INTO hand_decisions (line_id, action,"
	           " application_id, decided_by, decided_at) VALUES (?,?,?,?,?)",
	           "issss", line, action, aid, by, now) < 0 ||
	    db_run(db, e, "DELETE FROM line_waiting_orders WHERE line_id = ?",
	           "i", line) < 0 ||
	    db_run(db, e, "DELETE FROM line_waiting WHERE line_id = ?", "i",
	           line) < 0)
		return -1;
	return db_run(db, e, "INSERT INTO line_outcomes (line_id, outcome, review,"
	              " reason, by_hand, decided_at) VALUES (?1, ?2, 0, ?3, ?4, ?5)"
	              " ON CONFLICT (line_id) DO UPDATE SET outcome = ?2, review = 0,"
	              " reason = ?3, candidates_json = '[]', by_hand = ?4,"
	              " decided_at = ?5", "issss", line, outcome, reason,
	              by, now);
}

int handmatch_match(sqlite3 *db, long long line, const char *order,
                    const char *by, FILE *out, ch_error *e)
{
	char aid[32], now[32], reason[160], why[96];
	line_facts f;
	int k, rc = -1;

	clock_now(now);
	if (names_register(db) < 0)
		return db_fail(db, e, "cannot register functions");
	if (db_begin(db, e) < 0)
		return -1;
	k = application(db, order, aid, e);
	if (k == 1)
		k = the_line(db, line, &f, e);
	if (k == 1 && !matchable(line, &f, e))
		k = 0;
	if (k != 1) {
		rc = k < 0 ? -1 : 1;
		goto out;
	}
	snprintf(reason, sizeof reason, "matched by hand to %s", aid);
	snprintf(why, sizeof why, "line %lld matched by %.40s", line, by);
	if (db_run(db, e, "DELETE FROM payments WHERE line_id = ? AND"
	           " application_id = ?", "is", line, aid) < 0 ||
	    book_payment(db, line, aid, f.amount, by, now, e) < 0 ||
	    record(db, line, "match", aid, by, now, "matched", reason, e) < 0)
		goto out;
	k = book_settle(db, aid, why, now, e);
	if (k != 0) {
		rc = k;
		goto out;
	}
	if (db_commit(db, e) < 0)
		goto out;
	fprintf(out, "line %lld pays %s (%lld fen), decided by ", line, aid,
	        f.amount);
	ch_term_fputs(by, out);
	fputc('\n', out);
	rc = 0;
out:
	if (rc != 0)
		db_rollback(db);
	return rc;
}

int handmatch_unmatch(sqlite3 *db, long long line, const char *by, FILE *out,
                      ch_error *e)
{
	char now[32], why[96];
	line_facts f;
	int k, rc = -1;

	clock_now(now);
	if (names_register(db) < 0)
		return db_fail(db, e, "cannot register functions");
	if (db_begin(db, e) < 0)
		return -1;
	k = the_line(db, line, &f, e);
	if (k != 1) {
		rc = k < 0 ? -1 : 1;
		goto out;
	}
	/* The payments stay, as taken back by their own line: the history
	 * shows what was booked and undone. */
	snprintf(why, sizeof why, "line %lld unmatched by %.40s", line, by);
	if (db_run(db, e, "UPDATE payments SET reversed_by = line_id WHERE"
	           " line_id = ? AND reversed_by IS NULL", "i", line) < 0 ||
	    record(db, line, "unmatch", NULL, by, now, "unmatched",
	           "taken off every order by hand", e) < 0)
		goto out;
	k = book_taken_back(db, line, line, why, now, e);
	if (k != 0) {
		rc = k;
		goto out;
	}
	if (db_commit(db, e) < 0)
		goto out;
	fprintf(out, "line %lld pays no order now (%d taken back), decided by ",
	        line, f.paid);
	ch_term_fputs(by, out);
	fputc('\n', out);
	rc = 0;
out:
	if (rc != 0)
		db_rollback(db);
	return rc;
}
