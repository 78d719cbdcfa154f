/* config.c: embedded defaults and the YAML configuration file. */
#include "batch/config.h"

#include <stdlib.h>
#include <string.h>

#include "common/fsutil.h"
#include "common/yaml.h"

#define CONFIG_MAX_BYTES (1u << 20)

/* What is needed to name a line in an error. */
typedef struct where {
	const char *file;
	json_t *lines;
} where;

static int line_at(const where *w, const char *pointer)
{
	return (int)json_integer_value(json_object_get(w->lines, pointer));
}

static int set_str(char **dst, const char *s)
{
	char *d = strdup(s);

	if (!d)
		return -1;
	free(*dst);
	*dst = d;
	return 0;
}

static int defaults(batch_config *c, ch_error *e)
{
	memset(c, 0, sizeof *c);
	bundle_limits_default(&c->limits);
	if (set_str(&c->database, "var/certhall.db") < 0 ||
	    set_str(&c->store, "var/store") < 0 ||
	    set_str(&c->inbox, "var/inbox") < 0 ||
	    set_str(&c->done, "var/done") < 0 ||
	    set_str(&c->rejected, "var/rejected") < 0 ||
	    set_str(&c->content, "content") < 0 ||
	    set_str(&c->outbox, "var/outbox") < 0 ||
	    set_str(&c->reports, "var/reports") < 0 ||
	    set_str(&c->statements, "var/statements") < 0)
		return ch_fail(e, NULL, 0, "out of memory");
	return 0;
}

static int want_object(const where *w, json_t *v, const char *ptr,
                       const char *name, ch_error *e)
{
	if (!json_is_object(v))
		return ch_fail(e, w->file, line_at(w, ptr), "'%s' must be a mapping",
		               name);
	return 0;
}

/* A key of the paths or limits section and where its value goes: a
 * path (a non-empty string) or a limit (a positive integer). */
typedef struct key_slot {
	const char *key;
	char **path;
	uint64_t *limit;
} key_slot;

/* Reads the section's mapping o into the slots, which name every key the
 * section accepts, in the order its error lists them. */
static int read_slots(const where *w, json_t *o, const char *section,
                      const key_slot *slots, size_t n, ch_error *e)
{
	const char *k;
	json_t *v;
	char ptr[300], known[200];
	size_t used = 0;

	snprintf(ptr, sizeof ptr, "/%s", section);
	if (want_object(w, o, ptr, section, e) < 0)
		return -1;
	known[0] = '\0';
	for (size_t i = 0; i < n && used < sizeof known; i++)
		used += (size_t)snprintf(known + used, sizeof known - used, "%s%s",
		                         i ? ", " : "", slots[i].key);
	json_object_foreach(o, k, v) {
		const key_slot *s = NULL;
		snprintf(ptr, sizeof ptr, "/%s/%s", section, k);
		for (size_t i = 0; i < n && !s; i++)
			if (!strcmp(k, slots[i].key))
				s = &slots[i];
		if (!s)
			return ch_fail(e, w->file, line_at(w, ptr),
			               "unknown key '%s.%s' (known: %s)", section, k,
			               known);
		if (s->path) {
			if (!json_is_string(v) || !json_string_length(v))
				return ch_fail(e, w->file, line_at(w, ptr),
				               "'%s.%s' must be a non-empty path", section, k);
			if (set_str(s->path, json_string_value(v)) < 0)
				return ch_fail(e, w->file, 0, "out of memory");
		} else {
			if (!json_is_integer(v) || json_integer_value(v) < 1)
				return ch_fail(e, w->file, line_at(w, ptr),
				               "'%s.%s' must be a positive integer", section,
				               k);
			*s->limit = (uint64_t)json_integer_value(v);
		}
	}
	return 0;
}

static int read_paths(const where *w, json_t *o, batch_config *c, ch_error *e)
{
	const key_slot slots[] = {
		{"database", &c->database, NULL}, {"store", &c->store, NULL},
		{"inbox", &c->inbox, NULL},       {"done", &c->done, NULL},
		{"rejected", &c->rejected, NULL}, {"content", &c->content, NULL},
		{"outbox", &c->outbox, NULL},     {"reports", &c->reports, NULL},
		{"statements", &c->statements, NULL},
	};

	return read_slots(w, o, "paths", slots, sizeof slots / sizeof slots[0], e);
}

static int read_limits(const where *w, json_t *o, batch_config *c, ch_error *e)
{
	bundle_limits *l = &c->limits;
	const key_slot slots[] = {
		{"bundle_bytes", NULL, &l->max_bundle_bytes},
		{"entries", NULL, &l->max_entries},
		{"entry_bytes", NULL, &l->max_entry_bytes},
		{"total_bytes", NULL, &l->max_total_bytes},
		{"ratio", NULL, &l->max_ratio},
	};

	return read_slots(w, o, "limits", slots, sizeof slots / sizeof slots[0],
	                  e);
}

/* organization: {1: fen, ..., 5: fen}; every year 1-5 must be priced. */
static int read_prices(const where *w, json_t *o, const char *name,
                       long prices[6], ch_error *e)
{
	const char *k;
	json_t *v;
	char ptr[300];
	int seen[6] = {0};

	snprintf(ptr, sizeof ptr, "/fees/%s", name);
	if (!json_is_object(o))
		return ch_fail(e, w->file, line_at(w, ptr),
		               "'fees.%s' must map years 1-5 to fen", name);
	json_object_foreach(o, k, v) {
		snprintf(ptr, sizeof ptr, "/fees/%s/%s", name, k);
		if (strlen(k) != 1 || k[0] < '1' || k[0] > '5')
			return ch_fail(e, w->file, line_at(w, ptr),
			               "unknown key 'fees.%s.%s' (years are 1-5)", name, k);
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			return ch_fail(e, w->file, line_at(w, ptr),
			               "'fees.%s.%s' must be a whole number of fen "
			               "(分), 0 or more", name, k);
		prices[k[0] - '0'] = (long)json_integer_value(v);
		seen[k[0] - '0'] = 1;
	}
	for (int y = 1; y <= 5; y++)
		if (!seen[y]) {
			snprintf(ptr, sizeof ptr, "/fees/%s", name);
			return ch_fail(e, w->file, line_at(w, ptr),
			               "'fees.%s' has no price for %d year(s)", name, y);
		}
	return 0;
}

static int read_fees(const where *w, json_t *o, batch_config *c, ch_error *e)
{
	const char *k;
	json_t *v;
	char ptr[300];

	if (want_object(w, o, "/fees", "fees", e) < 0)
		return -1;
	memset(&c->fees, 0, sizeof c->fees);
	json_object_foreach(o, k, v) {
		snprintf(ptr, sizeof ptr, "/fees/%s", k);
		if (!strcmp(k, "example")) {
			if (!json_is_boolean(v))
				return ch_fail(e, w->file, line_at(w, ptr),
				               "'fees.example' must be true or false");
			c->fees.example = json_is_true(v);
		} else if (strcmp(k, "organization") && strcmp(k, "personal")) {
			return ch_fail(e, w->file, line_at(w, ptr),
			               "unknown key 'fees.%s' (known: example, "
			               "organization, personal)", k);
		}
	}
	if (read_prices(w, json_object_get(o, "organization"), "organization",
	                c->fees.organization, e) < 0 ||
	    read_prices(w, json_object_get(o, "personal"), "personal",
	                c->fees.personal, e) < 0)
		return -1;
	c->has_fees = 1;
	return 0;
}

static int read_root(const where *w, json_t *root, batch_config *c, ch_error *e)
{
	const char *k;
	json_t *v;
	char ptr[300];

	if (json_is_null(root))
		return 0; /* an empty file: all defaults */
	if (want_object(w, root, "", "the configuration", e) < 0)
		return -1;
	json_object_foreach(root, k, v) {
		snprintf(ptr, sizeof ptr, "/%s", k);
		if (!strcmp(k, "paths")) {
			if (read_paths(w, v, c, e) < 0)
				return -1;
		} else if (!strcmp(k, "limits")) {
			if (read_limits(w, v, c, e) < 0)
				return -1;
		} else if (!strcmp(k, "fees")) {
			if (read_fees(w, v, c, e) < 0)
				return -1;
		} else if (!strcmp(k, "mail") || !strcmp(k, "sms")) {
			/* Kept as written for the notification step, which
			 * checks its own keys. */
			if (want_object(w, v, ptr, k, e) < 0)
				return -1;
			json_t **slot = k[0] == 'm' ? &c->mail : &c->sms;
			json_decref(*slot);
			*slot = json_incref(v);
		} else {
			return ch_fail(e, w->file, line_at(w, ptr),
			               "unknown key '%s' (known: paths, limits, fees, "
			               "mail, sms)", k);
		}
	}
	return 0;
}

int config_load(const char *path, batch_config *c, ch_error *e)
{
	char *text = NULL;
	size_t len = 0;
	json_t *root = NULL, *lines = NULL;
	where w;
	int rc = -1;

	if (defaults(c, e) < 0)
		goto out;
	if (!path) {
		path = getenv("CERTHALL_CONFIG");
		if (path && !*path)
			path = NULL;
	}
	if (!path) {
		rc = 0;
		goto out;
	}
	if (set_str(&c->file, path) < 0) {
		ch_fail(e, path, 0, "out of memory");
		goto out;
	}
	if (ch_read_file(path, CONFIG_MAX_BYTES, &text, &len, e) < 0)
		goto out;
	root = ch_yaml_parse_lines(text, len, path, 1, &lines, e);
	if (!root)
		goto out;
	w.file = path;
	w.lines = lines;
	rc = read_root(&w, root, c, e);
out:
	free(text);
	json_decref(root);
	json_decref(lines);
	if (rc < 0)
		config_free(c);
	return rc;
}

void config_free(batch_config *c)
{
	free(c->file);
	free(c->database);
	free(c->store);
	free(c->inbox);
	free(c->done);
	free(c->rejected);
	free(c->outbox);
	free(c->reports);
	free(c->statements);
	free(c->content);
	json_decref(c->mail);
	json_decref(c->sms);
	memset(c, 0, sizeof *c);
}
