/* outbox.c: delivering the outbox (see outbox.h). */
#include "batch/notify/outbox.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "batch/clock.h"
#include "batch/db.h"
#include "batch/notify/message.h"
#include "batch/notify/pipe.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include "common/text.h"
#include "common/grow.h"

/* The first retry after five minutes, doubling up to six hours. */
#define BACKOFF_FIRST 300
#define BACKOFF_MAX (6 * 3600)

typedef enum { SENT, RETRY, FAILED } outcome;

/* The payload once sent, when cond holds: a message that carried a
 * secret (a PIN: notice.c queues its text with a masked copy, erase_to)
 * keeps only the masked copy. secure_delete zeroes the old bytes in the
 * database file, outbox_send the WAL's copy. */
#define ERASED_IF(cond)                                                     \
	"CASE WHEN " cond " AND json_extract(payload, '$.erase_to') IS NOT"  \
	" NULL THEN json_set(json_remove(payload, '$.erase_to'), '$.text',"  \
	" json_extract(payload, '$.erase_to')) ELSE payload END"

/* A row's detail: cut where it must be, as the column is for reading. */
static void say(char *d, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void say(char *d, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d, n, fmt, ap);
	va_end(ap);
	ch_utf8_cut_tail(d);
}

typedef struct message_row {
	long long id;
	int attempts;
	char channel[8];
	char *recipient;
	char *payload;
	char *created;
	char *message_id;
} message_row;

static void row_free(message_row *r)
{
	free(r->recipient);
	free(r->payload);
	free(r->created);
	free(r->message_id);
}

static char *col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? strdup((const char *)t) : NULL;
}

/* Asks the gateway about each SMS a crash left in `sending`, and settles
 * those it can answer for. Runs before the transaction of resume(), as
 * it starts programs. */
static int ask_gateway(sqlite3 *db, const notify_settings *s,
                       outbox_stats *st, const char *now, ch_error *e)
{
	sqlite3_stmt *q = NULL;
	long long ids[256];
	size_t n = 0;
	int r;

	if (db_prepare(db,
	               "SELECT outbox_id FROM outbox WHERE state = 'sending' AND"
	               " channel = 'sms' ORDER BY outbox_id LIMIT 256", &q, e) < 0)
		return -1;
	while ((r = db_step(db, q, e)) == 1)
		ids[n++] = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	if (r < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		char req[128], detail[1200];
		pipe_result p;
		const char *to;

		snprintf(req, sizeof req,
		         "{\"query\":\"status\",\"message_id\":\"certhall-%lld\"}",
		         ids[i]);
		if (pipe_run(s->sms_cmd, req, strlen(req), s->outbox_dir, &p, e) < 0)
			return -1;
		if (p.status != 0 && p.status != 1)
			continue; /* it cannot tell: resume() decides */
		to = p.status == 0 ? "sent" : "retry";
		say(detail, sizeof detail, "interrupted; the gateway says it was %s%s%s",
		    p.status == 0 ? "sent" : "not sent", p.said[0] ? ": " : "", p.said);
		if (db_begin(db, e) < 0)
			return -1;
		if (db_run(db, e,
		           "UPDATE outbox_attempts SET outcome = ?, finished_at = ?,"
		           " detail = ? WHERE outcome = 'sending' AND outbox_id = ?",
		           "sssi", p.status == 0 ? "sent" : "retry", now, detail,
		           ids[i]) < 0 ||
		    db_run(db, e,
		           "UPDATE outbox SET state = ?1, sent_at = ?2,"
		           " next_attempt_at = NULL, payload = "
		           ERASED_IF("?1 = 'sent'") " WHERE outbox_id = ?3", "ssi", to,
		           p.status == 0 ? now : NULL, ids[i]) < 0 ||
		    db_commit(db, e) < 0) {
			db_rollback(db);
			return -1;
		}
		st->resumed++;
	}
	return 0;
}

static int resume(sqlite3 *db, const notify_settings *s, outbox_stats *st,
                  const char *now, ch_error *e)
{
	static const char *const why =
		"the gateway was started but its answer was not recorded: check "
		"with the gateway before sending again";
	int rc = -1;

	if (s->sms_cmd && s->sms_after == SMS_ASK && ask_gateway(db, s, st, now, e) < 0)
		return -1;
	if (db_begin(db, e) < 0)
		return -1;
	/* SMS that may have left: an operator decides, unless told to
	 * resend. Everything else is safe to send again (mail keeps its
	 * Message-ID, a file its name). */
	if (s->sms_cmd && s->sms_after != SMS_RESEND) {
		if (db_run(db, e,
		           "UPDATE outbox_attempts SET outcome = 'unknown',"
		           " finished_at = ?, detail = ? WHERE outcome = 'sending'"
		           " AND outbox_id IN (SELECT outbox_id FROM outbox"
		           " WHERE state = 'sending' AND channel = 'sms')",
		           "ss", now, why) < 0 ||
		    db_run(db, e,
		           "UPDATE outbox SET state = 'unknown', last_error = ?"
		           " WHERE state = 'sending' AND channel = 'sms'",
		           "s", why) < 0)
			goto out;
		st->unknown += (size_t)sqlite3_changes(db);
	}
	if (db_run(db, e,
	           "UPDATE outbox_attempts SET outcome = 'unknown', finished_at = ?,"
	           " detail = 'interrupted; sent again' WHERE outcome = 'sending'",
	           "s", now) < 0 ||
	    db_run(db, e,
	           "UPDATE outbox SET state = 'retry', next_attempt_at = NULL"
	           " WHERE state = 'sending'", "") < 0)
		goto out;
	st->resumed += (size_t)sqlite3_changes(db);
	rc = db_commit(db, e);
out:
	if (rc < 0)
		db_rollback(db);
	return rc;
}

/* The due rows' ids, oldest first. The caller frees *ids. */
static int due(sqlite3 *db, const char *now, long long **ids, size_t *n,
               ch_error *e)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int r, rc = -1;

	*ids = NULL;
	*n = 0;
	if (db_prepare(db,
	               "SELECT outbox_id FROM outbox WHERE state IN ('queued', "
	               "'retry') AND (next_attempt_at IS NULL OR next_attempt_at"
	               " <= ?) ORDER BY outbox_id", &st, e) < 0 ||
	    db_bind(st, "s", now) < 0)
		goto out;
	while ((r = db_step(db, st, e)) == 1) {
		if (CH_GROW(*ids, *n + 1, cap) < 0) {
			ch_fail(e, NULL, 0, "out of memory");
			goto out;
		}
		(*ids)[(*n)++] = sqlite3_column_int64(st, 0);
	}
	rc = r;
out:
	sqlite3_finalize(st);
	return rc;
}

/* Marks the row `sending` (committed before the attempt), with its
 * Message-ID fixed on the first attempt. 1: claimed; 0: no longer due. */
static int claim(sqlite3 *db, const notify_settings *s, long long id,
                 const char *now, message_row *r, ch_error *e)
{
	sqlite3_stmt *st = NULL;
	char mid[300];
	int rc = -1, got;

	memset(r, 0, sizeof *r);
	if (db_begin(db, e) < 0)
		return -1;
	got = db_row(db, e, &st,
	             "SELECT channel, recipient, payload, created_at, message_id,"
	             " attempts FROM outbox WHERE outbox_id = ? AND state IN"
	             " ('queued', 'retry')", "i", id);
	if (got <= 0) {
		rc = got;
		goto out;
	}
	r->id = id;
	snprintf(r->channel, sizeof r->channel, "%s",
	         (const char *)sqlite3_column_text(st, 0));
	r->recipient = col_dup(st, 1);
	r->payload = col_dup(st, 2);
	r->created = col_dup(st, 3);
	r->message_id = col_dup(st, 4);
	r->attempts = sqlite3_column_int(st, 5) + 1;
	if (!r->recipient || !r->payload || !r->created) {
		ch_fail(e, NULL, 0, "out of memory");
		goto out;
	}
	if (!r->message_id) {
		if (mail_message_id(s->from, id, r->created, mid, sizeof mid, e) < 0)
			goto out;
		r->message_id = strdup(mid);
		if (!r->message_id) {
			ch_fail(e, NULL, 0, "out of memory");
			goto out;
		}
	}
	if (db_run(db, e,
	           "UPDATE outbox SET state = 'sending', attempts = ?,"
	           " message_id = ?, next_attempt_at = NULL WHERE outbox_id = ?",
	           "isi", (long long)r->attempts, r->message_id, id) < 0 ||
	    db_run(db, e,
	           "INSERT INTO outbox_attempts (outbox_id, attempt, started_at,"
	           " outcome) VALUES (?, ?, ?, 'sending')", "iis", id,
	           (long long)r->attempts, now) < 0)
		goto out;
	rc = db_commit(db, e) < 0 ? -1 : 1;
out:
	sqlite3_finalize(st);
	if (rc != 1) {
		db_rollback(db);
		row_free(r);
	}
	return rc;
}

/* Hands data to the channel's program, or when none is configured writes
 * it to the outbox folder as <id><suffix>. 1: the program ran (p says how
 * it ended); 0: written; -1: neither could be done (detail says why). */
static int hand_over(const notify_settings *s, const char *cmd, long long id,
                     const char *suffix, const char *data, size_t len,
                     pipe_result *p, char *detail, size_t n)
{
	char path[4096];
	ch_error e;

	if (cmd) {
		if (pipe_run(cmd, data, len, s->outbox_dir, p, &e) < 0) {
			say(detail, n, "%s", e.msg);
			return -1;
		}
		return 1;
	}
	snprintf(path, sizeof path, "%s/%lld%s", s->outbox_dir, id, suffix);
	if (ch_write_atomic(path, data, len, 0600, &e) < 0) {
		say(detail, n, "%s: %s", path, e.msg);
		return -1;
	}
	say(detail, n, "written to %s", path);
	return 0;
}

static outcome mail_outcome(const pipe_result *p)
{
	/* msmtp's exit status (sysexits.h), and for EX_UNAVAILABLE the
	 * server's reply: a 4xx is temporary. */
	const char *m = strstr(p->said, "server message: ");

	switch (p->status) {
	case 0:
		return SENT;
	case 65: /* EX_DATAERR */
	case 67: /* EX_NOUSER */
		return FAILED;
	case 69: /* EX_UNAVAILABLE */
		if (m && m[16] == '5')
			return FAILED;
		return RETRY;
	default: /* 75 EX_TEMPFAIL, and trouble on our side: try later */
		return RETRY;
	}
}

static outcome deliver_mail(const notify_settings *s, const message_row *r,
                            json_t *payload, char *detail, size_t n)
{
	mail_message m;
	ch_buf msg = CH_BUF_INIT;
	pipe_result p;
	ch_error e;
	outcome o = FAILED;

	memset(&m, 0, sizeof m);
	m.from = s->from;
	m.to_addr = r->recipient;
	m.to_name = json_string_value(json_object_get(payload, "name"));
	m.subject = json_string_value(json_object_get(payload, "subject"));
	m.body = json_string_value(json_object_get(payload, "text"));
	m.message_id = r->message_id;
	if (!m.subject)
		m.subject = "深圳CA";
	if (!m.body || clock_parse(r->created, &m.date) < 0) {
		say(detail, n, "the outbox row is malformed");
		goto out;
	}
	if (mail_build(&m, &msg, &e) < 0) {
		say(detail, n, "refused before sending: %s", e.msg);
		goto out;
	}
	switch (hand_over(s, s->mail_cmd, r->id, ".eml", msg.data, msg.len, &p,
	                  detail, n)) {
	case -1:
		o = RETRY;
		goto out;
	case 0:
		o = SENT;
		goto out;
	}
	o = mail_outcome(&p);
	say(detail, n, "msmtp exit %d%s%s", p.status, p.said[0] ? ": " : "",
	         p.said);
out:
	ch_buf_free(&msg);
	return o;
}

static outcome deliver_sms(const notify_settings *s, const message_row *r,
                           json_t *payload, char *detail, size_t n)
{
	const char *text = json_string_value(json_object_get(payload, "text"));
	json_t *req = NULL;
	char *dump = NULL, mid[64];
	pipe_result p;
	outcome o = FAILED;

	if (!text) {
		say(detail, n, "the outbox row is malformed");
		goto out;
	}
	snprintf(mid, sizeof mid, "certhall-%lld", r->id);
	req = json_pack("{s:s, s:s, s:s, s:s}", "phone", r->recipient,
	                "signature", s->signature, "text", text, "message_id", mid);
	dump = req ? json_dumps(req, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
	if (!dump) {
		say(detail, n, "out of memory");
		o = RETRY;
		goto out;
	}
	switch (hand_over(s, s->sms_cmd, r->id, ".sms.json", dump, strlen(dump), &p,
	                  detail, n)) {
	case -1:
		o = RETRY;
		goto out;
	case 0:
		o = SENT;
		goto out;
	}
	o = p.status == 0 ? SENT : p.status == 75 ? RETRY : FAILED;
	say(detail, n, "gateway exit %d%s%s", p.status, p.said[0] ? ": " : "",
	         p.said);
out:
	free(dump);
	json_decref(req);
	return o;
}

static int record(sqlite3 *db, const notify_settings *s,
                  const message_row *r, outcome o, const char *detail,
                  outbox_stats *st, ch_error *e)
{
	static const char *const names[] = {"sent", "retry", "failed"};
	long give_up = strcmp(r->channel, "sms") ? s->mail_give_up : s->sms_give_up;
	time_t now = clock_time(), created = now;
	char at[32], next[32], why[1200];
	long wait = BACKOFF_FIRST;
	int rc = -1;

	clock_format(now, at);
	clock_parse(r->created, &created);
	say(why, sizeof why, "%s", detail);
	if (o == RETRY && now - created >= give_up) {
		o = FAILED;
		say(why, sizeof why, "gave up after %ld hours: %s",
		         give_up / 3600, detail);
	}
	for (int i = 1; i < r->attempts && wait < BACKOFF_MAX; i++)
		wait *= 2;
	clock_format(now + (wait < BACKOFF_MAX ? wait : BACKOFF_MAX), next);
	if (db_begin(db, e) < 0)
		return -1;
	if (db_run(db, e,
	           "UPDATE outbox SET state = ?, last_error = ?, sent_at = ?,"
	           " next_attempt_at = ?, payload = " ERASED_IF("?6")
	           " WHERE outbox_id = ?5", "ssssii", names[o],
	           o == SENT ? NULL : why, o == SENT ? at : NULL,
	           o == RETRY ? next : NULL, r->id, (long long)(o == SENT)) < 0 ||
	    db_run(db, e,
	           "UPDATE outbox_attempts SET outcome = ?, finished_at = ?,"
	           " detail = ? WHERE outbox_id = ? AND attempt = ?", "sssii",
	           names[o], at, why, r->id, (long long)r->attempts) < 0)
		goto out;
	rc = db_commit(db, e);
out:
	if (rc < 0)
		db_rollback(db);
	else if (o == SENT)
		st->sent++;
	else if (o == RETRY)
		st->retry++;
	else
		st->failed++;
	return rc;
}

static int send_one(sqlite3 *db, const notify_settings *s, long long id,
                    outbox_stats *st, ch_error *e)
{
	message_row r;
	char now[32], detail[1200], who[64];
	json_t *payload = NULL;
	outcome o;
	int got, rc;

	clock_now(now);
	got = claim(db, s, id, now, &r, e);
	if (got <= 0)
		return got;
	payload = json_loads(r.payload, 0, NULL);
	if (!payload) {
		o = FAILED;
		say(detail, sizeof detail, "the outbox row is malformed");
	} else if (!strcmp(r.channel, "sms")) {
		o = deliver_sms(s, &r, payload, detail, sizeof detail);
	} else {
		o = deliver_mail(s, &r, payload, detail, sizeof detail);
	}
	rc = record(db, s, &r, o, detail, st, e);
	if (o != SENT) {
		ch_mask_recipient(r.channel, r.recipient, who);
		fprintf(stderr, "certhall-batch: send: message %lld (%s to %s): %s: "
		        "%s\n", r.id, r.channel, who, o == RETRY ? "will retry"
		        : "failed", detail);
	}
	json_decref(payload);
	row_free(&r);
	return rc;
}

int outbox_send(sqlite3 *db, const notify_settings *s, outbox_stats *st,
                ch_error *e)
{
	long long *ids = NULL;
	size_t n = 0;
	char now[32];
	int rc = -1;

	memset(st, 0, sizeof *st);
	if (ch_mkdirs(s->outbox_dir, 0700, e) < 0)
		return -1;
	clock_now(now);
	if (resume(db, s, st, now, e) < 0 || due(db, now, &ids, &n, e) < 0)
		goto out;
	for (size_t i = 0; i < n; i++)
		if (send_one(db, s, ids[i], st, e) < 0)
			goto out;
	rc = 0;
	/* The WAL still holds the pages with the PINs just erased. */
	if ((st->sent || st->resumed) && db_scrub_wal(db, e) < 0) {
		fprintf(stderr, "certhall-batch: send: warning: %s\n", e->msg);
	}
out:
	free(ids);
	return rc;
}
