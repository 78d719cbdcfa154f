/* formhtml.h: the application form as server-side HTML.
 *
 * Owns the rendering of the `form application` fenced block: every field
 * of the schema (labels, required marks, 温馨提示 as help, error slots),
 * the personal-certificate rows, the document inputs, the fee total, the
 * action buttons, the hidden print views of the authorization letter and
 * the stamp form, and the embedded schema and fees as JSON for
 * site/assets/form.js. Nothing about fields is known here beyond what the
 * schema says. */
#ifndef GEN_FORMHTML_H
#define GEN_FORMHTML_H

#include <stddef.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/fees.h"
#include "common/schema.h"

typedef struct gen_form_inputs {
	const ch_schema *schema;
	const ch_fees *fees;
	const char *letter_md; /* content/forms/authorization_letter.md */
	size_t letter_len;
	const char *stamp_md; /* content/forms/stamp_form.md */
	size_t stamp_len;
	/* "form.js" -> the page-relative fingerprinted URL, until the next call */
	const char *(*asset_url)(void *ctx, const char *name);
	void *asset_ctx;
} gen_form_inputs;

/* Appends the whole form to out. Every text taken from the inputs is
 * escaped. Returns 0, or -1 with e filled. */
int gen_form_html(const gen_form_inputs *in, ch_buf *out, ch_error *e);

#endif
