/* reconcile_line.c: the run's kept statements, candidates and decisions
 * (see reconcile_line.h). */
#include "batch/money/reconcile_line.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch/db.h"
#include "common/buf.h"

/* The statement kept for the run: prepared once, reset for each use. */
sqlite3_stmt *rc_q(run *r, int slot, const char *sql, ch_error *e)
{
	if (!r->q[slot]) {
		if (sqlite3_prepare_v3(r->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
		                       &r->q[slot], NULL) != SQLITE_OK) {
			r->q[slot] = NULL;
			db_fail(r->db, e, "database error");
			return NULL;
		}
	} else {
		sqlite3_reset(r->q[slot]);
		sqlite3_clear_bindings(r->q[slot]);
	}
	return r->q[slot];
}

const char *rc_col(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s ? (const char *)s : NULL;
}

/* Records the line's decision; the row changes only when the decision
 * does, so that a rerun writes nothing. */
int rc_decide(run *r, const line *l, const char *outcome, int review,
              const char *reason, const char *candidates, long long related,
              ch_error *e)
{
	sqlite3_stmt *st = rc_q(r, Q_OUTCOME,
	                        "INSERT INTO line_outcomes (line_id, outcome, review, reason,"
	                        " candidates_json, related_line_id, decided_at)"
	                        " VALUES (?1, ?2, ?3, ?4, ?5, nullif(?6, 0), ?7)"
	                        " ON CONFLICT (line_id) DO UPDATE SET outcome = excluded.outcome,"
	                        " review = excluded.review, reason = excluded.reason,"
	                        " candidates_json = excluded.candidates_json,"
	                        " related_line_id = excluded.related_line_id,"
	                        " decided_at = excluded.decided_at"
	                        " WHERE by_hand IS NULL AND (outcome <> excluded.outcome"
	                        " OR review <> excluded.review OR reason <> excluded.reason"
	                        " OR candidates_json <> excluded.candidates_json"
	                        " OR related_line_id IS NOT excluded.related_line_id)", e);

	if (!st)
		return -1;
	r->last = outcome;
	if (db_bind(st, "isissis", l->id, outcome, (long long)review, reason,
	            candidates ? candidates : "[]", related, r->now) < 0 ||
	    sqlite3_step(st) != SQLITE_DONE)
		return db_fail(r->db, e, "database error");
	return 0;
}

cand *rc_cand_add(cands *c, sqlite3_stmt *st)
{
	const char *aid = rc_col(st, 0);

	for (int i = 0; i < c->n; i++)
		if (!strcmp(c->v[i].aid, aid))
			return &c->v[i];
	if (c->n == MAX_CANDS)
		return NULL;
	memset(&c->v[c->n], 0, sizeof c->v[c->n]);
	snprintf(c->v[c->n].aid, sizeof c->v[c->n].aid, "%s", aid);
	snprintf(c->v[c->n].order_no, sizeof c->v[c->n].order_no, "%s", rc_col(st, 1));
	snprintf(c->v[c->n].state, sizeof c->v[c->n].state, "%s", rc_col(st, 2));
	c->v[c->n].remaining = sqlite3_column_int64(st, 3);
	return &c->v[c->n++];
}

static int score(const cand *x, long long amount)
{
	return x->by_memo * 16 + x->near * 8 + x->by_account * 4 +
	       x->by_name * 2 + (x->remaining == amount);
}

/* The candidates, best first, as the review queue shows them. */
static char *cands_json(cands *c, long long amount)
{
	ch_buf b = CH_BUF_INIT;

	for (int i = 1; i < c->n; i++) /* insertion sort: at most 32 */
		for (int j = i; j > 0 && (score(&c->v[j], amount) >
		                          score(&c->v[j - 1], amount) ||
		                          (score(&c->v[j], amount) ==
		                           score(&c->v[j - 1], amount) &&
		                           strcmp(c->v[j].order_no, c->v[j - 1].order_no) < 0));
		     j--) {
			cand t = c->v[j];
			c->v[j] = c->v[j - 1];
			c->v[j - 1] = t;
		}
	ch_buf_putc(&b, '[');
	for (int i = 0; i < c->n && i < SHOWN_CANDS; i++) {
		const cand *x = &c->v[i];
		ch_buf_printf(&b, "%s{\"order_no\":\"%s\",\"application_id\":\"%s\","
		              "\"state\":\"%s\",\"remaining_fen\":%lld,\"score\":%d,"
		              "\"why\":\"%s%s%s%s%s\"}", i ? "," : "", x->order_no,
		              x->aid, x->state, x->remaining, score(x, amount),
		              x->by_memo ? "memo " : "", x->near ? "near_order_no " : "",
		              x->by_account ? "account " : "", x->by_name ? "name " : "",
		              x->remaining == amount ? "amount" : "");
	}
	ch_buf_putc(&b, ']');
	if (!ch_buf_ok(&b)) {
		ch_buf_free(&b);
		return NULL;
	}
	return ch_buf_detach(&b, NULL);
}

int rc_review(run *r, const line *l, const char *outcome, cands *c,
              const char *reason, ch_error *e)
{
	char *j = cands_json(c, l->amount);
	int rc;

	if (!j)
		return ch_fail(e, NULL, 0, "out of memory");
	rc = rc_decide(r, l, outcome, 1, reason, j, 0, e);
	free(j);
	return rc;
}
