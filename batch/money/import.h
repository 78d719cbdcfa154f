/* import.h: `certhall-batch import`: statement and merchant-bill files
 * into statement_files, statement_lines and statement_file_lines (schema
 * step 3), one transaction per file. Each file ends imported (its new
 * lines booked, the ones booked before counted as known), duplicate (the
 * same bytes were imported before: nothing changes) or refused (no layout
 * matches or a line cannot be read: nothing of it is booked). One result
 * per file goes to out: a JSON line (--json) or readable text. */
#ifndef BATCH_MONEY_IMPORT_H
#define BATCH_MONEY_IMPORT_H

#include <sqlite3.h>
#include <stdio.h>

#include "batch/money/layout.h"
#include "common/error.h"

typedef struct import_stats {
	size_t imported, duplicate, refused;
	long long booked, known;
} import_stats;

/* The layouts import uses: the built-ins and the YAML files of dir, or
 * when dir is NULL of <content>/layouts. */
int import_layouts(const char *content, const char *dir, layouts *ls,
                   ch_error *e);

/* Imports each of paths. 0 when every file got its outcome (refusals
 * included: they are counted in st), -1 (e filled) when the database or
 * the system failed; the file being imported then is rolled back. */
int import_run(sqlite3 *db, const layouts *ls, char *const *paths, size_t n,
               int json, FILE *out, import_stats *st, ch_error *e);

#endif
