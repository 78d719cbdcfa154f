/* applicant.h: who may add a revision to an application. An application
 * id is no secret (it is printed on the forms, and the applicant reads it
 * out on the phone), so it alone proves nothing. Once an application has
 * an accepted revision, a later bundle for it must name the same
 * organisation (统一社会信用代码, organization.id_number) and the same
 * handler (经办人身份证号, handler.id_number) as its newest accepted
 * revision, compared folded (full width, case, spaces and dashes);
 * otherwise it is APPLICANT_MISMATCH and touches nothing of the
 * application. Before any revision is accepted nothing is held, so the
 * first acceptable bundle wins whatever was refused before it.
 * REVISION_STALE counts only the revisions that were accepted or that the
 * same organisation and handler sent: another sender's refused bundle
 * never locks the applicant out. REVISION_CLOSED: an order approved or
 * later (the state table lets it back to neither awaiting_payment nor
 * in_review) takes no new revision; recorded as REVISION_STALE is. */
#ifndef BATCH_APPLICANT_H
#define BATCH_APPLICANT_H

#include <jansson.h>
#include <sqlite3.h>

#include "common/error.h"
#include "common/findings.h"
#include "common/schema.h"

typedef struct applicant_verdict {
	int stale;   /* REVISION_STALE or _CLOSED: an event only */
	int foreign; /* APPLICANT_MISMATCH, or a revision out of range: the
	              * bundle is not linked to the application at all */
} applicant_verdict;

/* Judges a bundle naming application aid at revision rev (app may be
 * NULL when application.json was unreadable) against what db holds, and
 * adds the findings that follow. db may be NULL (no database yet): then
 * nothing is held. -1 (e filled) on a database failure or no memory. */
int applicant_vet(sqlite3 *db, const ch_schema *schema, const char *aid,
                  long rev, json_t *app, applicant_verdict *v,
                  ch_findings *f, ch_error *e);

/* 1 when two application.json objects name the same organisation and
 * handler (both present, folded), else 0. */
int applicant_same(json_t *a, json_t *b);

#endif
