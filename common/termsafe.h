/* termsafe.h: text from outside made safe to show on a terminal.
 *
 * File names from the upload area and messages quoting them are shown on
 * an operator's terminal; raw, an escape sequence in a name could move
 * the cursor, retitle the window or rewrite what was printed, and a bidi
 * control could make a name read differently from what it is. These
 * functions write the text with each code point of common/unsafecp.h's
 * list (C0 and C1 controls, tab and newline too: one message is one line;
 * DEL; the bidi and line-separator controls) and each byte of invalid
 * UTF-8 replaced by '?'. Everything else, Chinese text included, passes
 * unchanged. */
#ifndef CH_TERMSAFE_H
#define CH_TERMSAFE_H

#include <stdio.h>

#include "common/buf.h"

/* Writes the safe form of s to f; 0, or -1 if writing failed. */
int ch_term_fputs(const char *s, FILE *f);

/* Appends the safe form of s to b (check ch_buf_ok() as usual). */
void ch_term_buf(ch_buf *b, const char *s);

#endif
