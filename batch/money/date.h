/* date.h: dates and times as statements write them, into ISO text.
 * Dates: 2026-11-23, 2026/11/23, 2026.11.23, 2026年11月23日, 20261123,
 * with one-digit month and day where separated (2026/1/5, as spreadsheets
 * save them); optionally followed by a time (space or T), or run into one
 * (20261123101112). Times: 10:11:12, 10:11, 101112. */
#ifndef BATCH_MONEY_DATE_H
#define BATCH_MONEY_DATE_H

#include <stddef.h>

/* Reads s[0..n) into date "YYYY-MM-DD" and, when it carries one, time
 * "HH:MM:SS" (else time is ""). 0 ok, -1 not a valid date. */
int money_parse_date(const char *s, size_t n, char date[11], char time[9]);
/* Reads a time alone. 0 ok, 1 empty, -1 not a valid time. */
int money_parse_time(const char *s, size_t n, char time[9]);

#endif
