/* quick.c: the quick update of a work-tree rebuild (see quick.h). */
#include "generator/quick.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/fsutil.h"
#include "common/sha256.h"
#include "common/trace.h"
#include "generator/keys.h"
#include "generator/meta.h"
#include "generator/output.h"
#include "generator/pagedata.h"
#include "generator/search.h"
#include "generator/site.h"

/* More changed pages than this is not an edit being previewed. */
#define QUICK_MAX 16
/* A page file larger than this is left to the full build. */
#define MAX_PAGE_FILE (64u * 1024 * 1024)

typedef struct qpage {
	const gen_file *f;
	size_t k;            /* its entry in old->pages (navigation order) */
	gen_page p;          /* its new model */
	gen_node n;
	ch_buf body;         /* its new body, rendered */
	char *text;          /* its plain text */
	char bkey[65], pkey[65];
	ch_buf file;         /* its new page file, the body where the old
	                      * one was (old->pages[k].at) */
} qpage;

/* A page model restored from the cache for a link's target. */
typedef struct qmodel {
	gen_page p;
	gen_node n;
} qmodel;

typedef struct quick {
	gen_cache *old;
	gen_source *src;
	const char *out_dir;
	qpage v[QUICK_MAX];
	size_t n;
	qmodel *targets;     /* restored link targets (owned) */
	size_t ntargets;
	size_t cur;          /* the page being rendered */
	char root[512];
} quick;

static int same_str(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

/* 1 if no page and no layout can tell the two models apart, their body
 * aside: what other pages show of a page (title, description, order),
 * what its own layout shows (layout, headings for the table of contents)
 * and what links into it check (its anchors). A page with the form is
 * never quick (its body depends on more than its source). */
static int same_shape(const gen_page *a, const gen_node *an,
                      const gen_page *b, const gen_node *bn)
{
	const gen_md *x = &an->md, *y = &bn->md;

	if (!same_str(a->title, b->title) ||
	    !same_str(a->description, b->description) || a->order != b->order ||
	    !same_str(an->layout, bn->layout) || x->has_form || y->has_form ||
	    x->nheadings != y->nheadings || x->ids.n != y->ids.n)
		return 0;
	for (size_t i = 0; i < x->nheadings; i++)
		if (x->headings[i].level != y->headings[i].level ||
		    !same_str(x->headings[i].text, y->headings[i].text) ||
		    !same_str(x->headings[i].anchor, y->headings[i].anchor))
			return 0;
	for (size_t i = 0; i < x->ids.n; i++)
		if (!same_str(x->ids.v[i], y->ids.v[i]))
			return 0;
	return 1;
}

/* Restores the model of the unchanged page at path from the cache; -1
 * when it is not a page the cache knows as it is now. */
static int restore(quick *q, const char *path, gen_page *p, gen_node *n)
{
	const gen_file *f = gen_source_file(q->src, path);
	const gen_cache_src *m;
	ch_error ignored;

	memset(p, 0, sizeof *p);
	memset(n, 0, sizeof *n);
	if (!f || !gen_site_is_page(path))
		return -1;
	m = gen_cache_src_find(q->old->models, q->old->nmodels, path);
	if (!m || memcmp(m->blob, f->blob_id, 40) != 0)
		return -1;
	if (gen_site_page_restore(f, m->model, p, n, &ignored) < 0) {
		gen_site_page_free(p, n);
		return -1;
	}
	return 0;
}

static const qpage *changed(const quick *q, const char *path)
{
	for (size_t i = 0; i < q->n; i++)
		if (strcmp(q->v[i].f->path, path) == 0)
			return &q->v[i];
	return NULL;
}

/* The model of the page at path as it is now, restoring it when
 * needed; NULL if there is no such page. */
static const gen_page *model_of(quick *q, const char *path,
                                const gen_node **n)
{
	const qpage *c = changed(q, path);
	qmodel *v;

	if (c) {
		*n = &c->n;
		return &c->p;
	}
	for (size_t i = 0; i < q->ntargets; i++)
		if (strcmp(q->targets[i].p.src_path, path) == 0) {
			*n = &q->targets[i].n;
			return &q->targets[i].p;
		}
	v = realloc(q->targets, (q->ntargets + 1) * sizeof *v);
	if (!v)
		return NULL;
	q->targets = v;
	if (restore(q, path, &v[q->ntargets].p, &v[q->ntargets].n) < 0)
		return NULL;
	*n = &v[q->ntargets].n;
	return &v[q->ntargets++].p;
}

/* Every link of page c to a page that exists, with the anchor it
 * names: else the full build reports the broken one. */
static int links_ok(quick *q, const qpage *c)
{
	for (size_t j = 0; j < c->n.md.nlinks; j++) {
		const gen_link *l = &c->n.md.links[j];
		const gen_node *tn;
		if (!model_of(q, l->target, &tn))
			return 0;
		if (l->anchor && l->anchor[0] && !gen_anchors_has(&tn->md.ids, l->anchor))
			return 0;
	}
	return 1;
}

static char *href_cb(void *ctx, const gen_link *l, ch_error *e)
{
	quick *q = ctx;
	const gen_node *tn;
	const gen_page *t = model_of(q, l->target, &tn);
	char *h = t ? gen_link_href(q->root, &q->v[q->cur].p, t, l->anchor) : NULL;

	if (!h)
		ch_fail(e, q->v[q->cur].p.src_path, l->line, "cannot resolve a link");
	return h;
}

static int form_cb(void *ctx, ch_buf *out, ch_error *e)
{
	quick *q = ctx;

	return ch_fail(e, q->v[q->cur].p.src_path, 0, "the form is not quick");
}

/* The old page file with the new body in place of the old one; 0, or -1
 * when the old file is not what the cache says. */
static int splice(quick *q, qpage *c)
{
	const gen_cache_page *was = &q->old->pages[c->k];
	const char *obody, *otext;
	char path[8192], *data = NULL;
	size_t len = 0;
	ch_error ignored;
	int rc = -1;

	if (was->at < 0 || was->len == 0 || c->body.len == 0)
		return -1;
	obody = gen_cache_page_body(q->old, was, &otext);
	snprintf(path, sizeof path, "%s/%s", q->out_dir, was->out_path);
	if (!obody || ch_read_file(path, MAX_PAGE_FILE, &data, &len, &ignored) < 0)
		return -1;
	if ((long long)len != was->size ||
	    memcmp(data + was->at, obody, was->len) != 0)
		goto out;
	ch_buf_append(&c->file, data, (size_t)was->at);
	ch_buf_append(&c->file, c->body.data, c->body.len);
	ch_buf_append(&c->file, data + was->at + was->len,
	              len - (size_t)was->at - was->len);
	rc = ch_buf_ok(&c->file) ? 0 : -1;
out:
	free(data);
	return rc;
}

/* Reads changed page i's new model; 0, or -1 when it is not a good
 * page (the full build says why). */
static int load(quick *q, size_t i)
{
	qpage *c = &q->v[i];
	ch_error ignored;

	if (!c->f->data && gen_source_load(q->src, (gen_file *)c->f, &ignored) < 0)
		return -1;
	return gen_site_page_load(c->f, &c->p, &c->n, &ignored);
}

/* Checks and renders changed page i (every changed page loaded); 0, or
 * -1 when the quick update does not apply to it. */
static int prepare(quick *q, size_t i)
{
	qpage *c = &q->v[i];
	const gen_cache_src *m;
	gen_file old;
	gen_page was;
	gen_node wn;
	gen_md md;
	ch_error ignored;
	int rc = -1, parsed = 0;

	memset(&md, 0, sizeof md);
	memset(&was, 0, sizeof was);
	memset(&wn, 0, sizeof wn);
	/* The page as the cache has it, to compare with. */
	m = gen_cache_src_find(q->old->models, q->old->nmodels, c->f->path);
	if (!m)
		return -1;
	old = *c->f;
	memcpy(old.blob_id, m->blob, 40);
	if (gen_site_page_restore(&old, m->model, &was, &wn, &ignored) < 0)
		goto out;
	for (c->k = 0; c->k < q->old->npages; c->k++)
		if (strcmp(q->old->pages[c->k].src_path, c->f->path) == 0)
			break;
	if (c->k == q->old->npages || !same_shape(&was, &wn, &c->p, &c->n) ||
	    !links_ok(q, c))
		goto out;
	gen_root_prefix(c->n.depth, q->root, sizeof q->root);
	q->cur = i;
	if (gen_md_parse(c->p.src_path, c->n.md.body, c->n.md.body_len,
	                 c->n.md.body_line, &md, &ignored) < 0)
		goto out;
	parsed = 1;
	ch_buf_puts(&c->body, "");
	if (gen_md_render(&md, href_cb, form_cb, q, &c->body, &ignored) < 0 ||
	    !ch_buf_ok(&c->body))
		goto out;
	c->text = md.text;
	md.text = NULL;
	gen_key_body(c->p.src_path, c->p.blob_id, NULL, c->bkey);
	gen_key_page(q->old->shared, c->bkey, c->k, c->p.updated, c->pkey);
	rc = splice(q, c);
out:
	if (parsed)
		gen_md_free(&md);
	gen_site_page_free(&was, &wn);
	return rc;
}

/* --- a part of the search index and its pack of bodies -------------- */

typedef struct part {
	unsigned k;
	size_t first, end;   /* its pages in old->pages */
	size_t *off;         /* each page's new place in the pack */
	gen_page *pages;     /* its pages' models and texts, for search */
	gen_node *nodes;
	const char **sections;
	ch_buf pack, search;
	char pack_key[65], search_key[65];
	char pack_path[GEN_CACHE_PACK_PATH_MAX];
	char search_path[GEN_SEARCH_PART_PATH_MAX];
} part;

/* The section title and URL search shows for page p, from its parent
 * at path pp (restored as needed); the home page (pp NULL) has none. */
static int section_of(quick *q, gen_page *p, const char *pp,
                      const char **title)
{
	const gen_node *pn;
	const gen_page *parent;

	*title = "";
	if (!pp)
		return (p->section_url = strdup(p->url)) ? 0 : -1;
	parent = model_of(q, pp, &pn);
	if (!parent)
		return -1;
	*title = parent->title;
	p->section_url = strdup(p->is_section ? p->url : parent->url);
	return p->section_url ? 0 : -1;
}

/* Part pt's new pack and keys, and its pages ready for search. */
static int make_part(quick *q, part *pt)
{
	size_t n = pt->end - pt->first;
	gen_page *pages = pt->pages = calloc(n ? n : 1, sizeof *pages);
	gen_node *nodes = pt->nodes = calloc(n ? n : 1, sizeof *nodes);
	const char **sections = pt->sections = calloc(n ? n : 1, sizeof *sections);
	ch_sha256 hp, hs;
	ch_error ignored;

	pt->off = calloc(n ? n : 1, sizeof *pt->off);
	if (!pages || !nodes || !sections || !pt->off)
		return -1;
	gen_key_begin(&hp);
	gen_key_begin(&hs);
	for (size_t j = 0; j < n; j++) {
		const gen_cache_page *e = &q->old->pages[pt->first + j];
		const qpage *c = changed(q, e->src_path);
		const char *text, *body;
		size_t len, tlen;
		char pp[4096];
		const gen_file *parent, *self;
		int home;

		if (c) {
			if (gen_site_page_load(c->f, &pages[j], &nodes[j], &ignored) < 0)
				return -1;
			body = c->body.data;
			len = c->body.len;
			text = c->text;
			tlen = strlen(c->text);
			gen_key_pack_page(&hp, c->bkey);
		} else {
			if (restore(q, e->src_path, &pages[j], &nodes[j]) < 0)
				return -1;
			body = gen_cache_page_body(q->old, e, &text);
			if (!body)
				return -1;
			len = e->len;
			tlen = e->tlen;
			gen_key_pack_page(&hp, e->bkey);
		}
		pt->off[j] = pt->pack.len;
		ch_buf_append(&pt->pack, body, len);
		ch_buf_append(&pt->pack, text, tlen);
		pages[j].text = strndup(text, tlen);
		if (!pages[j].text)
			return -1;
		home = strcmp(e->src_path, "content/index.md") == 0;
		if (!home)
			gen_site_parent_path(&pages[j], pp, sizeof pp);
		if (section_of(q, &pages[j], home ? NULL : pp, &sections[j]) < 0)
			return -1;
		parent = home ? NULL : gen_source_file(q->src, pp);
		if (!home && !parent)
			return -1;
		self = gen_source_file(q->src, e->src_path);
		if (!self)
			return -1;
		gen_key_shard_page(&hs, e->src_path, self->blob_id,
		                   parent ? parent->blob_id : NULL);
	}
	ch_sha256_hex(&hp, pt->pack_key);
	ch_sha256_hex(&hs, pt->search_key);
	return ch_buf_ok(&pt->pack) ? 0 : -1;
}

/* Part pt's search index. */
static int search_part(part *pt)
{
	ch_error ignored;

	ch_buf_puts(&pt->search, "");
	return gen_search_shard(NULL, pt->pages, pt->end - pt->first,
	                        pt->sections, pt->k, &pt->search, &ignored) < 0 ||
	       !ch_buf_ok(&pt->search) ? -1 : 0;
}

static void part_free(part *pt)
{
	for (size_t j = 0; pt->pages && pt->nodes && j < pt->end - pt->first; j++)
		gen_site_page_free(&pt->pages[j], &pt->nodes[j]);
	free(pt->pages);
	free(pt->nodes);
	free(pt->sections);
	free(pt->off);
	ch_buf_free(&pt->pack);
	ch_buf_free(&pt->search);
}


/* The old cache's line of the pack or search part path. */
static const gen_cache_page *old_shard(const gen_cache *old, const char *path)
{
	for (size_t s = 0; s < old->nshards; s++)
		if (strcmp(old->shards[s].out_path, path) == 0)
			return &old->shards[s];
	return NULL;
}

/* The parts holding the changed pages, each once. */
static int find_parts(quick *q, part *parts, size_t *nparts)
{
	*nparts = 0;
	for (size_t i = 0; i < q->n; i++) {
		unsigned k = q->old->pages[q->v[i].k].pack;
		size_t j;
		for (j = 0; j < *nparts && parts[j].k != k; j++)
			;
		if (j < *nparts)
			continue;
		part *pt = &parts[(*nparts)++];
		pt->k = k;
		pt->first = q->v[i].k;
		while (pt->first > 0 && q->old->pages[pt->first - 1].pack == k)
			pt->first--;
		pt->end = q->v[i].k + 1;
		while (pt->end < q->old->npages && q->old->pages[pt->end].pack == k)
			pt->end++;
		gen_cache_pack_path(k, pt->pack_path);
		gen_search_part_path(k, pt->search_path);
		/* The old site must have both as the cache says. */
		if (!old_shard(q->old, pt->pack_path) ||
		    !old_shard(q->old, pt->search_path) || make_part(q, pt) < 0)
			return -1;
	}
	return 0;
}

/* --- the new cache ------------------------------------------------------ */

/* The new index, in the order a full build writes it (M lines in path
 * order; per part its pack's S line, its pages' P lines and its search
 * part's S line), so that it equals a full build's. */
static int index_lines(const quick *q, const part *parts, size_t nparts,
                       ch_buf *b)
{
	const gen_cache *old = q->old;
	char path[GEN_CACHE_PACK_PATH_MAX];

	ch_buf_puts(b, gen_cache_format);
	ch_buf_putc(b, '\n');
	gen_cache_lines_source(b, q->src, old->shared);
	for (size_t i = 0; i < old->nmodels; i++) {
		const gen_cache_src *m = &old->models[i];
		const qpage *c = changed(q, m->path);
		gen_cache_line_model_head(b, c ? c->p.blob_id : m->blob, m->path);
		if (c)
			gen_meta_write(&c->p, &c->n, b);
		else
			ch_buf_puts(b, m->model);
		ch_buf_putc(b, '\n');
	}
	for (size_t j = 0; j < old->npages; j++) {
		const gen_cache_page *e = &old->pages[j];
		const qpage *c = changed(q, e->src_path);
		const part *pt = NULL;
		const gen_cache_page *sh;
		size_t off = e->off;

		for (size_t k = 0; k < nparts; k++)
			if (j >= parts[k].first && j < parts[k].end)
				pt = &parts[k];
		if (pt)
			off = pt->off[j - pt->first];
		if (j == 0 || old->pages[j - 1].pack != e->pack) {
			gen_cache_pack_path(e->pack, path);
			sh = old_shard(old, path);
			if (!sh)
				return -1;
			gen_cache_line_shard(b, pt ? pt->pack_key : sh->pkey, path);
		}
		if (c)
			gen_cache_line_page(b, c->pkey, c->bkey, e->pack, off,
			                    c->body.len, strlen(c->text), e->at,
			                    (long long)c->file.len, e->src_path,
			                    e->out_path);
		else
			gen_cache_line_page(b, e->pkey, e->bkey, e->pack, off, e->len,
			                    e->tlen, e->at, e->size, e->src_path,
			                    e->out_path);
		if (j + 1 == old->npages || old->pages[j + 1].pack != e->pack) {
			gen_search_part_path(e->pack, path);
			sh = old_shard(old, path);
			if (!sh)
				return -1;
			gen_cache_line_shard(b, pt ? pt->search_key : sh->pkey, path);
		}
	}
	for (size_t i = 0; i < old->nfiles; i++)
		gen_cache_line_file(b, old->files[i]);
	ch_buf_puts(b, "end\n");
	return 0;
}

/* The cache's lines, made on another core while the search parts are
 * made: each takes about as long. */
typedef struct lines_job {
	const quick *q;
	const part *parts;
	size_t nparts;
	ch_buf buf;
	pthread_t thread;
	int running;
	int rc;       /* -1 when the old cache lacks a part: not quick */
} lines_job;

static void *lines_main(void *arg)
{
	lines_job *j = arg;

	j->rc = index_lines(j->q, j->parts, j->nparts, &j->buf);
	return NULL;
}

/* Makes the search parts and the cache, puts the changed files in place
 * and writes the cache over the old one in place (a new file renamed
 * over it made the old one's blocks be freed, which on ext4 without a
 * journal but with discard took a tenth of the update); 1 done, 0 not
 * quick after all (nothing changed), -1 on an error. */
static int write_out(quick *q, part *parts, size_t nparts,
                     const struct timespec *started, ch_error *e)
{
	gen_out out = GEN_OUT_INIT;
	lines_job lines;
	int rc = -1, searched = 0;

	memset(&lines, 0, sizeof lines);
	lines.buf = (ch_buf)CH_BUF_INIT;
	if (gen_out_begin(&out, q->out_dir, e) < 0)
		goto out;
	gen_out_update(&out);
	lines.q = q;
	lines.parts = parts;
	lines.nparts = nparts;
	lines.running = pthread_create(&lines.thread, NULL, lines_main, &lines) == 0;
	if (!lines.running)
		lines_main(&lines);
	/* Only this thread touches out. */
	for (size_t k = 0; k < nparts; k++)
		if (search_part(&parts[k]) < 0)
			searched = -1;
	for (size_t i = 0; searched == 0 && i < q->n; i++)
		if (gen_out_add(&out, q->old->pages[q->v[i].k].out_path,
		                q->v[i].file.data, q->v[i].file.len, e) < 0)
			searched = -2;
	for (size_t k = 0; searched == 0 && k < nparts; k++)
		if (gen_out_add(&out, parts[k].pack_path, parts[k].pack.data,
		                parts[k].pack.len, e) < 0 ||
		    gen_out_add(&out, parts[k].search_path, parts[k].search.data,
		                parts[k].search.len, e) < 0)
			searched = -2;
	if (lines.running)
		pthread_join(lines.thread, NULL);
	ch_trace("quick: search parts and cache lines");
	if (searched == -2)
		goto out;
	if (searched < 0 || lines.rc < 0) {
		rc = 0;
		goto out;
	}
	if (!ch_buf_ok(&lines.buf)) {
		ch_fail(e, GEN_CACHE_NAME, 0, "out of memory");
		goto out;
	}
	/* Cut short from here on, the next build is a full one. */
	if (gen_out_spoil_cache(q->out_dir, e) < 0 || gen_out_commit(&out, e) < 0 ||
	    gen_out_cache_in_place(q->out_dir, lines.buf.data, lines.buf.len,
	                           started, e) < 0)
		goto out;
	rc = 1;
out:
	ch_buf_free(&lines.buf);
	gen_out_free(&out);
	return rc;
}

/* --- entry ---------------------------------------------------------------- */

/* The changed files, if all are pages and few: 0, else -1. */
static int find_changes(quick *q)
{
	const gen_cache *old = q->old;

	if (q->src->nfiles != old->nstats)
		return -1;
	for (size_t i = 0; i < q->src->nfiles; i++) {
		const gen_file *f = &q->src->files[i];
		if (strcmp(f->path, old->stats[i].path) != 0)
			return -1; /* a file added, removed or renamed */
		if (memcmp(f->blob_id, old->stats[i].blob, 40) == 0)
			continue;
		if (!gen_site_is_page(f->path) || q->n == QUICK_MAX)
			return -1;
		q->v[q->n++].f = f;
	}
	return 0;
}

int gen_quick_update(gen_cache *old, gen_source *src, const char *out_dir,
                     const struct timespec *started, gen_build_stats *st,
                     ch_error *e)
{
	quick *q = calloc(1, sizeof *q);
	part parts[QUICK_MAX];
	size_t nparts = 0;
	int rc = 0;

	memset(parts, 0, sizeof parts);
	for (size_t k = 0; k < QUICK_MAX; k++)
		parts[k].pack = parts[k].search = (ch_buf)CH_BUF_INIT;
	if (!q)
		return ch_fail(e, out_dir, 0, "out of memory");
	for (size_t i = 0; i < QUICK_MAX; i++) {
		q->v[i].body = (ch_buf)CH_BUF_INIT;
		q->v[i].file = (ch_buf)CH_BUF_INIT;
	}
	q->old = old;
	q->src = src;
	q->out_dir = out_dir;
	if (!src->worktree || !old->text || !old->nstats || !old->shared[0] ||
	    strcmp(old->commit, src->commit) != 0 || find_changes(q) < 0)
		goto out;
	ch_trace("quick: changes");
	for (size_t i = 0; i < q->n; i++)
		if (load(q, i) < 0)
			goto out;
	for (size_t i = 0; i < q->n; i++)
		if (prepare(q, i) < 0)
			goto out;
	ch_trace("quick: pages");
	if (find_parts(q, parts, &nparts) < 0)
		goto out;
	ch_trace("quick: packs");
	rc = write_out(q, parts, nparts, started, e);
	if (rc <= 0)
		goto out;
	memset(st, 0, sizeof *st);
	st->pages = old->npages;
	st->rendered = q->n;
	st->reused = st->kept = old->npages - q->n;
	st->files = old->nfiles + 1;
	st->quick = 1;
	snprintf(st->commit, sizeof st->commit, "%s", src->commit);
	snprintf(st->short_id, sizeof st->short_id, "%s", src->short_id);
	rc = 1;
out:
	for (size_t k = 0; k < QUICK_MAX; k++)
		part_free(&parts[k]);
	for (size_t i = 0; i < q->n; i++) {
		gen_site_page_free(&q->v[i].p, &q->v[i].n);
		ch_buf_free(&q->v[i].body);
		ch_buf_free(&q->v[i].file);
		free(q->v[i].text);
	}
	for (size_t i = 0; i < q->ntargets; i++)
		gen_site_page_free(&q->targets[i].p, &q->targets[i].n);
	free(q->targets);
	free(q);
	return rc;
}
