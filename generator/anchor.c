/* anchor.c: heading anchors (content.md's rules). */
#include "generator/anchor.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unictype.h>
#include <unistr.h>

#include "common/grow.h"
#include "common/buf.h"

/* The CJK and full-width punctuation content.md lists. */
static int cjk_punct(ucs4_t c)
{
	static const ucs4_t extra[] = {
		0x201C, 0x201D, 0x2018, 0x2019, 0x2026, 0x2014, 0x00B7,
		0x300A, 0x300B, 0x3010, 0x3011, 0xFF08, 0xFF09, 0xFF1A,
		0xFF1B, 0xFF0C, 0x3002, 0xFF1F, 0xFF01, 0x3001,
	};
	if ((c >= 0x3000 && c <= 0x303F) || (c >= 0xFF00 && c <= 0xFF0F) ||
	    (c >= 0xFF1A && c <= 0xFF20) || (c >= 0xFF3B && c <= 0xFF40) ||
	    (c >= 0xFF5B && c <= 0xFF65))
		return 1;
	for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++)
		if (c == extra[i])
			return 1;
	return 0;
}

static int is_cjk(ucs4_t c)
{
	return (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
	       (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3FFFF);
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
		if (k <= 0)
			k = 1;
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
		    c == '\f' || c == '\v') {
			if (!in_space)
				ch_buf_putc(&b, '-');
			in_space = 1;
		} else {
			in_space = 0;
			if (c < 0x80) {
				if (c >= 'A' && c <= 'Z')
					ch_buf_putc(&b, (char)(c - 'A' + 'a'));
				else if ((c >= 'a' && c <= 'z') ||
				         (c >= '0' && c <= '9') || c == '-' ||
				         c == '_')
					ch_buf_putc(&b, (char)c);
				/* other ASCII: punctuation or control, dropped */
			} else if (!cjk_punct(c) &&
			           (is_cjk(c) || uc_is_alpha(c) ||
			            uc_is_digit(c))) {
				ch_buf_append(&b, s, (size_t)k);
			}
		}
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
	char *slug = gen_slug(text);
	char *id = NULL;

	if (!slug)
		return NULL;
	if (!slug[0]) {
		free(slug);
		slug = strdup("section");
		if (!slug)
			return NULL;
	}
	if (!gen_anchors_has(a, slug)) {
		id = slug;
		slug = NULL;
	} else {
		size_t len = strlen(slug) + 24;
		id = malloc(len);
		for (int k = 2; id; k++) {
			snprintf(id, len, "%s-%d", slug, k);
			if (!gen_anchors_has(a, id))
				break;
		}
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
	a->v = NULL;
	a->n = a->cap = 0;
}
