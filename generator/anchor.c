/* anchor.c: heading anchors (content.md's rules). */
#include "generator/anchor.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unictype.h>
#include <unistr.h>

#include "common/grow.h"
#include "common/buf.h"

static int is_cjk(ucs4_t c)
{
	return (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
	       (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3FFFF);
}

/* Of the CJK and full-width punctuation content.md drops, only the CJK
 * Symbols and Punctuation block holds characters libunistring counts as
 * letters (々, 〆, 〇, 〡, ...); the rest is no letter, digit or CJK. */
static int kept(ucs4_t c)
{
	if (c < 0x80)
		return isalnum((int)c) || c == '-' || c == '_';
	if (c >= 0x3000 && c <= 0x303F)
		return 0;
	return is_cjk(c) || uc_is_alpha(c) || uc_is_digit(c);
}

char *gen_slug(const char *text)
{
	ch_buf b = CH_BUF_INIT;
	const uint8_t *s = (const uint8_t *)text;
	size_t n = strlen(text);
	int in_space = 0;

	ch_buf_puts(&b, "");
	while (n > 0) {
		ucs4_t c;
		int k = u8_mbtouc(&c, s, n);
		int space = c < 0x80 && isspace((int)c);

		if (k <= 0)
			k = 1;
		if (space && !in_space)
			ch_buf_putc(&b, '-');
		else if (!space && c < 0x80 && kept(c))
			ch_buf_putc(&b, (char)tolower((int)c));
		else if (!space && kept(c))
			ch_buf_append(&b, s, (size_t)k);
		in_space = space;
		s += k;
		n -= (size_t)k;
	}
	if (!ch_buf_ok(&b)) {
		ch_buf_free(&b);
		return NULL;
	}
	return ch_buf_detach(&b, NULL);
}

int gen_anchors_has(const gen_anchors *a, const char *id)
{
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i], id) == 0)
			return 1;
	return 0;
}

int gen_anchors_push(gen_anchors *a, char *id)
{
	if (CH_GROW(a->v, a->n + 1, a->cap) < 0)
		return -1;
	a->v[a->n++] = id;
	return 0;
}

const char *gen_anchors_add(gen_anchors *a, const char *text)
{
	char *slug = gen_slug(text), *id = NULL;
	const char *base = slug && slug[0] ? slug : "section";
	size_t len = strlen(base) + 24;

	if (slug)
		id = malloc(len);
	if (id) {
		snprintf(id, len, "%s", base);
		for (int k = 2; gen_anchors_has(a, id); k++)
			snprintf(id, len, "%s-%d", base, k);
	}
	free(slug);
	if (!id || gen_anchors_push(a, id) < 0) {
		free(id);
		return NULL;
	}
	return id;
}

void gen_anchors_free(gen_anchors *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->v[i]);
	free(a->v);
	memset(a, 0, sizeof *a);
}
