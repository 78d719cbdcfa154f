/* docs.h: application.json's documents[] held against the files of the
 * bundle (BUNDLE.md "Documents"): each listed file present (NFC-compared),
 * of a PDF, JPEG or PNG content, images large enough; identical contents
 * and files nobody listed are warnings. Which kinds are needed is
 * common/form.c's concern (DOC_MISSING for a kind not listed). */
#ifndef BATCH_DOCS_H
#define BATCH_DOCS_H

#include "batch/intake/bundle.h"

/* Sets b->entries[].listed and adds DOC_MISSING (listed, not in the ZIP),
 * DOC_TYPE, DOC_TOO_SMALL, DOC_DUPLICATE and DOC_UNLISTED. Entries that
 * were not read (sha256 "") are left to the ZIP_* finding that says why.
 * Returns -1 only when memory runs out. */
int docs_check(bundle *b, const ch_schema *s, ch_findings *f);

/* The finding for a file of `size` bytes that sniff.c judged `type` (w, h
 * its pixels), NULL when it is acceptable: DOC_TOO_SMALL or DOC_TYPE, with
 * *variant "pdf_incomplete" for a PDF cut short, else NULL. The browser's
 * copy is documentVerdict() in site/assets/validate.js; both are held to
 * tests/fixtures/vectors/documents.json. */
const char *docs_verdict(doc_type type, uint64_t size, long w, long h,
                         long min_side, const char **variant);

#endif
