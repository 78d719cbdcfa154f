/* termsafe.c: the terminal-safe form of untrusted text. */
#include "common/termsafe.h"

#include <stdint.h>
#include <string.h>

#include "common/unsafecp.h"

/* Appends the safe form of s. The buffer is built whole so that the
 * FILE variant writes one message with one call. */
void ch_term_buf(ch_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);

	while (n) {
		uint32_t cp;
		size_t len = ch_utf8_decode(p, n, &cp);

		if (!len) {
			ch_buf_putc(b, '?'); /* one per invalid byte */
			len = 1;
		} else if (ch_cp_unsafe(cp)) {
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
