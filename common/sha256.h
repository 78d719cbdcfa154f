/* sha256.h: SHA-256 through nettle, with hex output. */
#ifndef CH_SHA256_H
#define CH_SHA256_H

#include <nettle/sha2.h>
#include <stddef.h>

typedef struct ch_sha256 {
	struct sha256_ctx ctx;
} ch_sha256;

void ch_sha256_init(ch_sha256 *h);
void ch_sha256_update(ch_sha256 *h, const void *p, size_t n);
/* Writes 64 lowercase hex digits and a NUL. */
void ch_sha256_hex(ch_sha256 *h, char out[65]);
void ch_sha256_buf_hex(const void *p, size_t n, char out[65]);

#endif
