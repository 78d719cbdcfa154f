/* incr.c: see incr.h. */
#include "generator/incr.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/sha256.h"
#include "generator/incr_cache.h"
#include "generator/incr_keys.h"
#include "generator/meta.h"

/* Texts and index lines go to their files in pieces of about this
 * size: for a large site they are megabytes. */
#define CHUNK (1u << 20)

const char gen_incr_marker[] = GEN_CACHE_NAME;

struct gen_incr {
	gen_cache old;      /* of the previous build (empty if none) */
	gen_source_hints hints; /* what old offers the source's reading */
	const char *out_dir;
	pthread_t loader;   /* loads old (see gen_incr_open) */
	int loading;
	struct timespec started;
	char shared[65];    /* the key of what every page shares */
	char (*bkeys)[65];  /* per page: its body's key and its file's */
	char (*pkeys)[65];
	ch_buf index;       /* this build's cache lines not yet written */
	int index_fd;       /* the new index, open */
};

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

static int flush_index(gen_incr *m, size_t at_least, ch_error *e)
{
	return m->index.len >= at_least ?
	       flush_buf(&m->index, m->index_fd, GEN_CACHE_NAME, e) : 0;
}

/* --- what the build before knew, offered to the source's reading ------ */

void gen_incr_loaded(gen_incr *m)
{
	if (m->loading)
		pthread_join(m->loader, NULL);
	m->loading = 0;
}

static void ready(void *ctx)
{
	gen_incr_loaded(ctx);
}

/* A work-tree file whose stats are as recorded keeps its blob id
 * unhashed, as git's index does. */
static int blob_of(void *ctx, const gen_file *f, char out[41])
{
	const gen_cache *c = &((gen_incr *)ctx)->old;
	const gen_cache_src *w = gen_cache_src_find(c->stats, c->nstats, f->path);

	/* A file changed in the second before that build started could have
	 * changed again unseen within one tick of the clock: hash it. */
	if (!w || w->n[0] != f->st.size || w->n[1] != f->st.mtime_ns ||
	    w->n[2] != f->st.ctime_ns || (unsigned long long)w->n[3] != f->st.ino ||
	    f->st.mtime_ns > c->started_ns - 1000000000LL ||
	    f->st.ctime_ns > c->started_ns - 1000000000LL)
		return 0;
	memcpy(out, w->blob, 40);
	out[40] = '\0';
	return 1;
}

const char *gen_incr_model(void *ctx, const char *path, const char *blob)
{
	const gen_cache *c = &((gen_incr *)ctx)->old;
	const gen_cache_src *m = gen_cache_src_find(c->models, c->nmodels, path);

	return m && memcmp(m->blob, blob, 40) == 0 ? m->model : NULL;
}

/* A page whose blob is known keeps its model unparsed. */
static int known(void *ctx, const char *path, const char *blob)
{
	return gen_incr_model(ctx, path, blob) != NULL;
}

/* The dates of a commit already walked are not walked again. */
static const char *dated(void *ctx)
{
	const gen_cache *c = &((gen_incr *)ctx)->old;

	return c->commit[0] ? c->commit : NULL;
}

static int date_of(void *ctx, const char *path, long long *t)
{
	const gen_cache *c = &((gen_incr *)ctx)->old;
	const gen_cache_src *d = gen_cache_src_find(c->dates, c->ndates, path);

	if (d)
		*t = d->n[0];
	return d != NULL;
}

static void *load(void *arg)
{
	gen_incr *m = arg;

	gen_cache_load(&m->old, m->out_dir, gen_cache_format);
	return NULL;
}

/* The cache loads on a thread while the work tree's files are listed,
 * mostly the kernel's stat: the two took a work-tree rebuild's time one
 * after the other. */
gen_incr *gen_incr_open(const char *out_dir, const struct timespec *started)
{
	gen_incr *m = calloc(1, sizeof *m);

	if (!m)
		return NULL;
	m->index_fd = -1;
	m->started = *started;
	m->out_dir = out_dir;
	m->hints = (gen_source_hints){m, ready, blob_of, known, dated, date_of};
	m->loading = pthread_create(&m->loader, NULL, load, m) == 0;
	if (!m->loading) /* no thread: load it here */
		load(m);
	return m;
}

gen_source_hints *gen_incr_hints(gen_incr *m)
{
	return &m->hints;
}

/* What every page file shares (build.c's top comment). */
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

/* The cache lines of the source: U, K, D, W and M (incr_cache.h). A
 * model line restored from the old cache is the bytes gen_meta_write
 * makes, so it is copied rather than made again. */
static int source_lines(gen_incr *m, const gen_site *s, ch_error *e)
{
	ch_buf *b = &m->index;

	ch_buf_puts(b, gen_cache_format);
	ch_buf_putc(b, '\n');
	gen_cache_lines_source(b, &s->src, m->shared);
	/* In path order, the order the next build looks them up in. */
	for (size_t k = 0; k < s->npages; k++) {
		size_t i = (size_t)s->by_path[k];
		const char *line = gen_incr_model(m, s->pages[i].src_path,
		                                  s->pages[i].blob_id);
		gen_cache_line_model_head(b, s->pages[i].blob_id,
		                          s->pages[i].src_path);
		if (line)
			ch_buf_puts(b, line);
		else
			gen_meta_write(&s->pages[i], &s->nodes[i], b);
		ch_buf_putc(b, '\n');
		if (flush_index(m, CHUNK, e) < 0)
			return -1;
	}
	return 0;
}

int gen_incr_plan(gen_incr *m, const gen_site *s, const gen_form_env *f,
                  gen_out *out, ch_error *e)
{
	size_t n = s->npages ? s->npages : 1;

	shared_key(s, m->shared);
	m->bkeys = malloc(n * sizeof *m->bkeys);
	m->pkeys = malloc(n * sizeof *m->pkeys);
	if (!m->bkeys || !m->pkeys)
		return ch_fail(e, "", 0, "out of memory");
	for (size_t i = 0; i < s->npages; i++) {
		gen_body_key(&s->pages[i], &s->nodes[i].md, f, m->bkeys[i]);
		gen_key_page(m->shared, m->bkeys[i], i, s->pages[i].updated,
		             i == 0 ? s->src.commit : NULL, m->pkeys[i]);
	}
	if (!m->old.text) {
		if (gen_out_old_files_on_disk(out, e) < 0)
			return -1;
	} else {
		for (size_t i = 0; i < m->old.nfiles; i++)
			if (gen_out_old_file(out, m->old.files[i], e) < 0)
				return -1;
	}
	m->index_fd = gen_out_open(out, GEN_CACHE_NAME, e);
	if (m->index_fd < 0)
		return -1;
	gen_cache_map_all(&m->old);
	return source_lines(m, s, e);
}

/* Page i's plain text in the old cache when its old file may be kept
 * (its key and place unchanged), else NULL; *was receives its entry. */
static const char *old_text(const gen_incr *m, const gen_site *s, size_t i,
                            const gen_cache_page **was)
{
	*was = gen_cache_page_by_pkey(&m->old, m->pkeys[i]);
	if (!*was || strcmp((*was)->out_path, s->pages[i].out_path) != 0)
		return NULL;
	return gen_cache_page_text(&m->old, *was);
}

int gen_incr_needs_source(const gen_incr *m, const gen_site *s, size_t i)
{
	const gen_cache_page *was;

	return old_text(m, s, i, &was) == NULL;
}

/* A part of the search index, and its pack of texts, are kept while its
 * pages' bodies and their sections' sources are as before. */
int gen_incr_part_begin(const gen_incr *m, gen_incr_part *p,
                        const gen_site *s, size_t start, size_t end,
                        size_t k, const char *search_path, gen_out *out,
                        ch_error *e)
{
	char pack[GEN_CACHE_PACK_PATH_MAX];
	ch_sha256 h;

	memset(p, 0, sizeof *p);
	p->texts_fd = -1;
	p->k = (unsigned)k;
	gen_key_begin(&h);
	for (size_t i = start; i < end; i++) {
		int parent = s->nodes[i].parent;
		gen_key_part_page(&h, m->bkeys[i],
		                  parent >= 0 ? s->pages[parent].blob_id : NULL);
	}
	ch_sha256_hex(&h, p->key);
	snprintf(p->search_path, sizeof p->search_path, "%s", search_path);
	p->kept = gen_cache_has_shard(&m->old, p->key, search_path);
	gen_cache_pack_path(k, pack);
	if (p->kept)
		return gen_out_keep(out, pack, e);
	p->texts_fd = gen_out_open(out, pack, e);
	return p->texts_fd < 0 ? -1 : 0;
}

int gen_incr_part_end(gen_incr_part *p, ch_error *e)
{
	int fd = p->texts_fd;

	gen_cache_line_shard(&p->lines, p->key, p->search_path);
	if (fd < 0)
		return 0;
	if (flush_buf(&p->texts, fd, GEN_CACHE_TEXT, e) < 0)
		return -1;
	ch_buf_free(&p->texts); /* the lines alone wait for the merge */
	p->texts_fd = -1;
	if (close(fd) < 0)
		return ch_fail(e, GEN_CACHE_TEXT, 0, "cannot write: %s",
		               strerror(errno));
	return 0;
}

int gen_incr_part_merge(gen_incr *m, gen_incr_part *p, ch_error *e)
{
	int rc = -1;

	if (!ch_buf_ok(&p->lines))
		ch_fail(e, GEN_CACHE_NAME, 0, "out of memory");
	else if (flush_index(m, 0, e) == 0)
		rc = flush_buf(&p->lines, m->index_fd, GEN_CACHE_NAME, e);
	gen_incr_part_free(p);
	return rc;
}

void gen_incr_part_free(gen_incr_part *p)
{
	if (p->texts_fd >= 0)
		close(p->texts_fd);
	p->texts_fd = -1;
	ch_buf_free(&p->lines);
	ch_buf_free(&p->texts);
}

int gen_incr_done(const gen_incr *m, gen_incr_part *p, const gen_site *s,
                  size_t i, const char *text, size_t tlen, ch_error *e)
{
	const gen_page *pg = &s->pages[i];

	gen_cache_line_page(&p->lines, m->pkeys[i], p->k, p->texts_off, tlen,
	                    pg->src_path, pg->out_path);
	p->texts_off += tlen;
	if (p->kept)
		return 0;
	ch_buf_append(&p->texts, text, tlen);
	return p->texts.len >= CHUNK ?
	       flush_buf(&p->texts, p->texts_fd, GEN_CACHE_TEXT, e) : 0;
}

int gen_incr_keep(const gen_incr *m, gen_incr_part *p, const gen_site *s,
                  size_t i, gen_out *out, char **text, ch_error *e)
{
	const gen_page *pg = &s->pages[i];
	const gen_cache_page *was;
	const char *t = old_text(m, s, i, &was);

	if (!t)
		return 0;
	if (text && !(*text = strndup(t, was->len)))
		return ch_fail(e, pg->src_path, 0, "out of memory");
	if (gen_incr_done(m, p, s, i, t, was->len, e) < 0)
		return -1;
	return gen_out_keep(out, pg->out_path, e) < 0 ? -1 : 1;
}

int gen_incr_finish(gen_incr *m, gen_out *out, ch_error *e)
{
	char path[8192];
	struct timespec times[2];
	int fd;

	for (size_t i = 0; i < out->npaths; i++)
		if (strcmp(out->paths[i].path, GEN_CACHE_NAME) != 0)
			gen_cache_line_file(&m->index, out->paths[i].path);
	ch_buf_puts(&m->index, "end\n");
	if (flush_index(m, 0, e) < 0)
		return -1;
	fd = m->index_fd;
	m->index_fd = -1;
	if (close(fd) < 0)
		return ch_fail(e, GEN_CACHE_NAME, 0, "cannot write: %s",
		               strerror(errno));
	/* Its time says when this build began reading (blob_of's racy
	 * rule reads it). */
	times[0] = times[1] = m->started;
	snprintf(path, sizeof path, "%s/%s", out->tmp, GEN_CACHE_NAME);
	if (utimensat(AT_FDCWD, path, times, 0) < 0)
		return ch_fail(e, path, 0, "cannot set its time: %s",
		               strerror(errno));
	return 0;
}

void gen_incr_free(gen_incr *m)
{
	if (!m)
		return;
	gen_incr_loaded(m);
	if (m->index_fd >= 0)
		close(m->index_fd);
	ch_buf_free(&m->index);
	gen_cache_free(&m->old);
	free(m->bkeys);
	free(m->pkeys);
	free(m);
}
