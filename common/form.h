/* form.h: application.json read and checked against the schema: every
 * FORM_*, value check, cross-field rule and DOC_MISSING (a needed document
 * not listed) of BUNDLE.md. Whether listed files are really in the ZIP and
 * what they contain is the batch's concern (batch/bundle*.c). */
#ifndef CH_FORM_H
#define CH_FORM_H

#include <jansson.h>
#include <stddef.h>

#include "common/findings.h"
#include "common/schema.h"

/* The highest revision a bundle may carry: far above any real number of
 * resubmissions, low enough that no one can use the numbers up. */
#define CH_FORM_MAX_REVISION 9999
#define CH_FORM_MAX_REVISION_TEXT "9999"

/* Parses bytes as application.json: a leading UTF-8 BOM is skipped; more
 * than schema->max_bytes, invalid UTF-8 or invalid JSON (duplicate keys
 * included) gives FORM_SYNTAX. *out is NULL then. Returns -1 only when
 * memory runs out. */
int ch_form_parse(const ch_schema *s, const char *bytes, size_t len,
                  json_t **out, ch_findings *f);

/* Adds a finding for every problem of app. today is YYYYMMDD, 0 for now.
 * Returns -1 only when memory runs out. */
int ch_form_validate(const ch_schema *s, json_t *app, long today,
                     ch_findings *f);

#endif
