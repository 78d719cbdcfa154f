/* reconcile_takeback.c: money going back (冲正, 退汇, refunds) and
 * the bank's lines of our own payouts: sent, or returned. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch/db.h"
#include "batch/money/book.h"
#include "batch/money/names.h"
#include "batch/money/reconcile_line.h"

/* The exported payout a bank line is about: by the order number in its
 * memo, else by account and amount. 1 found (id in *payout), 0 none. */
static int find_payout(run *r, const line *l, int unconfirmed,
                       long long *payout, ch_error *e)
{
	memo_orders m;
	sqlite3_stmt *st;
	char *acct;
	int k;

	if (names_memo_orders(l->memo, &m) < 0)
		return ch_fail(e, NULL, 0, "out of memory");
	if (m.nvalid == 1) {
		st = rc_q(r, Q_PAYOUT_BY_NO, "SELECT p.payout_id FROM payouts p"
		          " JOIN applications a USING (application_id)"
		          " WHERE a.order_no = ? AND p.amount_fen = ?"
		          " AND p.state IN ('exported', 'verified')"
		          " AND (? = 0 OR p.confirmed_line_id IS NULL)"
		          " ORDER BY p.payout_id LIMIT 1", e);
		if (!st || db_bind(st, "sii", m.valid[0], l->amount,
		                   (long long)unconfirmed) < 0)
			return st ? db_fail(r->db, e, "database error") : -1;
	} else {
		acct = names_key(l->account ? l->account : "");
		if (!acct)
			return ch_fail(e, NULL, 0, "out of memory");
		st = rc_q(r, Q_PAYOUT_BY_ACCOUNT, "SELECT payout_id FROM payouts"
		          " WHERE account_key = ? AND amount_fen = ?"
		          " AND state IN ('exported', 'verified')"
		          " AND (? = 0 OR confirmed_line_id IS NULL)"
		          " ORDER BY payout_id LIMIT 1", e);
		k = st ? db_bind(st, "sii", acct, l->amount, (long long)unconfirmed)
		       : -1;
		free(acct);
		if (!st || k < 0)
			return st ? db_fail(r->db, e, "database error") : -1;
	}
	k = sqlite3_step(st);
	if (k == SQLITE_ROW) {
		*payout = sqlite3_column_int64(st, 0);
		return 1;
	}
	return k == SQLITE_DONE ? 0 : db_fail(r->db, e, "database error");
}

/* The code in a payout line's memo is withheld from the database: the
 * line and its raw text keep everything else. */
static int scrub(run *r, const line *l, long long payout, ch_error *e)
{
	sqlite3_stmt *st = NULL;
	char code[PAYOUT_CODE_LEN + 1];
	int k, rc = -1;

	if (!r->have_key)
		return 0;
	k = db_row(r->db, e, &st, "SELECT nonce FROM payouts WHERE payout_id = ?"
	           " AND nonce IS NOT NULL", "i", payout);
	if (k <= 0) {
		rc = k;
		goto out;
	}
	payout_code(r->key, rc_col(st, 0), code);
	if (db_run(r->db, e, "UPDATE statement_lines SET memo = replace(memo, ?1,"
	           " '******') WHERE line_id = ?2 AND instr(memo, ?1) > 0",
	           "si", code, l->id) < 0)
		goto out;
	r->scrubbed += sqlite3_changes(r->db);
	if (db_run(r->db, e, "UPDATE statement_file_lines SET raw = replace(raw,"
	           " ?1, '******') WHERE line_id = ?2 AND instr(raw, ?1) > 0",
	           "si", code, l->id) < 0)
		goto out;
	r->scrubbed += sqlite3_changes(r->db);
	rc = 0;
out:
	memset(code, 0, sizeof code);
	sqlite3_finalize(st);
	return rc;
}

/* A debit: our payout leaving, or not ours. */
int rc_bank_debit(run *r, const line *l, ch_error *e)
{
	long long payout;
	char reason[120];
	int k = find_payout(r, l, 1, &payout, e);

	if (k < 0)
		return -1;
	if (k == 0)
		return rc_decide(r, l, "not_ours", 0, "", NULL, 0, e);
	if (scrub(r, l, payout, e) < 0 ||
	    db_run(r->db, e, "UPDATE payouts SET confirmed_line_id = ?"
	           " WHERE payout_id = ? AND confirmed_line_id IS NULL", "ii",
	           l->id, payout) < 0)
		return -1;
	r->st->payouts_confirmed++;
	snprintf(reason, sizeof reason, "payout %lld sent", payout);
	return rc_decide(r, l, "payout_sent", 0, reason, NULL, 0, e);
}

/* A returned transfer (退汇) of our payout: the account refused it. */
static int payout_returned(run *r, const line *l, long long payout,
                           ch_error *e)
{
	char reason[120];
	int k;

	if (scrub(r, l, payout, e) < 0)
		return -1;
	k = book_fail_payout(r->ctx, r->db, payout, "returned",
	                     "对公账户退汇（账户信息有误或账户状态异常）", r->now, e);
	if (k < 0)
		return -1;
	if (k == 1) {
		snprintf(reason, sizeof reason, "returns payout %lld, but %.70s",
		         payout, e->msg);
		return rc_decide(r, l, "payout_returned", 1, reason, "[]", 0, e);
	}
	r->st->payouts_failed++;
	snprintf(reason, sizeof reason, "payout %lld returned by the bank", payout);
	return rc_decide(r, l, "payout_returned", 0, reason, NULL, 0, e);
}

/* 冲正, 退汇 and refunds take back an earlier line of the opposite
 * direction and the same amount (and account, or merchant order). */
int rc_reversal(run *r, const line *l, ch_error *e)
{
	sqlite3_stmt *st = NULL;
	long long orig, payout;
	char reason[200], why[96];
	int k, rc = -1, hand;

	if (!strcmp(l->direction, "credit") && l->source[0] == 'b') {
		k = find_payout(r, l, 0, &payout, e);
		if (k < 0)
			return -1;
		if (k == 1)
			return payout_returned(r, l, payout, e);
	}
	if (db_prepare(r->db,
	               "SELECT s.line_id, o.by_hand IS NOT NULL FROM statement_lines s"
	               " LEFT JOIN line_outcomes o USING (line_id)"
	               " WHERE s.amount_fen = ?1 AND s.direction = ?2"
	               " AND s.line_id < ?3 AND s.kind = 'normal' AND s.source = ?4"
	               " AND (CASE WHEN ?4 = 'bank'"
	               "  THEN certhall_key(s.counterparty_account) IS certhall_key(?5)"
	               "  ELSE certhall_key(s.merchant_order_no) IS certhall_key(?6) END)"
	               " AND (o.outcome IS NULL OR o.outcome NOT IN ('reversed'))"
	               " ORDER BY s.line_id DESC LIMIT 1", &st, e) < 0)
		return -1;
	if (db_bind(st, "isisss", l->amount,
	            strcmp(l->direction, "credit") ? "credit" : "debit", l->id,
	            l->source, l->account, l->merchant) < 0) {
		db_fail(r->db, e, "database error");
		goto out;
	}
	k = db_step(r->db, st, e);
	if (k < 0)
		goto out;
	if (k == 0) {
		cands none = {.n = 0, .truncated = 0};
		rc = rc_review(r, l, "reversal_unmatched", &none, "takes money back, "
		               "but no earlier line of this amount and payer is found", e);
		goto out;
	}
	orig = sqlite3_column_int64(st, 0);
	hand = sqlite3_column_int(st, 1);
	sqlite3_finalize(st);
	st = NULL;
	if (hand) {
		cands none = {.n = 0, .truncated = 0};
		snprintf(reason, sizeof reason, "takes back line %lld, which was "
		         "decided by hand: decide this one by hand too", orig);
		rc = rc_review(r, l, "reversal_unmatched", &none, reason, e);
		goto out;
	}
	/* The orders the original paid lose that money. An order that
	 * cannot go back (the table refuses) leaves its money where it was,
	 * and the line goes to the review queue. */
	snprintf(why, sizeof why, "line %lld taken back by line %lld", orig,
	         l->id);
	if (db_exec(r->db, "SAVEPOINT reversal", e) < 0 ||
	    db_run(r->db, e, "UPDATE payments SET reversed_by = ? WHERE"
	           " line_id = ? AND reversed_by IS NULL", "ii", l->id, orig) < 0)
		goto out;
	k = book_taken_back(r->db, orig, l->id, why, r->now, e);
	if (k < 0)
		goto out;
	if (k == 1) {
		cands none = {.n = 0, .truncated = 0};
		snprintf(reason, sizeof reason, "takes back line %lld: %.150s",
		         orig, e->msg);
		if (db_exec(r->db, "ROLLBACK TO reversal; RELEASE reversal", e) < 0)
			goto out;
		rc = rc_review(r, l, "reversal_unmatched", &none, reason, e);
		goto out;
	}
	if (db_exec(r->db, "RELEASE reversal", e) < 0)
		goto out;
	r->st->reversed++;
	snprintf(reason, sizeof reason, "taken back by line %lld (%s)", l->id,
	         l->kind);
	{
		line o = *l;
		o.id = orig;
		if (rc_decide(r, &o, "reversed", 0, reason, NULL, l->id, e) < 0 ||
		    db_run(r->db, e, "DELETE FROM line_waiting_orders WHERE"
		           " line_id = ?", "i", orig) < 0 ||
		    db_run(r->db, e, "DELETE FROM line_waiting WHERE line_id = ?",
		           "i", orig) < 0)
			goto out;
	}
	snprintf(reason, sizeof reason, "takes back line %lld", orig);
	rc = rc_decide(r, l, "reversal", 0, reason, NULL, orig, e);
out:
	sqlite3_finalize(st);
	return rc;
}
