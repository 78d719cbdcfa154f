/* clock.c: UTC storage, Asia/Shanghai display (see clock.h). */
#include "batch/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SHANGHAI_OFFSET (8 * 3600)

int clock_parse(const char *s, time_t *t)
{
	struct tm tm;
	int n = 0;

	memset(&tm, 0, sizeof tm);
	if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &tm.tm_year, &tm.tm_mon,
	                 &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6 ||
	    s[n] != '\0')
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*t = timegm(&tm);
	return 0;
}

time_t clock_time(void)
{
	time_t t;

	if (clock_parse(getenv("CERTHALL_NOW"), &t) == 0)
		return t;
	return time(NULL);
}

void clock_format(time_t t, char out[32])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void clock_now(char out[32])
{
	clock_format(clock_time(), out);
}

long clock_today(void)
{
	time_t t = clock_time() + SHANGHAI_OFFSET;
	struct tm tm;

	gmtime_r(&t, &tm);
	return (tm.tm_year + 1900L) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

void clock_show(const char *utc, char *out, size_t n)
{
	time_t t;
	struct tm tm;

	if (clock_parse(utc, &t) < 0) {
		snprintf(out, n, "%s", utc ? utc : "");
		return;
	}
	t += SHANGHAI_OFFSET;
	gmtime_r(&t, &tm);
	strftime(out, n, "%Y-%m-%d %H:%M:%S", &tm);
}
