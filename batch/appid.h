/* appid.h: the application id (申请编号) the form makes: twelve Crockford
 * base32 characters in three dash-separated groups of four. */
#ifndef BATCH_APPID_H
#define BATCH_APPID_H

#include <stddef.h>

#define APPID_LEN 14 /* XXXX-XXXX-XXXX */

/* 1 if s is exactly the canonical form (what ingest keys applications
 * by, so that one application never has two spellings). */
int appid_is_canonical(const char *s);
/* Reads an id as a person may type it: case, spaces and dashes forgiven,
 * O read as 0 and I, L as 1 (Crockford). Returns 1 and the canonical form
 * in out, or 0. */
int appid_parse(const char *s, char out[APPID_LEN + 1]);
/* An id (application id or order number) as typed, with what a Chinese
 * input method puts in folded to ASCII: full-width forms (Ａ, ０, －),
 * the ideographic space and the other dashes (‐ – — − ー). Other bytes
 * are kept. Returns 1, or 0 when the result does not fit in n bytes. */
int appid_fold(const char *s, char *out, size_t n);

#endif
