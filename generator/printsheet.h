/* printsheet.h: the text of a printed form (the stamp form, the letter)
 * as HTML.
 *
 * Owns the two kinds of block a paper form needs and Markdown lacks. They
 * are written as fenced code blocks, so the text stays plain Markdown:
 *
 *   ```fields     one row per line, "label" or "label：preset": a table
 *                 of labels and ruled cells to write in;
 *   ```seals      one box per line, its caption: bordered boxes to stamp
 *                 in, laid out by form.css to fit one A4 page.
 *
 * Everything else is cmark's HTML in its safe mode (no raw HTML, no unsafe
 * links); every text taken from a block is escaped. */
#ifndef GEN_PRINTSHEET_H
#define GEN_PRINTSHEET_H

#include <stddef.h>

#include "common/error.h"

/* Renders md (len bytes). On success *out is the NUL-terminated HTML,
 * owned by the caller (free()), and 0 is returned; -1 with e filled
 * otherwise (file names the source in messages). */
int gen_print_html(const char *md, size_t len, const char *file, char **out,
                   ch_error *e);

#endif
