/* pagedata.h: what the layouts see of a page (the template data), and
 * the relative URLs between pages. Every href is relative to the page so
 * the site works from any folder and from file://; page links name
 * index.html explicitly for the same reason.
 *
 * The data of a page (names the layouts use):
 *   lang "zh-CN"; site {title, description, hotline, website, footer, ...
 *   as content/site.yaml}; root ("", "../", ...); home (href of the home
 *   page); commit (short id; the home page and the 404 only, "" on the
 *   others, whose bytes then do not change with every commit); draft
 *   (true for --worktree);
 *   asset {site_css, site_js, search_js, search_index_js, form_js, ...};
 *   page {title, description, updated "2026-11-01", href, url, src,
 *   is_home, is_section, has_form, is_404}; body (the page's HTML, raw);
 *   nav (the navigation as HTML, raw); breadcrumbs [{title, href}] (the
 *   ancestors); toc [{text, anchor, has_sub, sub [{text, anchor}]}] (h2, h3);
 *   has_toc; prev, next {title, href}; children [{title, href,
 *   description}]; website_href (site.website as a link). */
#ifndef GEN_PAGEDATA_H
#define GEN_PAGEDATA_H

#include <jansson.h>
#include <stddef.h>

#include "generator/assets.h"
#include "generator/site.h"

/* "" for depth 0, "../" repeated depth times otherwise. */
void gen_root_prefix(int depth, char *out, size_t size);
/* root + target's out_path (+ "#" anchor). malloc'd, NULL: no memory. */
char *gen_href(const char *root, const gen_page *target, const char *anchor);
/* The href of a link in page self's body to target (self again for a
 * link within the page: then "#anchor" alone). malloc'd; NULL when out
 * of memory. */
char *gen_link_href(const char *root, const gen_page *self,
                    const gen_page *target, const char *anchor);
/* YYYY-MM-DD in Asia/Shanghai (UTC+8, no daylight saving since 1991). */
void gen_format_date(long long t, char out[11]);
/* The navigation shared by the pages of one section, made once for a
 * run of pages in navigation order: one memo per thread. Owned by the
 * caller; start it with GEN_NAV_MEMO_INIT, free it with
 * gen_nav_memo_free(). */
typedef struct gen_nav_memo {
	int parent;      /* the section it was made for; -2: none yet */
	char *html;
	size_t len;
	size_t *start, *end; /* per page index: its entry's bytes in html */
	json_t *config;  /* a copy of the site's settings for this memo's
	                  * thread (not owned), or NULL: the site's */
} gen_nav_memo;
#define GEN_NAV_MEMO_INIT {-2, NULL, 0, NULL, NULL, NULL}
void gen_nav_memo_free(gen_nav_memo *m);
/* The data of page i (i < 0: the 404 page, whose root the caller gives),
 * reusing memo's navigation where it can (memo may be NULL: the result
 * is the same). NULL when memory runs out. */
json_t *gen_page_data_memo(const gen_site *s, int i, const char *root,
                           const gen_assets *a, const char *body,
                           gen_nav_memo *memo);

#endif
