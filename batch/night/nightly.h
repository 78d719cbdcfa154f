/* nightly.h: `certhall-batch nightly`: the night's steps in their order
 * (ingest, import the statement folder, reconcile, due, send, report),
 * each committed on its own, under one lock (lock.h). A step that fails
 * is logged and recorded, and the rest still run; the run's exit status
 * then says that something failed. Every run and step is a row of
 * nightly_runs / nightly_steps with its counts, which the nightly report
 * charts over the last 30 nights. Logs go to standard error with a level
 * and the time in Asia/Shanghai; personal numbers in them are masked. */
#ifndef BATCH_NIGHT_NIGHTLY_H
#define BATCH_NIGHT_NIGHTLY_H

#include "batch/context.h"
#include "common/error.h"

/* 0: every step succeeded; 1: a step failed (the others ran);
 * 75 (EX_TEMPFAIL): another run holds the lock; -1: the run could not
 * start at all (e filled). */
int nightly_run(batch_ctx *ctx, ch_error *e);

#endif
