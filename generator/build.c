/* build.c: one build, start to end (see build.h). There is one way to
 * build: a first build is a rebuild whose memo is empty.
 *
 * 1. Read the source (repo.h): a commit's tree, or the work tree, whose
 *    files are trusted unchanged by their stat as git trusts its index
 *    (with its racy-timestamp rule: hints.h).
 * 2. The page model (site.h), memo point one: a page whose blob the
 *    cache knows is restored from its model line (meta.h) instead of
 *    parsed. Links are checked on every build.
 * 3. Keys (keys.h): a page body depends on its blob and path (and, for
 *    the form, the form's inputs); a page file on its body, its date,
 *    its place in the navigation and what every page shares (site/,
 *    site.yaml, every page's title, URL and description in navigation
 *    order). The commit is not among them: only the home page and the
 *    404 show it, so a new commit re-lays only the pages it changed.
 * 4. Memo point two: a page file whose key the cache lists is kept as
 *    it is; else its body comes from the cache or is rendered, and it is
 *    laid out (layout.h) and written.
 * 5. Output (output.h): the written files that differ move into the
 *    site, the old files it no longer has go, and the cache (cache.h)
 *    is written last. */
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
#include "common/sha256.h"
#include "common/trace.h"
#include "generator/assets.h"
#include "generator/cache.h"
#include "generator/body.h"
#include "generator/hints.h"
#include "generator/keys.h"
#include "generator/layout.h"
#include "generator/meta.h"
#include "generator/output.h"
#include "generator/pagedata.h"
#include "generator/search.h"
#include "generator/site.h"
#include "generator/sitemap.h"

/* Bodies are written to their file in pieces of about this size. */
#define BODIES_CHUNK (1u << 20)

/* What every page file shares (see the top of this file). */
static void shared_key(const gen_site *s, char out[65])
{
	ch_sha256 h;
	char num[64];

	gen_key_begin(&h);
	ch_sha256_update(&h, s->src.worktree ? "w" : "c", 1);
	for (size_t i = 0; i < s->src.nfiles; i++) {
		const gen_file *f = &s->src.files[i];
		if (strncmp(f->path, "site/", 5) == 0 ||
		    strcmp(f->path, "content/site.yaml") == 0) {
			ch_sha256_update(&h, f->path, strlen(f->path) + 1);
			ch_sha256_update(&h, f->blob_id, 40);
		}
	}
	for (size_t i = 0; i < s->npages; i++) {
		const gen_page *p = &s->pages[i];
		snprintf(num, sizeof num, "%d %d %ld", s->nodes[i].parent,
		         p->is_section, p->order);
		ch_sha256_update(&h, num, strlen(num) + 1);
		ch_sha256_update(&h, p->url, strlen(p->url) + 1);
		ch_sha256_update(&h, p->title, strlen(p->title) + 1);
		ch_sha256_update(&h, p->description, strlen(p->description) + 1);
	}
	ch_sha256_hex(&h, out);
}


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

typedef struct cache_io {
	gen_cache old;      /* of the previous build (empty if none) */
	ch_buf index;       /* this build's cache lines */
	ch_buf bodies;      /* bodies not yet written to their file */
	int bodies_fd;      /* the open pack of bodies, or -1 */
	size_t bodies_off;  /* its length so far */
	unsigned pack;      /* its number (the search part's) */
	int index_fd;       /* the new index, open */
	char (*bkeys)[65];  /* per page: its body's key and its file's */
	char (*pkeys)[65];
	int pack_kept;      /* the old pack is kept: nothing to write */
	gen_nav_memo nav;
	char shared[65];
} cache_io;

/* Writes b's bytes to fd (the file name) and empties b. */
static int flush_buf(ch_buf *b, int fd, const char *name, ch_error *e)
{
	const char *p = b->data;
	size_t n = b->len;

	if (!ch_buf_ok(b))
		return ch_fail(e, name, 0, "out of memory");
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return ch_fail(e, name, 0, "cannot write: %s", strerror(errno));
		p += w;
		n -= (size_t)w;
	}
	ch_buf_reset(b);
	return 0;
}

static int flush_bodies(cache_io *c, ch_error *e)
{
	return flush_buf(&c->bodies, c->bodies_fd, GEN_CACHE_BODIES, e);
}

/* The index goes to its file in pieces too: its lines for a large site
 * are megabytes. */
static int flush_index(cache_io *c, size_t at_least, ch_error *e)
{
	return c->index.len >= at_least ?
	       flush_buf(&c->index, c->index_fd, GEN_CACHE_NAME, e) : 0;
}

/* A page's rendering as the cache keeps it: the body and its plain
 * text. */
typedef struct page_out {
	const char *body, *text;
	size_t len, tlen;
} page_out;

/* Puts a page into the new cache. */
static int cache_page(cache_io *c, const gen_page *p, const char *pkey,
                      const char *bkey, const page_out *po, ch_error *e)
{
	gen_cache_line_page(&c->index, pkey, bkey, c->pack, c->bodies_off,
	                    po->len, po->tlen, p->src_path, p->out_path);
	c->bodies_off += po->len + po->tlen;
	if (flush_index(c, BODIES_CHUNK, e) < 0)
		return -1;
	if (c->pack_kept)
		return 0;
	ch_buf_append(&c->bodies, po->body, po->len);
	ch_buf_append(&c->bodies, po->text, po->tlen);
	return c->bodies.len >= BODIES_CHUNK ? flush_bodies(c, e) : 0;
}

/* The old build's entry of this page if its file is still right. */
static const gen_cache_page *page_unchanged(const gen_page *p,
                                            const char *pkey, cache_io *c)
{
	const gen_cache_page *was = gen_cache_page_by_pkey(&c->old, pkey);
	const char *text;

	return was && strcmp(was->out_path, p->out_path) == 0 &&
	       gen_cache_page_body(&c->old, was, &text) != NULL ? was : NULL;
}

/* Keeps the old file of an unchanged page; 1 if kept, 0 if not. When
 * text is given, *text receives the page's plain text. */
static int keep_page(const gen_page *p, const char *bkey, const char *pkey,
                     cache_io *c, gen_out *out, char **text, ch_error *e)
{
	const gen_cache_page *was = page_unchanged(p, pkey, c);
	page_out po;

	if (!was)
		return 0;
	po.body = gen_cache_page_body(&c->old, was, &po.text);
	po.len = was->len;
	po.tlen = was->tlen;
	if (text && !(*text = strndup(po.text, po.tlen)))
		return ch_fail(e, p->src_path, 0, "out of memory");
	if (cache_page(c, p, pkey, bkey, &po, e) < 0)
		return -1;
	return gen_out_keep(out, p->out_path, e) < 0 ? -1 : 1;
}

/* Lays out page i (unless its old file is kept). When text is given,
 * *text receives the page's plain text (for search). */
static int render_page(const gen_site *s, size_t i, const gen_layouts *l,
                       const gen_assets *a, gen_form_env *f, cache_io *c,
                       gen_out *out, gen_build_stats *st, char **text,
                       ch_error *e)
{
	gen_node *n = &s->nodes[i];
	const gen_page *p = &s->pages[i];
	char root[512], key[65], pkey[65];
	ch_buf body = CH_BUF_INIT, html = CH_BUF_INIT;
	json_t *data = NULL;
	const char *cached, *ctext = NULL;
	char *mytext = NULL;
	size_t cached_len = 0, ctlen = 0;
	page_out po;
	const gen_tpl *inner = page_layout(s, l, i, e);
	int rc = -1;

	if (!inner)
		return -1;
	gen_root_prefix(n->depth, root, sizeof root);
	memcpy(key, c->bkeys[i], 65);
	memcpy(pkey, c->pkeys[i], 65);
	switch (keep_page(p, key, pkey, c, out, text, e)) {
	case -1:
		goto out;
	case 1:
		st->reused++;
		st->kept++;
		rc = 0;
		goto out;
	}
	cached = gen_cache_body(&c->old, key, &cached_len, &ctext, &ctlen);
	ch_buf_puts(&body, "");
	if (cached) {
		ch_buf_append(&body, cached, cached_len);
		if (!(mytext = strndup(ctext, ctlen))) {
			ch_fail(e, p->src_path, 0, "out of memory");
			goto out;
		}
		st->reused++;
	} else {
		gen_md md;
		int r = gen_site_body((gen_site *)s, i, e);
		if (r == 0)
			r = gen_md_parse(p->src_path, n->md.body, n->md.body_len,
			                 n->md.body_line, &md, e);
		if (r == 0) {
			r = gen_body_render(s, i, root, a, f, &md, &body, e);
			mytext = md.text;
			md.text = NULL;
			gen_md_free(&md);
		}
		if (r < 0) {
			if (!e->file[0])
				snprintf(e->file, sizeof e->file, "%s", p->src_path);
			goto out;
		}
		st->rendered++;
	}
	if (!ch_buf_ok(&body) || !mytext) {
		ch_fail(e, p->src_path, 0, "out of memory");
		goto out;
	}
	data = gen_page_data_memo(s, (int)i, root, a, body.data, &c->nav);
	if (!data) {
		ch_fail(e, p->src_path, 0, "out of memory");
		goto out;
	}
	po.body = body.data;
	po.len = body.len;
	po.text = mytext;
	po.tlen = strlen(mytext);
	if (apply_layouts(l, inner, data, &html, e) < 0)
		goto out;
	if (cache_page(c, p, pkey, key, &po, e) < 0 ||
	    gen_out_take(out, p->out_path, &html, e) < 0)
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
	data = gen_page_data(s, -1, root, a, "");
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
 * holds the top-level pages before the first section). Each part is
 * written right after its pages are laid out, from the plain text their
 * rendering made, so that no step holds the text of every page. A part
 * whose pages' sources and section titles did not change is kept from
 * the old site. */
typedef struct shards {
	gen_search_terms *terms;
	unsigned *sizes;   /* pages per part */
	size_t n;
	const char **sections; /* per page: the section title search shows */
} shards;

/* The end of the part starting at page start. */
static size_t shard_end(const gen_site *s, size_t start)
{
	size_t end = start + 1;

	while (end < s->npages && !(s->nodes[end].parent == 0 &&
	                            s->pages[end].is_section))
		end++;
	return end;
}

static void shard_key(const gen_site *s, size_t start, size_t end,
                      char out[65])
{
	ch_sha256 h;

	gen_key_begin(&h);
	for (size_t i = start; i < end; i++) {
		int parent = s->nodes[i].parent;
		gen_key_shard_page(&h, s->pages[i].src_path, s->pages[i].blob_id,
		                   parent >= 0 ? s->pages[parent].blob_id : NULL);
	}
	ch_sha256_hex(&h, out);
}

/* The rendered bodies are kept in packs, one per search part, under
 * GEN_CACHE_BODIES/<part>: a pack whose pages' bodies are all as before
 * is kept whole, so an edit rewrites one pack, not every body. */
static int open_pack(const gen_site *s, size_t start, size_t end,
                     const gen_form_env *f, cache_io *c, size_t k, gen_out *out,
                     ch_error *e)
{
	char path[GEN_CACHE_PACK_PATH_MAX], key[65];
	ch_sha256 h;

	gen_cache_pack_path(k, path);
	gen_key_begin(&h);
	for (size_t i = start; i < end; i++)
		gen_key_pack_page(&h, c->bkeys[i]);
	ch_sha256_hex(&h, key);
	c->pack = (unsigned)k;
	c->bodies_off = 0;
	c->pack_kept = gen_cache_has_shard(&c->old, key, path);
	gen_cache_line_shard(&c->index, key, path);
	if (c->pack_kept)
		return gen_out_keep(out, path, e);
	c->bodies_fd = gen_out_open(out, path, e);
	return c->bodies_fd < 0 ? -1 : 0;
}

static int close_pack(cache_io *c, ch_error *e)
{
	int fd = c->bodies_fd;

	if (fd < 0)
		return 0;
	if (flush_bodies(c, e) < 0)
		return -1;
	c->bodies_fd = -1;
	if (close(fd) < 0)
		return ch_fail(e, GEN_CACHE_BODIES, 0, "cannot write: %s",
		               strerror(errno));
	return 0;
}

/* Lays out the pages of the part [start, end) and writes or keeps it. */
static int render_shard(gen_site *s, size_t start, size_t end,
                        const gen_layouts *l, const gen_assets *a,
                        gen_form_env *f, cache_io *c, shards *sh, gen_out *out,
                        gen_build_stats *st, ch_error *e)
{
	char path[GEN_SEARCH_PART_PATH_MAX], key[65];
	ch_buf b = CH_BUF_INIT;
	int keep, rc = -1;

	gen_search_part_path(sh->n, path);
	shard_key(s, start, end, key);
	keep = gen_cache_has_shard(&c->old, key, path);
	if (open_pack(s, start, end, f, c, sh->n, out, e) < 0)
		goto out;
	for (size_t i = start; i < end; i++) {
		char *text = NULL;
		if (render_page(s, i, l, a, f, c, out, st, keep ? NULL : &text, e) < 0)
			goto out;
		s->pages[i].text = text;
	}
	if (close_pack(c, e) < 0)
		goto out;
	if (keep) {
		if (gen_out_keep(out, path, e) < 0)
			goto out;
	} else if (gen_search_shard(sh->terms, s->pages + start, end - start,
	                            sh->sections + start, (unsigned)sh->n, &b,
	                            e) < 0 ||
	           gen_out_take(out, path, &b, e) < 0) {
		goto out;
	}
	gen_cache_line_shard(&c->index, key, path);
	sh->sizes[sh->n++] = (unsigned)(end - start);
	rc = 0;
out:
	for (size_t i = start; i < end; i++) {
		free(s->pages[i].text);
		s->pages[i].text = NULL;
	}
	ch_buf_free(&b);
	return rc;
}

/* Every page and every part of the search index, then its manifest. */
static int render_all(gen_site *s, const gen_layouts *l, const gen_assets *a,
                      gen_form_env *f, cache_io *c, gen_out *out,
                      gen_build_stats *st, ch_error *e)
{
	shards sh = {NULL, NULL, 0, NULL};
	ch_buf b = CH_BUF_INIT;
	int rc = -1;

	sh.sizes = calloc(s->npages ? s->npages : 1, sizeof *sh.sizes);
	sh.sections = calloc(s->npages ? s->npages : 1, sizeof *sh.sections);
	sh.terms = gen_search_terms_new();
	if (!sh.sizes || !sh.sections || !sh.terms) {
		ch_fail(e, "", 0, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < s->npages; i++) {
		int parent = s->nodes[i].parent;
		sh.sections[i] = parent >= 0 ? s->pages[parent].title : "";
	}
	for (size_t start = 0, end; start < s->npages; start = end) {
		end = shard_end(s, start);
		if (render_shard(s, start, end, l, a, f, c, &sh, out, st, e) < 0)
			goto out;
	}
	/* The manifest keeps one name at the root (search.js finds it
	 * there): naming it by its hash would change every page with every
	 * edit. */
	gen_search_manifest(sh.sizes, sh.n, &b);
	if (gen_out_take(out, "search-index.js", &b, e) < 0)
		goto out;
	rc = 0;
out:
	ch_buf_free(&b);
	free(sh.sizes);
	free(sh.sections);
	gen_search_terms_free(sh.terms);
	return rc;
}

/* Every page's keys, and the old site's files for the output step:
 * those the cache lists, or, with no cache to trust, those on disk. */
static int plan(const gen_site *s, const gen_form_env *f, cache_io *c,
                gen_out *out, ch_error *e)
{
	c->bkeys = malloc((s->npages ? s->npages : 1) * sizeof *c->bkeys);
	c->pkeys = malloc((s->npages ? s->npages : 1) * sizeof *c->pkeys);
	if (!c->bkeys || !c->pkeys)
		return ch_fail(e, "", 0, "out of memory");
	for (size_t i = 0; i < s->npages; i++) {
		gen_body_key(&s->pages[i], &s->nodes[i].md, f, c->bkeys[i]);
		gen_key_page(c->shared, c->bkeys[i], i, s->pages[i].updated,
		             i == 0 ? s->src.commit : NULL, c->pkeys[i]);
	}
	if (!c->old.text)
		return gen_out_old_files_on_disk(out, e);
	for (size_t i = 0; i < c->old.nfiles; i++)
		if (gen_out_old_file(out, c->old.files[i], e) < 0)
			return -1;
	return 0;
}

/* The cache's index: the page lines made while rendering, then every
 * file of the site but the cache's own. */
static int write_cache(cache_io *c, gen_out *out,
                       const struct timespec *started, ch_error *e)
{
	char path[8192];
	struct timespec times[2];
	int fd;

	for (size_t i = 0; i < out->npaths; i++)
		if (strcmp(out->paths[i], GEN_CACHE_NAME) != 0)
			gen_cache_line_file(&c->index, out->paths[i]);
	ch_buf_puts(&c->index, "end\n");
	if (flush_index(c, 0, e) < 0)
		return -1;
	fd = c->index_fd;
	c->index_fd = -1;
	if (close(fd) < 0)
		return ch_fail(e, GEN_CACHE_NAME, 0, "cannot write: %s", strerror(errno));
	/* Its time says when this build began reading (hints.c reads it). */
	times[0] = times[1] = *started;
	snprintf(path, sizeof path, "%s/%s", out->tmp, GEN_CACHE_NAME);
	if (utimensat(AT_FDCWD, path, times, 0) < 0)
		return ch_fail(e, path, 0, "cannot set its time: %s", strerror(errno));
	return 0;
}

/* The cache lines of the source: U, K, D, W and M (see cache.h). */
static int source_lines(const gen_site *s, cache_io *c, ch_error *e)
{
	ch_buf *b = &c->index;

	gen_cache_lines_source(b, &s->src, c->shared);
	/* In path order, the order the next build looks them up in. */
	for (size_t k = 0; k < s->npages; k++) {
		size_t i = (size_t)s->by_path[k];
		gen_cache_line_model_head(b, s->pages[i].blob_id,
		                          s->pages[i].src_path);
		if (s->nodes[i].model) /* the same bytes gen_meta_write makes */
			ch_buf_puts(b, s->nodes[i].model);
		else
			gen_meta_write(&s->pages[i], &s->nodes[i], b);
		ch_buf_putc(b, '\n');
		if (flush_index(c, BODIES_CHUNK, e) < 0)
			return -1;
	}
	return 0;
}

int gen_build(const gen_build_opts *o, gen_build_stats *stats, ch_error *e)
{
	const char *out_dir = o->out_dir ? o->out_dir : "public";
	gen_source src;
	gen_site site;
	gen_layouts layouts;
	gen_assets assets = {NULL, 0};
	gen_out out = GEN_OUT_INIT;
	gen_build_stats st;
	gen_form_env form;
	ch_buf b = CH_BUF_INIT;
	cache_io cio;
	gen_hints hints;
	struct timespec started;
	static const char *const needed[] = {"base", "page", "404"};
	int r, rc = -1;

	memset(&st, 0, sizeof st);
	memset(&cio, 0, sizeof cio);
	cio.nav = (gen_nav_memo)GEN_NAV_MEMO_INIT;
	cio.bodies_fd = -1;
	cio.index_fd = -1;
	memset(&form, 0, sizeof form);
	memset(&site, 0, sizeof site);
	memset(&layouts, 0, sizeof layouts);
	clock_gettime(CLOCK_REALTIME, &started);
	ch_trace("build: begin");
	/* What the build before knew spares reading and parsing the pages
	 * it saw, when their sources did not change. */
	gen_hints_start(&hints, &cio.old, out_dir);
	r = gen_source_read(o->repo_dir ? o->repo_dir : ".", o->rev, o->worktree,
	                    &hints.h, &src, e);
	gen_hints_join(&hints);
	if (r < 0)
		goto out;
	ch_trace("build: read the source and the cache");
	if (gen_site_load_known(&site, &src, gen_hints_model, &cio.old, e) < 0)
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
	if (gen_out_begin(&out, out_dir, e) < 0 ||
	    gen_assets_collect(&site.src, &assets, &out, e) < 0)
		goto out;
	if (gen_form_env_load(&form, &site, &assets, e) < 0)
		goto out;
	ch_trace("build: layouts, assets, form");
	shared_key(&site, cio.shared);
	if (plan(&site, &form, &cio, &out, e) < 0)
		goto out;
	ch_trace("build: keys");
	cio.index_fd = gen_out_open(&out, GEN_CACHE_NAME, e);
	if (cio.index_fd < 0)
		goto out;
	ch_buf_puts(&cio.index, gen_cache_format);
	ch_buf_putc(&cio.index, '\n');
	if (source_lines(&site, &cio, e) < 0)
		goto out;
	ch_trace("build: source cache lines");
	if (render_all(&site, &layouts, &assets, &form, &cio, &out, &st, e) < 0)
		goto out;
	ch_trace("build: pages and search");
	if (extras(&site, &layouts, &assets, &out, e) < 0 ||
	    write_cache(&cio, &out, &started, e) < 0)
		goto out;
	ch_trace("build: extras, cache");
	st.pages = site.npages;
	st.files = out.files;
	snprintf(st.commit, sizeof st.commit, "%s", site.src.commit);
	snprintf(st.short_id, sizeof st.short_id, "%s", site.src.short_id);
	if (gen_out_commit(&out, e) < 0)
		goto out;
	ch_trace("build: put in place");
	if (stats)
		*stats = st;
	rc = 0;
out:
	if (cio.bodies_fd >= 0)
		close(cio.bodies_fd);
	if (cio.index_fd >= 0)
		close(cio.index_fd);
	ch_buf_free(&cio.index);
	ch_buf_free(&cio.bodies);
	gen_cache_free(&cio.old);
	free(cio.bkeys);
	free(cio.pkeys);
	gen_nav_memo_free(&cio.nav);
	ch_buf_free(&b);
	gen_form_env_free(&form);
	gen_out_free(&out);
	gen_assets_free(&assets);
	gen_layouts_free(&layouts);
	gen_site_free(&site);
	return rc;
}
