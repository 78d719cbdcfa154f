/* amount.h: money as statements write it, read into integer fen without
 * floating point. Accepted: spaces and tabs around, thousands separators
 * ("1,234.50"), a leading + or -, parentheses for negatives ("(12.00)",
 * also full-width), a ¥/￥ sign or a trailing 元, at most two decimals
 * (further decimals only if zero: "1.80000"). "", "-", "--" and "—" mean
 * no amount. */
#ifndef BATCH_MONEY_AMOUNT_H
#define BATCH_MONEY_AMOUNT_H

#include <stddef.h>

/* The largest magnitude accepted: a trillion yuan, far beyond any
 * statement, and far from overflowing long long in sums. */
#define MONEY_MAX_FEN 100000000000000LL

enum { MONEY_NONE = 1 };

/* Reads s[0..n) into *fen (signed). Returns 0 for an amount, MONEY_NONE
 * for an empty cell, -1 when it is not an amount. */
int money_parse_fen(const char *s, size_t n, long long *fen);

/* Writes fen as yuan with two decimals ("-1234.50") into out. */
void money_format(long long fen, char out[32]);

#endif
