/* template.c: parsing templates into a node tree once, rendering it many
 * times. */
#include "generator/template.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/grow.h"

enum kind { T_TEXT, T_VAR, T_RAW, T_SECTION, T_INVERTED };

typedef struct node {
	enum kind kind;
	char *text; /* T_TEXT: the text; others: the name */
	size_t len;
	struct node *kids; /* sections */
	size_t nkids, cap;
} node;

struct gen_tpl {
	node root;
};

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
	memset(n, 0, sizeof *n);
	n->kind = k;
	n->text = malloc(len + 1);
	if (!n->text)
		return NULL;
	memcpy(n->text, s, len);
	n->text[len] = '\0';
	n->len = len;
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

static int valid_name(const char *s, size_t n)
{
	if (n == 0 || n >= MAX_NAME)
		return 0;
	if (n == 1 && s[0] == '.')
		return 1;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-' ||
		      (c == '.' && i > 0 && i + 1 < n && s[i + 1] != '.')))
			return 0;
	}
	return 1;
}

static void trim(const char **s, size_t *n)
{
	while (*n && (**s == ' ' || **s == '\t'))
		(*s)++, (*n)--;
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

/* Parses text[*pos..] into parent until {{/close}} (close NULL: the end). */
static int parse_into(parser *ps, const char *text, size_t len,
                      const char *file, size_t *pos, node *parent,
                      const char *close)
{
	while (*pos < len) {
		const char *start = text + *pos;
		const char *open = NULL, *end, *name;
		size_t nlen, rest = len - *pos;
		int triple;
		char sigil;

		for (size_t i = 0; i + 1 < rest; i++)
			if (start[i] == '{' && start[i + 1] == '{') {
				open = start + i;
				break;
			}
		if (!open) {
			if (!add_kid(parent, T_TEXT, start, rest))
				return ch_fail(ps->e, file, 0, "out of memory");
			*pos = len;
			break;
		}
		if (open > start && !add_kid(parent, T_TEXT, start,
		                             (size_t)(open - start)))
			return ch_fail(ps->e, file, 0, "out of memory");
		triple = open + 2 < text + len && open[2] == '{';
		name = open + (triple ? 3 : 2);
		end = strstr(name, triple ? "}}}" : "}}");
		if (!end || end > text + len)
			return ch_fail(ps->e, file, line_at(text, open),
			               "unclosed tag");
		*pos = (size_t)(end - text) + (triple ? 3 : 2);
		nlen = (size_t)(end - name);
		trim(&name, &nlen);
		sigil = triple || nlen == 0 ? 0 : name[0];
		if (sigil == '#' || sigil == '^' || sigil == '/' || sigil == '>' ||
		    sigil == '!' || sigil == '&') {
			name++, nlen--;
			trim(&name, &nlen);
		} else {
			sigil = 0;
		}
		if (sigil == '!')
			continue;
		if (!valid_name(name, nlen) && sigil != '>')
			return ch_fail(ps->e, file, line_at(text, open),
			               "bad tag name '%.*s'", (int)(nlen > 60 ? 60 : nlen), name);
		if (sigil == '/') {
			if (!close || strlen(close) != nlen ||
			    memcmp(close, name, nlen) != 0)
				return ch_fail(ps->e, file, line_at(text, open),
				               "unexpected {{/%.*s}}%s%s", (int)nlen, name,
				               close ? ", open section is " : "",
				               close ? close : "");
			return 0;
		}
		if (sigil == '#' || sigil == '^') {
			node *sec = add_kid(parent, sigil == '#' ? T_SECTION : T_INVERTED,
			                    name, nlen);
			if (!sec)
				return ch_fail(ps->e, file, 0, "out of memory");
			if (parse_into(ps, text, len, file, pos, sec, sec->text) < 0)
				return -1;
			continue;
		}
		if (sigil == '>') {
			char pname[MAX_NAME];
			const char *ptext, *pfile;
			size_t plen, ppos = 0;

			if (nlen == 0 || nlen >= MAX_NAME)
				return ch_fail(ps->e, file, line_at(text, open),
				               "bad partial name");
			memcpy(pname, name, nlen);
			pname[nlen] = '\0';
			for (size_t i = 0; i < nlen; i++)
				if (!valid_name(pname + i, 1) || pname[i] == '.')
					return ch_fail(ps->e, file, line_at(text, open),
					               "bad partial name '%s'", pname);
			if (!ps->loader ||
			    ps->loader(ps->ctx, pname, &ptext, &plen, &pfile) < 0)
				return ch_fail(ps->e, file, line_at(text, open),
				               "no partial '%s' (site/layouts/partials/%s.html)",
				               pname, pname);
			if (++ps->depth > MAX_PARTIAL_DEPTH)
				return ch_fail(ps->e, pfile, 0,
				               "partials nested too deep (a cycle?)");
			if (parse_into(ps, ptext, plen, pfile, &ppos, parent, NULL) < 0)
				return -1;
			ps->depth--;
			continue;
		}
		if (!add_kid(parent, triple || sigil == '&' ? T_RAW : T_VAR, name,
		             nlen))
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
	if (parse_into(&ps, text, len, file, &pos, &t->root, NULL) < 0) {
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

static json_t *get_path(json_t *v, const char *path)
{
	char seg[MAX_NAME];

	while (v && *path) {
		const char *dot = strchr(path, '.');
		size_t n = dot ? (size_t)(dot - path) : strlen(path);
		memcpy(seg, path, n);
		seg[n] = '\0';
		v = json_is_object(v) ? json_object_get(v, seg) : NULL;
		path += n + (dot ? 1 : 0);
	}
	return v;
}

static json_t *lookup(const stack *st, const char *name)
{
	char first[MAX_NAME];
	const char *dot;
	size_t n;

	if (strcmp(name, ".") == 0)
		return st->v[st->n - 1];
	dot = strchr(name, '.');
	n = dot ? (size_t)(dot - name) : strlen(name);
	memcpy(first, name, n);
	first[n] = '\0';
	for (int i = st->n - 1; i >= 0; i--) {
		json_t *v = json_is_object(st->v[i]) ?
		            json_object_get(st->v[i], first) : NULL;
		if (v)
			return dot ? get_path(v, dot + 1) : v;
	}
	return NULL;
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
	char num[32];
	const char *s = NULL;
	size_t n = 0;

	if (json_is_string(v)) {
		s = json_string_value(v);
		n = json_string_length(v);
	} else if (json_is_integer(v)) {
		n = (size_t)snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT,
		                     json_integer_value(v));
		s = num;
	} else if (json_is_true(v)) {
		s = "true", n = 4;
	}
	if (!s)
		return;
	if (escape)
		ch_buf_html(out, s, n);
	else
		ch_buf_append(out, s, n);
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
	json_t *v;

	switch (n->kind) {
	case T_TEXT:
		ch_buf_append(out, n->text, n->len);
		return 0;
	case T_VAR:
	case T_RAW:
		v = lookup(st, n->text);
		if (v)
			put_value(out, v, n->kind == T_VAR);
		return 0;
	case T_INVERTED:
		v = lookup(st, n->text);
		return truthy(v) ? 0 : render_kids(n, st, out, e);
	case T_SECTION:
		v = lookup(st, n->text);
		if (!truthy(v))
			return 0;
		if (json_is_array(v)) {
			size_t i;
			json_t *item;
			json_array_foreach(v, i, item)
				if (with_context(n, item, st, out, e) < 0)
					return -1;
			return 0;
		}
		if (json_is_object(v))
			return with_context(n, v, st, out, e);
		return render_kids(n, st, out, e);
	}
	return 0;
}

int gen_tpl_render(const gen_tpl *t, json_t *data, ch_buf *out, ch_error *e)
{
	stack st;

	st.n = 1;
	st.v[0] = data;
	if (render_kids(&t->root, &st, out, e) < 0)
		return -1;
	if (!ch_buf_ok(out))
		return ch_fail(e, "", 0, "out of memory");
	return 0;
}

void gen_tpl_free(gen_tpl *t)
{
	if (!t)
		return;
	node_clear(&t->root);
	free(t);
}
