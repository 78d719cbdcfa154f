/* store.h: the content-addressed document store. A document lives at
 * <root>/<first two hex digits>/<the other 62> of its SHA-256, 0600 in
 * 0700 folders. Writing is streamed and atomic (temporary file in the
 * store, fsync, rename, fsync of the folder), and idempotent by hash: a
 * document already present is not written again. Nothing is ever named
 * after anything but a hash. A store_tx is owned by its caller until
 * store_commit() or store_abort(), which free it. */
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
 * store_tx). */
int store_write(void *tx, const void *p, size_t n);
/* Finishes: when expect is not NULL the content must have that hash, else
 * nothing is stored and -1 returned. The hash is written to sha_out when
 * not NULL. Frees tx in every case. */
int store_commit(store_tx *tx, const char *expect, char sha_out[65],
                 ch_error *e);
void store_abort(store_tx *tx);

/* The same as store_commit for several documents at once, with fewer
 * waits for the disk: each tx is first finished (hash checked), then
 * store_publish() drops the documents already present, syncs every file,
 * renames each into place and syncs each folder once. Both free the tx
 * they are given on failure; store_publish frees all of them always. */
int store_finish(store_tx *tx, const char *expect, char sha_out[65],
                 ch_error *e);
int store_publish(store_tx **txs, size_t n, ch_error *e);

#endif
