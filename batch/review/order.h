/* order.h: the order a reviewer or shipper types (review show/approve/
 * reject, ship): an order number (订单号) or an application id (申请编号),
 * folded as status folds them (full-width forms, other dashes). */
#ifndef BATCH_REVIEW_ORDER_H
#define BATCH_REVIEW_ORDER_H

#include <sqlite3.h>

#include "batch/appid.h"
#include "batch/orderno.h"
#include "common/error.h"

typedef struct review_order {
	char aid[APPID_LEN + 1];
	char order_no[ORDERNO_LEN + 1]; /* "" when none yet */
	char state[64];
	long revision;
} review_order;

/* 1 found; 0 not found or not an id (e says which); -1 a database
 * error. */
int review_order_find(sqlite3 *db, const char *typed, review_order *o,
                      ch_error *e);

#endif
