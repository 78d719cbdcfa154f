/* The document store: content-addressed, private, atomic, idempotent. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "batch/intake/store.h"
#include "common/sha256.h"

static char dir[] = "/tmp/certhall-store-XXXXXX";
static char root[256];

static void setup(void)
{
	ch_error e;
	cr_assert(mkdtemp(dir));
	snprintf(root, sizeof root, "%s/store", dir);
	cr_assert_eq(store_init(root, &e), 0, "%s", e.msg);
}

static void teardown(void)
{
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

static int tmp_files(void)
{
	char p[300];
	DIR *d;
	struct dirent *de;
	int n = 0;

	snprintf(p, sizeof p, "%s/tmp", root);
	d = opendir(p);
	if (!d)
		return 0;
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

static int put(const char *data, size_t len, const char *expect, char sha[65])
{
	store_tx *tx;
	ch_error e;

	cr_assert_eq(store_begin(root, &tx, &e), 0, "%s", e.msg);
	/* In small pieces, as bundle_copy_entry hands them over. */
	for (size_t i = 0; i < len; i += 1000)
		cr_assert_eq(store_write(tx, data + i, len - i < 1000 ? len - i : 1000), 0);
	return store_commit(tx, expect, sha, &e);
}

TestSuite(store, .init = setup, .fini = teardown);

Test(store, document_lands_under_its_hash_privately)
{
	const char *doc = "%PDF-1.4 a made-up scan %%EOF";
	char sha[65], want[65], p[512], got[64] = {0};
	struct stat st;
	FILE *f;

	ch_sha256_buf_hex(doc, strlen(doc), want);
	cr_assert_eq(put(doc, strlen(doc), want, sha), 0);
	cr_assert_str_eq(sha, want);
	cr_assert(store_has(root, sha));
	cr_assert_eq(store_path(root, sha, p, sizeof p), 0);
	cr_assert(strstr(p, sha + 2));
	cr_assert_eq(stat(p, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0600);
	f = fopen(p, "rb");
	cr_assert(f);
	cr_assert_eq(fread(got, 1, sizeof got, f), strlen(doc));
	fclose(f);
	cr_assert_str_eq(got, doc);
	snprintf(p, sizeof p, "%s/%.2s", root, sha);
	cr_assert_eq(stat(p, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0700);
	cr_assert_eq(tmp_files(), 0);
}

Test(store, same_content_twice_is_written_once)
{
	const char *doc = "the same bytes";
	char sha[65], p[512];
	struct stat a, b;

	cr_assert_eq(put(doc, strlen(doc), NULL, sha), 0);
	store_path(root, sha, p, sizeof p);
	cr_assert_eq(stat(p, &a), 0);
	cr_assert_eq(put(doc, strlen(doc), NULL, sha), 0);
	cr_assert_eq(stat(p, &b), 0);
	cr_assert_eq(a.st_ino, b.st_ino);
	cr_assert_eq(tmp_files(), 0);
}

Test(store, wrong_hash_stores_nothing)
{
	const char *doc = "changed under us";
	char sha[65], other[65];

	ch_sha256_buf_hex("something else", 14, other);
	cr_assert_eq(put(doc, strlen(doc), other, sha), -1);
	ch_sha256_buf_hex(doc, strlen(doc), sha);
	cr_assert_not(store_has(root, sha));
	cr_assert_eq(tmp_files(), 0);
}

Test(store, large_document_streams)
{
	size_t len = 5u << 20;
	char *big = malloc(len), sha[65], want[65];

	cr_assert(big);
	for (size_t i = 0; i < len; i++)
		big[i] = (char)(i * 2654435761u >> 13);
	ch_sha256_buf_hex(big, len, want);
	cr_assert_eq(put(big, len, want, sha), 0);
	cr_assert(store_has(root, want));
	free(big);
}

Test(store, names_are_only_hashes)
{
	char p[512];

	cr_assert_eq(store_path(root, "../../etc/passwd", p, sizeof p), -1);
	cr_assert_not(store_has(root, "../../etc/passwd"));
}

Test(store, abort_leaves_nothing)
{
	store_tx *tx;
	ch_error e;

	cr_assert_eq(store_begin(root, &tx, &e), 0, "%s", e.msg);
	cr_assert_eq(store_write(tx, "abc", 3), 0);
	store_abort(tx);
	cr_assert_eq(tmp_files(), 0);
}

Test(store, several_published_together)
{
	const char *docs[] = {"first scan", "second scan", "first scan"};
	store_tx *txs[3];
	char sha[3][65];
	ch_error e;

	for (int i = 0; i < 3; i++) {
		cr_assert_eq(store_begin(root, &txs[i], &e), 0, "%s", e.msg);
		cr_assert_eq(store_write(txs[i], docs[i], strlen(docs[i])), 0);
		cr_assert_eq(store_finish(txs[i], NULL, sha[i], &e), 0, "%s", e.msg);
		cr_assert_not(store_has(root, sha[i]));
	}
	cr_assert_eq(store_publish(txs, 3, &e), 0, "%s", e.msg);
	for (int i = 0; i < 3; i++)
		cr_assert(store_has(root, sha[i]));
	cr_assert_str_eq(sha[0], sha[2]);
	cr_assert_eq(tmp_files(), 0);
}

/* The bundle reader hashes what it hands over: the store names the file
 * after that hash without hashing it again, and refuses to go without. */
Test(store, hashed_by_the_caller)
{
	const char *doc = "%PDF-1.4 hashed by the reader %%EOF";
	store_tx *tx;
	char want[65], sha[65], p[512];
	ch_error e;

	ch_sha256_buf_hex(doc, strlen(doc), want);
	cr_assert_eq(store_begin_hashed(root, &tx, &e), 0, "%s", e.msg);
	cr_assert_eq(store_write(tx, doc, strlen(doc)), 0);
	cr_assert_eq(store_finish(tx, want, sha, &e), 0, "%s", e.msg);
	cr_assert_str_eq(sha, want);
	cr_assert_eq(store_publish(&tx, 1, &e), 0, "%s", e.msg);
	cr_assert(store_has(root, want));
	cr_assert_eq(store_path(root, want, p, sizeof p), 0);
	cr_assert_eq(tmp_files(), 0);

	cr_assert_eq(store_begin_hashed(root, &tx, &e), 0, "%s", e.msg);
	cr_assert_eq(store_write(tx, doc, strlen(doc)), 0);
	cr_assert_eq(store_finish(tx, NULL, sha, &e), -1);
	cr_assert_eq(tmp_files(), 0);
}

/* A document already stored is dropped before any sync or rename. */
Test(store, present_document_is_not_written_again)
{
	const char *doc = "the same scan twice";
	store_tx *tx;
	char sha[65], again[65];
	ch_error e;

	cr_assert_eq(put(doc, strlen(doc), NULL, sha), 0);
	cr_assert_eq(store_begin(root, &tx, &e), 0, "%s", e.msg);
	cr_assert_eq(store_write(tx, doc, strlen(doc)), 0);
	cr_assert_eq(store_finish(tx, sha, again, &e), 0, "%s", e.msg);
	cr_assert_eq(store_publish(&tx, 1, &e), 0, "%s", e.msg);
	cr_assert(store_has(root, sha));
	cr_assert_eq(tmp_files(), 0);
}
