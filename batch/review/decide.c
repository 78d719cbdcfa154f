/* decide.c: approve, reject and ship (see decide.h). */
#include "batch/review/decide.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "batch/clock.h"
#include "batch/db.h"
#include "batch/intake/notice.h"
#include "batch/review/states.h"
#include "common/unsafecp.h"

static int check_tracking(const char *s, ch_error *e)
{
	size_t n = strlen(s);

	if (n < 4 || n > DECIDE_TRACKING_MAX)
		return ch_fail(e, NULL, 0, "--tracking: 4 to %d characters",
		               DECIDE_TRACKING_MAX);
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= 'a' && s[i] <= 'z') || s[i] == '-'))
			return ch_fail(e, NULL, 0, "--tracking: only letters, digits "
			               "and '-'");
	return 0;
}

/* The decision's history: who, and why when there is a reason. */
static int decision_event(sqlite3 *db, const char *aid, const char *kind,
                          json_t *detail, const char *now, ch_error *e)
{
	char *dump = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
	int rc;

	if (!dump)
		return ch_fail(e, NULL, 0, "out of memory");
	rc = db_run(db, e, "INSERT INTO events (application_id, at, kind, detail)"
	            " VALUES (?, ?, ?, ?)", "ssss", aid, now, kind, dump);
	free(dump);
	return rc;
}

/* One decision: find, move, record, notify; all or nothing. */
/* Each command takes one row of the state table: from is that row's
 * state, so that reject does not borrow intake's awaiting_payment ->
 * rejected. */
static int decide(batch_ctx *ctx, sqlite3 *db, const char *order,
                  const char *from, const char *to, const char *notice,
                  const char *why, json_t *detail, json_t *vars,
                  review_order *o, ch_error *e)
{
	char now[32];
	int r;

	clock_now(now);
	if (db_begin(db, e) < 0)
		return -1;
	r = review_order_find(db, order, o, e);
	if (r <= 0) {
		r = r < 0 ? -1 : 1;
		goto fail;
	}
	if (strcmp(o->state, from)) {
		ch_fail(e, NULL, 0, "order %s is %s, which cannot become %s here "
		        "(only %s can)", o->order_no[0] ? o->order_no : o->aid,
		        o->state, to, from);
		r = 1;
		goto fail;
	}
	r = state_change(db, o->aid, to, why, now, e);
	if (r != 0)
		goto fail;
	r = -1;
	if (!strcmp(to, "shipped") &&
	    db_run(db, e, "INSERT INTO shipments (application_id, carrier,"
	           " tracking_no, shipped_at) VALUES (?,?,?,?)", "ssss", o->aid,
	           json_string_value(json_object_get(vars, "carrier")),
	           json_string_value(json_object_get(vars, "tracking_no")),
	           now) < 0)
		goto fail;
	if (decision_event(db, o->aid, "decision", detail, now, e) < 0 ||
	    notice_queue_event(ctx, db, notice, o->aid, vars, now, e) < 0 ||
	    db_commit(db, e) < 0)
		goto fail;
	snprintf(o->state, sizeof o->state, "%s", to);
	return 0;
fail:
	db_rollback(db);
	return r;
}

static json_t *detail_of(const char *decision, const char *key1,
                         const char *v1, const char *key2, const char *v2)
{
	json_t *d = json_object();

	if (!d || json_object_set_new(d, "decision", json_string(decision)) < 0 ||
	    (key1 && json_object_set_new(d, key1, json_string(v1)) < 0) ||
	    (key2 && json_object_set_new(d, key2, json_string(v2)) < 0)) {
		json_decref(d);
		return NULL;
	}
	return d;
}

int decide_approve(batch_ctx *ctx, sqlite3 *db, const char *order,
                   const char *by, review_order *o, ch_error *e)
{
	json_t *d;
	int rc;

	char why[160];

	if (ch_check_text("--by", by, BATCH_NAME_MAX, e) < 0)
		return 2;
	snprintf(why, sizeof why, "review approve by %s", by);
	d = detail_of("approved", "by", by, NULL, NULL);
	if (!d)
		return ch_fail(e, NULL, 0, "out of memory");
	rc = decide(ctx, db, order, "in_review", "approved", "approved", why, d,
	            NULL, o, e);
	json_decref(d);
	return rc;
}

int decide_reject(batch_ctx *ctx, sqlite3 *db, const char *order,
                  const char *by, const char *reason, review_order *o,
                  ch_error *e)
{
	json_t *d, *vars;
	char why[160];
	int rc = -1;

	if (ch_check_text("--by", by, BATCH_NAME_MAX, e) < 0 ||
	    ch_check_text("--reason", reason, DECIDE_REASON_MAX, e) < 0)
		return 2;
	snprintf(why, sizeof why, "review reject by %s", by);
	d = detail_of("rejected", "by", by, "reason", reason);
	vars = json_pack("{ss}", "reasons", reason);
	if (!d || !vars)
		ch_fail(e, NULL, 0, "out of memory");
	else
		rc = decide(ctx, db, order, "in_review", "rejected", "rejected", why,
		            d, vars, o, e);
	json_decref(d);
	json_decref(vars);
	return rc;
}

int decide_ship(batch_ctx *ctx, sqlite3 *db, const char *order,
                const char *carrier, const char *tracking, review_order *o,
                ch_error *e)
{
	json_t *d, *vars;
	int rc = -1;

	if (ch_check_text("--carrier", carrier, DECIDE_NAME_MAX, e) < 0 ||
	    check_tracking(tracking, e) < 0)
		return 2;
	d = detail_of("shipped", "carrier", carrier, "tracking_no", tracking);
	vars = json_pack("{ssss}", "carrier", carrier, "tracking_no", tracking);
	if (!d || !vars)
		ch_fail(e, NULL, 0, "out of memory");
	else
		rc = decide(ctx, db, order, "issued", "shipped", "shipped", "ship", d,
		            vars, o, e);
	json_decref(d);
	json_decref(vars);
	return rc;
}
