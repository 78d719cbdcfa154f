/* schema.c: content/forms/application.yaml read into the ch_schema tree.
 *
 * Strict on purpose: the schema drives both the form and the batch, so a
 * typo in it (an unknown key, type or check) must stop the build with the
 * file and line rather than silently drop a rule. */
#include "common/schema.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/fsutil.h"
#include "common/text.h"
#include "common/validate.h"
#include "common/yaml.h"

typedef struct loader {
	const char *file;
	json_t *lines; /* JSON pointer -> line, from ch_yaml_parse_lines */
	ch_error *e;
} loader;

#define PTR_MAX 512

/* ptr + "/" + seg into out (PTR_MAX bytes). A pointer too long to hold is
 * cut, which only makes line_at() fall back to a parent's line. */
static void join(char *out, const char *ptr, const char *seg)
{
	int n = snprintf(out, PTR_MAX, "%s/%s", ptr, seg);

	if (n < 0)
		out[0] = '\0';
}

static void join_index(char *out, const char *ptr, size_t i)
{
	char seg[24];

	snprintf(seg, sizeof seg, "%zu", i);
	join(out, ptr, seg);
}

/* The line of the node at JSON pointer `ptr`, or of its nearest parent. */
static int line_at(const loader *l, const char *ptr)
{
	char buf[PTR_MAX];
	json_t *n;
	char *slash;

	snprintf(buf, sizeof buf, "%s", ptr);
	for (;;) {
		n = json_object_get(l->lines, buf);
		if (n)
			return (int)json_integer_value(n);
		slash = strrchr(buf, '/');
		if (!slash)
			return 0;
		*slash = '\0';
	}
}

static int fail_at(const loader *l, const char *ptr, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail_at(const loader *l, const char *ptr, const char *fmt, ...)
{
	char msg[900];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof msg)
		ch_utf8_cut_tail(msg); /* a quoted Chinese key cut in half */
	return ch_fail(l->e, l->file, line_at(l, ptr), "%s", msg);
}

/* Refuses any key of obj not in the NULL-terminated list `allowed`. */
static int only_keys(const loader *l, const char *ptr, json_t *obj,
                     const char *const *allowed, const char *what)
{
	const char *k;
	json_t *v;
	char p[PTR_MAX];

	json_object_foreach(obj, k, v) {
		const char *const *a;
		for (a = allowed; *a; a++)
			if (!strcmp(*a, k))
				break;
		if (!*a) {
			join(p, ptr, k);
			return fail_at(l, p, "unknown key '%s' in %s", k, what);
		}
	}
	return 0;
}

/* A string member: copied into *out (NULL when absent and optional). */
static int get_str(const loader *l, const char *ptr, json_t *obj,
                   const char *key, int required, char **out)
{
	json_t *v = json_object_get(obj, key);
	char p[PTR_MAX];

	*out = NULL;
	join(p, ptr, key);
	if (!v || json_is_null(v)) {
		if (required)
			return fail_at(l, ptr, "missing '%s'", key);
		return 0;
	}
	if (!json_is_string(v))
		return fail_at(l, p, "'%s' must be a string", key);
	if (required && !json_string_length(v))
		return fail_at(l, p, "'%s' must not be empty", key);
	*out = strdup(json_string_value(v));
	if (!*out)
		return ch_fail(l->e, l->file, 0, "out of memory");
	return 0;
}

static int get_long(const loader *l, const char *ptr, json_t *obj,
                    const char *key, int *has, long *out)
{
	json_t *v = json_object_get(obj, key);
	char p[PTR_MAX];

	if (has)
		*has = 0;
	if (!v)
		return 0;
	join(p, ptr, key);
	if (!json_is_integer(v))
		return fail_at(l, p, "'%s' must be an integer", key);
	*out = (long)json_integer_value(v);
	if (has)
		*has = 1;
	return 0;
}

/* required_when: and a document's when: {field: KEY, equals: VALUE}. */
static int get_when(const loader *l, const char *ptr, json_t *obj,
                    const char *key, char **field, char **equals)
{
	static const char *const keys[] = {"field", "equals", NULL};
	json_t *v = json_object_get(obj, key);
	char p[PTR_MAX];

	*field = *equals = NULL;
	if (!v)
		return 0;
	join(p, ptr, key);
	if (!json_is_object(v))
		return fail_at(l, p, "'%s' must be a mapping {field, equals}", key);
	if (only_keys(l, p, v, keys, key) < 0 ||
	    get_str(l, p, v, "field", 1, field) < 0 ||
	    get_str(l, p, v, "equals", 1, equals) < 0)
		return -1;
	return 0;
}

static const struct {
	const char *name;
	ch_ftype type;
	const char *const *keys; /* what this type adds to the common keys */
} types[] = {
	{"group", CH_F_GROUP, (const char *const[]){"fields", NULL}},
	{"list", CH_F_LIST, (const char *const[]){"item", "min_items", "max_items",
	                                          "add_label", "remove_label",
	                                          "item_label", NULL}},
	{"string", CH_F_STRING, (const char *const[]){"check", "min_length",
	                                              "max_length", NULL}},
	{"integer", CH_F_INTEGER, (const char *const[]){"min", "max", "widget", NULL}},
	{"enum", CH_F_ENUM, (const char *const[]){"values", NULL}},
	{"region", CH_F_REGION, (const char *const[]){NULL}},
};

static const char *const common_keys[] = {"key", "type", "label", "help",
                                          "required", "required_when", NULL};

static int load_fields(const loader *l, const char *ptr, json_t *arr,
                       const char *what, ch_field **out, size_t *n);

static void free_fields(ch_field *f, size_t n);

/* The keys a field may carry: the common ones and its type's. */
static int field_keys(const loader *l, const char *ptr, json_t *obj, size_t t)
{
	const char *k;
	json_t *v;
	char p[PTR_MAX];

	json_object_foreach(obj, k, v) {
		int ok = 0;
		for (const char *const *a = common_keys; *a && !ok; a++)
			ok = !strcmp(*a, k);
		for (const char *const *a = types[t].keys; *a && !ok; a++)
			ok = !strcmp(*a, k);
		if (!ok) {
			join(p, ptr, k);
			return fail_at(l, p, "unknown key '%s' in a %s field", k,
			               types[t].name);
		}
	}
	return 0;
}

static int load_values(const loader *l, const char *ptr, json_t *obj,
                       ch_field *f)
{
	static const char *const keys[] = {"value", "label", NULL};
	json_t *arr = json_object_get(obj, "values"), *v;
	char p[PTR_MAX];
	size_t i;

	join(p, ptr, "values");
	if (!json_is_array(arr) || !json_array_size(arr))
		return fail_at(l, arr ? p : ptr, "an enum needs a non-empty list 'values'");
	f->values = calloc(json_array_size(arr), sizeof *f->values);
	if (!f->values)
		return ch_fail(l->e, l->file, 0, "out of memory");
	json_array_foreach(arr, i, v) {
		char q[PTR_MAX];
		join_index(q, p, i);
		if (!json_is_object(v))
			return fail_at(l, q, "each value must be a mapping {value, label}");
		if (only_keys(l, q, v, keys, "an enum value") < 0)
			return -1;
		f->nvalues++;
		if (get_str(l, q, v, "value", 1, &f->values[i].value) < 0 ||
		    get_str(l, q, v, "label", 1, &f->values[i].label) < 0)
			return -1;
	}
	return 0;
}

/* The index in types[] of the field's type, or -1 (reported). */
static int field_type(const loader *l, const char *ptr, const char *type,
                      const char *key)
{
	char p[PTR_MAX];

	for (size_t t = 0; t < sizeof types / sizeof types[0]; t++)
		if (!strcmp(types[t].name, type))
			return (int)t;
	join(p, ptr, "type");
	return fail_at(l, p, "unknown field type '%s' (field '%s')", type, key);
}

/* The field's texts, key by key (the label required). */
static int field_texts(const loader *l, const char *ptr, json_t *obj,
                       ch_field *f)
{
	static const char *const keys[] = {"label", "help", "widget", "check",
		"add_label", "remove_label", "item_label"};
	char **strs[] = {&f->label, &f->help, &f->widget, &f->check,
	                 &f->add_label, &f->remove_label, &f->item_label};

	if (!json_object_get(obj, "label"))
		return fail_at(l, ptr, "field '%s' has no label", f->key);
	for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
		if (get_str(l, ptr, obj, keys[i], i == 0, strs[i]) < 0)
			return -1;
	return 0;
}

/* The field's bounds, key by key, each minimum not above its maximum. */
static int field_bounds(const loader *l, const char *ptr, json_t *obj,
                        ch_field *f)
{
	/* In pairs, each a minimum and its maximum. */
	static const char *const num_keys[] = {"min", "max", "min_length",
		"max_length", "min_items", "max_items"};
	long *nums[] = {&f->min, &f->max, &f->min_length, &f->max_length,
	                &f->min_items, &f->max_items};
	int *has[] = {&f->has_min, &f->has_max, NULL, NULL, NULL, NULL};

	for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++)
		if (get_long(l, ptr, obj, num_keys[i], has[i], nums[i]) < 0)
			return -1;
	for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i += 2) {
		int set_lo = has[i] ? *has[i] : *nums[i] >= 0;
		int set_hi = has[i + 1] ? *has[i + 1] : *nums[i + 1] >= 0;
		if (set_lo && set_hi && *nums[i] > *nums[i + 1])
			return fail_at(l, ptr, "field '%s' has a minimum above its "
			               "maximum", f->key);
	}
	return 0;
}

/* The settings that name something: a widget, a check, required. */
static int field_names(const loader *l, const char *ptr, json_t *obj,
                       ch_field *f)
{
	json_t *req = json_object_get(obj, "required");
	char p[PTR_MAX];

	if (f->widget && strcmp(f->widget, "years") != 0) {
		join(p, ptr, "widget");
		return fail_at(l, p, "unknown widget '%s'", f->widget);
	}
	if (f->check && !ch_check_known(f->check)) {
		join(p, ptr, "check");
		return fail_at(l, p, "unknown check '%s' (field '%s')", f->check,
		               f->key);
	}
	if (req && !json_is_boolean(req)) {
		join(p, ptr, "required");
		return fail_at(l, p, "'required' must be true or false");
	}
	f->required = json_is_true(req);
	return get_when(l, ptr, obj, "required_when", &f->required_when_field,
	                &f->required_when_equals);
}

/* What a field holds: an enum's values, a group's fields, a list's
 * item. */
static int field_content(const loader *l, const char *ptr, json_t *obj,
                         const char *type, ch_field *f)
{
	const char *name = f->type == CH_F_GROUP ? "fields" : "item";
	json_t *sub;
	char p[PTR_MAX];

	if (f->type == CH_F_ENUM)
		return load_values(l, ptr, obj, f);
	if (f->type != CH_F_GROUP && f->type != CH_F_LIST)
		return 0;
	sub = json_object_get(obj, name);
	if (!sub)
		return fail_at(l, ptr, "%s '%s' needs '%s'", type, f->key, name);
	join(p, ptr, name);
	return load_fields(l, p, sub, f->key, &f->fields, &f->nfields);
}

static int load_field(const loader *l, const char *ptr, json_t *obj,
                      ch_field *f)
{
	char *type = NULL;
	int t, rc = -1;

	f->min_length = f->max_length = f->min_items = f->max_items = -1;
	if (!json_is_object(obj))
		return fail_at(l, ptr, "a field must be a mapping");
	if (get_str(l, ptr, obj, "key", 1, &f->key) < 0 ||
	    get_str(l, ptr, obj, "type", 1, &type) < 0 ||
	    (t = field_type(l, ptr, type, f->key)) < 0)
		goto out;
	f->type = types[t].type;
	if (field_keys(l, ptr, obj, (size_t)t) < 0 ||
	    field_texts(l, ptr, obj, f) < 0 ||
	    field_names(l, ptr, obj, f) < 0 ||
	    field_bounds(l, ptr, obj, f) < 0 ||
	    field_content(l, ptr, obj, type, f) < 0)
		goto out;
	rc = 0;
out:
	free(type);
	return rc;
}

/* A required_when must name a sibling, or it could never apply. */
static int check_siblings(const loader *l, const char *ptr, ch_field *v,
                          size_t n)
{
	char p[PTR_MAX];

	for (size_t i = 0; i < n; i++) {
		int found = 0;
		for (size_t j = 0; j < i; j++) {
			if (!strcmp(v[i].key, v[j].key)) {
				snprintf(p, sizeof p, "%s/%zu/key", ptr, i);
				return fail_at(l, p, "field '%s' appears twice", v[i].key);
			}
		}
		if (!v[i].required_when_field)
			continue;
		for (size_t j = 0; j < n; j++)
			found |= j != i && !strcmp(v[j].key, v[i].required_when_field);
		if (!found) {
			snprintf(p, sizeof p, "%s/%zu/required_when", ptr, i);
			return fail_at(l, p, "required_when names '%s', not a sibling field",
			               v[i].required_when_field);
		}
	}
	return 0;
}

static int load_fields(const loader *l, const char *ptr, json_t *arr,
                       const char *what, ch_field **out, size_t *n)
{
	json_t *v;
	size_t i;
	char p[PTR_MAX];

	*out = NULL;
	*n = 0;
	if (!json_is_array(arr) || !json_array_size(arr))
		return fail_at(l, ptr, "'%s' needs a non-empty list of fields", what);
	*out = calloc(json_array_size(arr), sizeof **out);
	if (!*out)
		return ch_fail(l->e, l->file, 0, "out of memory");
	json_array_foreach(arr, i, v) {
		join_index(p, ptr, i);
		(*n)++; /* counted first, so that a half-read field is freed */
		if (load_field(l, p, v, &(*out)[i]) < 0)
			return -1;
	}
	return check_siblings(l, ptr, *out, *n);
}

static int top_field(const ch_schema *s, const char *key)
{
	for (size_t i = 0; i < s->nfields; i++)
		if (!strcmp(s->fields[i].key, key))
			return 1;
	return 0;
}

static int load_docs(const loader *l, json_t *arr, ch_schema *s)
{
	static const char *const keys[] = {"kind", "label", "needed", "when", "help", NULL};
	static const char *const needed[] = {"always", "per_person", "optional", NULL};
	json_t *v;
	size_t i;
	char p[PTR_MAX];

	if (!json_is_array(arr) || !json_array_size(arr))
		return fail_at(l, "/documents", "'documents' needs a non-empty list");
	s->docs = calloc(json_array_size(arr), sizeof *s->docs);
	if (!s->docs)
		return ch_fail(l->e, l->file, 0, "out of memory");
	json_array_foreach(arr, i, v) {
		ch_doc_kind *d = &s->docs[i];
		const char *const *a;

		snprintf(p, sizeof p, "/documents/%zu", i);
		if (!json_is_object(v))
			return fail_at(l, p, "a document must be a mapping");
		s->ndocs++;
		if (only_keys(l, p, v, keys, "a document") < 0 ||
		    get_str(l, p, v, "kind", 1, &d->kind) < 0 ||
		    get_str(l, p, v, "label", 1, &d->label) < 0 ||
		    get_str(l, p, v, "needed", 1, &d->needed) < 0 ||
		    get_str(l, p, v, "help", 0, &d->help) < 0 ||
		    get_when(l, p, v, "when", &d->when_field, &d->when_equals) < 0)
			return -1;
		for (a = needed; *a && strcmp(*a, d->needed); a++)
			;
		if (!*a) {
			snprintf(p, sizeof p, "/documents/%zu/needed", i);
			return fail_at(l, p, "unknown 'needed' value '%s'", d->needed);
		}
		if (d->when_field && !top_field(s, d->when_field)) {
			snprintf(p, sizeof p, "/documents/%zu/when", i);
			return fail_at(l, p, "'when' names '%s', not a top-level field",
			               d->when_field);
		}
		for (size_t j = 0; j < i; j++)
			if (!strcmp(s->docs[j].kind, d->kind))
				return fail_at(l, p, "document kind '%s' appears twice", d->kind);
	}
	return 0;
}

static int load_doc_rules(const loader *l, json_t *obj, ch_schema *s)
{
	static const char *const keys[] = {"types", "min_image_side", NULL};
	json_t *types_v, *v;
	size_t i;
	char p[PTR_MAX];

	s->min_image_side = 0;
	if (!obj)
		return 0;
	if (!json_is_object(obj))
		return fail_at(l, "/document_rules", "'document_rules' must be a mapping");
	if (only_keys(l, "/document_rules", obj, keys, "document_rules") < 0 ||
	    get_long(l, "/document_rules", obj, "min_image_side", NULL,
	             &s->min_image_side) < 0)
		return -1;
	types_v = json_object_get(obj, "types");
	if (!types_v)
		return 0;
	if (!json_is_array(types_v))
		return fail_at(l, "/document_rules/types", "'types' must be a list");
	json_array_foreach(types_v, i, v) {
		const char *t = json_string_value(v);
		snprintf(p, sizeof p, "/document_rules/types/%zu", i);
		/* The batch judges exactly these three by content. */
		if (!t || (strcmp(t, "pdf") && strcmp(t, "jpeg") && strcmp(t, "png")))
			return fail_at(l, p, "unknown document type (pdf, jpeg or png)");
	}
	return 0;
}

static int load_rules(const loader *l, json_t *arr, ch_schema *s)
{
	json_t *v;
	size_t i;
	char p[PTR_MAX];

	if (!arr)
		return 0;
	if (!json_is_array(arr))
		return fail_at(l, "/rules", "'rules' must be a list");
	s->rules = calloc(json_array_size(arr) + 1, sizeof *s->rules);
	if (!s->rules)
		return ch_fail(l->e, l->file, 0, "out of memory");
	json_array_foreach(arr, i, v) {
		const char *r = json_string_value(v);
		snprintf(p, sizeof p, "/rules/%zu", i);
		/* Each rule is code in common/form.c and site/assets/form.js. */
		if (!r || (strcmp(r, "no_certificate") && strcmp(r, "duplicate_person")))
			return fail_at(l, p, "unknown rule '%s'", r ? r : "(not a string)");
		s->rules[i] = strdup(r);
		if (!s->rules[i])
			return ch_fail(l->e, l->file, 0, "out of memory");
		s->nrules++;
	}
	return 0;
}

static int load_messages(const loader *l, json_t *obj, ch_schema *s)
{
	const char *k;
	json_t *v;
	char p[PTR_MAX];

	if (!json_is_object(obj))
		return fail_at(l, obj ? "/messages" : "", "'messages' must be a mapping of code to text");
	json_object_foreach(obj, k, v) {
		const char *dot = strchr(k, '.');

		if (!json_is_string(v)) {
			snprintf(p, sizeof p, "/messages/%s", k);
			return fail_at(l, p, "message '%s' must be a string", k);
		}
		/* A variant without its code's own message is a typo: it
		 * would never be used. */
		if (dot && !json_object_getn(obj, k, (size_t)(dot - k))) {
			snprintf(p, sizeof p, "/messages/%s", k);
			return fail_at(l, p, "message variant '%s' has no message '%.*s'",
			               k, (int)(dot - k), k);
		}
	}
	s->messages = json_incref(obj);
	return 0;
}

int ch_schema_load(const char *text, size_t len, const char *file,
                   ch_schema **out, ch_error *e)
{
	static const char *const keys[] = {"id", "format", "title", "max_bytes",
	                                   "fields", "documents", "document_rules",
	                                   "rules", "messages", NULL};
	loader l = {file, NULL, e};
	json_t *root;
	ch_schema *s = NULL;
	int has_max = 0;

	*out = NULL;
	root = ch_yaml_parse_lines(text, len, file, 1, &l.lines, e);
	if (!root)
		return -1;
	if (!json_is_object(root)) {
		fail_at(&l, "", "the schema must be a mapping");
		goto fail;
	}
	s = calloc(1, sizeof *s);
	if (!s) {
		ch_fail(e, file, 0, "out of memory");
		goto fail;
	}
	if (only_keys(&l, "", root, keys, "the schema") < 0 ||
	    get_str(&l, "", root, "id", 1, &s->id) < 0 ||
	    get_str(&l, "", root, "format", 1, &s->format) < 0 ||
	    get_str(&l, "", root, "title", 1, &s->title) < 0 ||
	    get_long(&l, "", root, "max_bytes", &has_max, &s->max_bytes) < 0)
		goto fail;
	if (!has_max || s->max_bytes <= 0) {
		fail_at(&l, "/max_bytes", "'max_bytes' must be a positive integer");
		goto fail;
	}
	if (load_fields(&l, "/fields", json_object_get(root, "fields"), "fields",
	                &s->fields, &s->nfields) < 0 ||
	    load_docs(&l, json_object_get(root, "documents"), s) < 0 ||
	    load_doc_rules(&l, json_object_get(root, "document_rules"), s) < 0 ||
	    load_rules(&l, json_object_get(root, "rules"), s) < 0 ||
	    load_messages(&l, json_object_get(root, "messages"), s) < 0)
		goto fail;
	s->raw = root;
	json_decref(l.lines);
	*out = s;
	return 0;
fail:
	ch_schema_free(s);
	json_decref(root);
	json_decref(l.lines);
	return -1;
}

static void free_fields(ch_field *f, size_t n)
{
	if (!f)
		return;
	for (size_t i = 0; i < n; i++) {
		free(f[i].key);
		free(f[i].label);
		free(f[i].help);
		free(f[i].widget);
		free(f[i].check);
		free(f[i].add_label);
		free(f[i].remove_label);
		free(f[i].item_label);
		free(f[i].required_when_field);
		free(f[i].required_when_equals);
		for (size_t j = 0; j < f[i].nvalues; j++) {
			free(f[i].values[j].value);
			free(f[i].values[j].label);
		}
		free(f[i].values);
		free_fields(f[i].fields, f[i].nfields);
	}
	free(f);
}

void ch_schema_free(ch_schema *s)
{
	if (!s)
		return;
	free(s->id);
	free(s->format);
	free(s->title);
	free_fields(s->fields, s->nfields);
	for (size_t i = 0; i < s->ndocs; i++) {
		free(s->docs[i].kind);
		free(s->docs[i].label);
		free(s->docs[i].needed);
		free(s->docs[i].when_field);
		free(s->docs[i].when_equals);
		free(s->docs[i].help);
	}
	free(s->docs);
	for (size_t i = 0; i < s->nrules; i++)
		free(s->rules[i]);
	free(s->rules);
	json_decref(s->messages);
	json_decref(s->raw);
	free(s);
}

const char *ch_schema_message(const ch_schema *s, const char *code)
{
	const char *m = s ? json_string_value(json_object_get(s->messages, code)) : NULL;

	return m ? m : code;
}

const ch_field *ch_schema_field(const ch_schema *s, const char *path)
{
	const ch_field *v = s->fields, *found = NULL;
	size_t n = s->nfields;
	const char *p = path;

	while (*p) {
		size_t len = strcspn(p, ".[");
		found = NULL;
		for (size_t i = 0; i < n; i++) {
			if (strlen(v[i].key) == len && !strncmp(v[i].key, p, len)) {
				found = &v[i];
				break;
			}
		}
		if (!found)
			return NULL;
		p += len;
		/* "personal[1]": an index names an item of the list, whose
		 * fields are the list's. */
		if (*p == '[') {
			p = strchr(p, ']');
			if (!p)
				return NULL;
			p++;
		}
		if (*p == '.')
			p++;
		else if (*p)
			return NULL;
		v = found->fields;
		n = found->nfields;
		if (*p && !n)
			return NULL;
	}
	return found;
}

int ch_schema_load_file(const char *path, size_t max, ch_schema **out,
                        ch_error *e)
{
	char *text = NULL;
	size_t len;
	int rc = -1;

	if (ch_read_file(path, max, &text, &len, e) < 0)
		goto out;
	rc = ch_schema_load(text, len, path, out, e);
out:
	free(text);
	return rc;
}
