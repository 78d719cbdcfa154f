/* Schema step 8 rebuilds the outbox with the recipient and an event in its
 * key: a database at step 7 with messages and their attempts (foreign keys
 * on, as every connection has them) migrates with every row kept, and the
 * new key lets one notice reach two recipients but never one twice. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch/db.h"
#include "batch/migrations.h"

#include "tests/unit/dbtest.h"

TestSuite(outbox_key, .init = setup, .fini = teardown);

Test(outbox_key, the_rebuild_keeps_messages_and_attempts)
{
	sqlite3 *db;
	ch_error e;

	cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL),
	             SQLITE_OK);
	cr_assert_eq(db_migrate(db, path, 7, &e), 0, "%s", e.msg);
	cr_assert_eq(sqlite3_exec(db,
		"INSERT INTO applications VALUES ('K7QD-2MPE-X9A3', 'SX20261124000013',"
		" 'awaiting_payment', 90000, 0, 1, '2026-11-01T00:00:00Z',"
		" '2026-11-01T00:00:00Z');"
		"INSERT INTO outbox (application_id, revision, notice, channel,"
		" recipient, payload, state, created_at, attempts) VALUES"
		" ('K7QD-2MPE-X9A3', 1, 'accepted', 'sms', '13812345678', '{}', 'sent',"
		" '2026-11-01T00:00:00Z', 1);"
		"INSERT INTO outbox_attempts VALUES (1, 1, '2026-11-01T00:00:00Z',"
		" '2026-11-01T00:00:01Z', 'sent', 'ok')", NULL, NULL, NULL), SQLITE_OK,
		"%s", sqlite3_errmsg(db));
	cr_assert_eq(db_migrate(db, path, db_schema_version(), &e), 0, "%s", e.msg);
	cr_assert_eq(one(db, "PRAGMA user_version"), db_schema_version());
	cr_assert_eq(one(db, "SELECT count(*) FROM outbox WHERE outbox_id = 1 AND"
	                 " state = 'sent' AND event = ''"), 1);
	cr_assert_eq(one(db, "SELECT count(*) FROM outbox_attempts WHERE"
	                 " outbox_id = 1 AND outcome = 'sent'"), 1);
	cr_assert_eq(one(db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
	/* The same notice to another holder is a row; to the same one, not. */
	cr_assert_eq(sqlite3_exec(db,
		"INSERT INTO outbox (application_id, revision, notice, channel,"
		" recipient, payload, created_at, event) VALUES"
		" ('K7QD-2MPE-X9A3', 1, 'pin_personal', 'sms', '13812345678', '{}',"
		" '2026-11-01T00:00:00Z', 'SN-1'),"
		" ('K7QD-2MPE-X9A3', 1, 'pin_personal', 'sms', '13698765432', '{}',"
		" '2026-11-01T00:00:00Z', 'SN-2'),"
		" ('K7QD-2MPE-X9A3', 1, 'pin_personal', 'sms', '13698765432', '{}',"
		" '2026-11-01T00:00:00Z', 'SN-2') ON CONFLICT DO NOTHING",
		NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg(db));
	cr_assert_eq(one(db, "SELECT count(*) FROM outbox WHERE notice ="
	                 " 'pin_personal'"), 2);
	sqlite3_close(db);
}
