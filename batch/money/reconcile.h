/* reconcile.h: matching statement and merchant-bill lines to orders
 * (certhall-batch reconcile). One transaction per run; lines are taken in
 * booking order (line_id); a line decided for good (paid, reversed, a
 * payout confirmed, a doubt in the review queue, or any hand decision) is
 * never looked at again. Credits no order claims (not ours, or naming an
 * order not on file) wait under their keys (line_waiting) and are looked
 * at again only when an order sharing a key was accepted or changed
 * after they were decided, so a run costs the new lines and the changed
 * orders, not the whole history. A run changes a row only when its
 * decision changes, so a second run leaves the database as it was. Outcomes and their rules: man/certhall-batch.1, RECONCILIATION. */
#ifndef BATCH_MONEY_RECONCILE_H
#define BATCH_MONEY_RECONCILE_H

#include <sqlite3.h>

#include "batch/context.h"

typedef struct reconcile_stats {
	long long lines;     /* lines looked at */
	long long paid;      /* lines that paid orders this run */
	long long review;    /* lines in the review queue after the run */
	long long not_ours;  /* lines of no order, after the run */
	long long reversed;  /* reversals and refunds handled this run */
	long long payouts_confirmed;
	long long payouts_failed;
} reconcile_stats;

int reconcile_run(batch_ctx *ctx, sqlite3 *db, reconcile_stats *st,
                  ch_error *e);

#endif
