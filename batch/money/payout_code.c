/* payout_code.c: the micro-deposit key file and the code derived and
 * hashed with it (see payout.h). */
#include "batch/money/payout.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nettle/hmac.h>

#include "common/fsutil.h"
#include "common/text.h"

static int key_path(const batch_config *cfg, char *out, size_t n,
                    ch_error *e)
{
	char *copy = strdup(cfg->database);
	int rc = 0;

	if (!copy)
		return ch_fail(e, NULL, 0, "out of memory");
	if ((size_t)snprintf(out, n, "%s/verification.key", dirname(copy)) >= n)
		rc = ch_fail(e, cfg->database, 0, "path too long");
	free(copy);
	return rc;
}

int payout_random(unsigned char *p, size_t n, ch_error *e)
{
	while (n) {
		ssize_t k = getrandom(p, n, 0);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return ch_fail(e, NULL, 0, "getrandom: %s", strerror(errno));
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

int payout_key_create(const batch_config *cfg, ch_error *e)
{
	char path[4096];
	unsigned char key[PAYOUT_KEY_LEN];
	int fd, rc = -1;

	if (key_path(cfg, path, sizeof path, e) < 0)
		return -1;
	if (access(path, F_OK) == 0)
		return 0;
	if (payout_random(key, sizeof key, e) < 0)
		return -1;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		ch_fail(e, path, 0, "cannot create the key file: %s", strerror(errno));
		goto out;
	}
	if (ch_pwrite_all(fd, key, sizeof key, 0) < 0 || fsync(fd) < 0) {
		ch_fail(e, path, 0, "cannot write the key file: %s", strerror(errno));
		close(fd);
		unlink(path);
		goto out;
	}
	close(fd);
	rc = 0;
out:
	memset(key, 0, sizeof key);
	return rc;
}

int payout_key_load(const batch_config *cfg, unsigned char key[PAYOUT_KEY_LEN],
                    ch_error *e)
{
	char path[4096];
	struct stat st;
	ssize_t k;
	int fd;

	if (key_path(cfg, path, sizeof path, e) < 0)
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0)
		return ch_fail(e, path, 0, "cannot open the key file: %s",
		               strerror(errno));
	if (fstat(fd, &st) < 0 || (st.st_mode & 077)) {
		close(fd);
		return ch_fail(e, path, 0, "the key file must be readable by its "
		               "owner alone (chmod 600)");
	}
	k = read(fd, key, PAYOUT_KEY_LEN);
	close(fd);
	if (k != PAYOUT_KEY_LEN)
		return ch_fail(e, path, 0, "the key file is not %d bytes",
		               PAYOUT_KEY_LEN);
	return 1;
}

int payout_key_need(const batch_config *cfg, unsigned char key[PAYOUT_KEY_LEN],
                    ch_error *e)
{
	int k = payout_key_load(cfg, key, e);

	if (k == 0)
		return ch_fail(e, cfg->database, 0,
		               "no verification key: run certhall-batch init");
	return k < 0 ? -1 : 0;
}

void payout_code(const unsigned char key[PAYOUT_KEY_LEN], const char *nonce,
                 char code[PAYOUT_CODE_LEN + 1])
{
	static const char A[] = PAYOUT_ALPHABET;
	const size_t na = sizeof A - 1;
	unsigned char d[SHA256_DIGEST_SIZE];
	struct hmac_sha256_ctx h;
	size_t n = 0;

	/* Bytes >= a multiple of the alphabet's size are skipped, so every
	 * character is equally likely; a next round when they run out. */
	for (unsigned char round = 0; n < PAYOUT_CODE_LEN; round++) {
		hmac_sha256_set_key(&h, PAYOUT_KEY_LEN, key);
		hmac_sha256_update(&h, 13, (const uint8_t *)"certhall code");
		hmac_sha256_update(&h, 1, &round);
		hmac_sha256_update(&h, strlen(nonce), (const uint8_t *)nonce);
		hmac_sha256_digest(&h, sizeof d, d);
		for (size_t i = 0; i < sizeof d && n < PAYOUT_CODE_LEN; i++)
			if (d[i] < 256 - 256 % na)
				code[n++] = A[d[i] % na];
	}
	code[n] = '\0';
	memset(d, 0, sizeof d);
	memset(&h, 0, sizeof h);
}

void payout_code_hash(const unsigned char key[PAYOUT_KEY_LEN],
                      long long payout_id, const char *typed, char hex[65])
{
	unsigned char d[SHA256_DIGEST_SIZE];
	struct hmac_sha256_ctx h;
	char id[32], folded[64];
	char *f = ch_fold_fullwidth(typed);
	size_t n = 0;

	for (const char *p = f ? f : ""; *p && n + 1 < sizeof folded; p++)
		if (*p != ' ' && *p != '\t' && *p != '-')
			folded[n++] = (*p >= 'a' && *p <= 'z') ? (char)(*p - 32) : *p;
	folded[n] = '\0';
	free(f);
	snprintf(id, sizeof id, "%lld", payout_id);
	hmac_sha256_set_key(&h, PAYOUT_KEY_LEN, key);
	hmac_sha256_update(&h, 15, (const uint8_t *)"certhall verify");
	hmac_sha256_update(&h, strlen(id) + 1, (const uint8_t *)id);
	hmac_sha256_update(&h, n, (const uint8_t *)folded);
	hmac_sha256_digest(&h, sizeof d, d);
	for (size_t i = 0; i < sizeof d; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	memset(folded, 0, sizeof folded);
	memset(d, 0, sizeof d);
	memset(&h, 0, sizeof h);
}
