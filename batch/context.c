/* context.c: loading the configuration and the content the batch uses. */
#include "batch/context.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/fsutil.h"
#include "common/yaml.h"

#define CONTENT_MAX_BYTES (4u << 20)
#define CONTENT_PATH_BYTES 4096

static int content_path(const batch_ctx *ctx, const char *rel, char *out,
                        size_t n, ch_error *e)
{
	if ((size_t)snprintf(out, n, "%s/%s", ctx->cfg.content, rel) >= n)
		return ch_fail(e, ctx->cfg.content, 0, "content path too long");
	return 0;
}

/* A file of content/ read whole. It owns text and doc: content_file_free. */
typedef struct content_file {
	char path[CONTENT_PATH_BYTES]; /* what the file's errors name */
	char *text;
	size_t len;
	json_t *doc; /* the text as YAML, when read by content_yaml */
} content_file;

/* Reads content/<rel> into f. A name too long is an error in e (-1); a
 * file that cannot be read is 1, the reason in unread (e, or NULL to drop
 * it), since what that means is each file's call: the site settings may
 * be missing. */
static int content_read(const batch_ctx *ctx, const char *rel,
                        content_file *f, ch_error *unread, ch_error *e)
{
	f->text = NULL;
	f->len = 0;
	f->doc = NULL;
	if (content_path(ctx, rel, f->path, sizeof f->path, e) < 0)
		return -1;
	if (ch_read_file(f->path, CONTENT_MAX_BYTES, &f->text, &f->len,
	                 unread) < 0)
		return 1;
	return 0;
}

/* content_read, then f->doc from the text; bad YAML is an error in e
 * naming the file and line (-1). */
static int content_yaml(const batch_ctx *ctx, const char *rel,
                        content_file *f, ch_error *unread, ch_error *e)
{
	int got = content_read(ctx, rel, f, unread, e);

	if (got == 0) {
		f->doc = ch_yaml_parse(f->text, f->len, f->path, 1, e);
		if (!f->doc)
			got = -1;
	}
	return got;
}

static void content_file_free(content_file *f)
{
	free(f->text);
	json_decref(f->doc);
	f->text = NULL;
	f->doc = NULL;
}

static int load_schema(batch_ctx *ctx, ch_error *e)
{
	char path[CONTENT_PATH_BYTES];

	if (content_path(ctx, "forms/application.yaml", path, sizeof path, e) < 0)
		return -1;
	return ch_schema_load_file(path, CONTENT_MAX_BYTES, &ctx->schema, e);
}

static int load_fees(batch_ctx *ctx, ch_error *e)
{
	content_file f;
	int rc = -1;

	if (ctx->cfg.has_fees) {
		ctx->fees = ctx->cfg.fees;
		return 0;
	}
	if (content_read(ctx, "fees.yaml", &f, e, e) != 0)
		goto out;
	rc = ch_fees_load(f.text, f.len, f.path, &ctx->fees, e);
out:
	content_file_free(&f);
	return rc;
}

static char *dup_str(json_t *v)
{
	return json_is_string(v) ? strdup(json_string_value(v)) : NULL;
}

static int load_notice(batch_ctx *ctx, const char *id, notice_text *n,
                       ch_error *e)
{
	char rel[64];
	content_file f;
	const char *path = f.path, *body;
	size_t body_len;
	json_t *meta = NULL;
	int body_line, rc = -1;

	snprintf(rel, sizeof rel, "notices/%s.md", id);
	if (content_read(ctx, rel, &f, e, e) != 0)
		goto out;
	if (ch_front_matter(f.text, f.len, path, &meta, &body, &body_len,
	                    &body_line, e) < 0)
		goto out;
	while (body_len && (*body == '\n' || *body == '\r')) {
		body++;
		body_len--;
	}
	while (body_len && (body[body_len - 1] == '\n' || body[body_len - 1] == '\r'))
		body_len--;
	n->id = strdup(id);
	n->channel = dup_str(json_object_get(meta, "channel"));
	n->subject = dup_str(json_object_get(meta, "subject"));
	n->body = strndup(body, body_len);
	if (!n->id || !n->body) {
		ch_fail(e, path, 0, "out of memory");
		goto out;
	}
	if (!n->channel)
		n->channel = strdup("both");
	if (!n->channel) {
		ch_fail(e, path, 0, "out of memory");
		goto out;
	}
	if (strcmp(n->channel, "sms") && strcmp(n->channel, "email") &&
	    strcmp(n->channel, "both")) {
		ch_fail(e, path, 0, "channel must be sms, email or both, not '%s'",
		        n->channel);
		goto out;
	}
	rc = 0;
out:
	json_decref(meta);
	content_file_free(&f);
	return rc;
}

/* The two payment texts; both must be there and nothing else, so that a
 * misspelt key is not a notice without instructions. */
static int load_payment(batch_ctx *ctx, ch_error *e)
{
	content_file f;
	const char *path = f.path, *key;
	json_t *doc, *v;
	ch_error why;
	int got, rc = -1;

	got = content_yaml(ctx, "forms/payment_instructions.yaml", &f, &why, e);
	if (got > 0)
		ch_fail(e, path, 0, "cannot read the payment instructions: %s",
		        why.msg);
	if (got != 0)
		goto out;
	doc = f.doc;
	if (!json_is_object(doc)) {
		ch_fail(e, path, 0, "must map 'transfer' and 'online' to texts");
		goto out;
	}
	json_object_foreach(doc, key, v) {
		if (strcmp(key, "transfer") && strcmp(key, "online")) {
			ch_fail(e, path, 0, "unknown key '%s' (only transfer, online)",
			        key);
			goto out;
		}
		if (!json_is_string(v) || !*json_string_value(v)) {
			ch_fail(e, path, 0, "'%s' must be a non-empty text", key);
			goto out;
		}
	}
	ctx->pay_transfer = dup_str(json_object_get(doc, "transfer"));
	ctx->pay_online = dup_str(json_object_get(doc, "online"));
	if (!ctx->pay_transfer || !ctx->pay_online) {
		ch_fail(e, path, 0, "'%s' is missing",
		        !json_object_get(doc, "transfer") ? "transfer" : "online");
		goto out;
	}
	rc = 0;
out:
	content_file_free(&f);
	return rc;
}

/* hotline and website for the notices; the site's settings are optional
 * for the batch, so a missing file leaves them empty. */
static int load_site(batch_ctx *ctx, ch_error *e)
{
	content_file f;
	int rc = -1;

	if (content_yaml(ctx, "site.yaml", &f, NULL, e) < 0)
		goto out;
	ctx->hotline = dup_str(json_object_get(f.doc, "hotline"));
	ctx->website = dup_str(json_object_get(f.doc, "website"));
	if (!ctx->hotline)
		ctx->hotline = strdup("");
	if (!ctx->website)
		ctx->website = strdup("");
	if (!ctx->hotline || !ctx->website) {
		ch_fail(e, f.path, 0, "out of memory");
		goto out;
	}
	rc = 0;
out:
	content_file_free(&f);
	return rc;
}

int context_load(const char *config_path, batch_ctx *ctx, ch_error *e)
{
	memset(ctx, 0, sizeof *ctx);
	if (config_load(config_path, &ctx->cfg, e) < 0)
		return -1;
	if (load_schema(ctx, e) < 0 || load_fees(ctx, e) < 0 ||
	    load_notice(ctx, "accepted", &ctx->accepted, e) < 0 ||
	    load_notice(ctx, "rejected", &ctx->rejected, e) < 0 ||
	    load_notice(ctx, "micro_deposit", &ctx->micro_deposit, e) < 0 ||
	    load_notice(ctx, "bank_verification_failed",
	                &ctx->verification_failed, e) < 0 ||
	    load_payment(ctx, e) < 0 || load_site(ctx, e) < 0) {
		context_free(ctx);
		return -1;
	}
	return 0;
}

int context_notice(batch_ctx *ctx, const char *id, notice_text *n,
                   ch_error *e)
{
	memset(n, 0, sizeof *n);
	return load_notice(ctx, id, n, e);
}

static void notice_free(notice_text *n)
{
	free(n->id);
	free(n->channel);
	free(n->subject);
	free(n->body);
}

void context_notice_free(notice_text *n)
{
	notice_free(n);
	memset(n, 0, sizeof *n);
}

void context_free(batch_ctx *ctx)
{
	config_free(&ctx->cfg);
	ch_schema_free(ctx->schema);
	notice_free(&ctx->accepted);
	notice_free(&ctx->rejected);
	notice_free(&ctx->micro_deposit);
	notice_free(&ctx->verification_failed);
	free(ctx->pay_transfer);
	free(ctx->pay_online);
	free(ctx->hotline);
	free(ctx->website);
	memset(ctx, 0, sizeof *ctx);
}

char *notice_render(const char *tmpl, json_t *vars)
{
	ch_buf b = CH_BUF_INIT;
	const char *p = tmpl;

	while (*p) {
		const char *open = strchr(p, '{'), *close;
		json_t *v = NULL;
		if (!open) {
			ch_buf_puts(&b, p);
			break;
		}
		ch_buf_append(&b, p, (size_t)(open - p));
		close = strchr(open + 1, '}');
		if (close && close - open - 1 < 64) {
			char name[64];
			memcpy(name, open + 1, (size_t)(close - open - 1));
			name[close - open - 1] = '\0';
			v = json_object_get(vars, name);
		}
		if (json_is_string(v)) {
			ch_buf_puts(&b, json_string_value(v));
			p = close + 1;
		} else {
			ch_buf_putc(&b, '{');
			p = open + 1;
		}
	}
	if (!ch_buf_ok(&b)) {
		ch_buf_free(&b);
		return NULL;
	}
	return ch_buf_detach(&b, NULL);
}
