/* check.c: the dry run of ingest on one file (see check.h). */
#include "batch/intake/check.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

#include "batch/appid.h"
#include "batch/intake/applicant.h"
#include "batch/intake/bundle.h"
#include "batch/db.h"
#include "batch/intake/ingest.h"
#include "batch/intake/result.h"
#include "common/termsafe.h"

static int is_json_name(const char *p)
{
	size_t n = strlen(p);
	return n > 5 && !strcasecmp(p + n - 5, ".json");
}

/* REVISION_STALE and APPLICANT_MISMATCH against the database, when there
 * is one, judged as ingest judges them (applicant.h). */
static int stale(batch_ctx *ctx, json_t *app, ch_findings *f, ch_error *e)
{
	json_t *id = json_object_get(app, "application_id");
	json_t *rev = json_object_get(app, "revision");
	applicant_verdict v;
	sqlite3 *db = NULL;
	int rc;

	if (!json_is_string(id) || !appid_is_canonical(json_string_value(id)) ||
	    !json_is_integer(rev))
		return 0;
	if (db_open_existing(ctx->cfg.database, &db, e) < 0)
		return -1;
	if (!db)
		return 0;
	rc = applicant_vet(db, ctx->schema, json_string_value(id),
	                   (long)json_integer_value(rev), app, &v, f, e);
	db_close(db);
	return rc;
}

static void human(FILE *out, const char *path, const ch_findings *f)
{
	size_t errors = ch_findings_errors(f);

	for (size_t i = 0; i < f->n; i++) {
		ch_term_fputs(path, out);
		fprintf(out, ": %s %s%s",
		        f->v[i].level == CH_LEVEL_ERROR ? "error" : "warning",
		        f->v[i].code, f->v[i].where[0] ? " " : "");
		ch_term_fputs(f->v[i].where, out);
		fputs(": ", out);
		ch_term_fputs(f->v[i].message, out);
		fputc('\n', out);
	}
	ch_term_fputs(path, out);
	if (errors)
		fprintf(out, ": would be rejected: %zu error(s), %zu warning(s)\n",
		        errors, f->n - errors);
	else
		fprintf(out, ": would be accepted (%zu warning(s))\n", f->n);
}

int check_run(batch_ctx *ctx, const char *path, int as_json, FILE *out,
              size_t *errors, ch_error *e)
{
	ch_findings f = CH_FINDINGS_INIT;
	bundle *b = NULL;
	json_t *app = NULL;
	char sha[65];
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	int rc = -1;

	if (is_json_name(path)) {
		/* Capped at the application.json limit, as in a bundle: a larger
		 * file is a finding, and its hash is left unknown rather than
		 * read to its end (it could be a huge sparse file). */
		if (bundle_check_json(path, ctx->schema, 0, &app, &f, e) < 0 ||
		    ingest_file_sha256(path, bundle_json_max(ctx->schema), sha, e) < 0)
			goto out;
	} else {
		if (bundle_open(path, ctx->schema, &ctx->cfg.limits, 0, &b, &f, e) < 0)
			goto out;
		if (b) {
			memcpy(sha, b->sha256, sizeof sha);
			app = json_incref(b->app);
		} else if (ingest_file_sha256(path, ctx->cfg.limits.max_bundle_bytes,
		                              sha, e) < 0) {
			goto out;
		}
	}
	if (app && stale(ctx, app, &f, e) < 0)
		goto out;
	*errors = ch_findings_errors(&f);
	if (as_json) {
		json_t *id = json_object_get(app, "application_id");
		json_t *rev = json_object_get(app, "revision");
		if (result_emit(out, base, sha, *errors ? "rejected" : "accepted",
		                json_string_value(id),
		                json_is_integer(rev) ? (long)json_integer_value(rev) : 0,
		                NULL, &f) < 0) {
			ch_fail(e, path, 0, "cannot write the result: %s",
			        strerror(errno));
			goto out;
		}
	} else {
		human(out, path, &f);
	}
	rc = 0;
out:
	json_decref(app);
	bundle_close(b);
	ch_findings_free(&f);
	return rc;
}
