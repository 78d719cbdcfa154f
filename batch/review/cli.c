/* cli.c: the review and shipping command lines (see cli.h). */
#include "batch/review/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "batch/clock.h"
#include "batch/context.h"
#include "batch/db.h"
#include "batch/review/calendar.h"
#include "batch/review/decide.h"
#include "batch/review/due.h"
#include "batch/review/sheet.h"
#include "common/buf.h"
#include "common/fsutil.h"

#define PROG "certhall-batch"

static int usage(const char *fmt, const char *arg)
{
	fprintf(stderr, PROG ": ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (see " PROG " help review)\n");
	return 2;
}

static int fail(const ch_error *e, int status)
{
	ch_error_print(e, PROG);
	return status;
}

/* The options of one action: ORDER and --NAME VALUE pairs; json and out
 * where the action takes them. */
typedef struct args {
	const char *order, *by, *reason, *carrier, *tracking, *out;
	int json;
} args;

static int parse(int argc, char **argv, int first, const char *allowed,
                 args *a)
{
	memset(a, 0, sizeof *a);
	for (int i = first; i < argc; i++) {
		const char *o = argv[i];
		const char **slot = NULL;

		if (!strcmp(o, "--json") && strstr(allowed, "json")) {
			a->json = 1;
			continue;
		}
		if (!strcmp(o, "--by") && strstr(allowed, "by"))
			slot = &a->by;
		else if (!strcmp(o, "--reason") && strstr(allowed, "reason"))
			slot = &a->reason;
		else if (!strcmp(o, "--carrier") && strstr(allowed, "carrier"))
			slot = &a->carrier;
		else if (!strcmp(o, "--tracking") && strstr(allowed, "tracking"))
			slot = &a->tracking;
		else if (!strcmp(o, "-o") && strstr(allowed, "out"))
			slot = &a->out;
		if (slot) {
			if (i + 1 >= argc)
				return usage("%s needs a value", o);
			*slot = argv[++i];
		} else if (o[0] == '-' && o[1]) {
			return usage("unknown option '%s'", o);
		} else if (a->order || !strstr(allowed, "order")) {
			return usage("unexpected argument '%s'", o);
		} else {
			a->order = o;
		}
	}
	if (strstr(allowed, "order") && !a->order)
		return usage("%s", "ORDER (order number or application id) missing");
	return 0;
}

typedef struct opened {
	batch_ctx ctx;
	sqlite3 *db;
	int have_ctx;
} opened;

static int open_all(const char *config, int write, opened *o, ch_error *e)
{
	memset(o, 0, sizeof *o);
	if (context_load(config, &o->ctx, e) < 0)
		return -1;
	o->have_ctx = 1;
	if (write)
		return db_open(o->ctx.cfg.database, &o->db, e);
	if (db_open_existing(o->ctx.cfg.database, &o->db, e) < 0)
		return -1;
	if (!o->db)
		return ch_fail(e, o->ctx.cfg.database, 0, "no database yet (run "
		               PROG " init)");
	return 0;
}

static void close_all(opened *o)
{
	db_close(o->db);
	if (o->have_ctx)
		context_free(&o->ctx);
}

static int list(opened *o, int json, ch_error *e)
{
	calendar cal;
	due_list l;
	char path[4096];

	snprintf(path, sizeof path, "%s/calendar.yaml", o->ctx.cfg.content);
	if (cal_load(path, &cal, e) < 0 ||
	    due_compute(o->db, &cal, clock_today(), &l, e) < 0)
		return -1;
	if (!json && l.n)
		printf("%-8s  %-16s  %-14s  %-9s  %-19s  %-10s  %s\n", "kind",
		       "order", "application", "state", "since (Beijing)", "due",
		       "overdue");
	for (size_t i = 0; i < l.n; i++) {
		const due_item *it = &l.v[i];
		char due[16], since[32], *d;
		json_t *j;

		due_day_text(it->due_day, due);
		if (!json) {
			clock_show(it->since, since, sizeof since);
			printf("%-8s  %-16s  %-14s  %-9s  %-19s  %-10s  %s\n", it->kind,
			       it->order_no[0] ? it->order_no : "-", it->aid, it->state,
			       since, due, it->overdue ? "OVERDUE" : "-");
			continue;
		}
		j = json_pack("{sssssssssssssb}", "kind", it->kind, "order_no",
		              it->order_no, "application_id", it->aid, "state",
		              it->state, "since", it->since, "due", due, "overdue",
		              it->overdue);
		d = j ? json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
		json_decref(j);
		if (!d) {
			due_list_free(&l);
			return ch_fail(e, NULL, 0, "out of memory");
		}
		printf("%s\n", d);
		free(d);
	}
	if (!json && !l.n)
		printf("nothing due\n");
	due_list_free(&l);
	return 0;
}

static int show(opened *o, const args *a, ch_error *e)
{
	ch_buf b = CH_BUF_INIT;
	review_order ro;
	int r = review_sheet(&o->ctx, o->db, a->order, &b, &ro, e);

	if (r == 1) {
		if (a->out)
			r = ch_write_atomic(a->out, b.data, b.len, 0600, e) < 0 ? -1 : 1;
		else
			fwrite(b.data, 1, b.len, stdout);
	}
	ch_buf_free(&b);
	if (r == 1 && a->out)
		fprintf(stderr, PROG ": review sheet of %s written to %s\n",
		        ro.order_no[0] ? ro.order_no : ro.aid, a->out);
	return r;
}

static const char *action_usage =
	"review list [--json] | show ORDER [-o FILE] | approve ORDER --by NAME"
	" | reject ORDER --by NAME --reason TEXT";

int review_cmd_review(const char *config, int argc, char **argv)
{
	const char *act = argc > 1 ? argv[1] : "";
	opened o;
	args a;
	review_order ro;
	ch_error e;
	int rc, r;

	if (!strcmp(act, "list"))
		rc = parse(argc, argv, 2, "json", &a);
	else if (!strcmp(act, "show"))
		rc = parse(argc, argv, 2, "order out", &a);
	else if (!strcmp(act, "approve"))
		rc = parse(argc, argv, 2, "order by", &a);
	else if (!strcmp(act, "reject"))
		rc = parse(argc, argv, 2, "order by reason", &a);
	else
		return usage("%s", action_usage);
	if (rc)
		return rc;
	if (!strcmp(act, "approve") && !a.by)
		return usage("%s", "review approve: --by NAME is required");
	if (!strcmp(act, "reject") && (!a.by || !a.reason))
		return usage("%s", "review reject: --by NAME and --reason TEXT are "
		             "required");
	if (open_all(config, strcmp(act, "list") && strcmp(act, "show"), &o, &e) < 0) {
		close_all(&o);
		return fail(&e, 2);
	}
	if (!strcmp(act, "list")) {
		r = list(&o, a.json, &e) < 0 ? -1 : 0;
	} else if (!strcmp(act, "show")) {
		r = show(&o, &a, &e);
		r = r == 1 ? 0 : r == 0 ? 1 : -1;
	} else {
		r = !strcmp(act, "approve")
		    ? decide_approve(&o.ctx, o.db, a.order, a.by, &ro, &e)
		    : decide_reject(&o.ctx, o.db, a.order, a.by, a.reason, &ro, &e);
		if (r == 0)
			printf("%s: %s (application %s)\n", ro.state,
			       ro.order_no[0] ? ro.order_no : "-", ro.aid);
	}
	close_all(&o);
	if (r < 0)
		return fail(&e, 2);
	return r ? fail(&e, r) : 0;
}

int review_cmd_ship(const char *config, int argc, char **argv)
{
	opened o;
	args a;
	review_order ro;
	ch_error e;
	int r = parse(argc, argv, 1, "order carrier tracking", &a);

	if (r)
		return r;
	if (!a.carrier || !a.tracking)
		return usage("%s", "ship: --carrier NAME and --tracking NO are "
		             "required");
	if (open_all(config, 1, &o, &e) < 0) {
		close_all(&o);
		return fail(&e, 2);
	}
	r = decide_ship(&o.ctx, o.db, a.order, a.carrier, a.tracking, &ro, &e);
	if (r == 0)
		printf("shipped: %s (application %s)\n",
		       ro.order_no[0] ? ro.order_no : "-", ro.aid);
	close_all(&o);
	if (r < 0)
		return fail(&e, 2);
	return r ? fail(&e, r) : 0;
}
