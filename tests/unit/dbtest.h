/* dbtest.h: what the database unit tests share: a fresh folder per test
 * with the database's path in it, removed after, and one-number queries.
 * Included by one test file each (static). */
#ifndef TESTS_UNIT_DBTEST_H
#define TESTS_UNIT_DBTEST_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <sqlite3.h>

static char dir[] = "/tmp/certhall-dbtest-XXXXXX";
static char path[256];

static void setup(void)
{
	cr_assert(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/certhall.db", dir);
}

static void teardown(void)
{
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

static long long one(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	long long v;
	cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK, "%s", sql);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "%s", sql);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

#endif
