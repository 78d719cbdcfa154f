/* quick.h: the quick update, the rebuild an author waits for after
 * saving a page (`build --worktree` into the output of the last such
 * build, as `serve` does on every change).
 *
 * It applies when the work tree differs from what the cache recorded
 * (same commit, same files) only in the bytes of a few ordinary pages,
 * and each of those pages still has the same title, description, order,
 * layout, headings and anchors, and no form: then no other page can
 * show the change. It renders those pages' bodies, checks their links,
 * and puts each new body in place of the old one inside the page's old
 * file (the cache records where the layout put it), rewrites their
 * search parts and packs of bodies, and writes the cache again. Nothing
 * else is read or laid out, so its time does not grow with the site's
 * pages beyond reading the cache and the work tree's stats.
 *
 * Anything else (a heading edited, a page added, a layout changed, a
 * broken link, an output file that is not what the cache says) is left
 * to the full incremental build, which gives the same bytes. */
#ifndef GEN_QUICK_H
#define GEN_QUICK_H

#include <time.h>

#include "common/error.h"
#include "generator/build.h"
#include "generator/cache.h"
#include "generator/repo.h"

/* Updates out_dir from src (read from the work tree with old's hints).
 * Returns 1 when done (stats filled), 0 when the quick update does not
 * apply (nothing was written), -1 on an error (e filled; out_dir
 * untouched). started is when the build began (the cache's time). */
int gen_quick_update(gen_cache *old, gen_source *src, const char *out_dir,
                     const struct timespec *started, gen_build_stats *st,
                     ch_error *e);

#endif
