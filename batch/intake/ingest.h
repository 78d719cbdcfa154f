/* ingest.h: `certhall-batch ingest`: every bundle of the given files and
 * folders (default: the inbox) checked, recorded in one transaction each
 * (record.h), reported as one JSON line on out (BUNDLE.md "Ingest
 * results") and only then moved to done/ or rejected/. A bundle whose
 * bytes were ingested before is a `duplicate`: nothing changes, and it is
 * moved to the folder of its first outcome; that is also how a run killed
 * between a commit and a move heals on the next run. Files that are not
 * *.zip are reported on stderr and left where they are. */
#ifndef BATCH_INGEST_H
#define BATCH_INGEST_H

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>

#include "batch/context.h"

typedef struct ingest_stats {
	size_t accepted, rejected, duplicate;
	size_t skipped; /* not a bundle, left in place */
	size_t failed;  /* could not be processed (I/O), left in place */
} ingest_stats;

/* Creates the folders the batch writes to (store, inbox, done, rejected,
 * the database's), 0700. */
int ingest_make_folders(const batch_config *c, ch_error *e);

/* Returns -1 only when the run cannot go on (the database fails); a bundle
 * that cannot be read is reported on stderr and counted in failed. */
int ingest_run(batch_ctx *ctx, sqlite3 *db, char *const *paths, size_t npaths,
               FILE *out, ingest_stats *st, ch_error *e);

/* The SHA-256 of a file's bytes, streamed, for a regular file opened by
 * ch_open_input. A file of more than max bytes is not read to the end:
 * out is then "" (unknown), as for a bundle refused on its size. */
int ingest_file_sha256(const char *path, uint64_t max, char out[65],
                       ch_error *e);

#endif
