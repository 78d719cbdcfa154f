/* pipe.h: a program of the configuration started with popen(3), fed one
 * message on its standard input, and its exit status and what it said on
 * standard error collected. The command string is made here from
 * configuration words only, each single-quoted for the shell: nothing of
 * an applicant's ever becomes part of it (it goes in the message). */
#ifndef BATCH_NOTIFY_PIPE_H
#define BATCH_NOTIFY_PIPE_H

#include <stddef.h>

#include "common/buf.h"
#include "common/error.h"

/* argv (NULL-terminated, configuration words) as one shell command with
 * every word quoted. */
int pipe_command(const char *const *argv, ch_buf *out, ch_error *e);

typedef struct pipe_result {
	int status;      /* the exit status, or 128 + signal */
	char said[1024]; /* the start of its standard error, one line per line */
} pipe_result;

/* Runs cmd with data on its standard input; its standard error goes to
 * a file in tmpdir (removed at once) to be read back. SIGPIPE is ignored meanwhile
 * (a program that exits early must not kill the batch: the write fails
 * and its status decides). -1 (e filled) only when it cannot be started
 * at all. */
int pipe_run(const char *cmd, const char *data, size_t n, const char *tmpdir,
             pipe_result *r, ch_error *e);

#endif
