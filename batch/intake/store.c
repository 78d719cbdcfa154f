/* store.c: the content-addressed document store (see store.h). */
#include "batch/intake/store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fsutil.h"
#include "common/sha256.h"

struct store_tx {
	char root[4096];
	char tmp[4200];
	int fd;
	int failed_errno; /* the first write error, reported at commit */
	int staged;       /* tmp is <root>/staged/<sha>, synced */
	int renamed;      /* in place under its hash */
	int trusted;      /* the caller hashes; see store_begin_hashed */
	char sha[65];     /* set by store_finish */
	ch_sha256 hash;
};

static int is_hash(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return i == 64;
}

int store_init(const char *root, ch_error *e)
{
	return ch_mkdirs(root, 0700, e);
}

int store_path(const char *root, const char *sha256, char *out, size_t n)
{
	int k;

	if (!is_hash(sha256))
		return -1;
	k = snprintf(out, n, "%s/%.2s/%s", root, sha256, sha256 + 2);
	return k < 0 || (size_t)k >= n ? -1 : 0;
}

int store_has(const char *root, const char *sha256)
{
	char p[4200];
	struct stat st;

	if (store_path(root, sha256, p, sizeof p) < 0)
		return 0;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static int begin(const char *root, int trusted, store_tx **out, ch_error *e)
{
	store_tx *tx;
	char dir[4200];

	*out = NULL;
	tx = calloc(1, sizeof *tx);
	if (!tx)
		return ch_fail(e, root, 0, "out of memory");
	tx->fd = -1;
	tx->trusted = trusted;
	if (snprintf(tx->root, sizeof tx->root, "%s", root) >= (int)sizeof tx->root)
		goto toolong;
	/* Temporary files live in the store so that the rename stays on one
	 * file system; a crash leaves at most one in tmp/, never a document
	 * under a hash it does not have. */
	snprintf(dir, sizeof dir, "%s/tmp", root);
	if (ch_mkdirs(dir, 0700, e) < 0)
		goto fail;
	snprintf(tx->tmp, sizeof tx->tmp, "%s/tmp/doc-XXXXXX", root);
	tx->fd = mkstemp(tx->tmp);
	if (tx->fd < 0) {
		ch_fail(e, dir, 0, "cannot create a temporary file: %s",
		        strerror(errno));
		goto fail;
	}
	ch_sha256_init(&tx->hash);
	*out = tx;
	return 0;
toolong:
	ch_fail(e, root, 0, "store path too long");
fail:
	free(tx);
	return -1;
}

int store_begin(const char *root, store_tx **out, ch_error *e)
{
	return begin(root, 0, out, e);
}

int store_begin_hashed(const char *root, store_tx **out, ch_error *e)
{
	return begin(root, 1, out, e);
}

int store_write(void *ctx, const void *p, size_t n)
{
	store_tx *tx = ctx;
	const char *c = p;

	if (tx->failed_errno) {
		errno = tx->failed_errno;
		return -1;
	}
	if (!tx->trusted)
		ch_sha256_update(&tx->hash, p, n);
	while (n > 0) {
		ssize_t w = write(tx->fd, c, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			tx->failed_errno = errno;
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

int store_write_error(const store_tx *tx, ch_error *e)
{
	return ch_fail(e, tx->tmp, 0, "cannot write to the document store: %s",
	               strerror(tx->failed_errno ? tx->failed_errno : EIO));
}

/* Frees tx; its file is removed unless keep_staged and it is staged. */
static void release(store_tx *tx, int keep_staged)
{
	if (!tx)
		return;
	if (tx->fd >= 0)
		close(tx->fd);
	if (tx->tmp[0] && !(keep_staged && tx->staged))
		unlink(tx->tmp);
	free(tx);
}

void store_abort(store_tx *tx)
{
	release(tx, 0);
}

void store_release(store_tx *tx)
{
	release(tx, 1);
}

/* Removes tx's file now: its document needs no keeping. */
static void drop(store_tx *tx)
{
	if (tx->fd >= 0)
		close(tx->fd);
	tx->fd = -1;
	if (tx->tmp[0])
		unlink(tx->tmp);
	tx->tmp[0] = '\0';
}

int store_finish(store_tx *tx, const char *expect, char sha_out[65],
                 ch_error *e)
{
	if (tx->trusted) {
		/* The caller hashed exactly the bytes it gave store_write, in
		 * this process; a second hash here would only repeat it. */
		if (!expect || !is_hash(expect)) {
			ch_fail(e, tx->root, 0, "a document without its hash");
			goto fail;
		}
		memcpy(tx->sha, expect, 65);
	} else {
		ch_sha256_hex(&tx->hash, tx->sha);
	}
	if (tx->failed_errno) {
		ch_fail(e, tx->tmp, 0, "cannot write: %s", strerror(tx->failed_errno));
		goto fail;
	}
	if (expect && strcmp(expect, tx->sha) != 0) {
		ch_fail(e, tx->root, 0, "document changed while read (%.12s… != %.12s…)",
		        tx->sha, expect);
		goto fail;
	}
	if (sha_out)
		memcpy(sha_out, tx->sha, 65);
	return 0;
fail:
	store_abort(tx);
	return -1;
}

/* Syncs each new file (contents) or each folder a file was renamed into
 * (names), each folder once. Only what this batch wrote is waited for:
 * syncfs() measured no faster and would wait for every other writer of
 * the file system too. */
static int sync_all(store_tx **txs, size_t n, int contents, ch_error *e)
{
	char dir[4200];

	for (size_t i = 0; i < n; i++) {
		int seen = 0;
		for (size_t k = 0; k < i && !contents && !seen; k++)
			seen = txs[k]->renamed && !strncmp(txs[k]->sha, txs[i]->sha, 2);
		if (seen)
			continue;
		if (contents && txs[i]->tmp[0] && !txs[i]->staged &&
		    fsync(txs[i]->fd) < 0)
			return ch_fail(e, txs[i]->tmp, 0, "cannot fsync: %s",
			               strerror(errno));
		if (!contents && txs[i]->renamed) {
			snprintf(dir, sizeof dir, "%s/%.2s", txs[i]->root, txs[i]->sha);
			if (ch_fsync_dir(dir, e) < 0)
				return -1;
		}
	}
	return 0;
}

/* 1 if an earlier tx of the batch holds the same document. */
static int earlier_twin(store_tx **txs, size_t i)
{
	for (size_t k = 0; k < i; k++)
		if (txs[k]->tmp[0] && !strcmp(txs[k]->sha, txs[i]->sha))
			return 1;
	return 0;
}

int store_stage(store_tx **txs, size_t n, ch_error *e)
{
	char dir[4200], dest[4300];
	int moved = 0;

	/* A document already stored, or twice in the batch, needs neither a
	 * sync nor a name. */
	for (size_t i = 0; i < n; i++)
		if (txs[i]->tmp[0] && !txs[i]->staged &&
		    (store_has(txs[i]->root, txs[i]->sha) || earlier_twin(txs, i)))
			drop(txs[i]);
	/* Contents first: a document gets its hash's name only once its
	 * bytes are on disk, so the store never holds a short file under a
	 * name that promises more. */
	if (sync_all(txs, n, 1, e) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		store_tx *tx = txs[i];
		if (!tx->tmp[0] || tx->staged)
			continue;
		snprintf(dir, sizeof dir, "%s/" STORE_STAGED, tx->root);
		if (!moved && ch_mkdirs(dir, 0700, e) < 0)
			return -1;
		if ((size_t)snprintf(dest, sizeof dest, "%s/%s", dir, tx->sha) >=
		    sizeof tx->tmp)
			return ch_fail(e, tx->root, 0, "store path too long");
		if (rename(tx->tmp, dest) < 0)
			return ch_fail(e, dest, 0, "cannot stage a document: %s",
			               strerror(errno));
		memcpy(tx->tmp, dest, strlen(dest) + 1);
		tx->staged = 1;
		moved = 1;
	}
	return moved ? ch_fsync_dir(dir, e) : 0;
}

/* Moves one staged document (staged names the file) into place under its
 * hash; a copy already in place makes it a duplicate to remove. Sets
 * *created when it made the <ab> folder. */
static int publish_one(const char *root, const char *staged, const char *sha,
                       int *created, ch_error *e)
{
	char dir[4200], dest[4200];
	struct stat st;

	if (store_has(root, sha)) {
		if (unlink(staged) < 0 && errno != ENOENT)
			return ch_fail(e, staged, 0, "cannot remove: %s", strerror(errno));
		return 0;
	}
	snprintf(dir, sizeof dir, "%s/%.2s", root, sha);
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		*created = 1;
		if (ch_mkdirs(dir, 0700, e) < 0)
			return -1;
	}
	if (store_path(root, sha, dest, sizeof dest) < 0)
		return ch_fail(e, root, 0, "store path too long");
	if (rename(staged, dest) < 0)
		return ch_fail(e, dest, 0, "cannot publish a document: %s",
		               strerror(errno));
	return 1;
}

int store_publish(store_tx **txs, size_t n, ch_error *e)
{
	int created = 0, rc = -1, r;
	size_t i;

	if (store_stage(txs, n, e) < 0)
		goto out;
	for (i = 0; i < n; i++) {
		store_tx *tx = txs[i];
		if (!tx->tmp[0])
			continue;
		r = publish_one(tx->root, tx->tmp, tx->sha, &created, e);
		if (r < 0)
			goto out;
		tx->tmp[0] = '\0';
		tx->renamed = r;
	}
	/* Then the names. */
	if (sync_all(txs, n, 0, e) < 0)
		goto out;
	if (created && n && ch_fsync_dir(txs[0]->root, e) < 0)
		goto out;
	rc = 0;
out:
	/* What could not be published stays staged: the caller may have
	 * committed a record of it, and store_recover decides. */
	for (i = 0; i < n; i++)
		release(txs[i], 1);
	return rc;
}

int store_recover(const char *root,
                  int (*referenced)(void *ctx, const char *sha, ch_error *e),
                  void *ctx, size_t *published, size_t *removed, ch_error *e)
{
	char dir[4200], p[4500];
	DIR *d = NULL;
	struct dirent *de;
	int created = 0, rc = -1, r;

	*published = *removed = 0;
	/* Unfinished files of a run that was killed while reading: their
	 * bundles were not recorded and are still where they were. */
	snprintf(dir, sizeof dir, "%s/tmp", root);
	d = opendir(dir);
	if (!d && errno != ENOENT)
		return ch_fail(e, dir, 0, "cannot open folder: %s", strerror(errno));
	while (d && (de = readdir(d)))
		if (!strncmp(de->d_name, "doc-", 4)) {
			snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
			if (unlink(p) < 0 && errno != ENOENT) {
				ch_fail(e, p, 0, "cannot remove: %s", strerror(errno));
				goto out;
			}
			(*removed)++;
		}
	if (d)
		closedir(d);
	snprintf(dir, sizeof dir, "%s/" STORE_STAGED, root);
	d = opendir(dir);
	if (!d) {
		if (errno == ENOENT)
			return 0;
		return ch_fail(e, dir, 0, "cannot open folder: %s", strerror(errno));
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
		r = is_hash(de->d_name) ? referenced(ctx, de->d_name, e) : 0;
		if (r < 0)
			goto out;
		if (r == 0) {
			if (unlink(p) < 0 && errno != ENOENT) {
				ch_fail(e, p, 0, "cannot remove: %s", strerror(errno));
				goto out;
			}
			(*removed)++;
			continue;
		}
		r = publish_one(root, p, de->d_name, &created, e);
		if (r < 0)
			goto out;
		if (r == 1) {
			char sub[4200];
			snprintf(sub, sizeof sub, "%s/%.2s", root, de->d_name);
			if (ch_fsync_dir(sub, e) < 0)
				goto out;
		}
		(*published)++;
	}
	if (created && ch_fsync_dir(root, e) < 0)
		goto out;
	if ((*published || *removed) && ch_fsync_dir(dir, e) < 0)
		goto out;
	rc = 0;
out:
	if (d)
		closedir(d);
	return rc;
}

int store_commit(store_tx *tx, const char *expect, char sha_out[65],
                 ch_error *e)
{
	if (store_finish(tx, expect, sha_out, e) < 0)
		return -1;
	return store_publish(&tx, 1, e);
}
