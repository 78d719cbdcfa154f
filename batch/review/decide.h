/* decide.h: the reviewer's and the shipper's decisions, each in one
 * transaction: the state change through the state table (states.h), an
 * event naming who decided and the reason, and the notice to the
 * applicant queued in the outbox (approved, rejected with the reason as
 * {reasons}, shipped with carrier and tracking number). A refusal names
 * the state found and changes nothing. Names, reasons, carriers and
 * tracking numbers are checked first (ch_check_text): no control or bidi
 * character, bounded lengths. */
#ifndef BATCH_REVIEW_DECIDE_H
#define BATCH_REVIEW_DECIDE_H

#include <sqlite3.h>

#include "batch/context.h"
#include "batch/review/order.h"

#define DECIDE_NAME_MAX BATCH_NAME_MAX /* characters of --carrier */
#define DECIDE_REASON_MAX 200  /* characters of --reason */
#define DECIDE_TRACKING_MAX 40 /* ASCII letters, digits and '-' */

/* 0 done; 1 refused (e names the state found or the missing order); 2
 * a bad argument (e says which); -1 an error. o is filled from the order typed. */
int decide_approve(batch_ctx *ctx, sqlite3 *db, const char *order,
                   const char *by, review_order *o, ch_error *e);
int decide_reject(batch_ctx *ctx, sqlite3 *db, const char *order,
                  const char *by, const char *reason, review_order *o,
                  ch_error *e);
int decide_ship(batch_ctx *ctx, sqlite3 *db, const char *order,
                const char *carrier, const char *tracking, review_order *o,
                ch_error *e);

#endif
