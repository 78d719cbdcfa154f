/* error.c: filling and printing ch_error. */
#include "common/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int ch_fail(ch_error *e, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return -1;
	snprintf(e->file, sizeof e->file, "%s", file ? file : "");
	e->line = line;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	/* One line only: a message quoting input must not forge a second. */
	for (char *p = e->msg; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	return -1;
}

void ch_error_print(const ch_error *e, const char *prog)
{
	if (e->file[0] && e->line > 0)
		fprintf(stderr, "%s: %s:%d: %s\n", prog, e->file, e->line, e->msg);
	else if (e->file[0])
		fprintf(stderr, "%s: %s: %s\n", prog, e->file, e->msg);
	else
		fprintf(stderr, "%s: %s\n", prog, e->msg);
}
