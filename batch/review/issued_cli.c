/* issued_cli.c: `certhall-batch issued` (see issued_cli.h). */
#include "batch/review/issued_cli.h"

#include <stdio.h>
#include <string.h>

#include "batch/context.h"
#include "batch/db.h"
#include "batch/review/issued.h"

#define PROG "certhall-batch"

int issued_cmd(const char *config, int argc, char **argv)
{
	batch_ctx ctx;
	sqlite3 *db = NULL;
	issued_stats st;
	ch_error e;
	const char *path = NULL;
	int json = 0, opts = 1, rc = 2, got;

	for (int i = 1; i < argc; i++) {
		if (opts && !strcmp(argv[i], "--")) {
			opts = 0;
		} else if (opts && !strcmp(argv[i], "--json")) {
			json = 1;
		} else if (opts && argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, PROG ": issued: unknown option '%s' (see " PROG
			        " help issued)\n", argv[i]);
			return 2;
		} else if (path) {
			fprintf(stderr, PROG ": issued: one file expected, also got '%s'\n",
			        argv[i]);
			return 2;
		} else {
			path = argv[i];
		}
	}
	if (!path) {
		fprintf(stderr, PROG ": issued: no file given (see " PROG
		        " help issued)\n");
		return 2;
	}
	if (context_load(config, &ctx, &e) < 0) {
		ch_error_print(&e, PROG);
		return 2;
	}
	if (db_open(ctx.cfg.database, &db, &e) < 0) {
		ch_error_print(&e, PROG);
		goto out;
	}
	got = issued_run(&ctx, db, path, &st, &e);
	if (got != 0) {
		ch_error_print(&e, PROG);
		rc = got > 0 ? 1 : 2;
		goto out;
	}
	if (json)
		printf("{\"certificates\":%lld,\"recorded\":%lld,\"known\":%lld,"
		       "\"pin_sms\":%lld,\"pin_payouts\":%lld,\"e_invoices\":%lld,"
		       "\"orders_issued\":%lld}\n", st.lines, st.recorded, st.known,
		       st.pin_sms, st.pin_payouts, st.invoices, st.orders_issued);
	else
		fprintf(stderr, PROG ": issued: %lld certificate(s): %lld recorded, "
		        "%lld already on record; %lld PIN SMS queued, %lld PIN "
		        "payout(s) for the next payouts export; %lld e-invoice "
		        "notice(s); %lld order(s) issued\n", st.lines, st.recorded,
		        st.known, st.pin_sms, st.pin_payouts, st.invoices,
		        st.orders_issued);
	rc = 0;
out:
	db_close(db);
	context_free(&ctx);
	return rc;
}
