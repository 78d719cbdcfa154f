/* names.h: the forms in which reconciliation compares what payers typed
 * with what applicants filed: memo and account keys (full-width folded,
 * upper case, no spaces or dashes), payer names (also without brackets,
 * 有限责任公司 read as 有限公司), and the order numbers a memo carries.
 * The same folds are SQL functions (names_register), so that indexed
 * joins compare like with like. Every returned string is malloc'd and
 * owned by the caller. */
#ifndef BATCH_MONEY_NAMES_H
#define BATCH_MONEY_NAMES_H

#include <sqlite3.h>

#include "batch/orderno.h"

/* NULL when s is NULL or memory runs out. */
char *names_key(const char *s);
char *names_payer(const char *s);

#define NAMES_MAX_TOKENS 8

/* The order numbers in a memo: `valid` those whose check character is
 * right (canonical, no duplicates), `mistyped` what looks like one (SX
 * and 12 to 16 digits or X) but is not. */
typedef struct memo_orders {
	char valid[NAMES_MAX_TOKENS][ORDERNO_LEN + 1];
	int nvalid;
	char mistyped[NAMES_MAX_TOKENS][24];
	int nmistyped;
	int overflow; /* more than NAMES_MAX_TOKENS of either kind */
} memo_orders;

/* -1 when memory runs out. */
int names_memo_orders(const char *memo, memo_orders *out);

/* 1 when a and b (both ORDERNO_LEN long) differ in one character or by
 * one swap of neighbours: how a mistyped number ranks its candidates. */
int names_near(const char *a, const char *b);

/* certhall_key(x) and certhall_payer(x) on db. */
int names_register(sqlite3 *db);

#endif
