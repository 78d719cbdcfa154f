/* sha256.c: SHA-256 through nettle, rendered as lowercase hex. */
#include "common/sha256.h"

void ch_sha256_init(ch_sha256 *h)
{
	sha256_init(&h->ctx);
}

void ch_sha256_update(ch_sha256 *h, const void *p, size_t n)
{
	sha256_update(&h->ctx, n, p);
}

void ch_sha256_hex(ch_sha256 *h, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char d[SHA256_DIGEST_SIZE];

	sha256_digest(&h->ctx, sizeof d, d);
	for (size_t i = 0; i < sizeof d; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[64] = '\0';
}

void ch_sha256_buf_hex(const void *p, size_t n, char out[65])
{
	ch_sha256 h;

	ch_sha256_init(&h);
	ch_sha256_update(&h, p, n);
	ch_sha256_hex(&h, out);
}
