/* buf.c: the growable buffer. */
#include "common/buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Makes room for n more bytes and the terminating NUL. */
static int grow(ch_buf *b, size_t n)
{
	size_t want, cap;
	char *p;

	if (b->failed)
		return -1;
	if (n > SIZE_MAX - b->len - 1)
		goto fail;
	want = b->len + n + 1;
	if (want <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < want)
		cap = cap > SIZE_MAX / 2 ? want : cap * 2;
	p = realloc(b->data, cap);
	if (!p)
		goto fail;
	b->data = p;
	b->cap = cap;
	return 0;
fail:
	b->failed = 1;
	return -1;
}

void ch_buf_append(ch_buf *b, const void *p, size_t n)
{
	if (grow(b, n) < 0)
		return;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void ch_buf_puts(ch_buf *b, const char *s)
{
	ch_buf_append(b, s, strlen(s));
}

void ch_buf_putc(ch_buf *b, char c)
{
	ch_buf_append(b, &c, 1);
}

void ch_buf_put_int(ch_buf *b, long long v)
{
	char tmp[24];
	size_t i = sizeof tmp;
	/* Negated as unsigned, so LLONG_MIN does not overflow. */
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v
	                             : (unsigned long long)v;

	do {
		tmp[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		tmp[--i] = '-';
	ch_buf_append(b, tmp + i, sizeof tmp - i);
}

void ch_buf_vprintf(ch_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0) {
		b->failed = 1;
		return;
	}
	if (grow(b, (size_t)n) < 0)
		return;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void ch_buf_printf(ch_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ch_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void ch_buf_html(ch_buf *b, const char *s, size_t n)
{
	size_t i, start = 0;
	const char *rep;

	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		ch_buf_append(b, s + start, i - start);
		ch_buf_puts(b, rep);
		start = i + 1;
	}
	ch_buf_append(b, s + start, n - start);
}

void ch_buf_json_str(ch_buf *b, const char *s, size_t n)
{
	size_t i;
	unsigned char c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			ch_buf_putc(b, '\\');
			ch_buf_putc(b, (char)c);
		} else if (c < 0x20 || c == '<' || c == '>' || c == '&') {
			/* < > & escaped too, so the string is safe inside <script>. */
			ch_buf_printf(b, "\\u%04x", c);
		} else {
			ch_buf_putc(b, (char)c);
		}
	}
}

int ch_buf_ok(const ch_buf *b)
{
	return !b->failed;
}

void ch_buf_reset(ch_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

char *ch_buf_detach(ch_buf *b, size_t *len)
{
	char *p = b->data;

	if (!p && !b->failed) {
		p = calloc(1, 1);
		if (!p)
			b->failed = 1;
	}
	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

void ch_buf_free(ch_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->failed = 0;
}
