/* result.c: one JSON line per bundle (see result.h). */
#include "batch/result.h"

#include <stdlib.h>

int result_emit(FILE *out, const char *file, const char *sha,
                const char *outcome, const char *aid, long revision,
                const char *order_no, const ch_findings *f)
{
	json_t *o = json_object(), *fj = f ? ch_findings_json(f) : json_array();
	char *line = NULL;

	if (!o || !fj) {
		json_decref(o);
		json_decref(fj);
		return -1;
	}
	json_object_set_new(o, "bundle", json_string(file));
	json_object_set_new(o, "sha256", sha ? json_string(sha) : json_null());
	json_object_set_new(o, "outcome", json_string(outcome));
	json_object_set_new(o, "application_id",
	                    aid && *aid ? json_string(aid) : json_null());
	json_object_set_new(o, "revision",
	                    revision > 0 ? json_integer(revision) : json_null());
	json_object_set_new(o, "order_no", order_no && *order_no
	                                       ? json_string(order_no) : json_null());
	json_object_set_new(o, "findings", fj);
	line = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (!line)
		return -1;
	fprintf(out, "%s\n", line);
	fflush(out);
	free(line);
	return 0;
}
