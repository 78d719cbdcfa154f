/* amount.c: statement amounts to fen (see amount.h). Every form is read
 * by hand, byte by byte: strtod would bring floating point and locale
 * into money. */
#include "batch/money/amount.h"

#include <stdio.h>
#include <string.h>

static int starts(const char *p, const char *end, const char *lit)
{
	size_t n = strlen(lit);

	return (size_t)(end - p) >= n && !memcmp(p, lit, n);
}

/* Skips spaces, tabs and the ideographic space U+3000 from both ends. */
static void trim(const char **p, const char **end)
{
	for (;;) {
		if (*p < *end && (**p == ' ' || **p == '\t' || **p == '\r'))
			(*p)++;
		else if (starts(*p, *end, "\xe3\x80\x80"))
			*p += 3;
		else
			break;
	}
	for (;;) {
		if (*end > *p && ((*end)[-1] == ' ' || (*end)[-1] == '\t' ||
		                  (*end)[-1] == '\r'))
			(*end)--;
		else if (*end - *p >= 3 && !memcmp(*end - 3, "\xe3\x80\x80", 3))
			*end -= 3;
		else
			break;
	}
}

static int eat(const char **p, const char *end, const char *lit)
{
	if (!starts(*p, end, lit))
		return 0;
	*p += strlen(lit);
	return 1;
}

static int eat_tail(const char *p, const char **end, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(*end - p) < n || memcmp(*end - n, lit, n))
		return 0;
	*end -= n;
	return 1;
}

static int eat_currency(const char **p, const char *end)
{
	return eat(p, end, "\xc2\xa5") || eat(p, end, "\xef\xbf\xa5");
}

/* The digits: an integer part, plain or grouped by commas in threes,
 * and up to two decimals (more only if zero). */
static int digits(const char *p, const char *end, long long *fen)
{
	long long v = 0;
	int group = -1, any = 0, frac = 0;

	for (; p < end && *p != '.'; p++) {
		if (*p == ',') {
			/* A comma follows 1-3 digits first, exactly 3 after. */
			if (!any || (group >= 0 && group != 3) || (group < 0 && v > 999))
				return -1;
			group = 0;
			continue;
		}
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (*p - '0');
		if (v > MONEY_MAX_FEN / 100)
			return -1;
		any = 1;
		if (group >= 0)
			group++;
	}
	if (group >= 0 && group != 3)
		return -1;
	v *= 100;
	if (p < end) {
		p++; /* the point */
		if (p == end && !any)
			return -1;
		for (; p < end; p++, frac++) {
			if (*p < '0' || *p > '9')
				return -1;
			if (frac == 0)
				v += 10 * (*p - '0');
			else if (frac == 1)
				v += *p - '0';
			else if (*p != '0')
				return -1; /* finer than a fen */
			any = 1;
		}
	}
	if (!any || v > MONEY_MAX_FEN)
		return -1;
	*fen = v;
	return 0;
}

int money_parse_fen(const char *s, size_t n, long long *fen)
{
	const char *p = s, *end = s + n;
	int neg = 0;

	trim(&p, &end);
	if (p == end || (end - p == 1 && *p == '-') ||
	    (end - p == 2 && !memcmp(p, "--", 2)) ||
	    (end - p == 3 && !memcmp(p, "\xe2\x80\x94", 3)))
		return MONEY_NONE;
	if (starts(p, end, "(") || starts(p, end, "\xef\xbc\x88")) {
		int wide = *p != '(';
		p += wide ? 3 : 1;
		if (!eat_tail(p, &end, wide ? "\xef\xbc\x89" : ")"))
			return -1;
		neg = 1;
		trim(&p, &end);
	}
	eat_currency(&p, end);
	if (eat(&p, end, "-")) {
		if (neg)
			return -1;
		neg = 1;
	} else {
		eat(&p, end, "+");
	}
	eat_currency(&p, end);
	eat_tail(p, &end, "\xe5\x85\x83"); /* 元 */
	trim(&p, &end);
	if (digits(p, end, fen) < 0)
		return -1;
	if (neg)
		*fen = -*fen;
	return 0;
}

void money_format(long long fen, char out[32])
{
	unsigned long long a = fen < 0 ? 0ULL - (unsigned long long)fen
	                               : (unsigned long long)fen;

	snprintf(out, 32, "%s%llu.%02llu", fen < 0 ? "-" : "", a / 100, a % 100);
}
