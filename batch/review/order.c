/* order.c: finding the order a person typed (see order.h). */
#include "batch/review/order.h"

#include <stdio.h>
#include <string.h>

#include "batch/db.h"

int review_order_find(sqlite3 *db, const char *typed, review_order *o,
                      ch_error *e)
{
	char folded[64], key[ORDERNO_LEN + APPID_LEN + 2];
	const char *sql;
	sqlite3_stmt *st = NULL;
	int r, rc = -1;

	memset(o, 0, sizeof *o);
	if (!appid_fold(typed, folded, sizeof folded))
		folded[0] = '\0';
	if (orderno_parse(folded, key))
		sql = "SELECT application_id, coalesce(order_no, ''), state, revision"
		      " FROM applications WHERE order_no = ?";
	else if (appid_parse(folded, key))
		sql = "SELECT application_id, coalesce(order_no, ''), state, revision"
		      " FROM applications WHERE application_id = ?";
	else {
		ch_fail(e, NULL, 0, "the order given is neither an order number "
		        "(订单号) nor an application id (申请编号, XXXX-XXXX-XXXX)");
		return 0;
	}
	r = db_row(db, e, &st, sql, "s", key);
	if (r < 0)
		goto out;
	if (r == 0) {
		ch_fail(e, NULL, 0, "no order %s", key);
		rc = 0;
		goto out;
	}
	snprintf(o->aid, sizeof o->aid, "%s", (const char *)sqlite3_column_text(st, 0));
	snprintf(o->order_no, sizeof o->order_no, "%s",
	         (const char *)sqlite3_column_text(st, 1));
	snprintf(o->state, sizeof o->state, "%s",
	         (const char *)sqlite3_column_text(st, 2));
	o->revision = (long)sqlite3_column_int64(st, 3);
	rc = 1;
out:
	sqlite3_finalize(st);
	return rc;
}
