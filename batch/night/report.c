/* report.c: the nightly report (see report.h). */
#include "batch/night/report.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "batch/clock.h"
#include "batch/db.h"
#include "batch/review/due.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include "common/text.h"

#define NIGHTS 30
#define MAX_REPORTS 4096

/* The report's page: the figures as cards, the lists as tables, charts as
 * inline SVG. The CSP forbids anything from outside. */
static const char HEAD[] =
	"<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
	"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
	"'none'; style-src 'unsafe-inline'; img-src data:\">\n"
	"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	"<title>";
static const char STYLE[] =
	"</title>\n<style>\n"
	"body{font-family:system-ui,\"Noto Sans CJK SC\",sans-serif;margin:0 auto;"
	"max-width:70rem;padding:1rem 1.5rem;color:#1a1a1a;background:#fff}\n"
	"h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;"
	"border-bottom:1px solid #ccc}\n"
	".cards{display:flex;flex-wrap:wrap;gap:.75rem}\n"
	".card{border:1px solid #bbb;border-radius:.4rem;padding:.6rem .9rem;"
	"min-width:9rem}\n"
	".card b{display:block;font-size:1.6rem}\n"
	".bad{border-color:#b00020;color:#8a0018}.ok{border-color:#1b7a3a}\n"
	"table{border-collapse:collapse;width:100%;font-size:.9rem}\n"
	"th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;"
	"vertical-align:top}\n"
	"th{background:#f0f0f0}\n"
	"figure{margin:1rem 0}figcaption{font-size:.9rem;color:#444}\n"
	"</style>\n</head>\n<body>\n";

typedef struct figures {
	long long received, accepted, rejected;
	long long sent, retrying, failed, unknown, queued;
	long long reviews_due, reviews_overdue, shipping_due, shipping_overdue;
	long long paid, paid_fen, awaiting, awaiting_fen, verifying, queue;
} figures;

/* [from, to) in stored UTC text for the Shanghai day. */
static void day_window(long day, char from[32], char to[32])
{
	struct tm tm;
	time_t t;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = (int)(day / 10000) - 1900;
	tm.tm_mon = (int)(day / 100 % 100) - 1;
	tm.tm_mday = (int)(day % 100);
	t = timegm(&tm) - 8 * 3600;
	clock_format(t, from);
	clock_format(t + 86400, to);
}

static int count(sqlite3 *db, const char *sql, const char *a, const char *b,
                 long long *out, ch_error *e)
{
	sqlite3_stmt *st = NULL;
	int r;

	if (db_prepare(db, sql, &st, e) < 0)
		return -1;
	if (a && db_bind(st, b ? "ss" : "s", a, b) < 0) {
		sqlite3_finalize(st);
		return db_fail(db, e, "bind");
	}
	r = db_step(db, st, e);
	*out = r == 1 ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return r < 0 ? -1 : 0;
}

static int gather(sqlite3 *db, const char *from, const char *to, figures *f,
                  ch_error *e)
{
	static const char *const bundles =
		"SELECT count(*) FROM bundles WHERE ingested_at >= ? AND"
		" ingested_at < ?";
	memset(f, 0, sizeof *f);
	return count(db, bundles, from, to, &f->received, e) < 0 ||
	       count(db, "SELECT count(*) FROM bundles WHERE ingested_at >= ? AND"
	             " ingested_at < ? AND outcome = 'accepted'", from, to,
	             &f->accepted, e) < 0 ||
	       count(db, "SELECT count(*) FROM bundles WHERE ingested_at >= ? AND"
	             " ingested_at < ? AND outcome = 'rejected'", from, to,
	             &f->rejected, e) < 0 ||
	       count(db, "SELECT count(*) FROM outbox WHERE state = 'sent' AND"
	             " sent_at >= ? AND sent_at < ?", from, to, &f->sent, e) < 0 ||
	       count(db, "SELECT count(*) FROM outbox WHERE state = 'retry'",
	             NULL, NULL, &f->retrying, e) < 0 ||
	       count(db, "SELECT count(*) FROM outbox WHERE state = 'failed'",
	             NULL, NULL, &f->failed, e) < 0 ||
	       count(db, "SELECT count(*) FROM outbox WHERE state = 'unknown'",
	             NULL, NULL, &f->unknown, e) < 0 ||
	       count(db, "SELECT count(*) FROM outbox WHERE state = 'queued'",
	             NULL, NULL, &f->queued, e) < 0
	       ? -1 : 0;
}

static void text(ch_buf *b, const char *s)
{
	ch_buf_html(b, s ? s : "", s ? strlen(s) : 0);
}

/* 款项: the day's payments matched (not taken back since), the orders
 * still waiting for money and what they owe, those waiting for the
 * micro-deposit's code, and the lines finance must decide by hand. */
static int gather_money(sqlite3 *db, const char *from, const char *to,
                        figures *f, ch_error *e)
{
	static const char *const day =
		" FROM payments WHERE booked_at >= ? AND booked_at < ? AND"
		" reversed_by IS NULL";
	char sql[256];

	snprintf(sql, sizeof sql, "SELECT count(*)%s", day);
	if (count(db, sql, from, to, &f->paid, e) < 0)
		return -1;
	snprintf(sql, sizeof sql, "SELECT coalesce(sum(amount_fen), 0)%s", day);
	return count(db, sql, from, to, &f->paid_fen, e) < 0 ||
	       count(db, "SELECT count(*) FROM applications WHERE state ="
	             " 'awaiting_payment'", NULL, NULL, &f->awaiting, e) < 0 ||
	       count(db, "SELECT coalesce(sum(amount_due_fen - amount_paid_fen), 0)"
	             " FROM applications WHERE state = 'awaiting_payment'", NULL,
	             NULL, &f->awaiting_fen, e) < 0 ||
	       count(db, "SELECT count(*) FROM applications WHERE state ="
	             " 'awaiting_verification'", NULL, NULL, &f->verifying, e) < 0 ||
	       count(db, "SELECT count(*) FROM line_outcomes WHERE review = 1",
	             NULL, NULL, &f->queue, e) < 0
	       ? -1 : 0;
}

static void card_yuan(ch_buf *b, const char *label, long long fen)
{
	ch_buf_printf(b, "<div class=\"card\"><b>%lld.%02lld</b>", fen / 100,
	              fen % 100);
	text(b, label);
	ch_buf_puts(b, "</div>\n");
}

/* 审核与发货: what the nightly step due found (due_dates), the day's
 * overdue ones by their due day (yyyy-mm-dd text compares as dates). */
static int gather_due(sqlite3 *db, const char *today, figures *f,
                      ch_error *e)
{
	return count(db, "SELECT count(*) FROM due_dates WHERE kind = ?",
	             "review", NULL, &f->reviews_due, e) < 0 ||
	       count(db, "SELECT count(*) FROM due_dates WHERE kind = ?",
	             "shipping", NULL, &f->shipping_due, e) < 0 ||
	       count(db, "SELECT count(*) FROM due_dates WHERE kind = 'review'"
	             " AND due_on < ?", today, NULL, &f->reviews_overdue, e) < 0 ||
	       count(db, "SELECT count(*) FROM due_dates WHERE kind = 'shipping'"
	             " AND due_on < ?", today, NULL, &f->shipping_overdue, e) < 0
	       ? -1 : 0;
}

static int overdue_list(sqlite3 *db, const char *today, ch_buf *b,
                        ch_error *e)
{
	sqlite3_stmt *st = NULL;
	int r, rows = 0;

	if (db_prepare(db,
	               "SELECT d.kind, coalesce(a.order_no, a.application_id),"
	               " a.state, d.since, d.due_on,"
	               " json_extract(r.application_json, '$.organization.name')"
	               " FROM due_dates d JOIN applications a USING (application_id)"
	               " LEFT JOIN revisions r ON r.application_id = a.application_id"
	               " AND r.revision = a.revision"
	               " WHERE d.due_on < ? ORDER BY d.due_on, d.since", &st, e) < 0)
		return -1;
	if (db_bind(st, "s", today) < 0) {
		sqlite3_finalize(st);
		return db_fail(db, e, "bind");
	}
	while ((r = db_step(db, st, e)) == 1) {
		char since[32];

		if (!rows++)
			ch_buf_puts(b, "<table><tr><th>事项</th><th>订单号</th>"
			               "<th>单位</th><th>状态</th><th>起算（北京时间）</th>"
			               "<th>应完成</th></tr>\n");
		clock_show((const char *)sqlite3_column_text(st, 3), since,
		           sizeof since);
		ch_buf_puts(b, "<tr><td>");
		text(b, strcmp((const char *)sqlite3_column_text(st, 0), "review")
		        ? "发货" : "审核");
		ch_buf_puts(b, "</td><td>");
		text(b, (const char *)sqlite3_column_text(st, 1));
		ch_buf_puts(b, "</td><td>");
		text(b, (const char *)sqlite3_column_text(st, 5));
		ch_buf_puts(b, "</td><td>");
		text(b, (const char *)sqlite3_column_text(st, 2));
		ch_buf_puts(b, "</td><td>");
		text(b, since);
		ch_buf_puts(b, "</td><td>");
		text(b, (const char *)sqlite3_column_text(st, 4));
		ch_buf_puts(b, "</td></tr>\n");
	}
	sqlite3_finalize(st);
	if (r < 0)
		return -1;
	ch_buf_puts(b, rows ? "</table>\n" : "<p>无。</p>\n");
	return 0;
}

static void card(ch_buf *b, const char *label, long long v, const char *cls)
{
	ch_buf_printf(b, "<div class=\"card %s\"><b>%lld</b>", cls, v);
	text(b, label);
	ch_buf_puts(b, "</div>\n");
}

/* The rejected bundles of the day with their errors' messages. */
static int rejected_list(sqlite3 *db, const char *from, const char *to,
                         ch_buf *b, ch_error *e)
{
	sqlite3_stmt *st = NULL;
	int r, rows = 0;

	if (db_prepare(db,
	               "SELECT file_name, findings_json FROM bundles WHERE"
	               " outcome = 'rejected' AND ingested_at >= ? AND"
	               " ingested_at < ? ORDER BY bundle_id", &st, e) < 0 ||
	    db_bind(st, "ss", from, to) < 0)
		goto out;
	while ((r = db_step(db, st, e)) == 1) {
		json_t *fs = json_loads((const char *)sqlite3_column_text(st, 1), 0,
		                        NULL);
		size_t i;
		json_t *f;

		if (!rows++)
			ch_buf_puts(b, "<table><tr><th>申请包</th><th>驳回原因</th></tr>\n");
		ch_buf_puts(b, "<tr><td>");
		text(b, (const char *)sqlite3_column_text(st, 0));
		ch_buf_puts(b, "</td><td>");
		json_array_foreach(fs, i, f) {
			const char *level = json_string_value(json_object_get(f, "level"));
			if (level && strcmp(level, "error"))
				continue;
			text(b, json_string_value(json_object_get(f, "code")));
			ch_buf_puts(b, "：");
			text(b, json_string_value(json_object_get(f, "message")));
			ch_buf_puts(b, "<br>");
		}
		json_decref(fs);
		ch_buf_puts(b, "</td></tr>\n");
	}
	if (r < 0)
		goto out;
	ch_buf_puts(b, rows ? "</table>\n" : "<p>无。</p>\n");
	sqlite3_finalize(st);
	return 0;
out:
	sqlite3_finalize(st);
	return -1;
}

/* Messages that need an operator: failed for good or unknown after a
 * crash, with what the server or gateway said. */
static int message_list(sqlite3 *db, ch_buf *b, ch_error *e)
{
	sqlite3_stmt *st = NULL;
	int r, rows = 0;

	if (db_prepare(db,
	               "SELECT outbox_id, notice, channel, recipient, state,"
	               " attempts, last_error FROM outbox WHERE state IN"
	               " ('failed', 'unknown', 'retry') ORDER BY outbox_id", &st,
	               e) < 0)
		return -1;
	while ((r = db_step(db, st, e)) == 1) {
		const char *ch = (const char *)sqlite3_column_text(st, 2);
		const char *to = (const char *)sqlite3_column_text(st, 3);
		char masked[64];

		ch_mask_recipient(ch, to, masked);
		if (!rows++)
			ch_buf_puts(b, "<table><tr><th>编号</th><th>通知</th><th>渠道</th>"
			               "<th>收件人</th><th>状态</th><th>尝试</th>"
			               "<th>最后的答复</th></tr>\n");
		ch_buf_printf(b, "<tr><td>%lld</td><td>", sqlite3_column_int64(st, 0));
		text(b, (const char *)sqlite3_column_text(st, 1));
		ch_buf_puts(b, "</td><td>");
		text(b, ch);
		ch_buf_puts(b, "</td><td>");
		text(b, masked);
		ch_buf_puts(b, "</td><td>");
		text(b, (const char *)sqlite3_column_text(st, 4));
		ch_buf_printf(b, "</td><td>%d</td><td>", sqlite3_column_int(st, 5));
		text(b, (const char *)sqlite3_column_text(st, 6));
		ch_buf_puts(b, "</td></tr>\n");
	}
	sqlite3_finalize(st);
	if (r < 0)
		return -1;
	ch_buf_puts(b, rows ? "</table>\n" : "<p>无。</p>\n");
	return 0;
}

typedef struct night_point {
	char day[11];
	long long a, b; /* two series */
} night_point;

/* The last NIGHTS runs' counts of one step: keys ka and kb. */
static int series(sqlite3 *db, const char *step, const char *ka,
                  const char *kb, night_point *p, size_t *n, ch_error *e)
{
	sqlite3_stmt *st = NULL;
	int r;

	*n = 0;
	if (db_prepare(db,
	               "SELECT r.started_at, s.counts FROM nightly_runs r JOIN"
	               " nightly_steps s USING (run_id) WHERE s.step = ?"
	               " ORDER BY r.run_id DESC LIMIT ?", &st, e) < 0 ||
	    db_bind(st, "si", step, (long long)NIGHTS) < 0)
		goto fail;
	while ((r = db_step(db, st, e)) == 1) {
		json_t *c = json_loads((const char *)sqlite3_column_text(st, 1), 0,
		                       NULL);
		char shown[32];
		night_point *q = &p[*n];

		clock_show((const char *)sqlite3_column_text(st, 0), shown,
		           sizeof shown);
		snprintf(q->day, sizeof q->day, "%.10s", shown);
		q->a = json_integer_value(json_object_get(c, ka));
		q->b = json_integer_value(json_object_get(c, kb));
		json_decref(c);
		(*n)++;
	}
	sqlite3_finalize(st);
	if (r < 0)
		return -1;
	/* Oldest first, left to right. */
	for (size_t i = 0; i < *n / 2; i++) {
		night_point t = p[i];
		p[i] = p[*n - 1 - i];
		p[*n - 1 - i] = t;
	}
	return 0;
fail:
	sqlite3_finalize(st);
	return -1;
}

/* Two series as stacked bars, one per night, with a title for each bar
 * that a screen reader and a hovering mouse both get. */
static void chart(ch_buf *b, const char *caption, const char *la,
                  const char *lb, const night_point *p, size_t n)
{
	const int w = 640, h = 160, pad = 20;
	long long max = 1;
	double bw;

	for (size_t i = 0; i < n; i++)
		if (p[i].a + p[i].b > max)
			max = p[i].a + p[i].b;
	bw = n ? (double)(w - 2 * pad) / (double)NIGHTS : 0;
	ch_buf_puts(b, "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" "
	               "role=\"img\" viewBox=\"0 0 640 180\" width=\"640\" "
	               "height=\"180\"><title>");
	text(b, caption);
	ch_buf_printf(b, "</title><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
	                 "stroke=\"#888\"/>", pad, h, w - pad, h);
	for (size_t i = 0; i < n; i++) {
		double x = pad + bw * (double)(NIGHTS - n + i);
		double ha = (double)(h - pad) * (double)p[i].a / (double)max;
		double hb = (double)(h - pad) * (double)p[i].b / (double)max;
		ch_buf_printf(b, "<g><title>%s ", p[i].day);
		text(b, la);
		ch_buf_printf(b, " %lld，", p[i].a);
		text(b, lb);
		ch_buf_printf(b, " %lld</title>"
		                 "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		                 "height=\"%.1f\" fill=\"#1b6fb3\"/>"
		                 "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		                 "height=\"%.1f\" fill=\"#c0392b\"/></g>",
		              p[i].b, x + 1, h - ha, bw - 2, ha, x + 1, h - ha - hb,
		              bw - 2, hb);
	}
	ch_buf_printf(b, "<text x=\"%d\" y=\"14\" font-size=\"12\">%lld</text>"
	                 "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
	                 "stroke=\"#ddd\"/>", 0, max, pad, pad, w - pad, pad);
	ch_buf_printf(b, "<text x=\"%d\" y=\"176\" font-size=\"12\">最近 %d 晚"
	                 "（蓝：", pad, NIGHTS);
	text(b, la);
	ch_buf_puts(b, "；红：");
	text(b, lb);
	ch_buf_puts(b, "）</text></svg><figcaption>");
	text(b, caption);
	ch_buf_puts(b, "</figcaption></figure>\n");
}

static int charts(sqlite3 *db, ch_buf *b, ch_error *e)
{
	night_point p[NIGHTS];
	size_t n;

	if (series(db, "ingest", "accepted", "rejected", p, &n, e) < 0)
		return -1;
	chart(b, "申请包：受理与驳回", "受理", "驳回", p, n);
	if (series(db, "send", "sent", "failed", p, &n, e) < 0)
		return -1;
	chart(b, "通知：已发送与失败", "已发送", "失败", p, n);
	if (series(db, "due", "reviews_due", "reviews_overdue", p, &n, e) < 0)
		return -1;
	chart(b, "审核：待审核与超期", "待审核", "超期", p, n);
	return 0;
}

static void csv_row(ch_buf *b, const char *k, long long v)
{
	ch_buf_printf(b, "%s,%lld\r\n", k, v);
}

static void csv(ch_buf *b, long day, const figures *f)
{
	ch_buf_puts(b, "\xEF\xBB\xBF" "figure,value\r\n");
	csv_row(b, "day", day);
	csv_row(b, "bundles_received", f->received);
	csv_row(b, "bundles_accepted", f->accepted);
	csv_row(b, "bundles_rejected", f->rejected);
	csv_row(b, "messages_sent", f->sent);
	csv_row(b, "messages_queued", f->queued);
	csv_row(b, "messages_retrying", f->retrying);
	csv_row(b, "messages_failed", f->failed);
	csv_row(b, "messages_unknown", f->unknown);
	csv_row(b, "payments_matched", f->paid);
	csv_row(b, "payments_matched_fen", f->paid_fen);
	csv_row(b, "orders_awaiting_payment", f->awaiting);
	csv_row(b, "amount_awaiting_fen", f->awaiting_fen);
	csv_row(b, "orders_awaiting_verification", f->verifying);
	csv_row(b, "lines_in_review_queue", f->queue);
	csv_row(b, "reviews_due", f->reviews_due);
	csv_row(b, "reviews_overdue", f->reviews_overdue);
	csv_row(b, "shipping_due", f->shipping_due);
	csv_row(b, "shipping_overdue", f->shipping_overdue);
}

/* today: day as yyyy-mm-dd, which the due dates compare with. */
static int page(sqlite3 *db, long day, const char *today, const figures *f,
                const char *from, const char *to, ch_buf *b, ch_error *e)
{
	char title[64];

	snprintf(title, sizeof title, "深圳CA 夜间报告 %04ld-%02ld-%02ld",
	         day / 10000, day / 100 % 100, day % 100);
	ch_buf_puts(b, HEAD);
	text(b, title);
	ch_buf_puts(b, STYLE);
	ch_buf_puts(b, "<h1>");
	text(b, title);
	ch_buf_puts(b, "</h1>\n<p><a href=\"index.html\">全部报告</a></p>\n"
	               "<h2>申请包</h2>\n<div class=\"cards\">\n");
	card(b, "收到", f->received, "");
	card(b, "受理", f->accepted, "ok");
	card(b, "驳回", f->rejected, f->rejected ? "bad" : "");
	ch_buf_puts(b, "</div>\n<h3>驳回的申请包与原因</h3>\n");
	if (rejected_list(db, from, to, b, e) < 0)
		return -1;
	ch_buf_puts(b, "<h2>款项</h2>\n<div class=\"cards\">\n");
	card(b, "当日到账笔数", f->paid, "ok");
	card_yuan(b, "当日到账（元）", f->paid_fen);
	card(b, "待付款订单", f->awaiting, "");
	card_yuan(b, "待付款金额（元）", f->awaiting_fen);
	card(b, "待金融认证", f->verifying, "");
	card(b, "待财务确认的流水", f->queue, f->queue ? "bad" : "");
	ch_buf_puts(b, "</div>\n<h2>审核与发货</h2>\n<div class=\"cards\">\n");
	card(b, "待审核", f->reviews_due, "");
	card(b, "审核超期", f->reviews_overdue, f->reviews_overdue ? "bad" : "");
	card(b, "待发货", f->shipping_due, "");
	card(b, "发货超期", f->shipping_overdue, f->shipping_overdue ? "bad" : "");
	ch_buf_puts(b, "</div>\n<h3>超期未办</h3>\n");
	if (overdue_list(db, today, b, e) < 0)
		return -1;
	ch_buf_puts(b, "<h2>通知</h2>\n<div class=\"cards\">\n");
	card(b, "当日已发送", f->sent, "ok");
	card(b, "待发送", f->queued, "");
	card(b, "等待重试", f->retrying, f->retrying ? "bad" : "");
	card(b, "失败", f->failed, f->failed ? "bad" : "");
	card(b, "需人工确认", f->unknown, f->unknown ? "bad" : "");
	ch_buf_puts(b, "</div>\n<h3>需要处理的通知</h3>\n");
	if (message_list(db, b, e) < 0)
		return -1;
	ch_buf_puts(b, "<h2>最近 30 晚</h2>\n");
	if (charts(db, b, e) < 0)
		return -1;
	ch_buf_puts(b, "</body>\n</html>\n");
	return 0;
}

static int by_name_desc(const void *a, const void *b)
{
	return strcmp(*(char *const *)b, *(char *const *)a);
}

/* index.html: every YYYY-MM-DD.html of dir, newest first. */
static int index_page(const char *dir, ch_error *e)
{
	char *names[MAX_REPORTS], path[4096];
	size_t n = 0;
	ch_buf b = CH_BUF_INIT;
	struct dirent *d;
	DIR *dh = opendir(dir);
	int rc = -1;

	if (!dh)
		return ch_fail(e, dir, 0, "cannot read the folder");
	while ((d = readdir(dh)) && n < MAX_REPORTS) {
		int y, m, dd, used = 0;
		if (sscanf(d->d_name, "%4d-%2d-%2d.html%n", &y, &m, &dd, &used) == 3 &&
		    used == 15 && !d->d_name[used])
			names[n++] = strdup(d->d_name);
	}
	closedir(dh);
	qsort(names, n, sizeof names[0], by_name_desc);
	ch_buf_puts(&b, HEAD);
	ch_buf_puts(&b, "深圳CA 夜间报告");
	ch_buf_puts(&b, STYLE);
	ch_buf_puts(&b, "<h1>深圳CA 夜间报告</h1>\n<ul>\n");
	for (size_t i = 0; i < n; i++)
		if (names[i])
			ch_buf_printf(&b, "<li><a href=\"%s\">%.10s</a></li>\n", names[i],
			              names[i]);
	ch_buf_puts(&b, "</ul>\n</body>\n</html>\n");
	snprintf(path, sizeof path, "%s/index.html", dir);
	if (!ch_buf_ok(&b))
		ch_fail(e, NULL, 0, "out of memory");
	else
		rc = ch_write_atomic(path, b.data, b.len, 0600, e);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	ch_buf_free(&b);
	return rc;
}

int night_report_write(sqlite3 *db, long day, const char *dir, ch_error *e)
{
	char from[32], to[32], path[4096], today[16];
	ch_buf html = CH_BUF_INIT, table = CH_BUF_INIT;
	figures f;
	int rc = -1;

	day_window(day, from, to);
	due_day_text(day, today);
	if (ch_mkdirs(dir, 0700, e) < 0 || gather(db, from, to, &f, e) < 0 ||
	    gather_due(db, today, &f, e) < 0 ||
	    gather_money(db, from, to, &f, e) < 0 ||
	    page(db, day, today, &f, from, to, &html, e) < 0)
		goto out;
	csv(&table, day, &f);
	if (!ch_buf_ok(&html) || !ch_buf_ok(&table)) {
		ch_fail(e, NULL, 0, "out of memory");
		goto out;
	}
	snprintf(path, sizeof path, "%s/%04ld-%02ld-%02ld.html", dir, day / 10000,
	         day / 100 % 100, day % 100);
	if (ch_write_atomic(path, html.data, html.len, 0600, e) < 0)
		goto out;
	snprintf(path, sizeof path, "%s/%04ld-%02ld-%02ld.csv", dir, day / 10000,
	         day / 100 % 100, day % 100);
	if (ch_write_atomic(path, table.data, table.len, 0600, e) < 0 ||
	    index_page(dir, e) < 0)
		goto out;
	rc = 0;
out:
	ch_buf_free(&html);
	ch_buf_free(&table);
	return rc;
}
