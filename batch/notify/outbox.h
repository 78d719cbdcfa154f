/* outbox.h: `certhall-batch send`: the outbox's due messages delivered,
 * each attempt recorded (DESIGN.md 4).
 *
 * A row goes queued -> sending -> sent, or back to retry with a later
 * next_attempt_at, or to failed when the channel says the message cannot
 * arrive or its retries have lasted longer than give_up_after. `sending`
 * is committed before the attempt and the outcome after it, so a crash in
 * between leaves a row in `sending`, which the next run resolves without
 * sending blindly twice:
 *
 * - e-mail is sent again with the same Message-ID (recipients' clients
 *   and servers treat it as the same message);
 * - an SMS has no such id on the phone, so by default (sms.after_crash:
 *   skip) the row becomes `unknown` for the operator to check; `ask`
 *   asks the gateway by the message_id it was given ({"query": "status",
 *   "message_id": ...} on its standard input: exit 0 it was sent, 1 it
 *   was not, anything else it cannot tell); `resend` sends again;
 * - a message written to the outbox folder is written again under the
 *   same name.
 *
 * A row queued with a secret (a PIN notice: its payload's erase_to, the
 * text with the PIN masked, batch/intake/notice.h) keeps only the masked text
 * once sent, and the run ends with the WAL truncated, so the PIN's bytes
 * leave the database's files.
 *
 * E-mail goes through msmtp and SMS through the configured gateway (see
 * settings.h); with neither configured, messages are written to the
 * outbox folder as .eml and .json files, so a demo works anywhere. */
#ifndef BATCH_NOTIFY_OUTBOX_H
#define BATCH_NOTIFY_OUTBOX_H

#include <stdio.h>
#include <sqlite3.h>

#include "batch/notify/settings.h"
#include "common/error.h"

typedef struct outbox_stats {
	size_t sent, retry, failed, unknown, resumed;
} outbox_stats;

/* Delivers every due message. Returns -1 only for an error of the step
 * itself (database, configuration); a message that fails is a row's
 * outcome, counted in st. */
int outbox_send(sqlite3 *db, const notify_settings *s, outbox_stats *st,
                ch_error *e);

#endif
