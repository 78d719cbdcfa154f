/* statement_sums.c: what a statement says about itself: the account,
 * the opening and closing balances and the totals printed before and
 * after its rows, read by their labels; and the checks of the rows
 * against them and of the running balance line by line. */
#include "batch/money/statement_reader.h"

#include <string.h>

#include "batch/money/amount.h"

static int parse_sum_value(const char *v, long long *fen)
{
	const char *p = strstr(v, "\xe5\x85\xb1"); /* 共: "3笔，共300.00元" */
	char buf[64];
	size_t n = 0;

	p = p ? p + 3 : v;
	while (*p && !strchr("0123456789+-(.", *p) &&
	       strncmp(p, "\xc2\xa5", 2) && strncmp(p, "\xef\xbf\xa5", 3))
		p++;
	while (*p && n + 1 < sizeof buf &&
	       (strchr("0123456789+-(),. ", *p) || (unsigned char)*p >= 0x80)) {
		if ((unsigned char)*p >= 0x80) {
			/* only the currency signs belong to an amount */
			if (!strncmp(p, "\xc2\xa5", 2) && n + 2 < sizeof buf) {
				memcpy(buf + n, p, 2);
				n += 2;
				p += 2;
				continue;
			}
			if (!strncmp(p, "\xef\xbf\xa5", 3) && n + 3 < sizeof buf) {
				memcpy(buf + n, p, 3);
				n += 3;
				p += 3;
				continue;
			}
			break;
		}
		buf[n++] = *p++;
	}
	buf[n] = '\0';
	return money_parse_fen(buf, n, fen) == 0 ? 0 : -1;
}

/* 0 when value is one for sum s (then recorded), -1 if not. */
static int set_sum(reader *r, int s, const char *value)
{
	stmt_info *in = r->info;
	long long fen;

	if (s == LS_ACCOUNT) {
		size_t n = 0;
		for (const char *p = value; *p && n + 1 < sizeof in->account; p++)
			if ((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') ||
			    (*p >= 'a' && *p <= 'z') || *p == '*' || *p == '-' ||
			    *p == '@' || *p == '.' || *p == '_')
				in->account[n++] = *p;
			else if (n && (*p == ' ' || *p == ']'))
				break;
		in->account[n] = '\0';
		if (!n || !strpbrk(in->account, "0123456789"))
			return -1;
		in->has[s] = 1;
		return 0;
	}
	if (parse_sum_value(value, &fen) < 0)
		return -1;
	in->has[s] = 1;
	in->sum[s] = fen;
	return 0;
}

/* The sum whose label the cell starts with (then nothing or a colon):
 * -1 if none; *rest is what follows the colon in the raw cell. */
static int label_of(const reader *r, const layout *l, const char *c,
                    const char **rest)
{
	char norm[256];
	const char *n;

	lay_norm(c, norm, sizeof norm);
	n = norm;
	while (*n == '#')
		n++;
	for (int s = 0; s < LS_NSUMS; s++)
		for (size_t i = 0; i < l->sums[s].n; i++) {
			const char *lab = l->sums[s].v[i];
			size_t k = strlen(lab);
			if (strncmp(n, lab, k) || (n[k] && n[k] != ':'))
				continue;
			*rest = strstr(c, ":");
			if (!*rest) {
				*rest = strstr(c, "\xef\xbc\x9a");
				if (*rest)
					*rest += 2;
			}
			*rest = *rest ? *rest + 1 : "";
			return s;
		}
	return -1;
}

int sums_label_row(const reader *r, const layout *l)
{
	const char *rest;

	for (size_t i = 0; i < r->row.n; i++)
		if (csvrow_cell(&r->row, i)[0])
			return label_of(r, l, csvrow_cell(&r->row, i), &rest) >= 0;
	return 0;
}

void sums_scan_labels(reader *r, const layout *l)
{
	size_t n = r->row.n;
	int labels = 0, values = 0;

	if (r->pending_labels) {
		for (size_t i = 0; i < n && i < 64; i++)
			if (r->label_at[i] >= 0 && csvrow_cell(&r->row, i)[0])
				set_sum(r, r->label_at[i], csvrow_cell(&r->row, i));
		r->pending_labels = 0;
		return;
	}
	for (size_t i = 0; i < 64; i++)
		r->label_at[i] = -1;
	for (size_t i = 0; i < n; i++) {
		const char *rest, *c = csvrow_cell(&r->row, i);
		int s = label_of(r, l, c, &rest);
		const char *dummy;
		if (s < 0)
			continue;
		while (*rest == ' ' || *rest == '\t')
			rest++;
		if (*rest) {
			values += set_sum(r, s, rest) == 0;
		} else if (i + 1 < n && csvrow_cell(&r->row, i + 1)[0] &&
		           label_of(r, l, csvrow_cell(&r->row, i + 1), &dummy) < 0 &&
		           set_sum(r, s, csvrow_cell(&r->row, i + 1)) == 0) {
			values++;
			i++;
		} else if (i < 64) {
			r->label_at[i] = s;
			labels++;
		}
	}
	r->pending_labels = labels > 0 && !values;
}


/* A 合计 row in the rows' own columns: its debit and credit cells. */
void sums_footer_totals(reader *r)
{
	long long d, c;
	int rd, rc;

	if (r->col[LF_DEBIT] < 0 || r->col[LF_CREDIT] < 0)
		return;
	rd = money_parse_fen(stmt_cell(r, LF_DEBIT), strlen(stmt_cell(r, LF_DEBIT)), &d);
	rc = money_parse_fen(stmt_cell(r, LF_CREDIT), strlen(stmt_cell(r, LF_CREDIT)), &c);
	if (rd == 0 && !r->info->has[LS_TOTAL_DEBIT]) {
		r->info->has[LS_TOTAL_DEBIT] = 1;
		r->info->sum[LS_TOTAL_DEBIT] = d < 0 ? -d : d;
	}
	if (rc == 0 && !r->info->has[LS_TOTAL_CREDIT]) {
		r->info->has[LS_TOTAL_CREDIT] = 1;
		r->info->sum[LS_TOTAL_CREDIT] = c < 0 ? -c : c;
	}
}


void sums_check_balance(reader *r, const stmt_line *l)
{
	long long s = l->credit ? l->amount_fen : -l->amount_fen;
	long long b = l->balance_fen;

	if (!l->has_balance) {
		r->unbalanced += s;
		return;
	}
	if (!r->first_has) {
		r->first_has = 1;
		r->first_balance = b;
		r->first_signed = s;
	}
	r->last_has = 1;
	r->last_balance = b;
	r->last_signed = s;
	if (r->have_prev) {
		/* Rows without a balance in between moved it too. */
		long long u = r->unbalanced;
		int up = b == r->prev_balance + u + s;          /* oldest first */
		int down = r->prev_balance == b + r->prev_signed + u; /* newest */
		if (!r->order && up != down)
			r->order = up ? 1 : -1;
		if (!((r->order >= 0 && up) || (r->order < 0 && down))) {
			char pb[32], am[32], bb[32];
			money_format(r->prev_balance, pb);
			money_format(l->amount_fen, am);
			money_format(b, bb);
			if (b == r->prev_balance && s == r->prev_signed && !u)
				stmt_finding_add(&r->info->findings, "STMT_LINE_DOUBLED",
				                 "warning", l->line_no,
				                 "余额未变动：本行（%s %s）疑似重复上一行，"
				                 "余额 %s", l->credit ? "收入" : "支出", am, bb);
			else
				stmt_finding_add(&r->info->findings, "STMT_BALANCE_GAP",
				                 "warning", l->line_no,
				                 "余额不连续：上一行余额 %s，本行%s %s，本行余额 %s",
				                 pb, l->credit ? "收入" : "支出", am, bb);
		}
	}
	r->have_prev = 1;
	r->prev_balance = b;
	r->prev_signed = s;
	r->unbalanced = 0;
}


void sums_check_totals(reader *r)
{
	stmt_info *in = r->info;
	char a[32], b[32];

	if (in->has[LS_TOTAL_CREDIT] && in->sum[LS_TOTAL_CREDIT] != in->credit_fen) {
		money_format(in->sum[LS_TOTAL_CREDIT], a);
		money_format(in->credit_fen, b);
		stmt_finding_add(&in->findings, "STMT_TOTAL_MISMATCH", "warning", 0,
		                 "文件所列收入合计 %s 与各行之和 %s 不符", a, b);
	}
	if (in->has[LS_TOTAL_DEBIT] && in->sum[LS_TOTAL_DEBIT] != in->debit_fen) {
		money_format(in->sum[LS_TOTAL_DEBIT], a);
		money_format(in->debit_fen, b);
		stmt_finding_add(&in->findings, "STMT_TOTAL_MISMATCH", "warning", 0,
		                 "文件所列支出合计 %s 与各行之和 %s 不符", a, b);
	}
	if (!r->first_has)
		return;
	/* Opening and closing balances against the first and last rows in
	 * time, whichever way round the file lists them. */
	{
		int down = r->order < 0;
		long long open_b = down ? r->last_balance - r->last_signed
		                        : r->first_balance - r->first_signed;
		long long close_b = down ? r->first_balance : r->last_balance;
		if (in->has[LS_OPENING] && in->sum[LS_OPENING] != open_b) {
			money_format(in->sum[LS_OPENING], a);
			money_format(open_b, b);
			stmt_finding_add(&in->findings, "STMT_BALANCE_GAP", "warning", 0,
			                 "文件所列期初余额 %s 与首笔交易前余额 %s 不符", a, b);
		}
		if (in->has[LS_CLOSING] && in->sum[LS_CLOSING] != close_b) {
			money_format(in->sum[LS_CLOSING], a);
			money_format(close_b, b);
			stmt_finding_add(&in->findings, "STMT_BALANCE_GAP", "warning", 0,
			                 "文件所列期末余额 %s 与末笔交易后余额 %s 不符", a, b);
		}
	}
}


/* The lines before the header row, read for the account and the opening
 * balance with the layout's labels. */
void sums_scan_preamble(reader *r)
{
	const char *p = r->preamble.data, *end;

	r->pending_labels = 0;
	if (!p)
		return; /* the header was the first line */
	end = p + r->preamble.len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (csvrow_split(&r->row, p, n, r->info->delim) == 0)
			sums_scan_labels(r, r->info->layout);
		p += n + 1;
	}
	r->pending_labels = 0;
}
