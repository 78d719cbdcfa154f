/* result.h: the one-line JSON result of a bundle (BUNDLE.md "Ingest
 * results"), shared by ingest and check --json. */
#ifndef BATCH_RESULT_H
#define BATCH_RESULT_H

#include <stdio.h>

#include "common/findings.h"

/* A bundle's file name as valid UTF-8, malloc'd (NULL: no memory): kept
 * when it is UTF-8, else decoded as GB18030, else its bad bytes written
 * \xNN. JSON and the history hold only this form. */
char *result_utf8_name(const char *file);

/* sha, aid, order_no NULL or "" and revision <= 0 are written as null; f NULL
 * as []. The line always has all seven keys. Returns -1 when out of
 * memory or when the line could not be written. */
int result_emit(FILE *out, const char *file, const char *sha,
                const char *outcome, const char *aid, long revision,
                const char *order_no, const ch_findings *f);

#endif
