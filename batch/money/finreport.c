/* finreport.c: the finance workbook (see finreport.h). Each sheet is one
 * query; every row is written to the workbook and to the sheet's CSV in
 * the same pass, so the two always agree. */
#include "batch/money/finreport.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include <xlsxwriter.h>

#include "batch/db.h"
#include "batch/money/amount.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include "common/text.h"

/* Column kinds: s text, i integer, y fen shown as yuan, m an account
 * number, masked. */
typedef struct sheet {
	const char *name;    /* sheet and CSV file name */
	const char *columns; /* kinds, one letter per column */
	const char *heads;   /* headers, '|' separated */
	const char *sql;     /* ?1: the date, or NULL for every day */
} sheet;

static const sheet SHEETS[] = {
	{"payments", "iisisssysmss",
	 "line|file id|file|line no|date|order no|application id|amount (yuan)|"
	 "source|payer account|by hand|reversed by",
	 "SELECT l.line_id, f.file_id, f.file_name, l.line_no, l.booked_on,"
	 " a.order_no, p.application_id, p.amount_fen, l.source,"
	 " l.counterparty_account, coalesce(p.by_hand, ''),"
	 " coalesce(p.reversed_by, '')"
	 " FROM payments p JOIN statement_lines l USING (line_id)"
	 " JOIN statement_files f ON f.file_id = l.file_id"
	 " JOIN applications a ON a.application_id = p.application_id"
	 " WHERE ?1 IS NULL OR l.booked_on = ?1 ORDER BY l.line_id,"
	 " p.application_id"},
	{"review", "isisssysmsss",
	 "line|file|line no|date|source|direction|amount (yuan)|payer|"
	 "payer account|memo|outcome|reason",
	 "SELECT l.line_id, f.file_name, l.line_no, l.booked_on, l.source,"
	 " l.direction, l.amount_fen, coalesce(l.counterparty_name, ''),"
	 " l.counterparty_account, coalesce(l.memo, ''), o.outcome, o.reason"
	 " FROM line_outcomes o JOIN statement_lines l USING (line_id)"
	 " JOIN statement_files f ON f.file_id = l.file_id"
	 " WHERE o.review = 1 AND (?1 IS NULL OR l.booked_on = ?1)"
	 " ORDER BY l.line_id"},
	{"not_ours", "isisssysms",
	 "line|file|line no|date|source|direction|amount (yuan)|payer|"
	 "payer account|memo",
	 "SELECT l.line_id, f.file_name, l.line_no, l.booked_on, l.source,"
	 " l.direction, l.amount_fen, coalesce(l.counterparty_name, ''),"
	 " l.counterparty_account, coalesce(l.memo, '')"
	 " FROM line_outcomes o JOIN statement_lines l USING (line_id)"
	 " JOIN statement_files f ON f.file_id = l.file_id"
	 " WHERE o.outcome = 'not_ours' AND (?1 IS NULL OR l.booked_on = ?1)"
	 " ORDER BY l.line_id"},
	{"payouts", "issmysssssii",
	 "payout|order no|account name|account|amount (yuan)|state|batch|"
	 "exported at|expires at|failure|attempts left|attempts made",
	 "SELECT p.payout_id, a.order_no, p.account_name, p.account_number,"
	 " p.amount_fen, CASE WHEN p.state = 'exported' AND"
	 " p.confirmed_line_id IS NOT NULL THEN 'confirmed' ELSE p.state END,"
	 " coalesce(p.batch_id, ''), coalesce(p.exported_at, ''),"
	 " coalesce(p.expires_at, ''), coalesce(p.failure, ''), p.attempts_left,"
	 " (SELECT count(*) FROM verify_attempts v WHERE v.payout_id = p.payout_id)"
	 " FROM payouts p JOIN applications a USING (application_id)"
	 " WHERE ?1 IS NULL OR substr(p.created_at, 1, 10) = ?1"
	 " OR substr(p.exported_at, 1, 10) = ?1 ORDER BY p.payout_id"},
	/* The sums of the lines each file held against the file's own 合计
	 * and balances: opening + credits - debits must be the closing. */
	{"totals", "issiyyyyyyys",
	 "file id|file|source|lines|debits (yuan)|credits (yuan)|"
	 "statement debits (yuan)|statement credits (yuan)|opening (yuan)|"
	 "closing (yuan)|opening+credits-debits (yuan)|check",
	 "SELECT f.file_id, f.file_name, f.source, count(l.line_id),"
	 " coalesce(sum(CASE WHEN l.direction = 'debit' THEN l.amount_fen END), 0),"
	 " coalesce(sum(CASE WHEN l.direction = 'credit' THEN l.amount_fen END), 0),"
	 " f.total_debit_fen, f.total_credit_fen, f.opening_balance_fen,"
	 " f.closing_balance_fen,"
	 " f.opening_balance_fen + coalesce(sum(CASE WHEN l.direction = 'credit'"
	 "  THEN l.amount_fen END), 0) - coalesce(sum(CASE WHEN l.direction ="
	 "  'debit' THEN l.amount_fen END), 0),"
	 " CASE WHEN (f.total_debit_fen IS NULL OR f.total_debit_fen ="
	 "   coalesce(sum(CASE WHEN l.direction = 'debit' THEN l.amount_fen END), 0))"
	 "  AND (f.total_credit_fen IS NULL OR f.total_credit_fen ="
	 "   coalesce(sum(CASE WHEN l.direction = 'credit' THEN l.amount_fen END), 0))"
	 "  AND (f.opening_balance_fen IS NULL OR f.closing_balance_fen IS NULL"
	 "   OR f.closing_balance_fen = f.opening_balance_fen + coalesce(sum(CASE"
	 "   WHEN l.direction = 'credit' THEN l.amount_fen END), 0) - coalesce(sum("
	 "   CASE WHEN l.direction = 'debit' THEN l.amount_fen END), 0))"
	 "  THEN 'ok' ELSE 'differs' END"
	 " FROM statement_files f"
	 " LEFT JOIN statement_file_lines fl ON fl.file_id = f.file_id"
	 " LEFT JOIN statement_lines l ON l.line_id = fl.line_id"
	 " WHERE ?1 IS NULL OR EXISTS (SELECT 1 FROM statement_file_lines x"
	 "  JOIN statement_lines y USING (line_id) WHERE x.file_id = f.file_id"
	 "  AND y.booked_on = ?1)"
	 " GROUP BY f.file_id ORDER BY f.file_id"},
};
#define NSHEETS (sizeof SHEETS / sizeof SHEETS[0])

int finreport_valid_date(const char *s)
{
	int y, mo, d, n = 0;

	return strlen(s) == 10 && isdigit((unsigned char)s[0]) &&
	       sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) == 3 && n == 10 &&
	       mo >= 1 && mo <= 12 && d >= 1 && d <= 31;
}

/* A CSV cell: quoted when it must be, and a text a spreadsheet would run
 * as a formula gets a leading apostrophe. */
static void csv_text(ch_buf *b, const char *s)
{
	int formula = *s == '=' || *s == '+' || *s == '-' || *s == '@' ||
	              *s == '\t' || *s == '\r';
	int quote = formula || strpbrk(s, ",\"\r\n") != NULL;

	if (quote)
		ch_buf_putc(b, '"');
	if (formula)
		ch_buf_putc(b, '\'');
	for (; *s; s++) {
		if (*s == '"')
			ch_buf_putc(b, '"');
		ch_buf_putc(b, *s);
	}
	if (quote)
		ch_buf_putc(b, '"');
}

/* Writes b's bytes to f and empties b; -1 on a write error. */
static int flush(ch_buf *b, FILE *f)
{
	if (!ch_buf_ok(b))
		return -1;
	if (b->len && fwrite(b->data, 1, b->len, f) != b->len)
		return -1;
	ch_buf_reset(b);
	return 0;
}

static int one_sheet(sqlite3 *db, const sheet *s, const char *date,
                     lxw_workbook *wb, lxw_format *money, lxw_format *head,
                     const char *dir, ch_error *e)
{
	lxw_worksheet *ws = workbook_add_worksheet(wb, s->name);
	ch_buf b = CH_BUF_INIT;
	sqlite3_stmt *st = NULL;
	char path[4096], tmp[4200], heads[512], *h, *save = NULL;
	int ncol = (int)strlen(s->columns), k, rc = -1;
	lxw_row_t row = 0;
	FILE *f = NULL;

	if (!ws)
		return ch_fail(e, NULL, 0, "cannot add sheet %s", s->name);
	/* The CSV is streamed, never held whole: a million lines not ours
	 * stay a few kilobytes of memory. */
	snprintf(path, sizeof path, "%s/%s.csv", dir, s->name);
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return ch_fail(e, tmp, 0, "cannot create: %s", strerror(errno));
	ch_buf_puts(&b, "\xEF\xBB\xBF");
	snprintf(heads, sizeof heads, "%s", s->heads);
	for (int c = 0; (h = strtok_r(c ? NULL : heads, "|", &save)); c++) {
		worksheet_write_string(ws, 0, (lxw_col_t)c, h, head);
		if (c)
			ch_buf_putc(&b, ',');
		csv_text(&b, h);
	}
	ch_buf_puts(&b, "\r\n");
	if (db_prepare(db, s->sql, &st, e) < 0)
		goto out;
	if (db_bind(st, "s", date) < 0) {
		db_fail(db, e, "database error");
		goto out;
	}
	while ((k = db_step(db, st, e)) == 1) {
		row++;
		for (int c = 0; c < ncol; c++) {
			const char *t = (const char *)sqlite3_column_text(st, c);
			long long v = sqlite3_column_int64(st, c);
			char buf[64];
			int null = sqlite3_column_type(st, c) == SQLITE_NULL;
			if (c)
				ch_buf_putc(&b, ',');
			switch (s->columns[c]) {
			case 'y':
				if (null)
					break;
				/* The cell is a number the sheet formats 0.00; the CSV has
				 * the exact decimal text. */
				worksheet_write_number(ws, row, (lxw_col_t)c, (double)v / 100,
				                       money);
				money_format(v, buf);
				ch_buf_puts(&b, buf);
				break;
			case 'i':
				if (null || !*t)
					break;
				worksheet_write_number(ws, row, (lxw_col_t)c, (double)v, NULL);
				ch_buf_printf(&b, "%lld", v);
				break;
			case 'm':
				if (null || !*t)
					break;
				ch_mask_account(t, buf);
				worksheet_write_string(ws, row, (lxw_col_t)c, buf, NULL);
				csv_text(&b, buf);
				break;
			default:
				t = t ? t : "";
				if (!ch_utf8_valid(t, strlen(t)))
					t = "(not UTF-8)";
				worksheet_write_string(ws, row, (lxw_col_t)c, t, NULL);
				csv_text(&b, t);
			}
		}
		ch_buf_puts(&b, "\r\n");
		if (b.len > (64u << 10) && flush(&b, f) < 0)
			break;
	}
	if (k < 0)
		goto out;
	if (flush(&b, f) < 0 || fflush(f) != 0 || fsync(fileno(f)) < 0) {
		ch_fail(e, tmp, 0, "cannot write: %s", strerror(errno));
		goto out;
	}
	if (fclose(f) != 0) {
		f = NULL;
		ch_fail(e, tmp, 0, "cannot write: %s", strerror(errno));
		goto out;
	}
	f = NULL;
	if (rename(tmp, path) < 0) {
		ch_fail(e, path, 0, "cannot rename: %s", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (f)
		fclose(f);
	if (rc < 0)
		remove(tmp);
	sqlite3_finalize(st);
	ch_buf_free(&b);
	return rc;
}

int finreport_write(sqlite3 *db, const char *date, const char *dir,
                    ch_error *e)
{
	char path[4096], tmp[4200];
	lxw_workbook_options opt = {.constant_memory = LXW_TRUE,
	                            .tmpdir = (char *)dir};
	lxw_workbook *wb;
	lxw_format *money, *head;
	lxw_error err;
	int rc = 0;

	if (ch_mkdirs(dir, 0700, e) < 0)
		return -1;
	if ((size_t)snprintf(path, sizeof path, "%s/finance.xlsx", dir) >= sizeof path)
		return ch_fail(e, dir, 0, "path too long");
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	wb = workbook_new_opt(tmp, &opt);
	if (!wb)
		return ch_fail(e, tmp, 0, "cannot create the workbook");
	money = workbook_add_format(wb);
	format_set_num_format(money, "#,##0.00");
	head = workbook_add_format(wb);
	format_set_bold(head);
	/* One read transaction: every sheet sees the same database. */
	if (db_exec(db, "BEGIN", e) < 0)
		rc = -1;
	for (size_t i = 0; rc == 0 && i < NSHEETS; i++)
		rc = one_sheet(db, &SHEETS[i], date, wb, money, head, dir, e);
	db_rollback(db);
	err = workbook_close(wb);
	if (rc == 0 && err != LXW_NO_ERROR)
		rc = ch_fail(e, tmp, 0, "cannot write the workbook: %s",
		             lxw_strerror(err));
	if (rc == 0 && rename(tmp, path) < 0)
		rc = ch_fail(e, path, 0, "cannot rename the workbook: %s",
		             strerror(errno));
	if (rc < 0)
		remove(tmp);
	return rc;
}
