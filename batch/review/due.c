/* due.c: due dates of review and shipping (see due.h). */
#include "batch/review/due.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "batch/clock.h"
#include "batch/db.h"
#include "batch/review/states.h"
#include "common/grow.h"

/* The Asia/Shanghai day (yyyymmdd) of a stored UTC time, or -1. */
static long shanghai_day(const char *utc)
{
	time_t t;
	struct tm tm;

	if (clock_parse(utc, &t) < 0)
		return -1;
	t += 8 * 3600;
	gmtime_r(&t, &tm);
	return (tm.tm_year + 1900L) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

/* The newest event of entering the state that makes the order due: an
 * order state_change moved there (never written by hand), else the row's
 * own time for one older than the events. */
static const char DUE_SQL[] =
	"SELECT a.application_id, coalesce(a.order_no, ''), a.state,"
	" coalesce((SELECT v.at FROM events v"
	"  WHERE v.application_id = a.application_id AND v.kind = 'state'"
	"  AND v.detail LIKE CASE a.state WHEN 'in_review'"
	"   THEN '% -> in_review:%' ELSE '% -> approved:%' END"
	"  ORDER BY v.event_id DESC LIMIT 1), a.updated_at)"
	" FROM applications a WHERE a.state IN ('in_review', 'approved', 'issued')";

static int by_due(const void *pa, const void *pb)
{
	const due_item *a = pa, *b = pb;
	int c;

	if (a->due_day != b->due_day)
		return a->due_day < b->due_day ? -1 : 1;
	c = strcmp(a->since, b->since);
	return c ? c : strcmp(a->aid, b->aid);
}

static int add(due_list *l, size_t *cap, const due_item *it, ch_error *e)
{
	if (ch_grow(&l->v, l->n + 1, cap, sizeof *l->v) < 0)
		return ch_fail(e, NULL, 0, "out of memory");
	l->v[l->n++] = *it;
	return 0;
}

int due_compute(sqlite3 *db, const calendar *cal, long today, due_list *out,
                ch_error *e)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int r, rc = -1;

	out->v = NULL;
	out->n = 0;
	if (db_prepare(db, DUE_SQL, &st, e) < 0)
		return -1;
	while ((r = db_step(db, st, e)) == 1) {
		due_item it;
		long day;

		memset(&it, 0, sizeof it);
		snprintf(it.aid, sizeof it.aid, "%s", (const char *)sqlite3_column_text(st, 0));
		snprintf(it.order_no, sizeof it.order_no, "%s",
		         (const char *)sqlite3_column_text(st, 1));
		snprintf(it.state, sizeof it.state, "%s",
		         (const char *)sqlite3_column_text(st, 2));
		snprintf(it.since, sizeof it.since, "%s",
		         (const char *)sqlite3_column_text(st, 3));
		it.kind = strcmp(it.state, "in_review") ? "shipping" : "review";
		day = shanghai_day(it.since);
		if (day < 0) {
			ch_fail(e, NULL, 0, "order %s: unreadable time '%s'", it.aid,
			        it.since);
			goto out;
		}
		if (cal_add_workdays(cal, day, strcmp(it.kind, "review")
		                     ? DUE_SHIPPING_DAYS : DUE_REVIEW_DAYS,
		                     &it.due_day, e) < 0) {
			char why[sizeof e->msg];
			snprintf(why, sizeof why, "%s", e->msg);
			ch_fail(e, cal->file, 0, "order %s (%s since %s): %s",
			        it.order_no[0] ? it.order_no : it.aid, it.state,
			        it.since, why);
			goto out;
		}
		it.overdue = today > it.due_day;
		if (add(out, &cap, &it, e) < 0)
			goto out;
	}
	if (r < 0)
		goto out;
	if (out->n)
		qsort(out->v, out->n, sizeof out->v[0], by_due);
	rc = 0;
out:
	sqlite3_finalize(st);
	if (rc < 0)
		due_list_free(out);
	return rc;
}

void due_list_free(due_list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

void due_day_text(long day, char out[16])
{
	snprintf(out, 16, "%04ld-%02ld-%02ld", day / 10000 % 10000,
	         day / 100 % 100, day % 100);
}

/* Shipped orders whose shipment is DUE_CLOSE_DAYS old: closed, each
 * through the state table. */
static int close_shipped(sqlite3 *db, const char *now, size_t *closed,
                         ch_error *e)
{
	sqlite3_stmt *st = NULL;
	char cutoff[32], why[64];
	time_t t;
	int r, rc = -1;

	if (clock_parse(now, &t) < 0)
		return ch_fail(e, NULL, 0, "unreadable time '%s'", now);
	clock_format(t - (time_t)DUE_CLOSE_DAYS * 86400, cutoff);
	snprintf(why, sizeof why, "nightly: shipped %d days ago", DUE_CLOSE_DAYS);
	if (db_prepare(db, "SELECT a.application_id FROM applications a JOIN"
	               " shipments s ON s.application_id = a.application_id"
	               " WHERE a.state = 'shipped' AND s.shipped_at <= ?"
	               " ORDER BY a.application_id", &st, e) < 0)
		return -1;
	if (db_bind(st, "s", cutoff) < 0) {
		db_fail(db, e, "database error");
		goto out;
	}
	while ((r = db_step(db, st, e)) == 1) {
		char aid[32];

		snprintf(aid, sizeof aid, "%s", (const char *)sqlite3_column_text(st, 0));
		if (state_change(db, aid, "closed", why, now, e) != 0)
			goto out;
		(*closed)++;
	}
	rc = r < 0 ? -1 : 0;
out:
	sqlite3_finalize(st);
	return rc;
}

static int keep(sqlite3 *db, const due_list *l, const char *now, ch_error *e)
{
	if (db_run(db, e, "DELETE FROM due_dates", "") < 0)
		return -1;
	for (size_t i = 0; i < l->n; i++) {
		char on[16];

		due_day_text(l->v[i].due_day, on);
		if (db_run(db, e, "INSERT INTO due_dates (application_id, kind, since,"
		           " due_on, computed_at) VALUES (?,?,?,?,?)", "sssss",
		           l->v[i].aid, l->v[i].kind, l->v[i].since, on, now) < 0)
			return -1;
	}
	return 0;
}

int due_record(sqlite3 *db, const calendar *cal, long today,
               const char *now, due_counts *c, ch_error *e)
{
	due_list l = {NULL, 0};

	memset(c, 0, sizeof *c);
	if (db_begin(db, e) < 0)
		return -1;
	if (close_shipped(db, now, &c->closed, e) < 0 ||
	    due_compute(db, cal, today, &l, e) < 0 || keep(db, &l, now, e) < 0)
		goto fail;
	for (size_t i = 0; i < l.n; i++) {
		int review = !strcmp(l.v[i].kind, "review");
		(*(review ? &c->reviews_due : &c->shipping_due))++;
		if (l.v[i].overdue)
			(*(review ? &c->reviews_overdue : &c->shipping_overdue))++;
	}
	due_list_free(&l);
	if (db_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	due_list_free(&l);
	db_rollback(db);
	memset(c, 0, sizeof *c);
	return -1;
}
