/* libFuzzer target: any bytes as the build cache's index after its format
 * line. The cache sits in the output folder, where anyone with write
 * access may have changed it; a build trusts it only after checking every
 * line, so loading it, looking pages up, reading texts from a pack and
 * restoring every page model from it must never go wrong. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/error.h"
#include "generator/incr_cache.h"
#include "generator/incr_keys.h"
#include "generator/output.h"
#include "generator/site.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];
static char index_path[128];

static int write_all(const char *path, const void *p, size_t n, const char *mode)
{
	FILE *f = fopen(path, mode);
	int ok = f && fwrite(p, 1, n, f) == n;

	if (f && fclose(f) != 0)
		ok = 0;
	return ok ? 0 : -1;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char packs[128], pack[160];
	static const char text[] = "plain text of the page";

	snprintf(dir, sizeof dir, "/tmp/certhall-fuzz-cache-XXXXXX");
	if (!mkdtemp(dir))
		abort();
	snprintf(index_path, sizeof index_path, "%s/%s", dir, GEN_CACHE_NAME);
	snprintf(packs, sizeof packs, "%s/%s", dir, GEN_CACHE_TEXT);
	snprintf(pack, sizeof pack, "%s/0", packs);
	if (mkdir(packs, 0700) < 0 || write_all(pack, text, sizeof text - 1, "wb") < 0)
		abort();
	return 0;
}

static void restore_models(const gen_cache *c)
{
	for (size_t i = 0; i < c->nmodels; i++) {
		const gen_cache_src *m = &c->models[i];
		gen_file f;
		gen_page p;
		gen_node n;
		ch_error e;

		memset(&f, 0, sizeof f);
		memset(&p, 0, sizeof p);
		memset(&n, 0, sizeof n);
		f.path = (char *)m->path;
		snprintf(f.blob_id, sizeof f.blob_id, "%.40s", m->blob);
		/* Only page paths are restored by a build. */
		if (gen_site_is_page(f.path) &&
		    gen_site_page_restore(&f, m->model, &p, &n, &e) == 0) {
			char parent[4096];
			gen_site_parent_path(&p, parent, sizeof parent);
		}
		gen_site_page_free(&p, &n);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	gen_cache c;

	if (write_all(index_path, gen_cache_format, strlen(gen_cache_format), "wb") < 0 ||
	    write_all(index_path, "\n", 1, "ab") < 0 ||
	    write_all(index_path, data, size, "ab") < 0)
		abort();
	if (gen_cache_load(&c, dir, gen_cache_format) == 0) {
		gen_cache_map_all(&c);
		for (size_t i = 0; i < c.npages; i++) {
			gen_cache_page_by_pkey(&c, c.pages[i].pkey);
			gen_cache_page_text(&c, &c.pages[i]);
		}
		for (size_t i = 0; i < c.nstats; i++)
			gen_cache_src_find(c.stats, c.nstats, c.stats[i].path);
		restore_models(&c);
	}
	gen_cache_free(&c);
	return 0;
}
