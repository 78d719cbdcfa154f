/* search.c: builds the offline search index (see search.h).
 *
 * Chinese has no spaces, so words cannot be split reliably without a
 * dictionary; instead every CJK character and every pair of adjacent CJK
 * characters is a term (single characters only from titles, headings
 * and descriptions). A query is cut the same way and a page must hold
 * all of the query's bigrams, which finds any substring of two or more
 * characters with few false hits. ASCII runs are whole lowercased words;
 * the script matches them by prefix against the sorted keys, so the index
 * stays small. Pages are read in order, so each term's postings are
 * appended with ascending ids and a page's hits for a term accumulate in
 * the list's last entry. */
#include "generator/search.h"

#include "common/grow.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistr.h>

/* Where a term was seen on a page; the weight is computed from these. */
enum { HIT_TITLE = 1, HIT_HEADING = 2, HIT_DESC = 4 };
#define BODY_CAP 4
#define WORD_MAX 40
#define EXCERPT_CHARS 80

/* One page's hits on a term, packed in 32 bits because a large site has
 * millions of them: id << 6 | flags << 3 | body occurrences (capped at
 * BODY_CAP). */
typedef uint32_t posting;
#define POST_ID(p) ((p) >> 6)
#define POST_FLAGS(p) (((p) >> 3) & 7u)
#define POST_BODY(p) ((p) & 7u)
#define MAX_PAGES (1u << 26)

typedef struct term {
	char *key; /* owned; NUL-terminated UTF-8 */
	size_t keylen;
	/* CJK terms are looked up by their code points packed in 64 bits,
	 * which is much cheaper than hashing and comparing bytes for the
	 * two lookups made per character; words (code 0) by their bytes. */
	uint64_t code;
	uint64_t hash;
	posting *post; /* owned */
	size_t npost, cappost;
} term;

/* Open addressing, linear probing; slots point into the terms array by
 * index + 1 so that 0 means empty and the array can grow by realloc. */
typedef struct index {
	term *terms;
	size_t nterms, capterms;
	uint32_t *slots;
	size_t nslots;
	int failed;
} index_t;

static uint64_t fnv1a(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

#define CODE_UNI (1ULL << 62)
#define CODE_BI (2ULL << 62)

static uint64_t code_hash(uint64_t code)
{
	code ^= code >> 31;
	code *= 0x9E3779B97F4A7C15ULL;
	return code ^ (code >> 29);
}

static int grow_slots(index_t *ix)
{
	size_t n = ix->nslots ? ix->nslots * 2 : 1024;
	uint32_t *s = calloc(n, sizeof *s);
	if (!s)
		return -1;
	for (size_t i = 0; i < ix->nterms; i++) {
		size_t j = ix->terms[i].hash & (n - 1);
		while (s[j])
			j = (j + 1) & (n - 1);
		s[j] = (uint32_t)(i + 1);
	}
	free(ix->slots);
	ix->slots = s;
	ix->nslots = n;
	return 0;
}

/* The term of code (CJK) or of key[0..len) (code 0, a word); key is
 * the term's text in either case, copied when the term is new. */
static term *find_or_add(index_t *ix, uint64_t code, const char *key,
                         size_t len)
{
	if ((ix->nterms + 1) * 2 > ix->nslots && grow_slots(ix) < 0)
		return NULL;
	uint64_t h = code ? code_hash(code) : fnv1a(key, len);
	size_t j = h & (ix->nslots - 1);
	while (ix->slots[j]) {
		term *t = &ix->terms[ix->slots[j] - 1];
		if (t->hash == h && t->code == code &&
		    (code || (t->keylen == len && memcmp(t->key, key, len) == 0)))
			return t;
		j = (j + 1) & (ix->nslots - 1);
	}
	if (CH_GROW(ix->terms, ix->nterms + 1, ix->capterms) < 0)
		return NULL;
	char *k = malloc(len + 1);
	if (!k)
		return NULL;
	memcpy(k, key, len);
	k[len] = '\0';
	term *t = &ix->terms[ix->nterms];
	*t = (term){k, len, code, h, NULL, 0, 0};
	ix->slots[j] = (uint32_t)(++ix->nterms);
	return t;
}

static void hit(index_t *ix, uint64_t code, const char *key, size_t len,
                uint32_t id, int flag)
{
	if (ix->failed)
		return;
	term *t = find_or_add(ix, code, key, len);
	if (!t) {
		ix->failed = 1;
		return;
	}
	if (t->npost == 0 || POST_ID(t->post[t->npost - 1]) != id) {
		if (CH_GROW(t->post, t->npost + 1, t->cappost) < 0) {
			ix->failed = 1;
			return;
		}
		t->post[t->npost++] = id << 6;
	}
	posting *p = &t->post[t->npost - 1];
	if (flag)
		*p |= (uint32_t)flag << 3;
	else if (POST_BODY(*p) < BODY_CAP)
		(*p)++;
}

static void index_free(index_t *ix)
{
	for (size_t i = 0; i < ix->nterms; i++) {
		free(ix->terms[i].key);
		free(ix->terms[i].post);
	}
	free(ix->terms);
	free(ix->slots);
}

/* The code point at s[*i], and *i past it (the pages are valid UTF-8:
 * site.c checked them). */
static uint32_t next_cp(const unsigned char *s, size_t n, size_t *i)
{
	ucs4_t c;

	*i += (size_t)u8_mbtouc(&c, s + *i, n - *i);
	return c;
}

static int is_cjk(uint32_t c)
{
	return (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
	       (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x2FA1F);
}

/* ASCII letters and digits, lowercased, with their full-width forms
 * folded; 0 for anything else. */
static char word_char(uint32_t c)
{
	if (c >= 0xFF10 && c <= 0xFF19)
		c -= 0xFF10 - '0';
	else if (c >= 0xFF21 && c <= 0xFF3A)
		c -= 0xFF21 - 'A';
	else if (c >= 0xFF41 && c <= 0xFF5A)
		c -= 0xFF41 - 'a';
	if (c >= 'A' && c <= 'Z')
		return (char)(c - 'A' + 'a');
	if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
		return (char)c;
	return 0;
}

static void flush_word(index_t *ix, char *w, size_t *wl, uint32_t id,
                       int flag)
{
	if (*wl > 0 && *wl <= WORD_MAX)
		hit(ix, 0, w, *wl, id, flag);
	*wl = 0;
}

/* Cuts text into terms and records them for page id under flag
 * (0 = body). */
static void index_text(index_t *ix, const char *text, uint32_t id, int flag)
{
	if (!text)
		return;
	const unsigned char *s = (const unsigned char *)text;
	size_t n = strlen(text), i = 0;
	char word[WORD_MAX + 1];
	size_t wl = 0;
	size_t prev_start = 0, prev_len = 0; /* previous CJK char, if any */
	uint32_t prev_cp = 0;
	while (i < n) {
		size_t start = i;
		uint32_t c = next_cp(s, n, &i);
		char a = word_char(c);
		if (a) {
			if (wl < sizeof word)
				word[wl] = a;
			wl++; /* counts on past WORD_MAX so long runs are dropped */
			prev_len = 0;
			continue;
		}
		flush_word(ix, word, &wl, id, flag);
		if (!is_cjk(c)) {
			prev_len = 0;
			continue;
		}
		/* Body unigrams would be a third of a large index for little
		 * gain: one-character queries match titles and headings. */
		if (flag)
			hit(ix, CODE_UNI | c, text + start, i - start, id, flag);
		if (prev_len)
			hit(ix, CODE_BI | (uint64_t)prev_cp << 21 | c,
			    text + prev_start, i - prev_start, id, flag);
		prev_start = start;
		prev_len = i - start;
		prev_cp = c;
	}
	flush_word(ix, word, &wl, id, flag);
}

static unsigned weight(posting p)
{
	unsigned f = POST_FLAGS(p);
	return (f & HIT_TITLE ? 16u : 0u) + (f & HIT_HEADING ? 8u : 0u) +
	       (f & HIT_DESC ? 4u : 0u) + POST_BODY(p);
}

/* A JavaScript string literal: JSON's escapes plus U+2028/U+2029 and '<',
 * so the file is valid whichever way a browser reads it. */
static void js_str(ch_buf *b, const char *s, size_t n)
{
	ch_buf_putc(b, '"');
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *esc = NULL;
		char tmp[8];
		if (c == '"')
			esc = "\\\"";
		else if (c == '\\')
			esc = "\\\\";
		else if (c == '\n')
			esc = "\\n";
		else if (c < 0x20 || c == '<' || c == 0x7F) {
			snprintf(tmp, sizeof tmp, "\\u%04x", c);
			esc = tmp;
		} else if (c == 0xE2 && i + 2 < n &&
		           (unsigned char)s[i + 1] == 0x80 &&
		           ((unsigned char)s[i + 2] == 0xA8 ||
		            (unsigned char)s[i + 2] == 0xA9)) {
			esc = (unsigned char)s[i + 2] == 0xA8 ? "\\u2028"
			                                      : "\\u2029";
			ch_buf_append(b, s + i - run, run);
			ch_buf_puts(b, esc);
			run = 0;
			i += 2;
			continue;
		}
		if (esc) {
			ch_buf_append(b, s + i - run, run);
			ch_buf_puts(b, esc);
			run = 0;
		} else {
			run++;
		}
	}
	ch_buf_append(b, s + n - run, run);
	ch_buf_putc(b, '"');
}

static void js_cstr(ch_buf *b, const char *s)
{
	js_str(b, s ? s : "", s ? strlen(s) : 0);
}

/* The page's description, or else the start of its text with runs of
 * white space made one space, cut at a character boundary. */
static void excerpt(ch_buf *b, const gen_page *p)
{
	if (p->description && p->description[0]) {
		js_cstr(b, p->description);
		return;
	}
	ch_buf tmp = CH_BUF_INIT;
	const unsigned char *s = (const unsigned char *)(p->text ? p->text : "");
	size_t n = strlen((const char *)s), i = 0, chars = 0;
	int space = 0;
	while (i < n && chars < EXCERPT_CHARS) {
		size_t start = i;
		uint32_t c = next_cp(s, n, &i);
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
		    c == 0x3000) {
			space = tmp.len > 0;
			continue;
		}
		if (space)
			ch_buf_putc(&tmp, ' ');
		space = 0;
		ch_buf_append(&tmp, s + start, i - start);
		chars++;
	}
	if (i < n)
		ch_buf_puts(&tmp, "…");
	js_str(b, tmp.data ? tmp.data : "", tmp.len);
	if (!ch_buf_ok(&tmp))
		b->failed = 1;
	ch_buf_free(&tmp);
}

/* printf is a measurable share of a large site's build here. */
static void put_uint(ch_buf *b, uint32_t v)
{
	char tmp[12];
	size_t i = sizeof tmp;
	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	ch_buf_append(b, tmp + i, sizeof tmp - i);
}

/* Keys hold no NUL: strcmp's order is their bytes'. */
static int cmp_term(const void *a, const void *b)
{
	return strcmp(((const term *)a)->key, ((const term *)b)->key);
}

/* Every page's title, headings, description and text into ix. */
static int index_pages(index_t *ix, const gen_page *pages, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const gen_page *p = &pages[i];
		uint32_t id = (uint32_t)i;
		index_text(ix, p->title, id, HIT_TITLE);
		for (size_t h = 0; h < p->nheadings; h++)
			index_text(ix, p->headings[h].text, id, HIT_HEADING);
		index_text(ix, p->description, id, HIT_DESC);
		index_text(ix, p->text, id, 0);
	}
	return ix->failed ? -1 : 0;
}

/* "pages": [url, title, section, excerpt] per page. */
static void put_pages(ch_buf *out, const gen_page *pages, size_t n,
                      const char *const *sections)
{
	ch_buf_puts(out, "{\"v\":1,\"pages\":[");
	for (size_t i = 0; i < n; i++) {
		const gen_page *p = &pages[i];
		const char *url = p->url;
		while (*url == '/')
			url++;
		ch_buf_puts(out, i ? ",\n[" : "\n[");
		js_cstr(out, url);
		ch_buf_putc(out, ',');
		js_cstr(out, p->title);
		ch_buf_putc(out, ',');
		js_cstr(out, sections[i]);
		ch_buf_putc(out, ',');
		excerpt(out, p);
		ch_buf_putc(out, ']');
	}
	ch_buf_puts(out, "],\n");
}

/* "terms": {term: [posting, ...]}. One number per page: the gap from the
 * previous id (most are small) times 64 plus the weight (at most 32). */
static void put_terms(ch_buf *out, const term *terms, size_t nterms)
{
	ch_buf_puts(out, "\"terms\":{");
	for (size_t i = 0; i < nterms; i++) {
		const term *t = &terms[i];
		uint32_t prev = 0;
		ch_buf_puts(out, i ? ",\n" : "\n");
		js_str(out, t->key, t->keylen);
		ch_buf_puts(out, ":[");
		for (size_t k = 0; k < t->npost; k++) {
			uint32_t gap = POST_ID(t->post[k]) - prev;
			if (k)
				ch_buf_putc(out, ',');
			prev = POST_ID(t->post[k]);
			put_uint(out, gap * 64u + weight(t->post[k]));
		}
		ch_buf_putc(out, ']');
	}
	ch_buf_puts(out, "}}");
}

int gen_search_shard(const gen_page *pages, size_t n,
                     const char *const *sections, unsigned shard,
                     ch_buf *out, ch_error *e)
{
	index_t ix = {0};
	int rc = -1;

	if (n > MAX_PAGES) {
		ch_fail(e, NULL, 0, "search index: too many pages (%zu)", n);
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (!pages[i].url || !pages[i].title) {
			ch_fail(e, pages[i].src_path, 0,
			        "search index: page without url or title");
			goto out;
		}
	if (index_pages(&ix, pages, n) < 0)
		goto nomem;
	/* The table is done with: its terms are sorted in place (none, and
	 * no table, for pages without text). */
	if (ix.nterms)
		qsort(ix.terms, ix.nterms, sizeof *ix.terms, cmp_term);
	ch_buf_printf(out, "/* certhall-site search index, part %u: generated, "
	              "do not edit. */\n(window.CERTHALL_SEARCH_PARTS = "
	              "window.CERTHALL_SEARCH_PARTS || {})[%u] = ", shard, shard);
	put_pages(out, pages, n, sections);
	put_terms(out, ix.terms, ix.nterms);
	ch_buf_puts(out, ";\n");
	if (!ch_buf_ok(out))
		goto nomem;
	rc = 0;
	goto out;
nomem:
	ch_fail(e, NULL, 0, "search index: out of memory");
out:
	index_free(&ix);
	return rc;
}

void gen_search_part_path(size_t k, char out[GEN_SEARCH_PART_PATH_MAX])
{
	snprintf(out, GEN_SEARCH_PART_PATH_MAX, "search/%zu.js", k);
}

void gen_search_manifest(const unsigned *sizes, size_t nshards, ch_buf *out)
{
	ch_buf_puts(out, "/* certhall-site search index: generated, do not "
	                 "edit. */\nwindow.CERTHALL_SEARCH_MANIFEST = "
	                 "{\"v\":2,\"shards\":[");
	for (size_t i = 0; i < nshards; i++) {
		char path[GEN_SEARCH_PART_PATH_MAX];
		gen_search_part_path(i, path);
		ch_buf_printf(out, "%s\n[\"%s\",%u]", i ? "," : "", path, sizes[i]);
	}
	ch_buf_puts(out, "]};\n");
}
