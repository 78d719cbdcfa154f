/* form.c: application.json parsed and checked against the schema.
 *
 * The walk follows the schema, not the document, so that every field the
 * schema knows is checked whether present or not; keys of the document
 * the schema does not know are then reported on their own. Findings carry
 * the JSON path ("certificates.personal[1].id_number") in `where`, for
 * programs, and name the place in Chinese in the message, for people
 * ("第 2 位机构个人证书申请人的身份证号", from the schema's labels), as the
 * browser's copy (site/assets/validate.js) does. */
#include "common/form.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/text.h"
#include "common/unsafecp.h"
#include "common/validate.h"

typedef struct walk {
	const ch_schema *s;
	long today;
	ch_findings *f;
	int oom;
} walk;

/* Labels of the keys that are not form fields (BUNDLE.md's table). */
#define LABEL_FORMAT "格式版本"
#define LABEL_APP_ID "申请编号"
#define LABEL_REVISION "申请版本"
#define LABEL_SUBMITTED "提交时间"
#define LABEL_DOCUMENTS "上传电子资料"
#define LABEL_DOC_KIND "资料类型"
#define LABEL_DOC_FILE "文件名"
#define LABEL_DOC_PERSON "对应申请人"

static void add_as(walk *w, const char *code, const char *variant,
                   const char *where, const char *label, const char *limit)
{
	if (!w->oom && ch_findings_add_as(w->f, w->s, code, variant,
	                                  CH_LEVEL_ERROR, where, label, limit) < 0)
		w->oom = 1;
}

static void add(walk *w, const char *code, const char *where,
                const char *label, const char *limit)
{
	add_as(w, code, NULL, where, label, limit);
}

/* FORM_CHARACTER when s holds a character of common/unsafecp.h's list:
 * a control or bidi character typed or pasted into a value would reach
 * the SMS, the e-mail and the reviewer's screen. Returns 1 then. */
static int bad_chars(walk *w, const char *s, const char *where,
                     const char *label)
{
	uint32_t cp;
	char limit[32];

	if (!ch_text_unsafe(s, &cp))
		return 0;
	if (cp > 0x10FFFF)
		snprintf(limit, sizeof limit, "字节 0x%02X", (unsigned)(cp - 0x110000));
	else
		snprintf(limit, sizeof limit, "U+%04X", (unsigned)cp);
	add(w, "FORM_CHARACTER", where, label, limit);
	return 1;
}

/* A malloc'd printf; NULL (and oom) on failure. */
__attribute__((format(printf, 2, 3)))
static char *str_printf(walk *w, const char *fmt, ...)
{
	ch_buf b = CH_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	ch_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (!ch_buf_ok(&b)) {
		ch_buf_free(&b);
		w->oom = 1;
		return NULL;
	}
	return ch_buf_detach(&b, NULL);
}

/* "path.key", or "key" at the top; malloc'd, NULL (and oom) on failure. */
static char *path_key(walk *w, const char *path, const char *key)
{
	return str_printf(w, "%s%s%s", path, *path ? "." : "", key);
}

static char *path_index(walk *w, const char *path, size_t i)
{
	return str_printf(w, "%s[%zu]", path, i);
}

/* Only spaces (ASCII or ideographic), tabs and line breaks: as good as
 * empty for a required field. */
static int blank(const char *s)
{
	while (*s) {
		if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
			s++;
		else if (!strncmp(s, "\xE3\x80\x80", 3))
			s += 3;
		else
			return 0;
	}
	return 1;
}

/* Absent: missing, null, a blank string or an empty array. */
static int absent(json_t *v)
{
	return !v || json_is_null(v) ||
	       (json_is_string(v) && blank(json_string_value(v))) ||
	       (json_is_array(v) && json_array_size(v) == 0);
}

static int field_known(const ch_field *fields, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(fields[i].key, key))
			return 1;
	return 0;
}

static int in_list(const char *const *list, const char *key)
{
	for (; list && *list; list++)
		if (!strcmp(*list, key))
			return 1;
	return 0;
}

/* FORM_UNKNOWN_KEY for each key of obj that is neither a field nor in
 * `extra`; `in` is the Chinese name of obj ("" at the top). */
static void unknown_keys(walk *w, json_t *obj, const ch_field *fields,
                         size_t n, const char *path, const char *const *extra,
                         const char *in)
{
	const char *k;
	json_t *v;

	json_object_foreach(obj, k, v) {
		char *p;
		if (field_known(fields, n, k) || in_list(extra, k))
			continue;
		p = path_key(w, path, k);
		if (p)
			add_as(w, "FORM_UNKNOWN_KEY", *in ? "in" : NULL, p, k, in);
		free(p);
	}
}

static void range_limit(char *out, size_t n, int has_min, long min,
                        int has_max, long max, const char *unit)
{
	if (has_min && has_max)
		snprintf(out, n, "%ld–%ld%s", min, max, unit);
	else if (has_min)
		snprintf(out, n, "不少于 %ld%s", min, unit);
	else
		snprintf(out, n, "不超过 %ld%s", max, unit);
}

static void check_fields(walk *w, const ch_field *fields, size_t n,
                         json_t *obj, const char *path, const char *place);

/* A choice among given values (radio buttons): the applicant selects it
 * rather than fills it in. */
static int is_choice(const ch_field *fd)
{
	return fd->type == CH_F_ENUM ||
	       (fd->type == CH_F_INTEGER && fd->widget != NULL);
}

static void check_string(walk *w, const ch_field *fd, json_t *v,
                         const char *where, const char *label)
{
	const char *s = json_string_value(v);
	size_t len;
	char limit[96];
	const char *code, *variant;

	if (!s) {
		add(w, "FORM_TYPE", where, label, NULL);
		return;
	}
	if (bad_chars(w, s, where, label))
		return;
	len = ch_utf8_chars(s);
	/* Too short and too long are said as such: "out of 2–100" for one
	 * character reads as if it were too many. */
	if (fd->min_length >= 0 && (long)len < fd->min_length) {
		snprintf(limit, sizeof limit, "至少 %ld 个字符", fd->min_length);
		add_as(w, "FORM_RANGE", "too_short", where, label, limit);
		return;
	}
	if (fd->max_length >= 0 && (long)len > fd->max_length) {
		snprintf(limit, sizeof limit, "最多 %ld 个字符", fd->max_length);
		add_as(w, "FORM_RANGE", "too_long", where, label, limit);
		return;
	}
	if (!fd->check)
		return;
	code = ch_check_value_why(fd->check, s, w->today, &variant);
	if (code) {
		snprintf(limit, sizeof limit, "%zu", len);
		add_as(w, code, variant, where, label, limit);
	}
}

static void check_integer(walk *w, const ch_field *fd, json_t *v,
                          const char *where, const char *label)
{
	json_int_t x;
	char limit[96];

	if (!json_is_integer(v)) {
		add(w, "FORM_TYPE", where, label, NULL);
		return;
	}
	x = json_integer_value(v);
	if ((fd->has_min && x < fd->min) || (fd->has_max && x > fd->max)) {
		range_limit(limit, sizeof limit, fd->has_min, fd->min, fd->has_max,
		            fd->max, "");
		add(w, "FORM_RANGE", where, label, limit);
	}
}

static void check_enum(walk *w, const ch_field *fd, json_t *v,
                       const char *where, const char *label)
{
	const char *s = json_string_value(v);

	if (!s) {
		add(w, "FORM_TYPE", where, label, NULL);
		return;
	}
	if (bad_chars(w, s, where, label))
		return;
	for (size_t i = 0; i < fd->nvalues; i++)
		if (!strcmp(fd->values[i].value, s))
			return;
	add(w, "FORM_ENUM", where, label, NULL);
}

/* Province, city, district: three non-blank strings. */
static void check_region(walk *w, const ch_field *fd, json_t *v,
                         const char *where, const char *label)
{
	json_t *x;
	size_t i;

	if (!json_is_array(v)) {
		add(w, "FORM_TYPE", where, label, NULL);
		return;
	}
	if (json_array_size(v) != 3) {
		add(w, "FORM_RANGE", where, label, "省、市、区 3 项");
		return;
	}
	json_array_foreach(v, i, x) {
		if (!json_is_string(x)) {
			add(w, "FORM_TYPE", where, label, NULL);
			return;
		}
		if (blank(json_string_value(x))) {
			add(w, "FORM_REQUIRED", where, label, NULL);
			return;
		}
		if (bad_chars(w, json_string_value(x), where, label))
			return;
	}
}

/* One item's name: "机构个人证书申请人" for certificates.personal. */
static const char *item_name(const ch_field *list)
{
	return list->item_label ? list->item_label : list->label;
}

static void check_list(walk *w, const ch_field *fd, json_t *v,
                       const char *where, const char *label)
{
	size_t n, i;
	json_t *item;
	char limit[96];

	if (!json_is_array(v)) {
		add(w, "FORM_TYPE", where, label, NULL);
		return;
	}
	n = json_array_size(v);
	if ((fd->min_items >= 0 && (long)n < fd->min_items) ||
	    (fd->max_items >= 0 && (long)n > fd->max_items)) {
		range_limit(limit, sizeof limit, fd->min_items >= 0, fd->min_items,
		            fd->max_items >= 0, fd->max_items, " 项");
		add(w, "FORM_RANGE", where, label, limit);
		return;
	}
	json_array_foreach(v, i, item) {
		char *p = path_index(w, where, i);
		char *name = str_printf(w, "第 %zu 位%s", i + 1, item_name(fd));
		char *place = str_printf(w, "第 %zu 位%s的", i + 1, item_name(fd));

		if (p && name && place) {
			if (!json_is_object(item)) {
				add(w, "FORM_TYPE", p, name, NULL);
			} else {
				unknown_keys(w, item, fd->fields, fd->nfields, p,
				             NULL, name);
				check_fields(w, fd->fields, fd->nfields, item, p,
				             place);
			}
		}
		free(p);
		free(name);
		free(place);
		if (w->oom)
			return;
	}
}

static int required(const ch_field *fd, json_t *obj)
{
	const char *sib;

	if (fd->required)
		return 1;
	if (!fd->required_when_field)
		return 0;
	sib = json_string_value(json_object_get(obj, fd->required_when_field));
	return sib && !strcmp(sib, fd->required_when_equals);
}

/* place: "" or the Chinese words that lead to the field's label, e.g.
 * "第 2 位机构个人证书申请人的". */
static void check_field(walk *w, const ch_field *fd, json_t *obj,
                        const char *where, const char *place)
{
	json_t *v = obj ? json_object_get(obj, fd->key) : NULL;
	char *label = str_printf(w, "%s%s", place, fd->label);

	if (!label)
		return;
	if (fd->type == CH_F_GROUP) {
		/* A missing group is checked as an empty one, so that each of
		 * its required members is named. */
		if (v && !json_is_null(v) && !json_is_object(v)) {
			add(w, "FORM_TYPE", where, label, NULL);
			goto out;
		}
		if (v && json_is_object(v))
			unknown_keys(w, v, fd->fields, fd->nfields, where, NULL,
			             label);
		check_fields(w, fd->fields, fd->nfields,
		             json_is_object(v) ? v : NULL, where, place);
		goto out;
	}
	if (absent(v)) {
		if (required(fd, obj))
			add_as(w, "FORM_REQUIRED", is_choice(fd) ? "choose" : NULL,
			       where, label, NULL);
		goto out;
	}
	switch (fd->type) {
	case CH_F_STRING: check_string(w, fd, v, where, label); break;
	case CH_F_INTEGER: check_integer(w, fd, v, where, label); break;
	case CH_F_ENUM: check_enum(w, fd, v, where, label); break;
	case CH_F_REGION: check_region(w, fd, v, where, label); break;
	case CH_F_LIST: check_list(w, fd, v, where, label); break;
	case CH_F_GROUP: break;
	}
out:
	free(label);
}

static void check_fields(walk *w, const ch_field *fields, size_t n,
                         json_t *obj, const char *path, const char *place)
{
	for (size_t i = 0; i < n && !w->oom; i++) {
		char *p = path_key(w, path, fields[i].key);
		if (!p)
			return;
		check_field(w, &fields[i], obj, p, place);
		free(p);
	}
}

/* 12 Crockford base32 characters (no I, L, O, U) as XXXX-XXXX-XXXX. */
static int app_id_ok(const char *s)
{
	static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

	if (strlen(s) != 14 || s[4] != '-' || s[9] != '-')
		return 0;
	for (int i = 0; i < 14; i++)
		if (i != 4 && i != 9 && !strchr(alphabet, s[i]))
			return 0;
	return 1;
}

static int digits(const char *s, int n, int *out)
{
	*out = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		*out = *out * 10 + (s[i] - '0');
	}
	return 1;
}

/* RFC 3339 date-time: 2026-11-23T14:05:00+08:00, fractions allowed,
 * the offset required (Z or ±hh:mm). */
static int rfc3339_ok(const char *s)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, mo, d, h, mi, sec, oh, om, leap;

	if (strlen(s) < 20 || !digits(s, 4, &y) || s[4] != '-' ||
	    !digits(s + 5, 2, &mo) || s[7] != '-' || !digits(s + 8, 2, &d) ||
	    (s[10] != 'T' && s[10] != 't') || !digits(s + 11, 2, &h) ||
	    s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' ||
	    !digits(s + 17, 2, &sec))
		return 0;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 && !leap) || h > 23 || mi > 59 || sec > 60)
		return 0;
	s += 19;
	if (*s == '.') {
		s++;
		if (*s < '0' || *s > '9')
			return 0;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	if ((*s == 'Z' || *s == 'z') && s[1] == '\0')
		return 1;
	if ((*s != '+' && *s != '-') || strlen(s) != 6 || !digits(s + 1, 2, &oh) ||
	    s[3] != ':' || !digits(s + 4, 2, &om))
		return 0;
	return oh <= 23 && om <= 59;
}

/* application_id, revision and submitted_at. */
static void check_meta(walk *w, json_t *app)
{
	json_t *v = json_object_get(app, "application_id");

	if (absent(v))
		add(w, "FORM_REQUIRED", "application_id", LABEL_APP_ID, NULL);
	else if (json_is_string(v) &&
	         bad_chars(w, json_string_value(v), "application_id", LABEL_APP_ID))
		;
	else if (!json_is_string(v) || !app_id_ok(json_string_value(v)))
		add(w, "FORM_TYPE", "application_id", LABEL_APP_ID, NULL);

	v = json_object_get(app, "revision");
	if (absent(v))
		add(w, "FORM_REQUIRED", "revision", LABEL_REVISION, NULL);
	else if (!json_is_integer(v))
		add(w, "FORM_TYPE", "revision", LABEL_REVISION, NULL);
	else if (json_integer_value(v) < 1 ||
	         json_integer_value(v) > CH_FORM_MAX_REVISION)
		add(w, "FORM_RANGE", "revision", LABEL_REVISION,
		    "1 至 " CH_FORM_MAX_REVISION_TEXT);

	v = json_object_get(app, "submitted_at");
	if (absent(v))
		add(w, "FORM_REQUIRED", "submitted_at", LABEL_SUBMITTED, NULL);
	else if (json_is_string(v) &&
	         bad_chars(w, json_string_value(v), "submitted_at", LABEL_SUBMITTED))
		;
	else if (!json_is_string(v) || !rfc3339_ok(json_string_value(v)))
		add(w, "FORM_TYPE", "submitted_at", LABEL_SUBMITTED, NULL);
}

static int has_rule(const ch_schema *s, const char *rule)
{
	for (size_t i = 0; i < s->nrules; i++)
		if (!strcmp(s->rules[i], rule))
			return 1;
	return 0;
}

/* The personal certificates when they are a list, else NULL. */
static json_t *personal_list(json_t *app)
{
	json_t *p = json_object_get(json_object_get(app, "certificates"), "personal");

	return json_is_array(p) ? p : NULL;
}

static void rule_no_certificate(walk *w, json_t *app)
{
	json_t *years = json_object_get(json_object_get(app, "certificates"),
	                                "organization_years");
	json_t *personal = personal_list(app);

	/* A years value of the wrong type is already a FORM_TYPE; whether
	 * anything was applied for cannot be told then. */
	if (years && !json_is_null(years) && !json_is_integer(years))
		return;
	if (json_integer_value(years) >= 1 ||
	    (personal && json_array_size(personal) > 0))
		return;
	add(w, "NO_CERTIFICATE", "certificates", NULL, NULL);
}

/* The ID as compared: folded, 'x' as 'X', surrounding blanks dropped. */
static char *id_key(const char *s)
{
	char *f = ch_fold_fullwidth(s), *a, *b;

	if (!f)
		return NULL;
	for (a = f; *a == ' '; a++)
		;
	b = a + strlen(a);
	while (b > a && b[-1] == ' ')
		b--;
	*b = '\0';
	for (char *p = a; *p; p++)
		if (*p == 'x')
			*p = 'X';
	memmove(f, a, (size_t)(b - a) + 1);
	return f;
}

/* DUPLICATE_PERSON on item i, the same ID number as item j's: the
 * message names both in Chinese, the schema giving the words. */
static void duplicate_found(walk *w, size_t i, size_t j)
{
	const ch_field *list = ch_schema_field(w->s, "certificates.personal");
	const ch_field *id = ch_schema_field(w->s, "certificates.personal[0].id_number");
	char *where = str_printf(w, "certificates.personal[%zu].id_number", i);
	char *label = str_printf(w, "第 %zu 位%s的%s", i + 1,
	                         list ? item_name(list) : "申请人",
	                         id ? id->label : "身份证号");
	char *limit = str_printf(w, "%zu", j + 1);

	if (where && label && limit)
		add(w, "DUPLICATE_PERSON", where, label, limit);
	free(where);
	free(label);
	free(limit);
}

static void rule_duplicate_person(walk *w, json_t *app)
{
	json_t *personal = personal_list(app);
	size_t n = personal ? json_array_size(personal) : 0;
	char **keys;

	if (n < 2)
		return;
	keys = calloc(n, sizeof *keys);
	if (!keys) {
		w->oom = 1;
		return;
	}
	for (size_t i = 0; i < n && !w->oom; i++) {
		const char *id = json_string_value(
			json_object_get(json_array_get(personal, i), "id_number"));
		if (!id || blank(id))
			continue;
		keys[i] = id_key(id);
		if (!keys[i]) {
			w->oom = 1;
			break;
		}
		for (size_t j = 0; j < i; j++) {
			if (keys[j] && !strcmp(keys[j], keys[i])) {
				duplicate_found(w, i, j);
				break;
			}
		}
	}
	for (size_t i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
}

static const ch_doc_kind *doc_kind(const ch_schema *s, const char *kind)
{
	for (size_t i = 0; i < s->ndocs; i++)
		if (!strcmp(s->docs[i].kind, kind))
			return &s->docs[i];
	return NULL;
}

/* Whether a kind's `when` holds (a kind without one always may be used). */
static int doc_applies(const ch_doc_kind *d, json_t *app)
{
	const char *v;

	if (!d->when_field)
		return 1;
	v = json_string_value(json_object_get(app, d->when_field));
	return v && !strcmp(v, d->when_equals);
}

/* A file name as it must match a ZIP entry: no folder; control and bidi
 * characters are FORM_CHARACTER before this; the batch does the rest. */
static int file_name_ok(const char *s)
{
	return !strchr(s, '/') && !strchr(s, '\\');
}

/* One item of documents[]: its own keys and values. `name` is the item's
 * Chinese name ("第 3 份上传电子资料"), `place` the same as a prefix. */
static void check_doc_item(walk *w, json_t *app, json_t *item, const char *p,
                           size_t npersons, const char *name,
                           const char *place)
{
	static const char *const keys[] = {"kind", "file", "person", NULL};
	json_t *kind = json_object_get(item, "kind");
	json_t *file = json_object_get(item, "file");
	json_t *person = json_object_get(item, "person");
	const ch_doc_kind *d = NULL;
	char *q = NULL, *label = NULL;
	char limit[64];

	unknown_keys(w, item, NULL, 0, p, keys, name);
	q = path_key(w, p, "kind");
	label = str_printf(w, "%s%s", place, LABEL_DOC_KIND);
	if (!q || !label)
		goto out;
	if (absent(kind))
		add(w, "FORM_REQUIRED", q, label, NULL);
	else if (!json_is_string(kind))
		add(w, "FORM_TYPE", q, label, NULL);
	else if (bad_chars(w, json_string_value(kind), q, label))
		;
	else if (!(d = doc_kind(w->s, json_string_value(kind))) || !doc_applies(d, app))
		add(w, "FORM_ENUM", q, label, NULL);
	free(q);
	free(label);

	q = path_key(w, p, "file");
	label = str_printf(w, "%s%s", place, LABEL_DOC_FILE);
	if (!q || !label)
		goto out;
	if (absent(file))
		add(w, "FORM_REQUIRED", q, label, NULL);
	else if (!json_is_string(file))
		add(w, "FORM_TYPE", q, label, NULL);
	else if (bad_chars(w, json_string_value(file), q, label))
		;
	else if (!file_name_ok(json_string_value(file)))
		add(w, "FORM_TYPE", q, label, NULL);
	else if (ch_utf8_chars(json_string_value(file)) > 255)
		add_as(w, "FORM_RANGE", "too_long", q, label, "最多 255 个字符");
	free(q);
	free(label);

	q = path_key(w, p, "person");
	label = str_printf(w, "%s%s", place, LABEL_DOC_PERSON);
	if (!q || !label)
		goto out;
	if (d && !strcmp(d->needed, "per_person")) {
		if (absent(person)) {
			add(w, "FORM_REQUIRED", q, label, NULL);
		} else if (!json_is_integer(person)) {
			add(w, "FORM_TYPE", q, label, NULL);
		} else if (json_integer_value(person) < 0 ||
		           (size_t)json_integer_value(person) >= npersons) {
			if (npersons)
				snprintf(limit, sizeof limit, "0–%zu", npersons - 1);
			else
				snprintf(limit, sizeof limit, "未申请机构个人证书");
			add(w, "FORM_RANGE", q, label, limit);
		}
	} else if (person && d) {
		/* Only a per-person document names a person. */
		add_as(w, "FORM_UNKNOWN_KEY", "in", q, "person", name);
	}
out:
	free(q);
	free(label);
}

/* Whether documents[] lists a kind (for person `person`, or any if -1). */
static int listed(json_t *docs, const char *kind, long person)
{
	size_t i;
	json_t *item;

	json_array_foreach(docs, i, item) {
		const char *k = json_string_value(json_object_get(item, "kind"));
		json_t *p = json_object_get(item, "person");
		if (!k || strcmp(k, kind))
			continue;
		if (person < 0 || (json_is_integer(p) && json_integer_value(p) == person))
			return 1;
	}
	return 0;
}

static void doc_missing_person(walk *w, const ch_doc_kind *d, json_t *personal,
                               size_t i)
{
	const char *name = json_string_value(
		json_object_get(json_array_get(personal, i), "name"));
	char where[64];
	ch_buf label = CH_BUF_INIT;

	snprintf(where, sizeof where, "certificates.personal[%zu]", i);
	if (name && !blank(name))
		ch_buf_printf(&label, "%s（%s）", d->label, name);
	else
		ch_buf_printf(&label, "%s（第 %zu 位申请人）", d->label, i + 1);
	if (!ch_buf_ok(&label))
		w->oom = 1;
	else
		add(w, "DOC_MISSING", where, label.data, NULL);
	ch_buf_free(&label);
}

static void check_documents(walk *w, json_t *app)
{
	json_t *docs = json_object_get(app, "documents"), *item, *empty = NULL;
	json_t *personal = personal_list(app);
	size_t npersons = personal ? json_array_size(personal) : 0, i;

	if (docs && !json_is_null(docs) && !json_is_array(docs)) {
		add(w, "FORM_TYPE", "documents", LABEL_DOCUMENTS, NULL);
		return;
	}
	if (!json_is_array(docs)) {
		docs = empty = json_array();
		if (!docs) {
			w->oom = 1;
			return;
		}
	}
	json_array_foreach(docs, i, item) {
		char *p = path_index(w, "documents", i);
		char *name = str_printf(w, "第 %zu 份%s", i + 1, LABEL_DOCUMENTS);
		char *place = str_printf(w, "第 %zu 份%s的", i + 1, LABEL_DOCUMENTS);

		if (p && name && place) {
			if (!json_is_object(item))
				add(w, "FORM_TYPE", p, name, NULL);
			else
				check_doc_item(w, app, item, p, npersons, name, place);
		}
		free(p);
		free(name);
		free(place);
		if (w->oom)
			break;
	}
	for (i = 0; i < w->s->ndocs && !w->oom; i++) {
		const ch_doc_kind *d = &w->s->docs[i];
		if (!doc_applies(d, app))
			continue;
		if (!strcmp(d->needed, "always") && !listed(docs, d->kind, -1))
			add(w, "DOC_MISSING", "documents", d->label, NULL);
		if (!strcmp(d->needed, "per_person"))
			for (size_t k = 0; k < npersons; k++)
				if (!listed(docs, d->kind, (long)k))
					doc_missing_person(w, d, personal, k);
	}
	json_decref(empty);
}

int ch_form_validate(const ch_schema *s, json_t *app, long today,
                     ch_findings *f)
{
	static const char *const extra[] = {"format", "application_id", "revision",
	                                    "submitted_at", "documents", NULL};
	walk w = {s, today, f, 0};
	const char *format;

	if (!json_is_object(app)) {
		add(&w, "FORM_TYPE", "", "application.json", NULL);
		return w.oom ? -1 : 0;
	}
	/* Another format's keys and rules are not ours to judge: say that
	 * much and no more. */
	format = json_string_value(json_object_get(app, "format"));
	if (!format || strcmp(format, s->format)) {
		add(&w, "FORM_FORMAT", "format", LABEL_FORMAT, NULL);
		return w.oom ? -1 : 0;
	}
	unknown_keys(&w, app, s->fields, s->nfields, "", extra, "");
	check_meta(&w, app);
	check_fields(&w, s->fields, s->nfields, app, "", "");
	if (has_rule(s, "no_certificate"))
		rule_no_certificate(&w, app);
	if (has_rule(s, "duplicate_person"))
		rule_duplicate_person(&w, app);
	check_documents(&w, app);
	return w.oom ? -1 : 0;
}

int ch_form_parse(const ch_schema *s, const char *bytes, size_t len,
                  json_t **out, ch_findings *f)
{
	json_error_t err;
	char limit[128];
	json_t *j;

	*out = NULL;
	if (len >= 3 && !memcmp(bytes, "\xEF\xBB\xBF", 3)) {
		bytes += 3;
		len -= 3;
	}
	if (s->max_bytes > 0 && len > (size_t)s->max_bytes) {
		snprintf(limit, sizeof limit, "文件超过 %ld 字节", s->max_bytes);
		goto syntax;
	}
	if (!ch_utf8_valid(bytes, len)) {
		snprintf(limit, sizeof limit, "不是有效的 UTF-8 编码");
		goto syntax;
	}
	j = json_loadb(bytes, len, JSON_REJECT_DUPLICATES, &err);
	if (!j) {
		switch (json_error_code(&err)) {
		case json_error_duplicate_key:
			snprintf(limit, sizeof limit, "第 %d 行有重复的项目", err.line);
			break;
		case json_error_premature_end_of_input:
			snprintf(limit, sizeof limit, "内容不完整");
			break;
		case json_error_out_of_memory:
			return -1;
		default:
			snprintf(limit, sizeof limit, "第 %d 行第 %d 列有语法错误",
			         err.line, err.column);
			break;
		}
		goto syntax;
	}
	*out = j;
	return 0;
syntax:
	return ch_findings_add(f, s, "FORM_SYNTAX", CH_LEVEL_ERROR,
	                       "application.json", NULL, limit);
}
