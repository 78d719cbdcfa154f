/* settings.c: the mail and SMS settings (see settings.h). */
#include "batch/notify/settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch/notify/message.h"
#include "batch/notify/pipe.h"

#define DEFAULT_FROM "深圳CA <noreply@example.invalid>"
#define DEFAULT_GIVE_UP_HOURS 72

static const char *const MAIL_KEYS[] = {"msmtp", "config", "account", "from",
                                        "give_up_after", NULL};
static const char *const SMS_KEYS[] = {"command", "signature", "after_crash",
                                       "give_up_after", NULL};

static int known_keys(json_t *map, const char *section,
                      const char *const *keys, const char *file, ch_error *e)
{
	const char *k;
	json_t *v;

	if (!map)
		return 0;
	if (!json_is_object(map))
		return ch_fail(e, file, 0, "%s: a mapping of settings is expected",
		               section);
	json_object_foreach(map, k, v) {
		size_t i = 0;
		while (keys[i] && strcmp(keys[i], k))
			i++;
		if (!keys[i])
			return ch_fail(e, file, 0, "%s.%s: unknown setting", section, k);
		if (!json_is_string(v) && !json_is_integer(v))
			return ch_fail(e, file, 0, "%s.%s: a single value is expected",
			               section, k);
	}
	return 0;
}

static const char *str(json_t *map, const char *key)
{
	return json_string_value(json_object_get(map, key));
}

static int hours(json_t *map, const char *section, const char *file,
                 long *out, ch_error *e)
{
	json_t *v = json_object_get(map, "give_up_after");
	long long h = DEFAULT_GIVE_UP_HOURS;

	if (v) {
		if (!json_is_integer(v) || json_integer_value(v) < 1 ||
		    json_integer_value(v) > 24 * 365)
			return ch_fail(e, file, 0,
			               "%s.give_up_after: hours from 1 to 8760 expected",
			               section);
		h = json_integer_value(v);
	}
	*out = (long)h * 3600;
	return 0;
}

static int command(const char *const *argv, char **out, ch_error *e)
{
	ch_buf b = CH_BUF_INIT;

	if (pipe_command(argv, &b, e) < 0) {
		ch_buf_free(&b);
		return -1;
	}
	*out = ch_buf_detach(&b, NULL);
	return 0;
}

static int mail_settings(json_t *mail, const char *file, notify_settings *s,
                         ch_error *e)
{
	const char *prog = str(mail, "msmtp"), *conf = str(mail, "config"),
	           *account = str(mail, "account"), *from = str(mail, "from");
	const char *argv[8];
	size_t n = 0;
	mail_mailbox mb;

	s->from = strdup(from ? from : DEFAULT_FROM);
	if (!s->from)
		return ch_fail(e, NULL, 0, "out of memory");
	if (mail_mailbox_parse(s->from, &mb, e) < 0) {
		char why[sizeof e->msg];
		snprintf(why, sizeof why, "%s", e->msg);
		return ch_fail(e, file, 0, "mail.from: %s", why);
	}
	if (hours(mail, "mail", file, &s->mail_give_up, e) < 0)
		return -1;
	if (!prog)
		return 0;
	/* -t: the recipients are read from the message's To header, so no
	 * address ever reaches the command line. */
	argv[n++] = prog;
	if (conf) {
		argv[n++] = "-C";
		argv[n++] = conf;
	}
	if (account) {
		argv[n++] = "-a";
		argv[n++] = account;
	}
	argv[n++] = "-t";
	argv[n] = NULL;
	return command(argv, &s->mail_cmd, e);
}

static int sms_settings(json_t *sms, const char *signature, const char *file,
                        notify_settings *s, ch_error *e)
{
	const char *prog = str(sms, "command"), *after = str(sms, "after_crash");
	const char *argv[2] = {prog, NULL};

	s->signature = strdup(signature);
	if (!s->signature)
		return ch_fail(e, NULL, 0, "out of memory");
	if (after && strcmp(after, "skip") && strcmp(after, "resend") &&
	    strcmp(after, "ask"))
		return ch_fail(e, file, 0,
		               "sms.after_crash: 'skip', 'resend' or 'ask' expected,"
		               " not '%s'", after);
	s->sms_after = !after || !strcmp(after, "skip") ? SMS_SKIP
	               : !strcmp(after, "resend") ? SMS_RESEND : SMS_ASK;
	if (hours(sms, "sms", file, &s->sms_give_up, e) < 0)
		return -1;
	if (!prog)
		return 0;
	return command(argv, &s->sms_cmd, e);
}

int notify_settings_load(json_t *mail, json_t *sms, const char *signature,
                         const char *file, const char *outbox_dir,
                         notify_settings *s, ch_error *e)
{
	memset(s, 0, sizeof *s);
	if (known_keys(mail, "mail", MAIL_KEYS, file, e) < 0 ||
	    known_keys(sms, "sms", SMS_KEYS, file, e) < 0)
		goto fail;
	s->outbox_dir = strdup(outbox_dir);
	if (!s->outbox_dir) {
		ch_fail(e, NULL, 0, "out of memory");
		goto fail;
	}
	if (mail_settings(mail, file, s, e) < 0 ||
	    sms_settings(sms, signature, file, s, e) < 0)
		goto fail;
	return 0;
fail:
	notify_settings_free(s);
	return -1;
}

void notify_settings_free(notify_settings *s)
{
	free(s->outbox_dir);
	free(s->mail_cmd);
	free(s->from);
	free(s->sms_cmd);
	free(s->signature);
	memset(s, 0, sizeof *s);
}
