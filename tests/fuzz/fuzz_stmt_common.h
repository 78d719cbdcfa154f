/* The shared body of the statement fuzz targets: any bytes as a statement
 * file, scanned and read with the built-in layouts whose source is
 * FUZZ_SOURCE (bank, wechat or alipay), every line checked for what import
 * relies on and keyed as import keys it. Refusing the bytes is fine;
 * crashing, leaking or handing out a bad line is not. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch/money/import_key.h"
#include "batch/money/statement.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static layouts all;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	ch_error e;
	size_t k = 0;

	if (layouts_load(NULL, &all, &e) < 0) {
		ch_error_print(&e, "fuzz_stmt");
		abort();
	}
	/* Keep the layouts of this target's source only. */
	for (size_t i = 0; i < all.n; i++) {
		if (!strcmp(all.v[i].source, FUZZ_SOURCE))
			all.v[k++] = all.v[i];
		else
			layout_free(&all.v[i]);
	}
	all.n = k;
	return 0;
}

typedef struct fuzz_ctx {
	key_counter keys;
	ch_buf key;
	const layout *lay;
} fuzz_ctx;

static int on_layout(void *ctx, const stmt_info *info, ch_error *e)
{
	((fuzz_ctx *)ctx)->lay = info->layout;
	return 0;
}

static int on_line(void *ctx, const stmt_line *l, ch_error *e)
{
	fuzz_ctx *c = ctx;

	if (l->amount_fen <= 0 || strlen(l->date) != 10 ||
	    (l->time[0] && strlen(l->time) != 8) || !l->raw || !l->serial ||
	    !l->memo || !l->cp_name || !l->order_no || !l->kind)
		abort();
	if (key_make(&c->keys, c->lay->bank, l, &c->key) < 0)
		return ch_fail(e, "", 0, "out of memory");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *f = fmemopen((void *)data, size ? size : 1, "rb");
	stmt_scan scan;
	stmt_info info;
	fuzz_ctx c;
	stmt_cb cb = {on_layout, on_line, &c};
	ch_error e;

	if (!f)
		return 0;
	memset(&c, 0, sizeof c);
	key_init(&c.keys);
	if (size && enc_scan(f, "fuzz", &scan, &e) == 0) {
		rewind(f);
		if (stmt_read(f, "fuzz", scan.encoding, &all, &cb, &info, &e) < 0)
			abort(); /* only a callback or the system may fail */
		stmt_findings_free(&info.findings);
	}
	key_free(&c.keys);
	ch_buf_free(&c.key);
	fclose(f);
	return 0;
}
