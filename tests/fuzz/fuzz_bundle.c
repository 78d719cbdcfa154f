/* libFuzzer target: any bytes as a bundle file, opened with the real form
 * schema and a sink that checks what it is handed (each begin ended once,
 * an ok document exactly the bytes written), every readable entry copied
 * out again. bundle_open must report
 * problems of the bytes as findings (never as a failure of the machine),
 * and free everything. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "batch/intake/bundle.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static ch_schema *schema;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	ch_error e;

	if (ch_schema_load_file("content/forms/application.yaml", 1 << 20,
	                        &schema, &e) < 0) {
		ch_error_print(&e, "fuzz_bundle");
		abort();
	}
	return 0;
}

static int discard(void *ctx, const void *p, size_t n)
{
	*(size_t *)ctx += n;
	return 0;
}

/* The sink's bookkeeping: one document open at a time. */
typedef struct tally {
	int open;
	uint64_t got;
} tally;

static int t_begin(void *ctx, const bundle_entry *en, void **doc, ch_error *e)
{
	tally *t = ctx;

	if (t->open)
		abort();
	t->open = 1;
	t->got = 0;
	*doc = t;
	return 0;
}

static int t_write(void *ctx, void *doc, const void *p, size_t n, ch_error *e)
{
	tally *t = ctx;

	if (doc != t || !t->open)
		abort();
	t->got += n;
	return 0;
}

static int t_end(void *ctx, void *doc, const bundle_entry *en, int ok,
                 ch_error *e)
{
	tally *t = ctx;

	if (doc != t || !t->open || (ok && (t->got != en->size || !en->sha256[0])))
		abort();
	t->open = 0;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tally t = {0, 0};
	bundle_sink sink = {t_begin, t_write, t_end, &t};
	ch_findings f = CH_FINDINGS_INIT;
	bundle *b = NULL;
	ch_error e;
	/* A real file: the batch opens inputs with O_NOFOLLOW and refuses
	 * anything but a regular file, so /proc/self/fd links will not do. */
	static char path[] = "/tmp/certhall-fuzz-bundle-XXXXXX";
	static int fd = -1;

	if (fd < 0 && (fd = mkstemp(path)) < 0)
		abort();
	if (ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	if (bundle_open_sink(path, schema, NULL, 20261124, &sink, &b, &f, &e) < 0 ||
	    t.open) {
		ch_error_print(&e, "fuzz_bundle");
		abort();
	}
	for (size_t i = 0; i < b->nentries; i++) {
		size_t got = 0;

		if (!b->entries[i].sha256[0])
			continue;
		if (bundle_copy_entry(b, i, discard, &got, &e) < 0 ||
		    got != b->entries[i].size)
			abort();
	}
	bundle_close(b);
	ch_findings_free(&f);
	return 0;
}
