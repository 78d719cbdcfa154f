/* bundle_open on bundles written here with libzip: what it records of a
 * good one, what a sink and bundle_copy_entry get, and that cutting a bundle
 * anywhere or flipping its bytes gives findings, never a crash. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "batch/intake/bundle.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include "common/sha256.h"

#define SCHEMA "content/forms/application.yaml"

static const char APP[] =
	"{\"format\":\"certhall-application/1\",\"application_id\":\"K7QD-2MPE-X9A3\","
	"\"revision\":1,\"submitted_at\":\"2026-11-23T14:05:00+08:00\","
	"\"certificates\":{\"organization_years\":2,\"personal\":[{\"name\":\"张测试\","
	"\"id_number\":\"14010519850312123X\",\"mobile\":\"13712345678\",\"years\":1}]},"
	"\"organization\":{\"name\":\"山西示例科技有限公司\",\"id_type\":\"uscc\","
	"\"id_number\":\"91140100MA0K1234X9\",\"city\":\"太原市\",\"address\":\"示例路 1 号\"},"
	"\"auth_method\":\"bank\",\"legal_representative\":{\"name\":\"李示例\","
	"\"id_number\":\"140105197001014560\",\"mobile\":\"13912345678\"},"
	"\"handler\":{\"name\":\"王示例\",\"id_number\":\"140106199005207891\","
	"\"mobile\":\"13812345678\",\"email\":\"w@example.com\",\"position\":\"行政专员\"},"
	"\"bank_account\":{\"name\":\"山西示例科技有限公司\",\"bank\":\"中国工商银行太原分行\","
	"\"number\":\"0502 1234 5678 9012 345\"},\"mailing\":{\"region\":[\"山西省\","
	"\"太原市\",\"小店区\"],\"address\":\"示例路 1 号\",\"postcode\":\"030000\"},"
	"\"invoice\":{\"type\":\"none\"},\"payment_method\":\"transfer\","
	"\"documents\":[{\"kind\":\"authorization_letter\",\"file\":\"a.pdf\"},"
	"{\"kind\":\"business_license\",\"file\":\"b.pdf\"},"
	"{\"kind\":\"id_copy\",\"file\":\"c.pdf\",\"person\":0},"
	"{\"kind\":\"stamp_form\",\"file\":\"d.pdf\"}]}";

static ch_schema *schema;
static char dir[64];

static void setup(void)
{
	char *text;
	size_t len;
	ch_error e;

	cr_assert_eq(ch_read_file(SCHEMA, 1 << 20, &text, &len, &e), 0, "%s", e.msg);
	cr_assert_eq(ch_schema_load(text, len, SCHEMA, &schema, &e), 0, "%s", e.msg);
	free(text);
	strcpy(dir, "/tmp/certhall-bundle-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
	ch_error e;

	ch_schema_free(schema);
	ch_remove_tree(dir, &e);
}

/* A PDF of n bytes (n >= 16) whose body does not compress much, as real
 * scans do not: a ratio over 100:1 is refused. */
static char *pdf(size_t n, char fill)
{
	char *p = malloc(n);
	unsigned x = (unsigned char)fill;

	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		p[i] = (char)(x >> 16);
	}
	memcpy(p, "%PDF-1.4\n", 9);
	memcpy(p + n - 6, "%%EOF\n", 6);
	return p;
}

static void add(zip_t *z, const char *name, const void *p, size_t n)
{
	zip_source_t *s = zip_source_buffer(z, p, n, 0);

	cr_assert_not_null(s);
	cr_assert_geq(zip_file_add(z, name, s, ZIP_FL_ENC_UTF_8), 0);
}

/* Writes the good bundle; d.pdf is 300 KiB so that it takes several
 * chunks. Returns the path (static). */
static const char *write_bundle(void)
{
	static char path[128];
	char *a = pdf(100, 'a'), *b = pdf(200, 'b'), *c = pdf(300, 'c'),
	     *d = pdf(300 * 1024, 'd');
	int err;
	zip_t *z;

	snprintf(path, sizeof path, "%s/good.zip", dir);
	z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
	cr_assert_not_null(z);
	add(z, "application.json", APP, strlen(APP));
	add(z, "a.pdf", a, 100);
	add(z, "b.pdf", b, 200);
	add(z, "c.pdf", c, 300);
	add(z, "d.pdf", d, 300 * 1024);
	cr_assert_eq(zip_close(z), 0);
	free(a), free(b), free(c), free(d);
	return path;
}

static int collect(void *ctx, const void *p, size_t n)
{
	ch_buf_append(ctx, p, n);
	return 0;
}

static int refuse(void *ctx, const void *p, size_t n)
{
	return -1;
}

Test(bundle_open, a_good_bundle, .init = setup, .fini = teardown)
{
	const char *path = write_bundle();
	ch_findings f = CH_FINDINGS_INIT;
	ch_error e;
	bundle *b;
	char *bytes, hex[65];
	size_t len;

	cr_assert_eq(bundle_open(path, schema, NULL, 20261124, &b, &f, &e), 0, "%s", e.msg);
	for (size_t i = 0; i < f.n; i++)
		cr_log_error("%s %s", f.v[i].code, f.v[i].where);
	cr_assert_eq(f.n, 0);
	cr_assert_not_null(b->app);
	cr_assert_eq(b->nentries, 4);
	cr_assert_eq(ch_read_file(path, 1 << 24, &bytes, &len, &e), 0);
	ch_sha256_buf_hex(bytes, len, hex);
	free(bytes);
	cr_assert_str_eq(b->sha256, hex);
	for (size_t i = 0; i < b->nentries; i++) {
		ch_buf got = CH_BUF_INIT;

		cr_assert(b->entries[i].listed);
		cr_assert_eq(b->entries[i].type, DOC_PDF);
		cr_assert_eq(bundle_copy_entry(b, i, collect, &got, &e), 0, "%s", e.msg);
		cr_assert_eq(got.len, b->entries[i].size);
		ch_sha256_buf_hex(got.data, got.len, hex);
		cr_assert_str_eq(hex, b->entries[i].sha256);
		ch_buf_free(&got);
	}
	cr_assert_str_eq(b->entries[3].name, "d.pdf");
	cr_assert_eq(b->entries[3].size, 300 * 1024);
	cr_assert_eq(bundle_copy_entry(b, 0, refuse, NULL, &e), -1);
	cr_assert_eq(bundle_copy_entry(b, 99, collect, NULL, &e), -1);
	bundle_close(b);
	ch_findings_free(&f);
}

/* A sink that keeps each document it is given. */
typedef struct kept {
	ch_buf doc[8];
	char name[8][32];
	int ended_ok[8];
	size_t n;
	int open, fail_write;
} kept;

static int k_begin(void *ctx, const bundle_entry *en, void **doc, ch_error *e)
{
	kept *k = ctx;

	ch_buf fresh = CH_BUF_INIT;

	cr_assert_lt(k->n, 8);
	cr_assert_not(k->open);
	k->open = 1;
	k->doc[k->n] = fresh;
	snprintf(k->name[k->n], sizeof k->name[0], "%s", en->name);
	*doc = &k->doc[k->n];
	return 0;
}

static int k_write(void *ctx, void *doc, const void *p, size_t n, ch_error *e)
{
	kept *k = ctx;

	if (k->fail_write)
		return ch_fail(e, NULL, 0, "disk full");
	cr_assert_eq(doc, &k->doc[k->n]);
	ch_buf_append(doc, p, n);
	return 0;
}

static int k_end(void *ctx, void *doc, const bundle_entry *en, int ok,
                 ch_error *e)
{
	kept *k = ctx;

	cr_assert(k->open);
	k->open = 0;
	k->ended_ok[k->n++] = ok;
	return 0;
}

Test(bundle_open, sink_gets_each_listed_document_once, .init = setup,
     .fini = teardown)
{
	const char *path = write_bundle();
	ch_findings f = CH_FINDINGS_INIT;
	kept k;
	bundle_sink sink = {k_begin, k_write, k_end, &k};
	ch_error e;
	bundle *b;
	char hex[65];
	int err;
	zip_t *z = zip_open(path, 0, &err);

	memset(&k, 0, sizeof k);
	cr_assert_not_null(z);
	add(z, "unlisted.pdf", "%PDF-1.4 not listed %%EOF", 25);
	cr_assert_eq(zip_close(z), 0);
	cr_assert_eq(bundle_open_sink(path, schema, NULL, 20261124, &sink, &b, &f,
	                              &e), 0, "%s", e.msg);
	cr_assert_eq(f.n, 1);
	cr_assert_str_eq(f.v[0].code, "DOC_UNLISTED");
	cr_assert_eq(k.n, 4);
	for (size_t i = 0; i < k.n; i++) {
		const bundle_entry *en = &b->entries[i];

		cr_assert(k.ended_ok[i]);
		cr_assert_str_eq(k.name[i], en->name);
		cr_assert_eq(k.doc[i].len, en->size);
		ch_sha256_buf_hex(k.doc[i].data, k.doc[i].len, hex);
		cr_assert_str_eq(hex, en->sha256);
		ch_buf_free(&k.doc[i]);
	}
	cr_assert_str_eq(b->entries[4].name, "unlisted.pdf");
	cr_assert_not(b->entries[4].listed);
	bundle_close(b);
	ch_findings_free(&f);

	/* A sink that fails ends the opening as a failure of the machine,
	 * and still hears the end of the document it began. */
	memset(&k, 0, sizeof k);
	k.fail_write = 1;
	cr_assert_eq(bundle_open_sink(path, schema, NULL, 20261124, &sink, &b, &f,
	                              &e), -1);
	cr_assert_str_eq(e.msg, "disk full");
	cr_assert_eq(k.n, 1);
	cr_assert_not(k.ended_ok[0]);
	cr_assert_not(k.open);
	ch_buf_free(&k.doc[0]);
	ch_findings_free(&f);
}

Test(bundle_open, limits_are_the_callers, .init = setup, .fini = teardown)
{
	const char *path = write_bundle();
	ch_findings f = CH_FINDINGS_INIT;
	bundle_limits l;
	ch_error e;
	bundle *b;

	bundle_limits_default(&l);
	l.max_entry_bytes = 100 * 1024;
	cr_assert_eq(bundle_open(path, schema, &l, 20261124, &b, &f, &e), 0);
	cr_assert(ch_findings_has(&f, "ZIP_LIMIT"));
	cr_assert_eq(ch_findings_errors(&f), 1);
	bundle_close(b);
	ch_findings_free(&f);
}

/* Every prefix of the bundle is a truncated archive. */
Test(bundle_open, cut_anywhere, .init = setup, .fini = teardown)
{
	const char *path = write_bundle();
	char *bytes, cut[160];
	size_t len;
	ch_error e;

	snprintf(cut, sizeof cut, "%s/cut.zip", dir);
	cr_assert_eq(ch_read_file(path, 1 << 24, &bytes, &len, &e), 0);
	for (size_t n = 0; n < len; n += n < 400 ? 1 : 997) {
		ch_findings f = CH_FINDINGS_INIT;
		bundle *b;
		FILE *fp = fopen(cut, "wb");

		fwrite(bytes, 1, n, fp);
		fclose(fp);
		cr_assert_eq(bundle_open(cut, schema, NULL, 20261124, &b, &f, &e), 0);
		cr_assert(ch_findings_has(&f, "ZIP_UNREADABLE"), "cut at %zu", n);
		bundle_close(b);
		ch_findings_free(&f);
	}
	free(bytes);
}

/* Any byte of the directory flipped: findings or not, no crash, no leak. */
Test(bundle_open, flipped_bytes, .init = setup, .fini = teardown)
{
	const char *path = write_bundle();
	char *bytes, bad[160];
	size_t len;
	ch_error e;

	snprintf(bad, sizeof bad, "%s/bad.zip", dir);
	cr_assert_eq(ch_read_file(path, 1 << 24, &bytes, &len, &e), 0);
	for (size_t i = len > 400 ? len - 400 : 0; i < len; i++) {
		ch_findings f = CH_FINDINGS_INIT;
		bundle *b;
		FILE *fp = fopen(bad, "wb");

		bytes[i] ^= 0xFF;
		fwrite(bytes, 1, len, fp);
		fclose(fp);
		bytes[i] ^= 0xFF;
		cr_assert_eq(bundle_open(bad, schema, NULL, 20261124, &b, &f, &e), 0,
		             "byte %zu: %s", i, e.msg);
		bundle_close(b);
		ch_findings_free(&f);
	}
	free(bytes);
}

Test(bundle_open, machine_errors_are_errors, .init = setup, .fini = teardown)
{
	ch_findings f = CH_FINDINGS_INIT;
	ch_error e;
	bundle *b = (bundle *)1;

	cr_assert_eq(bundle_open("/nonexistent/x.zip", schema, NULL, 0, &b, &f, &e), -1);
	cr_assert_null(b);
	cr_assert_str_eq(e.file, "/nonexistent/x.zip");
	cr_assert_eq(bundle_open(dir, schema, NULL, 0, &b, &f, &e), -1);
	cr_assert_eq(f.n, 0);
}

Test(bundle_check_json, bare_file, .init = setup, .fini = teardown)
{
	ch_findings f = CH_FINDINGS_INIT;
	char path[160];
	json_t *app;
	ch_error e;
	FILE *fp;

	snprintf(path, sizeof path, "%s/application.json", dir);
	fp = fopen(path, "wb");
	fputs("\xEF\xBB\xBF", fp);
	fputs(APP, fp);
	fclose(fp);
	cr_assert_eq(bundle_check_json(path, schema, 20261124, &app, &f, &e), 0);
	cr_assert_eq(f.n, 0);
	cr_assert_not_null(app);
	json_decref(app);
	fp = fopen(path, "wb");
	fputs("{\"format\":", fp);
	fclose(fp);
	cr_assert_eq(bundle_check_json(path, schema, 20261124, &app, &f, &e), 0);
	cr_assert_null(app);
	cr_assert(ch_findings_has(&f, "FORM_SYNTAX"));
	ch_findings_free(&f);
}
