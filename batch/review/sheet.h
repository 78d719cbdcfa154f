/* sheet.h: the review sheet (审核单) of `review show`: one self-contained
 * HTML page with the newest accepted revision's form, labelled from the
 * form schema (content/forms/application.yaml), beside its stored scans.
 * Images (JPEG, PNG) are embedded as data: URIs; PDFs are linked as
 * file:// paths of the store, which the reviewer's browser opens in its
 * own viewer: the page itself loads nothing (its CSP allows nothing from
 * outside, no script, no plugin). Every value is escaped, and a control
 * or bidi character shows as its code point, never acting. ID numbers
 * are shown in full here and nowhere else. */
#ifndef BATCH_REVIEW_SHEET_H
#define BATCH_REVIEW_SHEET_H

#include <sqlite3.h>

#include "batch/context.h"
#include "batch/review/order.h"
#include "common/buf.h"

/* The largest scan embedded; a larger one is linked like a PDF. */
#define SHEET_EMBED_MAX (16u << 20)

/* 1 written to out; 0 no such order or no accepted revision (e says
 * which); -1 an error. */
int review_sheet(batch_ctx *ctx, sqlite3 *db, const char *order, ch_buf *out,
                 review_order *o, ch_error *e);

#endif
