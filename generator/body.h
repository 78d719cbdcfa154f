/* body.h: a page's body rendered from its Markdown in a full build: its
 * links rewritten to relative page URLs (each target was checked before),
 * the form block made from the schema, fee schedule and print texts with
 * the site's asset URLs, and the key of everything a body depends on
 * (incr_keys.h). This module owns the form's inputs once they are loaded. */
#ifndef GEN_BODY_H
#define GEN_BODY_H

#include "common/buf.h"
#include "common/error.h"
#include "common/fees.h"
#include "common/schema.h"
#include "generator/assets.h"
#include "generator/markdown.h"
#include "generator/site.h"

typedef struct gen_form_env {
	ch_schema *schema;       /* owned */
	ch_fees fees;
	const gen_file *letter, *stamp; /* the print texts (the site's) */
	char deps[65];           /* hash of everything the form's HTML
	                          * depends on */
} gen_form_env;

/* Loads the form's inputs when a page of s has the form; a missing
 * schema or fee schedule is an error naming that page's form line. f is
 * cleared first; free it with gen_form_env_free either way. */
int gen_form_env_load(gen_form_env *f, const gen_site *s, const gen_assets *a,
                      ch_error *e);
void gen_form_env_free(gen_form_env *f);
/* The key of page p's body (md its parse). */
void gen_body_key(const gen_page *p, const gen_md *md, const gen_form_env *f,
                  char out[65]);
/* Appends the HTML of page i's parsed body md; root leads from the page
 * to the site's root ("../../"). */
int gen_body_render(const gen_site *s, size_t i, const char *root,
                    const gen_assets *a, gen_form_env *f, gen_md *md,
                    ch_buf *out, ch_error *e);

#endif
