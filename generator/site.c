/* site.c: collecting pages from content/, checking their front matter,
 * ordering the navigation and checking links. */
#define _GNU_SOURCE /* memrchr */
#include "generator/site.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistr.h>

#include "common/grow.h"
#include "common/parallel.h"
#include "common/yaml.h"
#include "generator/meta.h"

/* The line of `key:` in the front matter (lines 2..end-1), or 1. */
static int key_line(const char *text, int end_line, const char *key)
{
	size_t klen = strlen(key);
	const char *p = text;

	for (int line = 1; p && line < end_line; line++) {
		if (line >= 2 && strncmp(p, key, klen) == 0 &&
		    p[klen + strspn(p + klen, " \t")] == ':')
			return line;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return 1;
}

static int valid_layout_name(const char *s)
{
	return *s && strlen(s) <= 64 &&
	       !s[strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-_")];
}

static int check_front_matter(const gen_file *f, json_t *meta, int body_line,
                              gen_page *p, gen_node *n, ch_error *e)
{
	static const char *const required[] = {"title", "order", "description"};
	int notice = strncmp(f->path, "content/notices/", 16) == 0;
	const char *key;
	json_t *v;

	json_object_foreach(meta, key, v) {
		int line = key_line(f->data, body_line, key);
		if (strcmp(key, "title") == 0 || strcmp(key, "description") == 0 ||
		    (notice && (strcmp(key, "notice") == 0 ||
		                strcmp(key, "subject") == 0))) {
			if (!json_is_string(v) || json_string_length(v) == 0)
				return ch_fail(e, f->path, line,
				               "'%s' must be a non-empty string", key);
		} else if (strcmp(key, "order") == 0) {
			if (!json_is_integer(v))
				return ch_fail(e, f->path, line,
				               "'order' must be an integer");
		} else if (strcmp(key, "layout") == 0) {
			if (!json_is_string(v) || !valid_layout_name(json_string_value(v)))
				return ch_fail(e, f->path, line,
				               "'layout' must be a layout name (a-z, 0-9, - and _)");
			n->layout_line = line;
		} else if (notice && strcmp(key, "channel") == 0) {
			const char *c = json_string_value(v);
			if (!c || (strcmp(c, "sms") && strcmp(c, "email") &&
			           strcmp(c, "both")))
				return ch_fail(e, f->path, line,
				               "'channel' must be sms, email or both");
		} else {
			return ch_fail(e, f->path, line,
			               "unknown front matter key '%s'%s", key,
			               strcmp(key, "notice") == 0 ||
			               strcmp(key, "channel") == 0 ||
			               strcmp(key, "subject") == 0 ?
			               " (allowed only under content/notices/)" : "");
		}
	}
	for (size_t i = 0; i < sizeof required / sizeof *required; i++)
		if (!json_object_get(meta, required[i]))
			return ch_fail(e, f->path, 1, "front matter lacks '%s'",
			               required[i]);
	p->title = strdup(json_string_value(json_object_get(meta, "title")));
	p->description = strdup(json_string_value(json_object_get(meta, "description")));
	p->order = (long)json_integer_value(json_object_get(meta, "order"));
	v = json_object_get(meta, "layout");
	n->layout = v ? strdup(json_string_value(v)) : NULL;
	if (!p->title || !p->description || (v && !n->layout))
		return ch_fail(e, f->path, 0, "out of memory");
	return 0;
}

/* content/guide/login.md -> /guide/login/; content/guide/index.md ->
 * /guide/; content/index.md -> /. */
static int page_urls(gen_page *p, gen_node *n)
{
	const char *rel = p->src_path + 8; /* after "content/" */
	size_t len = strlen(rel) - 3;      /* without ".md" */

	p->is_section = len >= 5 && memcmp(rel + len - 5, "index", 5) == 0 &&
	                (len == 5 || rel[len - 6] == '/');
	if (p->is_section)
		len -= 5; /* keep the folder with its '/' */
	p->url = malloc(len + 3);
	p->out_path = malloc(len + 16);
	if (!p->url || !p->out_path)
		return -1;
	/* By hand, not snprintf: this runs for every page of every build. */
	p->url[0] = '/';
	memcpy(p->url + 1, rel, len);
	p->url[len + 1] = '\0';
	if (len && rel[len - 1] != '/')
		strcat(p->url, "/");
	snprintf(p->out_path, len + 16, "%sindex.html", p->url + 1);
	n->depth = 0;
	for (const char *c = p->url + 1; *c; c++)
		n->depth += *c == '/';
	return 0;
}

int gen_site_is_page(const char *path)
{
	size_t n = strlen(path);
	return strncmp(path, "content/", 8) == 0 &&
	       strncmp(path, "content/forms/", 14) != 0 && n > 11 &&
	       strcmp(path + n - 3, ".md") == 0;
}

/* File and folder names of pages become URLs and output paths: keep
 * them to letters, digits, '-', '_' and '.', never leading with '.'. */
static int safe_name(const char *path)
{
	return !path[strspn(path, "abcdefghijklmnopqrstuvwxyz"
	                          "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./")] &&
	       path[0] != '/' && path[0] != '.' && !strstr(path, "//") &&
	       !strstr(path, "/.");
}

/* What every page starts with: its source's path, blob and date. */
static int page_begin(const gen_file *f, gen_page *p, gen_node *n,
                      ch_error *e)
{
	memset(p, 0, sizeof *p);
	memset(n, 0, sizeof *n);
	n->parent = -1;
	n->layout_line = 1;
	p->src_path = strdup(f->path);
	if (!p->src_path)
		return ch_fail(e, f->path, 0, "out of memory");
	memcpy(p->blob_id, f->blob_id, sizeof p->blob_id);
	p->updated = f->updated;
	return 0;
}

/* A page known from the build before: its model from the cache line. */
int gen_site_page_restore(const gen_file *f, const char *line, gen_page *p,
                        gen_node *n, ch_error *e)
{
	if (page_begin(f, p, n, e) < 0)
		return -1;
	if (gen_meta_read(line, p, n) < 0 || page_urls(p, n) < 0)
		return ch_fail(e, f->path, 0, "cannot restore from the build cache");
	return 0;
}

int gen_site_page_load(const gen_file *f, gen_page *p, gen_node *n,
                       ch_error *e)
{
	json_t *meta = NULL;
	const char *body;
	size_t body_len;
	int body_line, rc = -1;

	if (page_begin(f, p, n, e) < 0)
		return -1;
	if (!safe_name(f->path + 8)) {
		ch_fail(e, f->path, 0, "page file and folder names may use only "
		        "a-z, A-Z, 0-9, '-', '_' and '.' (they become URLs)");
		goto out;
	}
	if (u8_check((const uint8_t *)f->data, f->len) != NULL) {
		ch_fail(e, f->path, 0, "not valid UTF-8");
		goto out;
	}
	if (ch_front_matter(f->data, f->len, f->path, &meta, &body, &body_len,
	                    &body_line, e) < 0)
		goto out;
	if (check_front_matter(f, meta, body_line, p, n, e) < 0)
		goto out;
	if (page_urls(p, n) < 0) {
		ch_fail(e, f->path, 0, "out of memory");
		goto out;
	}
	if (gen_md_parse(f->path, body, body_len, body_line, &n->md, e) < 0)
		goto out;
	/* Search takes the text from the rendering, part by part: holding
	 * every page's here would be a large share of the memory. */
	free(n->md.text);
	n->md.text = NULL;
	/* Thousands of trees would be most of the memory; rendering parses
	 * again the bodies it needs. */
	gen_md_drop_tree(&n->md);
	/* The page shares its headings with the parsed body. */
	p->headings = n->md.headings;
	p->nheadings = n->md.nheadings;
	rc = 0;
out:
	json_decref(meta);
	return rc;
}

/* --- ordering ------------------------------------------------------------ */

static const gen_site *sort_site; /* qsort has no context argument */

/* A page's own name in its source path: a section's is its folder
 * ("content/guide/index.md" -> "guide"), a page's its file name
 * ("login.md"). What precedes it, less the '/', is its parent's folder. */
static const char *own_name(const gen_page *p, size_t *len)
{
	size_t end = strlen(p->src_path) - (p->is_section ? 9 : 0);
	const char *slash = memrchr(p->src_path, '/', end);
	const char *name = slash ? slash + 1 : p->src_path;

	*len = (size_t)(p->src_path + end - name);
	return name;
}

/* Siblings go by order, then by name. */
static int cmp_sibling(const void *a, const void *b)
{
	const gen_page *pa = &sort_site->pages[*(const int *)a];
	const gen_page *pb = &sort_site->pages[*(const int *)b];
	const char *na, *nb;
	size_t la, lb;
	int c;

	if (pa->order != pb->order)
		return pa->order < pb->order ? -1 : 1;
	na = own_name(pa, &la);
	nb = own_name(pb, &lb);
	c = memcmp(na, nb, la < lb ? la : lb);
	return c ? c : (la > lb) - (la < lb);
}

int gen_site_find(const gen_site *site, const char *src_path)
{
	size_t lo = 0, hi = site->npages;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(site->pages[site->by_path[mid]].src_path, src_path);
		if (c == 0)
			return site->by_path[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

void gen_site_parent_path(const gen_page *p, char *out, size_t size)
{
	size_t len;
	const char *name = own_name(p, &len);
	int plen = name > p->src_path ? (int)(name - p->src_path) - 1 : 0;

	snprintf(out, size, "%.*s/index.md", plen, p->src_path);
}

/* Moves page i and those below it, depth first, from s into pages and
 * nodes from *k on; where[i] becomes its new index. */
static void dfs(gen_site *s, int i, gen_page *pages, gen_node *nodes,
                int *where, size_t *k)
{
	where[i] = (int)*k;
	pages[*k] = s->pages[i];
	nodes[(*k)++] = s->nodes[i];
	for (size_t j = 0; j < s->nodes[i].nkids; j++)
		dfs(s, s->nodes[i].kids[j], pages, nodes, where, k);
}

static int arrange(gen_site *s, ch_error *e)
{
	int home, *where = NULL;
	gen_page *pages = NULL;
	gen_node *nodes = NULL;
	size_t k = 0;
	int rc = -1;

	/* The pages were taken in the order of src's files: by path. */
	for (size_t i = 0; i < s->npages; i++)
		s->by_path[i] = (int)i;
	home = gen_site_find(s, "content/index.md");
	if (home < 0)
		return ch_fail(e, "content/index.md", 0, "the home page is missing");
	for (size_t i = 0; i < s->npages; i++) {
		char pp[4096];
		int parent;
		gen_node *pn;

		if ((int)i == home)
			continue;
		gen_site_parent_path(&s->pages[i], pp, sizeof pp);
		parent = gen_site_find(s, pp);
		if (parent < 0)
			return ch_fail(e, s->pages[i].src_path, 0,
			               "its folder has no index.md (%s)", pp);
		s->nodes[i].parent = parent;
		pn = &s->nodes[parent];
		if (CH_GROW(pn->kids, pn->nkids + 1, pn->capkids) < 0)
			return ch_fail(e, "", 0, "out of memory");
		pn->kids[pn->nkids++] = (int)i;
	}
	sort_site = s;
	for (size_t i = 0; i < s->npages; i++)
		if (s->nodes[i].nkids > 1)
			qsort(s->nodes[i].kids, s->nodes[i].nkids, sizeof(int), cmp_sibling);
	where = malloc(s->npages * sizeof *where);
	pages = malloc(s->npages * sizeof *pages);
	nodes = malloc(s->npages * sizeof *nodes);
	if (!where || !pages || !nodes) {
		ch_fail(e, "", 0, "out of memory");
		goto out;
	}
	/* Every page hangs under home: a folder without index.md was refused. */
	dfs(s, home, pages, nodes, where, &k);
	free(s->pages);
	free(s->nodes);
	s->pages = pages;
	s->nodes = nodes;
	pages = NULL;
	nodes = NULL;
	for (size_t i = 0; i < s->npages; i++) {
		gen_page *p = &s->pages[i];
		gen_node *n = &s->nodes[i];

		s->by_path[i] = where[s->by_path[i]];
		n->parent = n->parent < 0 ? -1 : where[n->parent];
		for (size_t j = 0; j < n->nkids; j++)
			n->kids[j] = where[n->kids[j]];
		p->section_url = strdup(s->pages[p->is_section ? (int)i : n->parent].url);
		if (!n->layout)
			n->layout = strdup(i == 0 ? "home" :
			                   p->is_section ? "section" : "page");
		if (!p->section_url || !n->layout) {
			ch_fail(e, "", 0, "out of memory");
			goto out;
		}
	}
	rc = 0;
out:
	free(where);
	free(pages);
	free(nodes);
	return rc;
}

/* --- entry --------------------------------------------------------------- */

int gen_site_body(gen_site *site, size_t i, ch_error *e)
{
	gen_node *n = &site->nodes[i];
	gen_file *f;
	json_t *meta = NULL;
	const char *body;
	size_t len;
	int line;

	if (n->md.body)
		return 0;
	f = gen_source_file_rw(&site->src, site->pages[i].src_path);
	if (!f)
		return ch_fail(e, site->pages[i].src_path, 0, "source missing");
	if (gen_source_load(&site->src, f, e) < 0 ||
	    ch_front_matter(f->data, f->len, f->path, &meta, &body, &len, &line,
	                    e) < 0)
		return -1;
	json_decref(meta);
	n->md.body = body;
	n->md.body_len = len;
	n->md.body_line = line;
	return 0;
}

/* Reading the pages, on several threads for a large site: each page
 * is parsed on its own (the rules: common/parallel.h). */
typedef struct load_job {
	gen_site *site;
	const gen_file **files; /* per page: its file */
	const char **lines;     /* per page: its cache line, or NULL */
} load_job;

static int load_run(void *ctx, size_t begin, size_t end, ch_error *e)
{
	load_job *j = ctx;

	for (size_t k = begin; k < end; k++) {
		gen_page *p = &j->site->pages[k];
		gen_node *n = &j->site->nodes[k];
		if ((j->lines[k] ? gen_site_page_restore(j->files[k], j->lines[k], p, n, e)
		                 : gen_site_page_load(j->files[k], p, n, e)) < 0)
			return -1;
	}
	return 0;
}

/* Below this many pages one thread reads them all. */
#define LOAD_THREADS_MIN 256

int gen_site_load_known(gen_site *site, gen_source *src,
                        gen_meta_lookup meta_of, void *ctx, ch_error *e)
{
	const gen_file *cfg;
	load_job job = {site, NULL, NULL};
	size_t n = 0;
	int rc = -1;

	memset(site, 0, sizeof *site);
	site->src = *src;
	memset(src, 0, sizeof *src);
	for (size_t i = 0; i < site->src.nfiles; i++)
		n += gen_site_is_page(site->src.files[i].path);
	site->pages = calloc(n ? n : 1, sizeof *site->pages);
	site->nodes = calloc(n ? n : 1, sizeof *site->nodes);
	site->by_path = calloc(n ? n : 1, sizeof *site->by_path);
	job.files = calloc(n ? n : 1, sizeof *job.files);
	job.lines = calloc(n ? n : 1, sizeof *job.lines);
	if (!site->pages || !site->nodes || !site->by_path || !job.files ||
	    !job.lines) {
		ch_fail(e, "", 0, "out of memory");
		goto out;
	}
	/* The cache's lines are looked up here, in order: meta_of need not
	 * be thread-safe. */
	for (size_t i = 0; i < site->src.nfiles; i++) {
		const gen_file *f = &site->src.files[i];
		size_t k = site->npages;
		if (!gen_site_is_page(f->path))
			continue;
		job.files[k] = f;
		job.lines[k] = !f->data && meta_of ? meta_of(ctx, f->path, f->blob_id)
		                                   : NULL;
		if (!f->data && !job.lines[k]) {
			ch_fail(e, f->path, 0, "source not read");
			goto out;
		}
		site->npages++;
	}
	if (ch_parallel_for(n, ch_parallel_threads(n, LOAD_THREADS_MIN), load_run,
	                    &job, e) < 0)
		goto out;
	cfg = gen_source_file(&site->src, "content/site.yaml");
	site->config = cfg ? ch_yaml_parse(cfg->data, cfg->len, cfg->path, 1, e)
	                   : json_object();
	if (!site->config)
		goto out;
	if (!json_is_object(site->config)) {
		ch_fail(e, "content/site.yaml", 1, "must be a mapping of keys");
		goto out;
	}
	rc = arrange(site, e);
out:
	free(job.files);
	free(job.lines);
	return rc;
}

int gen_site_check_links(const gen_site *site, ch_error *e)
{
	for (size_t i = 0; i < site->npages; i++) {
		const gen_md *md = &site->nodes[i].md;
		for (size_t j = 0; j < md->nlinks; j++) {
			const gen_link *l = &md->links[j];
			int t = gen_site_find(site, l->target);
			if (t < 0)
				return ch_fail(e, site->pages[i].src_path, l->line,
				               "broken link: no page %s", l->target);
			if (l->anchor && l->anchor[0] &&
			    !gen_anchors_has(&site->nodes[t].md.ids, l->anchor))
				return ch_fail(e, site->pages[i].src_path, l->line,
				               "broken link: %s has no heading #%s",
				               l->target, l->anchor);
		}
	}
	return 0;
}

void gen_site_page_free(gen_page *p, gen_node *n)
{
	free(p->src_path);
	free(p->url);
	free(p->out_path);
	free(p->title);
	free(p->description);
	free(p->section_url);
	free(p->text);
	/* headings belong to n->md */
	free(n->kids);
	free(n->layout);
	gen_md_free(&n->md);
	memset(p, 0, sizeof *p);
	memset(n, 0, sizeof *n);
}

void gen_site_free(gen_site *site)
{
	for (size_t i = 0; i < site->npages; i++)
		gen_site_page_free(&site->pages[i], &site->nodes[i]);
	free(site->pages);
	free(site->nodes);
	free(site->by_path);
	json_decref(site->config);
	gen_source_free(&site->src);
	memset(site, 0, sizeof *site);
}
