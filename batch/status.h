/* status.h: `certhall-batch status ID`: an application's progress
 * (审核进度) by 申请编号 or 订单号 (typed as people type them: full
 * width, case, spaces and dashes forgiven): state, amounts in fen (and
 * 元), the payment method and how the amount due is made up (payview.h),
 * the people with every ID and mobile number masked, history in
 * Asia/Shanghai time, and what is awaited next, worded for the payment
 * method. --json gives the same for scripts, masked alike. */
#ifndef BATCH_STATUS_H
#define BATCH_STATUS_H

#include <sqlite3.h>
#include <stdio.h>

#include "common/error.h"
#include "common/fees.h"

/* Returns 0 when shown, 1 when there is no such application or the order
 * number's check character is wrong, 2 when id is neither an application
 * id nor an order number, -1 on a failure (e filled unless 0). */
int status_run(sqlite3 *db, const ch_fees *fees, const char *id, int as_json,
               FILE *out, ch_error *e);

#endif
