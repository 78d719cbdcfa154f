/* page.h: one page of the site as the generator's passes see it, after
 * content/ has been read from git and rendered. The site (generator/site.h)
 * owns an array of these and every string in them. The search index,
 * the sitemap and the layouts read pages; only the build fills them. */
#ifndef GEN_PAGE_H
#define GEN_PAGE_H

#include <stddef.h>

typedef struct gen_heading {
	int level;    /* 2..4 */
	char *text;   /* plain text */
	char *anchor; /* id attribute, without '#' */
} gen_heading;

typedef struct gen_page {
	char *src_path;    /* "content/guide/login.md" */
	char *url;         /* "/guide/login/", always ending in '/' */
	char *out_path;    /* "guide/login/index.html", relative to the output */
	char *title;
	char *description; /* "" if none */
	char *section_url; /* url of the section (folder index) it belongs to */
	long order;
	int is_section;    /* 1 for a folder's index.md */
	char *text;        /* the body as plain text, for search; the build
	                    * fills it only while it indexes the page */
	gen_heading *headings;
	size_t nheadings;
	long long updated; /* Unix time of the last commit that changed it */
	char blob_id[41];  /* git object id of the source, hex */
} gen_page;

#endif
