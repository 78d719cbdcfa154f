/* ingest.c: the intake run (see ingest.h). */
#include "batch/intake/ingest.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "batch/appid.h"
#include "batch/intake/applicant.h"
#include "batch/db.h"
#include "batch/intake/move.h"
#include "batch/intake/record.h"
#include "batch/intake/result.h"
#include "batch/intake/store.h"
#include "common/fsutil.h"
#include "common/progress.h"
#include "common/termsafe.h"
#include "common/grow.h"
#include "common/sha256.h"

#define PROG "certhall-batch"
#define PROGRESS_FROM 10

typedef struct list {
	char **v;
	size_t n, cap;
} list;

static int list_add(list *l, const char *a, const char *b)
{
	size_t need = strlen(a) + (b ? strlen(b) + 2 : 1);
	char *s;

	if (CH_GROW(l->v, l->n + 1, l->cap) < 0)
		return -1;
	s = malloc(need);
	if (!s)
		return -1;
	if (b)
		snprintf(s, need, "%s/%s", a, b);
	else
		snprintf(s, need, "%s", a);
	l->v[l->n++] = s;
	return 0;
}

static void list_free(list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int is_zip_name(const char *p)
{
	size_t n = strlen(p);
	return n > 4 && !strcasecmp(p + n - 4, ".zip");
}

/* path comes from the inbox, which outsiders name: shown terminal-safe. */
static void note(const char *path, const char *msg)
{
	fputs(PROG ": ", stderr);
	ch_term_fputs(path, stderr);
	fprintf(stderr, ": %s\n", msg);
}

/* A file argument or a folder's regular *.zip files, sorted by name so a
 * run is repeatable. Anything else is reported and left. */
static int collect(const char *arg, list *l, ingest_stats *st, ch_error *e)
{
	struct stat sb;
	DIR *d;
	struct dirent *de;
	size_t first = l->n;

	if (lstat(arg, &sb) < 0)
		return ch_fail(e, arg, 0, "cannot read: %s", strerror(errno));
	if (S_ISREG(sb.st_mode)) {
		if (!is_zip_name(arg)) {
			note(arg, "not a .zip file, left where it is");
			st->skipped++;
			return 0;
		}
		return list_add(l, arg, NULL) < 0 ? ch_fail(e, arg, 0, "out of memory") : 0;
	}
	if (!S_ISDIR(sb.st_mode)) {
		note(arg, "not a regular file, left where it is");
		st->skipped++;
		return 0;
	}
	d = ch_open_folder(arg, e);
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		char p[4200];
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(p, sizeof p, "%s/%s", arg, de->d_name);
		/* Only a look: each bundle is opened by ch_open_input, which
		 * refuses whatever took a listed name's place since. */
		if (fstatat(dirfd(d), de->d_name, &sb, AT_SYMLINK_NOFOLLOW) < 0) {
			note(p, strerror(errno));
			st->skipped++;
			continue;
		}
		if (!S_ISREG(sb.st_mode) || !is_zip_name(de->d_name)) {
			note(p, S_ISREG(sb.st_mode) ? "not a .zip file, left where it is"
			                            : "not a regular file, left where it is");
			st->skipped++;
			continue;
		}
		if (list_add(l, arg, de->d_name) < 0) {
			closedir(d);
			return ch_fail(e, arg, 0, "out of memory");
		}
	}
	closedir(d);
	if (l->n > first)
		qsort(l->v + first, l->n - first, sizeof *l->v, by_name);
	return 0;
}

int ingest_file_sha256(const char *path, uint64_t max, char out[65],
                       ch_error *e)
{
	char buf[65536];
	ch_sha256 h;
	ssize_t r;
	uint64_t size, n = 0;
	int fd = ch_open_input(path, &size, e);

	out[0] = '\0';
	if (fd < 0)
		return -1;
	if (size > max) {
		close(fd);
		return 0;
	}
	ch_sha256_init(&h);
	/* The file may grow after the fstat: never past max. */
	while (n <= max && (r = read(fd, buf, sizeof buf)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			close(fd);
			return ch_fail(e, path, 0, "cannot read: %s", strerror(errno));
		}
		ch_sha256_update(&h, buf, (size_t)r);
		n += (uint64_t)r;
	}
	close(fd);
	if (n <= max)
		ch_sha256_hex(&h, out);
	return 0;
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

/* What a bundle seen before was: 1 and the fields, 0 if never seen. */
typedef struct seen {
	char outcome[16];
	char application_id[64];
	long revision;
	char order_no[32];
} seen;

static int lookup_seen(sqlite3 *db, const char *sha, seen *s, ch_error *e)
{
	sqlite3_stmt *st = NULL;
	int rc = -1, r;

	memset(s, 0, sizeof *s);
	if (db_prepare(db,
	               "SELECT b.outcome, b.application_id, b.revision, a.order_no"
	               " FROM bundles b LEFT JOIN applications a"
	               " ON a.application_id = b.application_id AND b.outcome = 'accepted'"
	               " WHERE b.sha256 = ?", &st, e) < 0)
		return -1;
	if (db_bind(st, "s", sha) < 0)
		r = db_fail(db, e, "database error");
	else
		r = db_step(db, st, e);
	if (r == 0) {
		rc = 0;
	} else if (r == 1) {
		snprintf(s->outcome, sizeof s->outcome, "%s",
		         (const char *)sqlite3_column_text(st, 0));
		if (sqlite3_column_type(st, 1) != SQLITE_NULL)
			snprintf(s->application_id, sizeof s->application_id, "%s",
			         (const char *)sqlite3_column_text(st, 1));
		s->revision = (long)sqlite3_column_int64(st, 2);
		if (sqlite3_column_type(st, 3) != SQLITE_NULL)
			snprintf(s->order_no, sizeof s->order_no, "%s",
			         (const char *)sqlite3_column_text(st, 3));
		rc = 1;
	}
	sqlite3_finalize(st);
	return rc;
}

/* The listed documents of the bundle being read: bundle_open_sink
 * streams each into a temporary file of the store as it inflates it. An
 * accepted bundle's are staged (synced, named after their hash) before its
 * transaction, and published under their content-addressed names only
 * after its commit (store.h): a commit that fails leaves no document that
 * no row names, and a commit that succeeds never names a missing one. A
 * rejected bundle's temporary files are removed. A run that dies leaves
 * at most temporary and staged files, which the next run's recover_store
 * settles against the database and reports. The pending list owns its
 * txs. */
typedef struct pending {
	const char *root;
	store_tx **v;
	size_t n, cap;
} pending;

static int doc_begin(void *ctx, const bundle_entry *en, void **doc,
                     ch_error *e)
{
	pending *p = ctx;

	return store_begin_hashed(p->root, (store_tx **)doc, e);
}

static int doc_write(void *ctx, void *doc, const void *data, size_t n,
                     ch_error *e)
{
	if (store_write(doc, data, n) < 0)
		return store_write_error(doc, e);
	return 0;
}

/* ok: the reader's SHA-256 of exactly the bytes written becomes the
 * document's name (store_begin_hashed). */
static int doc_end(void *ctx, void *doc, const bundle_entry *en, int ok,
                   ch_error *e)
{
	pending *p = ctx;
	store_tx *tx = doc;

	if (!ok) {
		store_abort(tx);
		return 0;
	}
	if (CH_GROW(p->v, p->n + 1, p->cap) < 0) {
		store_abort(tx);
		return ch_fail(e, NULL, 0, "out of memory");
	}
	if (store_finish(tx, en->sha256, NULL, e) < 0)
		return -1;
	p->v[p->n++] = tx;
	return 0;
}

/* Stages every pending document (the bundle is accepted, not yet
 * recorded); they stay pending. */
static int pending_stage(pending *p, ch_error *e)
{
	return store_stage(p->v, p->n, e);
}

/* Publishes every pending document (the bundle was recorded). */
static int pending_publish(pending *p, ch_error *e)
{
	int rc = store_publish(p->v, p->n, e);

	p->n = 0;
	return rc;
}

/* Forgets the pending documents, leaving staged ones for recover_store. */
static void pending_keep(pending *p)
{
	for (size_t i = 0; i < p->n; i++)
		store_release(p->v[i]);
	p->n = 0;
}

/* Removes every pending temporary file (rejected, or failed before
 * staging: no staged file is ever pending here, see settle). */
static void pending_drop(pending *p)
{
	for (size_t i = 0; i < p->n; i++)
		store_abort(p->v[i]);
	p->n = 0;
}

/* store_recover's question: does a row name this document? */
static int referenced(void *ctx, const char *sha, ch_error *e)
{
	sqlite3 *db = ctx;
	sqlite3_stmt *st = NULL;
	int r;

	r = db_row(db, e, &st, "SELECT 1 FROM documents WHERE sha256 = ? LIMIT 1",
	           "s", sha);
	sqlite3_finalize(st);
	return r;
}

/* Settles what a failed or killed run left in the store (store_recover),
 * and says so: each of those files was an applicant's document. */
static int recover_store(const batch_ctx *ctx, sqlite3 *db, ch_error *e)
{
	size_t published, removed;
	char msg[200];

	if (store_recover(ctx->cfg.store, referenced, db, &published, &removed,
	                  e) < 0)
		return -1;
	if (removed) {
		snprintf(msg, sizeof msg, "removed %zu document file(s) that no "
		         "record refers to, left by a run that failed or was "
		         "interrupted", removed);
		note(ctx->cfg.store, msg);
	}
	if (published) {
		snprintf(msg, sizeof msg, "stored %zu recorded document(s) that a "
		         "run which failed or was interrupted had left staged",
		         published);
		note(ctx->cfg.store, msg);
	}
	return 0;
}

typedef struct run {
	batch_ctx *ctx;
	sqlite3 *db;
	FILE *out;
	ingest_stats *st;
} run;

/* After a failed stage or transaction. A staged name is shared by every
 * copy of the same document, one maybe kept for an earlier bundle's
 * record, so staged files are never simply removed: whether a record
 * names them (even a failing COMMIT may have left one) is the
 * database's to say, now, or if it cannot answer, at the next run. */
static void settle(const run *r, pending *docs)
{
	ch_error why;

	pending_keep(docs);
	if (recover_store(r->ctx, r->db, &why) < 0)
		ch_error_print(&why, PROG);
}

static void move_after(const run *r, const char *path, int accepted)
{
	char final[1024];
	ch_error e;

	if (move_into(path, accepted ? r->ctx->cfg.done : r->ctx->cfg.rejected,
	              final, sizeof final, &e) < 0) {
		ch_error_print(&e, PROG);
		r->st->failed++;
	}
}

/* The application a bundle is for, when its form names one usably. */
static void identify(const bundle *b, intake *in)
{
	json_t *id = b ? json_object_get(b->app, "application_id") : NULL;
	json_t *rev = b ? json_object_get(b->app, "revision") : NULL;

	in->application_id = NULL;
	in->revision = 0;
	if (json_is_string(id) && appid_is_canonical(json_string_value(id)) &&
	    json_is_integer(rev) && json_integer_value(rev) >= 1) {
		in->application_id = json_string_value(id);
		in->revision = (long)json_integer_value(rev);
	}
}

/* One bundle. -1 only for a database failure that ends the run. */
static int one(const run *r, const char *path, ch_error *fatal_e)
{
	batch_ctx *ctx = r->ctx;
	ch_findings f = CH_FINDINGS_INIT;
	bundle *b = NULL;
	ch_error e;
	char sha[65];
	seen s;
	intake in;
	pending docs = {ctx->cfg.store, NULL, 0, 0};
	bundle_sink sink = {doc_begin, doc_write, doc_end, &docs};
	int rc = 0, k, unpublished = 0;

	if (bundle_open_sink(path, ctx->schema, &ctx->cfg.limits, 0, &sink, &b,
	                     &f, &e) < 0)
		goto failed;
	if (b)
		memcpy(sha, b->sha256, sizeof sha);
	else if (ingest_file_sha256(path, ctx->cfg.limits.max_bundle_bytes, sha,
	                            &e) < 0)
		goto failed;
	if (!sha[0]) {
		/* Refused on its size unread: no hash to file it under, so
		 * nothing is recorded; the line and rejected/ tell of it. */
		if (result_emit(r->out, base_name(path), NULL, "rejected", NULL, 0,
		                NULL, &f) < 0)
			goto unwritten;
		r->st->rejected++;
		move_after(r, path, 0);
		goto out;
	}
	k = lookup_seen(r->db, sha, &s, &e);
	if (k < 0)
		goto fatal;
	if (k == 1) {
		if (result_emit(r->out, base_name(path), sha, "duplicate",
		                s.application_id, s.revision, s.order_no, NULL) < 0)
			goto unwritten;
		r->st->duplicate++;
		move_after(r, path, !strcmp(s.outcome, "accepted"));
		goto out;
	}
	memset(&in, 0, sizeof in);
	in.file_name = base_name(path);
	in.sha256 = sha;
	in.b = b;
	in.f = &f;
	identify(b, &in);
	if (in.application_id) {
		applicant_verdict v;
		if (applicant_vet(r->db, ctx->schema, in.application_id, in.revision,
		                  b->app, &v, &f, &e) < 0)
			goto fatal;
		in.stale = v.stale;
		in.foreign = v.foreign;
	} else if (b && b->app && !ch_findings_errors(&f)) {
		/* The form check should have caught it; never accept a bundle
		 * that cannot be filed under an application. */
		if (ch_findings_add(&f, ctx->schema, "FORM_TYPE", CH_LEVEL_ERROR,
		                    "application_id", "申请编号", NULL) < 0)
			goto oom;
	}
	in.accepted = b && b->app && in.application_id && !ch_findings_errors(&f);
	if (in.accepted && pending_stage(&docs, &e) < 0) {
		settle(r, &docs);
		goto failed;
	}
	if (!in.accepted)
		pending_drop(&docs);
	if (record_intake(ctx, r->db, &in, &e) < 0) {
		settle(r, &docs);
		goto fatal;
	}
	/* Recorded: a document that cannot be published now stays staged,
	 * and the bundle in the inbox, until the next run stores it. */
	if (in.accepted && pending_publish(&docs, &e) < 0) {
		ch_error_print(&e, PROG);
		unpublished = 1;
	}
	/* The line is what tells the operator the outcome: without it the
	 * bundle stays in the inbox (a later run reports it as a duplicate). */
	if (result_emit(r->out, in.file_name, sha,
	                in.accepted ? "accepted" : "rejected", in.application_id,
	                in.revision, in.order_no, &f) < 0)
		goto unwritten;
	if (in.accepted)
		r->st->accepted++;
	else
		r->st->rejected++;
	if (unpublished)
		r->st->failed++;
	else
		move_after(r, path, in.accepted);
	goto out;
unwritten:
	ch_fail(&e, path, 0, "cannot write its result line: %s", strerror(errno));
	goto fatal;
oom:
	ch_fail(&e, path, 0, "out of memory");
failed:
	ch_error_print(&e, PROG);
	r->st->failed++;
	goto out;
fatal:
	*fatal_e = e;
	rc = -1;
out:
	pending_drop(&docs);
	free(docs.v);
	bundle_close(b);
	ch_findings_free(&f);
	return rc;
}

int ingest_make_folders(const batch_config *c, ch_error *e)
{
	char dbdir[4096], *slash;

	snprintf(dbdir, sizeof dbdir, "%s", c->database);
	slash = strrchr(dbdir, '/');
	if (slash) {
		*slash = '\0';
		if (*dbdir && ch_mkdirs(dbdir, 0700, e) < 0)
			return -1;
	}
	if (store_init(c->store, e) < 0 || ch_mkdirs(c->inbox, 0700, e) < 0 ||
	    ch_mkdirs(c->done, 0700, e) < 0 || ch_mkdirs(c->rejected, 0700, e) < 0)
		return -1;
	return 0;
}

/* One ingest at a time per store: two runs would race for the same
 * bundle. The lock is on the store's folder, so no file is made for it,
 * and the kernel drops it when a run dies. A second run waits. */
static int lock_store(const char *root, int *fd, ch_error *e)
{
	*fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (*fd < 0)
		return ch_fail(e, root, 0, "cannot open: %s", strerror(errno));
	if (flock(*fd, LOCK_EX | LOCK_NB) == 0)
		return 0;
	note(root, "another ingest is running; waiting for it");
	if (flock(*fd, LOCK_EX) == 0)
		return 0;
	close(*fd);
	*fd = -1;
	return ch_fail(e, root, 0, "cannot lock: %s", strerror(errno));
}

int ingest_run(batch_ctx *ctx, sqlite3 *db, char *const *paths, size_t npaths,
               FILE *out, ingest_stats *st, ch_error *e)
{
	int lock = -1;

	list l = {0};
	run r = {ctx, db, out, st};
	ch_progress bar;
	int rc = -1, many;

	memset(st, 0, sizeof *st);
	if (lock_store(ctx->cfg.store, &lock, e) < 0)
		return -1;
	if (recover_store(ctx, db, e) < 0)
		goto out;
	if (npaths == 0) {
		if (collect(ctx->cfg.inbox, &l, st, e) < 0)
			goto out;
	}
	for (size_t i = 0; i < npaths; i++)
		if (collect(paths[i], &l, st, e) < 0)
			goto out;
	/* A bar for a handful of bundles would only flicker. */
	many = l.n >= PROGRESS_FROM;
	if (many)
		ch_progress_start(&bar, "ingest", l.n);
	for (size_t i = 0; i < l.n; i++) {
		if (one(&r, l.v[i], e) < 0) {
			if (many)
				ch_progress_end(&bar);
			goto out;
		}
		if (many)
			ch_progress_step(&bar, i + 1);
	}
	if (many)
		ch_progress_end(&bar);
	rc = 0;
out:
	list_free(&l);
	if (lock >= 0)
		close(lock);
	return rc;
}
