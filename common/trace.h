/* trace.h: phase timings on stderr for finding where a run's time goes,
 * in the manner of git's GIT_TRACE_PERFORMANCE. Off unless the
 * environment sets CERTHALL_TRACE (to anything but "" or "0"); then each
 * ch_trace() prints one line "trace: <phase> <ms since the last mark>
 * ms". Owns no memory; the state is the process's (one build at a time). */
#ifndef CH_TRACE_H
#define CH_TRACE_H

/* Ends the phase named by phase (a static string) and starts the next. */
void ch_trace(const char *phase);

#endif
