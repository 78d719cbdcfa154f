/* context.c: loading the configuration and the content the batch uses. */
#include "batch/context.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch/notice_text.h"
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

const char *context_sms_signature(const batch_ctx *ctx)
{
	const char *sig = json_string_value(json_object_get(ctx->cfg.sms,
	                                                    "signature"));
	return sig ? sig : "深圳CA";
}

/* content/notices/<id>.md into n. Every notice file follows
 * notice_text.h: a '## 短信' and/or '## 电子邮件' section, the SMS
 * within two parts with each placeholder at its longest. A notice added
 * by another command (approved.md, shipped.md) follows the same format,
 * and load_all_notices() checks it even before a command loads it. */
static int load_notice(batch_ctx *ctx, const char *id, notice_text *n,
                       ch_error *e)
{
	char rel[300];
	content_file f;
	int rc = -1;

	snprintf(rel, sizeof rel, "notices/%s.md", id);
	if (content_read(ctx, rel, &f, e, e) != 0)
		goto out;
	rc = notice_text_parse(f.path, f.text, f.len, id, context_sms_signature(ctx),
	                       ctx->hotline, ctx->website, n, e);
out:
	content_file_free(&f);
	return rc;
}

/* A notice every command needs and the slot of ctx it is kept in. */
typedef struct notice_slot {
	const char *id;
	notice_text *n;
} notice_slot;

/* The notice file f, named id, read into t; kept in its slot if it has
 * one, else only checked. */
static int keep_notice(batch_ctx *ctx, const notice_slot *slots,
                       size_t nslots, const content_file *f, const char *id,
                       ch_error *e)
{
	notice_text t;

	if (notice_text_parse(f->path, f->text, f->len, id,
	                      context_sms_signature(ctx), ctx->hotline,
	                      ctx->website, &t, e) < 0)
		return -1;
	for (size_t i = 0; i < nslots; i++)
		if (!strcmp(slots[i].id, id)) {
			*slots[i].n = t;
			return 0;
		}
	notice_text_free(&t);
	return 0;
}

/* Every notice file (one with a `notice:` key) is checked at load, so a
 * too long SMS is refused before any command queues it; those in slots
 * are kept as read. A slot no file filled is then loaded by name, for
 * the error that names what is wrong with it. */
static int load_all_notices(batch_ctx *ctx, const notice_slot *slots,
                            size_t nslots, ch_error *e)
{
	char dir[CONTENT_PATH_BYTES], rel[300];
	struct dirent *d;
	DIR *dp;
	int rc = 0;

	if (content_path(ctx, "notices", dir, sizeof dir, e) < 0)
		return -1;
	dp = opendir(dir);
	if (!dp)
		return ch_fail(e, dir, 0, "cannot read the notices: %s",
		               strerror(errno));
	while (rc == 0 && (d = readdir(dp))) {
		size_t n = strlen(d->d_name);
		char id[256];
		content_file f;
		json_t *meta = NULL;
		const char *body;
		size_t body_len;
		int body_line;
		if (n < 4 || n - 3 >= sizeof id || strcmp(d->d_name + n - 3, ".md") ||
		    d->d_name[0] == '.')
			continue;
		memcpy(id, d->d_name, n - 3);
		id[n - 3] = '\0';
		snprintf(rel, sizeof rel, "notices/%s", d->d_name);
		if (content_read(ctx, rel, &f, e, e) != 0) {
			rc = -1;
			break;
		}
		if (ch_front_matter(f.text, f.len, f.path, &meta, &body, &body_len,
		                    &body_line, e) < 0)
			rc = -1;
		else if (json_object_get(meta, "notice"))
			rc = keep_notice(ctx, slots, nslots, &f, id, e);
		json_decref(meta);
		content_file_free(&f);
	}
	closedir(dp);
	for (size_t i = 0; rc == 0 && i < nslots; i++)
		if (!slots[i].n->id)
			rc = load_notice(ctx, slots[i].id, slots[i].n, e);
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
	const notice_slot slots[] = {
		{"accepted", &ctx->accepted},
		{"rejected", &ctx->rejected},
		{"micro_deposit", &ctx->micro_deposit},
		{"bank_verification_failed", &ctx->verification_failed},
		{"pin_organization", &ctx->pin_organization},
		{"pin_personal", &ctx->pin_personal},
		{"e_invoice", &ctx->e_invoice},
	};

	memset(ctx, 0, sizeof *ctx);
	if (config_load(config_path, &ctx->cfg, e) < 0)
		return -1;
	/* The site's hotline and website first: the SMS length counts them. */
	if (load_schema(ctx, e) < 0 || load_fees(ctx, e) < 0 ||
	    load_site(ctx, e) < 0 ||
	    load_all_notices(ctx, slots, sizeof slots / sizeof slots[0], e) < 0 ||
	    load_payment(ctx, e) < 0) {
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

void context_notice_free(notice_text *n)
{
	notice_text_free(n);
}

void context_free(batch_ctx *ctx)
{
	config_free(&ctx->cfg);
	ch_schema_free(ctx->schema);
	notice_text_free(&ctx->accepted);
	notice_text_free(&ctx->rejected);
	notice_text_free(&ctx->micro_deposit);
	notice_text_free(&ctx->verification_failed);
	notice_text_free(&ctx->pin_organization);
	notice_text_free(&ctx->pin_personal);
	notice_text_free(&ctx->e_invoice);
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
