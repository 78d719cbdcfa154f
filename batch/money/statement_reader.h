/* statement_reader.h: the state of one statement being read, shared by
 * statement.c (lines and rows) and statement_sums.c (totals, balances);
 * private to them. */
#ifndef BATCH_MONEY_STATEMENT_READER_H
#define BATCH_MONEY_STATEMENT_READER_H

#include "batch/money/csvrow.h"
#include "batch/money/statement.h"
#include "common/buf.h"

typedef enum { ST_PREAMBLE, ST_ROWS, ST_FOOTER } stage;

typedef struct reader {
	const char *name;
	const layouts *ls;
	const stmt_cb *cb;
	stmt_info *info;
	ch_error *e;
	csvrow row;
	int col[LF_NFIELDS];      /* the column of each field, -1 if none */
	size_t memo_cols[16];
	size_t nmemo;
	size_t ncols;             /* cells in the header row */
	ch_buf memo, serial;
	ch_buf preamble;          /* its lines, each ended by a newline */
	ch_buf header;            /* the header row as written */
	char memo_norm[1024], type_norm[256];
	int footer_line;          /* the line that ended the rows */
	/* The pending label row of a summary block (WeChat): the sum each
	 * position's label names, -1 for none. */
	int label_at[64];
	int pending_labels;
	/* The running balance. */
	int have_prev;
	long long prev_balance, prev_signed;
	long long unbalanced;     /* rows without a balance since the last */
	int order;                /* 0 unknown, 1 oldest first, -1 newest first */
	int first_has, last_has;
	long long first_balance, first_signed, last_balance, last_signed;
} reader;

/* The row's cell of field f, "" when the layout has no such column. */
const char *stmt_cell(const reader *r, lay_field f);
/* Fills the error with the reason (file and line) and returns
 * STMT_REFUSED. */
int stmt_refuse(reader *r, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Labels in the row's cells (or, for a pending label row, the values
 * under them) into the info's figures. */
void sums_scan_labels(reader *r, const layout *l);
/* 1 when the row's first non-empty cell is one of the layout's summary
 * labels (收入合计：...): a footer line, whatever the footer words. */
int sums_label_row(const reader *r, const layout *l);
/* The kept preamble lines, read with the matched layout's labels. */
void sums_scan_preamble(reader *r);
/* A 合计 row in the rows' own debit and credit columns. */
void sums_footer_totals(reader *r);
/* The running balance: a gap or a doubled line becomes a finding. */
void sums_check_balance(reader *r, const stmt_line *l);
/* At the end: the file's figures against its rows. */
void sums_check_totals(reader *r);

#endif
