/* termsafe.c: the terminal-safe form of untrusted text. */
#include "common/termsafe.h"

#include <stdint.h>
#include <string.h>

/* The length of the well-formed UTF-8 character at p (at most n bytes)
 * with its code point in *cp; 0 if the bytes there are not one
 * (overlong, surrogate, past U+10FFFF, truncated, stray continuation). */
static size_t decode(const unsigned char *p, size_t n, uint32_t *cp)
{
	unsigned c = p[0];
	size_t k;
	uint32_t v, min;

	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xC2 && c <= 0xDF) {
		k = 1; v = c & 0x1F; min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		k = 2; v = c & 0x0F; min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		k = 3; v = c & 0x07; min = 0x10000;
	} else {
		return 0;
	}
	if (n <= k)
		return 0;
	for (size_t i = 1; i <= k; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (p[i] & 0x3F);
	}
	if (v < min || (v >= 0xD800 && v <= 0xDFFF) || v > 0x10FFFF)
		return 0;
	*cp = v;
	return k + 1;
}

static int unsafe(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x061C ||
	       cp == 0x200E || cp == 0x200F || (cp >= 0x2028 && cp <= 0x202E) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

/* Appends the safe form of s. The buffer is built whole so that the
 * FILE variant writes one message with one call. */
void ch_term_buf(ch_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);

	while (n) {
		uint32_t cp;
		size_t len = decode(p, n, &cp);

		if (!len) {
			ch_buf_putc(b, '?'); /* one per invalid byte */
			len = 1;
		} else if (unsafe(cp)) {
			ch_buf_putc(b, '?');
		} else {
			ch_buf_append(b, p, len);
		}
		p += len;
		n -= len;
	}
}

int ch_term_fputs(const char *s, FILE *f)
{
	ch_buf b = CH_BUF_INIT;
	int rc = -1;

	ch_term_buf(&b, s);
	if (!ch_buf_ok(&b)) {
		/* No memory for the buffer: still show the message, as
		 * printable ASCII only, rather than nothing. */
		rc = 0;
		for (const unsigned char *p = (const unsigned char *)s; *p; p++)
			if (fputc(*p >= 0x20 && *p < 0x7F ? *p : '?', f) == EOF)
				rc = -1;
		goto out;
	}
	if (b.len && fwrite(b.data, 1, b.len, f) != b.len)
		goto out;
	rc = 0;
out:
	ch_buf_free(&b);
	return rc;
}
