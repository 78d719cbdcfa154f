/* csvrow.c: libcsv's callbacks gathering one record's cells (csvrow.h). */
#include "batch/money/csvrow.h"
#include "common/grow.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int csvrow_init(csvrow *r)
{
	memset(r, 0, sizeof *r);
	if (csv_init(&r->p, CSV_APPEND_NULL) != 0)
		return -1;
	r->ready = 1;
	return 0;
}

void csvrow_free(csvrow *r)
{
	if (r->ready)
		csv_free(&r->p);
	free(r->data);
	free(r->off);
	free(r->clen);
	memset(r, 0, sizeof *r);
}

static int is_space_at(const char *s, size_t n, size_t i, size_t *w)
{
	if (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n') {
		*w = 1;
		return 1;
	}
	if (i + 3 <= n && !memcmp(s + i, "\xe3\x80\x80", 3)) {
		*w = 3;
		return 1;
	}
	return 0;
}

static size_t trim(char *s, size_t n)
{
	size_t a = 0, w;

	while (a < n && is_space_at(s, n, a, &w))
		a += w;
	while (n > a) {
		if (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' ||
		    s[n - 1] == '\n')
			n--;
		else if (n - a >= 3 && !memcmp(s + n - 3, "\xe3\x80\x80", 3))
			n -= 3;
		else
			break;
	}
	memmove(s, s + a, n - a);
	s[n - a] = '\0';
	return n - a;
}

size_t csvrow_clean(char *s, size_t n)
{
	n = trim(s, n);
	if (n && (s[0] == '`' || s[0] == '\'' || s[0] == '=')) {
		int eq = s[0] == '=';
		memmove(s, s + 1, n);
		n--;
		/* ="0123": the quotes a spreadsheet keeps around forced text. */
		if (eq && n >= 2 && s[0] == '"' && s[n - 1] == '"') {
			memmove(s, s + 1, n - 2);
			n -= 2;
			s[n] = '\0';
		}
		n = trim(s, n);
	}
	return n;
}

static void on_cell(void *s, size_t n, void *data)
{
	csvrow *r = data;
	size_t at = r->len;

	if (r->failed)
		return;
	if (ch_grow(&r->data, r->len + n + 1, &r->cap, 1) < 0) {
		r->failed = 1;
		return;
	}
	if (r->n + 1 > r->ncap) {
		/* off and clen grow together: ncap is theirs. */
		size_t off_cap = r->ncap, len_cap = r->ncap;
		if (CH_GROW(r->off, r->n + 1, off_cap) < 0 ||
		    CH_GROW(r->clen, r->n + 1, len_cap) < 0) {
			r->failed = 1;
			return;
		}
		r->ncap = off_cap < len_cap ? off_cap : len_cap;
	}
	if (n)
		memcpy(r->data + at, s, n);
	r->data[at + n] = '\0';
	r->off[r->n] = at;
	r->clen[r->n] = csvrow_clean(r->data + at, n);
	r->len = at + r->clen[r->n] + 1;
	r->n++;
}

static void on_record(int c, void *data)
{
	(void)c;
	(void)data;
}

int csvrow_split(csvrow *r, const char *s, size_t n, unsigned char delim)
{
	r->len = 0;
	r->n = 0;
	r->failed = 0;
	csv_set_delim(&r->p, delim);
	if (csv_parse(&r->p, s, n, on_cell, on_record, r) != n ||
	    csv_fini(&r->p, on_cell, on_record, r) != 0 || r->failed)
		return -1;
	return 0;
}

int csvrow_open_quote(const char *s, size_t n, unsigned char delim)
{
	int open = 0, start = 1;

	if (!memchr(s, '"', n))
		return 0;

	/* A quote opens a cell only at its start (after spaces); inside a
	 * quoted cell "" is a quote and a lone " closes it. */
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (open) {
			if (c == '"') {
				if (i + 1 < n && s[i + 1] == '"')
					i++;
				else
					open = 0;
			}
		} else if (c == (char)delim) {
			start = 1;
		} else if (c == '"' && start) {
			open = 1;
			start = 0;
		} else if (c != ' ' && c != '\t') {
			start = 0;
		}
	}
	return open;
}
