/* anchor.h: heading anchors as content.md defines them, and the set of
 * anchors of one page that makes repeats unique (-2, -3, ...). */
#ifndef GEN_ANCHOR_H
#define GEN_ANCHOR_H

#include <stddef.h>

/* The slug of a heading's plain text (UTF-8): ASCII letters lowercased,
 * each whitespace run -> '-', ASCII punctuation other than '-' and '_'
 * dropped, CJK and full-width punctuation dropped, letters, digits and
 * CJK kept. Returns a malloc'd string ("" when nothing is kept) or NULL
 * when memory runs out. */
char *gen_slug(const char *text);

/* The anchors handed out on one page so far; owns its strings. */
typedef struct gen_anchors {
	char **v;
	size_t n, cap;
} gen_anchors;

#define GEN_ANCHORS_INIT {NULL, 0, 0}

/* Returns the page-unique anchor for text (owned by the set): the slug,
 * or "section" when empty, with -2, -3 ... for repeats. NULL when memory
 * runs out. */
const char *gen_anchors_add(gen_anchors *a, const char *text);
int gen_anchors_has(const gen_anchors *a, const char *id);
/* Adds id as it is (a set restored from the build cache): a malloc'd
 * string the set then owns. 0, or -1 when memory runs out (id is then
 * still the caller's). */
int gen_anchors_push(gen_anchors *a, char *id);
void gen_anchors_free(gen_anchors *a);

#endif
