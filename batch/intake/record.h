/* record.h: one bundle's verdict written to the database in one
 * transaction: the bundle row (idempotency), its findings, and when the
 * bundle names an application it may be linked to (applicant.h), that
 * application's new revision with its people, certificates and documents,
 * the order number and amount due, the history events and the queued
 * notice. A rejected bundle never changes an application's state,
 * revision, order number or amounts. The documents must already be
 * staged in the store (store.h). Either all of it is committed or none. */
#ifndef BATCH_RECORD_H
#define BATCH_RECORD_H

#include <sqlite3.h>

#include "batch/intake/bundle.h"
#include "batch/context.h"
#include "batch/orderno.h"
#include "common/findings.h"

typedef struct intake {
	const char *file_name;      /* the bundle's base name */
	const char *sha256;         /* of the bundle file */
	bundle *b;                  /* NULL when it could not be opened */
	const char *application_id; /* canonical, or NULL when unknown */
	long revision;              /* 0 when unknown */
	int stale;                  /* REVISION_STALE: the application stays as is */
	int foreign;                /* not linked to the application (applicant.h) */
	int accepted;
	ch_findings *f;
	char order_no[ORDERNO_LEN + 1]; /* out: "" unless accepted */
} intake;

int record_intake(batch_ctx *ctx, sqlite3 *db, intake *in, ch_error *e);

#endif
