/* finreport.c: the finance workbook (see finreport.h). */
#include "batch/money/finreport.h"

#include <ctype.h>
#include <string.h>

int finreport_valid_date(const char *s)
{
	return strlen(s) == 10 && isdigit((unsigned char)s[0]) && s[4] == '-' &&
	       s[7] == '-';
}

int finreport_write(sqlite3 *db, const char *date, const char *dir,
                    ch_error *e)
{
	return ch_fail(e, NULL, 0, "not yet");
}
