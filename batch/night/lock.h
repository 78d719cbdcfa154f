/* lock.h: one nightly run at a time. The lock is flock(2) on a file
 * beside the database, so the kernel drops it when a run dies however it
 * dies (no stale lock to clean up after a SIGKILL); the file also says
 * which process holds it and since when, for the run that is turned
 * away. */
#ifndef BATCH_NIGHT_LOCK_H
#define BATCH_NIGHT_LOCK_H

#include "common/error.h"

typedef struct night_lock {
	int fd;
} night_lock;

/* 0: held; 1: another run holds it (e says which process and since when);
 * -1: the lock file cannot be used (e filled). */
int night_lock_take(const char *path, night_lock *l, ch_error *e);
void night_lock_release(night_lock *l);

#endif
