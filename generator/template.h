/* template.h: a small mustache-like template language over jansson data,
 * escaping by default.
 *
 *   {{name}} {{a.b.c}} {{.}}   the value, HTML-escaped
 *   {{{name}}}                 the value raw: only for HTML the generator
 *                              itself produced (page bodies, navigation)
 *   {{#x}}...{{/x}}            x an array: once per item, the item as
 *                              context; x an object: once, x as context;
 *                              other truthy values: once
 *   {{^x}}...{{/x}}            once when x is missing, false, null, "",
 *                              0 or an empty array
 *   {{> name}}                 the partial site/layouts/partials/name.html
 *   {{! comment}}
 *
 * Names are looked up from the innermost context outwards; a missing name
 * renders as nothing. Truthy: not null, not false, not "", not 0, not an
 * empty array or object. */
#ifndef GEN_TEMPLATE_H
#define GEN_TEMPLATE_H

#include <jansson.h>
#include <stddef.h>

#include "common/buf.h"
#include "common/error.h"

typedef struct gen_tpl gen_tpl;

/* Looks up a partial's source by name; returns 0 and fills *text, *len
 * (owned by the loader's owner) and *file (for error messages), or -1 if
 * there is no such partial. */
typedef int (*gen_tpl_loader)(void *ctx, const char *name, const char **text,
                              size_t *len, const char **file);

/* Parses a template; file names it in errors (file:line). Partials are
 * loaded through loader (may be NULL: then {{> x}} is an error) and parsed
 * in. The caller frees *out with gen_tpl_free(). */
int gen_tpl_parse(const char *text, size_t len, const char *file,
                  gen_tpl_loader loader, void *ctx, gen_tpl **out,
                  ch_error *e);
/* Appends the template rendered with data to out. */
int gen_tpl_render(const gen_tpl *t, json_t *data, ch_buf *out, ch_error *e);
void gen_tpl_free(gen_tpl *t);

#endif
