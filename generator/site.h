/* site.h: the site model: every page of content/ with its front matter
 * checked, its body parsed, its place in the navigation (sections and
 * pages in order) and its dates; plus the site settings (content/site.yaml).
 * Owns the source it was read from and every string of its pages. */
#ifndef GEN_SITE_H
#define GEN_SITE_H

#include <jansson.h>
#include <stddef.h>

#include "common/error.h"
#include "generator/markdown.h"
#include "generator/page.h"
#include "generator/repo.h"

/* What the build needs of a page beyond gen_page, parallel to pages[]. */
typedef struct gen_node {
	int parent;      /* index of the section page holding it; -1: home */
	int *kids;       /* indices of its children in navigation order */
	size_t nkids, capkids;
	int depth;       /* folders below the site root of its URL */
	char *layout;    /* "page", "section", "home" or front matter's */
	int layout_line; /* line of the layout key, 1 if defaulted */
	gen_md md;       /* the parsed body */
} gen_node;

typedef struct gen_site {
	gen_source src;
	gen_page *pages; /* navigation order: home first, then depth first,
	                  * siblings by order, then file/folder name */
	gen_node *nodes; /* parallel to pages */
	size_t npages;
	int *by_path;    /* page indices sorted by src_path, for lookups */
	json_t *config;  /* content/site.yaml as JSON; {} when absent */
} gen_site;

/* Builds the model from src (which the site takes over, also on
 * failure). Bad front matter, a folder of pages without index.md, a
 * missing home page, invalid UTF-8 or a bad link destination is an error
 * naming file:line. A page whose bytes src left unread is restored from
 * the line meta_of(ctx, path, blob id) returns (see meta.h): the caller
 * knows the page from an earlier build (meta_of may be NULL when src
 * left none unread). Free with gen_site_free(). */
typedef const char *(*gen_meta_lookup)(void *ctx, const char *path,
                                       const char *blob_id);
int gen_site_load_known(gen_site *site, gen_source *src,
                        gen_meta_lookup meta_of, void *ctx, ch_error *e);
/* Makes page i's Markdown body available (nodes[i].md.body), reading
 * its source if it was restored from the cache. */
int gen_site_body(gen_site *site, size_t i, ch_error *e);
/* The index of the page whose source is src_path, or -1. */
int gen_site_find(const gen_site *site, const char *src_path);
/* Checks every internal link and anchor of every page; the first broken
 * one is an error naming the Markdown file and line. */
int gen_site_check_links(const gen_site *site, ch_error *e);
void gen_site_free(gen_site *site);

/* One page alone (the loading above, and the fuzzed cache loader): */
/* 1 if path is a page's source (a .md file under content/, not under content/forms/). */
int gen_site_is_page(const char *path);
/* Reads page f (its bytes loaded) into p and n as gen_site_load_known
 * would, minus its place in the navigation; the tree is dropped but
 * n->md.body points into f's bytes. */
int gen_site_page_load(const gen_file *f, gen_page *p, gen_node *n,
                       ch_error *e);
/* Restores page f from its cache line (meta.h), likewise. */
int gen_site_page_restore(const gen_file *f, const char *line, gen_page *p,
                          gen_node *n, ch_error *e);
/* The source path of the section index.md a page belongs to. */
void gen_site_parent_path(const gen_page *p, char *out, size_t size);
/* Frees what the two above filled. */
void gen_site_page_free(gen_page *p, gen_node *n);

#endif
