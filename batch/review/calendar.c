/* calendar.c: working days from content/calendar.yaml (see calendar.h). */
#include "batch/review/calendar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "common/fsutil.h"
#include "common/yaml.h"

#define CAL_MAX_BYTES (256 * 1024)

static int leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* day (yyyymmdd) as days since 1970-01-01, or -1 if it is no date. */
static long long serial(long day)
{
	int y = (int)(day / 10000), m = (int)(day / 100 % 100), d = (int)(day % 100);
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	struct tm tm;

	if (y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1 ||
	    d > mdays[m - 1] + (m == 2 && leap(y)))
		return -1;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	return (long long)(timegm(&tm) / 86400);
}

static long from_serial(long long s)
{
	time_t t = (time_t)(s * 86400);
	struct tm tm;

	gmtime_r(&t, &tm);
	return (tm.tm_year + 1900L) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

static int day_of_year(long day)
{
	long long jan1 = serial(day / 10000 * 10000 + 101);

	return (int)(serial(day) - jan1);
}

/* "2026-02-15" -> 20260215, or -1. */
static long parse_day(const char *s, size_t n)
{
	int y, m, d, used = 0;
	char buf[16];

	if (n != 10)
		return -1;
	memcpy(buf, s, n);
	buf[n] = 0;
	if (sscanf(buf, "%4d-%2d-%2d%n", &y, &m, &d, &used) != 3 || used != 10)
		return -1;
	long day = y * 10000L + m * 100 + d;
	return serial(day) < 0 ? -1 : day;
}

static int line_of(json_t *lines, const char *ptr)
{
	return (int)json_integer_value(json_object_get(lines, ptr));
}

/* One entry of a holidays or workdays list into bits. */
static int mark(calendar *c, cal_year *cy, unsigned char *bits, json_t *v,
                json_t *lines, const char *ptr, ch_error *e)
{
	const char *s = json_string_value(v);
	const char *dots = s ? strstr(s, "..") : NULL;
	long a, b;

	if (!s)
		return ch_fail(e, c->file, line_of(lines, ptr),
		               "a day (2026-01-01) or a range (2026-02-15..2026-02-23)"
		               " is expected");
	a = parse_day(s, dots ? (size_t)(dots - s) : strlen(s));
	b = dots ? parse_day(dots + 2, strlen(dots + 2)) : a;
	if (a < 0 || b < 0 || b < a)
		return ch_fail(e, c->file, line_of(lines, ptr),
		               "'%s' is not a day or a range of days", s);
	if (a / 10000 != cy->year || b / 10000 != cy->year)
		return ch_fail(e, c->file, line_of(lines, ptr),
		               "'%s' is not in %d", s, cy->year);
	for (long long i = serial(a); i <= serial(b); i++) {
		int d = day_of_year(from_serial(i));
		bits[d / 8] |= (unsigned char)(1u << (d % 8));
	}
	return 0;
}

static int load_list(calendar *c, cal_year *cy, json_t *year, const char *key,
                     unsigned char *bits, json_t *lines, const char *yptr,
                     ch_error *e)
{
	json_t *list = json_object_get(year, key);
	char ptr[128];
	size_t i;
	json_t *v;

	snprintf(ptr, sizeof ptr, "%s/%s", yptr, key);
	if (!list)
		return 0;
	if (!json_is_array(list))
		return ch_fail(e, c->file, line_of(lines, ptr),
		               "%s: a list of days is expected", key);
	json_array_foreach(list, i, v) {
		char item[160];
		snprintf(item, sizeof item, "%s/%zu", ptr, i);
		if (mark(c, cy, bits, v, lines, item, e) < 0)
			return -1;
	}
	return 0;
}

static int load_year(calendar *c, const char *key, json_t *year,
                     json_t *lines, ch_error *e)
{
	char ptr[64];
	const char *k;
	json_t *v;
	cal_year *cy;
	char *end;
	long y = strtol(key, &end, 10);

	snprintf(ptr, sizeof ptr, "/%s", key);
	if (*end || y < 1970 || y > 9999)
		return ch_fail(e, c->file, line_of(lines, ptr),
		               "'%s' is not a year", key);
	if (!json_is_object(year))
		return ch_fail(e, c->file, line_of(lines, ptr),
		               "%ld: holidays and workdays are expected", y);
	json_object_foreach(year, k, v)
		if (strcmp(k, "source") && strcmp(k, "holidays") &&
		    strcmp(k, "workdays")) {
			char at[160];
			snprintf(at, sizeof at, "%s/%s", ptr, k);
			return ch_fail(e, c->file, line_of(lines, at),
			               "unknown key '%s' (source, holidays, workdays)",
			               k);
		}
	if (c->n == CAL_MAX_YEARS)
		return ch_fail(e, c->file, line_of(lines, ptr),
		               "more than %d years", CAL_MAX_YEARS);
	cy = &c->years[c->n++];
	memset(cy, 0, sizeof *cy);
	cy->year = (int)y;
	return load_list(c, cy, year, "holidays", cy->holiday, lines, ptr, e) < 0 ||
	       load_list(c, cy, year, "workdays", cy->workday, lines, ptr, e) < 0
	       ? -1 : 0;
}

int cal_load(const char *path, calendar *c, ch_error *e)
{
	char *text = NULL;
	size_t len;
	json_t *doc = NULL, *lines = NULL, *v;
	const char *k;
	int rc = -1;

	memset(c, 0, sizeof *c);
	snprintf(c->file, sizeof c->file, "%s", path);
	if (ch_read_file(path, CAL_MAX_BYTES, &text, &len, e) < 0)
		return -1;
	doc = ch_yaml_parse_lines(text, len, path, 1, &lines, e);
	if (!doc)
		goto out;
	if (!json_is_object(doc)) {
		ch_fail(e, path, 1, "a mapping of years is expected");
		goto out;
	}
	json_object_foreach(doc, k, v)
		if (load_year(c, k, v, lines, e) < 0)
			goto out;
	rc = 0;
out:
	json_decref(doc);
	json_decref(lines);
	free(text);
	return rc;
}

static const cal_year *year_of(const calendar *c, long day)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->years[i].year == day / 10000)
			return &c->years[i];
	return NULL;
}

int cal_is_workday(const calendar *c, long day, ch_error *e)
{
	const cal_year *cy;
	long long s = serial(day);
	int d, wd;

	if (s < 0)
		return ch_fail(e, c->file, 0, "%ld is not a date", day);
	cy = year_of(c, day);
	if (!cy)
		return ch_fail(e, c->file, 0,
		               "the calendar has no working days for %ld: add that "
		               "year's holidays from the State Council's "
		               "announcement", day / 10000);
	d = day_of_year(day);
	if (cy->workday[d / 8] & (1u << (d % 8)))
		return 1;
	if (cy->holiday[d / 8] & (1u << (d % 8)))
		return 0;
	wd = (int)((s + 4) % 7); /* 1970-01-01 was a Thursday: 0 is Sunday */
	return wd != 0 && wd != 6;
}

int cal_add_workdays(const calendar *c, long day, int n, long *out,
                     ch_error *e)
{
	long long s = serial(day);

	if (s < 0)
		return ch_fail(e, c->file, 0, "%ld is not a date", day);
	while (n > 0) {
		int w = cal_is_workday(c, from_serial(++s), e);
		if (w < 0)
			return -1;
		n -= w;
	}
	*out = from_serial(s);
	return 0;
}
