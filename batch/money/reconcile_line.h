/* reconcile_line.h: reconcile's per-line machinery, shared by its files
 * and by nothing else: the run (its kept statements, clock, key and
 * counts), a line as read, the candidate orders of a line, and how a
 * decision is written. reconcile.c runs the lines; reconcile_credit.c
 * decides money in; reconcile_takeback.c decides money going back and
 * our payouts' lines. */
#ifndef BATCH_MONEY_RECONCILE_LINE_H
#define BATCH_MONEY_RECONCILE_LINE_H

#include <sqlite3.h>

#include "batch/money/payout.h"
#include "batch/money/reconcile.h"
#include "batch/orderno.h"

#define MAX_CANDS 32   /* looked at per line */
#define CAND_LIMIT "32" /* the same, in SQL */
#define SHOWN_CANDS 10 /* kept in the review queue */

enum {
	Q_BY_NO, Q_BY_PAYER, Q_NEAR, Q_OUTCOME, Q_PAYOUT_BY_NO,
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
	const char *memo, *name, *account, *merchant;
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

#define CAND_COLS "o.application_id, o.order_no, a.state," \
	" a.amount_due_fen - a.amount_paid_fen"

/* The statement kept in slot for the run: prepared once, reset for each
 * use. NULL (e filled) when it cannot be prepared. */
sqlite3_stmt *rc_q(run *r, int slot, const char *sql, ch_error *e);
const char *rc_col(sqlite3_stmt *st, int i);
/* Records the line's decision; the row changes only when the decision
 * does, so that a rerun writes nothing. */
int rc_decide(run *r, const line *l, const char *outcome, int review,
              const char *reason, const char *candidates, long long related,
              ch_error *e);
/* The line to the review queue with its candidates, best first. */
int rc_review(run *r, const line *l, const char *outcome, cands *c,
              const char *reason, ch_error *e);
/* The candidate of st's row (CAND_COLS first), added once; NULL when
 * the list is full. */
cand *rc_cand_add(cands *c, sqlite3_stmt *st);

int rc_bank_credit(run *r, const line *l, ch_error *e);
int rc_online_credit(run *r, const line *l, ch_error *e);
int rc_bank_debit(run *r, const line *l, ch_error *e);
/* 冲正, 退汇 and refunds. */
int rc_reversal(run *r, const line *l, ch_error *e);

#endif
