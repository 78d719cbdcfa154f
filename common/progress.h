/* progress.h: a progress bar on stderr for long runs (ingest of many
 * bundles, a large site build). It draws only when stderr is a terminal,
 * so logs, pipes and tests see nothing, and redraws at most ten times a
 * second however often it is stepped. Owns no memory. */
#ifndef CH_PROGRESS_H
#define CH_PROGRESS_H

#include <stddef.h>
#include <time.h>

typedef struct ch_progress {
	char label[64];
	size_t total;        /* 0 when unknown: a count is shown instead */
	size_t done;
	int active;          /* 1 while drawing on a terminal */
	struct timespec last; /* time of the last redraw */
} ch_progress;

/* Starts a bar: label (copied, cut to fit) and the number of steps. */
void ch_progress_start(ch_progress *p, const char *label, size_t total);
/* Records that `done` steps are complete; redraws when due. */
void ch_progress_step(ch_progress *p, size_t done);
/* Draws the final state and ends the line. */
void ch_progress_end(ch_progress *p);

#endif
