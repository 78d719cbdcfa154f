/* bundle.h: a submission bundle (BUNDLE.md) opened and checked as a
 * container: every ZIP_* rule, application.json found and parsed, and each
 * listed document read once, streamed, hashed and sniffed. It owns the
 * libzip handle and everything it read; the caller owns the bundle and
 * frees it with bundle_close(). Nothing here writes a file: storing the
 * documents is the caller's, through a bundle_sink that sees each listed
 * document's bytes during the one read (or bundle_copy_entry later). */
#ifndef BATCH_BUNDLE_H
#define BATCH_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "common/error.h"
#include "common/findings.h"
#include "common/schema.h"

typedef struct bundle_limits {
	uint64_t max_bundle_bytes;  /* 64 MiB */
	uint64_t max_entries;       /* 64 */
	uint64_t max_entry_bytes;   /* 20 MiB uncompressed */
	uint64_t max_total_bytes;   /* 128 MiB uncompressed */
	uint64_t max_ratio;         /* 100 */
} bundle_limits;

void bundle_limits_default(bundle_limits *l);

/* DOC_PDF_INCOMPLETE: "%PDF-" without its end marker, most often a file
 * cut short: refused as DOC_TYPE, but told as incomplete. */
typedef enum doc_type {
	DOC_NONE, DOC_PDF, DOC_JPEG, DOC_PNG, DOC_PDF_INCOMPLETE
} doc_type;

/* The files of the bundle with safe, unique names: neither directories
 * nor application.json (that is `app`). An entry with a ZIP_* finding of
 * its own (not regular, encrypted, method) or one left unread because the
 * bundle was refused earlier has sha256 "" and must not be copied. */
typedef struct bundle_entry {
	char *name;          /* decoded UTF-8, NFC, common folder removed */
	uint64_t index;      /* libzip index */
	uint64_t size;       /* uncompressed bytes actually read */
	char sha256[65];     /* of the content, after a full read; "" if unread */
	doc_type type;       /* judged by content */
	long width, height;  /* images: pixels, else 0 */
	int listed;          /* named in application.json's documents */
} bundle_entry;

typedef struct bundle {
	char sha256[65];     /* of the bundle file's bytes; "" when it was
	                      * over twice max_bundle_bytes, refused on its
	                      * size without being read */
	char *path;
	bundle_entry *entries;
	size_t nentries;
	json_t *app;         /* parsed application.json, NULL if unusable */
	void *zip;           /* zip_t *, private */
	void *guard;         /* zguard * of zip's source, private (owned by
	                      * zip) */
} bundle;

/* Where the listed documents' bytes go while bundle_open reads them, so
 * that each is inflated once. begin is called before a listed document's
 * first byte (only while the bundle has no error yet) and sets *doc, the
 * sink's handle for it; write gets its bytes in order; end is called once
 * for every begin that returned 0, with ok 1 when the entry was read whole
 * and sound (en->sha256 and en->size are then of exactly the bytes write
 * was given) and 0 when it was not (the sink drops what it has). A
 * document a sink got may still belong to a bundle that is rejected later:
 * the sink's owner decides what to keep once it knows the verdict. Each
 * callback returns 0 or -1 (e filled), which ends bundle_open with -1. */
typedef struct bundle_sink {
	int (*begin)(void *ctx, const bundle_entry *en, void **doc, ch_error *e);
	int (*write)(void *ctx, void *doc, const void *p, size_t n, ch_error *e);
	int (*end)(void *ctx, void *doc, const bundle_entry *en, int ok,
	           ch_error *e);
	void *ctx;
} bundle_sink;

/* Opens path, checks the container, reads and parses application.json,
 * validates it with common/form.c, then reads every listed document
 * (CRC, size, ratio limits enforced while inflating, memory bounded) and
 * adds DOC_* findings. Returns -1 only for an error of the machine
 * (memory, I/O on the bundle file), with e filled; every problem of the
 * bundle itself is a finding in f and the return is 0. today: YYYYMMDD or
 * 0 for now. */
int bundle_open(const char *path, const ch_schema *schema,
                const bundle_limits *limits, long today, bundle **out,
                ch_findings *f, ch_error *e);
/* bundle_open that also streams each listed document to sink (NULL: none). */
int bundle_open_sink(const char *path, const ch_schema *schema,
                     const bundle_limits *limits, long today,
                     const bundle_sink *sink, bundle **out, ch_findings *f,
                     ch_error *e);

/* Streams entry i's content to write(ctx, data, n) in chunks, inflating
 * it a second time (a sink given to bundle_open_sink avoids that). write returns 0 or -1. Fails (-1, e filled) for an
 * entry that was not read whole, when write fails, and when the bytes are
 * not those bundle_open hashed (the file changed under us): only what was
 * checked is ever stored. */
int bundle_copy_entry(bundle *b, size_t i,
                      int (*write)(void *ctx, const void *p, size_t n),
                      void *ctx, ch_error *e);

/* The most bytes application.json may have, in a bundle or bare: the
 * form schema's max_bytes, 256 KiB without a schema (BUNDLE.md). */
size_t bundle_json_max(const ch_schema *schema);

/* Checks a bare application.json file: the same findings as for a bundle,
 * except those about files in the ZIP. */
int bundle_check_json(const char *path, const ch_schema *schema, long today,
                      json_t **app, ch_findings *f, ch_error *e);

void bundle_close(bundle *b);

#endif
