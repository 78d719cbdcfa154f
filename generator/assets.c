/* assets.c: fingerprinting and publishing assets. */
#include "generator/assets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/grow.h"
#include "common/sha256.h"

static int cmp_name(const void *a, const void *b)
{
	return strcmp(((const gen_asset *)a)->name, ((const gen_asset *)b)->name);
}

/* Publishes f, a file under site/assets/. */
static int add(gen_assets *a, const gen_file *f, gen_out *out, ch_error *e)
{
	const char *name = f->path + 12, *slash = strrchr(name, '/');
	const char *base = slash ? slash + 1 : name, *dot = strrchr(base, '.');
	char hex[65], *path;
	size_t plen = strlen(name) + 32;

	if (dot == base)
		dot = NULL; /* ".htaccess": no extension to keep */
	ch_sha256_buf_hex(f->data, f->len, hex);
	path = malloc(plen);
	if (!path || CH_GROW(a->v, a->n + 1, a->cap) < 0) {
		free(path);
		return ch_fail(e, name, 0, "out of memory");
	}
	snprintf(path, plen, "assets/%.*s.%.10s%s",
	         (int)(dot ? (size_t)(dot - name) : strlen(name)), name, hex,
	         dot ? dot : "");
	a->v[a->n] = (gen_asset){strdup(name), path};
	if (!a->v[a->n].name) {
		free(path);
		return ch_fail(e, name, 0, "out of memory");
	}
	a->n++;
	return gen_out_add(out, path, f->data, f->len, e);
}

int gen_assets_collect(const gen_source *src, gen_assets *a, gen_out *out,
                       ch_error *e)
{
	for (size_t i = 0; i < src->nfiles; i++)
		if (strncmp(src->files[i].path, "site/assets/", 12) == 0 &&
		    add(a, &src->files[i], out, e) < 0)
			return -1;
	if (a->n > 1)
		qsort(a->v, a->n, sizeof *a->v, cmp_name);
	return 0;
}

json_t *gen_assets_json(const gen_assets *a, const char *root)
{
	json_t *o = json_object();
	char key[512];

	if (!o)
		return NULL;
	for (size_t i = 0; i < a->n; i++) {
		size_t j;
		for (j = 0; a->v[i].name[j] && j + 1 < sizeof key; j++) {
			char c = a->v[i].name[j];
			key[j] = c == '.' || c == '-' || c == '/' ? '_' : c;
		}
		key[j] = '\0';
		if (json_object_set_new(o, key, json_sprintf("%s%s", root,
		                                             a->v[i].path)) < 0) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

void gen_assets_free(gen_assets *a)
{
	for (size_t i = 0; i < a->n; i++) {
		free(a->v[i].name);
		free(a->v[i].path);
	}
	free(a->v);
	memset(a, 0, sizeof *a);
}
