/* workers.h: laying out a full build's parts on several cores. This
 * module owns the forked worker processes: how many (CERTHALL_JOBS, else
 * the online cores, at most 4; one for a small site or an update), which
 * run of parts each lays out, the two unnamed files each reports through
 * (its cache lines; its counts, part sizes and files, or its error),
 * waiting for them, and adding their results to the first process's in
 * part order, so the output is the bytes one process makes. What a part
 * is and how it is laid out are the caller's (build.c), reached through
 * gen_work's callbacks. CERTHALL_TEST_FAIL_CHILD makes every worker fail
 * (for tests of a worker's failure). */
#ifndef GEN_WORKERS_H
#define GEN_WORKERS_H

#include <stddef.h>

#include "common/buf.h"
#include "common/error.h"
#include "generator/build.h"
#include "generator/output.h"

typedef struct gen_work {
	void *ctx;
	/* Lays out the parts [first, end) in this process, setting *nsizes
	 * to first and then adding each part's size to sizes[]. */
	int (*render)(void *ctx, size_t first, size_t end,
	              gen_build_stats *st, ch_error *e);
	/* In a worker, before it lays out anything: its cache lines go to
	 * lines_fd, and the first process's lines it holds are dropped. */
	void (*to_worker)(void *ctx, int lines_fd);
	/* Writes out the cache lines held so far. */
	int (*flush)(void *ctx, ch_error *e);
	/* Writes a worker's cache lines after ours, emptying lines. */
	int (*append_lines)(void *ctx, ch_buf *lines, ch_error *e);
} gen_work;

/* Lays out the nparts parts of a site of npages pages (starts[k] is part
 * k's first page, starts[nparts] == npages): the first run in this
 * process, later runs in forked workers. sizes[] receives every part's
 * size in part order and *nsizes their number; st gets every process's
 * counts and out every process's files. On failure no worker is left
 * running. */
int gen_workers_render(const size_t *starts, size_t nparts, size_t npages,
                       unsigned *sizes, size_t *nsizes, const gen_work *w,
                       gen_out *out, gen_build_stats *st, ch_error *e);

#endif
