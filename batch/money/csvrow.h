/* csvrow.h: one record of a statement split into cleaned cells, through
 * libcsv. A statement is read line by line (a line number is what a
 * refusal names), so the reader hands one record at a time; a quoted cell
 * that runs over a line end is joined by the caller, who asks
 * csvrow_open_quote() first.
 *
 * Cells come out cleaned the way every export needs: spaces, tabs and
 * ideographic spaces trimmed, and the marks spreadsheets use to force
 * text removed: a leading ` or ', and ="..." (or a bare leading =). */
#ifndef BATCH_MONEY_CSVROW_H
#define BATCH_MONEY_CSVROW_H

#include <csv.h>
#include <stddef.h>

typedef struct csvrow {
	struct csv_parser p;
	int ready;
	char *data;    /* the cells, each NUL-terminated, one after another */
	size_t len, cap;
	size_t *off;   /* cell i starts at data + off[i] */
	size_t *clen;  /* and is clen[i] bytes long */
	size_t n, ncap;
	int failed;
} csvrow;

int csvrow_init(csvrow *r);
void csvrow_free(csvrow *r);
/* Splits s[0..n) at delim into r's cells. -1 when memory runs out. */
int csvrow_split(csvrow *r, const char *s, size_t n, unsigned char delim);
static inline const char *csvrow_cell(const csvrow *r, size_t i)
{
	return r->data + r->off[i];
}
/* 1 when s[0..n) leaves a quoted cell open at its end. */
int csvrow_open_quote(const char *s, size_t n, unsigned char delim);
/* Cleans a cell in place (see above); returns its new length. */
size_t csvrow_clean(char *s, size_t n);

#endif
