/* book.c: payments, paid sums and the state changes money causes (see
 * book.h). */
#include "batch/money/book.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch/db.h"
#include "batch/money/names.h"
#include "batch/intake/notice.h"
#include "batch/review/states.h"

int book_payment(sqlite3 *db, long long line_id, const char *aid,
                 long long amount_fen, const char *by_hand, const char *now,
                 ch_error *e)
{
	if (db_run(db, e, "INSERT INTO payments (line_id, application_id,"
	           " amount_fen, by_hand, booked_at) VALUES (?,?,?,?,?)"
	           " ON CONFLICT DO NOTHING", "isiss", line_id, aid, amount_fen,
	           by_hand, now) < 0)
		return -1;
	return book_refresh_paid(db, aid, e);
}

int book_refresh_paid(sqlite3 *db, const char *aid, ch_error *e)
{
	return db_run(db, e, "UPDATE applications SET amount_paid_fen ="
	              " (SELECT coalesce(sum(amount_fen), 0) FROM payments"
	              "  WHERE application_id = ?1 AND reversed_by IS NULL)"
	              " WHERE application_id = ?1 AND amount_paid_fen <>"
	              " (SELECT coalesce(sum(amount_fen), 0) FROM payments"
	              "  WHERE application_id = ?1 AND reversed_by IS NULL)",
	              "s", aid);
}

typedef struct order_money {
	char state[32];
	long long due, paid;
	int online; /* online chosen, or a payment came from a merchant bill */
} order_money;

/* 0 found; 1 no such application (e says so); -1 an error. */
static int order_money_get(sqlite3 *db, const char *aid, order_money *m,
                           ch_error *e)
{
	sqlite3_stmt *st = NULL;
	int r;

	/* Online: chosen on the form, or paid through a merchant bill. */
	r = db_row(db, e, &st,
	           "SELECT a.state, a.amount_due_fen, a.amount_paid_fen,"
	           " EXISTS (SELECT 1 FROM payments p JOIN statement_lines l"
	           "  USING (line_id) WHERE p.application_id = a.application_id"
	           "  AND p.reversed_by IS NULL AND l.source <> 'bank')"
	           " OR coalesce((SELECT json_extract(r.application_json,"
	           "  '$.payment_method') FROM revisions r WHERE"
	           "  r.application_id = a.application_id AND"
	           "  r.outcome = 'accepted' ORDER BY r.revision DESC LIMIT 1),"
	           "  '') = 'online'"
	           " FROM applications a WHERE a.application_id = ?",
	           "s", aid);
	if (r == 1) {
		snprintf(m->state, sizeof m->state, "%s",
		         (const char *)sqlite3_column_text(st, 0));
		m->due = sqlite3_column_int64(st, 1);
		m->paid = sqlite3_column_int64(st, 2);
		m->online = sqlite3_column_int(st, 3);
	}
	sqlite3_finalize(st);
	if (r == 0)
		ch_fail(e, NULL, 0, "no application %s", aid);
	return r < 0 ? -1 : !r;
}

/* The newest accepted revision's basic account (基本户), folded as
 * payouts.account_key. */
#define ACCOUNT_KEY_SQL \
	"(SELECT coalesce(certhall_key(json_extract(r.application_json," \
	" '$.bank_account.number')), '') FROM revisions r" \
	" WHERE r.application_id = ?1 AND r.outcome = 'accepted'" \
	" ORDER BY r.revision DESC LIMIT 1)"

/* 1 when a payout of aid in one of the states (SQL list) went to the
 * current basic account. */
static int payout_to_account(sqlite3 *db, const char *aid, const char *states,
                             ch_error *e)
{
	char sql[512];
	sqlite3_stmt *st = NULL;
	int k;

	snprintf(sql, sizeof sql, "SELECT EXISTS (SELECT 1 FROM payouts WHERE"
	         " application_id = ?1 AND state IN (%s) AND account_key = "
	         ACCOUNT_KEY_SQL ")", states);
	k = db_row(db, e, &st, sql, "s", aid);
	if (k == 1)
		k = sqlite3_column_int(st, 0);
	else if (k == 0)
		k = db_fail(db, e, "database error");
	sqlite3_finalize(st);
	return k;
}

/* The micro-deposit for the current basic account: payouts still out to
 * an account the applicant has since corrected are cancelled, and a
 * pending one is made unless one to this account is still out. Its
 * amount is set at export. */
static int new_payout(sqlite3 *db, const char *aid, const char *now,
                      ch_error *e)
{
	int k;

	if (db_run(db, e, "UPDATE payouts SET state = 'cancelled', failure ="
	           " 'the basic account was corrected' WHERE application_id = ?1"
	           " AND state IN ('pending', 'exported') AND account_key <> "
	           ACCOUNT_KEY_SQL, "s", aid) < 0)
		return -1;
	k = payout_to_account(db, aid, "'pending', 'exported'", e);
	if (k != 0)
		return k < 0 ? -1 : 0;
	return db_run(db, e,
	              "INSERT INTO payouts (application_id, revision, account_name,"
	              " account_bank, account_number, account_key, amount_fen,"
	              " created_at)"
	              " SELECT r.application_id, r.revision,"
	              "  coalesce(json_extract(r.application_json, '$.bank_account.name'), ''),"
	              "  coalesce(json_extract(r.application_json, '$.bank_account.bank'), ''),"
	              "  coalesce(json_extract(r.application_json, '$.bank_account.number'), ''),"
	              "  coalesce(certhall_key(json_extract(r.application_json,"
	              "   '$.bank_account.number')), ''), 1, ?2"
	              " FROM revisions r WHERE r.application_id = ?1"
	              "  AND r.outcome = 'accepted'"
	              " ORDER BY r.revision DESC LIMIT 1",
	              "ss", aid, now);
}

int book_settle(sqlite3 *db, const char *aid, const char *why,
                const char *now, ch_error *e)
{
	order_money m;
	int r = order_money_get(db, aid, &m, e);

	if (r != 0)
		return r;
	if (strcmp(m.state, "awaiting_payment") || m.due <= 0 || m.paid < m.due)
		return 0;
	if (!m.online)
		return state_change(db, aid, "in_review", why, now, e);
	/* A new revision of an order already verified with this account
	 * needs no second micro-deposit. */
	r = payout_to_account(db, aid, "'verified'", e);
	if (r < 0)
		return -1;
	if (r == 1)
		return state_change(db, aid, "in_review", "paid, and this basic "
		                    "account was verified before", now, e);
	r = state_change(db, aid, "awaiting_verification", why, now, e);
	if (r == 0)
		r = new_payout(db, aid, now, e);
	return r;
}

int book_withdraw(sqlite3 *db, const char *aid, const char *why,
                  const char *now, ch_error *e)
{
	order_money m;
	int r = order_money_get(db, aid, &m, e);

	if (r != 0)
		return r;
	if (m.paid >= m.due || !strcmp(m.state, "awaiting_payment") ||
	    !strcmp(m.state, "rejected"))
		return 0;
	r = state_change(db, aid, "awaiting_payment", why, now, e);
	if (r == 0)
		r = db_run(db, e, "UPDATE payouts SET state = 'cancelled',"
		           " failure = 'payment withdrawn' WHERE application_id = ?"
		           " AND state IN ('pending', 'exported')", "s", aid);
	return r;
}

int book_taken_back(sqlite3 *db, long long line, long long by,
                    const char *why, const char *now, ch_error *e)
{
	sqlite3_stmt *st = NULL;
	int k, rc = 0;

	/* Only applications and payouts change below, never payments, so
	 * the query may run on while they do. */
	if (db_prepare(db, "SELECT DISTINCT application_id FROM payments"
	               " WHERE line_id = ? AND reversed_by = ?"
	               " ORDER BY application_id", &st, e) < 0)
		return -1;
	if (db_bind(st, "ii", line, by) < 0) {
		sqlite3_finalize(st);
		return db_fail(db, e, "database error");
	}
	while (rc == 0 && (k = db_step(db, st, e)) == 1) {
		const char *aid = (const char *)sqlite3_column_text(st, 0);
		if (book_refresh_paid(db, aid, e) < 0)
			rc = -1;
		else
			rc = book_withdraw(db, aid, why, now, e);
	}
	if (rc == 0 && k < 0)
		rc = -1;
	sqlite3_finalize(st);
	return rc;
}

int book_fail_payout(batch_ctx *ctx, sqlite3 *db, long long payout_id,
                     const char *failure, const char *reason,
                     const char *now, ch_error *e)
{
	sqlite3_stmt *st = NULL;
	char aid[32] = "", order_no[32] = "", why[160];
	long long revision = 0;
	json_t *app = NULL;
	int r, rc = -1;

	r = db_row(db, e, &st,
	           "SELECT p.application_id, a.order_no, r.revision,"
	           " r.application_json FROM payouts p"
	           " JOIN applications a USING (application_id)"
	           " JOIN revisions r ON r.application_id = p.application_id"
	           "  AND r.revision = p.revision"
	           " WHERE p.payout_id = ?",
	           "i", payout_id);
	if (r <= 0) {
		if (r == 0)
			ch_fail(e, NULL, 0, "no payout %lld", payout_id);
		goto out;
	}
	snprintf(aid, sizeof aid, "%s", (const char *)sqlite3_column_text(st, 0));
	snprintf(order_no, sizeof order_no, "%s",
	         (const char *)sqlite3_column_text(st, 1));
	revision = sqlite3_column_int64(st, 2);
	app = json_loads((const char *)sqlite3_column_text(st, 3), 0, NULL);
	if (!app) {
		ch_fail(e, NULL, 0, "payout %lld: its revision's form is unreadable",
		        payout_id);
		goto out;
	}
	/* The state first: when the table refuses, nothing has changed. */
	snprintf(why, sizeof why, "payout %lld %s", payout_id, failure);
	r = state_change(db, aid, "verification_failed", why, now, e);
	if (r != 0) {
		rc = r;
		goto out;
	}
	if (db_run(db, e, "UPDATE payouts SET state = 'failed', failure = ?"
	           " WHERE payout_id = ?", "si", failure, payout_id) < 0)
		goto out;
	rc = notice_queue_text(ctx, db, &ctx->verification_failed, app, aid,
	                       (long)revision, order_no, reason, now, e);
out:
	json_decref(app);
	sqlite3_finalize(st);
	return rc;
}
