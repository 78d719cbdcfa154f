/* verify.h: an applicant's entry of the micro-deposit code
 * (certhall-batch verify ORDER CODE). The typed code is folded (case,
 * full-width, spaces), hashed with the key and compared in constant time
 * with the stored hash; at most PAYOUT_ATTEMPTS tries, none after the
 * expiry; every attempt is recorded, in one transaction with what it
 * causes (in_review on success; verification_failed and the notice when
 * the last attempt fails or the code has expired). */
#ifndef BATCH_MONEY_VERIFY_H
#define BATCH_MONEY_VERIFY_H

#include <stdio.h>
#include <sqlite3.h>

#include "batch/context.h"

/* 0 verified; 1 not (wrong, expired, no code sent, order not awaiting
 * verification: e says which, and how many attempts are left); 2 the
 * order number is not one; -1 error. */
int verify_run(batch_ctx *ctx, sqlite3 *db, const char *order,
               const char *code, FILE *out, ch_error *e);

#endif
