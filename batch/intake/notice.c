/* notice.c: notices into the outbox (see notice.h). */
#include "batch/intake/notice.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch/db.h"
#include "common/buf.h"
#include "common/termsafe.h"
#include "common/text.h"
#include "common/validate.h"

#define REASONS_BRIEF 40

void notice_yuan(long long fen, char out[32])
{
	snprintf(out, 32, "%s%lld.%02lld", fen < 0 ? "-" : "",
	         (fen < 0 ? -fen : fen) / 100, (fen < 0 ? -fen : fen) % 100);
}

/* How to pay, by the payment method chosen on the form
 * (content/forms/payment_instructions.yaml). The order number in the
 * transfer memo is what reconciliation matches. */
static const char *payment_text(const batch_ctx *ctx, json_t *app)
{
	const char *m = json_string_value(json_object_get(app, "payment_method"));

	if (m && !strcmp(m, "online"))
		return ctx->pay_online;
	return ctx->pay_transfer;
}

static char *reasons(const ch_findings *f)
{
	ch_buf b = CH_BUF_INIT;
	int k = 0;

	for (size_t i = 0; f && i < f->n; i++) {
		if (f->v[i].level != CH_LEVEL_ERROR)
			continue;
		ch_buf_printf(&b, "%s%d. %s", k ? "；" : "", k + 1, f->v[i].message);
		k++;
	}
	if (!ch_buf_ok(&b)) {
		ch_buf_free(&b);
		return NULL;
	}
	return ch_buf_detach(&b, NULL);
}

/* At most `max` units of r (UTF-16, as notice_text.c counts), a
 * trailing "。" dropped, "…" marking a cut. */
static void cut(ch_buf *b, const char *r, size_t max)
{
	size_t units = 0, i = 0, n = strlen(r);

	if (n >= 3 && !strcmp(r + n - 3, "。"))
		n -= 3;
	for (; i < n; i++)
		if (((unsigned char)r[i] & 0xC0) != 0x80 &&
		    (units += (unsigned char)r[i] >= 0xF0 ? 2 : 1) > max)
			break;
	if (i >= n) {
		ch_buf_append(b, r, n);
		return;
	}
	/* The loop stopped on the first byte of the character that did not
	 * fit: drop one more for the ellipsis. */
	while (i > 0 && ((unsigned char)r[--i] & 0xC0) == 0x80)
		;
	ch_buf_append(b, r, i);
	ch_buf_puts(b, "…");
}

/* {reasons_brief}: what an SMS may hold of the reasons (at most
 * REASONS_BRIEF characters, notice_text.c's bound): the first finding,
 * and how many more the e-mail gives; or a reviewer's reason cut. */
static char *brief(const ch_findings *f, const char *reason)
{
	ch_buf b = CH_BUF_INIT;
	const char *first = NULL;
	int k = 0;

	for (size_t i = 0; f && i < f->n; i++)
		if (f->v[i].level == CH_LEVEL_ERROR && !k++)
			first = f->v[i].message;
	if (first) {
		cut(&b, first, k > 1 ? REASONS_BRIEF - 6 : REASONS_BRIEF);
		if (k > 1)
			ch_buf_printf(&b, "等%d项", k > 99 ? 99 : k);
	} else {
		cut(&b, reason ? reason : "", REASONS_BRIEF);
	}
	ch_buf_putc(&b, '\0');
	if (!ch_buf_ok(&b)) {
		ch_buf_free(&b);
		return NULL;
	}
	return ch_buf_detach(&b, NULL);
}

static json_t *variables(batch_ctx *ctx, json_t *app, const char *aid,
                         const char *order_no, long long amount_fen,
                         const ch_findings *f)
{
	json_t *v = json_object();
	char yuan[32], *r = reasons(f), *pay = NULL, *short_r;
	const char *org;
	json_t *tmp = NULL;
	ch_buf safe_org = CH_BUF_INIT;

	if (!v || !r)
		goto fail;
	notice_yuan(amount_fen, yuan);
	json_object_set_new(v, "application_id", json_string(aid));
	json_object_set_new(v, "order_no", json_string(order_no ? order_no : ""));
	org = json_string_value(json_object_get(json_object_get(app, "organization"),
	                                        "name"));
	/* A rejected application's name may hold the very control or bidi
	 * character it was rejected for: the notice carries it as '?'. */
	ch_term_buf(&safe_org, org ? org : "");
	if (!ch_buf_ok(&safe_org))
		goto fail;
	json_object_set_new(v, "organization", json_string(safe_org.data ? safe_org.data : ""));
	json_object_set_new(v, "amount", json_string(yuan));
	json_object_set_new(v, "reasons", json_string(r));
	short_r = brief(f, NULL);
	if (!short_r)
		goto fail;
	json_object_set_new(v, "reasons_brief", json_string(short_r));
	free(short_r);
	json_object_set_new(v, "hotline", json_string(ctx->hotline));
	json_object_set_new(v, "website", json_string(ctx->website));
	/* The payment text names the order number itself. */
	tmp = json_object();
	if (!tmp)
		goto fail;
	json_object_set_new(tmp, "order_no", json_string(order_no ? order_no : ""));
	pay = notice_render(payment_text(ctx, app), tmp);
	if (!pay)
		goto fail;
	json_object_set_new(v, "payment_instructions", json_string(pay));
	json_decref(tmp);
	free(pay);
	free(r);
	ch_buf_free(&safe_org);
	return v;
fail:
	json_decref(tmp);
	json_decref(v);
	free(r);
	ch_buf_free(&safe_org);
	return NULL;
}

/* The SMS signature 【sig】 before the text (and its masked copy), as
 * the phone shows it and as notice_text.c counted it. */
static int signed_sms(char **text, char **masked, const char *sig)
{
	char **v[2] = {text, masked};

	for (int i = 0; i < 2; i++) {
		ch_buf b = CH_BUF_INIT;
		if (!*v[i])
			continue;
		ch_buf_printf(&b, "【%s】%s", sig, *v[i]);
		if (!ch_buf_ok(&b)) {
			ch_buf_free(&b);
			return -1;
		}
		memset(*v[i], 0, strlen(*v[i])); /* it may hold a PIN */
		free(*v[i]);
		*v[i] = ch_buf_detach(&b, NULL);
	}
	return 0;
}

/* One outbox row. secret, when not NULL, is the value of {pin}: the text
 * is rendered with it, and the row also keeps a copy with it masked,
 * which replaces the text once the message is sent (outbox.c); the vars
 * stored with the row never hold it. */
static int queue_one(sqlite3 *db, const notice_text *n, const char *channel,
                     const char *recipient, json_t *vars, const char *aid,
                     long revision, const char *event, const char *secret,
                     const char *sig, const char *now, ch_error *e)
{
	const char *tmpl = !strcmp(channel, "sms") ? n->sms : n->email;
	json_t *payload = json_object(), *with = NULL;
	char *text = NULL, *masked = NULL;
	char *subject = n->subject ? notice_render(n->subject, vars) : NULL;
	char *dump = NULL;
	int rc = -1;

	if (!payload || !tmpl || (n->subject && !subject))
		goto oom;
	if (secret) {
		with = json_deep_copy(vars);
		if (!with || json_object_set_new(with, "pin", json_string(secret)) < 0)
			goto oom;
		text = notice_render(tmpl, with);
		json_object_set_new(vars, "pin", json_string("******"));
		masked = notice_render(tmpl, vars);
		json_object_del(vars, "pin");
		if (!masked)
			goto oom;
	} else {
		text = notice_render(tmpl, vars);
	}
	if (!text)
		goto oom;
	if (!strcmp(channel, "sms") && signed_sms(&text, &masked, sig) < 0)
		goto oom;
	if (masked)
		json_object_set_new(payload, "erase_to", json_string(masked));
	if (!strcmp(channel, "email") && subject)
		json_object_set_new(payload, "subject", json_string(subject));
	json_object_set_new(payload, "text", json_string(text));
	json_object_set(payload, "vars", vars);
	dump = json_dumps(payload, JSON_COMPACT);
	if (!dump)
		goto oom;
	rc = db_run(db, e,
	            "INSERT INTO outbox (application_id, revision, notice, channel,"
	            " recipient, payload, created_at, event) VALUES (?,?,?,?,?,?,?,?)"
	            " ON CONFLICT DO NOTHING",
	            "sissssss", aid, (long long)revision, n->id, channel, recipient,
	            dump, now, event ? event : "");
	goto out;
oom:
	ch_fail(e, NULL, 0, "out of memory");
out:
	if (dump && secret)
		memset(dump, 0, strlen(dump));
	if (text && secret)
		memset(text, 0, strlen(text));
	free(dump);
	free(text);
	free(masked);
	free(subject);
	json_decref(with);
	json_decref(payload);
	return rc;
}

static int queue_channels(batch_ctx *ctx, sqlite3 *db, const notice_text *n,
                          json_t *app, json_t *vars, const char *aid,
                          long revision, const char *event, const char *now,
                          ch_error *e);

int notice_queue_text(batch_ctx *ctx, sqlite3 *db, const notice_text *n,
                      json_t *app, const char *aid, long revision,
                      const char *order_no, const char *reason,
                      const char *now, ch_error *e)
{
	json_t *vars = variables(ctx, app, aid, order_no, 0, NULL);
	char *short_r;
	int rc;

	if (!vars)
		return ch_fail(e, NULL, 0, "out of memory");
	json_object_set_new(vars, "reasons", json_string(reason ? reason : ""));
	short_r = brief(NULL, reason);
	if (!short_r) {
		json_decref(vars);
		return ch_fail(e, NULL, 0, "out of memory");
	}
	json_object_set_new(vars, "reasons_brief", json_string(short_r));
	free(short_r);
	rc = queue_channels(ctx, db, n, app, vars, aid, revision, NULL, now, e);
	json_decref(vars);
	return rc;
}

int notice_queue_extra(batch_ctx *ctx, sqlite3 *db, const notice_text *n,
                       json_t *app, const char *aid, long revision,
                       const char *order_no, json_t *extra, const char *now,
                       ch_error *e)
{
	json_t *vars = variables(ctx, app, aid, order_no, 0, NULL);
	int rc;

	if (!vars || json_object_update(vars, extra) < 0) {
		json_decref(vars);
		return ch_fail(e, NULL, 0, "out of memory");
	}
	rc = queue_channels(ctx, db, n, app, vars, aid, revision, NULL, now, e);
	json_decref(vars);
	return rc;
}

int notice_queue_pin(batch_ctx *ctx, sqlite3 *db, const notice_text *n,
                     json_t *app, const char *aid, long revision,
                     const char *order_no, const char *serial,
                     const char *mobile, const char *pin, const char *now,
                     ch_error *e)
{
	json_t *vars = variables(ctx, app, aid, order_no, 0, NULL);
	int rc;

	if (!vars)
		return ch_fail(e, NULL, 0, "out of memory");
	rc = queue_one(db, n, "sms", mobile, vars, aid, revision, serial, pin,
	               context_sms_signature(ctx), now, e);
	json_decref(vars);
	return rc;
}

int notice_queue_refused(batch_ctx *ctx, sqlite3 *db, json_t *app,
                         const char *aid, long revision,
                         const ch_findings *f, const char *bundle_sha256,
                         const char *now, ch_error *e)
{
	json_t *vars = variables(ctx, app, aid, NULL, 0, f);
	int rc;

	if (!vars)
		return ch_fail(e, NULL, 0, "out of memory");
	rc = queue_channels(ctx, db, &ctx->rejected, app, vars, aid, revision,
	                    bundle_sha256, now, e);
	json_decref(vars);
	return rc;
}

int notice_queue(batch_ctx *ctx, sqlite3 *db, json_t *app, const char *aid,
                 long revision, const char *order_no, long long amount_fen,
                 const ch_findings *f, const char *now, ch_error *e)
{
	const notice_text *n = order_no ? &ctx->accepted : &ctx->rejected;
	json_t *vars;
	int rc;

	vars = variables(ctx, app, aid, order_no, amount_fen, f);
	if (!vars)
		return ch_fail(e, NULL, 0, "out of memory");
	rc = queue_channels(ctx, db, n, app, vars, aid, revision, NULL, now, e);
	json_decref(vars);
	return rc;
}

static int queue_channels(batch_ctx *ctx, sqlite3 *db, const notice_text *n,
                          json_t *app, json_t *vars, const char *aid,
                          long revision, const char *event, const char *now,
                          ch_error *e)
{
	json_t *handler = json_object_get(app, "handler");
	const char *email = json_string_value(json_object_get(handler, "email"));
	const char *mobile = json_string_value(json_object_get(handler, "mobile"));
	char canon[12], *addr = NULL;
	int rc = 0;

	/* A rejected form may hold a wrong address: that channel is then
	 * skipped rather than queueing a message that cannot arrive. The
	 * address is queued folded, as the mobile is, the form mail sends. */
	if (strcmp(n->channel, "sms") && email && ch_valid_email(email)) {
		addr = ch_fold_fullwidth(email);
		if (!addr)
			return ch_fail(e, NULL, 0, "out of memory");
		rc = queue_one(db, n, "email", addr, vars, aid, revision, event,
		               NULL, NULL, now, e);
		free(addr);
	}
	if (rc == 0 && strcmp(n->channel, "email") && mobile &&
	    ch_valid_mobile(mobile, canon))
		rc = queue_one(db, n, "sms", canon, vars, aid, revision, event,
		               NULL, context_sms_signature(ctx), now, e);
	return rc;
}

int notice_queue_event(batch_ctx *ctx, sqlite3 *db, const char *id,
                       const char *aid, json_t *extra, const char *now,
                       ch_error *e)
{
	sqlite3_stmt *st = NULL;
	notice_text n;
	json_t *app = NULL, *vars = NULL;
	json_error_t je;
	long revision;
	int r, rc = -1;

	if (context_notice(ctx, id, &n, e) < 0)
		goto out;
	r = db_row(db, e, &st, "SELECT r.application_json, r.revision,"
	           " a.order_no, a.amount_due_fen FROM applications a JOIN"
	           " revisions r ON r.application_id = a.application_id"
	           " AND r.revision = a.revision WHERE a.application_id = ?"
	           " AND r.outcome = 'accepted'", "s", aid);
	if (r <= 0) {
		if (r == 0)
			ch_fail(e, NULL, 0, "application %s has no accepted revision", aid);
		goto out;
	}
	app = json_loads((const char *)sqlite3_column_text(st, 0), 0, &je);
	revision = (long)sqlite3_column_int64(st, 1);
	if (!app) {
		ch_fail(e, NULL, 0, "application %s: stored form unreadable", aid);
		goto out;
	}
	vars = variables(ctx, app, aid, (const char *)sqlite3_column_text(st, 2),
	                 sqlite3_column_int64(st, 3), NULL);
	if (!vars || (extra && json_object_update(vars, extra) < 0)) {
		ch_fail(e, NULL, 0, "out of memory");
		goto out;
	}
	/* A reviewer's reason reaches the SMS cut, the e-mail whole. */
	if (json_is_string(json_object_get(vars, "reasons"))) {
		char *short_r = brief(NULL, json_string_value(json_object_get(vars,
		                                                              "reasons")));
		if (!short_r || json_object_set_new(vars, "reasons_brief",
		                                    json_string(short_r)) < 0) {
			free(short_r);
			ch_fail(e, NULL, 0, "out of memory");
			goto out;
		}
		free(short_r);
	}
	rc = queue_channels(ctx, db, &n, app, vars, aid, revision, NULL, now, e);
out:
	sqlite3_finalize(st);
	json_decref(vars);
	json_decref(app);
	context_notice_free(&n);
	return rc;
}
