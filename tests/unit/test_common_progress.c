/* The progress bar stays silent when stderr is not a terminal, so that
 * logs, pipes and the batch's JSON lines are never mixed with it. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <string.h>

#include "common/progress.h"

Test(progress, silent_without_terminal, .init = cr_redirect_stderr)
{
	ch_progress p;

	ch_progress_start(&p, "ingest", 3);
	cr_expect(!p.active);
	for (size_t i = 1; i <= 3; i++)
		ch_progress_step(&p, i);
	ch_progress_end(&p);
	fflush(stderr);
	cr_expect_stderr_eq_str("");
}

Test(progress, label_cut_on_a_character)
{
	ch_progress p;
	char label[200];

	/* 66 three-byte characters: cut below 64 bytes, never mid-character. */
	label[0] = '\0';
	for (int i = 0; i < 66; i++)
		strcat(label, "申");
	ch_progress_start(&p, label, 0);
	cr_expect_eq(strlen(p.label), 63);
	ch_progress_end(&p);
}
