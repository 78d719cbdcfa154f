/* findings.c: the list of findings and their Chinese messages. */
#include "common/findings.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/grow.h"
#include "common/schema.h"
#include "common/termsafe.h"
#include "common/text.h"

/* The template with {where}, {label} and {limit} filled; other braces are
 * kept as they are. The values can come from the application (a name, a
 * key, an entry name) and the message goes into a notice, an SMS or a
 * terminal: each character of common/unsafecp.h's list is put as '?'. */
static char *fill(const char *tpl, const char *where, const char *label,
                  const char *limit)
{
	static const struct {
		const char *name;
		size_t len;
	} names[] = {{"{where}", 7}, {"{label}", 7}, {"{limit}", 7}};
	const char *vals[3] = {where, label, limit};
	ch_buf b = CH_BUF_INIT;
	const char *p = tpl;

	while (*p) {
		size_t i;
		for (i = 0; i < 3; i++)
			if (!strncmp(p, names[i].name, names[i].len))
				break;
		if (i < 3) {
			ch_term_buf(&b, vals[i] ? vals[i] : "");
			p += names[i].len;
		} else {
			ch_buf_putc(&b, *p++);
		}
	}
	if (!ch_buf_ok(&b)) {
		ch_buf_free(&b);
		return NULL;
	}
	return ch_buf_detach(&b, NULL);
}

/* A copy of s with each byte that is not part of valid UTF-8 replaced by
 * '?'. `where` can be a ZIP entry name and the message quotes it: one
 * stray byte would make jansson refuse the whole report, so the finding
 * is kept readable instead. NULL only when memory runs out. */
static char *utf8_dup(const char *s)
{
	ch_buf b = CH_BUF_INIT;
	size_t n = strlen(s);

	if (ch_utf8_valid(s, n))
		return strdup(s);
	while (*s) {
		unsigned char c = (unsigned char)*s;
		size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
		if (len > n || !ch_utf8_valid(s, len)) {
			ch_buf_putc(&b, '?');
			len = 1;
		} else {
			ch_buf_append(&b, s, len);
		}
		s += len;
		n -= len;
	}
	if (!ch_buf_ok(&b)) {
		ch_buf_free(&b);
		return NULL;
	}
	return ch_buf_detach(&b, NULL);
}

/* The template of "code.variant" when the schema has one, else code's. */
static const char *template_of(const struct ch_schema *schema,
                               const char *code, const char *variant)
{
	char key[128];
	const char *m;

	if (schema && variant && *variant &&
	    (size_t)snprintf(key, sizeof key, "%s.%s", code, variant) < sizeof key) {
		m = json_string_value(json_object_get(schema->messages, key));
		if (m)
			return m;
	}
	return ch_schema_message(schema, code);
}

int ch_findings_add(ch_findings *f, const struct ch_schema *schema,
                    const char *code, ch_level level, const char *where,
                    const char *label, const char *limit)
{
	return ch_findings_add_as(f, schema, code, NULL, level, where, label,
	                          limit);
}

int ch_findings_add_as(ch_findings *f, const struct ch_schema *schema,
                       const char *code, const char *variant, ch_level level,
                       const char *where, const char *label,
                       const char *limit)
{
	ch_finding x = {NULL, level, NULL, NULL};

	if (CH_GROW(f->v, f->n + 1, f->cap) < 0)
		return -1;
	x.code = utf8_dup(code);
	x.where = utf8_dup(where ? where : "");
	x.message = fill(template_of(schema, code, variant), where, label, limit);
	if (x.message) {
		char *m = utf8_dup(x.message);
		free(x.message);
		x.message = m;
	}
	if (!x.code || !x.where || !x.message) {
		free(x.code);
		free(x.where);
		free(x.message);
		return -1;
	}
	f->v[f->n++] = x;
	return 0;
}

size_t ch_findings_errors(const ch_findings *f)
{
	size_t n = 0;

	for (size_t i = 0; i < f->n; i++)
		n += f->v[i].level == CH_LEVEL_ERROR;
	return n;
}

int ch_findings_has(const ch_findings *f, const char *code)
{
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->v[i].code, code))
			return 1;
	return 0;
}

json_t *ch_findings_json(const ch_findings *f)
{
	json_t *arr = json_array();

	if (!arr)
		return NULL;
	for (size_t i = 0; i < f->n; i++) {
		const ch_finding *x = &f->v[i];
		json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "code", x->code,
		                      "level",
		                      x->level == CH_LEVEL_ERROR ? "error" : "warning",
		                      "where", x->where, "message", x->message);
		/* Every string was made valid UTF-8 when added, so a NULL
		 * here is memory. */
		if (!o || json_array_append_new(arr, o) < 0) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

void ch_findings_free(ch_findings *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].code);
		free(f->v[i].where);
		free(f->v[i].message);
	}
	free(f->v);
	f->v = NULL;
	f->n = f->cap = 0;
}
