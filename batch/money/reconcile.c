/* reconcile.c: one reconciliation run (see reconcile.h). Each line is
 * decided by indexed look-ups (order number, payer account, payer name,
 * amount), never by comparing every line with every order, so a run
 * grows with n log n and holds one line at a time. */
#include "batch/money/reconcile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch/clock.h"
#include "batch/db.h"
#include "batch/money/book.h"
#include "batch/money/names.h"
#include "batch/money/reconcile_line.h"

static int one_line(run *r, const line *l, ch_error *e)
{
	r->st->lines++;
	if (strcmp(l->kind, "normal"))
		return rc_reversal(r, l, e);
	if (!strcmp(l->source, "bank"))
		return strcmp(l->direction, "credit") ? rc_bank_debit(r, l, e)
		                                       : rc_bank_credit(r, l, e);
	if (!strcmp(l->direction, "credit"))
		return rc_online_credit(r, l, e);
	return rc_decide(r, l, "not_ours", 0, "", NULL, 0, e);
}

/* A waiting line's outcome: the wait ends with any other. */
#define STILL_WAITING "lo.outcome IN ('not_ours', 'unknown_order')"

/* What every order looks like to a payer: its basic account and names
 * folded the way payer lines are, indexed; rebuilt each run. */
static int build_orders(run *r, ch_error *e)
{
	return db_exec(r->db,
		"DROP TABLE IF EXISTS temp.rc_orders;"
		"DROP TABLE IF EXISTS temp.rc_todo;"
		"CREATE TEMP TABLE rc_orders AS"
		" SELECT a.application_id, a.order_no, a.updated_at,"
		"  certhall_key(json_extract(r.application_json, '$.bank_account.number')) AS account,"
		"  certhall_payer(json_extract(r.application_json, '$.bank_account.name')) AS bank_name,"
		"  certhall_payer(json_extract(r.application_json, '$.organization.name')) AS org_name"
		" FROM applications a JOIN revisions r"
		"  ON r.application_id = a.application_id AND r.revision ="
		"  (SELECT max(x.revision) FROM revisions x WHERE"
		"   x.application_id = a.application_id AND x.outcome = 'accepted')"
		" WHERE a.order_no IS NOT NULL;"
		"CREATE INDEX temp.rc_orders_no ON rc_orders(order_no);"
		"CREATE INDEX temp.rc_orders_account ON rc_orders(account);"
		"CREATE INDEX temp.rc_orders_bank ON rc_orders(bank_name);"
		"CREATE INDEX temp.rc_orders_org ON rc_orders(org_name);"
		/* The lines to decide: new ones, and waiting credits whose keys
		 * an order changed since (a new revision, a payment undone)
		 * shares. The rest of the review queue is left to finance: a
		 * later run must not turn a doubt into a guess. */
		"CREATE TEMP TABLE rc_todo (line_id INTEGER PRIMARY KEY);"
		"INSERT INTO rc_todo SELECT s.line_id FROM statement_lines s"
		" WHERE NOT EXISTS (SELECT 1 FROM line_outcomes o"
		"  WHERE o.line_id = s.line_id);"
		"INSERT OR IGNORE INTO rc_todo SELECT w.line_id FROM rc_orders o"
		" JOIN line_waiting w ON w.account = o.account"
		" JOIN line_outcomes lo ON lo.line_id = w.line_id"
		" WHERE o.updated_at > w.decided_at AND " STILL_WAITING ";"
		"INSERT OR IGNORE INTO rc_todo SELECT w.line_id FROM rc_orders o"
		" JOIN line_waiting w ON w.payer = o.bank_name"
		" JOIN line_outcomes lo ON lo.line_id = w.line_id"
		" WHERE o.updated_at > w.decided_at AND " STILL_WAITING ";"
		"INSERT OR IGNORE INTO rc_todo SELECT w.line_id FROM rc_orders o"
		" JOIN line_waiting w ON w.payer = o.org_name"
		" JOIN line_outcomes lo ON lo.line_id = w.line_id"
		" WHERE o.updated_at > w.decided_at AND " STILL_WAITING ";"
		"INSERT OR IGNORE INTO rc_todo SELECT w.line_id FROM rc_orders o"
		" JOIN line_waiting_orders t ON t.order_no = o.order_no"
		" JOIN line_waiting w ON w.line_id = t.line_id"
		" JOIN line_outcomes lo ON lo.line_id = w.line_id"
		" WHERE o.updated_at > w.decided_at AND " STILL_WAITING ";"
		/* A hand decision ends any wait. */
		"DELETE FROM rc_todo WHERE line_id IN (SELECT line_id FROM"
		" hand_decisions);", e);
}

static int lines(run *r, ch_error *e)
{
	sqlite3_stmt *st = NULL;
	int k;

	if (db_prepare(r->db, "SELECT s.line_id, s.amount_fen, s.source,"
	               " s.direction, s.kind, s.memo, s.counterparty_name,"
	               " s.counterparty_account, s.merchant_order_no"
	               " FROM rc_todo t JOIN statement_lines s USING (line_id)"
	               " ORDER BY t.line_id", &st, e) < 0)
		return -1;
	while ((k = db_step(r->db, st, e)) == 1) {
		line l;
		l.id = sqlite3_column_int64(st, 0);
		l.amount = sqlite3_column_int64(st, 1);
		snprintf(l.source, sizeof l.source, "%s", rc_col(st, 2));
		snprintf(l.direction, sizeof l.direction, "%s", rc_col(st, 3));
		snprintf(l.kind, sizeof l.kind, "%s", rc_col(st, 4));
		l.memo = rc_col(st, 5);
		l.name = rc_col(st, 6);
		l.account = rc_col(st, 7);
		l.merchant = rc_col(st, 8);
		if (one_line(r, &l, e) < 0) {
			k = -1;
			break;
		}
	}
	sqlite3_finalize(st);
	return k < 0 ? -1 : 0;
}

/* Orders paid in full but still awaiting payment (a new revision came
 * in, or a hand decision), and payouts past their expiry. */
static int sweep(run *r, ch_error *e)
{
	sqlite3_stmt *st = NULL;
	int k;

	if (db_prepare(r->db, "SELECT application_id FROM applications WHERE"
	               " state = 'awaiting_payment' AND amount_due_fen > 0"
	               " AND amount_paid_fen >= amount_due_fen"
	               " ORDER BY application_id", &st, e) < 0)
		return -1;
	while ((k = db_step(r->db, st, e)) == 1) {
		char aid[32];
		snprintf(aid, sizeof aid, "%s", rc_col(st, 0));
		if (book_settle(r->db, aid, "paid in full", r->now, e) < 0) {
			k = -1;
			break;
		}
	}
	sqlite3_finalize(st);
	st = NULL;
	if (k < 0)
		return -1;
	if (db_prepare(r->db, "SELECT payout_id FROM payouts WHERE"
	               " state = 'exported' AND expires_at <= ?"
	               " ORDER BY payout_id", &st, e) < 0)
		return -1;
	if (db_bind(st, "s", r->now) < 0) {
		sqlite3_finalize(st);
		return db_fail(r->db, e, "database error");
	}
	while ((k = db_step(r->db, st, e)) == 1) {
		int f = book_fail_payout(r->ctx, r->db, sqlite3_column_int64(st, 0),
		                         "expired", PAYOUT_EXPIRED_REASON, r->now,
		                         e);
		if (f < 0) {
			k = -1;
			break;
		}
		r->st->payouts_failed += f == 0;
	}
	sqlite3_finalize(st);
	return k < 0 ? -1 : 0;
}

static int count(sqlite3 *db, const char *sql, long long *out, ch_error *e)
{
	sqlite3_stmt *st = NULL;
	int k;

	k = db_row(db, e, &st, sql, "");
	if (k == 1)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return k < 0 ? -1 : 0;
}

int reconcile_run(batch_ctx *ctx, sqlite3 *db, reconcile_stats *st,
                  ch_error *e)
{
	run r;
	int k, rc = -1;

	memset(&r, 0, sizeof r);
	memset(st, 0, sizeof *st);
	r.ctx = ctx;
	r.db = db;
	r.st = st;
	clock_now(r.now);
	k = payout_key_load(&ctx->cfg, r.key, e);
	if (k < 0)
		return -1;
	r.have_key = k;
	/* A page cache of 24 MiB keeps a million-line run under 64 MiB
	 * while holding the indexes it updates; freed pages
	 * are zeroed, since a scrubbed memo held a code. */
	if (names_register(db) < 0)
		return db_fail(db, e, "cannot register functions");
	if (db_exec(db, "PRAGMA cache_size = -24576; PRAGMA temp_store = FILE;"
	            " PRAGMA secure_delete = ON;", e) < 0 ||
	    db_begin(db, e) < 0)
		return -1;
	if (build_orders(&r, e) < 0 || lines(&r, e) < 0 || sweep(&r, e) < 0)
		goto out;
	for (int i = 0; i < NQ; i++) {
		sqlite3_finalize(r.q[i]);
		r.q[i] = NULL;
	}
	/* Totals after the run, not of the lines looked at again. */
	if (count(db, "SELECT count(*) FROM line_outcomes WHERE review = 1",
	          &st->review, e) < 0 ||
	    count(db, "SELECT count(*) FROM line_outcomes WHERE outcome = 'not_ours'",
	          &st->not_ours, e) < 0 ||
	    db_exec(db, "DROP TABLE temp.rc_orders; DROP TABLE temp.rc_todo;", e) < 0)
		goto out;
	if (db_commit(db, e) < 0)
		goto out;
	/* The WAL still holds the pages as they were before the scrub. */
	if (r.scrubbed)
		sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL,
		                          NULL);
	rc = 0;
out:
	for (int i = 0; i < NQ; i++)
		sqlite3_finalize(r.q[i]);
	if (rc < 0)
		db_rollback(db);
	memset(r.key, 0, sizeof r.key);
	return rc;
}
