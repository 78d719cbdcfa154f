/* notice_text.c: a notice file's texts and the SMS length rule (see
 * notice_text.h). */
#include "batch/notice_text.h"
#include "batch/review/decide.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "batch/review/issued.h"
#include "common/buf.h"
#include "common/text.h"
#include "common/yaml.h"

/* The longest value of each placeholder an SMS may hold. order_no: "SX",
 * yyyymmdd, five digits, a check character (batch/orderno.c);
 * application_id: XXXX-XXXX-XXXX; amount: yuan with two decimals, below
 * a million; pin and invoice_url: what `issued` accepts; reasons_brief: cut by batch/intake/notice.c. A notice that
 * needs another placeholder in its SMS adds it here with its bound (for
 * shipped.md: the carrier's name and the tracking number, as `ship`
 * checks them). */
static const struct {
	const char *name;
	long max;
} MAXIMA[] = {
	{"order_no", 16},
	{"application_id", 14},
	{"amount", 9},
	{"pin", ISSUED_PIN_MAX},
	{"invoice_url", ISSUED_URL_MAX},
	{"reasons_brief", 40},
	{"carrier", DECIDE_NAME_MAX},
	{"tracking_no", DECIDE_TRACKING_MAX},
};

long notice_placeholder_max(const char *name, const char *hotline,
                            const char *website)
{
	for (size_t i = 0; i < sizeof MAXIMA / sizeof MAXIMA[0]; i++)
		if (!strcmp(MAXIMA[i].name, name))
			return MAXIMA[i].max;
	if (!strcmp(name, "hotline"))
		return (long)sms_units(hotline ? hotline : "");
	if (!strcmp(name, "website"))
		return (long)sms_units(website ? website : "");
	return -1;
}

/* The UTF-16 code units the UTF-8 byte c starts: none for a
 * continuation byte, two for a character beyond the BMP. */
static size_t byte_units(unsigned char c)
{
	if ((c & 0xC0) == 0x80)
		return 0;
	return c >= 0xF0 ? 2 : 1;
}

size_t sms_units(const char *s)
{
	size_t n = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		n += byte_units(*p);
	return n;
}

size_t sms_parts(size_t units)
{
	if (units <= SMS_SINGLE)
		return 1;
	return (units + SMS_PART - 1) / SMS_PART;
}

/* The SMS at its longest: the literal text, each placeholder at its
 * bound, and the signature. A placeholder without a bound is an error. */
static int sms_check(const char *path, int line, const char *sms,
                     const char *signature, const char *hotline,
                     const char *website, ch_error *e)
{
	size_t units = sms_units(signature) + 2; /* 【】 */
	const char *p = sms;

	while (*p) {
		const char *close = *p == '{' ? strchr(p + 1, '}') : NULL;
		size_t len = close ? (size_t)(close - p - 1) : 0;
		if (close && len > 0 && len < 64 &&
		    strspn(p + 1, "abcdefghijklmnopqrstuvwxyz_") == len) {
			char name[64];
			long max;
			memcpy(name, p + 1, len);
			name[len] = '\0';
			max = notice_placeholder_max(name, hotline, website);
			if (max < 0)
				return ch_fail(e, path, line,
				               "the SMS cannot hold {%s}: its length has no "
				               "bound (say it in the e-mail, or give it a "
				               "bound in batch/notice_text.c)", name);
			units += (size_t)max;
			p = close + 1;
			continue;
		}
		units += byte_units(*(const unsigned char *)p);
		p++;
	}
	if (sms_parts(units) > SMS_MAX_PARTS)
		return ch_fail(e, path, line,
		               "the SMS may be %zu characters with the signature and "
		               "every placeholder at its longest: more than %d parts "
		               "(at most %d characters)", units, SMS_MAX_PARTS,
		               SMS_MAX_PARTS * SMS_PART);
	return 0;
}

enum { NONE, SMS, MAIL };

typedef struct sections {
	ch_buf text[3];
	int line[3];   /* where each heading is, 0 when absent */
	int blank[3];  /* a blank line seen after text in the section */
} sections;

static int trim_end(const char *s, size_t n)
{
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	return (int)n;
}

/* Splits body into its sections; the SMS's lines joined. */
static int split(const char *path, const char *body, size_t len, int line,
                 sections *s, ch_error *e)
{
	const char *p = body, *end = body + len;
	int cur = NONE;

	for (; p < end; line++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		int k = trim_end(p, n);
		if (k >= 3 && !strncmp(p, "## ", 3)) {
			int which = (k == 9 && !strncmp(p, "## 短信", 9)) ? SMS
			            : (k == 15 && !strncmp(p, "## 电子邮件", 15)) ? MAIL
			            : NONE;
			if (which == NONE)
				return ch_fail(e, path, line, "a notice's sections are "
				               "'## 短信' and '## 电子邮件'");
			if (s->line[which])
				return ch_fail(e, path, line, "a second '%.*s' section", k, p);
			s->line[which] = line;
			cur = which;
		} else if (cur == SMS) {
			const char *t = p;
			while (t < p + k && (*t == ' ' || *t == '\t'))
				t++;
			if (t == p + k) {
				if (s->text[SMS].len)
					s->blank[SMS] = line;
			} else if (s->blank[SMS]) {
				return ch_fail(e, path, line, "the SMS must be one paragraph");
			} else {
				ch_buf_append(&s->text[SMS], t, (size_t)(p + k - t));
			}
		} else if (cur == MAIL) {
			if (k == 0 && !s->text[MAIL].len)
				; /* leading blank lines */
			else {
				ch_buf_append(&s->text[MAIL], p, (size_t)k);
				ch_buf_putc(&s->text[MAIL], '\n');
			}
		}
		p = nl ? nl + 1 : end;
	}
	/* The e-mail's trailing blank lines. */
	while (s->text[MAIL].len && s->text[MAIL].data[s->text[MAIL].len - 1] == '\n' &&
	       (s->text[MAIL].len == 1 || s->text[MAIL].data[s->text[MAIL].len - 2] == '\n'))
		s->text[MAIL].data[--s->text[MAIL].len] = '\0';
	for (int i = SMS; i <= MAIL; i++)
		if (!ch_buf_ok(&s->text[i]))
			return ch_fail(e, path, 0, "out of memory");
	return 0;
}

static char *dup_str(json_t *v)
{
	return json_is_string(v) ? strdup(json_string_value(v)) : NULL;
}

static char *detach(ch_buf *b)
{
	return b->len ? ch_buf_detach(b, NULL) : NULL;
}

/* Every text sent is UTF-8 (jansson takes nothing else): a file that is
 * not is refused at its first bad line. */
static int utf8_check(const char *path, const char *text, size_t len,
                      ch_error *e)
{
	int line = 1;

	if (ch_utf8_valid(text, len) && !memchr(text, '\0', len))
		return 0;
	for (const char *p = text, *end = text + len; p < end; line++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (!ch_utf8_valid(p, n) || memchr(p, '\0', n))
			break;
		p = nl ? nl + 1 : end;
	}
	return ch_fail(e, path, line, "not valid UTF-8 text");
}

int notice_text_parse(const char *path, const char *text, size_t len,
                      const char *id, const char *signature,
                      const char *hotline, const char *website,
                      notice_text *n, ch_error *e)
{
	sections s;
	json_t *meta = NULL;
	const char *body, *want, *ch;
	size_t body_len;
	int body_line, rc = -1, wants_sms, wants_mail;

	memset(n, 0, sizeof *n);
	memset(&s, 0, sizeof s);
	for (int i = 0; i < 3; i++)
		s.text[i] = (ch_buf)CH_BUF_INIT;
	if (utf8_check(path, text, len, e) < 0)
		goto out;
	if (ch_front_matter(text, len, path, &meta, &body, &body_len, &body_line,
	                    e) < 0)
		goto out;
	want = json_string_value(json_object_get(meta, "notice"));
	if (!want || strcmp(want, id)) {
		ch_fail(e, path, 1, "front matter 'notice' must be '%s', the file's "
		        "name", id);
		goto out;
	}
	ch = json_string_value(json_object_get(meta, "channel"));
	if (!ch || (strcmp(ch, "sms") && strcmp(ch, "email") && strcmp(ch, "both"))) {
		ch_fail(e, path, 1, "front matter 'channel' must be sms, email or both");
		goto out;
	}
	if (split(path, body, body_len, body_line, &s, e) < 0)
		goto out;
	wants_sms = strcmp(ch, "email") != 0;
	wants_mail = strcmp(ch, "sms") != 0;
	if (wants_sms != (s.text[SMS].len > 0) ||
	    wants_mail != (s.text[MAIL].len > 0)) {
		ch_fail(e, path, body_line, "channel '%s' needs %s", ch,
		        !strcmp(ch, "both") ? "a '## 短信' and a '## 电子邮件' section, "
		        "each with text" : wants_sms ? "a '## 短信' section with text "
		        "and no '## 电子邮件'" : "a '## 电子邮件' section with text and "
		        "no '## 短信'");
		goto out;
	}
	if (wants_sms && sms_check(path, s.line[SMS] + 1, s.text[SMS].data,
	                           signature, hotline, website, e) < 0)
		goto out;
	n->id = strdup(id);
	n->channel = strdup(ch);
	n->subject = dup_str(json_object_get(meta, "subject"));
	n->sms = detach(&s.text[SMS]);
	n->email = detach(&s.text[MAIL]);
	if (!n->id || !n->channel || (wants_sms && !n->sms) ||
	    (wants_mail && !n->email)) {
		ch_fail(e, path, 0, "out of memory");
		goto out;
	}
	rc = 0;
out:
	if (rc < 0)
		notice_text_free(n);
	for (int i = 0; i < 3; i++)
		ch_buf_free(&s.text[i]);
	json_decref(meta);
	return rc;
}

void notice_text_free(notice_text *n)
{
	free(n->id);
	free(n->channel);
	free(n->subject);
	free(n->sms);
	free(n->email);
	memset(n, 0, sizeof *n);
}
