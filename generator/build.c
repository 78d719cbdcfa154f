/* build.c: one build, start to end (see build.h). There is one way to
 * build: a first build is a rebuild whose memo is empty. All that is
 * remembered between builds is behind one interface, incr.h.
 *
 * 1. Read the source (repo.h): a commit's tree, or the work tree, whose
 *    files are trusted unchanged by their stat as git trusts its index
 *    (with its racy-timestamp rule: incr.c).
 * 2. The page model (site.h), memo point one: a page whose blob the
 *    cache knows is restored from its model line (meta.h) instead of
 *    parsed. Links are checked on every build.
 * 3. Keys (incr_keys.h): a page body depends on its blob and path
 *    (and, for the form, the form's inputs); a page file on its body,
 *    its date, its place in the navigation and what every page shares
 *    (site/, site.yaml, every page's title, URL and description in
 *    navigation order). The commit is not among them: only the home
 *    page and the 404 show it, so a new commit re-lays only the pages
 *    it changed (and the home page).
 * 4. Memo point two: a page file whose key the cache lists is kept as
 *    it is; else the page is rendered from its Markdown, laid out
 *    (layout.h) and written. Pages go by parts of the search index, on
 *    threads, each part into files and cache lines of its own, added to
 *    the build's in order (render_all). A part whose pages' bodies and
 *    sections are unchanged keeps its search file; one made again takes
 *    the plain text of its kept pages from the cache.
 * 5. Output (output.h): the written files that differ move into the
 *    site, the old files it no longer has go, and the cache
 *    (incr_cache.h) moves in last. */
#include "generator/build.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/fsutil.h"
#include "common/parallel.h"
#include "common/sha256.h"
#include "common/trace.h"
#include "generator/assets.h"
#include "generator/body.h"
#include "generator/incr.h"
#include "generator/layout.h"
#include "generator/meta.h"
#include "generator/output.h"
#include "generator/pagedata.h"
#include "generator/search.h"
#include "generator/site.h"
#include "generator/sitemap.h"

/* Lays out data with the page's layout inside the base layout. */
static int apply_layouts(const gen_layouts *l, const gen_tpl *inner,
                         json_t *data, ch_buf *html, ch_error *e)
{
	ch_buf main = CH_BUF_INIT;
	json_t *m;
	int rc = -1;

	ch_buf_puts(&main, "");
	if (gen_tpl_render(inner, data, &main, e) < 0)
		goto out;
	m = json_stringn_nocheck(main.data, main.len);
	if (!m || json_object_set_new(data, "main", m) < 0) {
		ch_fail(e, "", 0, "out of memory");
		goto out;
	}
	rc = gen_tpl_render(gen_layouts_get(l, "base"), data, html, e);
out:
	ch_buf_free(&main);
	return rc;
}

/* The folder part of base_url, for the 404 page that a server shows at
 * any depth: "https://x.example/ca/" -> "/ca/". */
static void base_path(const char *base_url, char *out, size_t size)
{
	const char *p = base_url ? strstr(base_url, "://") : NULL;
	size_t n;

	p = p ? strchr(p + 3, '/') : NULL;
	if (!p) {
		snprintf(out, size, "/");
		return;
	}
	n = strlen(p);
	snprintf(out, size, "%s%s", p, n && p[n - 1] == '/' ? "" : "/");
}

static const gen_tpl *page_layout(const gen_site *s, const gen_layouts *l,
                                  size_t i, ch_error *e)
{
	const gen_node *n = &s->nodes[i];
	const gen_tpl *t = gen_layouts_get(l, n->layout);

	if (t)
		return t;
	if (n->layout_line > 1) {
		ch_fail(e, s->pages[i].src_path, n->layout_line,
		        "unknown layout '%s' (no site/layouts/%s.html)",
		        n->layout, n->layout);
		return NULL;
	}
	return gen_layouts_get(l, "page"); /* home and section fall back */
}

/* What laying out a page needs: the build's (only read while pages are
 * laid out), and the part's and the thread's own. */
typedef struct job {
	gen_site *s;
	const gen_layouts *l;
	const gen_assets *a;
	gen_form_env *f;
	const gen_incr *m;
	gen_nav_memo *nav;     /* the thread's */
	gen_out *out;          /* the part's */
	gen_incr_part *memo;   /* the part's */
	gen_build_stats *st;   /* the part's */
} job;

/* Page i's body rendered from its Markdown into body, and its plain
 * text into *text. */
static int page_body(job *j, size_t i, const char *root, ch_buf *body,
                     char **text, ch_error *e)
{
	gen_node *n = &j->s->nodes[i];
	const gen_page *p = &j->s->pages[i];
	gen_md md;
	int r;

	r = gen_site_body(j->s, i, e);
	if (r == 0)
		r = gen_md_parse(p->src_path, n->md.body, n->md.body_len,
		                 n->md.body_line, &md, e);
	if (r == 0) {
		r = gen_body_render(j->s, i, root, j->a, j->f, &md, body, e);
		*text = md.text;
		md.text = NULL;
		gen_md_free(&md);
	}
	if (r < 0 && !e->file[0])
		snprintf(e->file, sizeof e->file, "%s", p->src_path);
	return r;
}

/* Lays out page i (unless its old file is kept). When text is given,
 * *text receives the page's plain text (for search). */
static int render_page(job *j, size_t i, char **text, ch_error *e)
{
	const gen_page *p = &j->s->pages[i];
	char root[512];
	ch_buf body = CH_BUF_INIT, html = CH_BUF_INIT;
	json_t *data = NULL;
	char *mytext = NULL;
	const gen_tpl *inner = page_layout(j->s, j->l, i, e);
	int rc = -1;

	if (!inner)
		return -1;
	switch (gen_incr_keep(j->m, j->memo, j->s, i, j->out, text, e)) {
	case -1:
		return -1;
	case 1:
		j->st->kept++;
		return 0;
	}
	gen_root_prefix(j->s->nodes[i].depth, root, sizeof root);
	ch_buf_puts(&body, "");
	if (page_body(j, i, root, &body, &mytext, e) < 0)
		goto out;
	j->st->rendered++;
	if (!ch_buf_ok(&body) || !mytext ||
	    !(data = gen_page_data_memo(j->s, (int)i, root, j->a, body.data,
	                                j->nav))) {
		ch_fail(e, p->src_path, 0, "out of memory");
		goto out;
	}
	if (apply_layouts(j->l, inner, data, &html, e) < 0 ||
	    gen_incr_done(j->m, j->memo, j->s, i, mytext, strlen(mytext),
	                  e) < 0 ||
	    gen_out_take(j->out, p->out_path, &html, e) < 0)
		goto out;
	if (text) {
		*text = mytext;
		mytext = NULL;
	}
	rc = 0;
out:
	free(mytext);
	json_decref(data);
	ch_buf_free(&body);
	ch_buf_free(&html);
	return rc;
}

static int extras(const gen_site *s, const gen_layouts *l, const gen_assets *a,
                  gen_out *out, ch_error *e)
{
	json_t *bu = json_object_get(s->config, "base_url");
	const char *base_url = json_string_value(bu);
	char root[512];
	ch_buf b = CH_BUF_INIT;
	json_t *data = NULL;
	int rc = -1, site_err = 0;

	if (bu && (!base_url || (strncmp(base_url, "http://", 7) != 0 &&
	                         strncmp(base_url, "https://", 8) != 0)))
		return ch_fail(e, "content/site.yaml", 0,
		               "base_url must be an http:// or https:// address");
	base_path(base_url, root, sizeof root);
	data = gen_page_data_memo(s, -1, root, a, "", NULL);
	if (!data) {
		ch_fail(e, "", 0, "out of memory");
		goto out;
	}
	if (apply_layouts(l, gen_layouts_get(l, "404"), data, &b, e) < 0 ||
	    gen_out_take(out, "404.html", &b, e) < 0)
		goto out;
	/* The content version for scripts (which commit is live), in the
	 * one small file that changes with every commit. */
	ch_buf_puts(&b, s->src.commit);
	ch_buf_puts(&b, s->src.worktree ? " worktree\n" : "\n");
	if (gen_out_take(out, "version.txt", &b, e) < 0)
		goto out;
	if (base_url) {
		site_err = 1;
		if (gen_sitemap(s->pages, s->npages, base_url, &b, e) < 0 ||
		    gen_out_take(out, "sitemap.xml", &b, e) < 0)
			goto out;
		if (gen_robots(base_url, &b, e) < 0 ||
		    gen_out_take(out, "robots.txt", &b, e) < 0)
			goto out;
	}
	rc = 0;
out:
	/* The sitemap's only input that can be wrong is site.yaml's base_url. */
	if (rc < 0 && site_err && !e->file[0])
		snprintf(e->file, sizeof e->file, "content/site.yaml");
	json_decref(data);
	ch_buf_free(&b);
	return rc;
}

/* The search index comes in parts (search.h), one per top-level section
 * with the pages that follow it at the top level (the home page's part
 * holds the top-level pages before the first section). A part is laid
 * out on one thread, into files and cache lines of its own that are
 * added to the build's in part order, so the result is what one thread
 * makes. Its search file is written right after its pages, from the
 * plain text their rendering made, so that no step holds the text of
 * every page; one whose pages' sources and section titles did not
 * change is kept from the old site. */
typedef struct part {
	size_t start, end;     /* its pages */
	gen_out out;
	gen_incr_part memo;
	gen_build_stats st;
	json_t *config;        /* its copy of the site's settings */
} part;

typedef struct parts {
	job base;              /* the build's fields of a job */
	part *v;
	size_t n;
	unsigned *sizes;       /* pages per part */
	const char **sections; /* per page: the section title search shows */
} parts;

/* The end of the part starting at page start. */
static size_t part_end(const gen_site *s, size_t start)
{
	size_t end = start + 1;

	while (end < s->npages && !(s->nodes[end].parent == 0 &&
	                            s->pages[end].is_section))
		end++;
	return end;
}

/* Lays out the pages of part k and writes or keeps its search file. */
static int render_part(const parts *ps, size_t k, gen_nav_memo *nav,
                       ch_error *e)
{
	part *pt = &ps->v[k];
	gen_site *s = ps->base.s;
	job j = ps->base;
	char path[GEN_SEARCH_PART_PATH_MAX];
	ch_buf b = CH_BUF_INIT;
	int rc = -1;

	nav->config = pt->config;
	j.nav = nav;
	j.out = &pt->out;
	j.memo = &pt->memo;
	j.st = &pt->st;
	gen_search_part_path(k, path);
	if (gen_incr_part_begin(j.m, j.memo, s, pt->start, pt->end, k, path,
	                        j.out, e) < 0)
		goto out;
	for (size_t i = pt->start; i < pt->end; i++) {
		char *text = NULL;
		if (render_page(&j, i, j.memo->kept ? NULL : &text, e) < 0)
			goto out;
		s->pages[i].text = text;
	}
	if (gen_incr_part_end(j.memo, e) < 0)
		goto out;
	if (j.memo->kept) {
		if (gen_out_keep(j.out, path, e) < 0)
			goto out;
	} else if (gen_search_shard(s->pages + pt->start,
	                            pt->end - pt->start,
	                            ps->sections + pt->start, (unsigned)k, &b,
	                            e) < 0 ||
	           gen_out_take(j.out, path, &b, e) < 0) {
		goto out;
	}
	rc = 0;
out:
	for (size_t i = pt->start; i < pt->end; i++) {
		free(s->pages[i].text);
		s->pages[i].text = NULL;
	}
	ch_buf_free(&b);
	return rc;
}

/* One thread's run of parts [begin, end), with JSON values of its own
 * (the rules: common/parallel.h). */
static int render_run(void *ctx, size_t begin, size_t end, ch_error *e)
{
	const parts *ps = ctx;
	gen_nav_memo nav = GEN_NAV_MEMO_INIT;
	int rc = 0;

	for (size_t k = begin; k < end && rc == 0; k++)
		rc = render_part(ps, k, &nav, e);
	gen_nav_memo_free(&nav);
	return rc;
}

/* Below this many pages one thread lays them all out. */
#define RENDER_THREADS_MIN 256

/* Splits the site into parts, each with a copy of the site's settings,
 * and reads, on this thread, the Markdown of the pages the cache cannot
 * spare (restored pages keep none). */
static int plan_parts(parts *ps, const gen_out *out, ch_error *e)
{
	gen_site *s = ps->base.s;
	size_t n = s->npages ? s->npages : 1, nparts = 0;

	for (size_t start = 0; start < s->npages; start = part_end(s, start))
		nparts++;
	ps->sizes = calloc(nparts ? nparts : 1, sizeof *ps->sizes);
	ps->sections = calloc(n, sizeof *ps->sections);
	ps->v = calloc(nparts ? nparts : 1, sizeof *ps->v);
	if (!ps->sizes || !ps->sections || !ps->v)
		return ch_fail(e, "", 0, "out of memory");
	for (size_t i = 0; i < s->npages; i++) {
		int parent = s->nodes[i].parent;
		ps->sections[i] = parent >= 0 ? s->pages[parent].title : "";
		if (gen_incr_needs_source(ps->base.m, s, i) &&
		    gen_site_body(s, i, e) < 0)
			return -1;
	}
	for (size_t start = 0; start < s->npages; start = ps->v[ps->n++].end) {
		part *pt = &ps->v[ps->n];
		gen_out_part(out, &pt->out);
		pt->memo.texts_fd = -1;
		pt->start = start;
		pt->end = part_end(s, start);
		ps->sizes[ps->n] = (unsigned)(pt->end - start);
		pt->config = json_deep_copy(s->config);
		if (!pt->config) {
			ps->n++;
			return ch_fail(e, "", 0, "out of memory");
		}
	}
	return 0;
}

/* Every page and every part of the search index, then its manifest. */
static int render_all(const job *base, gen_incr *m, gen_out *out,
                      gen_build_stats *st, ch_error *e)
{
	parts ps;
	ch_buf b = CH_BUF_INIT;
	int rc = -1;

	memset(&ps, 0, sizeof ps);
	ps.base = *base;
	if (plan_parts(&ps, out, e) < 0 ||
	    ch_parallel_for(ps.n, ch_parallel_threads(base->s->npages,
	                                              RENDER_THREADS_MIN),
	                    render_run, &ps, e) < 0)
		goto out;
	for (size_t k = 0; k < ps.n; k++) {
		if (gen_out_merge(out, &ps.v[k].out, e) < 0 ||
		    gen_incr_part_merge(m, &ps.v[k].memo, e) < 0)
			goto out;
		st->rendered += ps.v[k].st.rendered;
		st->kept += ps.v[k].st.kept;
	}
	/* The manifest keeps one name at the root (search.js finds it
	 * there): naming it by its hash would change every page with every
	 * edit. */
	gen_search_manifest(ps.sizes, ps.n, &b);
	if (gen_out_take(out, "search-index.js", &b, e) < 0)
		goto out;
	rc = 0;
out:
	for (size_t k = 0; k < ps.n; k++) {
		gen_incr_part_free(&ps.v[k].memo);
		gen_out_free(&ps.v[k].out);
		json_decref(ps.v[k].config);
	}
	ch_buf_free(&b);
	free(ps.v);
	free(ps.sizes);
	free(ps.sections);
	return rc;
}

int gen_build(const gen_build_opts *o, gen_build_stats *stats, ch_error *e)
{
	const char *out_dir = o->out_dir ? o->out_dir : "public";
	gen_source src;
	gen_site site;
	gen_layouts layouts;
	gen_assets assets = {NULL, 0, 0};
	gen_out out = GEN_OUT_INIT;
	gen_build_stats st;
	gen_form_env form;
	gen_incr *m;
	job j;
	struct timespec started;
	static const char *const needed[] = {"base", "page", "404"};
	int r, rc = -1;

	memset(&st, 0, sizeof st);
	memset(&form, 0, sizeof form);
	memset(&site, 0, sizeof site);
	memset(&layouts, 0, sizeof layouts);
	clock_gettime(CLOCK_REALTIME, &started);
	ch_trace("build: begin");
	m = gen_incr_open(out_dir, &started);
	if (!m)
		return ch_fail(e, "", 0, "out of memory");
	r = gen_source_read(o->repo_dir ? o->repo_dir : ".", o->rev, o->worktree,
	                    gen_incr_hints(m), &src, e);
	gen_incr_loaded(m);
	if (r < 0)
		goto out;
	ch_trace("build: read the source and the cache");
	if (gen_site_load_known(&site, &src, gen_incr_model, m, e) < 0)
		goto out;
	ch_trace("build: the site model");
	if (gen_site_check_links(&site, e) < 0)
		goto out;
	ch_trace("build: check links");
	if (gen_layouts_load(&site.src, &layouts, e) < 0)
		goto out;
	for (size_t i = 0; i < sizeof needed / sizeof needed[0]; i++)
		if (!gen_layouts_get(&layouts, needed[i])) {
			char file[64];
			snprintf(file, sizeof file, "site/layouts/%s.html", needed[i]);
			ch_fail(e, file, 0, "layout '%s' is missing", needed[i]);
			goto out;
		}
	if (gen_out_begin(&out, out_dir, gen_incr_marker, e) < 0 ||
	    gen_assets_collect(&site.src, &assets, &out, e) < 0)
		goto out;
	if (gen_form_env_load(&form, &site, &assets, e) < 0)
		goto out;
	ch_trace("build: layouts, assets, form");
	if (gen_incr_plan(m, &site, &form, &out, e) < 0)
		goto out;
	ch_trace("build: keys, source cache lines");
	memset(&j, 0, sizeof j);
	j.s = &site;
	j.l = &layouts;
	j.a = &assets;
	j.f = &form;
	j.m = m;
	if (render_all(&j, m, &out, &st, e) < 0)
		goto out;
	ch_trace("build: pages and search");
	if (extras(&site, &layouts, &assets, &out, e) < 0 ||
	    gen_incr_finish(m, &out, e) < 0)
		goto out;
	ch_trace("build: extras, cache");
	st.pages = site.npages;
	st.files = out.npaths;
	snprintf(st.commit, sizeof st.commit, "%s", site.src.commit);
	snprintf(st.short_id, sizeof st.short_id, "%s", site.src.short_id);
	if (gen_out_commit(&out, e) < 0)
		goto out;
	ch_trace("build: put in place");
	if (stats)
		*stats = st;
	rc = 0;
out:
	gen_incr_free(m);
	gen_form_env_free(&form);
	gen_out_free(&out);
	gen_assets_free(&assets);
	gen_layouts_free(&layouts);
	gen_site_free(&site);
	return rc;
}
