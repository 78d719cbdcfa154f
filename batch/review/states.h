/* states.h: the order's states and every allowed transition, in one table
 * (states.c) that every stage asks (DESIGN.md). No stage writes
 * applications.state by hand: state_change() checks the table and records
 * the change as an event. Adding a state or a transition is adding a row
 * there (and a line in the man page's and README's table). */
#ifndef BATCH_REVIEW_STATES_H
#define BATCH_REVIEW_STATES_H

#include <stddef.h>
#include <sqlite3.h>

#include "common/error.h"

typedef struct order_state {
	const char *name;    /* as stored in applications.state */
	const char *words;   /* shown to operators beside the name */
	const char *meaning; /* one line for the docs */
} order_state;

typedef struct order_transition {
	const char *from;
	const char *to;
	const char *by; /* what makes it: the command or step */
} order_transition;

/* The tables, for the docs and the tests. */
const order_state *state_list(size_t *n);
const order_transition *state_transitions(size_t *n);
/* The state named s, or NULL when there is none. */
const order_state *state_find(const char *s);
/* 1 when the table allows from -> to. */
int state_allowed(const char *from, const char *to);

/* Moves application aid from the state it is in to `to`, within the
 * caller's transaction, and records an event "from -> to: why".
 * 0 done; 1 refused (e names the state found, or that there is no such
 * application); -1 a database error. */
int state_change(sqlite3 *db, const char *aid, const char *to,
                 const char *why, const char *now, ch_error *e);

#endif
