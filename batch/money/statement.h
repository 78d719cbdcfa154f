/* statement.h: reading one statement or merchant bill, line by line, in
 * constant memory. The header row is found by matching the layouts'
 * header names (preamble lines before it are searched for the account
 * and opening balance); rows follow until a footer line (合计, #, the
 * WeChat summary), whose totals and balances are read too. Each row is
 * handed to the caller as a stmt_line; a row that cannot be read stops
 * the reading with its line number and the reason. The running balance
 * is checked where the export has one, and the file's own totals
 * against the sums of its rows. */
#ifndef BATCH_MONEY_STATEMENT_H
#define BATCH_MONEY_STATEMENT_H

#include <stdio.h>

#include "batch/money/encoding.h"
#include "batch/money/layout.h"
#include "common/error.h"

typedef struct stmt_line {
	int line_no;           /* the record's first line in the file */
	const char *raw;       /* the record as written, in UTF-8 */
	const char *serial;    /* "" when the export has none */
	char date[11];         /* YYYY-MM-DD */
	char time[9];          /* HH:MM:SS or "" */
	int credit;            /* 1 money in, 0 money out */
	long long amount_fen;  /* > 0 */
	int has_balance;
	long long balance_fen;
	const char *cp_name;   /* "" when none */
	const char *cp_account;
	const char *cp_bank;
	const char *memo;
	const char *order_no;  /* 商户订单号 */
	const char *kind;      /* normal, reversal, returned or refund */
} stmt_line;

/* Findings about a file that was read (warnings: a balance gap, a
 * doubled line, totals that disagree). The list owns its strings and
 * keeps at most STMT_FINDINGS_MAX; `dropped` counts the rest. */
#define STMT_FINDINGS_MAX 100
typedef struct stmt_finding {
	char *code;
	char *level;   /* "error" or "warning" */
	char *where;   /* "line 12", or "" */
	char *message;
} stmt_finding;

typedef struct stmt_findings {
	stmt_finding v[STMT_FINDINGS_MAX];
	size_t n;
	size_t dropped;
} stmt_findings;

void stmt_finding_add(stmt_findings *f, const char *code, const char *level,
                      int line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void stmt_findings_free(stmt_findings *f);

typedef struct stmt_info {
	const layout *layout;  /* NULL until the header row is found */
	int header_line;
	long long lines_read;  /* rows handed to on_line */
	unsigned char delim;
	int has[LS_NSUMS];     /* the file's own figures, where it gives them */
	long long sum[LS_NSUMS];
	char account[65];
	long long debit_fen;   /* the sums of the rows read */
	long long credit_fen;
	stmt_findings findings;
} stmt_info;

typedef struct stmt_cb {
	/* Called once, when the header row is found. */
	int (*on_layout)(void *ctx, const stmt_info *info, ch_error *e);
	/* Called for each row; -1 (e filled) stops the reading. */
	int (*on_line)(void *ctx, const stmt_line *line, ch_error *e);
	void *ctx;
} stmt_cb;

enum { STMT_OK = 0, STMT_REFUSED = 1 };

/* Reads f (encoding enc, as enc_scan found) as `name`. STMT_OK, or
 * STMT_REFUSED with the reason in e (the file's fault: no layout matches,
 * a line cannot be read), or -1 (e filled) when a callback failed or the
 * system did. info is filled in every case; the caller frees its
 * findings. */
int stmt_read(FILE *f, const char *name, stmt_encoding enc,
              const layouts *ls, const stmt_cb *cb, stmt_info *info,
              ch_error *e);

#endif
