/* findings.h: the problems found in a bundle or an application.json, each
 * with BUNDLE.md's stable code, a level, where it is (JSON path or entry
 * name) and the Chinese message an applicant reads. The list owns its
 * strings. */
#ifndef CH_FINDINGS_H
#define CH_FINDINGS_H

#include <jansson.h>
#include <stddef.h>

struct ch_schema;

typedef enum ch_level { CH_LEVEL_ERROR, CH_LEVEL_WARNING } ch_level;

typedef struct ch_finding {
	char *code;
	ch_level level;
	char *where;   /* "" when the finding concerns the whole bundle */
	char *message; /* Chinese, placeholders filled */
} ch_finding;

typedef struct ch_findings {
	ch_finding *v;
	size_t n;
	size_t cap;
} ch_findings;

#define CH_FINDINGS_INIT {NULL, 0, 0}

/* Adds a finding whose message is the schema's template for `code` with
 * {where}, {label} and {limit} filled (NULL ones become ""; in the message,
 * never in `where`, the characters of common/unsafecp.h's list become
 * '?'). Returns -1
 * only when memory runs out. schema may be NULL (the code is the message). */
int ch_findings_add(ch_findings *f, const struct ch_schema *schema,
                    const char *code, ch_level level, const char *where,
                    const char *label, const char *limit);
/* As ch_findings_add, with the message of the schema's "code.variant"
 * when it has one (e.g. "FORM_RANGE.too_short"): the code stays what
 * BUNDLE.md names, the message says more precisely what is wrong.
 * variant may be NULL. */
int ch_findings_add_as(ch_findings *f, const struct ch_schema *schema,
                       const char *code, const char *variant, ch_level level,
                       const char *where, const char *label,
                       const char *limit);
size_t ch_findings_errors(const ch_findings *f);
int ch_findings_has(const ch_findings *f, const char *code);
/* [{"code":..,"level":"error"|"warning","where":..,"message":..}, ...] */
json_t *ch_findings_json(const ch_findings *f);
void ch_findings_free(ch_findings *f);

#endif
