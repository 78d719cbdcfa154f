/* due.h: what review and shipping owe, and by when (issue 9). An order
 * in_review is due for review 1 working day after it entered in_review
 * (paid, verified, or a corrected revision of a paid order); an approved
 * or issued order is due for shipping 3 working days after its approval.
 * When it entered the state is the newest state event state_change
 * recorded; days are Asia/Shanghai days on the calendar (calendar.h), so
 * a date past the calendar's years is an error, never a guess. Overdue:
 * today is after the due day. A shipped order closes 15 days after its
 * shipment (due_close, run by the nightly step due). */
#ifndef BATCH_REVIEW_DUE_H
#define BATCH_REVIEW_DUE_H

#include <stddef.h>
#include <sqlite3.h>

#include "batch/review/calendar.h"
#include "common/error.h"

#define DUE_REVIEW_DAYS 1
#define DUE_SHIPPING_DAYS 3
#define DUE_CLOSE_DAYS 15

typedef struct due_item {
	char aid[16];
	char order_no[32];
	char state[32];
	const char *kind; /* "review" or "shipping" */
	char since[32];   /* UTC as stored: when it entered the state */
	long due_day;     /* yyyymmdd */
	int overdue;
} due_item;

typedef struct due_list {
	due_item *v;
	size_t n;
} due_list;

typedef struct due_counts {
	size_t reviews_due, reviews_overdue, shipping_due, shipping_overdue;
	size_t closed;
} due_counts;

/* Everything due, oldest due first. out: due_list_free(). */
int due_compute(sqlite3 *db, const calendar *cal, long today, due_list *out,
                ch_error *e);
void due_list_free(due_list *l);

/* A yyyymmdd day as yyyy-mm-dd: how due_dates.due_on holds it, so that
 * a day written this way compares with it as text. */
void due_day_text(long day, char out[16]);

/* The nightly step, in one transaction: closes the orders shipped
 * DUE_CLOSE_DAYS ago or more, computes what is due, keeps it in
 * due_dates for the report and fills c. */
int due_record(sqlite3 *db, const calendar *cal, long today,
               const char *now, due_counts *c, ch_error *e);

#endif
