/* layout.c: loading the layouts. */
#include "generator/layout.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/grow.h"

static int load_partial(void *ctx, const char *name, const char **text,
                        size_t *len, const char **file)
{
	const gen_source *src = ctx;
	char path[512];
	const gen_file *f;

	snprintf(path, sizeof path, "site/layouts/partials/%s.html", name);
	f = gen_source_file(src, path);
	if (!f)
		return -1;
	*text = f->data;
	*len = f->len;
	*file = f->path;
	return 0;
}

int gen_layouts_load(const gen_source *src, gen_layouts *l, ch_error *e)
{
	memset(l, 0, sizeof *l);
	for (size_t i = 0; i < src->nfiles; i++) {
		const gen_file *f = &src->files[i];
		const char *name = f->path + 13;
		size_t n = strlen(f->path);
		gen_layout *y;

		if (strncmp(f->path, "site/layouts/", 13) != 0 ||
		    strchr(name, '/') || n < 19 ||
		    strcmp(f->path + n - 5, ".html") != 0)
			continue;
		if (CH_GROW(l->v, l->n + 1, l->cap) < 0)
			return ch_fail(e, f->path, 0, "out of memory");
		y = &l->v[l->n++];
		*y = (gen_layout){strndup(name, strlen(name) - 5), NULL};
		if (!y->name)
			return ch_fail(e, f->path, 0, "out of memory");
		if (gen_tpl_parse(f->data, f->len, f->path, load_partial,
		                  (void *)src, &y->tpl, e) < 0)
			return -1;
	}
	return 0;
}

const gen_tpl *gen_layouts_get(const gen_layouts *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].name, name) == 0)
			return l->v[i].tpl;
	return NULL;
}

void gen_layouts_free(gen_layouts *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].name);
		gen_tpl_free(l->v[i].tpl);
	}
	free(l->v);
	memset(l, 0, sizeof *l);
}
