/* payout.h: micro-deposits (小额打款, FAQ 六): the verification code, the
 * key it is derived and hashed with, and the batch-transfer file finance
 * uploads to the bank's corporate portal.
 *
 * The code is never stored. Each payout draws a 16-byte nonce from
 * getrandom() at export; its code is six characters of HMAC-SHA256(key,
 * nonce) over an alphabet without look-alikes, and only HMAC-SHA256(key,
 * payout id and code) is kept to check it. So `payouts export --batch ID`
 * can print an earlier file again, while the database (and its backups)
 * without the key file yields neither the codes nor a way to try the
 * 31^6 of them offline. The key file (beside the database,
 * verification.key, 0600) is made by init. */
#ifndef BATCH_MONEY_PAYOUT_H
#define BATCH_MONEY_PAYOUT_H

#include <stdio.h>
#include <sqlite3.h>

#include "batch/context.h"

#define PAYOUT_CODE_LEN 6
#define PAYOUT_KEY_LEN 32
#define PAYOUT_ALPHABET "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
#define PAYOUT_DEFAULT_FEN 1
#define PAYOUT_ATTEMPTS 5
#define PAYOUT_EXPIRY "+10 days"
/* The notice's reason when a code expires unused (PAYOUT_EXPIRY). */
#define PAYOUT_EXPIRED_REASON "验证码已过期（十日内未验证）"

/* n bytes from getrandom(); 0, or -1 and e. */
int payout_random(unsigned char *p, size_t n, ch_error *e);
/* Creates the key file when absent (0600, random bytes); 0 or -1. */
int payout_key_create(const batch_config *cfg, ch_error *e);
/* 1 read, 0 no key file yet, -1 error. */
int payout_key_load(const batch_config *cfg, unsigned char key[PAYOUT_KEY_LEN],
                    ch_error *e);
/* The same for a command that cannot go on without the key: 0 read, or
 * -1 and e (a missing key file says to run init). */
int payout_key_need(const batch_config *cfg, unsigned char key[PAYOUT_KEY_LEN],
                    ch_error *e);

void payout_code(const unsigned char key[PAYOUT_KEY_LEN], const char *nonce,
                 char code[PAYOUT_CODE_LEN + 1]);
/* The keyed hash of what was typed, folded (case, full-width, spaces). */
void payout_code_hash(const unsigned char key[PAYOUT_KEY_LEN],
                      long long payout_id, const char *typed, char hex[65]);

/* Writes a new batch of the pending payouts (batch_id 0) or prints batch
 * batch_id again, to path (NULL: out) in GB18030. amount_fen is each new
 * payout's amount. A new batch also carries the PIN transfers waiting
 * (pin_payouts, batch/review/issued.h), each PIN in its memo and erased
 * from its row as it is written, so a reprint leaves them out.
 * *written: payouts in the file. A payout held back (account details
 * empty or formula-like) is named on warn. 0, or -1. */
int payout_export(batch_ctx *ctx, sqlite3 *db, const char *path, FILE *out,
                  long long batch_id, long long amount_fen,
                  long long *batch_out, long long *written, FILE *warn,
                  ch_error *e);

#endif
