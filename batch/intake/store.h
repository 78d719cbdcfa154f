/* store.h: the content-addressed document store. A document lives at
 * <root>/<first two hex digits>/<the other 62> of its SHA-256, 0600 in
 * 0700 folders. Writing is streamed and atomic (temporary file in the
 * store, fsync, rename, fsync of the folder), and idempotent by hash: a
 * document already present is not written again. Nothing is ever named
 * after anything but a hash. A store_tx is owned by its caller until
 * store_commit(), store_publish(), store_abort() or store_release(), which
 * free it. */
#ifndef BATCH_STORE_H
#define BATCH_STORE_H

#include <stddef.h>

#include "common/error.h"

typedef struct store_tx store_tx;

/* Creates root (0700) if needed. */
int store_init(const char *root, ch_error *e);
/* 1 if the document with this hash is in the store, 0 if not. */
int store_has(const char *root, const char *sha256);
/* Writes the document's path into out (size n); -1 if it does not fit. */
int store_path(const char *root, const char *sha256, char *out, size_t n);

int store_begin(const char *root, store_tx **out, ch_error *e);
/* store_begin for bytes whose SHA-256 the caller computes itself while
 * handing them over (the bundle reader does, in the same process, on the
 * same buffers): the store does not hash them a second time, and
 * store_finish must be given that hash as expect. */
int store_begin_hashed(const char *root, store_tx **out, ch_error *e);
/* Appends bytes; the signature of bundle_copy_entry's callback (ctx is the
 * store_tx). -1 with errno set on failure (store_write_error says it). */
int store_write(void *tx, const void *p, size_t n);
/* store_finish and store_publish of one document, for writers without a
 * transaction of their own. Frees tx in every case. */
int store_commit(store_tx *tx, const char *expect, char sha_out[65],
                 ch_error *e);
void store_abort(store_tx *tx);

/* Writing for a database transaction: nothing personal may outlive a
 * failed transaction, and nothing a committed row names may be missing.
 * So the documents of an accepted bundle are first finished (store_finish:
 * hash checked), then staged (store_stage: each synced and renamed to
 * <root>/staged/<sha>, which names its content, so a later run can tell
 * which record it belongs to), then the caller commits, and only then are
 * they published (store_publish: renamed into place, folders synced).
 * When staging or the commit fails, the caller releases them
 * (store_release) and calls store_recover, which asks the database: a
 * staged name is shared by every copy of one document, and even a failing
 * COMMIT may have left a record. A run that dies between staging and
 * publishing, or a publish that fails, leaves them staged, and
 * store_recover at the start of the next run publishes each one a record
 * refers to and removes the others. */
#define STORE_STAGED "staged"

/* Finishes tx: when expect is not NULL the content must have that hash,
 * else nothing is stored and -1 returned (tx freed). The hash is written
 * to sha_out when not NULL. */
int store_finish(store_tx *tx, const char *expect, char sha_out[65],
                 ch_error *e);
/* Stages finished txs (a document already in the store, or twice in txs,
 * is dropped instead); the txs stay the caller's. */
int store_stage(store_tx **txs, size_t n, ch_error *e);
/* Stages what is not yet, then moves every staged document into place,
 * syncing each folder once. Frees every tx always; on failure what is
 * staged stays staged for store_recover. */
int store_publish(store_tx **txs, size_t n, ch_error *e);
/* Frees tx, keeping its document if it is staged (for store_recover). */
void store_release(store_tx *tx);
/* The reason a store_write failed, naming the temporary file; -1. */
int store_write_error(const store_tx *tx, ch_error *e);

/* At the start of a run, with no other run writing (ingest's lock): removes
 * temporary files a killed run left, publishes each staged document that
 * referenced(ctx, sha) says a record names (1) and removes the others (0);
 * referenced returns -1 with e filled on failure. Counts go to published
 * and removed (every removal, temporary or staged), for the caller to
 * report. */
int store_recover(const char *root,
                  int (*referenced)(void *ctx, const char *sha, ch_error *e),
                  void *ctx, size_t *published, size_t *removed, ch_error *e);

#endif
