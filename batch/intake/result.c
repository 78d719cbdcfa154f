/* result.c: one JSON line per bundle (see result.h). */
#include "batch/intake/result.h"

#include <stdlib.h>
#include <string.h>

#include "batch/intake/zipnames.h"
#include "common/text.h"

char *result_utf8_name(const char *file)
{
	size_t n = strlen(file);
	char *s;

	if (ch_utf8_valid(file, n))
		return strdup(file);
	/* A name made on a Chinese Windows is GB18030 (GBK) more often than
	 * not; anything else keeps its bad bytes visible as \xNN. */
	s = ch_gb18030_to_utf8(file, n);
	return s ? s : zname_printable(file, n);
}

/* Sets k to v (taking v); -1 when v is NULL or the set fails. */
static int set(json_t *o, const char *k, json_t *v)
{
	return v ? json_object_set_new(o, k, v) : -1;
}

int result_emit(FILE *out, const char *file, const char *sha,
                const char *outcome, const char *aid, long revision,
                const char *order_no, const ch_findings *f)
{
	json_t *o = json_object(), *fj = f ? ch_findings_json(f) : json_array();
	char *name = file ? result_utf8_name(file) : NULL;
	char *line = NULL;
	int rc = -1;

	if (!o || !fj || !name)
		goto out;
	if (set(o, "bundle", json_string(name)) < 0 ||
	    set(o, "sha256", sha && *sha ? json_string(sha) : json_null()) < 0 ||
	    set(o, "outcome", json_string(outcome)) < 0 ||
	    set(o, "application_id",
	        aid && *aid ? json_string(aid) : json_null()) < 0 ||
	    set(o, "revision",
	        revision > 0 ? json_integer(revision) : json_null()) < 0 ||
	    set(o, "order_no", order_no && *order_no ? json_string(order_no)
	                                              : json_null()) < 0)
		goto out;
	rc = set(o, "findings", fj);
	fj = NULL; /* taken by the set, whatever it returned */
	if (rc < 0)
		goto out;
	rc = -1;
	line = json_dumps(o, JSON_COMPACT);
	if (!line)
		goto out;
	if (fprintf(out, "%s\n", line) < 0 || fflush(out) != 0)
		goto out;
	rc = 0;
out:
	free(line);
	free(name);
	json_decref(fj);
	json_decref(o);
	return rc;
}
