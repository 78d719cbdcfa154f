/* serve.h: the preview server. Serves a built site folder on a local
 * address with libmicrohttpd and rebuilds it when watched folders change. */
#ifndef GEN_SERVE_H
#define GEN_SERVE_H

#include "common/error.h"

/* Rebuilds the site into the served folder. Returns 0 or -1 with e filled;
 * on failure the old site must still be whole (the build guarantees it). */
typedef int (*gen_rebuild_fn)(void *ctx, ch_error *e);

/* Serves dir on host:port (host NULL -> "127.0.0.1", port 0 -> 8080, else
 * 1 to 65535) until SIGINT or SIGTERM, then returns 0. GET and HEAD only;
 * folders serve their index.html; a missing file serves dir/404.html with
 * status 404; paths leaving dir are refused. Every ~0.5 s the folders of
 * watch (a NULL-terminated list, may be NULL) are scanned by mtime and
 * size; on a change rebuild(ctx) is called (if not NULL), one line is
 * printed on stderr, and a failed rebuild prints its error and keeps
 * serving. */
int gen_serve(const char *dir, const char *host, int port,
              gen_rebuild_fn rebuild, void *ctx, char *const *watch,
              ch_error *e);

#endif
