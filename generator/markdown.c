/* markdown.c: page bodies through cmark (see markdown.h). */
#include "generator/markdown.h"

#include <cmark.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "common/grow.h"

#define MD_OPTS CMARK_OPT_DEFAULT

static int is_block(cmark_node *n)
{
	cmark_node_type t = cmark_node_get_type(n);
	return t >= CMARK_NODE_FIRST_BLOCK && t <= CMARK_NODE_LAST_BLOCK;
}

/* cmark trims the info string of spaces and tabs, as CommonMark says. */
static int is_form_block(cmark_node *n)
{
	const char *info = cmark_node_get_fence_info(n);

	return cmark_node_get_type(n) == CMARK_NODE_CODE_BLOCK && info &&
	       strcmp(info, "form application") == 0;
}

/* --- link destinations -------------------------------------------------- */

char *gen_pct_decode(const char *s, size_t n)
{
	char *out = malloc(n + 1), *o = out;

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && isxdigit((unsigned char)s[i + 1]) &&
		    isxdigit((unsigned char)s[i + 2])) {
			char hex[3] = {s[i + 1], s[i + 2], '\0'};
			*o++ = (char)strtol(hex, NULL, 16);
			i += 2;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

static int has_scheme(const char *url)
{
	const char *p = url;

	if (!isalpha((unsigned char)*p))
		return 0;
	while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.')
		p++;
	return *p == ':';
}

int gen_md_resolve(const char *src_path, const char *url, char **target,
                   char **anchor, const char **msg)
{
	const char *hash = strchr(url, '#');
	size_t plen = hash ? (size_t)(hash - url) : strlen(url);
	char *path = NULL, *joined = NULL;
	const char *slash;
	size_t dlen, o;
	int rc = -1;

	*target = *anchor = NULL;
	*msg = "out of memory";
	if (!url[0]) {
		*msg = "empty link";
		return -1;
	}
	if (has_scheme(url) || strncmp(url, "//", 2) == 0)
		return 0;
	if (url[0] == '/') {
		*msg = "absolute link: link to the .md file with a relative path";
		return -1;
	}
	if (memchr(url, '?', plen)) {
		*msg = "query string in an internal link";
		return -1;
	}
	path = gen_pct_decode(url, plen);
	if (!path)
		goto out;
	if (hash) {
		*anchor = gen_pct_decode(hash + 1, strlen(hash + 1));
		if (!*anchor)
			goto out;
	}
	if (!path[0]) {
		*target = strdup(src_path);
		rc = *target ? 1 : -1;
		goto out;
	}
	slash = strrchr(src_path, '/');
	dlen = slash ? (size_t)(slash - src_path) : 0;
	joined = malloc(dlen + strlen(path) + 2);
	if (!joined)
		goto out;
	memcpy(joined, src_path, dlen);
	joined[dlen] = '/';
	strcpy(joined + dlen + 1, path);
	/* Normalise segment by segment, in place (what is kept never passes
	 * what is read); ".." may not climb out of content/. */
	o = 0;
	for (char *seg = joined, *next; seg; seg = next) {
		size_t n = strcspn(seg, "/");
		next = seg[n] ? seg + n + 1 : NULL;
		if (n == 0 || (n == 1 && seg[0] == '.'))
			continue;
		if (n == 2 && seg[0] == '.' && seg[1] == '.') {
			while (o > 0 && joined[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
			if (o == 0) {
				*msg = "link leaves content/";
				goto out;
			}
			continue;
		}
		if (o)
			joined[o++] = '/';
		memmove(joined + o, seg, n);
		o += n;
	}
	joined[o] = '\0';
	if (strncmp(joined, "content/", 8) != 0) {
		*msg = "link leaves content/";
		goto out;
	}
	if (o < 4 || strcmp(joined + o - 3, ".md") != 0) {
		*msg = "internal link to something not a page: link to its .md file";
		goto out;
	}
	*target = joined;
	joined = NULL;
	rc = 1;
out:
	if (rc < 0) {
		free(*anchor);
		*anchor = NULL;
	}
	free(path);
	free(joined);
	return rc;
}

/* --- parsing ------------------------------------------------------------ */

static void plain_text(cmark_node *root, ch_buf *b)
{
	cmark_iter *it = cmark_iter_new(root);
	cmark_event_type ev;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(n);

		if (ev != CMARK_EVENT_ENTER)
			continue;
		if (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE)
			ch_buf_puts(b, cmark_node_get_literal(n));
		else if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK)
			ch_buf_putc(b, ' ');
	}
	cmark_iter_free(it);
}

static int add_heading(gen_md *md, int level, const char *text,
                       const char *anchor)
{
	gen_heading *h;

	if (CH_GROW(md->headings, md->nheadings + 1, md->capheadings) < 0)
		return -1;
	h = &md->headings[md->nheadings++];
	*h = (gen_heading){level, strdup(text), strdup(anchor)};
	return h->text && h->anchor ? 0 : -1;
}

static int add_link(gen_md *md, char *target, char *anchor, int line,
                    cmark_node *node)
{
	if (CH_GROW(md->links, md->nlinks + 1, md->caplinks) < 0)
		return -1;
	md->links[md->nlinks++] = (gen_link){target, anchor, line, node};
	return 0;
}

int gen_md_parse(const char *src_path, const char *body, size_t len,
                 int body_line, gen_md *md, ch_error *e)
{
	cmark_iter *it = NULL;
	cmark_event_type ev;
	ch_buf text = CH_BUF_INIT;
	int line = 1, rc = -1;

	memset(md, 0, sizeof *md);
	md->body = body;
	md->body_len = len;
	md->body_line = body_line;
	md->doc = cmark_parse_document(body, len, MD_OPTS);
	if (!md->doc) {
		ch_fail(e, src_path, 0, "out of memory");
		goto out;
	}
	ch_buf_puts(&text, "");
	it = cmark_iter_new(md->doc);
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(n);
		int fline;

		if (ev == CMARK_EVENT_EXIT) {
			if (is_block(n) && text.len && text.data[text.len - 1] != '\n')
				ch_buf_putc(&text, '\n');
			continue;
		}
		if (is_block(n) && cmark_node_get_start_line(n) > 0)
			line = cmark_node_get_start_line(n);
		fline = body_line + line - 1;
		switch (t) {
		case CMARK_NODE_HEADING: {
			ch_buf ht = CH_BUF_INIT;
			const char *id;
			int level = cmark_node_get_heading_level(n);

			ch_buf_puts(&ht, "");
			plain_text(n, &ht);
			id = ch_buf_ok(&ht) ? gen_anchors_add(&md->ids, ht.data) : NULL;
			if (!id || (level >= 2 && level <= 4 &&
			            add_heading(md, level, ht.data, id) < 0)) {
				ch_buf_free(&ht);
				ch_fail(e, src_path, fline, "out of memory");
				goto out;
			}
			cmark_node_set_user_data(n, (void *)id);
			ch_buf_free(&ht);
			break;
		}
		case CMARK_NODE_CODE_BLOCK:
			if (is_form_block(n)) {
				if (md->has_form) {
					ch_fail(e, src_path, fline,
					        "a second form block on one page");
					goto out;
				}
				md->has_form = 1;
				md->form_line = fline;
			} else {
				ch_buf_puts(&text, cmark_node_get_literal(n));
			}
			break;
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
			ch_buf_puts(&text, cmark_node_get_literal(n));
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			ch_buf_putc(&text, ' ');
			line++;
			break;
		case CMARK_NODE_LINK: {
			char *target, *anchor;
			const char *msg;
			const char *url = cmark_node_get_url(n);
			int r = gen_md_resolve(src_path, url ? url : "", &target,
			                       &anchor, &msg);
			if (r < 0) {
				ch_fail(e, src_path, fline, "%s: (%s)", msg,
				        url ? url : "");
				goto out;
			}
			if (r == 1 && add_link(md, target, anchor, fline, n) < 0) {
				free(target);
				free(anchor);
				ch_fail(e, src_path, fline, "out of memory");
				goto out;
			}
			break;
		}
		default:
			break;
		}
	}
	if (!ch_buf_ok(&text)) {
		ch_fail(e, src_path, 0, "out of memory");
		goto out;
	}
	md->text = ch_buf_detach(&text, NULL);
	rc = 0;
out:
	cmark_iter_free(it);
	ch_buf_free(&text);
	if (rc < 0)
		gen_md_free(md);
	return rc;
}

/* --- rendering ---------------------------------------------------------- */

/* A heading's HTML for a custom block: cmark's own (its inlines escaped
 * by cmark) with the escaped id put on the tag. */
static int heading_html(cmark_node *h, ch_buf *b, ch_error *e)
{
	char *html = cmark_render_html(h, MD_OPTS);
	const char *id = cmark_node_get_user_data(h);
	int level = cmark_node_get_heading_level(h);
	char *open = html ? strchr(html, '>') : NULL;
	char *close = html ? strrchr(html, '<') : NULL;

	if (!id || !open || !close || close < open) {
		free(html);
		return ch_fail(e, "", 0, "out of memory");
	}
	ch_buf_printf(b, "<h%d id=\"", level);
	ch_buf_html(b, id, strlen(id));
	ch_buf_puts(b, "\">");
	ch_buf_append(b, open + 1, (size_t)(close - open - 1));
	ch_buf_printf(b, "</h%d>", level);
	free(html);
	return 0;
}

/* A custom block holding b's HTML; NULL when memory runs out. */
static cmark_node *custom_block(const ch_buf *b)
{
	cmark_node *n = NULL;

	if (ch_buf_ok(b))
		n = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK);
	if (n && !cmark_node_set_on_enter(n, b->data)) {
		cmark_node_free(n);
		n = NULL;
	}
	return n;
}

int gen_md_render(gen_md *md, gen_md_href_fn href, gen_md_form_fn form,
                  void *ctx, ch_buf *out, ch_error *e)
{
	cmark_iter *it = NULL;
	cmark_event_type ev;
	char *html = NULL;
	int rc = -1;

	if (!md->doc)
		return ch_fail(e, "", 0, "rendering a body whose tree was dropped");
	for (size_t i = 0; i < md->nlinks; i++) {
		char *h = href(ctx, &md->links[i], e);
		if (!h)
			goto out;
		cmark_node_set_url(md->links[i].node, h);
		free(h);
	}
	/* cmark.h lets a node change at its EXIT event, a leaf (a code block)
	 * at its ENTER: a heading is replaced when it is left, and the
	 * iterator goes on from its replacement. */
	it = cmark_iter_new(md->doc);
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it), *block = NULL;
		int heading = cmark_node_get_type(n) == CMARK_NODE_HEADING;
		ch_buf b = CH_BUF_INIT;
		int r;

		if (heading ? ev != CMARK_EVENT_EXIT : !is_form_block(n))
			continue;
		ch_buf_puts(&b, "");
		r = heading ? heading_html(n, &b, e) : form(ctx, &b, e);
		if (r == 0)
			block = custom_block(&b);
		ch_buf_free(&b);
		if (r < 0)
			goto out;
		if (!block) {
			ch_fail(e, "", 0, "out of memory");
			goto out;
		}
		cmark_node_replace(n, block);
		cmark_node_free(n);
		cmark_iter_reset(it, block, CMARK_EVENT_EXIT);
	}
	html = cmark_render_html(md->doc, MD_OPTS);
	if (!html) {
		ch_fail(e, "", 0, "out of memory");
		goto out;
	}
	ch_buf_puts(out, html);
	rc = 0;
out:
	if (it) /* cmark_iter_free does not take NULL */
		cmark_iter_free(it);
	free(html);
	return rc;
}

void gen_md_drop_tree(gen_md *md)
{
	if (md->doc)
		cmark_node_free(md->doc);
	md->doc = NULL;
	for (size_t i = 0; i < md->nlinks; i++)
		md->links[i].node = NULL;
}

void gen_md_free(gen_md *md)
{
	gen_md_drop_tree(md);
	for (size_t i = 0; i < md->nheadings; i++) {
		free(md->headings[i].text);
		free(md->headings[i].anchor);
	}
	free(md->headings);
	for (size_t i = 0; i < md->nlinks; i++) {
		free(md->links[i].target);
		free(md->links[i].anchor);
	}
	free(md->links);
	gen_anchors_free(&md->ids);
	free(md->text);
	memset(md, 0, sizeof *md);
}
