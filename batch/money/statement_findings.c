/* statement_findings.c: the findings list of a statement read
 * (statement.h), capped so that a file broken on every line cannot fill
 * memory with reports. */
#include "batch/money/statement.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/text.h"

void stmt_finding_add(stmt_findings *f, const char *code, const char *level,
                      int line, const char *fmt, ...)
{
	stmt_finding *x;
	char where[32] = "", msg[512];
	va_list ap;

	if (f->n >= STMT_FINDINGS_MAX) {
		f->dropped++;
		return;
	}
	if (line > 0)
		snprintf(where, sizeof where, "line %d", line);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	ch_utf8_cut_tail(msg);
	x = &f->v[f->n];
	x->code = strdup(code);
	x->level = strdup(level);
	x->where = strdup(where);
	x->message = strdup(msg);
	if (!x->code || !x->level || !x->where || !x->message) {
		free(x->code);
		free(x->level);
		free(x->where);
		free(x->message);
		f->dropped++;
		return;
	}
	f->n++;
}

void stmt_findings_free(stmt_findings *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].code);
		free(f->v[i].level);
		free(f->v[i].where);
		free(f->v[i].message);
	}
	f->n = 0;
	f->dropped = 0;
}
