/* message.c: an e-mail built for Chinese mail clients (see message.h). */
#include "batch/notify/message.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nettle/base64.h>

#include "common/sha256.h"
#include "common/text.h"
#include "common/validate.h"

/* An encoded-word carries at most 42 bytes of text: 56 base64 characters,
 * 68 with "=?UTF-8?B?" and "?=", so that even the first one after
 * "Subject: " keeps the line within RFC 5322's 78 characters. A multiple
 * of 3 leaves no padding inside a word. */
#define WORD_BYTES 42
/* Base64 body lines of 76 characters, as MIME (RFC 2045) asks. */
#define BODY_LINE_BYTES 57

/* Every header value: no CR, LF or other control character, which would
 * let a value start a header of its own; valid UTF-8. */
static int header_safe(const char *what, const char *s, ch_error *e)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
			return ch_fail(e, NULL, 0,
			               "the %s holds a control character (CR, LF or "
			               "other): refused", what);
	if (!ch_utf8_valid(s, strlen(s)))
		return ch_fail(e, NULL, 0, "the %s is not valid UTF-8", what);
	return 0;
}

static int atext(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || (c && strchr("!#$%&'*+/=?^_`{|}~-", c));
}

/* An address as intake accepts it (ch_valid_email: the one rule, which
 * admits no quoting, comment, route or bracket a header could be
 * smuggled through) and in its folded form, the one the outbox holds:
 * what passed intake is never refused here. */
static int plain_address(const char *s)
{
	char *folded = ch_fold_fullwidth(s);
	int ok = folded && !strcmp(folded, s) && ch_valid_email(s);

	free(folded);
	return ok;
}

static int copy(char *dst, size_t n, const char *s, size_t len)
{
	if (len >= n)
		return -1;
	memcpy(dst, s, len);
	dst[len] = 0;
	return 0;
}

static void trim(char *s)
{
	size_t n = strlen(s), i = 0;

	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = 0;
	while (s[i] == ' ' || s[i] == '\t')
		i++;
	memmove(s, s + i, n - i + 1);
}

int mail_mailbox_parse(const char *s, mail_mailbox *out, ch_error *e)
{
	const char *lt = strchr(s, '<'), *gt;

	memset(out, 0, sizeof *out);
	if (header_safe("mailbox", s, e) < 0)
		return -1;
	if (!lt) {
		if (copy(out->addr, sizeof out->addr, s, strlen(s)) < 0)
			goto bad;
		trim(out->addr);
	} else {
		gt = strchr(lt, '>');
		if (!gt || gt[1] || strchr(lt + 1, '<') ||
		    copy(out->name, sizeof out->name, s, (size_t)(lt - s)) < 0 ||
		    copy(out->addr, sizeof out->addr, lt + 1,
		         (size_t)(gt - lt - 1)) < 0)
			goto bad;
		trim(out->name);
		size_t n = strlen(out->name);
		if (n >= 2 && out->name[0] == '"' && out->name[n - 1] == '"') {
			memmove(out->name, out->name + 1, n - 2);
			out->name[n - 2] = 0;
		}
		if (strchr(out->name, '"') || strchr(out->name, '\\'))
			goto bad;
	}
	if (plain_address(out->addr))
		return 0;
bad:
	return ch_fail(e, NULL, 0,
	               "'%s' is not a mailbox of the form Name <address>", s);
}

static int ascii_printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			return 0;
	return 1;
}

/* The length of the longest prefix of s, at most max bytes, that ends on
 * a UTF-8 character boundary (s is valid UTF-8). */
static size_t utf8_prefix(const char *s, size_t len, size_t max)
{
	size_t n = len < max ? len : max;

	if (n == len)
		return n;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n;
}

/* s as encoded-words, separated by folding (LF and a space): a word never
 * splits a character, so each decodes on its own (RFC 2047 5). */
static void encoded_words(ch_buf *b, const char *s)
{
	size_t len = strlen(s), at = 0;
	char word[BASE64_ENCODE_RAW_LENGTH(WORD_BYTES) + 1];

	if (len == 0) {
		ch_buf_puts(b, "=?UTF-8?B?" "?="); /* split: "??=" is a trigraph */
		return;
	}
	while (at < len) {
		size_t n = utf8_prefix(s + at, len - at, WORD_BYTES);
		base64_encode_raw(word, n, (const uint8_t *)s + at);
		word[BASE64_ENCODE_RAW_LENGTH(n)] = 0;
		if (at)
			ch_buf_puts(b, "\n ");
		ch_buf_printf(b, "=?UTF-8?B?%s?=", word);
		at += n;
	}
}

/* A display name: a quoted string when it is short printable ASCII,
 * else encoded-words. */
static void display_name(ch_buf *b, const char *name)
{
	if (ascii_printable(name) && strlen(name) <= 40 &&
	    !strchr(name, '"') && !strchr(name, '\\')) {
		ch_buf_printf(b, "\"%s\"", name);
		return;
	}
	encoded_words(b, name);
}

static void mailbox(ch_buf *b, const char *field, const char *name,
                    const char *addr)
{
	ch_buf_printf(b, "%s: ", field);
	if (name && *name) {
		display_name(b, name);
		ch_buf_puts(b, "\n ");
	}
	ch_buf_printf(b, "<%s>\n", addr);
}

static void date_header(ch_buf *b, time_t t)
{
	static const char *const wd[] = {"Sun", "Mon", "Tue", "Wed", "Thu",
	                                 "Fri", "Sat"};
	static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr",
	                                  "May", "Jun", "Jul", "Aug",
	                                  "Sep", "Oct", "Nov", "Dec"};
	time_t local = t + 8 * 3600; /* Asia/Shanghai: see clock.h */
	struct tm tm;

	gmtime_r(&local, &tm);
	ch_buf_printf(b, "Date: %s, %02d %s %04d %02d:%02d:%02d +0800\n",
	              wd[tm.tm_wday], tm.tm_mday, mon[tm.tm_mon],
	              tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void body_base64(ch_buf *b, const char *body)
{
	size_t len = strlen(body);
	char line[BASE64_ENCODE_RAW_LENGTH(BODY_LINE_BYTES) + 1];

	for (size_t at = 0; at < len; at += BODY_LINE_BYTES) {
		size_t n = len - at < BODY_LINE_BYTES ? len - at : BODY_LINE_BYTES;
		base64_encode_raw(line, n, (const uint8_t *)body + at);
		line[BASE64_ENCODE_RAW_LENGTH(n)] = 0;
		ch_buf_printf(b, "%s\n", line);
	}
}

static int message_id_ok(const char *id)
{
	size_t n = strlen(id);

	if (n < 5 || n > 250 || id[0] != '<' || id[n - 1] != '>')
		return 0;
	for (size_t i = 1; i + 1 < n; i++)
		if (!(atext((unsigned char)id[i]) || id[i] == '.' || id[i] == '@'))
			return 0;
	return strchr(id, '@') != NULL;
}

int mail_build(const mail_message *m, ch_buf *out, ch_error *e)
{
	mail_mailbox from;
	const char *to_name = m->to_name ? m->to_name : "";

	if (mail_mailbox_parse(m->from, &from, e) < 0)
		return -1;
	if (header_safe("recipient's name", to_name, e) < 0 ||
	    header_safe("subject", m->subject, e) < 0)
		return -1;
	if (!plain_address(m->to_addr))
		return ch_fail(e, NULL, 0,
		               "the recipient is not a plain e-mail address: "
		               "refused");
	if (!message_id_ok(m->message_id))
		return ch_fail(e, NULL, 0, "the Message-ID is malformed");
	if (!ch_utf8_valid(m->body, strlen(m->body)))
		return ch_fail(e, NULL, 0, "the body is not valid UTF-8");
	mailbox(out, "From", from.name, from.addr);
	mailbox(out, "To", to_name, m->to_addr);
	ch_buf_puts(out, "Subject: ");
	encoded_words(out, m->subject);
	ch_buf_putc(out, '\n');
	date_header(out, m->date);
	ch_buf_printf(out, "Message-ID: %s\n", m->message_id);
	ch_buf_puts(out, "MIME-Version: 1.0\n"
	                 "Content-Type: text/plain; charset=UTF-8\n"
	                 "Content-Transfer-Encoding: base64\n"
	                 "\n");
	body_base64(out, m->body);
	if (!ch_buf_ok(out))
		return ch_fail(e, NULL, 0, "out of memory");
	return 0;
}

int mail_message_id(const char *from, long long id, const char *created,
                    char *out, size_t n, ch_error *e)
{
	mail_mailbox mb;
	ch_sha256 h;
	char hex[65], num[32];

	if (mail_mailbox_parse(from, &mb, e) < 0)
		return -1;
	snprintf(num, sizeof num, "%lld", id);
	ch_sha256_init(&h);
	ch_sha256_update(&h, num, strlen(num) + 1);
	ch_sha256_update(&h, created, strlen(created) + 1);
	ch_sha256_hex(&h, hex);
	if ((size_t)snprintf(out, n, "<certhall.%s.%.24s@%s>", num, hex,
	                     strchr(mb.addr, '@') + 1) >= n)
		return ch_fail(e, NULL, 0, "the Message-ID does not fit");
	return 0;
}
