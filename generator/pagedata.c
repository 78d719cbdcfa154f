/* pagedata.c: template data, navigation HTML and relative URLs. */
#include "generator/pagedata.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/buf.h"

/* Above this many pages the navigation shows every section but opens
 * only the path to the current page, so that it does not grow with the
 * square of the site. */
#define FULL_NAV_MAX 200
/* Above this many pages in one section, the navigation of its pages
 * lists only the SECTION_NAV_NEAR before and after the current one and
 * a link to the section's own page, which lists them all: as large
 * documentation sites do, so that a page does not carry the whole
 * section. */
#define SECTION_NAV_MAX 200
#define SECTION_NAV_NEAR 10

void gen_root_prefix(int depth, char *out, size_t size)
{
	size_t k = 0;

	for (int i = 0; i < depth && k + 4 <= size; i++) {
		memcpy(out + k, "../", 3);
		k += 3;
	}
	out[k] = '\0';
}

static char *href(const char *root, const char *path, const char *anchor)
{
	ch_buf b = CH_BUF_INIT;
	int frag = anchor && anchor[0];

	ch_buf_printf(&b, "%s%s%s%s", root, path, frag ? "#" : "",
	              frag ? anchor : "");
	if (!ch_buf_ok(&b)) {
		ch_buf_free(&b);
		return NULL;
	}
	return ch_buf_detach(&b, NULL);
}

char *gen_href(const char *root, const gen_page *target, const char *anchor)
{
	return href(root, target->out_path, anchor);
}

char *gen_link_href(const char *root, const gen_page *self,
                    const gen_page *target, const char *anchor)
{
	if (target == self && anchor && anchor[0])
		return href("", "", anchor);
	return gen_href(root, target, anchor);
}

/* China has kept UTC+8 without daylight saving since 1991, so a fixed
 * offset gives Asia/Shanghai dates without depending on the host's
 * time-zone database. */
void gen_format_date(long long t, char out[11])
{
	time_t s = (time_t)(t + 8 * 3600);
	struct tm tm;

	if (!gmtime_r(&s, &tm) ||
	    strftime(out, 11, "%Y-%m-%d", &tm) != 10)
		strcpy(out, "");
}

static int is_ancestor_or_self(const gen_site *s, int a, int i)
{
	for (; i >= 0; i = s->nodes[i].parent)
		if (i == a)
			return 1;
	return 0;
}

/* The kids of a large section n to list: [*from, *to), around the one
 * on the path to anc (else the first ones). */
static void kids_near(const gen_site *s, const gen_node *n, int anc,
                      size_t *from, size_t *to)
{
	size_t at = 0;

	for (size_t j = 0; j < n->nkids; j++)
		if (anc >= 0 && is_ancestor_or_self(s, n->kids[j], anc)) {
			at = j;
			break;
		}
	*from = at > SECTION_NAV_NEAR ? at - SECTION_NAV_NEAR : 0;
	*to = at + SECTION_NAV_NEAR + 1 < n->nkids ? at + SECTION_NAV_NEAR + 1
	                                            : n->nkids;
}

static void put_href(ch_buf *b, const char *root, const gen_page *p)
{
	ch_buf_puts(b, "<a href=\"");
	ch_buf_html(b, root, strlen(root));
	ch_buf_html(b, p->out_path, strlen(p->out_path));
	ch_buf_puts(b, "\"");
}

/* One entry and, when open, its children. cur is the page shown
 * (marked current), anc the page whose ancestors (itself included) are
 * marked and opened: cur itself, or for a memo (see gen_nav_memo) the
 * parent of the pages it serves, with cur -1. The items of anc's
 * children are recorded in memo's ranges. */
static void nav_item(const gen_site *s, int k, int cur, int anc,
                     const char *root, int full, gen_nav_memo *memo, ch_buf *b)
{
	const gen_page *p = &s->pages[k];
	const gen_node *n = &s->nodes[k];
	int mine = anc >= 0 && is_ancestor_or_self(s, k, anc);
	int open = n->nkids && k != 0 && (full || mine);
	size_t start = b->len;

	ch_buf_puts(b, k == cur ? "<li class=\"current\">" :
	               mine ? "<li class=\"ancestor\">" : "<li>");
	put_href(b, root, p);
	ch_buf_puts(b, k == cur ? " aria-current=\"page\">" : ">");
	ch_buf_html(b, p->title, strlen(p->title));
	ch_buf_puts(b, "</a>");
	if (open) {
		size_t from = 0, to = n->nkids;
		if (n->nkids > SECTION_NAV_MAX)
			kids_near(s, n, anc, &from, &to);
		ch_buf_puts(b, "\n<ul>\n");
		for (size_t j = from; j < to; j++)
			nav_item(s, n->kids[j], cur, anc, root, full, memo, b);
		/* A large section's partial list ends with a link to its own
		 * page, which lists all its pages. */
		if (to - from < n->nkids) {
			ch_buf_puts(b, "<li class=\"more\">");
			put_href(b, root, p);
			ch_buf_puts(b, ">全部 ");
			ch_buf_put_int(b, (long long)n->nkids);
			ch_buf_puts(b, " 页</a></li>\n");
		}
		ch_buf_puts(b, "</ul>\n");
	}
	ch_buf_puts(b, "</li>\n");
	if (memo && n->parent == anc) {
		memo->start[k] = start;
		memo->end[k] = b->len;
	}
}

static void nav_list(const gen_site *s, int cur, int anc, const char *root,
                     gen_nav_memo *memo, ch_buf *b)
{
	int full = s->npages <= FULL_NAV_MAX;

	ch_buf_puts(b, "<ul>\n");
	nav_item(s, 0, cur, anc, root, full, memo, b);
	for (size_t j = 0; j < s->nodes[0].nkids; j++)
		nav_item(s, s->nodes[0].kids[j], cur, anc, root, full, memo, b);
	ch_buf_puts(b, "</ul>\n");
}

void gen_nav_memo_free(gen_nav_memo *m)
{
	free(m->html);
	free(m->start);
	free(m->end);
	*m = (gen_nav_memo)GEN_NAV_MEMO_INIT;
}

/* memo's navigation for the children of parent. Its children are all
 * one folder below it (a page or a subfolder's index.md), so they share
 * one root. */
static int memo_nav(const gen_site *s, int parent, const char *root,
                    gen_nav_memo *memo)
{
	ch_buf m = CH_BUF_INIT;

	if (!memo->start) {
		memo->start = calloc(s->npages, sizeof *memo->start);
		memo->end = calloc(s->npages, sizeof *memo->end);
		if (!memo->start || !memo->end)
			return -1;
	}
	nav_list(s, -1, parent, root, memo, &m);
	if (!ch_buf_ok(&m)) {
		ch_buf_free(&m);
		return -1;
	}
	free(memo->html);
	memo->html = ch_buf_detach(&m, &memo->len);
	memo->parent = parent;
	return 0;
}

/* The whole guide: the home page, then its children, sections opened.
 * A page without children differs from its siblings' navigation only in
 * its own entry, so the navigation of their parent is made once (in
 * memo) and each page's is that with its entry swapped: the bytes are
 * those of a navigation made for the page alone. */
static char *nav_html(const gen_site *s, int cur, const char *root,
                      gen_nav_memo *memo)
{
	ch_buf b = CH_BUF_INIT;
	int parent = cur > 0 ? s->nodes[cur].parent : -1;

	/* (A large section's pages each list other neighbours: no memo.) */
	if (!memo || cur <= 0 || s->nodes[cur].nkids ||
	    s->nodes[parent].nkids > SECTION_NAV_MAX) {
		nav_list(s, cur, cur, root, NULL, &b);
	} else {
		if (memo->parent != parent && memo_nav(s, parent, root, memo) < 0)
			return NULL;
		ch_buf_append(&b, memo->html, memo->start[cur]);
		nav_item(s, cur, cur, cur, root, 0, NULL, &b);
		ch_buf_append(&b, memo->html + memo->end[cur],
		              memo->len - memo->end[cur]);
	}
	if (!ch_buf_ok(&b)) {
		ch_buf_free(&b);
		return NULL;
	}
	return ch_buf_detach(&b, NULL);
}

static json_t *link_obj(const gen_site *s, int k, const char *root)
{
	char *href = gen_href(root, &s->pages[k], NULL);
	json_t *o = href ? json_pack("{s:s, s:s, s:s}", "title", s->pages[k].title,
	                             "href", href, "description",
	                             s->pages[k].description) : NULL;
	free(href);
	return o;
}

static json_t *toc(const gen_page *p)
{
	json_t *list = json_array(), *last = NULL;

	if (!list)
		return NULL;
	for (size_t i = 0; i < p->nheadings; i++) {
		const gen_heading *h = &p->headings[i];
		int sub = h->level == 3 && last;
		json_t *item;

		if (h->level > 3)
			continue;
		item = json_pack("{s:s, s:s, s:[]}", "text", h->text, "anchor",
		                 h->anchor, "sub");
		if (json_array_append_new(sub ? json_object_get(last, "sub") : list,
		                          item) < 0 ||
		    (sub && json_object_set_new(last, "has_sub", json_true()) < 0))
			goto fail;
		if (!sub)
			last = item;
	}
	return list;
fail:
	json_decref(list);
	return NULL;
}

/* site.yaml's website as a link: "www.szca.com" would be read as a
 * relative path, so a bare host gets https://. NULL if none. */
static json_t *website_href(json_t *config)
{
	const char *w = json_string_value(json_object_get(config, "website"));

	if (!w || !w[0])
		return NULL;
	if (strncmp(w, "http://", 7) == 0 || strncmp(w, "https://", 8) == 0)
		return json_string(w);
	if (strchr(w, ':') || strchr(w, '/'))
		return NULL; /* another scheme, or a path: no link */
	return json_sprintf("https://%s", w);
}

json_t *gen_page_data_memo(const gen_site *s, int i, const char *root,
                           const gen_assets *a, const char *body,
                           gen_nav_memo *memo)
{
	const gen_page *p = i >= 0 ? &s->pages[i] : NULL;
	json_t *config = memo && memo->config ? memo->config : s->config;
	json_t *d = NULL, *page = NULL, *crumbs = NULL, *kids = NULL, *web;
	char *nav = NULL, *home = NULL, date[11] = "";
	int ok = 0;

	nav = nav_html(s, i, root, memo);
	home = gen_href(root, &s->pages[0], NULL);
	if (!nav || !home)
		goto out;
	if (p)
		gen_format_date(p->updated, date);
	page = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:b, s:b}",
	                 "title", p ? p->title : "页面未找到",
	                 "description", p ? p->description : "",
	                 "updated", date,
	                 "href", i < 0 ? "404.html" : "index.html",
	                 "url", p ? p->url : "",
	                 "src", p ? p->src_path : "",
	                 "is_home", i == 0,
	                 "is_section", p ? p->is_section : 0,
	                 "has_form", p ? s->nodes[i].md.has_form : 0,
	                 "is_404", i < 0);
	crumbs = json_array();
	kids = json_array();
	if (!page || !crumbs || !kids)
		goto out;
	if (p) {
		for (int k = s->nodes[i].parent; k >= 0; k = s->nodes[k].parent)
			if (json_array_insert_new(crumbs, 0, link_obj(s, k, root)) < 0)
				goto out;
		for (size_t j = 0; j < s->nodes[i].nkids; j++)
			if (json_array_append_new(kids, link_obj(s, s->nodes[i].kids[j],
			                                         root)) < 0)
				goto out;
	}
	/* body and nav are large and valid UTF-8 by construction (sources are
	 * checked when read): spare jansson checking them again per page. */
	d = json_pack("{s:s, s:O, s:s, s:s, s:s, s:b, s:o, s:o, s:o, s:o, s:o, s:o}",
	              "lang", "zh-CN",
	              "site", config,
	              "root", root,
	              "home", home,
	              "commit", i <= 0 ? s->src.short_id : "",
	              "draft", s->src.worktree,
	              "asset", gen_assets_json(a, root),
	              "page", page,
	              "body", json_string_nocheck(body ? body : ""),
	              "nav", json_string_nocheck(nav),
	              "breadcrumbs", crumbs,
	              "children", kids);
	page = crumbs = kids = NULL;
	if (!d)
		goto out;
	if (p) {
		json_t *t = toc(p);
		if (!t || json_object_set_new(d, "has_toc",
		                              json_boolean(json_array_size(t) > 0)) < 0 ||
		    json_object_set_new(d, "toc", t) < 0)
			goto out;
		if (i > 0 && json_object_set_new(d, "prev", link_obj(s, i - 1, root)) < 0)
			goto out;
		if ((size_t)i + 1 < s->npages &&
		    json_object_set_new(d, "next", link_obj(s, i + 1, root)) < 0)
			goto out;
	}
	web = website_href(config);
	if (web && json_object_set_new(d, "website_href", web) < 0)
		goto out;
	ok = 1;
out:
	if (!ok) {
		json_decref(d);
		d = NULL;
	}
	json_decref(page);
	json_decref(crumbs);
	json_decref(kids);
	free(nav);
	free(home);
	return d;
}
