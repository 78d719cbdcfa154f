/* report.h: the nightly report, for an operator who would rather look at
 * it than read it: var/reports/YYYY-MM-DD.html (one self-contained page:
 * inline style and SVG charts of the last 30 nights, nothing loaded from
 * outside, every value escaped), the same figures as YYYY-MM-DD.csv, and
 * index.html listing every report, newest first. The day is a day in
 * Asia/Shanghai; personal numbers are masked. */
#ifndef BATCH_NIGHT_REPORT_H
#define BATCH_NIGHT_REPORT_H

#include <sqlite3.h>

#include "common/error.h"

/* Writes the report of day (yyyymmdd) into dir (created 0700). */
int night_report_write(sqlite3 *db, long day, const char *dir, ch_error *e);

#endif
