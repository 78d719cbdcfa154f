/* body.c: see body.h. */
#include "generator/body.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/sha256.h"
#include "generator/formhtml.h"
#include "generator/incr_keys.h"
#include "generator/pagedata.h"

/* What the form block is made from: schema, fee schedule, print texts. */
static const char *const form_files[] = {
	"content/forms/application.yaml", "content/fees.yaml",
	"content/forms/authorization_letter.md", "content/forms/stamp_form.md",
};

typedef struct page_ctx {
	const gen_site *site;
	int index;
	const char *root;
	gen_form_env *form;
	const gen_assets *assets;
	char url[1024]; /* asset_url_cb's answer */
} page_ctx;

static char *href_cb(void *ctx, const gen_link *l, ch_error *e)
{
	page_ctx *pc = ctx;
	int t = gen_site_find(pc->site, l->target);
	char *h;

	if (t < 0) { /* checked before rendering; kept for safety */
		ch_fail(e, pc->site->pages[pc->index].src_path, l->line,
		        "broken link: no page %s", l->target);
		return NULL;
	}
	h = gen_link_href(pc->root, &pc->site->pages[pc->index],
	                  &pc->site->pages[t], l->anchor);
	if (!h)
		ch_fail(e, "", 0, "out of memory");
	return h;
}

static const char *asset_url_cb(void *ctx, const char *name)
{
	page_ctx *pc = ctx;

	for (size_t i = 0; i < pc->assets->n; i++)
		if (!strcmp(pc->assets->v[i].name, name)) {
			snprintf(pc->url, sizeof pc->url, "%s%s", pc->root,
			         pc->assets->v[i].path);
			return pc->url;
		}
	return NULL;
}

static int form_cb(void *ctx, ch_buf *out, ch_error *e)
{
	page_ctx *pc = ctx;
	const gen_form_env *f = pc->form;
	const gen_page *p = &pc->site->pages[pc->index];
	int line = pc->site->nodes[pc->index].md.form_line;
	gen_form_inputs in = {
		.schema = f->schema,
		.fees = &f->fees,
		.letter_md = f->letter ? f->letter->data : NULL,
		.letter_len = f->letter ? f->letter->len : 0,
		.stamp_md = f->stamp ? f->stamp->data : NULL,
		.stamp_len = f->stamp ? f->stamp->len : 0,
		.asset_url = asset_url_cb,
		.asset_ctx = pc,
	};

	if (gen_form_html(&in, out, e) < 0) {
		if (!e->file[0]) {
			char msg[sizeof e->msg];
			snprintf(msg, sizeof msg, "%s", e->msg);
			ch_fail(e, p->src_path, line, "form: %s", msg);
		}
		return -1;
	}
	return 0;
}

int gen_form_env_load(gen_form_env *f, const gen_site *s, const gen_assets *a,
                      ch_error *e)
{
	const gen_file *schema = gen_source_file(&s->src, form_files[0]);
	const gen_file *fees = gen_source_file(&s->src, form_files[1]);
	int first = -1;
	ch_sha256 h;

	memset(f, 0, sizeof *f);
	for (size_t i = 0; i < s->npages && first < 0; i++)
		if (s->nodes[i].md.has_form)
			first = (int)i;
	if (first < 0)
		return 0;
	if (!schema || !fees)
		return ch_fail(e, s->pages[first].src_path,
		               s->nodes[first].md.form_line,
		               "the form needs %s", !schema ? form_files[0] : form_files[1]);
	if (ch_schema_load(schema->data, schema->len, schema->path, &f->schema, e) < 0 ||
	    ch_fees_load(fees->data, fees->len, fees->path, &f->fees, e) < 0)
		return -1;
	f->letter = gen_source_file(&s->src, form_files[2]);
	f->stamp = gen_source_file(&s->src, form_files[3]);
	ch_sha256_init(&h);
	for (size_t i = 0; i < sizeof form_files / sizeof form_files[0]; i++) {
		const gen_file *x = gen_source_file(&s->src, form_files[i]);
		ch_sha256_update(&h, x ? x->blob_id : "-", x ? 40 : 1);
	}
	/* The form names assets (site/assets/ only: the search index is
	 * none). */
	for (size_t i = 0; i < a->n; i++)
		ch_sha256_update(&h, a->v[i].path, strlen(a->v[i].path) + 1);
	ch_sha256_hex(&h, f->deps);
	return 0;
}

void gen_form_env_free(gen_form_env *f)
{
	if (f->schema)
		ch_schema_free(f->schema);
	f->schema = NULL;
}

void gen_body_key(const gen_page *p, const gen_md *md, const gen_form_env *f,
                  char out[65])
{
	gen_key_body(p->src_path, p->blob_id, md->has_form ? f->deps : NULL, out);
}

int gen_body_render(const gen_site *s, size_t i, const char *root,
                    const gen_assets *a, gen_form_env *f, gen_md *md,
                    ch_buf *out, ch_error *e)
{
	page_ctx pc = {s, (int)i, root, f, a, ""};

	return gen_md_render(md, href_cb, form_cb, &pc, out, e);
}
