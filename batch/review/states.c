/* states.c: the order state table (see states.h). */
#include "batch/review/states.h"

#include <stdio.h>
#include <string.h>

#include "batch/db.h"

static const order_state STATES[] = {
	{"accepted", "已受理", "intake's state before schema 4; migrated to "
	 "awaiting_payment"},
	{"rejected", "已驳回", "the newest revision was rejected at intake, "
	 "or the application was rejected at review (驳回, money kept); "
	 "awaits a corrected revision"},
	{"awaiting_payment", "待付款", "accepted; nothing or part paid"},
	{"awaiting_verification", "待金融认证", "online payment received; "
	 "micro-deposit pending"},
	{"verification_failed", "金融认证不通过", "the payout came back, the "
	 "code expired or five wrong codes; awaits a resubmission"},
	{"in_review", "审核中", "paid (and verified where online); the "
	 "reviewers take it from here"},
	/* Review and shipping (batch/review/decide.h). */
	{"approved", "审核通过", "the reviewer approved it; issuance next, "
	 "then shipping within 3 working days"},
	{"issued", "已签发", "the certificates are issued; shipping next"},
	{"shipped", "已寄出", "the certificates are on their way (邮费到付)"},
	{"closed", "已完成", "shipped 15 days ago or more; nothing is awaited"},
};

static const order_transition TRANSITIONS[] = {
	{"accepted", "awaiting_payment", "schema migration 4"},
	{"awaiting_payment", "in_review", "reconcile or payments match: a "
	 "transfer paid in full"},
	{"awaiting_payment", "awaiting_verification", "reconcile or payments "
	 "match: an online payment in full"},
	{"awaiting_verification", "in_review", "verify: the right code"},
	{"awaiting_verification", "verification_failed", "verify or reconcile: "
	 "payout returned, code expired or attempts used up"},
	{"awaiting_verification", "awaiting_payment", "reconcile or payments "
	 "unmatch: the payment reversed, refunded or withdrawn"},
	{"in_review", "awaiting_payment", "reconcile or payments unmatch: the "
	 "payment reversed or withdrawn"},
	/* Intake writes these itself when a revision comes in (record.c). */
	{"rejected", "awaiting_payment", "ingest: a new revision accepted"},
	{"verification_failed", "awaiting_payment", "ingest: a new revision "
	 "accepted"},
	/* Review and shipping (batch/review/decide.h, due.h). */
	{"in_review", "approved", "review approve --by NAME"},
	{"in_review", "rejected", "review reject --by NAME --reason TEXT"},
	{"rejected", "in_review", "ingest: a corrected revision accepted, the "
	 "order already paid in full"},
	{"issued", "shipped", "ship --carrier NAME --tracking NO"},
	{"shipped", "closed", "nightly step due: 15 days after shipping"},
	{"approved", "issued", "issued: every certificate has its serial"},
};

#define NSTATES (sizeof STATES / sizeof STATES[0])
#define NTRANSITIONS (sizeof TRANSITIONS / sizeof TRANSITIONS[0])

const order_state *state_list(size_t *n)
{
	*n = NSTATES;
	return STATES;
}

const order_transition *state_transitions(size_t *n)
{
	*n = NTRANSITIONS;
	return TRANSITIONS;
}

const order_state *state_find(const char *s)
{
	for (size_t i = 0; s && i < NSTATES; i++)
		if (!strcmp(STATES[i].name, s))
			return &STATES[i];
	return NULL;
}

int state_allowed(const char *from, const char *to)
{
	for (size_t i = 0; i < NTRANSITIONS; i++)
		if (!strcmp(TRANSITIONS[i].from, from) && !strcmp(TRANSITIONS[i].to, to))
			return 1;
	return 0;
}

int state_change(sqlite3 *db, const char *aid, const char *to,
                 const char *why, const char *now, ch_error *e)
{
	sqlite3_stmt *st = NULL;
	char from[64], detail[512];
	int r, rc = -1;

	r = db_row(db, e, &st, "SELECT state FROM applications WHERE"
	           " application_id = ?", "s", aid);
	if (r < 0)
		goto out;
	if (r == 0) {
		ch_fail(e, NULL, 0, "no application %s", aid);
		rc = 1;
		goto out;
	}
	snprintf(from, sizeof from, "%s", (const char *)sqlite3_column_text(st, 0));
	if (!state_allowed(from, to)) {
		ch_fail(e, NULL, 0, "application %s is %s, which cannot become %s",
		        aid, from, to);
		rc = 1;
		goto out;
	}
	snprintf(detail, sizeof detail, "%s -> %s: %s", from, to, why);
	if (db_run(db, e, "UPDATE applications SET state = ?, updated_at = ?"
	           " WHERE application_id = ?", "sss", to, now, aid) < 0 ||
	    db_run(db, e, "INSERT INTO events (application_id, at, kind, detail)"
	           " VALUES (?, ?, 'state', ?)", "sss", aid, now, detail) < 0)
		goto out;
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}
