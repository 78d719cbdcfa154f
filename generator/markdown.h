/* markdown.h: a page body through cmark: heading anchors, the headings
 * and plain text for search and the table of contents, internal links
 * found, checked by the caller and rewritten to relative page URLs, and
 * the `form application` block replaced by the rendered form.
 *
 * cmark writes custom blocks verbatim; everything this module puts into
 * one is escaped here (anchors) or produced escaped by its maker (the
 * form, cmark's own rendering of a heading's inlines). Raw HTML in the
 * Markdown is not passed through (cmark's safe default). */
#ifndef GEN_MARKDOWN_H
#define GEN_MARKDOWN_H

#include <stddef.h>

#include "common/buf.h"
#include "common/error.h"
#include "generator/anchor.h"
#include "generator/page.h"

struct cmark_node;

typedef struct gen_link {
	char *target;  /* source path, "content/faq/index.md"; the page's own
	                * path for "#anchor" links */
	char *anchor;  /* percent-decoded fragment, NULL if none */
	int line;      /* line in the Markdown file */
	struct cmark_node *node;
} gen_link;

typedef struct gen_md {
	struct cmark_node *doc;
	gen_heading *headings; /* h2..h4, in order */
	size_t nheadings, capheadings;
	gen_anchors ids;       /* every heading id of the page */
	char *text;            /* plain text for search */
	gen_link *links;       /* internal links, in order */
	size_t nlinks, caplinks;
	int has_form;
	int form_line;
	const char *body;      /* the Markdown parsed (not owned), to parse */
	size_t body_len;       /* it again once the tree was dropped */
	int body_line;
} gen_md;

/* Parses a page body. src_path names the file in errors and resolves
 * relative links; body_line is the file line where the body starts.
 * Fills *md (gen_md_free). A link leaving content/, an absolute path or a
 * link to something not a .md file is an error naming file:line. */
int gen_md_parse(const char *src_path, const char *body, size_t len,
                 int body_line, gen_md *md, ch_error *e);

/* Renders the parsed body to HTML: every internal link's href is what
 * href(ctx, link) returns (malloc'd; NULL with e filled fails the render),
 * and the form block is what form(ctx, out, e) appends. */
typedef char *(*gen_md_href_fn)(void *ctx, const gen_link *link,
                                ch_error *e);
typedef int (*gen_md_form_fn)(void *ctx, ch_buf *out, ch_error *e);
int gen_md_render(gen_md *md, gen_md_href_fn href, gen_md_form_fn form,
                  void *ctx, ch_buf *out, ch_error *e);

/* Frees the syntax tree (links' nodes become NULL) but keeps headings,
 * ids, text and links: what a site of many pages holds between reading
 * and rendering. Render a parse of md->body again. */
void gen_md_drop_tree(gen_md *md);
void gen_md_free(gen_md *md);

/* Resolves a link destination written in src_path. Returns 1 and fills
 * *target (malloc'd source path) and *anchor (malloc'd or NULL) for an
 * internal link, 0 for an external one (a scheme or "//"), -1 with msg
 * (one line, static) for a bad one. */
int gen_md_resolve(const char *src_path, const char *url, char **target,
                   char **anchor, const char **msg);
/* s[0..n) with each %XX (two hex digits) decoded: a link's path and
 * fragment, and a field of a model line (meta.h). malloc'd; NULL when
 * out of memory. */
char *gen_pct_decode(const char *s, size_t n);

#endif
