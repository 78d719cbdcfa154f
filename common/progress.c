/* progress.c: the terminal progress bar. */
#include "common/progress.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define BAR_WIDTH 30
#define REDRAW_NS 100000000L /* 0.1 s */

static void draw(ch_progress *p)
{
	char bar[BAR_WIDTH + 1];
	size_t fill;

	if (p->total == 0) {
		fprintf(stderr, "\r%s %zu", p->label, p->done);
	} else {
		size_t done = p->done > p->total ? p->total : p->done;
		fill = done * BAR_WIDTH / p->total;
		memset(bar, '#', fill);
		memset(bar + fill, '.', BAR_WIDTH - fill);
		bar[BAR_WIDTH] = '\0';
		fprintf(stderr, "\r%s [%s] %zu/%zu (%zu%%)", p->label, bar, done,
		        p->total, done * 100 / p->total);
	}
	fflush(stderr);
	clock_gettime(CLOCK_MONOTONIC, &p->last);
}

void ch_progress_start(ch_progress *p, const char *label, size_t total)
{
	size_t n = strlen(label);

	memset(p, 0, sizeof *p);
	if (n >= sizeof p->label)
		n = sizeof p->label - 1;
	/* Cut at a character boundary so that a Chinese label stays UTF-8. */
	while (n > 0 && ((unsigned char)label[n] & 0xC0) == 0x80)
		n--;
	memcpy(p->label, label, n);
	p->label[n] = '\0';
	p->total = total;
	p->active = isatty(STDERR_FILENO);
	if (p->active)
		draw(p);
}

void ch_progress_step(ch_progress *p, size_t done)
{
	struct timespec now;
	long elapsed;

	p->done = done;
	if (!p->active)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	elapsed = (long)(now.tv_sec - p->last.tv_sec) * 1000000000L +
	          (now.tv_nsec - p->last.tv_nsec);
	if (elapsed >= REDRAW_NS || (p->total && done >= p->total))
		draw(p);
}

void ch_progress_end(ch_progress *p)
{
	if (!p->active)
		return;
	draw(p);
	fputc('\n', stderr);
	fflush(stderr);
	p->active = 0;
}
