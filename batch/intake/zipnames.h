/* zipnames.h: the names of a bundle's entries, decoded and judged
 * (BUNDLE.md "The ZIP container"). Raw names are UTF-8 when general purpose
 * bit 11 says so or when they are valid UTF-8, else GB18030; every rule is
 * applied to the decoded, NFC-normalised name, never to the raw bytes (a
 * GBK character's second byte may be 0x5C). Owns the decoded names:
 * znames_free(). */
#ifndef BATCH_ZIPNAMES_H
#define BATCH_ZIPNAMES_H

#include <stddef.h>

#include "batch/intake/zipscan.h"
#include "common/findings.h"
#include "common/schema.h"

typedef struct zname {
	char *full;       /* decoded, NFC; NULL when undecodable */
	char *where;      /* printable form for findings: control characters
	                   * and undecodable bytes as \xNN */
	const char *base; /* inside full: without the common folder */
	int is_dir;
	int is_dup;       /* shares its name with another entry */
	int bad;          /* a ZIP_* finding names it: not to be read */
} zname;

/* Decodes a raw name: 0 and *out (malloc'd, NFC), 1 when the bytes are
 * neither UTF-8 (required when utf8_flag) nor GB18030 or hold a NUL, -1
 * when memory runs out. */
int zname_decode(const unsigned char *raw, size_t n, int utf8_flag,
                 char **out);

/* A malloc'd copy of s safe to show: valid UTF-8 kept, the characters of
 * common/unsafecp.h's list and invalid bytes written \xNN. NULL: no
 * memory. */
char *zname_printable(const char *s, size_t n);

/* 1 if a decoded name (without a directory's trailing '/') is unsafe as a
 * path: empty, absolute, a drive letter, a backslash, an empty, "." or
 * ".." component, or a character of common/unsafecp.h's list (C0, DEL,
 * C1, bidi controls, line separators). */
int zname_unsafe(const char *name);

/* Decodes and checks every entry of z, adding ZIP_UNSAFE_NAME and
 * ZIP_DUPLICATE_NAME findings; *out gets z->n names (caller frees with
 * znames_free). *dup is set when two entries share a name: the archive is
 * then ambiguous and nothing of it should be read. Returns -1 only when
 * memory runs out. */
int znames_check(const zscan *z, const ch_schema *s, zname **out,
                 ch_findings *f, int *dup);

void znames_free(zname *v, size_t n);

#endif
