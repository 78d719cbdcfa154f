/* meta.h: what the site model keeps of a page after reading its source
 * (front matter, headings, anchors, links, the form's place), written as
 * one line of the build cache and read back, so that a rebuild need not
 * read and parse a page whose source did not change. The line holds
 * fields separated by tabs, strings with '%', tab, CR and LF written as
 * %25, %09, %0D and %0A. */
#ifndef GEN_META_H
#define GEN_META_H

#include "common/buf.h"
#include "common/error.h"
#include "generator/site.h"

/* Appends page i's line (without the line end). */
void gen_meta_write(const gen_page *p, const gen_node *n, ch_buf *out);
/* Fills p and n (cleared by the caller, src_path and blob set) from a
 * line; -1 when it is not one we wrote or memory runs out. */
int gen_meta_read(const char *line, gen_page *p, gen_node *n);

#endif
