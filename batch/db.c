/* db.c: opening the database and small statement helpers. */
#include "batch/db.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "batch/migrations.h"

static int pragmas(sqlite3 *db, const char *path, int readonly, ch_error *e)
{
	/* journal_mode answers with a row; exec ignores it. A reader leaves
	 * the mode as the writer set it. */
	/* secure_delete: a deleted or overwritten secret (a PIN once sent,
	 * a payout's details) is zeroed in its page, not left in a free page
	 * for a copy of the file to show. */
	static const char *const SQL =
		"PRAGMA journal_mode = WAL;"
		"PRAGMA synchronous = FULL;"
		"PRAGMA secure_delete = ON;"
		"PRAGMA foreign_keys = ON;";

	sqlite3_busy_timeout(db, 10000);
	if (sqlite3_exec(db, readonly ? strchr(SQL, ';') + 1 : SQL, NULL, NULL,
	                 NULL) != SQLITE_OK)
		return ch_fail(e, path, 0, "cannot set up the database: %s",
		               sqlite3_errmsg(db));
	return 0;
}

static int open_flags(const char *path, int flags, sqlite3 **out, ch_error *e)
{
	sqlite3 *db = NULL;

	*out = NULL;
	if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
		ch_fail(e, path, 0, "cannot open the database: %s",
		        db ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		return -1;
	}
	sqlite3_extended_result_codes(db, 1);
	if (pragmas(db, path, !(flags & SQLITE_OPEN_READWRITE), e) < 0) {
		sqlite3_close(db);
		return -1;
	}
	*out = db;
	return 0;
}

int db_open(const char *path, sqlite3 **out, ch_error *e)
{
	int fd;

	/* Created here, not by SQLite, so that it is 0600 whatever the umask;
	 * SQLite gives its -wal and -shm files the database file's mode. */
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return ch_fail(e, path, 0, "cannot create the database: %s",
		               strerror(errno));
	close(fd);
	if (open_flags(path, SQLITE_OPEN_READWRITE, out, e) < 0)
		return -1;
	if (db_migrate(*out, path, db_schema_version(), e) < 0) {
		db_close(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

int db_open_existing(const char *path, sqlite3 **out, ch_error *e)
{
	struct stat st;
	sqlite3_stmt *v = NULL;
	int version = -1;

	*out = NULL;
	if (stat(path, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		return ch_fail(e, path, 0, "cannot open the database: %s",
		               strerror(errno));
	}
	if (open_flags(path, SQLITE_OPEN_READONLY, out, e) < 0)
		return -1;
	if (sqlite3_prepare_v2(*out, "PRAGMA user_version", -1, &v, NULL) == SQLITE_OK &&
	    sqlite3_step(v) == SQLITE_ROW)
		version = sqlite3_column_int(v, 0);
	sqlite3_finalize(v);
	if (version != db_schema_version()) {
		ch_fail(e, path, 0, "database schema version %d, this program needs "
		        "%d: run certhall-batch init", version, db_schema_version());
		db_close(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

int db_scrub_wal(sqlite3 *db, ch_error *e)
{
	if (sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL,
	                              NULL) != SQLITE_OK)
		return db_fail(db, e, "cannot checkpoint the write-ahead log");
	return 0;
}

void db_close(sqlite3 *db)
{
	sqlite3_close(db);
}

int db_fail(sqlite3 *db, ch_error *e, const char *what)
{
	const char *file = sqlite3_db_filename(db, "main");

	return ch_fail(e, file ? file : "", 0, "%s: %s", what, sqlite3_errmsg(db));
}

int db_step(sqlite3 *db, sqlite3_stmt *st, ch_error *e)
{
	int r = sqlite3_step(st);

	if (r == SQLITE_ROW)
		return 1;
	if (r == SQLITE_DONE)
		return 0;
	return db_fail(db, e, "database error");
}

int db_exec(sqlite3 *db, const char *sql, ch_error *e)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(db, e, "database error");
	return 0;
}

int db_begin(sqlite3 *db, ch_error *e)
{
	return db_exec(db, "BEGIN IMMEDIATE", e);
}

int db_commit(sqlite3 *db, ch_error *e)
{
	return db_exec(db, "COMMIT", e);
}

void db_rollback(sqlite3 *db)
{
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

int db_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st, ch_error *e)
{
	if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK) {
		*st = NULL;
		return db_fail(db, e, "database error");
	}
	return 0;
}

static int bind_va(sqlite3_stmt *st, const char *types, va_list ap)
{
	for (int i = 0; types[i]; i++) {
		int r;
		if (types[i] == 's') {
			const char *v = va_arg(ap, const char *);
			r = v ? sqlite3_bind_text(st, i + 1, v, -1, SQLITE_TRANSIENT)
			      : sqlite3_bind_null(st, i + 1);
		} else {
			r = sqlite3_bind_int64(st, i + 1, va_arg(ap, long long));
		}
		if (r != SQLITE_OK)
			return -1;
	}
	return 0;
}

int db_bind(sqlite3_stmt *st, const char *types, ...)
{
	va_list ap;
	int rc;

	va_start(ap, types);
	rc = bind_va(st, types, ap);
	va_end(ap);
	return rc;
}

int db_row(sqlite3 *db, ch_error *e, sqlite3_stmt **st, const char *sql,
           const char *types, ...)
{
	va_list ap;
	int r;

	*st = NULL;
	if (db_prepare(db, sql, st, e) < 0)
		return -1;
	va_start(ap, types);
	r = bind_va(*st, types, ap);
	va_end(ap);
	if (r < 0) {
		db_fail(db, e, "database error");
		goto fail;
	}
	r = db_step(db, *st, e);
	if (r == 1)
		return 1;
fail:
	sqlite3_finalize(*st);
	*st = NULL;
	return r < 0 ? -1 : 0;
}

int db_run(sqlite3 *db, ch_error *e, const char *sql, const char *types, ...)
{
	sqlite3_stmt *st = NULL;
	va_list ap;
	int rc = -1;

	if (db_prepare(db, sql, &st, e) < 0)
		return -1;
	va_start(ap, types);
	if (bind_va(st, types, ap) < 0) {
		db_fail(db, e, "database error");
		goto out;
	}
	if (sqlite3_step(st) != SQLITE_DONE) {
		db_fail(db, e, "database error");
		goto out;
	}
	rc = 0;
out:
	va_end(ap);
	sqlite3_finalize(st);
	return rc;
}
