/* termsafe.h: text from outside made safe to show on a terminal.
 *
 * File names from the upload area and messages quoting them are shown on
 * an operator's terminal; raw, an escape sequence in a name could move
 * the cursor, retitle the window or rewrite what was printed, and a bidi
 * control could make a name read differently from what it is. These
 * functions write the text with every C0 and C1 control (tab and newline
 * too: one message is one line), DEL, each byte of invalid UTF-8, and the
 * Unicode bidi and line-separator controls (U+061C, U+200E, U+200F,
 * U+2028-U+202E, U+2066-U+2069) replaced by '?'. Everything else,
 * Chinese text included, passes unchanged. */
#ifndef CH_TERMSAFE_H
#define CH_TERMSAFE_H

#include <stdio.h>

#include "common/buf.h"

/* Writes the safe form of s to f; 0, or -1 if writing failed. */
int ch_term_fputs(const char *s, FILE *f);

/* Appends the safe form of s to b (check ch_buf_ok() as usual). */
void ch_term_buf(ch_buf *b, const char *s);

#endif
