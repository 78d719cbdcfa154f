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
#include "batch/money/payout.h"
#include "common/buf.h"

#define MAX_CANDS 32   /* looked at per line */
#define CAND_LIMIT "32" /* the same, in SQL */
#define SHOWN_CANDS 10 /* kept in the review queue */

enum {
	Q_LINE, Q_BY_NO, Q_BY_PAYER, Q_NEAR, Q_OUTCOME, Q_PAYOUT_BY_NO,
	Q_PAYOUT_BY_ACCOUNT, Q_PAID_BEFORE, Q_WAIT, Q_WAIT_NO, Q_UNWAIT,
	Q_UNWAIT_NO, NQ
};

typedef struct run {
	batch_ctx *ctx;
	sqlite3 *db;
	char now[32];
	reconcile_stats *st;
	sqlite3_stmt *q[NQ];
	unsigned char key[PAYOUT_KEY_LEN];
	int have_key;
	int scrubbed;
	const char *last; /* the outcome decide() wrote last */
} run;

typedef struct line {
	long long id, amount;
	char source[8], direction[8], kind[10];
	const char *memo, *name, *account, *merchant, *serial;
} line;

typedef struct cand {
	char aid[32], order_no[ORDERNO_LEN + 1], state[32];
	long long remaining;
	int by_memo, by_account, by_name, near;
} cand;

typedef struct cands {
	cand v[MAX_CANDS];
	int n;
	int truncated; /* the payer has more orders than were looked at */
} cands;

/* The statement kept for the run: prepared once, reset for each use. */
static sqlite3_stmt *q(run *r, int slot, const char *sql, ch_error *e)
{
	if (!r->q[slot]) {
		if (sqlite3_prepare_v3(r->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
		                       &r->q[slot], NULL) != SQLITE_OK) {
			r->q[slot] = NULL;
			db_fail(r->db, e, "database error");
			return NULL;
		}
	} else {
		sqlite3_reset(r->q[slot]);
		sqlite3_clear_bindings(r->q[slot]);
	}
	return r->q[slot];
}

static const char *col(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s ? (const char *)s : NULL;
}

/* Records the line's decision; the row changes only when the decision
 * does, so that a rerun writes nothing. */
static int decide(run *r, const line *l, const char *outcome, int review,
                  const char *reason, const char *candidates, long long related,
                  ch_error *e)
{
	sqlite3_stmt *st = q(r, Q_OUTCOME,
		"INSERT INTO line_outcomes (line_id, outcome, review, reason,"
		" candidates_json, related_line_id, decided_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, nullif(?6, 0), ?7)"
		" ON CONFLICT (line_id) DO UPDATE SET outcome = excluded.outcome,"
		" review = excluded.review, reason = excluded.reason,"
		" candidates_json = excluded.candidates_json,"
		" related_line_id = excluded.related_line_id,"
		" decided_at = excluded.decided_at"
		" WHERE by_hand IS NULL AND (outcome <> excluded.outcome"
		" OR review <> excluded.review OR reason <> excluded.reason"
		" OR candidates_json <> excluded.candidates_json"
		" OR related_line_id IS NOT excluded.related_line_id)", e);

	if (!st)
		return -1;
	r->last = outcome;
	if (db_bind(st, "isissis", l->id, outcome, (long long)review, reason,
	            candidates ? candidates : "[]", related, r->now) < 0 ||
	    sqlite3_step(st) != SQLITE_DONE)
		return db_fail(r->db, e, "database error");
	if (review)
		r->st->review++;
	else if (!strcmp(outcome, "not_ours"))
		r->st->not_ours++;
	return 0;
}

static cand *cand_add(cands *c, sqlite3_stmt *st)
{
	const char *aid = col(st, 0);

	for (int i = 0; i < c->n; i++)
		if (!strcmp(c->v[i].aid, aid))
			return &c->v[i];
	if (c->n == MAX_CANDS)
		return NULL;
	memset(&c->v[c->n], 0, sizeof c->v[c->n]);
	snprintf(c->v[c->n].aid, sizeof c->v[c->n].aid, "%s", aid);
	snprintf(c->v[c->n].order_no, sizeof c->v[c->n].order_no, "%s", col(st, 1));
	snprintf(c->v[c->n].state, sizeof c->v[c->n].state, "%s", col(st, 2));
	c->v[c->n].remaining = sqlite3_column_int64(st, 3);
	return &c->v[c->n++];
}

#define CAND_COLS "o.application_id, o.order_no, a.state," \
	" a.amount_due_fen - a.amount_paid_fen"

static int by_order_no(run *r, const char *no, cands *c, ch_error *e)
{
	sqlite3_stmt *st = q(r, Q_BY_NO, "SELECT " CAND_COLS " FROM rc_orders o"
	                     " JOIN applications a USING (application_id)"
	                     " WHERE o.order_no = ?", e);
	int k;

	if (!st || db_bind(st, "s", no) < 0)
		return st ? db_fail(r->db, e, "database error") : -1;
	while ((k = sqlite3_step(st)) == SQLITE_ROW) {
		cand *x = cand_add(c, st);
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
	st = q(r, Q_BY_PAYER, "SELECT " CAND_COLS ", o.account = ?1,"
	       " o.bank_name = ?2 OR o.org_name = ?2 FROM rc_orders o"
	       " JOIN applications a USING (application_id)"
	       " WHERE o.account = ?1 OR o.bank_name = ?2 OR o.org_name = ?2"
	       " ORDER BY o.order_no LIMIT " CAND_LIMIT, e);
	if (!st || db_bind(st, "ss", acct && *acct ? acct : NULL,
	                   name && *name ? name : NULL) < 0)
		return st ? db_fail(r->db, e, "database error") : -1;
	while ((k = sqlite3_step(st)) == SQLITE_ROW) {
		cand *x = cand_add(c, st);
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
	st = q(r, Q_NEAR, "SELECT " CAND_COLS " FROM rc_orders o"
	       " JOIN applications a USING (application_id)"
	       " WHERE o.order_no >= ? AND o.order_no < ?", e);
	if (!st || db_bind(st, "ss", lo, hi) < 0)
		return st ? db_fail(r->db, e, "database error") : -1;
	while ((k = sqlite3_step(st)) == SQLITE_ROW) {
		cand *x;
		if (!names_near(tok, col(st, 1)))
			continue;
		x = cand_add(c, st);
		if (x)
			x->near = 1;
	}
	return k == SQLITE_DONE ? 0 : db_fail(r->db, e, "database error");
}

static int score(const cand *x, long long amount)
{
	return x->by_memo * 16 + x->near * 8 + x->by_account * 4 +
	       x->by_name * 2 + (x->remaining == amount);
}

/* The candidates, best first, as the review queue shows them. */
static char *cands_json(cands *c, long long amount)
{
	ch_buf b = CH_BUF_INIT;
	int shown = 0;

	for (int i = 1; i < c->n; i++) /* insertion sort: at most 32 */
		for (int j = i; j > 0 && (score(&c->v[j], amount) >
		                          score(&c->v[j - 1], amount) ||
		                          (score(&c->v[j], amount) ==
		                           score(&c->v[j - 1], amount) &&
		                           strcmp(c->v[j].order_no, c->v[j - 1].order_no) < 0));
		     j--) {
			cand t = c->v[j];
			c->v[j] = c->v[j - 1];
			c->v[j - 1] = t;
		}
	ch_buf_putc(&b, '[');
	for (int i = 0; i < c->n && shown < SHOWN_CANDS; i++, shown++) {
		const cand *x = &c->v[i];
		ch_buf_printf(&b, "%s{\"order_no\":\"%s\",\"application_id\":\"%s\","
		              "\"state\":\"%s\",\"remaining_fen\":%lld,\"score\":%d,"
		              "\"why\":\"%s%s%s%s%s\"}", i ? "," : "", x->order_no,
		              x->aid, x->state, x->remaining, score(x, amount),
		              x->by_memo ? "memo " : "", x->near ? "near_order_no " : "",
		              x->by_account ? "account " : "", x->by_name ? "name " : "",
		              x->remaining == amount ? "amount" : "");
	}
	ch_buf_putc(&b, ']');
	if (!ch_buf_ok(&b)) {
		ch_buf_free(&b);
		return NULL;
	}
	return ch_buf_detach(&b, NULL);
}

static int review(run *r, const line *l, const char *outcome, cands *c,
                  const char *reason, ch_error *e)
{
	char *j = cands_json(c, l->amount);
	int rc;

	if (!j)
		return ch_fail(e, NULL, 0, "out of memory");
	rc = decide(r, l, outcome, 1, reason, j, 0, e);
	free(j);
	return rc;
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
	sqlite3_stmt *st = q(r, Q_PAID_BEFORE, "SELECT count(*) FROM payments"
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
	return decide(r, l, before ? "completed" : "matched", 0, reason, NULL, 0, e);
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
	return decide(r, l, "bulk", 0, reason, NULL, 0, e);
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
		return review(r, l, "unknown_order", c, reason, e);
	}
	if (named > 1) {
		if (open == named && sum == l->amount)
			return pay_all(r, l, c, pick_memo, "memo", e);
		snprintf(reason, sizeof reason, "the memo names %d orders; %lld fen "
		         "is not the sum still due (%lld fen)", named, l->amount, sum);
		return review(r, l, "several_orders", c, reason, e);
	}
	if (x->remaining <= 0) {
		snprintf(reason, sizeof reason, "%s is %s and owes nothing: a second "
		         "payment, to refund or keep by hand", x->order_no, x->state);
		return review(r, l, "already_paid", c, reason, e);
	}
	if (strcmp(x->state, "awaiting_payment")) {
		snprintf(reason, sizeof reason, "%s is %s, not awaiting payment",
		         x->order_no, x->state);
		return review(r, l, "not_awaiting_payment", c, reason, e);
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
		return decide(r, l, "partial", 0, reason, NULL, 0, e);
	}
	snprintf(reason, sizeof reason, "pays %lld fen for %s, which owes %lld: "
	         "overpaid by %lld", l->amount, x->order_no, x->remaining,
	         l->amount - x->remaining);
	return review(r, l, "overpaid", c, reason, e);
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
		return review(r, l, "fits_several", c, reason, e);
	}
	if (fits == 1)
		return pay_one(r, l, fit, "payer's account", e);
	if (fits > 1) {
		snprintf(reason, sizeof reason, "fits %d orders of the payer's "
		         "account exactly; the memo names none", fits);
		return review(r, l, "fits_several", c, reason, e);
	}
	if (open > 1 && sum == l->amount)
		return pay_all(r, l, c, pick_account_open, "payer's account", e);
	if (open > 0) {
		snprintf(reason, sizeof reason, "the payer's account has %d open "
		         "order(s) owing %lld fen; %lld fen fits none", open, sum,
		         l->amount);
		return review(r, l, "amount_differs", c, reason, e);
	}
	if (acct > 0)
		return review(r, l, "already_paid", c, "the payer's account has "
		              "orders, none awaiting payment", e);
	if (named_open > 0)
		return review(r, l, "name_only", c, "the payer's name is an "
		              "applicant's, but neither memo nor account says which "
		              "order", e);
	return decide(r, l, "not_ours", 0, "", NULL, 0, e);
}

/* A credit no order claims (not ours, or naming an order not on file)
 * waits under its keys; any other decision ends the wait. */
static int waiting(run *r, const line *l, const char *acct, const char *payer,
                   const memo_orders *m, ch_error *e)
{
	sqlite3_stmt *st;
	int wait = !strcmp(r->last, "not_ours") || !strcmp(r->last, "unknown_order");

	st = q(r, Q_UNWAIT_NO, "DELETE FROM line_waiting_orders WHERE line_id = ?",
	       e);
	if (!st || db_bind(st, "i", l->id) < 0 || sqlite3_step(st) != SQLITE_DONE)
		return st ? db_fail(r->db, e, "database error") : -1;
	if (!wait) {
		st = q(r, Q_UNWAIT, "DELETE FROM line_waiting WHERE line_id = ?", e);
		if (!st || db_bind(st, "i", l->id) < 0 ||
		    sqlite3_step(st) != SQLITE_DONE)
			return st ? db_fail(r->db, e, "database error") : -1;
		return 0;
	}
	st = q(r, Q_WAIT, "INSERT INTO line_waiting (line_id, account, payer,"
	       " decided_at) VALUES (?1, nullif(?2, ''), nullif(?3, ''), ?4)"
	       " ON CONFLICT (line_id) DO UPDATE SET account = excluded.account,"
	       " payer = excluded.payer, decided_at = excluded.decided_at", e);
	if (!st || db_bind(st, "isss", l->id, acct, payer, r->now) < 0 ||
	    sqlite3_step(st) != SQLITE_DONE)
		return st ? db_fail(r->db, e, "database error") : -1;
	for (int i = 0; m && i < m->nvalid; i++) {
		st = q(r, Q_WAIT_NO, "INSERT OR IGNORE INTO line_waiting_orders"
		       " (order_no, line_id) VALUES (?, ?)", e);
		if (!st || db_bind(st, "si", m->valid[i], l->id) < 0 ||
		    sqlite3_step(st) != SQLITE_DONE)
			return st ? db_fail(r->db, e, "database error") : -1;
	}
	return 0;
}

static int bank_credit(run *r, const line *l, ch_error *e)
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
		rc = review(r, l, "several_orders", &c, "the memo names more order "
		            "numbers than reconcile weighs", e);
	else if (m.nvalid > 0)
		rc = by_memo(r, l, &m, &c, e);
	else if (m.nmistyped > 0) {
		char reason[120];
		snprintf(reason, sizeof reason, "the memo's order number %.20s has a "
		         "wrong check character or length", m.mistyped[0]);
		rc = review(r, l, "mistyped_order_no", &c, reason, e);
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
static int online_credit(run *r, const line *l, ch_error *e)
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
		return review(r, l, "mistyped_order_no", &c, "the merchant order "
		              "number is not one order number", e);
	}
	return decide(r, l, "not_ours", 0, "", NULL, 0, e);
}

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
		st = q(r, Q_PAYOUT_BY_NO, "SELECT p.payout_id FROM payouts p"
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
		st = q(r, Q_PAYOUT_BY_ACCOUNT, "SELECT payout_id FROM payouts"
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
	if (db_prepare(r->db, "SELECT nonce FROM payouts WHERE payout_id = ?"
	               " AND nonce IS NOT NULL", &st, e) < 0)
		return -1;
	if (db_bind(st, "i", payout) < 0) {
		db_fail(r->db, e, "database error");
		goto out;
	}
	k = db_step(r->db, st, e);
	if (k <= 0) {
		rc = k;
		goto out;
	}
	payout_code(r->key, col(st, 0), code);
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
static int bank_debit(run *r, const line *l, ch_error *e)
{
	long long payout;
	char reason[120];
	int k = find_payout(r, l, 1, &payout, e);

	if (k < 0)
		return -1;
	if (k == 0)
		return decide(r, l, "not_ours", 0, "", NULL, 0, e);
	if (scrub(r, l, payout, e) < 0 ||
	    db_run(r->db, e, "UPDATE payouts SET confirmed_line_id = ?"
	           " WHERE payout_id = ? AND confirmed_line_id IS NULL", "ii",
	           l->id, payout) < 0)
		return -1;
	r->st->payouts_confirmed++;
	snprintf(reason, sizeof reason, "payout %lld sent", payout);
	return decide(r, l, "payout_sent", 0, reason, NULL, 0, e);
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
		return decide(r, l, "payout_returned", 1, reason, "[]", 0, e);
	}
	r->st->payouts_failed++;
	snprintf(reason, sizeof reason, "payout %lld returned by the bank", payout);
	return decide(r, l, "payout_returned", 0, reason, NULL, 0, e);
}

/* 冲正, 退汇 and refunds take back an earlier line of the opposite
 * direction and the same amount (and account, or merchant order). */
static int reversal(run *r, const line *l, ch_error *e)
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
		rc = review(r, l, "reversal_unmatched", &none, "takes money back, "
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
		rc = review(r, l, "reversal_unmatched", &none, reason, e);
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
		rc = review(r, l, "reversal_unmatched", &none, reason, e);
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
		if (decide(r, &o, "reversed", 0, reason, NULL, l->id, e) < 0)
			goto out;
	}
	snprintf(reason, sizeof reason, "takes back line %lld", orig);
	rc = decide(r, l, "reversal", 0, reason, NULL, orig, e);
out:
	sqlite3_finalize(st);
	return rc;
}

static int one_line(run *r, const line *l, ch_error *e)
{
	r->st->lines++;
	if (strcmp(l->kind, "normal"))
		return reversal(r, l, e);
	if (!strcmp(l->source, "bank"))
		return strcmp(l->direction, "credit") ? bank_debit(r, l, e)
		                                       : bank_credit(r, l, e);
	if (!strcmp(l->direction, "credit"))
		return online_credit(r, l, e);
	return decide(r, l, "not_ours", 0, "", NULL, 0, e);
}

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
		" WHERE o.updated_at > w.decided_at;"
		"INSERT OR IGNORE INTO rc_todo SELECT w.line_id FROM rc_orders o"
		" JOIN line_waiting w ON w.payer = o.bank_name"
		" WHERE o.updated_at > w.decided_at;"
		"INSERT OR IGNORE INTO rc_todo SELECT w.line_id FROM rc_orders o"
		" JOIN line_waiting w ON w.payer = o.org_name"
		" WHERE o.updated_at > w.decided_at;"
		"INSERT OR IGNORE INTO rc_todo SELECT w.line_id FROM rc_orders o"
		" JOIN line_waiting_orders t ON t.order_no = o.order_no"
		" JOIN line_waiting w ON w.line_id = t.line_id"
		" WHERE o.updated_at > w.decided_at;"
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
	               " s.counterparty_account, s.merchant_order_no, s.serial"
	               " FROM rc_todo t JOIN statement_lines s USING (line_id)"
	               " ORDER BY t.line_id", &st, e) < 0)
		return -1;
	while ((k = db_step(r->db, st, e)) == 1) {
		line l;
		l.id = sqlite3_column_int64(st, 0);
		l.amount = sqlite3_column_int64(st, 1);
		snprintf(l.source, sizeof l.source, "%s", col(st, 2));
		snprintf(l.direction, sizeof l.direction, "%s", col(st, 3));
		snprintf(l.kind, sizeof l.kind, "%s", col(st, 4));
		l.memo = col(st, 5);
		l.name = col(st, 6);
		l.account = col(st, 7);
		l.merchant = col(st, 8);
		l.serial = col(st, 9);
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
		snprintf(aid, sizeof aid, "%s", col(st, 0));
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
		                         "expired", "验证码已过期（十日内未验证）",
		                         r->now, e);
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

	if (db_prepare(db, sql, &st, e) < 0)
		return -1;
	k = db_step(db, st, e);
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
	st->review = st->not_ours = 0;
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
