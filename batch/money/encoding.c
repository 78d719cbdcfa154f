/* encoding.c: telling a statement's encoding and converting its lines
 * through glibc's iconv (see encoding.h). */
#include "batch/money/encoding.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/sha256.h"

const char *enc_name(stmt_encoding enc)
{
	switch (enc) {
	case STMT_UTF8:
		return "UTF-8";
	case STMT_UTF8_BOM:
		return "UTF-8 with BOM";
	default:
		return "GB18030";
	}
}

/* A streaming UTF-8 check: *need is how many continuation bytes the
 * sequence in progress still wants, lo and hi the range of the next one
 * (which closes overlong forms and surrogates). */
typedef struct utf8_state {
	int need;
	unsigned char lo, hi;
	int bad;
} utf8_state;

static void utf8_feed(utf8_state *u, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n && !u->bad; i++) {
		unsigned char c = p[i];
		if (u->need) {
			if (c < u->lo || c > u->hi) {
				u->bad = 1;
				break;
			}
			u->lo = 0x80;
			u->hi = 0xbf;
			u->need--;
			continue;
		}
		if (c < 0x80)
			continue;
		u->lo = 0x80;
		u->hi = 0xbf;
		if (c >= 0xc2 && c <= 0xdf) {
			u->need = 1;
		} else if (c >= 0xe0 && c <= 0xef) {
			u->need = 2;
			if (c == 0xe0)
				u->lo = 0xa0;
			else if (c == 0xed)
				u->hi = 0x9f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			u->need = 3;
			if (c == 0xf0)
				u->lo = 0x90;
			else if (c == 0xf4)
				u->hi = 0x8f;
		} else {
			u->bad = 1;
		}
	}
}

int enc_scan(FILE *f, const char *name, stmt_scan *out, ch_error *e)
{
	unsigned char buf[65536], head[8] = {0};
	size_t n, headn = 0;
	utf8_state u = {0, 0x80, 0xbf, 0};
	ch_sha256 h;
	long long total = 0;
	int nul = 0;

	ch_sha256_init(&h);
	while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
		if (headn < sizeof head) {
			size_t k = n < sizeof head - headn ? n : sizeof head - headn;
			memcpy(head + headn, buf, k);
			headn += k;
		}
		ch_sha256_update(&h, buf, n);
		utf8_feed(&u, buf, n);
		if (!nul && memchr(buf, '\0', n))
			nul = 1;
		total += (long long)n;
	}
	if (ferror(f))
		return ch_fail(e, name, 0, "cannot read the file: %s", strerror(errno));
	ch_sha256_hex(&h, out->sha256);
	out->bytes = total;
	if (headn >= 4 && !memcmp(head, "PK\x03\x04", 4))
		return ch_fail(e, name, 0, "a ZIP or XLSX workbook, not a CSV/TXT "
		               "export: save it as CSV and import that");
	if (headn >= 8 && !memcmp(head, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8))
		return ch_fail(e, name, 0, "an XLS workbook, not a CSV/TXT export: "
		               "save it as CSV and import that");
	if (headn >= 2 && (!memcmp(head, "\xff\xfe", 2) || !memcmp(head, "\xfe\xff", 2)))
		return ch_fail(e, name, 0, "UTF-16 text: save it as CSV in UTF-8 "
		               "or GB18030 and import that");
	if (nul)
		return ch_fail(e, name, 0, "binary data (NUL bytes), not a "
		               "CSV/TXT export");
	if (total == 0)
		return ch_fail(e, name, 0, "the file is empty");
	if (!u.bad && !u.need)
		out->encoding = headn >= 3 && !memcmp(head, "\xef\xbb\xbf", 3)
		                    ? STMT_UTF8_BOM : STMT_UTF8;
	else
		out->encoding = STMT_GB18030;
	return 0;
}

int enc_conv_open(enc_conv *c, stmt_encoding enc)
{
	c->encoding = enc;
	c->cd = (iconv_t)-1;
	c->buf = NULL;
	c->cap = 0;
	if (enc != STMT_GB18030)
		return 0;
	c->cd = iconv_open("UTF-8", "GB18030");
	return c->cd == (iconv_t)-1 ? -1 : 0;
}

int enc_conv_line(enc_conv *c, const char *s, size_t n, const char **out,
                  size_t *out_len)
{
	char *in = (char *)s, *o;
	size_t inleft = n, outleft, need;

	if (c->encoding != STMT_GB18030) {
		*out = s;
		*out_len = n;
		return 0;
	}
	/* Two bytes of GB18030 become at most three of UTF-8, four at most
	 * four: 2n covers every line, plus the NUL. */
	if (n > (SIZE_MAX - 8) / 2)
		return -1;
	need = 2 * n + 8;
	if (need > c->cap) {
		char *p = realloc(c->buf, need);
		if (!p)
			return -1;
		c->buf = p;
		c->cap = need;
	}
	iconv(c->cd, NULL, NULL, NULL, NULL);
	o = c->buf;
	outleft = c->cap - 1;
	if (iconv(c->cd, &in, &inleft, &o, &outleft) == (size_t)-1 ||
	    iconv(c->cd, NULL, NULL, &o, &outleft) == (size_t)-1)
		return -1;
	*o = '\0';
	*out = c->buf;
	*out_len = (size_t)(o - c->buf);
	return 0;
}

void enc_conv_close(enc_conv *c)
{
	if (c->cd != (iconv_t)-1)
		iconv_close(c->cd);
	free(c->buf);
	c->buf = NULL;
}
