/* text.c: UTF-8 validity, full-width folding, GB18030 decoding, NFC and
 * the masks that keep personal numbers out of logs. */
#include "common/text.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uninorm.h>

#include "common/unsafecp.h"
#include "common/validate.h"

int ch_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp;

	while (n) {
		/* ASCII is stepped over here, without a call per byte. */
		size_t k = *p < 0x80 ? 1 : ch_utf8_decode(p, n, &cp);

		if (!k)
			return 0;
		p += k;
		n -= k;
	}
	return 1;
}

size_t ch_utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

void ch_utf8_cut_tail(char *s)
{
	size_t n = strlen(s), i = n, cont = 0, need;
	unsigned char c;

	while (i > 0 && cont < 3 && ((unsigned char)s[i - 1] & 0xC0) == 0x80) {
		i--;
		cont++;
	}
	if (i == 0)
		return;
	c = (unsigned char)s[i - 1];
	if (c < 0xC0)
		return;
	need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
	if (cont + 1 < need)
		s[i - 1] = '\0';
}

char *ch_fold_fullwidth(const char *s)
{
	size_t n = strlen(s);
	char *out = malloc(n + 1), *o = out;
	const unsigned char *p = (const unsigned char *)s;

	if (!out)
		return NULL;
	while (*p) {
		/* U+FF10-FF19, U+FF21-FF3A: EF BC 90-99, EF BC A1-BA. */
		if (p[0] == 0xEF && p[1] == 0xBC &&
		    ((p[2] >= 0x90 && p[2] <= 0x99) || (p[2] >= 0xA1 && p[2] <= 0xBA))) {
			*o++ = (char)(p[2] - 0x90 + '0');
			p += 3;
		} else if (p[0] == 0xEF && p[1] == 0xBD && p[2] >= 0x81 && p[2] <= 0x9A) {
			/* U+FF41-FF5A: a-z. */
			*o++ = (char)(p[2] - 0x81 + 'a');
			p += 3;
		} else if (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80) {
			*o++ = ' '; /* U+3000 ideographic space */
			p += 3;
		} else {
			*o++ = (char)*p++;
		}
	}
	*o = '\0';
	return out;
}

char *ch_gb18030_to_utf8(const char *s, size_t n)
{
	iconv_t cd;
	char *out = NULL, *in = (char *)s, *o;
	size_t cap, inleft = n, outleft;

	/* An embedded NUL would cut the C string we return short. */
	if (memchr(s, '\0', n))
		return NULL;
	cd = iconv_open("UTF-8", "GB18030");
	if (cd == (iconv_t)-1)
		return NULL;
	/* GB18030 takes at least one byte per character and UTF-8 at most
	 * four per character, so 2n+4 covers every 2-byte and 4-byte form. */
	if (n > (SIZE_MAX - 5) / 2)
		goto fail;
	cap = n * 2 + 4;
	out = malloc(cap + 1);
	if (!out)
		goto fail;
	o = out;
	outleft = cap;
	while (inleft > 0) {
		if (iconv(cd, &in, &inleft, &o, &outleft) == (size_t)-1) {
			if (errno == E2BIG) {
				size_t used = (size_t)(o - out);
				char *p;
				if (cap > (SIZE_MAX - 1) / 2)
					goto fail;
				p = realloc(out, cap * 2 + 1);
				if (!p)
					goto fail;
				out = p;
				o = out + used;
				outleft += cap;
				cap *= 2;
				continue;
			}
			goto fail; /* EILSEQ, EINVAL: not GB18030 */
		}
	}
	*o = '\0';
	iconv_close(cd);
	return out;
fail:
	free(out);
	iconv_close(cd);
	return NULL;
}

char *ch_nfc(const char *s)
{
	size_t n = strlen(s), rn = 0;
	uint8_t *r;
	char *out;

	if (!ch_utf8_valid(s, n))
		return NULL;
	r = u8_normalize(UNINORM_NFC, (const uint8_t *)s, n, NULL, &rn);
	if (!r)
		return NULL;
	out = realloc(r, rn + 1); /* libunistring does not terminate it */
	if (!out) {
		free(r);
		return NULL;
	}
	out[rn] = '\0';
	return out;
}

/* Writes s with all but the first `head` and last `tail` characters
 * replaced by '*'. A value too short to hide anything is all stars. */
static void mask(const char *s, size_t head, size_t tail, char out[64])
{
	const unsigned char *p = (const unsigned char *)s;
	size_t nchars = 0, i = 0, o = 0;

	for (const unsigned char *q = p; *q; q++)
		if ((*q & 0xC0) != 0x80)
			nchars++;
	if (nchars <= head + tail)
		head = tail = 0;
	while (*p) {
		size_t len = 1;
		int keep = i < head || i + tail >= nchars;

		while (p[len] && (p[len] & 0xC0) == 0x80)
			len++;
		if (keep) {
			if (o + len >= 64)
				break;
			memcpy(out + o, p, len);
			o += len;
		} else {
			if (o + 1 >= 64)
				break;
			out[o++] = '*';
		}
		p += len;
		i++;
	}
	out[o] = '\0';
}

void ch_mask_id(const char *id, char out[64])
{
	char *f = ch_fold_fullwidth(id);

	if (!f) {
		strcpy(out, "****"); /* no memory: hide everything */
		return;
	}
	mask(f, 4, 4, out);
	free(f);
}

void ch_mask_mobile(const char *mobile, char out[64])
{
	char canon[12];

	if (ch_valid_mobile(mobile, canon))
		mask(canon, 3, 4, out);
	else
		mask(mobile, 3, 4, out);
}

void ch_mask_email(const char *email, char out[64])
{
	const char *at = strchr(email, '@');
	size_t first = 1;

	while (email[first] && ((unsigned char)email[first] & 0xC0) == 0x80)
		first++;
	if (!email[0] || (at && first > (size_t)(at - email)))
		first = 0;
	snprintf(out, 64, "%.*s***%.50s", (int)first, email, at ? at : "");
	ch_utf8_cut_tail(out);
}

void ch_mask_recipient(const char *channel, const char *to, char out[64])
{
	if (!strcmp(channel, "sms"))
		ch_mask_mobile(to, out);
	else
		ch_mask_email(to, out);
}

void ch_mask_account(const char *account, char out[64])
{
	char canon[33];

	if (ch_valid_bank_account(account, canon))
		mask(canon, 4, 4, out);
	else
		mask(account, 4, 4, out);
}
