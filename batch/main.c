/* main.c: certhall-batch's command line: global options, one command,
 * and the exit status. Every command's work lives in its own module. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "batch/intake/check.h"
#include "batch/context.h"
#include "batch/db.h"
#include "batch/intake/ingest.h"
#include "batch/migrations.h"
#include "batch/night/nightly.h"
#include "batch/notify/outbox.h"
#include "batch/notify/settings.h"
#include "batch/money/import.h"
#include "batch/money/cli.h"
#include "batch/review/cli.h"
#include "batch/review/issued_cli.h"
#include "batch/status.h"

#define PROG "certhall-batch"

enum { EXIT_OK = 0, EXIT_FOUND = 1, EXIT_USAGE = 2 };

typedef struct command {
	const char *name;
	const char *usage;
	const char *summary;
	const char *help;
	int (*run)(const char *config, int argc, char **argv);
} command;

static int cmd_init(const char *config, int argc, char **argv);
static int cmd_ingest(const char *config, int argc, char **argv);
static int cmd_check(const char *config, int argc, char **argv);
static int cmd_status(const char *config, int argc, char **argv);
static int cmd_send(const char *config, int argc, char **argv);
static int cmd_nightly(const char *config, int argc, char **argv);
static int cmd_import(const char *config, int argc, char **argv);
static int cmd_help(const char *config, int argc, char **argv);

static const command COMMANDS[] = {
	{"init", "init", "create or upgrade the database, store and folders",
	 "Creates the database (or upgrades its schema), the document store and\n"
	 "the inbox, done and rejected folders; all private to this user.",
	 cmd_init},
	{"ingest", "ingest [PATH...]", "take in bundles (default: the inbox)",
	 "Takes every *.zip bundle of the given files and folders (default: the\n"
	 "inbox), records each in one transaction and prints one JSON line per\n"
	 "bundle (BUNDLE.md); then moves it to done/ or rejected/. A bundle\n"
	 "ingested before is reported as duplicate and changes nothing.",
	 cmd_ingest},
	{"check", "check [--json] PATH", "check a bundle or application.json",
	 "Runs every check of ingest on a bundle or a bare application.json and\n"
	 "prints the findings; changes nothing. Exit 1 when there are errors.",
	 cmd_check},
	{"status", "status [--json] ID", "an application's progress (审核进度)",
	 "Shows an application's progress by 申请编号 or 订单号: state, amounts\n"
	 "in fen, history (Asia/Shanghai time) and what is awaited next. ID and\n"
	 "mobile numbers are masked. Exit 1 when there is no such application.",
	 cmd_status},
	{"import", "import [--json] [--layouts DIR] FILE...",
	 "book bank statements and payment bills",
	 "Reads each bank statement or merchant bill (CSV/TXT in UTF-8 or\n"
	 "GB18030), recognises its layout by its header row (the built-in ones and\n"
	 "the *.yaml files of DIR, default <content>/layouts) and books each line\n"
	 "once, however often it is imported. One transaction per file: a file\n"
	 "that matches no layout, or with any line that cannot be read, is\n"
	 "refused whole. Prints one result per file (--json: one JSON line).\n"
	 "Exit 1 when a file was refused.",
	 cmd_import},
	{"reconcile", "reconcile [--json]", "match statement lines to orders",
	 "Matches every statement and merchant-bill line not yet decided to the\n"
	 "orders it pays, in one transaction; what is not certain goes to the\n"
	 "review queue with ranked candidates. Running it again changes\n"
	 "nothing. Hand decisions are never overridden.",
	 money_cmd_reconcile},
	{"payments", "payments ACTION", "finance's review queue and decisions",
	 "payments queue [--json]: the lines reconcile could not decide.\n"
	 "payments match LINE ORDER --by NAME: the line pays the order.\n"
	 "payments unmatch LINE --by NAME: the line pays no order.\n"
	 "Decisions are recorded with who and when; reconcile keeps them.",
	 money_cmd_payments},
	{"payouts", "payouts export [-o F]", "the micro-deposit transfer file",
	 "payouts export [-o FILE] [--batch ID] [--amount FEN]\n"
	 "Writes the batch-transfer file (GB18030 CSV) of every pending\n"
	 "micro-deposit (--amount FEN, default 1), marking them exported;\n"
	 "--batch ID prints an earlier batch again. The verification codes\n"
	 "appear in this file only.",
	 money_cmd_payouts},
	{"verify", "verify ORDER CODE", "check a micro-deposit code",
	 "Checks the code an applicant read from the micro-deposit's memo.\n"
	 "Exit 0: verified (the order goes to review); 1: wrong (attempts\n"
	 "left are named), expired or used up; 2: usage.",
	 money_cmd_verify},
	{"report", "report finance -o DIR", "the finance workbook",
	 "report finance [--date yyyy-mm-dd] -o DIR\n"
	 "Writes finance.xlsx and one CSV per sheet into DIR: payments matched,\n"
	 "review queue, lines not ours, payouts and verifications, per-file\n"
	 "totals. Amounts in yuan; account numbers masked.",
	 money_cmd_report},
	{"review", "review ACTION", "the review queue, sheets and decisions",
	 "review list [--json]: what is due, oldest due first: review within 1\n"
	 "working day of entering in_review, shipping within 3 working days of\n"
	 "approval (content/calendar.yaml), with due date and overdue flag.\n"
	 "review show ORDER [-o FILE]: the review sheet, one self-contained\n"
	 "HTML page (form beside scans; ID numbers in full here only).\n"
	 "review approve ORDER --by NAME: in_review -> approved.\n"
	 "review reject ORDER --by NAME --reason TEXT: in_review -> rejected;\n"
	 "the applicant reads TEXT (at most 200 characters) in the notice.\n"
	 "ORDER: order number or application id. Exit 1: not found, or the\n"
	 "order's state does not allow it (the state is named).",
	 review_cmd_review},
	{"ship", "ship ORDER --carrier NAME --tracking NO",
	 "record a shipment (邮费到付)",
	 "Records the shipment of an issued order (issued -> shipped) and\n"
	 "queues the shipping notice with carrier and tracking number. The\n"
	 "order closes 15 days later (nightly step due). Exit 1: not found, or\n"
	 "not issued (the state is named).",
	 review_cmd_ship},
	{"issued", "issued [--json] FILE", "record issued certificates, send PINs",
	 "Reads the issuing system's JSON lines (one certificate each: order_no,\n"
	 "kind, id_number for a personal certificate, serial, pin, optional\n"
	 "e_invoice_url; see the man page) in one transaction: a bad line\n"
	 "refuses the file, naming the line. Queues each PIN by SMS (公对公转账)\n"
	 "or for the payouts export (支付宝/微信), the e-invoice SMS, and marks an\n"
	 "order issued once every certificate has its serial. A serial on\n"
	 "record is skipped. Exit 1 when the file is refused.",
	 issued_cmd},
	{"send", "send", "deliver the outbox's due e-mail and SMS",
	 "Delivers every message of the outbox that is due: e-mail through\n"
	 "msmtp, SMS through the configured gateway, or, with neither\n"
	 "configured, as .eml and .sms.json files in the outbox folder. Each\n"
	 "attempt is recorded; a temporary failure is retried later with a\n"
	 "growing delay, and given up after mail/sms.give_up_after hours.\n"
	 "Exit 1 when a message failed for good or needs an operator.",
	 cmd_send},
	{"nightly", "nightly", "the night's steps, under a lock",
	 "Runs the night's steps in order, each committed on its own: ingest\n"
	 "the inbox, import the statement folder, reconcile, compute what is\n"
	 "due (and close orders shipped 15 days ago), send the outbox, write\n"
	 "the report. A step that fails is logged and the rest still run. Logs go to standard error with levels. A second run\n"
	 "while one holds the lock exits at once with status 75, naming the\n"
	 "process that holds it and since when. Exit 1 when a step failed.",
	 cmd_nightly},
	{"help", "help [COMMAND]", "this help, or one command's",
	 "Shows this help, or one command's.", cmd_help},
};
#define NCOMMANDS (sizeof COMMANDS / sizeof COMMANDS[0])

static void usage(FILE *f)
{
	fprintf(f, "usage: " PROG " [--config FILE] <command> [options]\n\n"
	           "commands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-22s %s\n", COMMANDS[i].usage, COMMANDS[i].summary);
	fprintf(f, "\nThe configuration is FILE, else $CERTHALL_CONFIG, else the "
	           "defaults (var/, content/).\n"
	           "Exit status: 0 success, 1 errors found / not found / bundles "
	           "left unprocessed,\n2 usage or system error. See "
	           PROG "(1).\n");
}

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, PROG ": ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (see " PROG " --help)\n");
	return EXIT_USAGE;
}

static const command *find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(COMMANDS[i].name, name))
			return &COMMANDS[i];
	return NULL;
}

static int fail(const ch_error *e)
{
	ch_error_print(e, PROG);
	return EXIT_USAGE;
}

static int cmd_help(const char *config, int argc, char **argv)
{
	const command *c;

	if (argc < 2) {
		usage(stdout);
		return EXIT_OK;
	}
	c = find_command(argv[1]);
	if (!c)
		return usage_error("unknown command '%s'", argv[1]);
	printf("usage: " PROG " [--config FILE] %s\n\n%s\n", c->usage, c->help);
	return EXIT_OK;
}

static int cmd_init(const char *config, int argc, char **argv)
{
	batch_ctx ctx;
	sqlite3 *db = NULL;
	ch_error e;

	if (argc > 1)
		return usage_error("init takes no arguments, got '%s'", argv[1]);
	if (context_load(config, &ctx, &e) < 0)
		return fail(&e);
	if (ingest_make_folders(&ctx.cfg, &e) < 0 ||
	    db_open(ctx.cfg.database, &db, &e) < 0 ||
	    money_init(&ctx.cfg, &e) < 0) {
		db_close(db);
		context_free(&ctx);
		return fail(&e);
	}
	printf("database %s (schema version %d)\nstore    %s\ninbox    %s\n"
	       "done     %s\nrejected %s\n", ctx.cfg.database, db_schema_version(),
	       ctx.cfg.store, ctx.cfg.inbox, ctx.cfg.done, ctx.cfg.rejected);
	db_close(db);
	context_free(&ctx);
	return EXIT_OK;
}

static int cmd_ingest(const char *config, int argc, char **argv)
{
	batch_ctx ctx;
	sqlite3 *db = NULL;
	ingest_stats st;
	ch_error e;
	int rc = EXIT_USAGE;

	for (int i = 1; i < argc; i++)
		if (argv[i][0] == '-' && argv[i][1])
			return usage_error("ingest: unknown option '%s'", argv[i]);
	if (context_load(config, &ctx, &e) < 0)
		return fail(&e);
	if (ingest_make_folders(&ctx.cfg, &e) < 0 ||
	    db_open(ctx.cfg.database, &db, &e) < 0 ||
	    ingest_run(&ctx, db, argv + 1, (size_t)argc - 1, stdout, &st, &e) < 0) {
		fail(&e);
		goto out;
	}
	fprintf(stderr, PROG ": ingest: %zu accepted, %zu rejected, %zu duplicate"
	        ", %zu left unprocessed, %zu not bundles\n", st.accepted,
	        st.rejected, st.duplicate, st.failed, st.skipped);
	rc = st.failed ? EXIT_FOUND : EXIT_OK;
out:
	db_close(db);
	context_free(&ctx);
	return rc;
}

static int cmd_send(const char *config, int argc, char **argv)
{
	batch_ctx ctx;
	notify_settings ns;
	outbox_stats st;
	sqlite3 *db = NULL;
	ch_error e;
	int rc = EXIT_USAGE;

	if (argc > 1)
		return usage_error("send takes no arguments, got '%s'", argv[1]);
	if (context_load(config, &ctx, &e) < 0)
		return fail(&e);
	if (notify_settings_load(ctx.cfg.mail, ctx.cfg.sms,
	                         context_sms_signature(&ctx), ctx.cfg.file,
	                         ctx.cfg.outbox, &ns, &e) < 0) {
		fail(&e);
		context_free(&ctx);
		return EXIT_USAGE;
	}
	if (db_open(ctx.cfg.database, &db, &e) < 0 ||
	    outbox_send(db, &ns, &st, &e) < 0) {
		fail(&e);
		goto out;
	}
	fprintf(stderr, PROG ": send: %zu sent, %zu to retry, %zu failed, "
	        "%zu unknown after a crash\n", st.sent, st.retry, st.failed,
	        st.unknown);
	rc = st.failed || st.unknown ? EXIT_FOUND : EXIT_OK;
out:
	db_close(db);
	notify_settings_free(&ns);
	context_free(&ctx);
	return rc;
}

static int cmd_nightly(const char *config, int argc, char **argv)
{
	batch_ctx ctx;
	ch_error e;
	int rc;

	if (argc > 1)
		return usage_error("nightly takes no arguments, got '%s'", argv[1]);
	if (context_load(config, &ctx, &e) < 0)
		return fail(&e);
	rc = nightly_run(&ctx, &e);
	if (rc < 0 || rc == 75)
		ch_error_print(&e, PROG);
	context_free(&ctx);
	return rc < 0 ? EXIT_USAGE : rc;
}

/* [--json] ARG: exactly one operand. */
static int one_operand(int argc, char **argv, int *json, const char **arg)
{
	*json = 0;
	*arg = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			*json = 1;
		else if (argv[i][0] == '-' && argv[i][1] && strcmp(argv[i], "--") != 0)
			return usage_error("unknown option '%s'", argv[i]);
		else if (*arg)
			return usage_error("one operand expected, also got '%s'", argv[i]);
		else if (strcmp(argv[i], "--") != 0)
			*arg = argv[i];
	}
	if (!*arg)
		return usage_error("%s: an operand is missing", argv[0]);
	return EXIT_OK;
}

static int cmd_check(const char *config, int argc, char **argv)
{
	batch_ctx ctx;
	ch_error e;
	const char *path;
	size_t errors = 0;
	int json, rc = one_operand(argc, argv, &json, &path);

	if (rc != EXIT_OK)
		return rc;
	if (context_load(config, &ctx, &e) < 0)
		return fail(&e);
	if (check_run(&ctx, path, json, stdout, &errors, &e) < 0)
		rc = fail(&e);
	else
		rc = errors ? EXIT_FOUND : EXIT_OK;
	context_free(&ctx);
	return rc;
}

static int cmd_status(const char *config, int argc, char **argv)
{
	batch_ctx ctx;
	sqlite3 *db = NULL;
	ch_error e;
	const char *id;
	int json, rc = one_operand(argc, argv, &json, &id);

	if (rc != EXIT_OK)
		return rc;
	/* The whole context: the fee schedule makes up the amount due. */
	if (context_load(config, &ctx, &e) < 0)
		return fail(&e);
	if (db_open_existing(ctx.cfg.database, &db, &e) < 0) {
		rc = fail(&e);
	} else if (!db) {
		fprintf(stderr, PROG ": %s: no database yet (run " PROG " init)\n",
		        ctx.cfg.database);
		rc = EXIT_USAGE;
	} else {
		switch (status_run(db, &ctx.fees, id, json, stdout, &e)) {
		case 0:
			rc = EXIT_OK;
			break;
		case 1:
			ch_error_print(&e, PROG);
			rc = EXIT_FOUND;
			break;
		default:
			rc = fail(&e);
		}
	}
	db_close(db);
	context_free(&ctx);
	return rc;
}

static int cmd_import(const char *config, int argc, char **argv)
{
	batch_config cfg;
	layouts ls = {NULL, 0, 0};
	sqlite3 *db = NULL;
	import_stats st;
	ch_error e;
	char **files = calloc((size_t)argc, sizeof *files);
	const char *layouts_dir = NULL;
	size_t n = 0;
	int json = 0, rc = EXIT_USAGE, opts = 1;

	if (!files)
		return usage_error("%s: out of memory", argv[0]);
	for (int i = 1; i < argc; i++) {
		if (opts && !strcmp(argv[i], "--")) {
			opts = 0;
		} else if (opts && !strcmp(argv[i], "--json")) {
			json = 1;
		} else if (opts && !strcmp(argv[i], "--layouts")) {
			if (i + 1 >= argc) {
				free(files);
				return usage_error("%s needs a folder", argv[i]);
			}
			layouts_dir = argv[++i];
		} else if (opts && argv[i][0] == '-' && argv[i][1]) {
			free(files);
			return usage_error("import: unknown option '%s'", argv[i]);
		} else {
			files[n++] = argv[i];
		}
	}
	if (!n) {
		free(files);
		return usage_error("%s: no file given", argv[0]);
	}
	/* Before SQLite starts: without allocation statistics it takes no
	 * global lock per allocation, which showed in import's profile. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	if (config_load(config, &cfg, &e) < 0) {
		free(files);
		return fail(&e);
	}
	if (import_layouts(cfg.content, layouts_dir, &ls, &e) < 0 ||
	    db_open(cfg.database, &db, &e) < 0 ||
	    import_run(db, &ls, files, n, json, stdout, &st, &e) < 0) {
		fail(&e);
		goto out;
	}
	if (!json)
		fprintf(stderr, PROG ": import: %zu imported, %zu duplicate, %zu "
		        "refused; %lld lines booked, %lld already known\n",
		        st.imported, st.duplicate, st.refused, st.booked, st.known);
	rc = st.refused ? EXIT_FOUND : EXIT_OK;
out:
	db_close(db);
	layouts_free(&ls);
	config_free(&cfg);
	free(files);
	return rc;
}

int main(int argc, char **argv)
{
	const char *config = NULL;
	const command *c;
	int i = 1;

	/* The database, the store and the result folders are the batch
	 * user's alone (DESIGN.md 6), whatever the caller's umask. */
	umask(077);
	while (i < argc && argv[i][0] == '-') {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return EXIT_OK;
		} else if (!strcmp(argv[i], "--version")) {
			printf(PROG " " CERTHALL_VERSION "\n");
			return EXIT_OK;
		} else if (!strcmp(argv[i], "--config")) {
			if (i + 1 >= argc)
				return usage_error("%s needs a file", argv[i]);
			config = argv[i + 1];
			i += 2;
		} else if (!strncmp(argv[i], "--config=", 9)) {
			config = argv[i] + 9;
			i++;
		} else {
			return usage_error("unknown option '%s'", argv[i]);
		}
	}
	if (i >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	c = find_command(argv[i]);
	if (!c)
		return usage_error("unknown command '%s'", argv[i]);
	/* `certhall-batch ingest --help` is help, not a file named --help. */
	for (int k = i + 1; k < argc; k++)
		if (!strcmp(argv[k], "--help")) {
			char *h[] = {"help", argv[i]};
			return cmd_help(config, 2, h);
		}
	{
		int rc = c->run(config, argc - i, argv + i);
		if (fflush(stdout) != 0 || ferror(stdout)) {
			fprintf(stderr, PROG ": standard output: cannot write: %s\n",
			        strerror(errno));
			return EXIT_USAGE;
		}
		return rc;
	}
}
