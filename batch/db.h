/* db.h: the batch's SQLite database: opening it the one way every command
 * does (WAL, synchronous=FULL, foreign keys, a busy timeout, private to
 * the user), bringing its schema up to date (migrations.c), and the few
 * helpers every step uses. The caller owns the handle: db_close(). */
#ifndef BATCH_DB_H
#define BATCH_DB_H

#include <sqlite3.h>

#include "common/error.h"

/* Opens (creating it 0600 if absent) and migrates to the newest schema.
 * A database newer than this program is refused. */
int db_open(const char *path, sqlite3 **out, ch_error *e);
/* Opens an existing database read-only (check, status): NULL in *out, and
 * 0, when the file does not exist; an out-of-date schema is an error. */
int db_open_existing(const char *path, sqlite3 **out, ch_error *e);
void db_close(sqlite3 *db);
/* Copies the write-ahead log into the database and truncates it, so that
 * what a committed transaction erased (with secure_delete, on for every
 * writer) is not still readable in the -wal file. Outside a transaction;
 * fails (-1) while another connection reads an older snapshot. */
int db_scrub_wal(sqlite3 *db, ch_error *e);

int db_exec(sqlite3 *db, const char *sql, ch_error *e);
/* BEGIN IMMEDIATE: the write lock is taken now, so a busy database waits
 * here (busy_timeout) rather than failing halfway through a step. */
int db_begin(sqlite3 *db, ch_error *e);
int db_commit(sqlite3 *db, ch_error *e);
void db_rollback(sqlite3 *db);
/* Prepares sql; on failure fills e with SQLite's message. */
int db_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st, ch_error *e);
/* Runs one statement that returns no rows, binding the arguments named by
 * types: 's' a string (NULL binds NULL), 'i' a long long. */
int db_run(sqlite3 *db, ch_error *e, const char *sql, const char *types, ...);
/* The first row of a query, binding as db_run does: 1 and *st on the row
 * (the caller finalizes it); 0 no row, -1 (e filled) an error, both with
 * *st NULL. */
int db_row(sqlite3 *db, ch_error *e, sqlite3_stmt **st, const char *sql,
           const char *types, ...);
/* Binds arguments the same way to a prepared statement. */
int db_bind(sqlite3_stmt *st, const char *types, ...);
/* One step of st: 1 a row, 0 no more rows, -1 (e filled) anything else,
 * which is an error, never "not found". */
int db_step(sqlite3 *db, sqlite3_stmt *st, ch_error *e);
/* Fills e with the database's last error and returns -1. */
int db_fail(sqlite3 *db, ch_error *e, const char *what);

#endif
