/* error.c: filling and printing ch_error. */
#include "common/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/buf.h"
#include "common/termsafe.h"
#include "common/text.h"

int ch_fail(ch_error *e, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!e)
		return -1;
	n = snprintf(e->file, sizeof e->file, "%s", file ? file : "");
	/* A value cut to fit must not end in half a character: msg goes
	 * into JSON reports too, where jansson refuses invalid UTF-8. */
	if (n >= (int)sizeof e->file)
		ch_utf8_cut_tail(e->file);
	e->line = line;
	va_start(ap, fmt);
	n = vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof e->msg)
		ch_utf8_cut_tail(e->msg);
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
