/* book.h: what money does to an order, shared by reconcile, the hand
 * decisions (payments match/unmatch) and verify: booking a line's
 * payment, keeping applications.amount_paid_fen the sum of the order's
 * payments not reversed, moving a fully paid order on (a transfer to
 * in_review, an online payment to awaiting_verification with a pending
 * payout), moving it back when its money goes, and failing a
 * verification. Every function runs inside the caller's transaction;
 * state changes go through state_change (batch/review/states.h). Return
 * values: 0 done, 1 refused (e says why, naming the state found), -1 a
 * database error. */
#ifndef BATCH_MONEY_BOOK_H
#define BATCH_MONEY_BOOK_H

#include <sqlite3.h>

#include "batch/context.h"

/* A payment of amount_fen from line_id to aid; by_hand NULL when
 * reconcile decided it. A second booking of the same pair is a no-op. */
int book_payment(sqlite3 *db, long long line_id, const char *aid,
                 long long amount_fen, const char *by_hand, const char *now,
                 ch_error *e);
/* amount_paid_fen = the sum of the order's payments not reversed. */
int book_refresh_paid(sqlite3 *db, const char *aid, ch_error *e);
/* An awaiting_payment order paid in full moves on; anything else stays. */
int book_settle(sqlite3 *db, const char *aid, const char *why,
                const char *now, ch_error *e);
/* After money left an order: one no longer paid in full goes back to
 * awaiting_payment and its payouts not yet verified are cancelled. */
int book_withdraw(sqlite3 *db, const char *aid, const char *why,
                  const char *now, ch_error *e);
/* Line `line`'s payments marked reversed_by `by`: each order they paid
 * gets its paid sum again and is withdrawn (book_withdraw). 1 when the
 * state table refuses an order's way back (e names it). */
int book_taken_back(sqlite3 *db, long long line, long long by,
                    const char *why, const char *now, ch_error *e);
/* The payout failed (returned, expired, attempts used up): the order
 * becomes verification_failed and the 金融认证不通过 notice is queued
 * with reason. */
int book_fail_payout(batch_ctx *ctx, sqlite3 *db, long long payout_id,
                     const char *failure, const char *reason,
                     const char *now, ch_error *e);

#endif
