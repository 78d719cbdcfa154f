/* moneystatus.h: the money part of `status`: the payments matched to an
 * order (line, file, amount, date) and, for an order with a payout, its
 * verification (payout state, attempts left, expiry; never the code,
 * which the database does not hold). */
#ifndef BATCH_MONEY_MONEYSTATUS_H
#define BATCH_MONEY_MONEYSTATUS_H

#include <stdio.h>
#include <jansson.h>
#include <sqlite3.h>

#include "common/error.h"

/* Sets "payments" and "verification" (null when none) on o. */
int moneystatus_json(sqlite3 *db, const char *aid, json_t *o, ch_error *e);
int moneystatus_text(sqlite3 *db, const char *aid, FILE *out, ch_error *e);

#endif
