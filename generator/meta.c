/* meta.c: a page's model as one cache line (see meta.h). */
#include "generator/meta.h"

#include <stdlib.h>
#include <string.h>

static void put_str(ch_buf *b, const char *s)
{
	ch_buf_putc(b, '\t');
	for (;;) {
		size_t run = strcspn(s, "%\t\n\r");

		ch_buf_append(b, s, run);
		s += run;
		if (!*s)
			break;
		ch_buf_printf(b, "%%%02X", (unsigned char)*s++);
	}
}

static void put_num(ch_buf *b, long long v)
{
	ch_buf_putc(b, '\t');
	ch_buf_put_int(b, v);
}

void gen_meta_write(const gen_page *p, const gen_node *n, ch_buf *out)
{
	const gen_md *md = &n->md;

	ch_buf_puts(out, "m1");
	put_num(out, p->order);
	put_num(out, n->layout_line);
	put_num(out, md->has_form);
	put_num(out, md->form_line);
	/* A layout from front matter is named on line layout_line > 1; the
	 * defaults are given later, by the page's place. */
	put_str(out, n->layout_line > 1 && n->layout ? n->layout : "");
	put_str(out, p->title);
	put_str(out, p->description);
	put_num(out, (long long)md->ids.n);
	for (size_t i = 0; i < md->ids.n; i++)
		put_str(out, md->ids.v[i]);
	put_num(out, (long long)md->nheadings);
	for (size_t i = 0; i < md->nheadings; i++) {
		put_num(out, md->headings[i].level);
		put_str(out, md->headings[i].text);
		put_str(out, md->headings[i].anchor);
	}
	put_num(out, (long long)md->nlinks);
	for (size_t i = 0; i < md->nlinks; i++) {
		put_str(out, md->links[i].target);
		put_num(out, md->links[i].anchor != NULL);
		put_str(out, md->links[i].anchor ? md->links[i].anchor : "");
		put_num(out, md->links[i].line);
	}
}

/* The next field, unescaped and malloc'd; NULL at the end or on error. */
static char *get_str(const char **s)
{
	size_t n;
	char *out;

	if (**s != '\t')
		return NULL;
	n = strcspn(*s + 1, "\t");
	out = gen_pct_decode(*s + 1, n);
	if (out)
		*s += 1 + n;
	return out;
}

static int get_num(const char **s, long long *v)
{
	char *end;

	if (**s != '\t')
		return -1;
	*v = strtoll(*s + 1, &end, 10);
	if (end == *s + 1)
		return -1;
	*s = end;
	return 0;
}

/* A count of items, each taking at least two bytes: one the rest of the
 * line cannot hold is a damaged cache, not an allocation to make. */
static int get_count(const char **s, long long *count)
{
	if (get_num(s, count) < 0 || *count < 0 ||
	    (unsigned long long)*count > strlen(*s) / 2)
		return -1;
	return 0;
}

int gen_meta_read(const char *line, gen_page *p, gen_node *n)
{
	const char *s = line;
	gen_md *md = &n->md;
	long long order, lline, form, fline, count;
	char *layout = NULL;

	if (strncmp(s, "m1", 2) != 0)
		return -1;
	s += 2;
	if (get_num(&s, &order) < 0 || get_num(&s, &lline) < 0 ||
	    get_num(&s, &form) < 0 || get_num(&s, &fline) < 0 ||
	    !(layout = get_str(&s)))
		return -1;
	p->order = (long)order;
	n->layout_line = (int)lline;
	md->has_form = (int)form;
	md->form_line = (int)fline;
	if (layout[0])
		n->layout = layout;
	else
		free(layout);
	if (!(p->title = get_str(&s)) || !(p->description = get_str(&s)) ||
	    get_count(&s, &count) < 0)
		return -1;
	for (long long i = 0; i < count; i++) {
		char *id = get_str(&s);
		if (!id || gen_anchors_push(&md->ids, id) < 0) {
			free(id);
			return -1;
		}
	}
	if (get_count(&s, &count) < 0 ||
	    !(md->headings = calloc((size_t)count + 1, sizeof *md->headings)))
		return -1;
	for (long long i = 0; i < count; i++) {
		gen_heading *h = &md->headings[i];
		long long level;
		if (get_num(&s, &level) < 0)
			return -1;
		h->level = (int)level;
		md->nheadings++;
		if (!(h->text = get_str(&s)) || !(h->anchor = get_str(&s)))
			return -1;
	}
	if (get_count(&s, &count) < 0 ||
	    !(md->links = calloc((size_t)count + 1, sizeof *md->links)))
		return -1;
	for (long long i = 0; i < count; i++) {
		gen_link *l = &md->links[i];
		long long has, ln;
		md->nlinks++;
		if (!(l->target = get_str(&s)) || get_num(&s, &has) < 0 ||
		    !(l->anchor = get_str(&s)) || get_num(&s, &ln) < 0)
			return -1;
		if (!has) {
			free(l->anchor);
			l->anchor = NULL;
		}
		l->line = (int)ln;
	}
	p->headings = md->headings;
	p->nheadings = md->nheadings;
	return *s == '\0' ? 0 : -1;
}
