/* layout.h: the layouts of site/layouts/ (<name>.html) parsed once per
 * build, with their partials from site/layouts/partials/. */
#ifndef GEN_LAYOUT_H
#define GEN_LAYOUT_H

#include <stddef.h>

#include "common/error.h"
#include "generator/repo.h"
#include "generator/template.h"

typedef struct gen_layout {
	char *name; /* "page", "base", ... */
	gen_tpl *tpl;
} gen_layout;

typedef struct gen_layouts {
	gen_layout *v;
	size_t n, cap;
} gen_layouts;

/* Parses every site/layouts/<name>.html; a syntax error or a missing
 * partial names the layout file and line. */
int gen_layouts_load(const gen_source *src, gen_layouts *l, ch_error *e);
/* The layout called name, or NULL. */
const gen_tpl *gen_layouts_get(const gen_layouts *l, const char *name);
void gen_layouts_free(gen_layouts *l);

#endif
