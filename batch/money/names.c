/* names.c: folding payers' text for comparison (see names.h). */
#include "batch/money/names.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/text.h"

/* Bytes of a separator at p that a key drops: ASCII space, tab, dash,
 * underscore, full-width dash (U+FF0D), en and em dash; 0 if none. */
static size_t separator(const unsigned char *p)
{
	if (*p == ' ' || *p == '\t' || *p == '-' || *p == '_')
		return 1;
	if (p[0] == 0xEF && p[1] == 0xBC && p[2] == 0x8D)
		return 3;
	if (p[0] == 0xE2 && p[1] == 0x80 && (p[2] == 0x93 || p[2] == 0x94))
		return 3;
	return 0;
}

/* Brackets a payer's name may or may not carry: ( ) [ ] and the
 * full-width （ ） 【 】. */
static size_t bracket(const unsigned char *p)
{
	if (*p == '(' || *p == ')' || *p == '[' || *p == ']')
		return 1;
	if (p[0] == 0xEF && p[1] == 0xBC && (p[2] == 0x88 || p[2] == 0x89))
		return 3;
	if (p[0] == 0xE3 && p[1] == 0x80 && (p[2] == 0x90 || p[2] == 0x91))
		return 3;
	return 0;
}

static char *fold(const char *s, int payer)
{
	char *f, *o;
	const unsigned char *p;

	if (!s)
		return NULL;
	f = ch_fold_fullwidth(s);
	if (!f)
		return NULL;
	/* In place: the result is never longer than the input. */
	for (p = (const unsigned char *)f, o = f; *p;) {
		size_t k = separator(p);
		if (!k && payer)
			k = bracket(p);
		if (k) {
			p += k;
			continue;
		}
		if (payer && !strncmp((const char *)p, "有限责任公司",
		                      strlen("有限责任公司"))) {
			memcpy(o, "有限公司", strlen("有限公司"));
			o += strlen("有限公司");
			p += strlen("有限责任公司");
			continue;
		}
		*o++ = (char)toupper(*p++);
	}
	*o = '\0';
	return f;
}

char *names_key(const char *s)
{
	return fold(s, 0);
}

char *names_payer(const char *s)
{
	return fold(s, 1);
}

static int is_orderchar(char c)
{
	return isdigit((unsigned char)c) || c == 'X';
}

static void add_valid(memo_orders *m, const char *no)
{
	for (int i = 0; i < m->nvalid; i++)
		if (!strcmp(m->valid[i], no))
			return;
	if (m->nvalid < NAMES_MAX_TOKENS)
		memcpy(m->valid[m->nvalid++], no, ORDERNO_LEN + 1);
	else
		m->overflow = 1;
}

int names_memo_orders(const char *memo, memo_orders *m)
{
	char *k;
	const char *p;

	m->nvalid = m->nmistyped = m->overflow = 0;
	if (!memo)
		return 0;
	k = names_key(memo);
	if (!k)
		return -1;
	for (p = k; (p = strstr(p, "SX")) != NULL;) {
		size_t n = 0;
		char tok[ORDERNO_LEN + 1], no[ORDERNO_LEN + 1];
		while (is_orderchar(p[2 + n]))
			n++;
		if (n == ORDERNO_LEN - 2) {
			memcpy(tok, p, ORDERNO_LEN);
			tok[ORDERNO_LEN] = '\0';
		}
		if (n == ORDERNO_LEN - 2 && orderno_parse(tok, no))
			add_valid(m, no);
		else if (n >= 12 && n <= 16 && m->nmistyped < NAMES_MAX_TOKENS)
			snprintf(m->mistyped[m->nmistyped++], 24, "SX%.*s", (int)n, p + 2);
		else if (n >= 12 && n <= 16)
			m->overflow = 1;
		p += 2 + n;
	}
	free(k);
	return 0;
}

int names_near(const char *a, const char *b)
{
	size_t n = strlen(a), diff = 0, first = 0;

	if (strlen(b) != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i]) {
			if (!diff)
				first = i;
			diff++;
		}
	if (diff == 1)
		return 1;
	return diff == 2 && first + 1 < n && a[first] == b[first + 1] &&
	       a[first + 1] == b[first];
}

static void sql_fold(sqlite3_context *c, int argc, sqlite3_value **v, int payer)
{
	const char *s = (const char *)sqlite3_value_text(v[0]);
	char *f;

	if (!s) {
		sqlite3_result_null(c);
		return;
	}
	f = fold(s, payer);
	if (!f) {
		sqlite3_result_error_nomem(c);
		return;
	}
	sqlite3_result_text(c, f, -1, free);
}

static void sql_key(sqlite3_context *c, int argc, sqlite3_value **v)
{
	sql_fold(c, argc, v, 0);
}

static void sql_payer(sqlite3_context *c, int argc, sqlite3_value **v)
{
	sql_fold(c, argc, v, 1);
}

int names_register(sqlite3 *db)
{
	int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC;

	if (sqlite3_create_function(db, "certhall_key", 1, flags, NULL, sql_key,
	                            NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function(db, "certhall_payer", 1, flags, NULL,
	                            sql_payer, NULL, NULL) != SQLITE_OK)
		return -1;
	return 0;
}
