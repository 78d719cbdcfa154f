/* notice.h: queueing the notice an intake causes (accepted: order number,
 * amount and how to pay; rejected: every 驳回原因) in the outbox, one row
 * per channel the notice text names and the handler can be reached on.
 * Nothing is sent here (DESIGN.md 4). The outbox's unique key makes a
 * second queueing of the same notice a no-op. */
#ifndef BATCH_NOTICE_H
#define BATCH_NOTICE_H

#include <jansson.h>
#include <sqlite3.h>

#include "batch/context.h"
#include "common/findings.h"

/* order_no NULL means the rejected notice, with f's errors as reasons. */
int notice_queue(batch_ctx *ctx, sqlite3 *db, json_t *app, const char *aid,
                 long revision, const char *order_no, long long amount_fen,
                 const ch_findings *f, const char *now, ch_error *e);

/* Queues notice n (micro_deposit, bank_verification_failed, ...) for an
 * application whose accepted revision's form is app; reason fills
 * {reasons}. */
int notice_queue_text(batch_ctx *ctx, sqlite3 *db, const notice_text *n,
                      json_t *app, const char *aid, long revision,
                      const char *order_no, const char *reason,
                      const char *now, ch_error *e);

/* Queues notice id (content/notices/<id>.md: approved, rejected,
 * shipped) for application aid's newest accepted revision, to its
 * handler; extra's strings ({reasons}, {carrier}, ...) join the usual
 * placeholders. Within the caller's transaction. */
int notice_queue_event(batch_ctx *ctx, sqlite3 *db, const char *id,
                       const char *aid, json_t *extra, const char *now,
                       ch_error *e);

/* notice_queue_text with more variables: extra's strings (an object,
 * e.g. {"invoice_url": ...}) fill their placeholders. */
int notice_queue_extra(batch_ctx *ctx, sqlite3 *db, const notice_text *n,
                       json_t *app, const char *aid, long revision,
                       const char *order_no, json_t *extra, const char *now,
                       ch_error *e);

/* A PIN notice (pin_organization, pin_personal) by SMS to mobile (11
 * digits) for the certificate `serial`: one row per certificate and
 * recipient. The PIN is in the row's text only, with a masked copy that
 * replaces it once sent (outbox.c); nothing else keeps it. */
int notice_queue_pin(batch_ctx *ctx, sqlite3 *db, const notice_text *n,
                     json_t *app, const char *aid, long revision,
                     const char *order_no, const char *serial,
                     const char *mobile, const char *pin, const char *now,
                     ch_error *e);

/* The rejected notice for a bundle refused although its application is
 * on file unchanged (REVISION_STALE, APPLICANT_MISMATCH): to the handler
 * the bundle names, keyed by the bundle so that the revision's own
 * notice does not hide it. */
int notice_queue_refused(batch_ctx *ctx, sqlite3 *db, json_t *app,
                         const char *aid, long revision,
                         const ch_findings *f, const char *bundle_sha256,
                         const char *now, ch_error *e);

/* "700.00": fen as yuan, for people (never used for arithmetic). */
void notice_yuan(long long fen, char out[32]);

#endif
