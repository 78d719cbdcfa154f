/* yaml.c: libyaml's event stream built into a jansson tree.
 *
 * The event API is used rather than libyaml's document API because events
 * carry the line of every node, so that each refusal can name it, and
 * because the tree is built once, straight into the model we keep. */
#include "common/yaml.h"

#include <stdio.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "common/buf.h"

/* Deeper nesting than this is not a schema or front matter but an attack
 * on the stack. */
#define MAX_DEPTH 64

typedef struct reader {
	yaml_parser_t parser;
	const char *file;
	int first_line;
	ch_error *e;
	json_t *lines; /* JSON pointer -> line, or NULL when not wanted */
	ch_buf path;   /* the JSON pointer of the node being built */
} reader;

/* Records the line of the node at the current path, unless its mapping
 * key already did: a member is reported at its key's line. */
static int note_line(reader *r, int line)
{
	json_t *n;

	if (!r->lines || json_object_get(r->lines, r->path.len ? r->path.data : ""))
		return 0;
	if (!ch_buf_ok(&r->path))
		return ch_fail(r->e, r->file, line, "out of memory");
	n = json_integer(line);
	if (!n || json_object_set_new(r->lines, r->path.len ? r->path.data : "", n) < 0)
		return ch_fail(r->e, r->file, line, "out of memory");
	return 0;
}

/* Appends "/seg" to the path, escaped as RFC 6901 says; returns the old
 * length for pop_path(). */
static size_t push_path(reader *r, const char *seg)
{
	size_t old = r->path.len;

	if (!r->lines)
		return old;
	ch_buf_putc(&r->path, '/');
	for (; *seg; seg++) {
		if (*seg == '~')
			ch_buf_puts(&r->path, "~0");
		else if (*seg == '/')
			ch_buf_puts(&r->path, "~1");
		else
			ch_buf_putc(&r->path, *seg);
	}
	return old;
}

static void pop_path(reader *r, size_t old)
{
	if (!r->lines || r->path.failed)
		return;
	r->path.len = old;
	if (r->path.data)
		r->path.data[old] = '\0';
}

static int line_of(const reader *r, yaml_mark_t m)
{
	return r->first_line + (int)m.line;
}

static int next_event(reader *r, yaml_event_t *ev)
{
	if (!yaml_parser_parse(&r->parser, ev)) {
		yaml_mark_t m = r->parser.problem_mark;
		if (r->parser.context)
			return ch_fail(r->e, r->file, line_of(r, m), "YAML: %s %s",
			               r->parser.problem ? r->parser.problem : "error",
			               r->parser.context);
		return ch_fail(r->e, r->file, line_of(r, m), "YAML: %s",
		               r->parser.problem ? r->parser.problem : "error");
	}
	return 0;
}

/* Plain decimal integers only, without leading zeros: "030000" (a
 * postcode) stays the string it looks like. */
static int integer_shaped(const char *s)
{
	const char *p = s;

	if (*p == '-' || *p == '+')
		p++;
	if (!*p)
		return 0;
	if (p[0] == '0' && p[1])
		return 0;
	for (; *p; p++)
		if (*p < '0' || *p > '9')
			return 0;
	return 1;
}

static int word_in(const char *s, const char *const *words)
{
	for (; *words; words++)
		if (!strcmp(s, *words))
			return 1;
	return 0;
}

static json_t *scalar(reader *r, yaml_event_t *ev)
{
	const char *v = (const char *)ev->data.scalar.value;
	size_t n = ev->data.scalar.length;
	const char *tag = (const char *)ev->data.scalar.tag;
	int line = line_of(r, ev->start_mark);
	static const char *const nulls[] = {"~", "null", "Null", "NULL", "", NULL};
	static const char *const trues[] = {"true", "True", "TRUE", NULL};
	static const char *const falses[] = {"false", "False", "FALSE", NULL};
	json_t *j;

	if (tag && strcmp(tag, YAML_STR_TAG) != 0) {
		ch_fail(r->e, r->file, line, "YAML tag %s is not supported", tag);
		return NULL;
	}
	if (strlen(v) != n) {
		ch_fail(r->e, r->file, line, "NUL character in a YAML value");
		return NULL;
	}
	if (!tag && ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
		if (word_in(v, nulls))
			return json_null();
		if (word_in(v, trues))
			return json_true();
		if (word_in(v, falses))
			return json_false();
		if (integer_shaped(v)) {
			long long x;
			errno = 0;
			x = strtoll(v, NULL, 10);
			if (errno == ERANGE) {
				ch_fail(r->e, r->file, line, "integer out of range: %s", v);
				return NULL;
			}
			j = json_integer((json_int_t)x);
			if (!j)
				ch_fail(r->e, r->file, line, "out of memory");
			return j;
		}
	}
	/* jansson refuses invalid UTF-8, but libyaml has checked it already:
	 * a failure here is memory. */
	j = json_stringn(v, n);
	if (!j)
		ch_fail(r->e, r->file, line, "out of memory");
	return j;
}

static json_t *node(reader *r, yaml_event_t *ev, int depth);

static json_t *sequence(reader *r, int depth)
{
	json_t *arr = json_array(), *item;
	yaml_event_t ev;
	size_t index = 0, old;
	char seg[32];

	if (!arr) {
		ch_fail(r->e, r->file, 0, "out of memory");
		return NULL;
	}
	for (;;) {
		if (next_event(r, &ev) < 0)
			goto fail;
		if (ev.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&ev);
			return arr;
		}
		snprintf(seg, sizeof seg, "%zu", index++);
		old = push_path(r, seg);
		item = node(r, &ev, depth + 1);
		pop_path(r, old);
		yaml_event_delete(&ev);
		if (!item)
			goto fail;
		if (json_array_append_new(arr, item) < 0) {
			ch_fail(r->e, r->file, 0, "out of memory");
			goto fail;
		}
	}
fail:
	json_decref(arr);
	return NULL;
}

static json_t *mapping(reader *r, int depth)
{
	json_t *obj = json_object(), *val;
	yaml_event_t ev;
	char *key = NULL;
	int line;
	size_t old;

	if (!obj) {
		ch_fail(r->e, r->file, 0, "out of memory");
		return NULL;
	}
	for (;;) {
		if (next_event(r, &ev) < 0)
			goto fail;
		if (ev.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&ev);
			return obj;
		}
		line = line_of(r, ev.start_mark);
		if (ev.type != YAML_SCALAR_EVENT) {
			yaml_event_delete(&ev);
			ch_fail(r->e, r->file, line, "a mapping key must be a plain string");
			goto fail;
		}
		key = strndup((const char *)ev.data.scalar.value,
		              ev.data.scalar.length);
		/* A "\0" escape in a quoted key would otherwise cut it short
		 * and turn it silently into another key. */
		if (key && strlen(key) != ev.data.scalar.length) {
			yaml_event_delete(&ev);
			ch_fail(r->e, r->file, line, "NUL character in a YAML key");
			goto fail;
		}
		yaml_event_delete(&ev);
		if (!key) {
			ch_fail(r->e, r->file, line, "out of memory");
			goto fail;
		}
		if (json_object_get(obj, key)) {
			ch_fail(r->e, r->file, line, "duplicate key '%s'", key);
			goto fail;
		}
		if (next_event(r, &ev) < 0)
			goto fail;
		old = push_path(r, key);
		val = note_line(r, line) < 0 ? NULL : node(r, &ev, depth + 1);
		pop_path(r, old);
		yaml_event_delete(&ev);
		if (!val)
			goto fail;
		if (json_object_set_new(obj, key, val) < 0) {
			ch_fail(r->e, r->file, line, "out of memory");
			goto fail;
		}
		free(key);
		key = NULL;
	}
fail:
	free(key);
	json_decref(obj);
	return NULL;
}

/* Builds the node that event ev starts; the caller deletes ev. */
static json_t *node(reader *r, yaml_event_t *ev, int depth)
{
	int line = line_of(r, ev->start_mark);

	if (depth > MAX_DEPTH) {
		ch_fail(r->e, r->file, line, "YAML nested too deeply");
		return NULL;
	}
	if (note_line(r, line) < 0)
		return NULL;
	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		ch_fail(r->e, r->file, line, "YAML aliases are not supported");
		return NULL;
	case YAML_SCALAR_EVENT:
		if (ev->data.scalar.anchor)
			break;
		return scalar(r, ev);
	case YAML_SEQUENCE_START_EVENT:
		if (ev->data.sequence_start.anchor)
			break;
		return sequence(r, depth);
	case YAML_MAPPING_START_EVENT:
		if (ev->data.mapping_start.anchor)
			break;
		return mapping(r, depth);
	default:
		ch_fail(r->e, r->file, line, "unexpected YAML event");
		return NULL;
	}
	ch_fail(r->e, r->file, line, "YAML anchors are not supported");
	return NULL;
}

/* Expects the event of type t and drops it. */
static int expect(reader *r, yaml_event_type_t t, const char *what)
{
	yaml_event_t ev;
	int ok;

	if (next_event(r, &ev) < 0)
		return -1;
	ok = ev.type == t;
	if (!ok)
		ch_fail(r->e, r->file, line_of(r, ev.start_mark), "%s", what);
	yaml_event_delete(&ev);
	return ok ? 0 : -1;
}

json_t *ch_yaml_parse(const char *text, size_t len, const char *file,
                      int first_line, ch_error *e)
{
	return ch_yaml_parse_lines(text, len, file, first_line, NULL, e);
}

json_t *ch_yaml_parse_lines(const char *text, size_t len, const char *file,
                            int first_line, json_t **lines, ch_error *e)
{
	reader r;
	yaml_event_t ev;
	json_t *root = NULL;
	int have_event = 0;

	memset(&r, 0, sizeof r);
	r.file = file;
	r.first_line = first_line;
	r.e = e;
	if (lines) {
		*lines = NULL;
		r.lines = json_object();
		if (!r.lines) {
			ch_fail(e, file, 0, "out of memory");
			return NULL;
		}
	}
	if (!yaml_parser_initialize(&r.parser)) {
		json_decref(r.lines);
		ch_fail(e, file, 0, "out of memory");
		return NULL;
	}
	yaml_parser_set_input_string(&r.parser, (const unsigned char *)text, len);
	yaml_parser_set_encoding(&r.parser, YAML_UTF8_ENCODING);
	if (expect(&r, YAML_STREAM_START_EVENT, "not a YAML stream") < 0)
		goto fail;
	if (next_event(&r, &ev) < 0)
		goto fail;
	have_event = 1;
	if (ev.type == YAML_STREAM_END_EVENT) {
		/* Nothing but comments: an empty document. */
		root = json_null();
		goto done;
	}
	if (ev.type != YAML_DOCUMENT_START_EVENT) {
		ch_fail(e, file, line_of(&r, ev.start_mark), "not a YAML document");
		goto fail;
	}
	yaml_event_delete(&ev);
	have_event = 0;
	if (next_event(&r, &ev) < 0)
		goto fail;
	have_event = 1;
	root = node(&r, &ev, 0);
	if (!root)
		goto fail;
	yaml_event_delete(&ev);
	have_event = 0;
	if (expect(&r, YAML_DOCUMENT_END_EVENT, "YAML document not closed") < 0)
		goto fail;
	if (next_event(&r, &ev) < 0)
		goto fail;
	have_event = 1;
	if (ev.type != YAML_STREAM_END_EVENT) {
		ch_fail(e, file, line_of(&r, ev.start_mark),
		        "more than one YAML document");
		goto fail;
	}
done:
	if (have_event)
		yaml_event_delete(&ev);
	yaml_parser_delete(&r.parser);
	ch_buf_free(&r.path);
	if (lines)
		*lines = r.lines;
	return root;
fail:
	if (have_event)
		yaml_event_delete(&ev);
	json_decref(root);
	json_decref(r.lines);
	yaml_parser_delete(&r.parser);
	ch_buf_free(&r.path);
	return NULL;
}

/* Length of the line at p (up to end), without its line break; *next is
 * where the following line starts. */
static size_t line_len(const char *p, const char *end, const char **next)
{
	const char *q = memchr(p, '\n', (size_t)(end - p));
	size_t n;

	if (!q) {
		*next = end;
		n = (size_t)(end - p);
	} else {
		*next = q + 1;
		n = (size_t)(q - p);
	}
	if (n > 0 && p[n - 1] == '\r')
		n--;
	return n;
}

static int is_fence(const char *p, size_t n)
{
	return n == 3 && memcmp(p, "---", 3) == 0;
}

int ch_front_matter(const char *text, size_t len, const char *file,
                    json_t **meta, const char **body, size_t *body_len,
                    int *body_line, ch_error *e)
{
	const char *end = text + len, *p = text, *next, *yaml_start;
	int line = 1;
	size_t n;
	json_t *m;

	*meta = NULL;
	if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	n = line_len(p, end, &next);
	if (!is_fence(p, n) || next == end) {
		m = json_object();
		if (!m)
			return ch_fail(e, file, 0, "out of memory");
		/* A lone "---" is a Markdown rule, not front matter. */
		*meta = m;
		*body = text;
		*body_len = len;
		*body_line = 1;
		return 0;
	}
	p = next;
	line = 2;
	yaml_start = p;
	for (;;) {
		if (p >= end)
			return ch_fail(e, file, 1, "front matter not closed by a '---' line");
		n = line_len(p, end, &next);
		if (is_fence(p, n))
			break;
		p = next;
		line++;
	}
	m = ch_yaml_parse(yaml_start, (size_t)(p - yaml_start), file, 2, e);
	if (!m)
		return -1;
	if (json_is_null(m)) {
		json_decref(m);
		m = json_object();
		if (!m)
			return ch_fail(e, file, 0, "out of memory");
	}
	if (!json_is_object(m)) {
		json_decref(m);
		return ch_fail(e, file, 2, "front matter must be a mapping of keys");
	}
	*meta = m;
	*body = next;
	*body_len = (size_t)(end - next);
	*body_line = line + 1;
	return 0;
}
