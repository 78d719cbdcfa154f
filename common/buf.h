/* buf.h: a growable byte buffer with a sticky failure flag.
 *
 * Appending never aborts: an allocation failure sets `failed`, later
 * appends do nothing, and the owner checks ch_buf_ok() once at the end.
 * The owner of a ch_buf frees it with ch_buf_free(). data is always
 * NUL-terminated when len > 0 or after any append. */
#ifndef CH_BUF_H
#define CH_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct ch_buf {
	char *data;
	size_t len;
	size_t cap;
	int failed;
} ch_buf;

#define CH_BUF_INIT {NULL, 0, 0, 0}

void ch_buf_append(ch_buf *b, const void *p, size_t n);
void ch_buf_puts(ch_buf *b, const char *s);
void ch_buf_putc(ch_buf *b, char c);
/* Appends v in decimal, as "%lld" would, without printf (which would be
 * a large share of a cache's writing time). */
void ch_buf_put_int(ch_buf *b, long long v);
void ch_buf_printf(ch_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void ch_buf_vprintf(ch_buf *b, const char *fmt, va_list ap);
/* Appends s with & < > " ' escaped for HTML text and attribute values. */
void ch_buf_html(ch_buf *b, const char *s, size_t n);
/* Appends s as the inside of a JSON string (quotes not included). */
void ch_buf_json_str(ch_buf *b, const char *s, size_t n);
int ch_buf_ok(const ch_buf *b);
void ch_buf_reset(ch_buf *b);
/* Hands the data to the caller (who frees it) and empties the buffer. */
char *ch_buf_detach(ch_buf *b, size_t *len);
void ch_buf_free(ch_buf *b);

#endif
