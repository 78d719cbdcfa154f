/* parallel.h: a loop over [0, n) cut into contiguous runs, one per
 * thread, for work whose items are independent (reading many blobs,
 * parsing many pages). The first run goes on the calling thread. Errors
 * stay deterministic: each run stops at its first failing item, and the
 * error reported is that of the lowest failing run, so it is the first
 * failing item in order, as a loop on one thread would report. Owns
 * nothing beyond the call. */
#ifndef CH_PARALLEL_H
#define CH_PARALLEL_H

#include <stddef.h>

#include "common/error.h"

/* Does items [begin, end) of ctx; 0, or -1 with e filled. Called from
 * several threads at once: it may touch only what belongs to its items
 * and thread-safe state. */
typedef int (*ch_run_fn)(void *ctx, size_t begin, size_t end, ch_error *e);

/* The most threads a build uses. */
#define CH_PARALLEL_MAX 4

/* How many threads to use for n items:
 * CERTHALL_JOBS, else the online cores, at most CH_PARALLEL_MAX; 1 when
 * n is below min_items (one costs more than it saves). */
unsigned ch_parallel_threads(size_t n, size_t min_items);

/* Runs fn over [0, n) on up to threads threads (1: on this thread
 * only). A thread that cannot be made leaves its run to this one.
 *
 * What runs on these threads (generator/repo.c's blob reading,
 * generator/site.c's page reading, generator/build.c's laying out of
 * pages) uses each library only in the way its documentation calls
 * thread-safe, and nothing else in the program relies on threads:
 * - libgit2 (docs/threading.md): objects are not shared between
 *   threads; a run that reads blobs opens a git_repository of its own,
 *   and the laying out reads none (the sources it needs are read first).
 * - cmark: a document (and its parser) belongs to the one thread that
 *   parses that page; the library keeps no mutable global state.
 * - jansson ("Thread safety" in its API reference): no value is used by
 *   two threads. Each run makes its own (a page's data); values made
 *   before the threads start are used by one run only (each part of the
 *   site its own copy of the site's settings, the form's schema by the
 *   form's page) or after the join; the hash seed, the one global, is
 *   set by main first. */
int ch_parallel_for(size_t n, unsigned threads, ch_run_fn fn, void *ctx,
                    ch_error *e);

#endif
