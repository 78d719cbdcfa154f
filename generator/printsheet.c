/* printsheet.c: a printed form's Markdown, with its fields and seals
 * blocks, as HTML. The blocks become cmark custom blocks, whose HTML
 * cmark copies verbatim even in safe mode: it is built here, every text
 * in it escaped. */
#include "generator/printsheet.h"

#include <cmark.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"

#define MAX_BLOCKS 32

static void trim(const char **s, size_t *n)
{
	while (*n && ((*s)[0] == ' ' || (*s)[0] == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

/* "label：preset" (full-width or ASCII colon) -> the cell's parts. */
static void put_field_row(ch_buf *b, const char *line, size_t n)
{
	static const char fw_colon[] = "\xef\xbc\x9a"; /* U+FF1A */
	const char *label = line, *preset = "";
	size_t label_n = n, preset_n = 0, i;

	for (i = 0; i < n; i++) {
		if (line[i] == ':' || (i + 3 <= n && !memcmp(line + i, fw_colon, 3))) {
			label_n = i;
			preset = line + i + (line[i] == ':' ? 1 : 3);
			preset_n = n - (size_t)(preset - line);
			break;
		}
	}
	trim(&label, &label_n);
	trim(&preset, &preset_n);
	ch_buf_puts(b, "<tr><th scope=\"row\">");
	ch_buf_html(b, label, label_n);
	ch_buf_puts(b, "</th><td>");
	ch_buf_html(b, preset, preset_n);
	ch_buf_puts(b, "</td></tr>\n");
}

static void put_block(ch_buf *b, int seals, const char *text)
{
	const char *line, *end;
	size_t n;

	ch_buf_puts(b, seals ? "<div class=\"ch-seals\">\n"
	                     : "<table class=\"ch-sheet-fields\"><tbody>\n");
	for (line = text; *line; line = end + (*end == '\n')) {
		end = line + strcspn(line, "\n");
		n = (size_t)(end - line);
		if (n && line[n - 1] == '\r')
			n--;
		trim(&line, &n);
		if (!n)
			continue;
		if (!seals) {
			put_field_row(b, line, n);
			continue;
		}
		ch_buf_puts(b, "<div class=\"ch-seal\"><span class=\"ch-seal-label\">");
		ch_buf_html(b, line, n);
		ch_buf_puts(b, "</span></div>\n");
	}
	ch_buf_puts(b, seals ? "</div>\n" : "</tbody></table>\n");
}

/* 1 for a fields block, 2 for a seals block, 0 for any other node. */
static int block_kind(cmark_node *n)
{
	const char *info = NULL;

	if (cmark_node_get_type(n) == CMARK_NODE_CODE_BLOCK)
		info = cmark_node_get_fence_info(n);
	if (!info)
		return 0;
	return !strcmp(info, "fields") ? 1 : !strcmp(info, "seals") ? 2 : 0;
}

int gen_print_html(const char *md, size_t len, const char *file, char **out,
                   ch_error *e)
{
	cmark_node *doc, *found[MAX_BLOCKS], *custom;
	cmark_iter *it = NULL;
	cmark_event_type ev;
	ch_buf b = CH_BUF_INIT;
	size_t nfound = 0, i;
	int rc = -1;

	*out = NULL;
	doc = cmark_parse_document(md, len, CMARK_OPT_DEFAULT);
	if (!doc)
		return ch_fail(e, file, 0, "out of memory reading the text");
	it = cmark_iter_new(doc);
	if (!it) {
		ch_fail(e, file, 0, "out of memory reading the text");
		goto out;
	}
	/* Collected first and replaced after: the iterator must not see a
	 * node freed under it. */
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);

		if (ev != CMARK_EVENT_ENTER || !block_kind(n))
			continue;
		if (nfound == MAX_BLOCKS) {
			ch_fail(e, file, cmark_node_get_start_line(n),
			        "more than %d fields and seals blocks", MAX_BLOCKS);
			goto out;
		}
		found[nfound++] = n;
	}
	for (i = 0; i < nfound; i++) {
		ch_buf_reset(&b);
		put_block(&b, block_kind(found[i]) == 2, cmark_node_get_literal(found[i]));
		custom = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK);
		if (!ch_buf_ok(&b) || !custom ||
		    !cmark_node_set_on_enter(custom, b.data ? b.data : "") ||
		    !cmark_node_replace(found[i], custom)) {
			if (custom)
				cmark_node_free(custom);
			ch_fail(e, file, 0, "out of memory rendering the text");
			goto out;
		}
		cmark_node_free(found[i]);
	}
	*out = cmark_render_html(doc, CMARK_OPT_DEFAULT);
	if (!*out) {
		ch_fail(e, file, 0, "out of memory rendering the text");
		goto out;
	}
	rc = 0;
out:
	ch_buf_free(&b);
	if (it)
		cmark_iter_free(it);
	cmark_node_free(doc);
	return rc;
}
