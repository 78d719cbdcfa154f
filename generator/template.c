/* template.c: parsing templates into a node tree once, rendering it many
 * times. */
#define _GNU_SOURCE /* memmem */
#include "generator/template.h"

#include <stdlib.h>
#include <string.h>

#include "common/grow.h"

enum kind { T_TEXT, T_VAR, T_RAW, T_SECTION, T_INVERTED };

/* A template is the root of its tree of nodes. */
typedef struct gen_tpl {
	enum kind kind;
	char *text; /* T_TEXT: the text; others: the name */
	size_t len;
	struct gen_tpl *kids; /* sections */
	size_t nkids, cap;
} node;

#define MAX_PARTIAL_DEPTH 16
#define MAX_NAME 128

typedef struct parser {
	gen_tpl_loader loader;
	void *ctx;
	ch_error *e;
	int depth;
} parser;

static void node_clear(node *n)
{
	for (size_t i = 0; i < n->nkids; i++)
		node_clear(&n->kids[i]);
	free(n->kids);
	free(n->text);
}

static node *add_kid(node *parent, enum kind k, const char *s, size_t len)
{
	node *n;

	if (CH_GROW(parent->kids, parent->nkids + 1, parent->cap) < 0)
		return NULL;
	n = &parent->kids[parent->nkids];
	*n = (node){k, malloc(len + 1), len, NULL, 0, 0};
	if (!n->text)
		return NULL;
	memcpy(n->text, s, len);
	n->text[len] = '\0';
	parent->nkids++;
	return n;
}

static int line_at(const char *text, const char *p)
{
	int line = 1;
	for (const char *q = text; q < p; q++)
		line += *q == '\n';
	return line;
}

static const char name_chars[] =
	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-";

/* "." or parts of name_chars joined by single dots. */
static int valid_name(const char *s, size_t n)
{
	if (n == 0 || n >= MAX_NAME)
		return 0;
	if (n == 1 && s[0] == '.')
		return 1;
	for (size_t i = 0; i < n; i++)
		if (!(s[i] && strchr(name_chars, s[i])) &&
		    !(s[i] == '.' && i > 0 && i + 1 < n && s[i + 1] != '.'))
			return 0;
	return 1;
}

static void trim(const char **s, size_t *n)
{
	while (*n && (**s == ' ' || **s == '\t'))
		(*s)++, (*n)--;
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

static int parse_into(parser *ps, const char *text, size_t len,
                      const char *file, size_t *pos, node *parent,
                      const char *close);

/* A tag as read: {{name}}, {{{name}}} (triple) or {{<sigil> name}}. */
typedef struct tag {
	const char *open; /* its "{{" in the text */
	const char *name;
	size_t nlen;
	int triple;
	char sigil;       /* '#', '^', '/', '>', '!', '&', or 0 */
} tag;

/* Reads the tag at t->open, moving *pos past it. */
static int read_tag(parser *ps, const char *text, size_t len,
                    const char *file, size_t *pos, tag *t)
{
	const char *end;

	t->triple = t->open + 2 < text + len && t->open[2] == '{';
	t->name = t->open + (t->triple ? 3 : 2);
	end = strstr(t->name, t->triple ? "}}}" : "}}");
	if (!end || end > text + len)
		return ch_fail(ps->e, file, line_at(text, t->open), "unclosed tag");
	*pos = (size_t)(end - text) + (t->triple ? 3 : 2);
	t->nlen = (size_t)(end - t->name);
	trim(&t->name, &t->nlen);
	t->sigil = t->triple || t->nlen == 0 ? 0 : t->name[0];
	if (t->sigil && strchr("#^/>!&", t->sigil)) {
		t->name++, t->nlen--;
		trim(&t->name, &t->nlen);
	} else {
		t->sigil = 0;
	}
	if (t->sigil != '!' && t->sigil != '>' && !valid_name(t->name, t->nlen))
		return ch_fail(ps->e, file, line_at(text, t->open),
		               "bad tag name '%.*s'",
		               (int)(t->nlen > 60 ? 60 : t->nlen), t->name);
	return 0;
}

/* {{/name}}: must close the open section. */
static int end_section(parser *ps, const char *text, const char *file,
                       const tag *t, const char *close)
{
	if (close && strlen(close) == t->nlen &&
	    memcmp(close, t->name, t->nlen) == 0)
		return 0;
	return ch_fail(ps->e, file, line_at(text, t->open),
	               "unexpected {{/%.*s}}%s%s", (int)t->nlen, t->name,
	               close ? ", open section is " : "", close ? close : "");
}

/* {{> name}}: the partial's nodes go into parent. */
static int include_partial(parser *ps, const char *text, const char *file,
                           const tag *t, node *parent)
{
	char pname[MAX_NAME];
	const char *ptext, *pfile;
	size_t plen, ppos = 0;
	int line = line_at(text, t->open);

	if (t->nlen == 0 || t->nlen >= MAX_NAME)
		return ch_fail(ps->e, file, line, "bad partial name");
	memcpy(pname, t->name, t->nlen);
	pname[t->nlen] = '\0';
	if (strspn(pname, name_chars) != t->nlen)
		return ch_fail(ps->e, file, line, "bad partial name '%s'", pname);
	if (!ps->loader || ps->loader(ps->ctx, pname, &ptext, &plen, &pfile) < 0)
		return ch_fail(ps->e, file, line,
		               "no partial '%s' (site/layouts/partials/%s.html)",
		               pname, pname);
	if (++ps->depth > MAX_PARTIAL_DEPTH)
		return ch_fail(ps->e, pfile, 0, "partials nested too deep (a cycle?)");
	if (parse_into(ps, ptext, plen, pfile, &ppos, parent, NULL) < 0)
		return -1;
	ps->depth--;
	return 0;
}

/* Parses text from *pos into parent's nodes, up to {{/close}} when
 * close is given (a section), else to the end. */
static int parse_into(parser *ps, const char *text, size_t len,
                      const char *file, size_t *pos, node *parent,
                      const char *close)
{
	while (*pos < len) {
		const char *start = text + *pos;
		size_t rest = len - *pos;
		node *sec;
		tag t = {memmem(start, rest, "{{", 2), NULL, 0, 0, 0};
		size_t tlen = t.open ? (size_t)(t.open - start) : rest;

		if (tlen && !add_kid(parent, T_TEXT, start, tlen))
			return ch_fail(ps->e, file, 0, "out of memory");
		if (!t.open) {
			*pos = len;
			break;
		}
		if (read_tag(ps, text, len, file, pos, &t) < 0)
			return -1;
		switch (t.sigil) {
		case '!':
			continue;
		case '/':
			return end_section(ps, text, file, &t, close);
		case '#':
		case '^':
			sec = add_kid(parent, t.sigil == '#' ? T_SECTION : T_INVERTED,
			              t.name, t.nlen);
			if (!sec)
				return ch_fail(ps->e, file, 0, "out of memory");
			if (parse_into(ps, text, len, file, pos, sec, sec->text) < 0)
				return -1;
			continue;
		case '>':
			if (include_partial(ps, text, file, &t, parent) < 0)
				return -1;
			continue;
		}
		if (!add_kid(parent, t.triple || t.sigil == '&' ? T_RAW : T_VAR,
		             t.name, t.nlen))
			return ch_fail(ps->e, file, 0, "out of memory");
	}
	if (close)
		return ch_fail(ps->e, file, line_at(text, text + len),
		               "section {{#%s}} is never closed", close);
	return 0;
}

int gen_tpl_parse(const char *text, size_t len, const char *file,
                  gen_tpl_loader loader, void *ctx, gen_tpl **out,
                  ch_error *e)
{
	parser ps = {loader, ctx, e, 0};
	size_t pos = 0;
	gen_tpl *t = calloc(1, sizeof *t);

	*out = NULL;
	if (!t)
		return ch_fail(e, file, 0, "out of memory");
	if (parse_into(&ps, text, len, file, &pos, t, NULL) < 0) {
		gen_tpl_free(t);
		return -1;
	}
	*out = t;
	return 0;
}

/* --- rendering --------------------------------------------------------- */

#define MAX_STACK 32

typedef struct stack {
	json_t *v[MAX_STACK];
	int n;
} stack;

/* The first part of name from the innermost context outwards, the rest
 * ("a.b.c") inside it. */
static json_t *lookup(const stack *st, const char *name)
{
	size_t n = strcspn(name, ".");
	json_t *v = NULL;

	if (strcmp(name, ".") == 0)
		return st->v[st->n - 1];
	for (int i = st->n - 1; i >= 0 && !v; i--)
		v = json_object_getn(st->v[i], name, n);
	while (v && name[n]) {
		name += n + 1;
		n = strcspn(name, ".");
		v = json_object_getn(v, name, n);
	}
	return v;
}

static int truthy(json_t *v)
{
	if (!v || json_is_null(v) || json_is_false(v))
		return 0;
	if (json_is_string(v))
		return json_string_length(v) > 0;
	if (json_is_integer(v))
		return json_integer_value(v) != 0;
	if (json_is_array(v))
		return json_array_size(v) > 0;
	if (json_is_object(v))
		return json_object_size(v) > 0;
	return 1;
}

static void put_value(ch_buf *out, json_t *v, int escape)
{
	if (json_is_integer(v))
		ch_buf_put_int(out, json_integer_value(v));
	else if (json_is_true(v))
		ch_buf_puts(out, "true");
	else if (json_is_string(v) && escape)
		ch_buf_html(out, json_string_value(v), json_string_length(v));
	else if (json_is_string(v))
		ch_buf_append(out, json_string_value(v), json_string_length(v));
}

static int render(const node *n, stack *st, ch_buf *out, ch_error *e);

static int render_kids(const node *n, stack *st, ch_buf *out, ch_error *e)
{
	for (size_t i = 0; i < n->nkids; i++)
		if (render(&n->kids[i], st, out, e) < 0)
			return -1;
	return 0;
}

static int with_context(const node *n, json_t *ctx, stack *st, ch_buf *out,
                        ch_error *e)
{
	int rc;

	if (st->n == MAX_STACK)
		return ch_fail(e, "", 0, "template sections nested too deep");
	st->v[st->n++] = ctx;
	rc = render_kids(n, st, out, e);
	st->n--;
	return rc;
}

static int render(const node *n, stack *st, ch_buf *out, ch_error *e)
{
	json_t *v = n->kind == T_TEXT ? NULL : lookup(st, n->text), *item;
	size_t i;

	switch (n->kind) {
	case T_TEXT:
		ch_buf_append(out, n->text, n->len);
		return 0;
	case T_VAR:
	case T_RAW:
		put_value(out, v, n->kind == T_VAR);
		return 0;
	case T_INVERTED:
		return truthy(v) ? 0 : render_kids(n, st, out, e);
	case T_SECTION:
		if (!truthy(v))
			return 0;
		if (json_is_object(v))
			return with_context(n, v, st, out, e);
		if (!json_is_array(v))
			return render_kids(n, st, out, e);
		json_array_foreach(v, i, item)
			if (with_context(n, item, st, out, e) < 0)
				return -1;
		return 0;
	}
	return 0;
}

int gen_tpl_render(const gen_tpl *t, json_t *data, ch_buf *out, ch_error *e)
{
	stack st = {{data}, 1};

	if (render_kids(t, &st, out, e) < 0)
		return -1;
	if (!ch_buf_ok(out))
		return ch_fail(e, "", 0, "out of memory");
	return 0;
}

void gen_tpl_free(gen_tpl *t)
{
	if (!t)
		return;
	node_clear(t);
	free(t);
}
