/* incr_hints.c: see incr_hints.h. */
#include "generator/incr_hints.h"

#include <string.h>

#include "generator/incr_keys.h"

static void *load(void *arg)
{
	gen_hints *h = arg;

	gen_cache_load(h->c, h->out_dir, gen_cache_format);
	return NULL;
}

void gen_hints_join(gen_hints *h)
{
	if (h->running)
		pthread_join(h->thread, NULL);
	h->running = 0;
}

static void ready(void *ctx)
{
	gen_hints_join(ctx);
}

static int blob_of(void *ctx, const gen_file *f, char out[41])
{
	gen_cache *c = ((gen_hints *)ctx)->c;
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

static int known(void *ctx, const char *path, const char *blob)
{
	return gen_hints_model(((gen_hints *)ctx)->c, path, blob) != NULL;
}

static int date_of(void *ctx, const char *path, long long *t)
{
	gen_cache *c = ((gen_hints *)ctx)->c;
	const gen_cache_src *d;

	d = gen_cache_src_find(c->dates, c->ndates, path);
	if (!d)
		return 0;
	*t = d->n[0];
	return 1;
}

static const char *dated(void *ctx)
{
	gen_cache *c = ((gen_hints *)ctx)->c;

	return c->commit[0] ? c->commit : NULL;
}

void gen_hints_start(gen_hints *h, gen_cache *c, const char *out_dir)
{
	memset(h, 0, sizeof *h);
	h->c = c;
	h->out_dir = out_dir;
	h->h.ctx = h;
	h->h.ready = ready;
	h->h.blob_of = blob_of;
	h->h.known = known;
	h->h.date_of = date_of;
	h->h.dated = dated;
	h->running = pthread_create(&h->thread, NULL, load, h) == 0;
	if (!h->running) /* no thread: load it here */
		load(h);
}

const char *gen_hints_model(void *ctx, const char *path, const char *blob)
{
	gen_cache *c = ctx;
	const gen_cache_src *m = gen_cache_src_find(c->models, c->nmodels, path);

	return m && memcmp(m->blob, blob, 40) == 0 ? m->model : NULL;
}
