/* workers.c: a full build's parts laid out in forked workers (see
 * workers.h).
 *
 * A full build of a large site lays out its parts in up to MAX_JOBS
 * processes: after the site is loaded and checked, the build forks one
 * worker per later run of parts; each writes its pages, packs and search
 * parts into the same temporary folder (their paths are disjoint) and
 * reports what the first process needs through two unnamed files: its
 * cache lines, and its counts, part sizes and files (or its error). The
 * first process lays out the first run, then adds each worker's results
 * in part order, so the output is the bytes one process makes. Separate
 * processes share no state, so libgit2, cmark and jansson need not be
 * thread-safe. */
#include "generator/workers.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/parallel.h"

#define MAX_JOBS CH_PARALLEL_MAX
/* Below this many pages a fork costs more than it saves. */
#define JOBS_MIN_PAGES 200

typedef struct worker {
	pid_t pid;
	FILE *lines;  /* its cache lines */
	FILE *report; /* its counts, part sizes and files, or its error */
	size_t first, end; /* its parts */
} worker;


/* The worker's side: lays out its parts, reports, and exits without
 * running the first process's cleanup (the temporary folder is the
 * first process's to remove). */
static _Noreturn void run_worker(worker *w, const gen_work *wk,
                                 const unsigned *sizes, gen_out *out)
{
	gen_build_stats st;
	ch_error e;
	size_t paths0 = out->npaths, staged = out->nstaged;
	int rc;

	memset(&st, 0, sizeof st);
	memset(&e, 0, sizeof e);
	wk->to_worker(wk->ctx, fileno(w->lines));
	if (getenv("CERTHALL_TEST_FAIL_CHILD"))
		rc = ch_fail(&e, "", 0, "worker failed (CERTHALL_TEST_FAIL_CHILD)");
	else
		rc = wk->render(wk->ctx, w->first, w->end, &st, &e);
	if (rc == 0)
		rc = wk->flush(wk->ctx, &e);
	if (rc < 0) {
		fprintf(w->report, "E %d", e.line);
		fputc('\0', w->report);
		fputs(e.file, w->report);
		fputc('\0', w->report);
		fputs(e.msg, w->report);
		fputc('\0', w->report);
	} else {
		fprintf(w->report, "K %zu %zu %zu %zu", st.rendered, st.reused,
		        st.kept, out->npaths - paths0);
		for (size_t k = w->first; k < w->end; k++)
			fprintf(w->report, " %u", sizes[k]);
		fputc('\0', w->report);
		/* A file is staged when it is the next staged one. */
		for (size_t i = paths0; i < out->npaths; i++) {
			int st1 = staged < out->nstaged &&
			          strcmp(out->staged[staged], out->paths[i]) == 0;
			staged += (size_t)st1;
			fputc(st1 ? 's' : 'k', w->report);
			fputs(out->paths[i], w->report);
			fputc('\0', w->report);
		}
	}
	if (fflush(w->report) != 0 || ferror(w->report))
		rc = -1;
	_exit(rc < 0 ? 1 : 0);
}

/* Reads the whole of f from its start into b. */
static int read_back(FILE *f, ch_buf *b, ch_error *e)
{
	char tmp[65536];
	size_t n;

	if (fseek(f, 0, SEEK_SET) != 0)
		return ch_fail(e, "", 0, "cannot read a worker's results: %s",
		               strerror(errno));
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
		ch_buf_append(b, tmp, n);
	if (ferror(f) || !ch_buf_ok(b))
		return ch_fail(e, "", 0, "cannot read a worker's results");
	ch_buf_putc(b, '\0');
	return 0;
}

/* Waits for worker w; 0 if it exited well. */
static int reap(worker *w)
{
	int status;

	if (w->pid <= 0)
		return -1;
	while (waitpid(w->pid, &status, 0) < 0)
		if (errno != EINTR) {
			w->pid = 0;
			return -1;
		}
	w->pid = 0;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* Waits for worker w and adds its results: its cache lines after ours,
 * its part sizes, counts and files. Its error becomes ours. */
static int join_worker(worker *w, const gen_work *wk, unsigned *sizes,
                       size_t *nsizes, gen_out *out, gen_build_stats *st,
                       ch_error *e)
{
	ch_buf r = CH_BUF_INIT, lines = CH_BUF_INIT;
	int ok = reap(w) == 0, rc = -1;
	size_t nfiles = 0;
	char *p, *end;

	if (read_back(w->report, &r, e) < 0)
		goto out;
	p = r.data;
	end = r.data + r.len - 1;
	if (p[0] == 'E') {
		int line = atoi(p + 2);
		const char *file = p + strlen(p) + 1;
		const char *msg = file < end ? file + strlen(file) + 1 : "";
		ch_fail(e, file < end ? file : "", line, "%s",
		        msg < end ? msg : "a worker of the build failed");
		goto out;
	}
	if (!ok || p[0] != 'K') {
		ch_fail(e, "", 0, "a worker of the build failed");
		goto out;
	}
	{
		size_t v[4];
		char *q = p + 1;
		for (size_t i = 0; i < 4; i++)
			v[i] = (size_t)strtoull(q, &q, 10);
		st->rendered += v[0];
		st->reused += v[1];
		st->kept += v[2];
		nfiles = v[3];
		for (size_t k = w->first; k < w->end; k++)
			sizes[(*nsizes)++] = (unsigned)strtoul(q, &q, 10);
	}
	p += strlen(p) + 1;
	for (size_t i = 0; i < nfiles; i++) {
		if (p >= end) {
			ch_fail(e, "", 0, "a worker's results are cut short");
			goto out;
		}
		if (gen_out_record(out, p + 1, p[0] == 's', e) < 0)
			goto out;
		p += strlen(p) + 1;
	}
	if (wk->flush(wk->ctx, e) < 0 || read_back(w->lines, &lines, e) < 0)
		goto out;
	lines.len--; /* read_back's '\0' */
	if (wk->append_lines(wk->ctx, &lines, e) < 0)
		goto out;
	rc = 0;
out:
	ch_buf_free(&r);
	ch_buf_free(&lines);
	return rc;
}

/* Splits the parts into runs of about equal pages, one per job; the
 * number of runs made. */
static size_t plan(const size_t *starts, size_t nparts, size_t npages,
                   size_t jobs, worker *w)
{
	size_t n = 0, k = 0;

	if (jobs > nparts)
		jobs = nparts;
	for (size_t j = 0; j < jobs && k < nparts; j++) {
		size_t goal = npages * (j + 1) / jobs;
		w[n].first = k;
		while (k < nparts && (starts[k + 1] <= goal || k == w[n].first))
			k++;
		if (j + 1 == jobs)
			k = nparts;
		w[n++].end = k;
	}
	return n;
}

int gen_workers_render(const size_t *starts, size_t nparts, size_t npages,
                       unsigned *sizes, size_t *nsizes, const gen_work *wk,
                       gen_out *out, gen_build_stats *st, ch_error *e)
{
	worker w[MAX_JOBS];
	size_t nw = 1;
	int rc = -1;

	memset(w, 0, sizeof w);
	/* An update keeps most files: little to share out. */
	w[0].first = 0;
	w[0].end = nparts;
	if (!out->update)
		nw = plan(starts, nparts, npages,
		          ch_parallel_threads(npages, JOBS_MIN_PAGES), w);
	if (nw == 0)
		nw = 1;
	for (size_t j = 1; j < nw; j++) {
		w[j].lines = tmpfile();
		w[j].report = tmpfile();
		if (!w[j].lines || !w[j].report) {
			ch_fail(e, "", 0, "cannot make a temporary file: %s",
			        strerror(errno));
			goto out;
		}
		fflush(NULL); /* nothing buffered is written twice */
		w[j].pid = fork();
		if (w[j].pid < 0) {
			ch_fail(e, "", 0, "cannot start a worker: %s", strerror(errno));
			goto out;
		}
		if (w[j].pid == 0)
			run_worker(&w[j], wk, sizes, out);
	}
	if (wk->render(wk->ctx, w[0].first, w[0].end, st, e) < 0)
		goto out;
	for (size_t j = 1; j < nw; j++)
		if (join_worker(&w[j], wk, sizes, nsizes, out, st, e) < 0)
			goto out;
	rc = 0;
out:
	/* A worker still running would write into the folder we remove. */
	for (size_t j = 1; j < nw; j++) {
		if (w[j].pid > 0) {
			kill(w[j].pid, SIGKILL);
			reap(&w[j]);
		}
		if (w[j].lines)
			fclose(w[j].lines);
		if (w[j].report)
			fclose(w[j].report);
	}
	return rc;
}
