/* pipe.c: a configured program fed one message (see pipe.h). */
#include "batch/notify/pipe.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int pipe_command(const char *const *argv, ch_buf *out, ch_error *e)
{
	for (size_t i = 0; argv[i]; i++) {
		if (i)
			ch_buf_putc(out, ' ');
		ch_buf_putc(out, '\'');
		for (const char *p = argv[i]; *p; p++) {
			if (*p == '\n' || *p == '\r')
				return ch_fail(e, NULL, 0,
				               "a configured command word holds a line "
				               "break: '%s'", argv[i]);
			if (*p == '\'')
				ch_buf_puts(out, "'\\''");
			else
				ch_buf_putc(out, *p);
		}
		ch_buf_putc(out, '\'');
	}
	if (!ch_buf_ok(out))
		return ch_fail(e, NULL, 0, "out of memory");
	return 0;
}

/* What the program wrote on standard error, from the temporary file that
 * was its fd 2, as one line of text. */
static void collect(int fd, pipe_result *r)
{
	ssize_t n;

	r->said[0] = 0;
	if (lseek(fd, 0, SEEK_SET) < 0)
		return;
	n = read(fd, r->said, sizeof r->said - 1);
	if (n <= 0)
		return;
	r->said[n] = 0;
	for (char *p = r->said; *p; p++)
		if (*p == '\r' || *p == '\t' || (unsigned char)*p < 0x20)
			*p = *p == '\n' ? '\n' : ' ';
	while (n > 0 && r->said[n - 1] == '\n')
		r->said[--n] = 0;
}

int pipe_run(const char *cmd, const char *data, size_t n, const char *tmpdir,
             pipe_result *r, ch_error *e)
{
	char tmp[4096];
	struct sigaction ign, old;
	int errfd = -1, saved = -1, rc = -1, status;
	FILE *p = NULL;

	memset(r, 0, sizeof *r);
	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &ign, &old);
	/* The child inherits our fd 2: point it at a private file for the
	 * time of popen, so that its messages can be kept in the outbox row
	 * without a redirection in the command string. */
	if ((size_t)snprintf(tmp, sizeof tmp, "%s/.stderr-XXXXXX", tmpdir) >=
	    sizeof tmp) {
		ch_fail(e, tmpdir, 0, "the folder's name is too long");
		goto out;
	}
	errfd = mkstemp(tmp);
	if (errfd < 0) {
		ch_fail(e, tmp, 0, "cannot create a temporary file: %s",
		        strerror(errno));
		goto out;
	}
	unlink(tmp);
	fflush(stderr);
	saved = dup(2);
	if (saved < 0 || dup2(errfd, 2) < 0) {
		ch_fail(e, NULL, 0, "cannot redirect standard error: %s",
		        strerror(errno));
		goto out;
	}
	p = popen(cmd, "w");
	dup2(saved, 2);
	if (!p) {
		ch_fail(e, NULL, 0, "cannot start '%s': %s", cmd, strerror(errno));
		goto out;
	}
	/* A short write means the program stopped reading: its status says
	 * why, so the write's own error is not ours to report. */
	if (n)
		(void)!fwrite(data, 1, n, p);
	status = pclose(p);
	p = NULL;
	if (status == -1) {
		ch_fail(e, NULL, 0, "cannot wait for '%s': %s", cmd, strerror(errno));
		goto out;
	}
	r->status = WIFEXITED(status) ? WEXITSTATUS(status)
	            : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	collect(errfd, r);
	rc = 0;
out:
	if (p)
		pclose(p);
	if (saved >= 0)
		close(saved);
	if (errfd >= 0)
		close(errfd);
	sigaction(SIGPIPE, &old, NULL);
	return rc;
}
