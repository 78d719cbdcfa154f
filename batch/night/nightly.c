/* nightly.c: the nightly run (see nightly.h). */
#include "batch/night/nightly.h"

#include <dirent.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "batch/clock.h"
#include "batch/db.h"
#include "batch/intake/ingest.h"
#include "batch/money/import.h"
#include "batch/money/reconcile.h"
#include "batch/intake/move.h"
#include "batch/night/lock.h"
#include "batch/night/report.h"
#include "batch/notify/outbox.h"
#include "batch/notify/settings.h"
#include "common/fsutil.h"
#include "common/grow.h"
#include "batch/review/due.h"

typedef struct night {
	batch_ctx *ctx;
	sqlite3 *db;
	notify_settings ns;
	long long run_id;
} night;

typedef struct step {
	const char *name;
	/* Fills counts (what the report charts); -1 with e on failure. */
	int (*run)(night *n, json_t *counts, ch_error *e);
} step;

static void logf_(const char *level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void logf_(const char *level, const char *fmt, ...)
{
	char now[32], shown[32];
	va_list ap;

	clock_now(now);
	clock_show(now, shown, sizeof shown);
	fprintf(stderr, "certhall-batch nightly: %s %s: ", shown, level);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int set_count(json_t *counts, const char *key, size_t v)
{
	return json_object_set_new(counts, key, json_integer((json_int_t)v));
}

static int step_ingest(night *n, json_t *counts, ch_error *e)
{
	ingest_stats st;

	if (ingest_run(n->ctx, n->db, NULL, 0, stdout, &st, e) < 0)
		return -1;
	set_count(counts, "accepted", st.accepted);
	set_count(counts, "rejected", st.rejected);
	set_count(counts, "duplicate", st.duplicate);
	set_count(counts, "left", st.failed);
	if (st.failed)
		return ch_fail(e, n->ctx->cfg.inbox, 0,
		               "%zu bundles could not be processed and stay in the "
		               "inbox", st.failed);
	return 0;
}

/* Review and shipping due dates (batch/review/due.h); closes the orders
 * shipped long enough ago. */
static int step_due(night *n, json_t *counts, ch_error *e)
{
	calendar cal;
	due_counts c;
	char path[4096], now[32];

	snprintf(path, sizeof path, "%s/calendar.yaml", n->ctx->cfg.content);
	clock_now(now);
	if (cal_load(path, &cal, e) < 0 ||
	    due_record(n->db, &cal, clock_today(), now, &c, e) < 0)
		return -1;
	set_count(counts, "reviews_due", c.reviews_due);
	set_count(counts, "reviews_overdue", c.reviews_overdue);
	set_count(counts, "shipping_due", c.shipping_due);
	set_count(counts, "shipping_overdue", c.shipping_overdue);
	set_count(counts, "closed", c.closed);
	return 0;
}

static int step_send(night *n, json_t *counts, ch_error *e)
{
	outbox_stats st;

	if (outbox_send(n->db, &n->ns, &st, e) < 0)
		return -1;
	set_count(counts, "sent", st.sent);
	set_count(counts, "retry", st.retry);
	set_count(counts, "failed", st.failed);
	set_count(counts, "unknown", st.unknown);
	return 0;
}

static int step_report(night *n, json_t *counts, ch_error *e)
{
	return night_report_write(n->db, clock_today(), n->ctx->cfg.reports, e);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The statement folder's files, by name; hidden files and anything not a
 * regular file are left alone. The caller frees each name and *names. */
static int statement_files(const char *dir, char ***names, size_t *n,
                           ch_error *e)
{
	DIR *d = ch_open_folder(dir, e);
	struct dirent *de;
	size_t cap = 0;
	int rc = 0;

	*names = NULL;
	*n = 0;
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		struct stat sb;
		if (de->d_name[0] == '.' ||
		    fstatat(dirfd(d), de->d_name, &sb, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISREG(sb.st_mode))
			continue;
		if (CH_GROW(*names, *n + 1, cap) < 0) {
			rc = ch_fail(e, dir, 0, "out of memory");
			break;
		}
		(*names)[*n] = malloc(strlen(dir) + strlen(de->d_name) + 2);
		if (!(*names)[*n]) {
			rc = ch_fail(e, dir, 0, "out of memory");
			break;
		}
		sprintf((*names)[*n], "%s/%s", dir, de->d_name);
		(*n)++;
	}
	closedir(d);
	if (*n)
		qsort(*names, *n, sizeof **names, by_name);
	return rc;
}

/* Every file of the statement folder, one transaction each; what was
 * imported (or had been) moves to imported/ beside it, so that the folder
 * holds only what is new or was refused. A refused file stays, and fails
 * the step, for finance to look at. */
static int step_import(night *n, json_t *counts, ch_error *e)
{
	const batch_config *c = &n->ctx->cfg;
	char **names = NULL, done[4096], final[4096];
	size_t count = 0, refused = 0;
	import_stats total, st;
	layouts ls;
	int rc = -1;

	memset(&total, 0, sizeof total);
	memset(&ls, 0, sizeof ls);
	snprintf(done, sizeof done, "%s/imported", c->statements);
	if (ch_mkdirs(done, 0700, e) < 0 ||
	    import_layouts(c->content, NULL, &ls, e) < 0 ||
	    statement_files(c->statements, &names, &count, e) < 0)
		goto out;
	for (size_t i = 0; i < count; i++) {
		if (import_run(n->db, &ls, &names[i], 1, 1, stdout, &st, e) < 0)
			goto out;
		total.imported += st.imported;
		total.duplicate += st.duplicate;
		total.booked += st.booked;
		total.known += st.known;
		if (st.refused) {
			refused++;
			continue;
		}
		if (move_into(names[i], done, final, sizeof final, e) < 0)
			goto out;
	}
	set_count(counts, "imported", total.imported);
	set_count(counts, "duplicate", total.duplicate);
	set_count(counts, "refused", refused);
	set_count(counts, "lines_booked", (size_t)total.booked);
	rc = refused ? ch_fail(e, c->statements, 0,
	                       "%zu statement file(s) refused and left in the "
	                       "folder (see the import results)", refused) : 0;
out:
	for (size_t i = 0; i < count; i++)
		free(names[i]);
	free(names);
	layouts_free(&ls);
	return rc;
}

/* Reconciliation, which also fails the micro-deposit codes past their
 * expiry (ten days after export). */
static int step_reconcile(night *n, json_t *counts, ch_error *e)
{
	reconcile_stats st;

	if (reconcile_run(n->ctx, n->db, &st, e) < 0)
		return -1;
	set_count(counts, "lines", (size_t)st.lines);
	set_count(counts, "paid", (size_t)st.paid);
	set_count(counts, "review", (size_t)st.review);
	set_count(counts, "not_ours", (size_t)st.not_ours);
	set_count(counts, "payouts_failed", (size_t)st.payouts_failed);
	return 0;
}

/* The order of the night (issue 9): what arrived, what it paid, what
 * became due, then the messages all of that caused, then the report. */
static const step STEPS[] = {
	{"ingest", step_ingest},
	{"import", step_import},
	{"reconcile", step_reconcile},
	{"due", step_due},
	{"send", step_send},
	{"report", step_report},
};

static int record_start(night *n, ch_error *e)
{
	char now[32];

	clock_now(now);
	if (db_run(n->db, e, "INSERT INTO nightly_runs (started_at) VALUES (?)",
	           "s", now) < 0)
		return -1;
	n->run_id = sqlite3_last_insert_rowid(n->db);
	return 0;
}

static int record_step(night *n, const char *name, const char *started,
                       int ok, json_t *counts, const char *error, ch_error *e)
{
	char now[32], *dump = json_dumps(counts, JSON_COMPACT | JSON_SORT_KEYS);
	int rc;

	clock_now(now);
	if (!dump)
		return ch_fail(e, NULL, 0, "out of memory");
	rc = db_run(n->db, e,
	            "INSERT INTO nightly_steps (run_id, step, started_at,"
	            " finished_at, outcome, counts, error) VALUES (?,?,?,?,?,?,?)",
	            "issssss", n->run_id, name, started, now,
	            ok ? "ok" : "failed", dump, error);
	free(dump);
	return rc;
}

static int run_steps(night *n, size_t *failed, ch_error *e)
{
	for (size_t i = 0; i < sizeof STEPS / sizeof STEPS[0]; i++) {
		json_t *counts = json_object();
		char started[32];
		ch_error se;
		int ok;

		if (!counts)
			return ch_fail(e, NULL, 0, "out of memory");
		clock_now(started);
		logf_("info", "%s: start", STEPS[i].name);
		memset(&se, 0, sizeof se);
		ok = STEPS[i].run(n, counts, &se) == 0;
		if (!ok) {
			(*failed)++;
			logf_("error", "%s: %s%s%s", STEPS[i].name, se.file,
			      se.file[0] ? ": " : "", se.msg);
		} else {
			char *c = json_dumps(counts, JSON_COMPACT | JSON_SORT_KEYS);
			logf_("info", "%s: done %s", STEPS[i].name, c ? c : "");
			free(c);
		}
		if (record_step(n, STEPS[i].name, started, ok, counts,
		                ok ? NULL : se.msg, e) < 0) {
			json_decref(counts);
			return -1;
		}
		json_decref(counts);
	}
	return 0;
}

int nightly_run(batch_ctx *ctx, ch_error *e)
{
	night n;
	night_lock lock = {-1};
	char lock_path[4096], now[32];
	size_t failed = 0;
	int got, rc = -1;

	memset(&n, 0, sizeof n);
	n.ctx = ctx;
	if (ingest_make_folders(&ctx->cfg, e) < 0)
		return -1;
	snprintf(lock_path, sizeof lock_path, "%s.nightly.lock", ctx->cfg.database);
	got = night_lock_take(lock_path, &lock, e);
	if (got != 0)
		return got > 0 ? 75 : -1;
	if (notify_settings_load(ctx->cfg.mail, ctx->cfg.sms,
	                         context_sms_signature(ctx), ctx->cfg.file,
	                         ctx->cfg.outbox, &n.ns, e) < 0)
		goto out;
	if (db_open(ctx->cfg.database, &n.db, e) < 0 || record_start(&n, e) < 0)
		goto out;
	logf_("info", "run %lld: start", n.run_id);
	if (run_steps(&n, &failed, e) < 0)
		goto out;
	clock_now(now);
	if (db_run(n.db, e,
	           "UPDATE nightly_runs SET finished_at = ?, failed_steps = ?"
	           " WHERE run_id = ?", "sii", now, (long long)failed,
	           n.run_id) < 0)
		goto out;
	logf_(failed ? "error" : "info", "run %lld: %zu of %zu steps failed",
	      n.run_id, failed, sizeof STEPS / sizeof STEPS[0]);
	rc = failed ? 1 : 0;
out:
	db_close(n.db);
	notify_settings_free(&n.ns);
	night_lock_release(&lock);
	return rc;
}
