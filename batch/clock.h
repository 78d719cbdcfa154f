/* clock.h: times as the batch stores and shows them. Stored in UTC
 * ("2026-11-24T02:45:54Z"), shown in Asia/Shanghai, which has been UTC+8
 * all year since 1991: a fixed offset, so no time zone database is
 * needed and the answer does not depend on the machine's TZ. */
#ifndef BATCH_CLOCK_H
#define BATCH_CLOCK_H

#include <stddef.h>
#include <time.h>

/* Today in Asia/Shanghai as yyyymmdd. CERTHALL_NOW (a UTC time as stored)
 * overrides the clock, for tests and reruns. */
long clock_today(void);
/* Now, UTC, as stored. CERTHALL_NOW overrides it too. */
void clock_now(char out[32]);
/* Now as a time_t (CERTHALL_NOW too), a stored time read back, and a
 * time_t written as stored. clock_parse returns -1 for another shape. */
time_t clock_time(void);
int clock_parse(const char *utc, time_t *t);
void clock_format(time_t t, char out[32]);
/* "2026-11-24T02:45:54Z" -> "2026-11-24 10:45:54"; a value of another
 * shape is copied as it is. */
void clock_show(const char *utc, char *out, size_t n);

#endif
