/* applicant.c: who may add a revision to an application (see applicant.h). */
#include "batch/intake/applicant.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "batch/db.h"
#include "batch/review/states.h"
#include "common/form.h"
#include "common/text.h"

#define KEY_MAX 32 /* a 身份证号 has 18 characters, a USCC 18 */

typedef struct key {
	char org[KEY_MAX + 1];
	char handler[KEY_MAX + 1];
} key;

/* s folded as BUNDLE.md folds identity numbers: full width to ASCII,
 * letters upper case, spaces and dashes dropped. 0 when s is absent,
 * empty after folding, too long or holds anything else, which proves
 * nothing. */
static int fold(json_t *s, char out[KEY_MAX + 1])
{
	const char *v = json_string_value(s);
	char *half = v ? ch_fold_fullwidth(v) : NULL;
	size_t n = 0;
	int ok = half != NULL;

	for (const char *p = half; ok && *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == ' ' || c == '\t' || c == '-')
			continue;
		if (!isalnum(c) || c >= 0x80 || n == KEY_MAX)
			ok = 0;
		else
			out[n++] = (char)toupper(c);
	}
	out[n] = '\0';
	free(half);
	return ok && n > 0;
}

static int key_of(json_t *app, key *k)
{
	json_t *org = json_object_get(json_object_get(app, "organization"), "id_number");
	json_t *h = json_object_get(json_object_get(app, "handler"), "id_number");

	return fold(org, k->org) & fold(h, k->handler);
}

static int key_eq(const key *a, const key *b)
{
	return !strcmp(a->org, b->org) && !strcmp(a->handler, b->handler);
}

int applicant_same(json_t *a, json_t *b)
{
	key ka, kb;

	return key_of(a, &ka) && key_of(b, &kb) && key_eq(&ka, &kb);
}

/* What the database holds for aid, seen by a sender with key mine (have:
 * the sender's key is complete): whether a revision was accepted, the
 * newest accepted one's key, and the highest revision that counts
 * against the sender. */
typedef struct held {
	int claimed;
	long newest_accepted;
	key owner;
	long max_counted;
} held;

static int read_held(sqlite3 *db, const char *aid, const key *mine, int have,
                     held *h, ch_error *e)
{
	sqlite3_stmt *st = NULL;
	int r;

	memset(h, 0, sizeof *h);
	if (!db)
		return 0;
	if (db_prepare(db, "SELECT revision, outcome = 'accepted', application_json"
	               " FROM revisions WHERE application_id = ?", &st, e) < 0)
		return -1;
	if (db_bind(st, "s", aid) < 0) {
		sqlite3_finalize(st);
		return db_fail(db, e, "database error");
	}
	while ((r = db_step(db, st, e)) == 1) {
		long rev = (long)sqlite3_column_int64(st, 0);
		int accepted = sqlite3_column_int(st, 1);
		const char *text = (const char *)sqlite3_column_text(st, 2);
		json_t *app = text ? json_loads(text, 0, NULL) : NULL;
		key theirs;
		int complete = app && key_of(app, &theirs);

		json_decref(app);
		if (accepted && (!h->claimed || rev > h->newest_accepted)) {
			h->claimed = 1;
			h->newest_accepted = rev;
			if (complete)
				h->owner = theirs;
			else
				memset(&h->owner, 0, sizeof h->owner);
		}
		if ((accepted || (have && complete && key_eq(mine, &theirs))) &&
		    rev > h->max_counted)
			h->max_counted = rev;
	}
	sqlite3_finalize(st);
	return r < 0 ? -1 : 0;
}

/* 1 when the order's state takes no new revision: the state table lets
 * it go neither to awaiting_payment nor to in_review (approved and
 * after); 0 when it does or there is no order; -1 an error. */
static int closed_to_revisions(sqlite3 *db, const char *aid, ch_error *e)
{
	sqlite3_stmt *st = NULL;
	int r;

	r = db_row(db, e, &st, "SELECT state FROM applications WHERE"
	           " application_id = ?", "s", aid);
	if (r == 1) {
		const char *s = (const char *)sqlite3_column_text(st, 0);
		r = strcmp(s, "awaiting_payment") &&
		    !state_allowed(s, "awaiting_payment") &&
		    !state_allowed(s, "in_review");
	}
	sqlite3_finalize(st);
	return r;
}

int applicant_vet(sqlite3 *db, const ch_schema *schema, const char *aid,
                  long rev, json_t *app, applicant_verdict *v,
                  ch_findings *f, ch_error *e)
{
	key mine = {{0}, {0}};
	int have = app && key_of(app, &mine);
	held h;
	const char *code = NULL;

	memset(v, 0, sizeof *v);
	if (rev < 1 || rev > CH_FORM_MAX_REVISION) {
		/* Refused by the form check already; such a number must not
		 * count against anyone's later revisions. */
		v->foreign = 1;
		return 0;
	}
	if (read_held(db, aid, &mine, have, &h, e) < 0)
		return -1;
	if (h.claimed && !(have && h.owner.org[0] && key_eq(&mine, &h.owner))) {
		v->foreign = 1;
		code = "APPLICANT_MISMATCH";
	} else if (rev <= h.max_counted) {
		v->stale = 1;
		code = "REVISION_STALE";
	} else if (h.claimed) {
		int k = closed_to_revisions(db, aid, e);
		if (k < 0)
			return -1;
		if (k) {
			v->stale = 1;
			code = "REVISION_CLOSED";
		}
	}
	if (code && ch_findings_add(f, schema, code, CH_LEVEL_ERROR,
	                            v->foreign ? "application_id" : "revision",
	                            v->foreign ? "申请编号" : "revision", NULL) < 0)
		return ch_fail(e, NULL, 0, "out of memory");
	return 0;
}
