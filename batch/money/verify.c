/* verify.c: checking a micro-deposit code (see verify.h). */
#include "batch/money/verify.h"

#include <string.h>

#include <nettle/memops.h>

#include "batch/clock.h"
#include "batch/db.h"
#include "batch/money/book.h"
#include "batch/money/payout.h"
#include "batch/orderno.h"
#include "batch/review/states.h"

typedef struct target {
	char aid[32], state[32], hash[65], expires[32], payout_state[16];
	long long payout;
	int attempts;
	int has_payout;
} target;

/* The order and its newest exported payout. 1 found, 0 no such order. */
static int find(sqlite3 *db, const char *order_no, target *t, ch_error *e)
{
	sqlite3_stmt *st = NULL;
	int k;

	memset(t, 0, sizeof *t);
	k = db_row(db, e, &st, "SELECT a.application_id, a.state, p.payout_id,"
	           " p.code_hash, p.expires_at, p.attempts_left, p.state"
	           " FROM applications a LEFT JOIN payouts p"
	           "  ON p.payout_id = (SELECT max(payout_id) FROM payouts x"
	           "   WHERE x.application_id = a.application_id"
	           "   AND x.state IN ('exported', 'verified', 'failed'))"
	           " WHERE a.order_no = ?",
	           "s", order_no);
	if (k == 1) {
		snprintf(t->aid, sizeof t->aid, "%s", sqlite3_column_text(st, 0));
		snprintf(t->state, sizeof t->state, "%s", sqlite3_column_text(st, 1));
		t->has_payout = sqlite3_column_type(st, 2) != SQLITE_NULL &&
		                sqlite3_column_type(st, 3) != SQLITE_NULL;
		if (t->has_payout) {
			t->payout = sqlite3_column_int64(st, 2);
			snprintf(t->hash, sizeof t->hash, "%s", sqlite3_column_text(st, 3));
			snprintf(t->expires, sizeof t->expires, "%s",
			         sqlite3_column_text(st, 4));
			t->attempts = sqlite3_column_int(st, 5);
			snprintf(t->payout_state, sizeof t->payout_state, "%s",
			         sqlite3_column_text(st, 6));
		}
	}
	sqlite3_finalize(st);
	return k;
}

static int attempt(sqlite3 *db, const target *t, const char *now,
                   const char *outcome, ch_error *e)
{
	return db_run(db, e, "INSERT INTO verify_attempts (payout_id, at, outcome)"
	              " VALUES (?,?,?)", "iss", t->payout, now, outcome);
}

/* Inside the transaction: 0 verified, 1 not, -1 error. */
static int check(batch_ctx *ctx, sqlite3 *db, const target *t,
                 const unsigned char *key, const char *code, const char *now,
                 FILE *out, ch_error *e)
{
	char hash[65];
	int k;

	if (strcmp(t->state, "awaiting_verification")) {
		if (t->has_payout && attempt(db, t, now, "refused", e) < 0)
			return -1;
		ch_fail(e, NULL, 0, "order is %s, not awaiting_verification", t->state);
		return 1;
	}
	/* Only the newest payout's code counts, and only while it is out:
	 * never a failed one's after a resubmission. */
	if (!t->has_payout || strcmp(t->payout_state, "exported")) {
		ch_fail(e, NULL, 0, "no code has been sent yet (the payout is not "
		        "exported)");
		return 1;
	}
	if (strcmp(now, t->expires) >= 0) {
		if (attempt(db, t, now, "expired", e) < 0)
			return -1;
		k = book_fail_payout(ctx, db, t->payout, "expired",
		                     PAYOUT_EXPIRED_REASON, now, e);
		if (k < 0)
			return -1;
		ch_fail(e, NULL, 0, "the code expired at %s: verification failed",
		        t->expires);
		return 1;
	}
	payout_code_hash(key, t->payout, code, hash);
	if (memeql_sec(hash, t->hash, 64)) {
		if (attempt(db, t, now, "verified", e) < 0 ||
		    db_run(db, e, "UPDATE payouts SET state = 'verified' WHERE"
		           " payout_id = ?", "i", t->payout) < 0)
			return -1;
		k = state_change(db, t->aid, "in_review", "verify: the right code",
		                 now, e);
		if (k == 0)
			fprintf(out, "verified: order moves to in_review\n");
		return k;
	}
	if (attempt(db, t, now, "wrong", e) < 0 ||
	    db_run(db, e, "UPDATE payouts SET attempts_left = attempts_left - 1"
	           " WHERE payout_id = ?", "i", t->payout) < 0)
		return -1;
	if (t->attempts - 1 > 0) {
		ch_fail(e, NULL, 0, "wrong code: %d attempt(s) left", t->attempts - 1);
		return 1;
	}
	k = book_fail_payout(ctx, db, t->payout, "attempts",
	                     "验证码输入错误次数过多", now, e);
	if (k < 0)
		return -1;
	ch_fail(e, NULL, 0, "wrong code: no attempts left, verification failed");
	return 1;
}

int verify_run(batch_ctx *ctx, sqlite3 *db, const char *order,
               const char *code, FILE *out, ch_error *e)
{
	unsigned char key[PAYOUT_KEY_LEN];
	char order_no[ORDERNO_LEN + 1], now[32];
	target t;
	ch_error why;
	int k, rc = -1;

	if (!orderno_parse(order, order_no)) {
		ch_fail(e, NULL, 0, "'%.40s' is not an order number (订单号): wrong "
		        "length or check character", order);
		return 2;
	}
	if (payout_key_need(&ctx->cfg, key, e) < 0)
		return -1;
	clock_now(now);
	if (db_exec(db, "PRAGMA secure_delete = ON", e) < 0 || db_begin(db, e) < 0)
		goto out;
	k = find(db, order_no, &t, e);
	if (k <= 0) {
		if (k == 0) {
			ch_fail(e, NULL, 0, "no order %s", order_no);
			rc = 1;
		}
		goto out;
	}
	k = check(ctx, db, &t, key, code, now, out, &why);
	if (k < 0) {
		*e = why;
		goto out;
	}
	if (db_commit(db, e) < 0)
		goto out;
	if (k == 1)
		*e = why;
	rc = k;
out:
	if (rc < 0 || (rc == 1 && !sqlite3_get_autocommit(db)))
		db_rollback(db);
	memset(key, 0, sizeof key);
	return rc;
}
