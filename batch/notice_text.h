/* notice_text.h: a notice file of content/notices/ read into its texts
 * for each channel, and the SMS length rule checked when it is read.
 *
 * A notice file's body has a section per channel, headed "## 短信" and
 * "## 电子邮件", which the site shows as written; text before the first
 * of them is for the site only. The SMS section is one paragraph (its
 * lines are joined without spaces, as Chinese is written); the e-mail
 * section is kept as plain text. The front matter's `channel` (sms,
 * email, both) must match the sections present.
 *
 * An SMS may take at most two parts as operators count them: 70
 * characters in one message, 67 per part above that, the signature
 * 【...】 included, a character beyond the BMP counting two. The check is
 * made at load time with every placeholder at its longest
 * (notice_placeholder_max): a placeholder with no bounded length (the
 * organization's name, the reasons in full, the payment instructions)
 * cannot be in an SMS at all. */
#ifndef BATCH_NOTICE_TEXT_H
#define BATCH_NOTICE_TEXT_H

#include <stddef.h>

#include "batch/context.h"
#include "common/error.h"

#define SMS_SINGLE 70
#define SMS_PART 67
#define SMS_MAX_PARTS 2

/* The longest value, in characters, placeholder `name` may take in an
 * SMS; -1 when it has no bound. hotline and website are the site's own
 * values, given here. */
long notice_placeholder_max(const char *name, const char *hotline,
                            const char *website);

/* Characters of s as an operator counts them (UTF-16 code units). */
size_t sms_units(const char *s);
/* The parts an SMS of that many units takes. */
size_t sms_parts(size_t units);

/* Reads the notice file `path` (its text, len bytes) into n: id (which
 * must be `id`, the file's name), channel, subject, sms and email texts.
 * signature is the SMS signature without its brackets. Errors name the
 * file and line. */
int notice_text_parse(const char *path, const char *text, size_t len,
                      const char *id, const char *signature,
                      const char *hotline, const char *website,
                      notice_text *n, ch_error *e);

void notice_text_free(notice_text *n);

#endif
