/* termsafe.h: printing text that came from a bundle or a form to a
 * person's terminal. Control characters (C0, DEL, C1) and Unicode bidi
 * controls could move the cursor, rewrite earlier lines or reverse a file
 * name's letters; each is shown as '?'. */
#ifndef BATCH_TERMSAFE_H
#define BATCH_TERMSAFE_H

#include <stdio.h>

void term_puts(FILE *out, const char *s);

#endif
