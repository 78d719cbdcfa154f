/* appid.c: application ids (see appid.h). */
#include "batch/appid.h"

#include <ctype.h>
#include <string.h>

static int crockford(char c)
{
	return (c >= '0' && c <= '9') ||
	       (c >= 'A' && c <= 'Z' && c != 'I' && c != 'L' && c != 'O' && c != 'U');
}

int appid_is_canonical(const char *s)
{
	for (int i = 0; i < APPID_LEN; i++) {
		if (i == 4 || i == 9) {
			if (s[i] != '-')
				return 0;
		} else if (!crockford(s[i])) {
			return 0;
		}
	}
	return s[APPID_LEN] == '\0';
}

int appid_parse(const char *s, char out[APPID_LEN + 1])
{
	char raw[12];
	int n = 0;

	for (; *s; s++) {
		char c = (char)toupper((unsigned char)*s);
		if (c == ' ' || c == '-' || c == '\t')
			continue;
		if (c == 'O')
			c = '0';
		else if (c == 'I' || c == 'L')
			c = '1';
		if (!crockford(c) || n == 12)
			return 0;
		raw[n++] = c;
	}
	if (n != 12)
		return 0;
	memcpy(out, raw, 4);
	out[4] = '-';
	memcpy(out + 5, raw + 4, 4);
	out[9] = '-';
	memcpy(out + 10, raw + 8, 4);
	out[APPID_LEN] = '\0';
	return 1;
}

/* The code point of the three-byte UTF-8 sequence at p, or 0. */
static unsigned three(const unsigned char *p)
{
	if ((p[0] & 0xF0) != 0xE0 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
		return 0;
	return (unsigned)(p[0] & 0x0F) << 12 | (unsigned)(p[1] & 0x3F) << 6 |
	       (p[2] & 0x3F);
}

static char fold_one(unsigned cp)
{
	if (cp >= 0xFF01 && cp <= 0xFF5E)
		return (char)(cp - 0xFEE0);
	if (cp == 0x3000)
		return ' ';
	if ((cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212 || cp == 0x30FC ||
	    cp == 0xFE58 || cp == 0xFE63)
		return '-';
	return 0;
}

int appid_fold(const char *s, char *out, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t k = 0;

	while (*p) {
		char c = fold_one(three(p));
		size_t len = c ? 3 : 1;
		if (k + 1 >= n)
			return 0;
		out[k++] = c ? c : (char)*p;
		p += len;
	}
	out[k] = '\0';
	return 1;
}
