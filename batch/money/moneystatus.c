/* moneystatus.c: payments and verification for status (see
 * moneystatus.h). */
#include "batch/money/moneystatus.h"

#include <string.h>

#include "batch/clock.h"
#include "batch/db.h"
#include "batch/intake/notice.h"
#include "common/termsafe.h"

static const char *col(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s ? (const char *)s : NULL;
}

static int prepare(sqlite3 *db, const char *sql, const char *aid,
                   sqlite3_stmt **st, ch_error *e)
{
	if (db_prepare(db, sql, st, e) < 0)
		return -1;
	if (db_bind(*st, "s", aid) < 0) {
		sqlite3_finalize(*st);
		*st = NULL;
		return db_fail(db, e, "database error");
	}
	return 0;
}

#define PAYMENTS_SQL \
	"SELECT p.line_id, f.file_name, l.line_no, p.amount_fen, l.booked_on," \
	" l.source, p.by_hand, p.reversed_by FROM payments p" \
	" JOIN statement_lines l USING (line_id)" \
	" JOIN statement_files f ON f.file_id = l.file_id" \
	" WHERE p.application_id = ? ORDER BY p.line_id"

/* The newest payout: exported and confirmed are told apart by the bank's
 * debit line. */
#define PAYOUT_SQL \
	"SELECT CASE WHEN state = 'exported' AND confirmed_line_id IS NOT NULL" \
	" THEN 'confirmed' ELSE state END, amount_fen, exported_at, expires_at," \
	" attempts_left, failure, batch_id FROM payouts" \
	" WHERE application_id = ? ORDER BY payout_id DESC LIMIT 1"

int moneystatus_json(sqlite3 *db, const char *aid, json_t *o, ch_error *e)
{
	sqlite3_stmt *st = NULL;
	json_t *arr = json_array(), *v = json_null();
	int k;

	if (!arr || prepare(db, PAYMENTS_SQL, aid, &st, e) < 0)
		goto fail;
	while ((k = db_step(db, st, e)) == 1) {
		json_t *p = json_pack("{s:I,s:s,s:I,s:I,s:s,s:s,s:s?,s:b}",
			"line", (json_int_t)sqlite3_column_int64(st, 0),
			"file", col(st, 1),
			"line_no", (json_int_t)sqlite3_column_int64(st, 2),
			"amount_fen", (json_int_t)sqlite3_column_int64(st, 3),
			"date", col(st, 4), "source", col(st, 5),
			"by_hand", col(st, 6),
			"reversed", sqlite3_column_type(st, 7) != SQLITE_NULL);
		if (!p || json_array_append_new(arr, p) < 0) {
			k = -1;
			ch_fail(e, NULL, 0, "out of memory");
			break;
		}
	}
	sqlite3_finalize(st);
	st = NULL;
	if (k < 0 || prepare(db, PAYOUT_SQL, aid, &st, e) < 0)
		goto fail;
	k = db_step(db, st, e);
	if (k < 0)
		goto fail;
	if (k == 1) {
		v = json_pack("{s:s,s:I,s:s?,s:s?,s:i,s:s?}",
			"payout", col(st, 0),
			"amount_fen", (json_int_t)sqlite3_column_int64(st, 1),
			"exported_at", col(st, 2), "expires_at", col(st, 3),
			"attempts_left", sqlite3_column_int(st, 4),
			"failure", col(st, 5));
		if (!v) {
			ch_fail(e, NULL, 0, "out of memory");
			goto fail;
		}
	}
	sqlite3_finalize(st);
	json_object_set_new(o, "payments", arr);
	json_object_set_new(o, "verification", v);
	return 0;
fail:
	sqlite3_finalize(st);
	json_decref(arr);
	json_decref(v);
	return -1;
}

int moneystatus_text(sqlite3 *db, const char *aid, FILE *out, ch_error *e)
{
	sqlite3_stmt *st = NULL;
	int k, n = 0;

	if (prepare(db, PAYMENTS_SQL, aid, &st, e) < 0)
		return -1;
	fprintf(out, "payments");
	while ((k = db_step(db, st, e)) == 1) {
		char yuan[32];
		notice_yuan(sqlite3_column_int64(st, 3), yuan);
		/* File names come from outside: written terminal-safe. */
		fprintf(out, "%s  line %lld (", n++ ? "" : "\n",
		        (long long)sqlite3_column_int64(st, 0));
		ch_term_fputs(col(st, 1), out);
		fprintf(out, ":%lld)  %s  %s 元  %s%s\n",
		        (long long)sqlite3_column_int64(st, 2), col(st, 4), yuan,
		        col(st, 5), sqlite3_column_type(st, 7) != SQLITE_NULL
		                        ? ", reversed" : "");
	}
	if (n == 0)
		fprintf(out, "               none\n");
	sqlite3_finalize(st);
	st = NULL;
	if (k < 0 || prepare(db, PAYOUT_SQL, aid, &st, e) < 0)
		return -1;
	k = db_step(db, st, e);
	if (k == 1) {
		char local[32];
		clock_show(col(st, 3) ? col(st, 3) : "", local, sizeof local);
		fprintf(out, "verification           payout %s, %d attempt(s) left%s%s\n",
		        col(st, 0), sqlite3_column_int(st, 4),
		        col(st, 3) ? ", expires " : "", col(st, 3) ? local : "");
	}
	sqlite3_finalize(st);
	return k < 0 ? -1 : 0;
}
