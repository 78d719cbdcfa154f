/* calendar.h: working days (工作日) as the State Council sets them, from
 * content/calendar.yaml: Monday to Friday, minus the public holidays,
 * plus the weekend days worked instead (调休). Due dates count in working
 * days. The calendar covers only the years it lists: asking about another
 * year is an error that says which year is missing, never a guess. Days
 * are yyyymmdd numbers (clock.h's clock_today). */
#ifndef BATCH_REVIEW_CALENDAR_H
#define BATCH_REVIEW_CALENDAR_H

#include <stddef.h>

#include "common/error.h"

#define CAL_MAX_YEARS 8

typedef struct cal_year {
	int year;
	/* One bit per day of the year (bit d for day-of-year d, 0-based):
	 * set when the day differs from the Monday-to-Friday rule. */
	unsigned char holiday[46];
	unsigned char workday[46];
} cal_year;

typedef struct calendar {
	cal_year years[CAL_MAX_YEARS];
	size_t n;
	char file[512];
} calendar;

/* Reads path (content/calendar.yaml). Errors name the file and line. */
int cal_load(const char *path, calendar *c, ch_error *e);

/* 1 when day is a working day, 0 when not, -1 (e filled) when its year
 * is not in the calendar or day is not a date. */
int cal_is_workday(const calendar *c, long day, ch_error *e);

/* The n-th working day after day (day itself not counted): what is due
 * "within n working days" of something that happened on day. */
int cal_add_workdays(const calendar *c, long day, int n, long *out,
                     ch_error *e);

#endif
