/* context.h: what every command of the batch works with, loaded once:
 * the configuration, the form schema, the fee schedule (the config's, or
 * content/fees.yaml) and the notice texts (content/notices/<id>.md) with
 * the contact details they mention (content/site.yaml), and how to pay by
 * each payment method (content/forms/payment_instructions.yaml: nothing
 * written to applicants lives in C). The context owns
 * all of it: context_free(). */
#ifndef BATCH_CONTEXT_H
#define BATCH_CONTEXT_H

#include <jansson.h>

#include "batch/config.h"
#include "common/error.h"
#include "common/fees.h"
#include "common/schema.h"

/* A notice's texts, templates with {placeholders} (notice_text.h says
 * how a file of content/notices/ gives them). */
/* Characters of a name an operator types: who decided (--by), a
 * carrier (--carrier). Checked with ch_check_text (common/unsafecp.h). */
#define BATCH_NAME_MAX 32

typedef struct notice_text {
	char *id;      /* accepted, rejected, ... */
	char *channel; /* sms, email or both */
	char *subject; /* e-mail subject template, NULL if none */
	char *sms;     /* the SMS, without the signature; NULL if none */
	char *email;   /* the e-mail's plain text; NULL if none */
} notice_text;

typedef struct batch_ctx {
	batch_config cfg;
	ch_schema *schema;
	ch_fees fees;
	notice_text accepted;
	notice_text rejected;
	notice_text micro_deposit;       /* the payout is on its way */
	notice_text verification_failed; /* bank_verification_failed */
	notice_text pin_organization;    /* issued: the 机构证书's PIN */
	notice_text pin_personal;        /* issued: a 机构个人证书's PIN */
	notice_text e_invoice;           /* issued: the e-invoice's link */
	char *pay_transfer; /* templates with {order_no}, by payment_method */
	char *pay_online;
	char *hotline; /* from content/site.yaml, "" if absent */
	char *website;
} batch_ctx;

int context_load(const char *config_path, batch_ctx *ctx, ch_error *e);
/* The SMS signature, without its brackets: {sms: signature} of the
 * configuration, else 深圳CA; notify_settings_load() is given it. Every
 * SMS starts with 【signature】, and its length counts it. */
const char *context_sms_signature(const batch_ctx *ctx);
void context_free(batch_ctx *ctx);

/* Reads notice id (content/notices/<id>.md) on demand, for the notices
 * only one command sends (approved, shipped). n: context_notice_free(),
 * also after a failure. */
int context_notice(batch_ctx *ctx, const char *id, notice_text *n,
                   ch_error *e);
void context_notice_free(notice_text *n);

/* A malloc'd copy of tmpl with each {name} replaced by vars' string
 * "name"; unknown placeholders stay as written. NULL when out of memory. */
char *notice_render(const char *tmpl, json_t *vars);

#endif
