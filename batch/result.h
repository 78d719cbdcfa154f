/* result.h: the one-line JSON result of a bundle (BUNDLE.md "Ingest
 * results"), shared by ingest and check --json. */
#ifndef BATCH_RESULT_H
#define BATCH_RESULT_H

#include <stdio.h>

#include "common/findings.h"

/* aid, order_no NULL or "" and revision <= 0 are written as null; f NULL
 * as []. Returns -1 when out of memory. */
int result_emit(FILE *out, const char *file, const char *sha,
                const char *outcome, const char *aid, long revision,
                const char *order_no, const ch_findings *f);

#endif
