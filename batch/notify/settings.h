/* settings.h: how messages leave, read from the configuration's `mail:`
 * and `sms:` mappings (config.h keeps them as written):
 *
 *   mail:
 *     msmtp: /usr/bin/msmtp          the program (default: none: folder)
 *     config: /etc/certhall/msmtprc  its -C file (optional)
 *     account: certhall              its -a account (optional)
 *     from: 深圳CA <noreply@example.com>
 *     give_up_after: 72              hours of retrying before `failed`
 *   sms:
 *     command: /usr/local/lib/certhall/sms-gateway
 *     signature: 深圳CA
 *     after_crash: skip              or resend, or ask (see outbox.h)
 *     give_up_after: 72
 *
 * An unknown key is an error naming it. The settings own their strings:
 * notify_settings_free(). */
#ifndef BATCH_NOTIFY_SETTINGS_H
#define BATCH_NOTIFY_SETTINGS_H

#include <jansson.h>

#include "common/buf.h"
#include "common/error.h"

enum { SMS_SKIP, SMS_RESEND, SMS_ASK };

typedef struct notify_settings {
	char *outbox_dir;   /* where unsent-by-program messages are written */
	char *mail_cmd;     /* the msmtp command line, NULL: write .eml files */
	char *from;         /* the From mailbox */
	long mail_give_up;  /* seconds */
	char *sms_cmd;      /* the gateway command line, NULL: write .json */
	char *signature;    /* 【signature】 the SMS carries */
	int sms_after;      /* after_crash: SMS_SKIP, SMS_RESEND or SMS_ASK */
	long sms_give_up;   /* seconds */
} notify_settings;

/* file names the configuration file for messages (may be NULL).
 * signature is sms.signature as context_sms_signature() reads it, the
 * one the SMS length check at load counted. */
int notify_settings_load(json_t *mail, json_t *sms, const char *signature,
                         const char *file, const char *outbox_dir,
                         notify_settings *s, ch_error *e);
void notify_settings_free(notify_settings *s);

#endif
