/* migrations.h: the database schema as an ordered list of steps. Step n
 * brings a database from PRAGMA user_version n-1 to n; each runs in its own
 * transaction together with the version bump, so an older database is
 * upgraded in place and a crash leaves it at a whole version. Steps are
 * only ever appended, never edited once released. */
#ifndef BATCH_MIGRATIONS_H
#define BATCH_MIGRATIONS_H

#include <sqlite3.h>

#include "common/error.h"

/* The newest schema version this program knows. */
int db_schema_version(void);
/* Applies steps up to target (<= db_schema_version()). A database newer
 * than the program is an error. path is for messages. */
int db_migrate(sqlite3 *db, const char *path, int target, ch_error *e);

#endif
