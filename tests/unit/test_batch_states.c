/* The order state table: every transition joins two states of the table,
 * state_change refuses what the table does not allow and names the state
 * it found, and schema 4 turns intake's accepted into awaiting_payment. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch/db.h"
#include "batch/migrations.h"
#include "batch/review/states.h"

#include "tests/unit/dbtest.h"

TestSuite(states, .init = setup, .fini = teardown);

Test(states, every_transition_joins_known_states)
{
	size_t n, k;
	const order_transition *t = state_transitions(&n);
	const order_state *s = state_list(&k);

	cr_assert_gt(n, 0);
	for (size_t i = 0; i < n; i++) {
		cr_assert(state_find(t[i].from), "%s", t[i].from);
		cr_assert(state_find(t[i].to), "%s", t[i].to);
	}
	for (size_t i = 0; i < k; i++)
		for (size_t j = i + 1; j < k; j++)
			cr_assert_str_neq(s[i].name, s[j].name);
	cr_assert(state_allowed("awaiting_payment", "in_review"));
	cr_assert(!state_allowed("in_review", "awaiting_verification"));
	cr_assert(!state_allowed("awaiting_payment", "awaiting_payment"));
}

Test(states, accepted_is_migrated_and_changes_follow_the_table)
{
	sqlite3 *db;
	ch_error e;

	cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
	cr_assert_eq(db_migrate(db, path, 3, &e), 0, "%s", e.msg);
	cr_assert_eq(sqlite3_exec(db,
		"INSERT INTO applications VALUES ('K7QD-2MPE-X9A3', 'SX20261124000013', "
		"'accepted', 90000, 0, 1, '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z');"
		"INSERT INTO applications VALUES ('K7QD-2MPE-X9A4', NULL, "
		"'rejected', 0, 0, 1, '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z')",
		NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	cr_assert_eq(db_open(path, &db, &e), 0, "%s", e.msg);
	cr_assert_eq(one(db, "SELECT count(*) FROM applications WHERE state = "
	                     "'awaiting_payment' AND application_id = 'K7QD-2MPE-X9A3'"), 1);
	cr_assert_eq(one(db, "SELECT count(*) FROM applications WHERE state = 'rejected'"), 1);
	cr_assert_eq(one(db, "SELECT count(*) FROM events WHERE kind = 'state'"), 1);

	cr_assert_eq(state_change(db, "K7QD-2MPE-X9A3", "awaiting_verification",
	                          "test", "2026-11-24T02:30:00Z", &e), 0, "%s", e.msg);
	cr_assert_eq(state_change(db, "K7QD-2MPE-X9A3", "awaiting_payment",
	                          "test", "2026-11-24T02:30:00Z", &e), 0, "%s", e.msg);
	cr_assert_eq(state_change(db, "K7QD-2MPE-X9A3", "verification_failed",
	                          "test", "2026-11-24T02:30:00Z", &e), 1);
	cr_assert(strstr(e.msg, "is awaiting_payment"), "%s", e.msg);
	cr_assert_eq(state_change(db, "K7QD-2MPE-X9A4", "approved", "test",
	                          "2026-11-24T02:30:00Z", &e), 1);
	cr_assert(strstr(e.msg, "is rejected"), "%s", e.msg);
	cr_assert_eq(state_change(db, "NONE-NONE-NONE", "in_review", "test",
	                          "2026-11-24T02:30:00Z", &e), 1);
	cr_assert_eq(one(db, "SELECT count(*) FROM events WHERE kind = 'state'"), 3);
	db_close(db);
}

/* The man page's table is the code's: every state and every transition
 * (run from the repository's top folder, as make does). */
Test(states, the_man_page_lists_the_table)
{
	FILE *f = fopen("man/certhall-batch.1", "r");
	static char text[1 << 17];
	size_t n, k;
	const order_transition *t = state_transitions(&n);
	const order_state *s = state_list(&k);

	cr_assert(f, "man/certhall-batch.1");
	text[fread(text, 1, sizeof text - 1, f)] = '\0';
	fclose(f);
	for (size_t i = 0; i < k; i++) {
		char want[128];
		snprintf(want, sizeof want, ".B %s\n", s[i].name);
		cr_assert(strstr(text, want), "state %s", s[i].name);
	}
	for (size_t i = 0; i < n; i++) {
		char want[160];
		snprintf(want, sizeof want, ".BR %s \" \\(-> \" %s\n", t[i].from,
		         t[i].to);
		cr_assert(strstr(text, want), "transition %s -> %s", t[i].from, t[i].to);
	}
}
