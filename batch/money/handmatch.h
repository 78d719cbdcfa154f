/* handmatch.h: finance's own decisions (certhall-batch payments ...): the
 * review queue, matching a line to an order by hand and undoing a match.
 * Each decision is one transaction, recorded in hand_decisions with who
 * and when, and marks the line decided by hand, which reconcile never
 * touches again. */
#ifndef BATCH_MONEY_HANDMATCH_H
#define BATCH_MONEY_HANDMATCH_H

#include <stdio.h>
#include <sqlite3.h>

#include "batch/context.h"

/* The review queue, oldest line first, account numbers masked. */
int handmatch_queue(sqlite3 *db, int json, FILE *out, ch_error *e);
/* The whole of credit line `line` pays order (订单号 or 申请编号).
 * 0 done, 1 refused (e says why), -1 error. */
int handmatch_match(sqlite3 *db, long long line, const char *order,
                    const char *by, FILE *out, ch_error *e);
/* The line's payments are taken back from their orders. Same returns. */
int handmatch_unmatch(sqlite3 *db, long long line, const char *by, FILE *out,
                      ch_error *e);

#endif
