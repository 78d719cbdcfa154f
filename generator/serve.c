/* serve.c: the preview server (see serve.h). libmicrohttpd answers
 * requests on its own thread from the files of the built site; the
 * calling thread polls the watched folders and rebuilds. The build
 * replaces the site folder only when the new one is complete, so the
 * server never needs to pause while a rebuild runs. */
#include "generator/serve.h"

#include <errno.h>
#include <fcntl.h>
#include <fts.h>
#include <limits.h>
#include <microhttpd.h>
#include <netdb.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"

#define DEFAULT_HOST "127.0.0.1"
#define DEFAULT_PORT 8080
#define POLL_NS 500000000L

static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static const struct {
	const char *ext;
	const char *type;
} TYPES[] = {
	{".html", "text/html; charset=utf-8"},
	{".css", "text/css; charset=utf-8"},
	{".js", "text/javascript; charset=utf-8"},
	{".mjs", "text/javascript; charset=utf-8"},
	{".json", "application/json"},
	{".xml", "application/xml; charset=utf-8"},
	{".txt", "text/plain; charset=utf-8"},
	{".svg", "image/svg+xml"},
	{".png", "image/png"},
	{".jpg", "image/jpeg"},
	{".jpeg", "image/jpeg"},
	{".gif", "image/gif"},
	{".webp", "image/webp"},
	{".ico", "image/x-icon"},
	{".woff", "font/woff"},
	{".woff2", "font/woff2"},
	{".pdf", "application/pdf"},
	{".zip", "application/zip"},
	{".webmanifest", "application/manifest+json"},
};

static const char *content_type(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *dot = strrchr(slash ? slash : path, '.');
	if (dot)
		for (size_t i = 0; i < sizeof TYPES / sizeof TYPES[0]; i++)
			if (strcasecmp(dot, TYPES[i].ext) == 0)
				return TYPES[i].type;
	return "application/octet-stream";
}

/* A URL path the server will map to a file: absolute, and no segment
 * that is empty, empty-dot, parent or hidden (the generator's cache lives
 * in hidden files). libmicrohttpd has already percent-decoded it, so
 * "%2e%2e" and "..%2f" arrive here as "..". An empty segment is refused
 * because "//host" would come back in a folder redirect as a
 * protocol-relative Location, sending the browser to another host. */
static int safe_url(const char *url)
{
	if (url[0] != '/' || strchr(url, '\\'))
		return 0;
	for (const char *s = url; *s; s++)
		if (s[0] == '/' && (s[1] == '.' || s[1] == '/'))
			return 0;
	return 1;
}

static enum MHD_Result queue(struct MHD_Connection *c, unsigned status,
                             struct MHD_Response *r, const char *type)
{
	if (!r)
		return MHD_NO;
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	if (type)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	/* A preview must show the newest build on every reload. */
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	enum MHD_Result ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result text_reply(struct MHD_Connection *c, unsigned status,
                                  const char *text)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(
		strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
	return queue(c, status, r, "text/plain; charset=utf-8");
}

/* Opens root/rel/suffix if it is a regular file inside root (links
 * resolved); st->st_mode tells a folder inside root from a missing file. */
static int open_inside(const char *root, const char *rel, const char *suffix,
                       struct stat *st)
{
	char joined[PATH_MAX], real[PATH_MAX];
	size_t rl = strlen(root);
	st->st_mode = 0;
	if ((size_t)snprintf(joined, sizeof joined, "%s%s%s", root, rel,
	                     suffix) >= sizeof joined ||
	    !realpath(joined, real))
		return -1;
	if (strncmp(real, root, rl) != 0 || (real[rl] != '/' && real[rl]))
		return -1;
	int fd = open(real, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && (fstat(fd, st) < 0 || !S_ISREG(st->st_mode))) {
		close(fd);
		return -1;
	}
	return fd;
}

static enum MHD_Result file_reply(struct MHD_Connection *c, unsigned status,
                                  int fd, const struct stat *st,
                                  const char *name)
{
	struct MHD_Response *r =
		MHD_create_response_from_fd64((uint64_t)st->st_size, fd);
	if (!r) {
		close(fd);
		return MHD_NO;
	}
	return queue(c, status, r, content_type(name));
}

static enum MHD_Result not_found(struct MHD_Connection *c, const char *root)
{
	struct stat st;
	int fd = open_inside(root, "/404.html", "", &st);
	if (fd >= 0)
		return file_reply(c, MHD_HTTP_NOT_FOUND, fd, &st, "404.html");
	return text_reply(c, MHD_HTTP_NOT_FOUND, "404 not found\n");
}

/* A folder asked for without its trailing slash: relative links inside
 * its index.html only work from "/folder/", so send the browser there.
 * The location is re-encoded: the decoded url must not reach a header. */
static enum MHD_Result redirect_to_folder(struct MHD_Connection *c,
                                          const char *url)
{
	ch_buf loc = CH_BUF_INIT;
	for (const unsigned char *s = (const unsigned char *)url; *s; s++) {
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || strchr("-._~/", *s))
			ch_buf_putc(&loc, (char)*s);
		else
			ch_buf_printf(&loc, "%%%02X", *s);
	}
	ch_buf_putc(&loc, '/');
	enum MHD_Result ret = MHD_NO;
	if (ch_buf_ok(&loc)) {
		struct MHD_Response *r = MHD_create_response_from_buffer(
			0, NULL, MHD_RESPMEM_PERSISTENT);
		if (r) {
			MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION,
			                        loc.data);
			ret = queue(c, MHD_HTTP_MOVED_PERMANENTLY, r, NULL);
		}
	}
	ch_buf_free(&loc);
	return ret;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c,
                              const char *url, const char *method,
                              const char *version, const char *upload_data,
                              size_t *upload_size, void **con_cls)
{
	const char *const *dir = cls; /* gen_serve's dir */
	char root[PATH_MAX];
	struct stat st;

	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return text_reply(c, MHD_HTTP_METHOD_NOT_ALLOWED,
		                  "method not allowed\n");
	if (!safe_url(url))
		return text_reply(c, MHD_HTTP_FORBIDDEN, "403 forbidden\n");
	/* Resolved per request: a rebuild may have replaced the folder. */
	if (!realpath(*dir, root))
		return text_reply(c, MHD_HTTP_SERVICE_UNAVAILABLE,
		                  "the site is not built yet\n");

	/* A folder serves its index.html. */
	const char *suffix = url[strlen(url) - 1] == '/' ? "index.html" : "";
	int fd = open_inside(root, url, suffix, &st);
	if (fd >= 0)
		return file_reply(c, MHD_HTTP_OK, fd, &st,
		                  suffix[0] ? suffix : url);
	if (S_ISDIR(st.st_mode) && !suffix[0])
		return redirect_to_folder(c, url);
	return not_found(c, root);
}

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;
	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/* A fingerprint of the watched trees: a sum over their entries of a hash
 * of path, size, mtime and mode, so any edit, addition or removal changes
 * it whatever order the walk gives. Hidden names (editor swap files, .git)
 * and backups ending in '~' are left out. */
static uint64_t fingerprint(char *const *watch)
{
	uint64_t sum = 0, count = 0;
	FTS *fts = watch ? fts_open(watch, FTS_PHYSICAL | FTS_NOCHDIR, NULL)
	                 : NULL;
	FTSENT *f;

	if (!fts)
		return 0;
	while ((f = fts_read(fts))) {
		const char *name = f->fts_name;
		if (f->fts_level == 0 || f->fts_info == FTS_DP)
			continue;
		if (name[0] == '.' || name[f->fts_namelen - 1] == '~') {
			fts_set(fts, f, FTS_SKIP);
			continue;
		}
		const struct stat *st = f->fts_statp;
		uint64_t h = mix(1469598103934665603ULL, f->fts_path,
		                 f->fts_pathlen);
		int64_t v[4] = {(int64_t)st->st_size, (int64_t)st->st_mtim.tv_sec,
		                (int64_t)st->st_mtim.tv_nsec, (int64_t)st->st_mode};
		sum += mix(h, v, sizeof v);
		count++;
	}
	fts_close(fts);
	return sum ^ (count * 0x9E3779B97F4A7C15ULL);
}

static int bind_address(const char *host, int port,
                        struct sockaddr_storage *sa, int *ipv6, ch_error *e)
{
	struct addrinfo hints = {0}, *res = NULL;
	char service[8];
	snprintf(service, sizeof service, "%d", port);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_ADDRCONFIG | AI_NUMERICSERV;
	int g = getaddrinfo(host, service, &hints, &res);
	if (g != 0 || !res)
		return ch_fail(e, NULL, 0, "cannot use host '%s': %s", host,
		               gai_strerror(g));
	memset(sa, 0, sizeof *sa);
	memcpy(sa, res->ai_addr, res->ai_addrlen);
	*ipv6 = res->ai_family == AF_INET6;
	freeaddrinfo(res);
	return 0;
}

static void rebuild_now(gen_rebuild_fn rebuild, void *ctx)
{
	struct timespec t0, t1;
	ch_error re = {0};
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int rc = rebuild(ctx, &re);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) +
	              (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (rc == 0) {
		fprintf(stderr, "certhall-site: rebuilt after a change in "
		                "%.2fs\n", secs);
	} else {
		fprintf(stderr, "certhall-site: rebuild failed, still serving "
		                "the previous site:\n");
		ch_error_print(&re, "certhall-site");
	}
}

int gen_serve(const char *dir, const char *host, int port,
              gen_rebuild_fn rebuild, void *ctx, char *const *watch,
              ch_error *e)
{
	struct sockaddr_storage sa;
	struct sigaction act, old_int, old_term, old_pipe;
	struct MHD_Daemon *d = NULL;
	int ipv6 = 0;

	if (!host || !host[0])
		host = DEFAULT_HOST;
	if (port == 0)
		port = DEFAULT_PORT;
	if (bind_address(host, port, &sa, &ipv6, e) < 0)
		return -1;

	stop_requested = 0;
	memset(&act, 0, sizeof act);
	act.sa_handler = on_stop_signal;
	sigemptyset(&act.sa_mask);
	/* No SA_RESTART: the signal should cut the poll's sleep short. */
	sigaction(SIGINT, &act, &old_int);
	sigaction(SIGTERM, &act, &old_term);
	act.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &act, &old_pipe);

	d = MHD_start_daemon(MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG |
	                     (ipv6 ? MHD_USE_IPv6 : 0),
	                     (uint16_t)port, NULL, NULL, handle, &dir,
	                     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	                     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30,
	                     MHD_OPTION_END);
	if (!d) {
		ch_fail(e, NULL, 0, "cannot listen on %s:%d (%s)", host, port,
		        errno ? strerror(errno) : "address in use?");
		goto out;
	}
	fprintf(stderr, "certhall-site: serving %s at http://%s%s%s:%d/ "
	        "(Ctrl-C stops)\n", dir, ipv6 ? "[" : "", host,
	        ipv6 ? "]" : "", port);

	uint64_t seen = fingerprint(watch);
	while (!stop_requested) {
		struct timespec nap = {0, POLL_NS};
		nanosleep(&nap, NULL);
		if (stop_requested)
			break;
		uint64_t now = fingerprint(watch);
		if (now == seen)
			continue;
		/* Taken before the rebuild, so edits made during it are
		 * caught by the next poll. */
		seen = now;
		if (rebuild)
			rebuild_now(rebuild, ctx);
	}
	fprintf(stderr, "certhall-site: stopped\n");
out:
	if (d)
		MHD_stop_daemon(d);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGPIPE, &old_pipe, NULL);
	return d ? 0 : -1;
}
