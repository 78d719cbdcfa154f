/* statement.c: one statement file, read row by row (statement.h). */
#include "batch/money/statement.h"
#include "batch/money/statement_reader.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "batch/money/amount.h"
#include "batch/money/csvrow.h"
#include "batch/money/date.h"
#include "common/buf.h"
#include "common/text.h"

#define LINE_MAX_BYTES (64 * 1024)
#define RECORD_MAX_LINES 20
#define PREAMBLE_MAX_LINES 200
#define CELL_QUOTE 40
#define PREAMBLE_MAX_BYTES (256 * 1024)


/* A cell quoted in a refusal: short, whole characters, one line, and a
 * long run of digits (an account number in the wrong column) masked. */
static void quote_cell(const char *s, char out[CELL_QUOTE + 8])
{
	size_t n = strlen(s), digits = 0;

	for (size_t i = 0; i < n; i++)
		digits += s[i] >= '0' && s[i] <= '9';
	if (digits >= 10 && n < 64) {
		char m[64];
		size_t k;
		ch_mask_account(s, m);
		k = strlen(m) < CELL_QUOTE ? strlen(m) : CELL_QUOTE;
		memcpy(out, m, k);
		out[k] = '\0';
		ch_utf8_cut_tail(out);
		return;
	}
	if (n > CELL_QUOTE) {
		memcpy(out, s, CELL_QUOTE);
		out[CELL_QUOTE] = '\0';
		ch_utf8_cut_tail(out);
		strcat(out, "...");
	} else {
		memcpy(out, s, n + 1);
	}
}

const char *stmt_cell(const reader *r, lay_field f)
{
	int c = r->col[f];

	return c >= 0 && (size_t)c < r->row.n ? csvrow_cell(&r->row, (size_t)c) : "";
}

int stmt_refuse(reader *r, int line, const char *fmt, ...)
{
	char msg[900];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	ch_utf8_cut_tail(msg);
	ch_fail(r->e, r->name, line, "%s", msg);
	return STMT_REFUSED;
}

/* --- the header row ---------------------------------------------------- */

/* How well the row's cells fit layout l: the number of its fields found,
 * or -1 when a needed one is missing. Fills col (and the memo columns). */
static int fit(const reader *r, const layout *l, int col[LF_NFIELDS],
               size_t memo[16], size_t *nmemo)
{
	char norm[256];
	int found = 0;
	unsigned char used[256] = {0};

	*nmemo = 0;
	for (int f = 0; f < LF_NFIELDS; f++)
		col[f] = -1;
	if (r->row.n > sizeof used)
		return -1;
	for (int f = 0; f < LF_NFIELDS; f++) {
		for (size_t c = 0; c < r->row.n && l->fields[f].n; c++) {
			if (used[c])
				continue;
			lay_norm(csvrow_cell(&r->row, c), norm, sizeof norm);
			if (!norm[0] || !lay_list_has(&l->fields[f], norm))
				continue;
			if (f == LF_MEMO) {
				if (*nmemo < 16)
					memo[(*nmemo)++] = c;
				used[c] = 1;
				col[f] = (int)c;
				continue;
			}
			col[f] = (int)c;
			used[c] = 1;
			break;
		}
		if (col[f] >= 0)
			found++;
		else if (l->require[f])
			return -1;
	}
	if (col[LF_DATE] < 0 ||
	    (col[LF_AMOUNT] < 0 && (col[LF_DEBIT] < 0 || col[LF_CREDIT] < 0)))
		return -1;
	return found;
}

/* Tries the line as a header row with each delimiter: 1 when found, -1
 * when memory ran out, else 0. The first delimiter under which some
 * layout fits decides; among layouts
 * the one with most fields found wins, ties going to the later one:
 * files come after the built-ins, so that finance can refine one. */
static int find_header(reader *r, const char *text, size_t len, int line_no)
{
	static const unsigned char DELIMS[] = {',', '\t', '|', ';'};
	int best = -1, col[LF_NFIELDS];
	size_t memo[16], nmemo;

	for (size_t d = 0; d < sizeof DELIMS && best < 0; d++) {
		if (!memchr(text, DELIMS[d], len) ||
		    csvrow_split(&r->row, text, len, DELIMS[d]) < 0)
			continue;
		for (size_t i = 0; i < r->ls->n; i++) {
			int s = fit(r, &r->ls->v[i], col, memo, &nmemo);
			if (s < 0 || s < best)
				continue;
			best = s;
			r->info->layout = &r->ls->v[i];
			r->info->delim = DELIMS[d];
			memcpy(r->col, col, sizeof col);
			memcpy(r->memo_cols, memo, sizeof memo);
			r->nmemo = nmemo;
			r->ncols = r->row.n;
		}
	}
	if (best < 0)
		return 0;
	r->info->header_line = line_no;
	ch_buf_reset(&r->header);
	ch_buf_append(&r->header, text, len);
	return ch_buf_ok(&r->header) ? 1 : -1;
}

/* --- rows -------------------------------------------------------------- */

/* 1 when the record's first non-empty cell starts with one of words. */
static int starts_with_word(const reader *r, const lay_list *words)
{
	const char *first = "";
	char norm[256];

	for (size_t i = 0; i < r->row.n; i++)
		if (csvrow_cell(&r->row, i)[0]) {
			first = csvrow_cell(&r->row, i);
			break;
		}
	lay_norm(first, norm, sizeof norm);
	for (size_t i = 0; i < words->n; i++) {
		const char *w = words->v[i];
		if (norm[0] && !strncmp(norm, w, strlen(w)))
			return 1;
	}
	return 0;
}

static int is_footer(const reader *r, const layout *l, const char *text)
{
	while (*text == ' ' || *text == '\t')
		text++;
	if (*text == '#' && lay_list_has(&l->words[LW_FOOTER], "#"))
		return 1;
	return starts_with_word(r, &l->words[LW_FOOTER]) || sums_label_row(r, l);
}

/* 1 when the record after the footer reads as a transaction: a date in
 * the date column and an amount in an amount column. */
static int row_like(const reader *r)
{
	static const lay_field AMOUNTS[] = {LF_DEBIT, LF_CREDIT, LF_AMOUNT};
	char d[11], t[9];

	if (money_parse_date(stmt_cell(r, LF_DATE), strlen(stmt_cell(r, LF_DATE)), d, t) < 0)
		return 0;
	for (size_t i = 0; i < sizeof AMOUNTS / sizeof AMOUNTS[0]; i++) {
		long long v;
		const char *c = stmt_cell(r, AMOUNTS[i]);
		if (r->col[AMOUNTS[i]] >= 0 && money_parse_fen(c, strlen(c), &v) == 0 && v)
			return 1;
	}
	return 0;
}

static int is_no(const char *s)
{
	static const char *const NO[] = {"", "n", "no", "否", "0", "-", "false", "正常"};
	char norm[64];

	lay_norm(s, norm, sizeof norm);
	for (size_t i = 0; i < sizeof NO / sizeof NO[0]; i++)
		if (!strcmp(norm, NO[i]))
			return 1;
	return 0;
}

/* 1 when a time column holds a whole time stamp ("2026-11-23
 * 10:11:12"), as some exports' 交易时间戳 does; its time into time. */
static int time_of_stamp(const char *s, char time[9])
{
	char d[11], t[9];

	if (money_parse_date(s, strlen(s), d, t) < 0 || !t[0])
		return 0;
	memcpy(time, t, sizeof t);
	return 1;
}

/* 1 for "4.20000E+27": what a spreadsheet makes of a long number. Two
 * serials so rounded would look alike and one line be lost as known. */
static int sci_number(const char *s)
{
	const char *e = strpbrk(s, "eE");

	if (!e || e == s || (e[1] != '+' && e[1] != '-') || !e[2])
		return 0;
	for (const char *p = s; p < e; p++)
		if (!((*p >= '0' && *p <= '9') || *p == '.'))
			return 0;
	for (const char *p = e + 2; *p; p++)
		if (*p < '0' || *p > '9')
			return 0;
	return 1;
}

static int amount_cell(reader *r, lay_field f, int line, long long *v, int *has)
{
	const char *c = stmt_cell(r, f);
	char q[CELL_QUOTE + 8];
	int k;

	*has = 0;
	if (r->col[f] < 0)
		return 0;
	k = money_parse_fen(c, strlen(c), v);
	if (k < 0) {
		quote_cell(c, q);
		return stmt_refuse(r, line, "'%s' in column %s is not an amount", q,
		              lay_field_name(f));
	}
	*has = k == 0;
	return 0;
}

static void join_memo(reader *r)
{
	ch_buf_reset(&r->memo);
	for (size_t i = 0; i < r->nmemo; i++) {
		const char *c = r->memo_cols[i] < r->row.n
		                    ? csvrow_cell(&r->row, r->memo_cols[i]) : "";
		if (!c[0])
			continue;
		if (r->memo.len)
			ch_buf_putc(&r->memo, ' ');
		ch_buf_puts(&r->memo, c);
	}
	ch_buf_putc(&r->memo, '\0');
}

static int read_row(reader *r, const layout *l, int line, const char *raw)
{
	stmt_line x;
	long long debit = 0, credit = 0, amount = 0, refund = 0, bal = 0;
	int has_d, has_c, has_a, has_r, has_b;
	const char *type = stmt_cell(r, LF_TYPE);
	char q[CELL_QUOTE + 8];
	int refund_type;

	memset(&x, 0, sizeof x);
	x.line_no = line;
	x.raw = raw;
	if (r->row.n < r->ncols) {
		int need = 0;
		for (int f = 0; f < LF_NFIELDS; f++)
			if (r->col[f] >= 0 && (size_t)r->col[f] >= r->row.n)
				need = 1;
		if (need)
			return stmt_refuse(r, line, "%zu cells where the header row (line %d) "
			              "has %zu", r->row.n, r->info->header_line, r->ncols);
	}
	if (money_parse_date(stmt_cell(r, LF_DATE), strlen(stmt_cell(r, LF_DATE)), x.date,
	                     x.time) < 0) {
		quote_cell(stmt_cell(r, LF_DATE), q);
		return stmt_refuse(r, line, "'%s' in column date is not a date", q);
	}
	if (r->col[LF_TIME] >= 0 && !x.time[0] &&
	    money_parse_time(stmt_cell(r, LF_TIME), strlen(stmt_cell(r, LF_TIME)), x.time) < 0 &&
	    !time_of_stamp(stmt_cell(r, LF_TIME), x.time)) {
		quote_cell(stmt_cell(r, LF_TIME), q);
		return stmt_refuse(r, line, "'%s' in column time is not a time", q);
	}
	if (amount_cell(r, LF_DEBIT, line, &debit, &has_d) ||
	    amount_cell(r, LF_CREDIT, line, &credit, &has_c) ||
	    amount_cell(r, LF_AMOUNT, line, &amount, &has_a) ||
	    amount_cell(r, LF_REFUND_AMOUNT, line, &refund, &has_r) ||
	    amount_cell(r, LF_BALANCE, line, &bal, &has_b))
		return STMT_REFUSED;
	refund_type = r->col[LF_TYPE] >= 0 && type[0] &&
	              lay_list_in(&l->words[LW_REFUND], type);
	if (debit < 0)
		debit = -debit;
	if (credit < 0)
		credit = -credit;
	has_d = has_d && debit;
	has_c = has_c && credit;
	if (r->col[LF_DEBIT] >= 0 && r->col[LF_CREDIT] >= 0 && (has_d || has_c)) {
		if (has_d && has_c)
			return stmt_refuse(r, line, "both a debit and a credit amount");
		x.credit = has_c;
		x.amount_fen = has_c ? credit : debit;
	} else if ((has_a && amount) || (refund_type && has_r && refund)) {
		const char *dir = stmt_cell(r, LF_DIRECTION);
		char norm[64];
		lay_norm(dir, norm, sizeof norm);
		if (refund_type) {
			x.credit = 0;
		} else if (r->col[LF_DIRECTION] >= 0 && norm[0]) {
			if (lay_list_has(&l->words[LW_CREDIT], norm))
				x.credit = 1;
			else if (lay_list_has(&l->words[LW_DEBIT], norm))
				x.credit = 0;
			else {
				quote_cell(dir, q);
				return stmt_refuse(r, line, "'%s' in column direction is neither "
				              "debit nor credit", q);
			}
		} else {
			x.credit = amount > 0;
		}
		x.amount_fen = amount < 0 ? -amount : amount;
		if (refund_type && has_r && refund)
			x.amount_fen = refund < 0 ? -refund : refund;
	} else {
		return stmt_refuse(r, line, "no amount (neither debit nor credit)");
	}
	x.has_balance = has_b;
	x.balance_fen = bal;
	if (sci_number(stmt_cell(r, LF_SERIAL)) ||
	    sci_number(stmt_cell(r, LF_REFUND_SERIAL))) {
		quote_cell(sci_number(stmt_cell(r, LF_SERIAL))
		               ? stmt_cell(r, LF_SERIAL) : stmt_cell(r, LF_REFUND_SERIAL), q);
		return stmt_refuse(r, line, "serial '%s' in scientific notation: "
		                   "a spreadsheet rounded it; import the bank's own "
		                   "file, not one saved again", q);
	}
	/* The serial: with a refund's own number where the bill has one, as
	 * a refund shares its payment's number. */
	ch_buf_reset(&r->serial);
	ch_buf_puts(&r->serial, stmt_cell(r, LF_SERIAL));
	if (stmt_cell(r, LF_REFUND_SERIAL)[0] && !is_no(stmt_cell(r, LF_REFUND_SERIAL))) {
		ch_buf_putc(&r->serial, '/');
		ch_buf_puts(&r->serial, stmt_cell(r, LF_REFUND_SERIAL));
	}
	ch_buf_putc(&r->serial, '\0');
	join_memo(r);
	if (!ch_buf_ok(&r->serial) || !ch_buf_ok(&r->memo))
		return ch_fail(r->e, r->name, line, "out of memory");
	x.serial = r->serial.data;
	x.memo = r->memo.data;
	x.cp_name = stmt_cell(r, LF_CP_NAME);
	x.cp_account = stmt_cell(r, LF_CP_ACCOUNT);
	x.cp_bank = stmt_cell(r, LF_CP_BANK);
	if (!x.cp_name[0] && !x.cp_account[0]) {
		x.cp_name = stmt_cell(r, x.credit ? LF_PAYER_NAME : LF_PAYEE_NAME);
		x.cp_account = stmt_cell(r, x.credit ? LF_PAYER_ACCOUNT : LF_PAYEE_ACCOUNT);
		x.cp_bank = stmt_cell(r, x.credit ? LF_PAYER_BANK : LF_PAYEE_BANK);
	}
	x.order_no = stmt_cell(r, LF_ORDER_NO);
	x.kind = "normal";
	lay_norm(x.memo, r->memo_norm, sizeof r->memo_norm);
	lay_norm(type, r->type_norm, sizeof r->type_norm);
	if (r->col[LF_REVERSAL_FLAG] >= 0 && !is_no(stmt_cell(r, LF_REVERSAL_FLAG)))
		x.kind = "reversal";
	else if (lay_list_in_norm(&l->words[LW_REVERSAL], r->memo_norm) ||
	         lay_list_in_norm(&l->words[LW_REVERSAL], r->type_norm))
		x.kind = "reversal";
	else if (lay_list_in_norm(&l->words[LW_RETURNED], r->memo_norm) ||
	         lay_list_in_norm(&l->words[LW_RETURNED], r->type_norm))
		x.kind = "returned";
	else if (refund_type || lay_list_in_norm(&l->words[LW_REFUND], r->memo_norm))
		x.kind = "refund";
	sums_check_balance(r, &x);
	if (x.credit)
		r->info->credit_fen += x.amount_fen;
	else
		r->info->debit_fen += x.amount_fen;
	r->info->lines_read++;
	return r->cb->on_line(r->cb->ctx, &x, r->e) < 0 ? -1 : 0;
}

/* --- lines ------------------------------------------------------------- */

static int all_empty(const csvrow *row)
{
	for (size_t i = 0; i < row->n; i++)
		if (csvrow_cell(row, i)[0])
			return 0;
	return 1;
}

/* The refusal of a file whose header row no layout knows, naming the
 * layouts tried, so that finance sees which to add. */
static int no_layout(reader *r, int line)
{
	char names[400] = "", where[48] = "in the file";
	size_t n = 0;

	if (line > 0)
		snprintf(where, sizeof where, "in the first %d lines",
		         PREAMBLE_MAX_LINES);
	for (size_t i = 0; i < r->ls->n && n + 40 < sizeof names; i++)
		n += (size_t)snprintf(names + n, sizeof names - n, "%s%s",
		                      i ? ", " : "", r->ls->v[i].name);
	return stmt_refuse(r, line, "no layout matches: no header row of a "
	                   "known layout %s (layouts: %s)", where, names);
}

/* One record (after conversion): by the stage the reading is in. */
static int take(reader *r, stage *st, const char *text, size_t len, int line)
{
	const layout *l = r->info->layout;

	if (*st == ST_PREAMBLE) {
		int found = find_header(r, text, len, line);
		if (found < 0)
			return ch_fail(r->e, r->name, line, "out of memory");
		if (found) {
			*st = ST_ROWS;
			sums_scan_preamble(r);
			return r->cb->on_layout &&
			               r->cb->on_layout(r->cb->ctx, r->info, r->e) < 0
			           ? -1 : 0;
		}
		if (line > PREAMBLE_MAX_LINES)
			return no_layout(r, line);
		/* Kept until the layout is known, whose labels read it. */
		if (r->preamble.len + len + 1 <= PREAMBLE_MAX_BYTES) {
			ch_buf_append(&r->preamble, text, len);
			ch_buf_putc(&r->preamble, '\n');
		}
		return 0;
	}
	if (csvrow_split(&r->row, text, len, r->info->delim) < 0)
		return ch_fail(r->e, r->name, line, "out of memory");
	if (all_empty(&r->row))
		return 0;
	/* Exports printed page by page repeat the header row on each page. */
	if (*st == ST_ROWS && len == r->header.len &&
	    !memcmp(text, r->header.data, len))
		return 0;
	if (*st == ST_ROWS && starts_with_word(r, &l->words[LW_SUBTOTAL]))
		return 0; /* a page's subtotal: the rows go on */
	if (*st == ST_ROWS && is_footer(r, l, text)) {
		*st = ST_FOOTER;
		sums_footer_totals(r);
	} else if (*st == ST_FOOTER && row_like(r)) {
		/* Rows after the totals would be booked outside them, or lost:
		 * neither without a word. */
		return stmt_refuse(r, line, "a transaction row after the file's totals "
		              "(line %d ended the rows)", r->footer_line);
	}
	if (*st == ST_FOOTER) {
		if (!r->footer_line)
			r->footer_line = line;
		sums_scan_labels(r, l);
		return 0;
	}
	return read_row(r, l, line, text);
}

int stmt_read(FILE *f, const char *name, stmt_encoding enc,
              const layouts *ls, const stmt_cb *cb, stmt_info *info,
              ch_error *e)
{
	reader r;
	enc_conv conv;
	char *line = NULL;
	size_t cap = 0;
	ssize_t got;
	ch_buf rec = CH_BUF_INIT;
	int line_no = 0, rec_line = 0, rec_lines = 0, rc = -1;
	stage st = ST_PREAMBLE;

	memset(info, 0, sizeof *info);
	memset(&r, 0, sizeof r);
	r.name = name;
	r.ls = ls;
	r.cb = cb;
	r.info = info;
	r.e = e;
	for (int i = 0; i < 64; i++)
		r.label_at[i] = -1;
	if (enc_conv_open(&conv, enc) < 0)
		return ch_fail(e, name, 0, "cannot convert from GB18030: %s",
		               strerror(errno));
	if (csvrow_init(&r.row) < 0) {
		ch_fail(e, name, 0, "out of memory");
		goto out;
	}
	while ((got = getline(&line, &cap, f)) >= 0) {
		const char *u;
		size_t ulen, n = (size_t)got;
		line_no++;
		if (n > LINE_MAX_BYTES) {
			rc = stmt_refuse(&r, line_no, "a line longer than %d bytes",
			            LINE_MAX_BYTES);
			goto out;
		}
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			n--;
		if (enc_conv_line(&conv, line, n, &u, &ulen) < 0) {
			rc = stmt_refuse(&r, line_no, "not valid %s text", enc_name(enc));
			goto out;
		}
		if (line_no == 1 && ulen >= 3 && !memcmp(u, "\xef\xbb\xbf", 3)) {
			u += 3;
			ulen -= 3;
		}
		if (!rec_lines)
			rec_line = line_no;
		else
			ch_buf_putc(&rec, '\n');
		ch_buf_append(&rec, u, ulen);
		rec_lines++;
		if (!ch_buf_ok(&rec)) {
			ch_fail(e, name, line_no, "out of memory");
			goto out;
		}
		/* A quoted cell running over the line end: join the next. */
		if (st != ST_PREAMBLE &&
		    csvrow_open_quote(rec.data, rec.len, info->delim)) {
			if (rec_lines >= RECORD_MAX_LINES) {
				rc = stmt_refuse(&r, rec_line, "a quoted cell not closed within "
				            "%d lines", RECORD_MAX_LINES);
				goto out;
			}
			continue;
		}
		if (memchr(rec.data, '\0', rec.len)) {
			rc = stmt_refuse(&r, rec_line, "a NUL byte");
			goto out;
		}
		{
			int k = take(&r, &st, rec.data, rec.len, rec_line);
			if (k != 0) {
				rc = k;
				goto out;
			}
		}
		ch_buf_reset(&rec);
		rec_lines = 0;
	}
	if (ferror(f)) {
		ch_fail(e, name, line_no, "cannot read the file: %s", strerror(errno));
		goto out;
	}
	if (rec_lines) {
		rc = stmt_refuse(&r, rec_line, "a quoted cell not closed at the end of "
		            "the file");
		goto out;
	}
	if (st == ST_PREAMBLE) {
		rc = no_layout(&r, 0);
		goto out;
	}
	sums_check_totals(&r);
	rc = STMT_OK;
out:
	free(line);
	ch_buf_free(&rec);
	ch_buf_free(&r.memo);
	ch_buf_free(&r.serial);
	ch_buf_free(&r.preamble);
	ch_buf_free(&r.header);
	csvrow_free(&r.row);
	enc_conv_close(&conv);
	return rc;
}
