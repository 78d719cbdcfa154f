/* lock.c: the nightly run's lock (see lock.h). */
#include "batch/night/lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "batch/clock.h"

int night_lock_take(const char *path, night_lock *l, ch_error *e)
{
	char line[160], now[32], shown[32];
	ssize_t n;
	int len;

	l->fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (l->fd < 0)
		return ch_fail(e, path, 0, "cannot open the lock file: %s",
		               strerror(errno));
	if (flock(l->fd, LOCK_EX | LOCK_NB) < 0) {
		int busy = errno == EWOULDBLOCK;
		if (!busy) {
			ch_fail(e, path, 0, "cannot lock: %s", strerror(errno));
			goto fail;
		}
		n = pread(l->fd, line, sizeof line - 1, 0);
		line[n > 0 ? n : 0] = 0;
		line[strcspn(line, "\n")] = 0;
		ch_fail(e, path, 0, "another nightly run holds the lock (%s)",
		        line[0] ? line : "process unknown");
		close(l->fd);
		l->fd = -1;
		return 1;
	}
	clock_now(now);
	clock_show(now, shown, sizeof shown);
	len = snprintf(line, sizeof line, "pid %ld since %s Asia/Shanghai\n",
	               (long)getpid(), shown);
	if (ftruncate(l->fd, 0) < 0 || pwrite(l->fd, line, (size_t)len, 0) != len) {
		ch_fail(e, path, 0, "cannot write the lock file: %s",
		        strerror(errno));
		goto fail;
	}
	return 0;
fail:
	close(l->fd);
	l->fd = -1;
	return -1;
}

void night_lock_release(night_lock *l)
{
	if (l->fd >= 0)
		close(l->fd); /* drops the flock */
	l->fd = -1;
}
