/* appid.h: the application id (申请编号) the form makes: twelve Crockford
 * base32 characters in three dash-separated groups of four. */
#ifndef BATCH_APPID_H
#define BATCH_APPID_H

#define APPID_LEN 14 /* XXXX-XXXX-XXXX */

/* 1 if s is exactly the canonical form (what ingest keys applications
 * by, so that one application never has two spellings). */
int appid_is_canonical(const char *s);
/* Reads an id as a person may type it: case, spaces and dashes forgiven,
 * O read as 0 and I, L as 1 (Crockford). Returns 1 and the canonical form
 * in out, or 0. */
int appid_parse(const char *s, char out[APPID_LEN + 1]);

#endif
