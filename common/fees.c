/* fees.c: the fee schedule (content/fees.yaml) and the amount due. */
#include "common/fees.h"

#include <stdio.h>
#include <string.h>

#include "common/yaml.h"

static int line_of(json_t *lines, const char *ptr)
{
	return (int)json_integer_value(json_object_get(lines, ptr));
}

/* One price list: exactly the keys 1..5, each a price in fen >= 0. */
static int load_prices(json_t *root, json_t *lines, const char *key,
                       const char *file, long prices[6], ch_error *e)
{
	json_t *m = json_object_get(root, key), *v;
	const char *k;
	char ptr[64];

	snprintf(ptr, sizeof ptr, "/%s", key);
	if (!json_is_object(m))
		return ch_fail(e, file, m ? line_of(lines, ptr) : 0,
		               "'%s' must map the years 1 to 5 to a price in fen", key);
	json_object_foreach(m, k, v) {
		if (strlen(k) != 1 || k[0] < '1' || k[0] > '5') {
			snprintf(ptr, sizeof ptr, "/%s/%.8s", key, k);
			return ch_fail(e, file, line_of(lines, ptr),
			               "'%s' has a key '%s'; years are 1 to 5", key, k);
		}
	}
	for (int y = 1; y <= 5; y++) {
		char yk[2] = {(char)('0' + y), '\0'};
		v = json_object_get(m, yk);
		if (!v) {
			snprintf(ptr, sizeof ptr, "/%s", key);
			return ch_fail(e, file, line_of(lines, ptr),
			               "'%s' has no price for %d years", key, y);
		}
		snprintf(ptr, sizeof ptr, "/%s/%d", key, y);
		/* Prices are integer fen: a float would invite rounding. */
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			return ch_fail(e, file, line_of(lines, ptr),
			               "'%s' %d: the price must be whole fen (an integer >= 0)",
			               key, y);
		prices[y] = (long)json_integer_value(v);
	}
	return 0;
}

int ch_fees_load(const char *text, size_t len, const char *file,
                 ch_fees *out, ch_error *e)
{
	json_t *lines = NULL, *root, *ex;
	const char *k;
	json_t *v;
	int rc = -1;
	char ptr[64];

	memset(out, 0, sizeof *out);
	root = ch_yaml_parse_lines(text, len, file, 1, &lines, e);
	if (!root)
		return -1;
	if (!json_is_object(root)) {
		ch_fail(e, file, 0, "the fee schedule must be a mapping");
		goto out;
	}
	json_object_foreach(root, k, v) {
		if (strcmp(k, "example") && strcmp(k, "organization") &&
		    strcmp(k, "personal")) {
			snprintf(ptr, sizeof ptr, "/%.32s", k);
			ch_fail(e, file, line_of(lines, ptr), "unknown key '%s'", k);
			goto out;
		}
	}
	ex = json_object_get(root, "example");
	if (ex && !json_is_boolean(ex)) {
		ch_fail(e, file, line_of(lines, "/example"),
		        "'example' must be true or false");
		goto out;
	}
	out->example = json_is_true(ex);
	if (load_prices(root, lines, "organization", file, out->organization, e) < 0 ||
	    load_prices(root, lines, "personal", file, out->personal, e) < 0)
		goto out;
	rc = 0;
out:
	json_decref(root);
	json_decref(lines);
	return rc;
}

long ch_fees_amount(const ch_fees *fees, json_t *app)
{
	json_t *certs = json_object_get(app, "certificates");
	json_t *years = json_object_get(certs, "organization_years");
	json_t *personal = json_object_get(certs, "personal"), *item;
	long total = 0;
	json_int_t y;
	size_t i;

	if (years) {
		if (!json_is_integer(years))
			return -1;
		y = json_integer_value(years);
		if (y < 0 || y > 5)
			return -1;
		if (y > 0)
			total += fees->organization[y];
	}
	if (personal && !json_is_array(personal))
		return -1;
	json_array_foreach(personal, i, item) {
		json_t *py = json_object_get(item, "years");
		if (!json_is_integer(py))
			return -1;
		y = json_integer_value(py);
		if (y < 1 || y > 5)
			return -1;
		total += fees->personal[y];
	}
	return total;
}
