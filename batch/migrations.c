/* migrations.c: the schema, one step per version (see migrations.h). Names
 * follow GLOSSARY.md. Times are UTC text (DESIGN.md 5), money integer fen. */
#include "batch/migrations.h"

#include <stdio.h>

static const char *const STEPS[] = {
	/* 1: intake: bundles seen (idempotency by sha256), applications and
	 * their revisions, findings, history. */
	"CREATE TABLE bundles ("
	"  bundle_id INTEGER PRIMARY KEY,"
	"  sha256 TEXT NOT NULL UNIQUE CHECK (length(sha256) = 64),"
	"  file_name TEXT NOT NULL,"
	"  outcome TEXT NOT NULL CHECK (outcome IN ('accepted', 'rejected')),"
	"  application_id TEXT,"
	"  revision INTEGER,"
	"  findings_json TEXT NOT NULL,"
	"  ingested_at TEXT NOT NULL);"
	"CREATE TABLE applications ("
	"  application_id TEXT PRIMARY KEY,"
	"  order_no TEXT UNIQUE,"
	"  state TEXT NOT NULL,"
	"  amount_due_fen INTEGER NOT NULL DEFAULT 0 CHECK (amount_due_fen >= 0),"
	"  amount_paid_fen INTEGER NOT NULL DEFAULT 0 CHECK (amount_paid_fen >= 0),"
	"  revision INTEGER NOT NULL,"
	"  created_at TEXT NOT NULL,"
	"  updated_at TEXT NOT NULL);"
	"CREATE TABLE revisions ("
	"  application_id TEXT NOT NULL REFERENCES applications(application_id),"
	"  revision INTEGER NOT NULL CHECK (revision >= 1),"
	"  bundle_sha256 TEXT NOT NULL REFERENCES bundles(sha256),"
	"  application_json TEXT NOT NULL,"
	"  submitted_at TEXT,"
	"  ingested_at TEXT NOT NULL,"
	"  outcome TEXT NOT NULL CHECK (outcome IN ('accepted', 'rejected')),"
	"  PRIMARY KEY (application_id, revision));"
	"CREATE TABLE findings ("
	"  bundle_id INTEGER NOT NULL REFERENCES bundles(bundle_id),"
	"  seq INTEGER NOT NULL,"
	"  code TEXT NOT NULL,"
	"  level TEXT NOT NULL CHECK (level IN ('error', 'warning')),"
	"  location TEXT NOT NULL,"
	"  message TEXT NOT NULL,"
	"  PRIMARY KEY (bundle_id, seq));"
	"CREATE TABLE events ("
	"  event_id INTEGER PRIMARY KEY,"
	"  application_id TEXT NOT NULL REFERENCES applications(application_id),"
	"  at TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  detail TEXT NOT NULL DEFAULT '');"
	"CREATE INDEX events_by_application ON events(application_id, event_id);",

	/* 2: what an accepted revision holds (people, certificates, stored
	 * documents) and the outbox of notices (DESIGN.md 4). */
	"CREATE TABLE people ("
	"  application_id TEXT NOT NULL,"
	"  revision INTEGER NOT NULL,"
	"  role TEXT NOT NULL"
	"    CHECK (role IN ('legal_representative', 'handler', 'holder')),"
	"  seq INTEGER NOT NULL,"
	"  name TEXT NOT NULL,"
	"  id_number TEXT NOT NULL,"
	"  mobile TEXT,"
	"  email TEXT,"
	"  PRIMARY KEY (application_id, revision, role, seq),"
	"  FOREIGN KEY (application_id, revision)"
	"    REFERENCES revisions(application_id, revision));"
	"CREATE TABLE certificates ("
	"  application_id TEXT NOT NULL,"
	"  revision INTEGER NOT NULL,"
	"  seq INTEGER NOT NULL,"
	"  kind TEXT NOT NULL CHECK (kind IN ('organization', 'personal')),"
	"  years INTEGER NOT NULL CHECK (years BETWEEN 1 AND 5),"
	"  holder_seq INTEGER,"
	"  PRIMARY KEY (application_id, revision, seq),"
	"  FOREIGN KEY (application_id, revision)"
	"    REFERENCES revisions(application_id, revision));"
	"CREATE TABLE documents ("
	"  application_id TEXT NOT NULL,"
	"  revision INTEGER NOT NULL,"
	"  seq INTEGER NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  person INTEGER,"
	"  file_name TEXT NOT NULL,"
	"  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),"
	"  size INTEGER NOT NULL,"
	"  type TEXT NOT NULL,"
	"  PRIMARY KEY (application_id, revision, seq),"
	"  FOREIGN KEY (application_id, revision)"
	"    REFERENCES revisions(application_id, revision));"
	"CREATE TABLE outbox ("
	"  outbox_id INTEGER PRIMARY KEY,"
	"  application_id TEXT NOT NULL REFERENCES applications(application_id),"
	"  revision INTEGER NOT NULL,"
	"  notice TEXT NOT NULL,"
	"  channel TEXT NOT NULL CHECK (channel IN ('email', 'sms')),"
	"  recipient TEXT NOT NULL,"
	"  payload TEXT NOT NULL,"
	"  state TEXT NOT NULL DEFAULT 'queued',"
	"  created_at TEXT NOT NULL,"
	"  UNIQUE (application_id, revision, notice, channel));",

	/* 3: money in (issue 8): statement and merchant-bill files, each
	 * line booked once across files (line_key: the bank's serial, else a
	 * hash of the normalised fields with a per-file counter), and every
	 * line as read, with its file, number and raw text. Per-file totals
	 * and balances are the file's own (合计, opening/closing), for the
	 * workbook to compare with. */
	"CREATE TABLE statement_files ("
	"  file_id INTEGER PRIMARY KEY,"
	"  sha256 TEXT NOT NULL UNIQUE CHECK (length(sha256) = 64),"
	"  file_name TEXT NOT NULL,"
	"  layout TEXT NOT NULL,"
	"  source TEXT NOT NULL CHECK (source IN ('bank', 'wechat', 'alipay')),"
	"  account TEXT,"
	"  lines_read INTEGER NOT NULL,"
	"  lines_booked INTEGER NOT NULL,"
	"  lines_known INTEGER NOT NULL,"
	"  total_debit_fen INTEGER,"
	"  total_credit_fen INTEGER,"
	"  opening_balance_fen INTEGER,"
	"  closing_balance_fen INTEGER,"
	"  imported_at TEXT NOT NULL);"
	"CREATE TABLE statement_lines ("
	"  line_id INTEGER PRIMARY KEY,"
	"  line_key TEXT NOT NULL UNIQUE,"
	"  file_id INTEGER NOT NULL REFERENCES statement_files(file_id),"
	"  line_no INTEGER NOT NULL,"
	"  source TEXT NOT NULL CHECK (source IN ('bank', 'wechat', 'alipay')),"
	"  serial TEXT,"
	"  booked_on TEXT NOT NULL,"
	"  booked_time TEXT,"
	"  direction TEXT NOT NULL CHECK (direction IN ('credit', 'debit')),"
	"  amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),"
	"  balance_fen INTEGER,"
	"  counterparty_name TEXT,"
	"  counterparty_account TEXT,"
	"  counterparty_bank TEXT,"
	"  memo TEXT,"
	"  merchant_order_no TEXT,"
	"  kind TEXT NOT NULL DEFAULT 'normal'"
	"    CHECK (kind IN ('normal', 'reversal', 'returned', 'refund')));"
	"CREATE TABLE statement_file_lines ("
	"  file_id INTEGER NOT NULL REFERENCES statement_files(file_id),"
	"  line_no INTEGER NOT NULL,"
	"  line_id INTEGER NOT NULL REFERENCES statement_lines(line_id),"
	"  raw TEXT NOT NULL,"
	"  PRIMARY KEY (file_id, line_no));"
	"CREATE INDEX statement_lines_by_date ON statement_lines(booked_on);",

	/* 4: reconciliation and micro-deposits (issue 8). Intake's accepted
	 * becomes awaiting_payment (batch/review/states.c), with an event.
	 * line_outcomes: what reconcile or a person decided for a line
	 * (by_hand set: reconcile leaves it alone); payments: the money a
	 * line brought to an order (reversed_by: the line that took it back);
	 * hand_decisions: who decided what, when. Payouts never hold their
	 * code: nonce is the random draw the code is derived from with the
	 * key file's key, code_hash its keyed hash (batch/money/payout.h). */
	"INSERT INTO events (application_id, at, kind, detail)"
	"  SELECT application_id, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'state',"
	"  'accepted -> awaiting_payment: schema migration 4'"
	"  FROM applications WHERE state = 'accepted';"
	"UPDATE applications SET state = 'awaiting_payment'"
	"  WHERE state = 'accepted';"
	"CREATE TABLE line_outcomes ("
	"  line_id INTEGER PRIMARY KEY REFERENCES statement_lines(line_id),"
	"  outcome TEXT NOT NULL,"
	"  review INTEGER NOT NULL DEFAULT 0 CHECK (review IN (0, 1)),"
	"  reason TEXT NOT NULL DEFAULT '',"
	"  candidates_json TEXT NOT NULL DEFAULT '[]',"
	"  related_line_id INTEGER REFERENCES statement_lines(line_id),"
	"  by_hand TEXT,"
	"  decided_at TEXT NOT NULL);"
	"CREATE INDEX line_outcomes_in_review ON line_outcomes(review, line_id);"
	"CREATE TABLE payments ("
	"  payment_id INTEGER PRIMARY KEY,"
	"  line_id INTEGER NOT NULL REFERENCES statement_lines(line_id),"
	"  application_id TEXT NOT NULL REFERENCES applications(application_id),"
	"  amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),"
	"  by_hand TEXT,"
	"  booked_at TEXT NOT NULL,"
	"  reversed_by INTEGER REFERENCES statement_lines(line_id),"
	"  UNIQUE (line_id, application_id));"
	"CREATE INDEX payments_by_application ON payments(application_id);"
	/* Credits no order claims yet, by the keys an order arriving later
	 * would match (account, payer name, order numbers in the memo), so
	 * that a run looks again only at those an updated order may claim. */
	"CREATE TABLE line_waiting ("
	"  line_id INTEGER PRIMARY KEY REFERENCES statement_lines(line_id),"
	"  account TEXT,"
	"  payer TEXT,"
	"  decided_at TEXT NOT NULL);"
	"CREATE INDEX line_waiting_by_account ON line_waiting(account);"
	"CREATE INDEX line_waiting_by_payer ON line_waiting(payer);"
	"CREATE TABLE line_waiting_orders ("
	"  order_no TEXT NOT NULL,"
	"  line_id INTEGER NOT NULL REFERENCES line_waiting(line_id),"
	"  PRIMARY KEY (line_id, order_no)) WITHOUT ROWID;"
	"CREATE INDEX line_waiting_orders_by_no ON line_waiting_orders(order_no);"
	"CREATE TABLE hand_decisions ("
	"  decision_id INTEGER PRIMARY KEY,"
	"  line_id INTEGER NOT NULL REFERENCES statement_lines(line_id),"
	"  action TEXT NOT NULL CHECK (action IN ('match', 'unmatch')),"
	"  application_id TEXT,"
	"  decided_by TEXT NOT NULL,"
	"  decided_at TEXT NOT NULL);"
	"CREATE TABLE payout_batches ("
	"  batch_id INTEGER PRIMARY KEY,"
	"  created_at TEXT NOT NULL,"
	"  payouts INTEGER NOT NULL,"
	"  total_fen INTEGER NOT NULL);"
	"CREATE TABLE payouts ("
	"  payout_id INTEGER PRIMARY KEY,"
	"  application_id TEXT NOT NULL REFERENCES applications(application_id),"
	"  revision INTEGER NOT NULL,"
	"  account_name TEXT NOT NULL,"
	"  account_bank TEXT NOT NULL,"
	"  account_number TEXT NOT NULL,"
	"  account_key TEXT NOT NULL,"
	"  amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),"
	"  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN"
	"    ('pending', 'exported', 'verified', 'failed', 'cancelled')),"
	"  nonce TEXT,"
	"  code_hash TEXT,"
	"  batch_id INTEGER REFERENCES payout_batches(batch_id),"
	"  exported_at TEXT,"
	"  expires_at TEXT,"
	"  confirmed_line_id INTEGER REFERENCES statement_lines(line_id),"
	"  attempts_left INTEGER NOT NULL DEFAULT 5,"
	"  failure TEXT,"
	"  created_at TEXT NOT NULL);"
	"CREATE INDEX payouts_by_application ON payouts(application_id);"
	"CREATE INDEX payouts_by_state ON payouts(state, payout_id);"
	"CREATE INDEX payouts_by_account ON payouts(account_key, amount_fen);"
	"CREATE INDEX statement_lines_by_amount"
	"  ON statement_lines(amount_fen, direction);"
	"CREATE TABLE verify_attempts ("
	"  attempt_id INTEGER PRIMARY KEY,"
	"  payout_id INTEGER NOT NULL REFERENCES payouts(payout_id),"
	"  at TEXT NOT NULL,"
	"  outcome TEXT NOT NULL);",

	/* 5: sending the outbox (batch/notify/outbox.h): a row's attempts,
	 * when it may be tried again, the Message-ID kept across retries,
	 * the last answer of the server or gateway; every attempt kept. */
	"ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE outbox ADD COLUMN next_attempt_at TEXT;"
	"ALTER TABLE outbox ADD COLUMN message_id TEXT;"
	"ALTER TABLE outbox ADD COLUMN last_error TEXT;"
	"ALTER TABLE outbox ADD COLUMN sent_at TEXT;"
	"CREATE INDEX outbox_by_state ON outbox(state, next_attempt_at);"
	"CREATE TABLE outbox_attempts ("
	"  outbox_id INTEGER NOT NULL REFERENCES outbox(outbox_id),"
	"  attempt INTEGER NOT NULL CHECK (attempt >= 1),"
	"  started_at TEXT NOT NULL,"
	"  finished_at TEXT,"
	"  outcome TEXT NOT NULL CHECK (outcome IN"
	"    ('sending', 'sent', 'retry', 'failed', 'unknown')),"
	"  detail TEXT,"
	"  PRIMARY KEY (outbox_id, attempt));",

	/* 6: the nightly runs and their steps' counts, for the report's
	 * charts of the last nights (batch/night/nightly.h). */
	"CREATE TABLE nightly_runs ("
	"  run_id INTEGER PRIMARY KEY,"
	"  started_at TEXT NOT NULL,"
	"  finished_at TEXT,"
	"  failed_steps INTEGER);"
	"CREATE TABLE nightly_steps ("
	"  run_id INTEGER NOT NULL REFERENCES nightly_runs(run_id),"
	"  step TEXT NOT NULL,"
	"  started_at TEXT NOT NULL,"
	"  finished_at TEXT NOT NULL,"
	"  outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'failed')),"
	"  counts TEXT NOT NULL,"
	"  error TEXT,"
	"  PRIMARY KEY (run_id, step));",

	/* 7: review and shipping (batch/review/). shipments: one per order,
	 * who recorded it and when; due_dates: what the nightly step `due`
	 * found due (review or shipping) with its due day, for the report,
	 * which has no calendar of its own. Decisions are events. */
	"CREATE TABLE shipments ("
	"  application_id TEXT PRIMARY KEY REFERENCES applications(application_id),"
	"  carrier TEXT NOT NULL,"
	"  tracking_no TEXT NOT NULL,"
	"  shipped_at TEXT NOT NULL);"
	"CREATE TABLE due_dates ("
	"  application_id TEXT PRIMARY KEY REFERENCES applications(application_id),"
	"  kind TEXT NOT NULL CHECK (kind IN ('review', 'shipping')),"
	"  since TEXT NOT NULL,"
	"  due_on TEXT NOT NULL,"
	"  computed_at TEXT NOT NULL);",

	/* 8: issuance (batch/review/issued.h) and one message per event and
	 * recipient. The outbox's key gains the recipient (a PIN notice goes
	 * to each holder) and an event key: '' for the notice a revision
	 * causes once, the serial for a certificate's PIN, the bundle's
	 * sha256 for a refused bundle that names a revision already on file.
	 * SQLite cannot change a UNIQUE constraint in place, so the table is
	 * rebuilt. outbox_attempts points at it and foreign keys cannot be
	 * switched off inside the step's transaction: its rows wait in a
	 * copy while the parent is replaced, then return to the same ids.
	 * issued_certs holds no PIN; pin_payouts holds one only until its
	 * row is exported (batch/money/payout.h). */
	"CREATE TEMP TABLE attempts_v8 AS SELECT * FROM outbox_attempts;"
	"DELETE FROM outbox_attempts;"
	"CREATE TABLE outbox_v8 ("
	"  outbox_id INTEGER PRIMARY KEY,"
	"  application_id TEXT NOT NULL REFERENCES applications(application_id),"
	"  revision INTEGER NOT NULL,"
	"  notice TEXT NOT NULL,"
	"  channel TEXT NOT NULL CHECK (channel IN ('email', 'sms')),"
	"  recipient TEXT NOT NULL,"
	"  payload TEXT NOT NULL,"
	"  state TEXT NOT NULL DEFAULT 'queued',"
	"  created_at TEXT NOT NULL,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_attempt_at TEXT,"
	"  message_id TEXT,"
	"  last_error TEXT,"
	"  sent_at TEXT,"
	"  event TEXT NOT NULL DEFAULT '',"
	"  UNIQUE (application_id, revision, notice, event, channel, recipient));"
	"INSERT INTO outbox_v8 (outbox_id, application_id, revision, notice,"
	"  channel, recipient, payload, state, created_at, attempts,"
	"  next_attempt_at, message_id, last_error, sent_at)"
	"  SELECT outbox_id, application_id, revision, notice, channel,"
	"  recipient, payload, state, created_at, attempts, next_attempt_at,"
	"  message_id, last_error, sent_at FROM outbox;"
	"DROP TABLE outbox;"
	"ALTER TABLE outbox_v8 RENAME TO outbox;"
	"CREATE INDEX outbox_by_state ON outbox(state, next_attempt_at);"
	"INSERT INTO outbox_attempts SELECT * FROM temp.attempts_v8;"
	"DROP TABLE temp.attempts_v8;"
	"CREATE TABLE issued_certs ("
	"  serial TEXT PRIMARY KEY,"
	"  application_id TEXT NOT NULL REFERENCES applications(application_id),"
	"  revision INTEGER NOT NULL,"
	"  cert_seq INTEGER NOT NULL,"
	"  kind TEXT NOT NULL CHECK (kind IN ('organization', 'personal')),"
	"  pin_route TEXT NOT NULL CHECK (pin_route IN ('sms', 'payout')),"
	"  recorded_at TEXT NOT NULL,"
	"  UNIQUE (application_id, revision, cert_seq));"
	"CREATE TABLE pin_payouts ("
	"  pin_payout_id INTEGER PRIMARY KEY,"
	"  serial TEXT NOT NULL UNIQUE REFERENCES issued_certs(serial),"
	"  application_id TEXT NOT NULL REFERENCES applications(application_id),"
	"  holder TEXT NOT NULL,"
	"  account_name TEXT NOT NULL,"
	"  account_bank TEXT NOT NULL,"
	"  account_number TEXT NOT NULL,"
	"  pin TEXT,"
	"  amount_fen INTEGER,"
	"  batch_id INTEGER REFERENCES payout_batches(batch_id),"
	"  exported_at TEXT,"
	"  created_at TEXT NOT NULL,"
	"  CHECK ((pin IS NULL) = (batch_id IS NOT NULL)));",
};

#define NSTEPS ((int)(sizeof STEPS / sizeof STEPS[0]))

int db_schema_version(void)
{
	return NSTEPS;
}

static int user_version(sqlite3 *db, int *v)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		goto out;
	if (sqlite3_step(st) != SQLITE_ROW)
		goto out;
	*v = sqlite3_column_int(st, 0);
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

static int apply(sqlite3 *db, const char *path, int step, ch_error *e)
{
	char bump[64];
	int v;

	/* The version is read again inside the write lock: two programs
	 * starting together must not both apply the same step. */
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return ch_fail(e, path, 0, "cannot lock the database: %s",
		               sqlite3_errmsg(db));
	if (user_version(db, &v) < 0)
		goto fail;
	if (v >= step) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return 0;
	}
	snprintf(bump, sizeof bump, "PRAGMA user_version = %d", step);
	if (sqlite3_exec(db, STEPS[step - 1], NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, bump, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	return 0;
fail:
	ch_fail(e, path, 0, "schema migration %d failed: %s", step,
	        sqlite3_errmsg(db));
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

int db_migrate(sqlite3 *db, const char *path, int target, ch_error *e)
{
	int v;

	if (user_version(db, &v) < 0)
		return ch_fail(e, path, 0, "cannot read the schema version: %s",
		               sqlite3_errmsg(db));
	if (v > NSTEPS)
		return ch_fail(e, path, 0,
		               "database schema version %d is newer than this "
		               "program's (%d): use a newer certhall-batch", v, NSTEPS);
	if (target > NSTEPS)
		target = NSTEPS;
	for (int step = v + 1; step <= target; step++)
		if (apply(db, path, step, e) < 0)
			return -1;
	return 0;
}
