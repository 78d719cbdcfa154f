/* reconcile_credit.c: money in: a credit pays orders by the order
 * numbers in its memo, else by the payer's account; the payer's name
 * only ranks; a merchant-bill line by its 商户订单号. What is not certain
 * goes to the review queue. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch/db.h"
#include "batch/money/book.h"
#include "batch/money/names.h"
#include "batch/money/reconcile_line.h"

static int by_order_no(run *r, const char *no, cands *c, ch_error *e)
{
	sqlite3_stmt *st = rc_q(r, Q_BY_NO, "SELECT " CAND_COLS " FROM rc_orders o"
	                        " JOIN applications a USING (application_id)"
	                        " WHERE o.order_no = ?", e);
	int k;

	if (!st || db_bind(st, "s", no) < 0)
		return st ? db_fail(r->db, e, "database error") : -1;
	while ((k = sqlite3_step(st)) == SQLITE_ROW) {
		cand *x = rc_cand_add(c, st);
		if (x)
			x->by_memo = 1;
	}
	return k == SQLITE_DONE ? 0 : db_fail(r->db, e, "database error");
}

/* Orders whose basic account is the payer's, or whose organisation or
 * account name is the payer's name. */
static int by_payer(run *r, const char *acct, const char *name, cands *c,
                    ch_error *e)
{
	sqlite3_stmt *st;
	int k, rows = 0;

	if ((!acct || !*acct) && (!name || !*name))
		return 0;
	st = rc_q(r, Q_BY_PAYER, "SELECT " CAND_COLS ", o.account = ?1,"
	          " o.bank_name = ?2 OR o.org_name = ?2 FROM rc_orders o"
	          " JOIN applications a USING (application_id)"
	          " WHERE o.account = ?1 OR o.bank_name = ?2 OR o.org_name = ?2"
	          " ORDER BY o.order_no LIMIT " CAND_LIMIT, e);
	if (!st || db_bind(st, "ss", acct && *acct ? acct : NULL,
	                   name && *name ? name : NULL) < 0)
		return st ? db_fail(r->db, e, "database error") : -1;
	while ((k = sqlite3_step(st)) == SQLITE_ROW) {
		cand *x = rc_cand_add(c, st);
		if (++rows == MAX_CANDS || !x)
			c->truncated = 1;
		if (!x)
			continue;
		x->by_account |= sqlite3_column_int(st, 4);
		x->by_name |= sqlite3_column_int(st, 5);
	}
	return k == SQLITE_DONE ? 0 : db_fail(r->db, e, "database error");
}

/* Orders of the mistyped number's day within one typo of it. */
static int near(run *r, const char *tok, cands *c, ch_error *e)
{
	sqlite3_stmt *st;
	char lo[16], hi[16];
	int k;

	if (strlen(tok) != ORDERNO_LEN)
		return 0;
	snprintf(lo, sizeof lo, "%.10s", tok);
	snprintf(hi, sizeof hi, "%.10s~", tok);
	st = rc_q(r, Q_NEAR, "SELECT " CAND_COLS " FROM rc_orders o"
	          " JOIN applications a USING (application_id)"
	          " WHERE o.order_no >= ? AND o.order_no < ?", e);
	if (!st || db_bind(st, "ss", lo, hi) < 0)
		return st ? db_fail(r->db, e, "database error") : -1;
	while ((k = sqlite3_step(st)) == SQLITE_ROW) {
		cand *x;
		if (!names_near(tok, rc_col(st, 1)))
			continue;
		x = rc_cand_add(c, st);
		if (x)
			x->near = 1;
	}
	return k == SQLITE_DONE ? 0 : db_fail(r->db, e, "database error");
}

/* Books amount from l to x and moves the order on when paid in full. */
static int pay(run *r, const line *l, const cand *x, long long amount,
               ch_error *e)
{
	char why[96];

	snprintf(why, sizeof why, "paid by line %lld", l->id);
	if (book_payment(r->db, l->id, x->aid, amount, NULL, r->now, e) < 0)
		return -1;
	return book_settle(r->db, x->aid, why, r->now, e) < 0 ? -1 : 0;
}

/* Whether x had money before this line: a second transfer completes. */
static int had_partial(run *r, const cand *x, long long line_id, ch_error *e)
{
	sqlite3_stmt *st = rc_q(r, Q_PAID_BEFORE, "SELECT count(*) FROM payments"
	                        " WHERE application_id = ? AND line_id <> ?"
	                        " AND reversed_by IS NULL", e);

	if (!st || db_bind(st, "si", x->aid, line_id) < 0 ||
	    sqlite3_step(st) != SQLITE_ROW)
		return st ? db_fail(r->db, e, "database error") : -1;
	return sqlite3_column_int(st, 0) > 0;
}

static int pay_one(run *r, const line *l, const cand *x, const char *how,
                   ch_error *e)
{
	int before = had_partial(r, x, l->id, e);
	char reason[160];

	if (before < 0)
		return -1;
	if (pay(r, l, x, l->amount, e) < 0)
		return -1;
	snprintf(reason, sizeof reason, "pays %s in full (%s)", x->order_no, how);
	r->st->paid++;
	return rc_decide(r, l, before ? "completed" : "matched", 0, reason, NULL, 0, e);
}

static int open_order(const cand *x)
{
	return !strcmp(x->state, "awaiting_payment") && x->remaining > 0;
}

/* Several open orders paid by one transfer of exactly their sum. */
static int pay_all(run *r, const line *l, cands *c, int (*pick)(const cand *),
                   const char *how, ch_error *e)
{
	char reason[200];
	int n = 0;

	for (int i = 0; i < c->n; i++)
		if (pick(&c->v[i])) {
			if (pay(r, l, &c->v[i], c->v[i].remaining, e) < 0)
				return -1;
			n++;
		}
	snprintf(reason, sizeof reason, "pays %d orders of one payer, their sum "
	         "exactly (%s)", n, how);
	r->st->paid++;
	return rc_decide(r, l, "bulk", 0, reason, NULL, 0, e);
}

static int pick_memo(const cand *x) { return x->by_memo; }
static int pick_account_open(const cand *x)
{
	return x->by_account && open_order(x);
}

/* A credit whose memo names orders with a right check character. */
static int by_memo(run *r, const line *l, const memo_orders *m, cands *c,
                   ch_error *e)
{
	int named = 0, open = 0;
	long long sum = 0;
	const cand *x = NULL;
	char reason[200];

	for (int i = 0; i < c->n; i++)
		if (c->v[i].by_memo) {
			named++;
			x = &c->v[i];
			if (open_order(x)) {
				open++;
				sum += x->remaining;
			}
		}
	if (named < m->nvalid) {
		snprintf(reason, sizeof reason, "the memo names %d order number(s) "
		         "not on file", m->nvalid - named);
		return rc_review(r, l, "unknown_order", c, reason, e);
	}
	if (named > 1) {
		if (open == named && sum == l->amount)
			return pay_all(r, l, c, pick_memo, "memo", e);
		snprintf(reason, sizeof reason, "the memo names %d orders; %lld fen "
		         "is not the sum still due (%lld fen)", named, l->amount, sum);
		return rc_review(r, l, "several_orders", c, reason, e);
	}
	if (x->remaining <= 0) {
		snprintf(reason, sizeof reason, "%s is %s and owes nothing: a second "
		         "payment, to refund or keep by hand", x->order_no, x->state);
		return rc_review(r, l, "already_paid", c, reason, e);
	}
	if (strcmp(x->state, "awaiting_payment")) {
		snprintf(reason, sizeof reason, "%s is %s, not awaiting payment",
		         x->order_no, x->state);
		return rc_review(r, l, "not_awaiting_payment", c, reason, e);
	}
	if (l->amount == x->remaining)
		return pay_one(r, l, x, "memo", e);
	if (l->amount < x->remaining) {
		if (pay(r, l, x, l->amount, e) < 0)
			return -1;
		r->st->paid++;
		snprintf(reason, sizeof reason, "pays %lld of the %lld fen %s owed; "
		         "the order waits for the rest", l->amount, x->remaining,
		         x->order_no);
		return rc_decide(r, l, "partial", 0, reason, NULL, 0, e);
	}
	snprintf(reason, sizeof reason, "pays %lld fen for %s, which owes %lld: "
	         "overpaid by %lld", l->amount, x->order_no, x->remaining,
	         l->amount - x->remaining);
	return rc_review(r, l, "overpaid", c, reason, e);
}

/* A credit without an order number: the payer's account decides, the
 * name only ranks. */
static int by_account(run *r, const line *l, cands *c, ch_error *e)
{
	int acct = 0, open = 0, fits = 0, named_open = 0;
	long long sum = 0;
	const cand *fit = NULL;
	char reason[200];

	for (int i = 0; i < c->n; i++) {
		const cand *x = &c->v[i];
		if (x->by_name && open_order(x))
			named_open++;
		if (!x->by_account)
			continue;
		acct++;
		if (!open_order(x))
			continue;
		open++;
		sum += x->remaining;
		if (x->remaining == l->amount) {
			fits++;
			fit = x;
		}
	}
	if (c->truncated && (fits > 0 || open > 0)) {
		snprintf(reason, sizeof reason, "the payer has more than %d orders: "
		         "which this pays is for a person to say", MAX_CANDS);
		return rc_review(r, l, "fits_several", c, reason, e);
	}
	if (fits == 1)
		return pay_one(r, l, fit, "payer's account", e);
	if (fits > 1) {
		snprintf(reason, sizeof reason, "fits %d orders of the payer's "
		         "account exactly; the memo names none", fits);
		return rc_review(r, l, "fits_several", c, reason, e);
	}
	if (open > 1 && sum == l->amount)
		return pay_all(r, l, c, pick_account_open, "payer's account", e);
	if (open > 0) {
		snprintf(reason, sizeof reason, "the payer's account has %d open "
		         "order(s) owing %lld fen; %lld fen fits none", open, sum,
		         l->amount);
		return rc_review(r, l, "amount_differs", c, reason, e);
	}
	if (acct > 0)
		return rc_review(r, l, "already_paid", c, "the payer's account has "
		                 "orders, none awaiting payment", e);
	if (named_open > 0)
		return rc_review(r, l, "name_only", c, "the payer's name is an "
		                 "applicant's, but neither memo nor account says which "
		                 "order", e);
	return rc_decide(r, l, "not_ours", 0, "", NULL, 0, e);
}

/* A credit no order claims (not ours, or naming an order not on file)
 * waits under its keys; any other decision ends the wait. */
static int waiting(run *r, const line *l, const char *acct, const char *payer,
                   const memo_orders *m, ch_error *e)
{
	sqlite3_stmt *st;
	int wait = !strcmp(r->last, "not_ours") || !strcmp(r->last, "unknown_order");

	st = rc_q(r, Q_UNWAIT_NO, "DELETE FROM line_waiting_orders WHERE line_id = ?",
	          e);
	if (!st || db_bind(st, "i", l->id) < 0 || sqlite3_step(st) != SQLITE_DONE)
		return st ? db_fail(r->db, e, "database error") : -1;
	if (!wait) {
		st = rc_q(r, Q_UNWAIT, "DELETE FROM line_waiting WHERE line_id = ?", e);
		if (!st || db_bind(st, "i", l->id) < 0 ||
		    sqlite3_step(st) != SQLITE_DONE)
			return st ? db_fail(r->db, e, "database error") : -1;
		return 0;
	}
	st = rc_q(r, Q_WAIT, "INSERT INTO line_waiting (line_id, account, payer,"
	          " decided_at) VALUES (?1, nullif(?2, ''), nullif(?3, ''), ?4)"
	          " ON CONFLICT (line_id) DO UPDATE SET account = excluded.account,"
	          " payer = excluded.payer, decided_at = excluded.decided_at", e);
	if (!st || db_bind(st, "isss", l->id, acct, payer, r->now) < 0 ||
	    sqlite3_step(st) != SQLITE_DONE)
		return st ? db_fail(r->db, e, "database error") : -1;
	for (int i = 0; m && i < m->nvalid; i++) {
		st = rc_q(r, Q_WAIT_NO, "INSERT OR IGNORE INTO line_waiting_orders"
		          " (order_no, line_id) VALUES (?, ?)", e);
		if (!st || db_bind(st, "si", m->valid[i], l->id) < 0 ||
		    sqlite3_step(st) != SQLITE_DONE)
			return st ? db_fail(r->db, e, "database error") : -1;
	}
	return 0;
}

int rc_bank_credit(run *r, const line *l, ch_error *e)
{
	memo_orders m;
	cands c;
	char *acct = names_key(l->account), *name = names_payer(l->name);
	int rc = -1;

	c.n = c.truncated = 0;
	if ((l->account && !acct) || (l->name && !name) ||
	    names_memo_orders(l->memo, &m) < 0) {
		ch_fail(e, NULL, 0, "out of memory");
		goto out;
	}
	for (int i = 0; i < m.nvalid; i++)
		if (by_order_no(r, m.valid[i], &c, e) < 0)
			goto out;
	if (m.nvalid == 0)
		for (int i = 0; i < m.nmistyped; i++)
			if (near(r, m.mistyped[i], &c, e) < 0)
				goto out;
	if (by_payer(r, acct, name, &c, e) < 0)
		goto out;
	if (m.overflow)
		rc = rc_review(r, l, "several_orders", &c, "the memo names more order "
		               "numbers than reconcile weighs", e);
	else if (m.nvalid > 0)
		rc = by_memo(r, l, &m, &c, e);
	else if (m.nmistyped > 0) {
		char reason[120];
		snprintf(reason, sizeof reason, "the memo's order number %.20s has a "
		         "wrong check character or length", m.mistyped[0]);
		rc = rc_review(r, l, "mistyped_order_no", &c, reason, e);
	} else
		rc = by_account(r, l, &c, e);
	if (rc == 0)
		rc = waiting(r, l, acct, name, &m, e);
out:
	free(acct);
	free(name);
	return rc;
}

/* A merchant-bill payment: its 商户订单号 is our order number. */
int rc_online_credit(run *r, const line *l, ch_error *e)
{
	memo_orders m;
	cands c;

	c.n = c.truncated = 0;
	if (names_memo_orders(l->merchant, &m) < 0)
		return ch_fail(e, NULL, 0, "out of memory");
	if (m.nvalid == 1) {
		if (by_order_no(r, m.valid[0], &c, e) < 0 ||
		    by_memo(r, l, &m, &c, e) < 0)
			return -1;
		return waiting(r, l, NULL, NULL, &m, e);
	}
	if (m.nvalid > 1 || m.nmistyped > 0) {
		for (int i = 0; i < m.nvalid; i++)
			if (by_order_no(r, m.valid[i], &c, e) < 0)
				return -1;
		return rc_review(r, l, "mistyped_order_no", &c, "the merchant order "
		                 "number is not one order number", e);
	}
	return rc_decide(r, l, "not_ours", 0, "", NULL, 0, e);
}
