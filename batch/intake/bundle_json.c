/* bundle_json.c: a bare application.json checked as in a bundle (see
 * bundle_check_json in bundle.h): read up to one byte past the schema's
 * limit, no more, then parsed and validated by common/form.c. */
#include "batch/intake/bundle.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/form.h"
#include "common/fsutil.h"

size_t bundle_json_max(const ch_schema *schema)
{
	return schema && schema->max_bytes > 0 ? (size_t)schema->max_bytes
	                                       : 256 * 1024;
}

int bundle_check_json(const char *path, const ch_schema *schema, long today,
                      json_t **app, ch_findings *f, ch_error *e)
{
	size_t cap = bundle_json_max(schema) + 1;
	char *data = NULL;
	size_t len = 0;
	int fd, rc = -1;

	*app = NULL;
	fd = ch_open_input(path, NULL, e);
	if (fd < 0)
		return -1;
	data = malloc(cap);
	if (!data) {
		ch_fail(e, path, 0, "out of memory");
		goto out;
	}
	/* One byte past the limit is enough for the parser to refuse it. */
	while (len < cap) {
		ssize_t n = read(fd, data + len, cap - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ch_fail(e, path, 0, "cannot read: %s", strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (ch_form_parse(schema, data, len, app, f) < 0 ||
	    (*app && ch_form_validate(schema, *app, today, f) < 0)) {
		ch_fail(e, path, 0, "out of memory");
		goto out;
	}
	rc = 0;
out:
	if (rc < 0 && *app) {
		json_decref(*app);
		*app = NULL;
	}
	free(data);
	close(fd);
	return rc;
}
