/* status.h: `certhall-batch status ID`: an application's progress
 * (审核进度) by 申请编号 or 订单号: state, amounts in fen (and 元),
 * history in Asia/Shanghai time, and what is awaited next. Human output
 * masks every ID and mobile number; --json (for scripts) carries none. */
#ifndef BATCH_STATUS_H
#define BATCH_STATUS_H

#include <sqlite3.h>
#include <stdio.h>

#include "common/error.h"

/* Returns 0 when shown, 1 when there is no such application or the order
 * number's check character is wrong, 2 when id is neither an application
 * id nor an order number, -1 on a failure (e filled unless 0). */
int status_run(sqlite3 *db, const char *id, int as_json, FILE *out,
               ch_error *e);

#endif
