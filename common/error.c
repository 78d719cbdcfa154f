/* error.c: filling and printing ch_error. */
#include "common/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/buf.h"
#include "common/termsafe.h"

/* A value cut to fit its field must not end in half a UTF-8 character:
 * the message goes into JSON reports too, where jansson refuses invalid
 * UTF-8 outright. Drops a trailing incomplete sequence. */
static void cut_partial_char(char *s)
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

int ch_fail(ch_error *e, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!e)
		return -1;
	n = snprintf(e->file, sizeof e->file, "%s", file ? file : "");
	if (n >= (int)sizeof e->file)
		cut_partial_char(e->file);
	e->line = line;
	va_start(ap, fmt);
	n = vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof e->msg)
		cut_partial_char(e->msg);
	/* One line only: a message quoting input must not forge a second. */
	for (char *p = e->msg; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	return -1;
}

/* file and msg quote names from the upload area, which outsiders
 * choose: they go out in their terminal-safe form so that no escape
 * sequence or bidi control in them reaches the operator's terminal.
 * The line is written with one call so that it is not interleaved with
 * another process's output. */
void ch_error_print(const ch_error *e, const char *prog)
{
	ch_buf b = CH_BUF_INIT;

	ch_buf_printf(&b, "%s: ", prog);
	if (e->file[0]) {
		ch_term_buf(&b, e->file);
		if (e->line > 0)
			ch_buf_printf(&b, ":%d", e->line);
		ch_buf_puts(&b, ": ");
	}
	ch_term_buf(&b, e->msg);
	ch_buf_putc(&b, '\n');
	if (ch_buf_ok(&b)) {
		fwrite(b.data, 1, b.len, stderr);
	} else {
		/* No memory: the same line, piece by piece. */
		fprintf(stderr, "%s: ", prog);
		if (e->file[0]) {
			ch_term_fputs(e->file, stderr);
			if (e->line > 0)
				fprintf(stderr, ":%d", e->line);
			fputs(": ", stderr);
		}
		ch_term_fputs(e->msg, stderr);
		fputc('\n', stderr);
	}
	ch_buf_free(&b);
}
