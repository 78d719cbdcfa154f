/* cli.c: the finance commands' command lines (see cli.h). */
#include "batch/money/cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch/context.h"
#include "batch/db.h"
#include "batch/money/finreport.h"
#include "batch/money/handmatch.h"
#include "batch/money/payout.h"
#include "batch/money/reconcile.h"
#include "batch/money/verify.h"
#include "common/unsafecp.h"

#define PROG "certhall-batch"

static int usage(const char *fmt, const char *arg)
{
	fprintf(stderr, PROG ": ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (see " PROG " --help)\n");
	return 2;
}

static int fail(const ch_error *e, int status)
{
	ch_error_print(e, PROG);
	return status;
}

/* A whole positive number, or -1. */
static long long number(const char *s)
{
	char *end;
	long long v;

	if (!s || !*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	return errno || *end || v <= 0 ? -1 : v;
}

typedef struct open_db {
	batch_ctx ctx;
	sqlite3 *db;
} open_db;

static int open_all(const char *config, open_db *o, ch_error *e)
{
	o->db = NULL;
	if (context_load(config, &o->ctx, e) < 0)
		return -1;
	if (db_open(o->ctx.cfg.database, &o->db, e) < 0) {
		context_free(&o->ctx);
		return -1;
	}
	return 0;
}

static void close_all(open_db *o)
{
	db_close(o->db);
	context_free(&o->ctx);
}

int money_init(const batch_config *cfg, ch_error *e)
{
	return payout_key_create(cfg, e);
}

int money_cmd_reconcile(const char *config, int argc, char **argv)
{
	open_db o;
	reconcile_stats st;
	ch_error e;
	int json = 0, rc = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = 1;
		else
			return usage("reconcile: unknown argument '%s'", argv[i]);
	}
	if (open_all(config, &o, &e) < 0)
		return fail(&e, 2);
	if (reconcile_run(&o.ctx, o.db, &st, &e) < 0) {
		rc = fail(&e, 2);
	} else if (json) {
		printf("{\"lines\":%lld,\"paid\":%lld,\"review\":%lld,"
		       "\"not_ours\":%lld,\"reversed\":%lld,\"payouts_confirmed\":%lld,"
		       "\"payouts_failed\":%lld}\n", st.lines, st.paid, st.review,
		       st.not_ours, st.reversed, st.payouts_confirmed,
		       st.payouts_failed);
	} else {
		printf("reconcile: %lld line(s) looked at, %lld paid orders, %lld "
		       "reversal(s); %lld payout(s) confirmed, %lld failed\n"
		       "review queue: %lld line(s) (certhall-batch payments queue); "
		       "not ours: %lld\n", st.lines, st.paid, st.reversed,
		       st.payouts_confirmed, st.payouts_failed, st.review,
		       st.not_ours);
	}
	close_all(&o);
	return rc;
}

/* payments queue [--json] | match LINE ORDER --by NAME | unmatch LINE
 * --by NAME */
int money_cmd_payments(const char *config, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : NULL, *by = NULL, *pos[2] = {0};
	int json = 0, npos = 0, rc, want;
	long long line = 0;
	open_db o;
	ch_error e;

	if (!sub)
		return usage("payments: %s", "queue, match or unmatch expected");
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = 1;
		else if (!strcmp(argv[i], "--by") && i + 1 < argc)
			by = argv[++i];
		else if (argv[i][0] == '-')
			return usage("payments: unknown option '%s'", argv[i]);
		else if (npos < 2)
			pos[npos++] = argv[i];
		else
			return usage("payments: one argument too many: '%s'", argv[i]);
	}
	want = !strcmp(sub, "queue") ? 0 : !strcmp(sub, "match") ? 2
	     : !strcmp(sub, "unmatch") ? 1 : -1;
	if (want < 0)
		return usage("payments: unknown subcommand '%s'", sub);
	if (npos != want)
		return usage("payments %s: wrong number of arguments", sub);
	if (want > 0) {
		line = number(pos[0]);
		if (line < 0)
			return usage("payments: '%s' is not a line number", pos[0]);
		if (!by || !*by)
			return usage("payments %s: --by NAME is required (who decides)",
			             sub);
		if (ch_check_text("--by", by, BATCH_NAME_MAX, &e) < 0)
			return usage("payments: %s", e.msg);
	}
	if (open_all(config, &o, &e) < 0)
		return fail(&e, 2);
	if (want == 0)
		rc = handmatch_queue(o.db, json, stdout, &e);
	else if (want == 2)
		rc = handmatch_match(o.db, line, pos[1], by, stdout, &e);
	else
		rc = handmatch_unmatch(o.db, line, by, stdout, &e);
	close_all(&o);
	if (rc < 0)
		return fail(&e, 2);
	return rc ? fail(&e, 1) : 0;
}

/* payouts export [-o FILE] [--batch ID] [--amount FEN] */
int money_cmd_payouts(const char *config, int argc, char **argv)
{
	const char *path = NULL;
	long long batch = 0, amount = PAYOUT_DEFAULT_FEN, written = 0, got = 0;
	open_db o;
	ch_error e;
	int rc;

	if (argc < 2 || strcmp(argv[1], "export"))
		return usage("payouts: %s", "the subcommand is export");
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "-o") && i + 1 < argc)
			path = argv[++i];
		else if (!strcmp(argv[i], "--batch") && i + 1 < argc) {
			batch = number(argv[++i]);
			if (batch < 0)
				return usage("payouts export: '%s' is not a batch id", argv[i]);
		} else if (!strcmp(argv[i], "--amount") && i + 1 < argc) {
			amount = number(argv[++i]);
			if (amount < 0 || amount > 100)
				return usage("payouts export: amount '%s' is not 1 to 100 fen",
				             argv[i]);
		} else
			return usage("payouts export: unknown argument '%s'", argv[i]);
	}
	if (open_all(config, &o, &e) < 0)
		return fail(&e, 2);
	rc = payout_export(&o.ctx, o.db, path, stdout, batch, amount, &got,
	                   &written, stderr, &e);
	close_all(&o);
	if (rc < 0)
		return fail(&e, 2);
	if (written == 0 && batch == 0)
		fprintf(stderr, PROG ": payouts export: no new payouts\n");
	else
		fprintf(stderr, PROG ": payouts export: batch %lld, %lld payout(s)%s%s\n",
		        got, written, path ? " in " : "", path ? path : "");
	return 0;
}

int money_cmd_verify(const char *config, int argc, char **argv)
{
	open_db o;
	ch_error e;
	int rc;

	if (argc != 3)
		return usage("verify: %s", "ORDER CODE expected");
	if (open_all(config, &o, &e) < 0)
		return fail(&e, 2);
	rc = verify_run(&o.ctx, o.db, argv[1], argv[2], stdout, &e);
	close_all(&o);
	if (rc < 0)
		return fail(&e, 2);
	return rc ? fail(&e, rc) : 0;
}

/* report finance [--date D] -o DIR */
int money_cmd_report(const char *config, int argc, char **argv)
{
	const char *dir = NULL, *date = NULL;
	open_db o;
	ch_error e;
	int rc;

	if (argc < 2 || strcmp(argv[1], "finance"))
		return usage("report: %s", "the report is finance");
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "-o") && i + 1 < argc)
			dir = argv[++i];
		else if (!strcmp(argv[i], "--date") && i + 1 < argc)
			date = argv[++i];
		else
			return usage("report finance: unknown argument '%s'", argv[i]);
	}
	if (!dir)
		return usage("report finance: %s", "-o DIR is required");
	if (date && !finreport_valid_date(date))
		return usage("report finance: '%s' is not a date (yyyy-mm-dd)", date);
	if (open_all(config, &o, &e) < 0)
		return fail(&e, 2);
	rc = finreport_write(o.db, date, dir, &e);
	close_all(&o);
	return rc < 0 ? fail(&e, 2) : 0;
}
