/* The database: created private, WAL, and an older schema upgraded in
 * place without losing rows. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "batch/db.h"
#include "batch/migrations.h"

#include "tests/unit/dbtest.h"

TestSuite(db, .init = setup, .fini = teardown);

Test(db, new_database_is_current_private_and_wal)
{
	sqlite3 *db;
	ch_error e;
	struct stat st;
	sqlite3_stmt *s;

	cr_assert_eq(db_open(path, &db, &e), 0, "%s", e.msg);
	cr_assert_eq(one(db, "PRAGMA user_version"), db_schema_version());
	cr_assert_eq(one(db, "PRAGMA foreign_keys"), 1);
	cr_assert_eq(one(db, "PRAGMA synchronous"), 2); /* FULL */
	cr_assert_eq(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_step(s), SQLITE_ROW);
	cr_assert_str_eq((const char *)sqlite3_column_text(s, 0), "wal");
	sqlite3_finalize(s);
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0600);
	db_close(db);
}

Test(db, version_1_database_is_upgraded_in_place)
{
	sqlite3 *db;
	ch_error e;

	/* A database as the first release left it, with a row in it. */
	cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
	cr_assert_eq(db_migrate(db, path, 1, &e), 0, "%s", e.msg);
	cr_assert_eq(one(db, "PRAGMA user_version"), 1);
	cr_assert_eq(sqlite3_exec(db,
		"INSERT INTO applications VALUES ('K7QD-2MPE-X9A3', NULL, "
		"'rejected', 0, 0, 1, '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z')",
		NULL, NULL, NULL), SQLITE_OK);
	cr_assert_neq(sqlite3_exec(db, "SELECT 1 FROM outbox", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	cr_assert_eq(db_open(path, &db, &e), 0, "%s", e.msg);
	cr_assert_eq(one(db, "PRAGMA user_version"), db_schema_version());
	cr_assert_eq(one(db, "SELECT count(*) FROM applications WHERE state = 'rejected'"), 1);
	cr_assert_eq(one(db, "SELECT count(*) FROM outbox"), 0);
	cr_assert_eq(one(db, "SELECT count(*) FROM documents"), 0);
	db_close(db);

	/* Opening again changes nothing. */
	cr_assert_eq(db_open(path, &db, &e), 0, "%s", e.msg);
	cr_assert_eq(one(db, "PRAGMA user_version"), db_schema_version());
	db_close(db);
}

Test(db, newer_database_is_refused)
{
	sqlite3 *db;
	ch_error e;
	char sql[64];

	cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", db_schema_version() + 1);
	cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	cr_assert_eq(db_open(path, &db, &e), -1);
	cr_assert(strstr(e.msg, "newer"), "%s", e.msg);
	cr_assert_str_eq(e.file, path);
}

Test(db, outbox_never_queues_twice)
{
	sqlite3 *db;
	ch_error e;

	cr_assert_eq(db_open(path, &db, &e), 0, "%s", e.msg);
	cr_assert_eq(db_exec(db,
		"INSERT INTO applications VALUES ('K7QD-2MPE-X9A3', NULL, "
		"'accepted', 0, 0, 1, 'x', 'x');"
		"INSERT INTO outbox (application_id, revision, notice, channel, "
		"recipient, payload, created_at) VALUES "
		"('K7QD-2MPE-X9A3', 1, 'accepted', 'sms', '13812345678', '{}', 'x')",
		&e), 0, "%s", e.msg);
	cr_assert_eq(db_exec(db,
		"INSERT INTO outbox (application_id, revision, notice, channel, "
		"recipient, payload, created_at) VALUES "
		"('K7QD-2MPE-X9A3', 1, 'accepted', 'sms', '13812345678', '{}', 'x')",
		&e), -1);
	db_close(db);
}
