/* date.c: statement dates and times (see date.h), checked against the
 * calendar: 2026-02-29 is refused, not rolled over. */
#include "batch/money/date.h"

#include <stdio.h>
#include <string.h>

typedef struct cursor {
	const char *p, *end;
} cursor;

static void skip_space(cursor *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\r'))
		c->p++;
	while (c->end > c->p && (c->end[-1] == ' ' || c->end[-1] == '\t' ||
	                         c->end[-1] == '\r'))
		c->end--;
}

/* Up to max digits, at least min; the value in *v. */
static int number(cursor *c, int min, int max, int *v)
{
	int k = 0;

	*v = 0;
	while (k < max && c->p < c->end && *c->p >= '0' && *c->p <= '9') {
		*v = *v * 10 + (*c->p - '0');
		c->p++;
		k++;
	}
	return k >= min ? 0 : -1;
}

static int lit(cursor *c, const char *s)
{
	size_t n = strlen(s);

	if ((size_t)(c->end - c->p) < n || memcmp(c->p, s, n))
		return 0;
	c->p += n;
	return 1;
}

static int days_in(int y, int m)
{
	static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : d[m - 1];
}

/* Two digits of v, then `after`. */
static void put2(char *p, int v, char after)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
	p[2] = after;
}

static int time_part(cursor *c, char time[9])
{
	int h, mi, s = 0;
	const char *start = c->p;

	if (number(c, 1, 2, &h) < 0)
		return -1;
	if (c->p - start == 2 && c->p < c->end && *c->p >= '0' && *c->p <= '9') {
		/* HHMMSS */
		if (number(c, 2, 2, &mi) < 0 || number(c, 2, 2, &s) < 0)
			return -1;
	} else {
		if (!lit(c, ":") && !lit(c, "\xef\xbc\x9a") && !lit(c, "."))
			return -1;
		if (number(c, 2, 2, &mi) < 0)
			return -1;
		if (lit(c, ":") || lit(c, "\xef\xbc\x9a") || lit(c, ".")) {
			if (number(c, 2, 2, &s) < 0)
				return -1;
			/* Fractions of a second, as some exports carry. */
			if (c->p < c->end && *c->p == '.') {
				int frac;
				c->p++;
				if (number(c, 1, 9, &frac) < 0)
					return -1;
			}
		}
	}
	if (c->p != c->end || h > 23 || mi > 59 || s > 59)
		return -1;
	put2(time, h, ':');
	put2(time + 3, mi, ':');
	put2(time + 6, s, '\0');
	return 0;
}

int money_parse_time(const char *s, size_t n, char time[9])
{
	cursor c = {s, s + n};

	time[0] = '\0';
	skip_space(&c);
	if (c.p == c.end)
		return 1;
	return time_part(&c, time);
}

int money_parse_date(const char *s, size_t n, char date[11], char time[9])
{
	cursor c = {s, s + n};
	int y, m, d;

	date[0] = time[0] = '\0';
	skip_space(&c);
	if (number(&c, 4, 4, &y) < 0)
		return -1;
	if (c.p < c.end && *c.p >= '0' && *c.p <= '9') {
		if (number(&c, 2, 2, &m) < 0 || number(&c, 2, 2, &d) < 0)
			return -1;
		/* 20261123101112: the time run into the date. */
		if (c.p < c.end && *c.p >= '0' && *c.p <= '9' && c.end - c.p != 6)
			return -1;
	} else {
		const char *sep = c.p;
		if (lit(&c, "-") || lit(&c, "/") || lit(&c, ".")) {
			char s1 = *sep;
			if (number(&c, 1, 2, &m) < 0 || c.p >= c.end || *c.p != s1)
				return -1;
			c.p++;
			if (number(&c, 1, 2, &d) < 0)
				return -1;
		} else if (lit(&c, "\xe5\xb9\xb4")) { /* 年 */
			if (number(&c, 1, 2, &m) < 0 || !lit(&c, "\xe6\x9c\x88") ||
			    number(&c, 1, 2, &d) < 0)
				return -1;
			lit(&c, "\xe6\x97\xa5"); /* 日 */
		} else {
			return -1;
		}
	}
	if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1 || d > days_in(y, m))
		return -1;
	/* By hand: snprintf showed in import's profile, once a line. */
	put2(date, y / 100, 0);
	put2(date + 2, y % 100, '-');
	put2(date + 5, m, '-');
	put2(date + 8, d, '\0');
	if (c.p == c.end)
		return 0;
	if (*c.p == ' ' || *c.p == 'T' || *c.p == '\t') {
		while (c.p < c.end && (*c.p == ' ' || *c.p == 'T' || *c.p == '\t'))
			c.p++;
	}
	if (time_part(&c, time) < 0) {
		date[0] = time[0] = '\0';
		return -1;
	}
	return 0;
}
