/* unsafecp.h: the one list of code points that untrusted text may not
 * carry into a terminal, a file name or a message an applicant or an
 * operator reads: every C0 and C1 control (tab and line breaks too), DEL,
 * the Arabic letter mark, the bidi marks, embeddings, overrides and
 * isolates, and the Unicode line and paragraph separators. An escape
 * sequence could move a cursor or retitle a window; a bidi control makes
 * "invoice\u202Efdp.exe" read as "invoiceexe.pdf".
 *
 * Users: common/termsafe.c (shown as '?'), batch/intake/zipnames.c (an entry
 * name holding one is unsafe), common/form.c (FORM_CHARACTER). The
 * browser's copy is UNSAFE_RANGES in site/assets/validate.js; both are
 * pinned to tests/fixtures/vectors/unsafe_chars.json. Also owns the
 * strict UTF-8 decoder the users share. */
#ifndef CH_UNSAFECP_H
#define CH_UNSAFECP_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

typedef struct ch_cp_range {
	uint32_t first, last; /* inclusive */
} ch_cp_range;

/* The list, in ascending order, ranges not touching. */
extern const ch_cp_range ch_unsafe_ranges[];
extern const size_t ch_unsafe_nranges;

/* 1 if cp is on the list. */
int ch_cp_unsafe(uint32_t cp);

/* The length of the well-formed UTF-8 character at p (at most n bytes,
 * n >= 1) with its code point in *cp; 0 if the bytes there are not one
 * (overlong, surrogate, past U+10FFFF, truncated, stray continuation). */
size_t ch_utf8_decode(const unsigned char *p, size_t n, uint32_t *cp);

/* The first unsafe code point of the NUL-terminated UTF-8 text s in *cp
 * and 1, or 0 when there is none. Bytes that are not UTF-8 count as
 * unsafe (*cp is then the byte's value plus 0x110000, outside Unicode). */
int ch_text_unsafe(const char *s, uint32_t *cp);

/* 0 when text an operator typed is fit to be stored and shown: 1..max
 * characters of well-formed UTF-8, none on the list, not only spaces;
 * -1 with e naming what (option names the option, e.g. "--by"). */
int ch_check_text(const char *option, const char *text, size_t max,
                  ch_error *e);

#endif
