/* finreport.h: the finance workbook (certhall-batch report finance): one
 * XLSX workbook (libxlsxwriter) and the same sheets as CSV files (UTF-8
 * with a BOM; a cell starting with = + - @ tab or CR gets a leading ' so
 * that no spreadsheet runs it). Sheets: payments matched, review queue,
 * lines not ours, payouts and verifications, per-file totals. Amounts in
 * yuan as numbers with two decimals; account numbers masked. --date
 * limits the lines to one booking day. */
#ifndef BATCH_MONEY_FINREPORT_H
#define BATCH_MONEY_FINREPORT_H

#include <sqlite3.h>

#include "common/error.h"

int finreport_valid_date(const char *s);
int finreport_write(sqlite3 *db, const char *date, const char *dir,
                    ch_error *e);

#endif
