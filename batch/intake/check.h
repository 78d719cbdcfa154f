/* check.h: `certhall-batch check PATH`: every check of ingest on one
 * bundle, or on a bare application.json (*.json), printed and nothing
 * changed. When a database exists, a revision not newer than the one on
 * file is reported as ingest would (REVISION_STALE). */
#ifndef BATCH_CHECK_H
#define BATCH_CHECK_H

#include <stdio.h>

#include "batch/context.h"

/* *errors is the number of error findings. -1 only for a failure of the
 * machine (unreadable file, database). */
int check_run(batch_ctx *ctx, const char *path, int as_json, FILE *out,
              size_t *errors, ch_error *e);

#endif
