/* main.c: the certhall-site command line. Parses arguments, runs one
 * command, prints its one-line error and decides the exit status:
 * 0 done, 1 a content or build error, 2 a usage error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "common/fsutil.h"

#include "common/error.h"
#include "generator/build.h"
#include "generator/publish.h"
#include "generator/repo.h"
#include "generator/serve.h"

#define PROG "certhall-site"

static const char usage_text[] =
	"usage: " PROG " build [--ref REV | --worktree] [-C DIR] [-o DIR] [-v]\n"
	"       " PROG " publish --branch NAME [--ref REV] [-C DIR] [-o DIR] [-v]\n"
	"       " PROG " serve [-p N] [--host ADDR] [--ref REV] [-C DIR] [-o DIR]\n"
	"       " PROG " --help | --version\n"
	"\n"
	"Builds the applicants' guide website from content/ and site/ of a git\n"
	"commit.\n"
	"\n"
	"commands:\n"
	"   build      write the site (default public/) from a commit (default HEAD)\n"
	"   publish    build, then commit the site to a branch (no work tree used)\n"
	"   serve      build from the work tree and preview it on 127.0.0.1,\n"
	"              rebuilding when content/ or site/ change\n"
	"\n"
	"options:\n"
	"   --ref REV      the commit to build (any revision: main, v1.2, a1b2c3d)\n"
	"   --worktree     read content/ and site/ from the work tree (drafts)\n"
	"   -C DIR         the repository (default: the current folder); before\n"
	"                  the command, run as if started in DIR (like git -C)\n"
	"   -o DIR         the output folder (default: public; for publish a\n"
	"                  temporary folder outside the work tree)\n"
	"   --branch NAME  the branch publish commits to\n"
	"   -p, --port N   the port serve listens on (default 8080)\n"
	"   --host ADDR    the address serve listens on (default 127.0.0.1)\n"
	"   -v             say how many pages were rendered and kept\n";

typedef struct args {
	const char *cmd;
	const char *ref;
	const char *repo;
	const char *out;
	const char *branch;
	const char *host;
	int port;
	int worktree;
	int preview;  /* serve without --ref: the work tree if it is a draft */
	int verbose;
} args;

static int usage_error(const char *fmt, const char *what)
{
	fprintf(stderr, PROG ": ");
	fprintf(stderr, fmt, what);
	fprintf(stderr, " (see " PROG " --help)\n");
	return 2;
}

/* Returns 0, or the exit status to leave with. */
static int parse(int argc, char **argv, args *a)
{
	for (int i = 2; i < argc; i++) {
		const char *s = argv[i];
		const char **val = NULL;

		if (strcmp(s, "--worktree") == 0) {
			a->worktree = 1;
			continue;
		}
		if (strcmp(s, "-v") == 0 || strcmp(s, "--verbose") == 0) {
			a->verbose = 1;
			continue;
		}
		if (strcmp(s, "-h") == 0 || strcmp(s, "--help") == 0) {
			fputs(usage_text, stdout);
			return -1;
		}
		if (strcmp(s, "--ref") == 0)
			val = &a->ref;
		else if (strcmp(s, "-C") == 0)
			val = &a->repo;
		else if (strcmp(s, "-o") == 0 || strcmp(s, "--output") == 0)
			val = &a->out;
		else if (strcmp(s, "--branch") == 0)
			val = &a->branch;
		else if (strcmp(s, "--host") == 0)
			val = &a->host;
		else if (strcmp(s, "--port") == 0 || strcmp(s, "-p") == 0) {
			char *end;
			long p;
			if (i + 1 >= argc)
				return usage_error("option '%s' needs a value", s);
			p = strtol(argv[++i], &end, 10);
			if (*end || p < 1 || p > 65535)
				return usage_error("bad port '%s'", argv[i]);
			a->port = (int)p;
			continue;
		} else
			return usage_error("unknown option '%s'", s);
		if (i + 1 >= argc || !argv[i + 1][0])
			return usage_error("option '%s' needs a value", s);
		*val = argv[++i];
	}
	if (a->ref && a->worktree)
		return usage_error("%s", "--ref and --worktree exclude each other");
	if (strcmp(a->cmd, "publish") == 0 && !a->branch)
		return usage_error("%s", "publish needs --branch NAME");
	if (strcmp(a->cmd, "publish") == 0 && a->worktree)
		return usage_error("%s", "publish builds a commit, not the work tree");
	if (strcmp(a->cmd, "publish") && a->branch)
		return usage_error("%s", "--branch is for publish");
	if (strcmp(a->cmd, "serve") && (a->host || a->port))
		return usage_error("%s", "--host and --port are for serve");
	return 0;
}

static int do_build(const args *a, ch_error *e, gen_build_stats *st)
{
	gen_build_opts o = {
		.repo_dir = a->repo,
		.rev = a->ref,
		.out_dir = a->out,
		.worktree = a->worktree,
	};

	if (a->preview && gen_preview_worktree(o.repo_dir, &o.worktree, e) < 0)
		return -1;
	if (gen_build(&o, st, e) < 0)
		return -1;
	if (a->verbose)
		fprintf(stderr, PROG ": %zu pages: %zu rendered, %zu kept; "
		        "%zu files\n", st->pages, st->rendered, st->kept,
		        st->files);
	return 0;
}

static int rebuild(void *ctx, ch_error *e)
{
	gen_build_stats st;
	return do_build(ctx, e, &st);
}

static int cmd_build(args *a, ch_error *e)
{
	const char *dir = a->out ? a->out : "public";
	size_t n = strlen(dir);
	gen_build_stats st;

	if (do_build(a, e, &st) < 0)
		return -1;
	printf("built %zu pages from %s%s into %s%s\n", st.pages, st.short_id,
	       a->worktree ? " (work tree)" : "", dir,
	       n && dir[n - 1] == '/' ? "" : "/");
	return 0;
}

/* publish: builds (without -o, into a temporary folder outside the
 * work tree, removed afterwards) and commits the result to the branch. */
static int cmd_publish(args *a, ch_error *e)
{
	char tmp[4096] = "", out[4200];
	const char *t = getenv("TMPDIR");
	gen_build_stats st;
	int created = 0, rc = -1;
	ch_error ignored;

	if (!a->out) {
		snprintf(tmp, sizeof tmp, "%s/certhall-publish-XXXXXX",
		         t && t[0] == '/' ? t : "/tmp");
		if (!mkdtemp(tmp))
			return ch_fail(e, tmp, 0,
			               "cannot create a temporary folder");
		snprintf(out, sizeof out, "%s/site", tmp);
		a->out = out;
	}
	if (do_build(a, e, &st) == 0 &&
	    gen_publish(a->repo, a->out, a->branch, st.commit, &created,
	                e) == 0) {
		printf("%s %s from %s\n",
		       created ? "published to" : "unchanged:", a->branch,
		       st.short_id);
		rc = 0;
	}
	if (tmp[0])
		ch_remove_tree(tmp, &ignored);
	return rc;
}

/* serve: without --ref a preview, which shows the drafts. */
static int cmd_serve(args *a, ch_error *e)
{
	char cwatch[4096], swatch[4096];
	char *const watch[3] = {cwatch, swatch, NULL};
	gen_build_stats st;

	if (!a->ref)
		a->worktree = a->preview = 1;
	if (!a->out)
		a->out = "public";
	snprintf(cwatch, sizeof cwatch, "%s/content", a->repo);
	snprintf(swatch, sizeof swatch, "%s/site", a->repo);
	if (do_build(a, e, &st) < 0)
		return -1;
	return gen_serve(a->out, a->host, a->port, a->worktree ? rebuild : NULL,
	                 a, watch, e);
}

int main(int argc, char **argv)
{
	args a = {.repo = "."};
	ch_error e;
	int (*run)(args *a, ch_error *e);
	int r;

	memset(&e, 0, sizeof e);
	json_object_seed(0); /* before any thread (common/parallel.h) */
	/* Like git -C: each DIR given before the command is where the rest
	 * runs, relative to the one before. */
	while (argc >= 2 && strcmp(argv[1], "-C") == 0) {
		if (argc < 3 || !argv[2][0])
			return usage_error("option '%s' needs a value", "-C");
		if (chdir(argv[2]) < 0) {
			ch_fail(&e, argv[2], 0, "cannot change to this folder");
			ch_error_print(&e, PROG);
			return 1;
		}
		argc -= 2;
		argv += 2;
	}
	if (argc < 2)
		return usage_error("%s", "a command is needed");
	a.cmd = argv[1];
	if (strcmp(a.cmd, "--help") == 0 || strcmp(a.cmd, "-h") == 0 ||
	    strcmp(a.cmd, "help") == 0) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (strcmp(a.cmd, "--version") == 0 || strcmp(a.cmd, "version") == 0) {
		printf(PROG " %s\n", CERTHALL_VERSION);
		return 0;
	}
	if (strcmp(a.cmd, "build") == 0)
		run = cmd_build;
	else if (strcmp(a.cmd, "publish") == 0)
		run = cmd_publish;
	else if (strcmp(a.cmd, "serve") == 0)
		run = cmd_serve;
	else
		return usage_error("'%s' is not a command", a.cmd);
	r = parse(argc, argv, &a);
	if (r)
		return r < 0 ? 0 : r;
	if (run(&a, &e) < 0) {
		ch_error_print(&e, PROG);
		return 1;
	}
	return 0;
}
