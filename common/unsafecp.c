/* unsafecp.c: the list of unsafe code points and the decoder. */
#include "common/unsafecp.h"

#include <string.h>

const ch_cp_range ch_unsafe_ranges[] = {
	{0x0000, 0x001F}, /* C0 controls */
	{0x007F, 0x009F}, /* DEL, C1 controls */
	{0x061C, 0x061C}, /* ARABIC LETTER MARK */
	{0x200E, 0x200F}, /* LRM, RLM */
	{0x2028, 0x202E}, /* line and paragraph separators, LRE RLE PDF LRO RLO */
	{0x2066, 0x2069}, /* LRI RLI FSI PDI */
};
const size_t ch_unsafe_nranges = sizeof ch_unsafe_ranges / sizeof ch_unsafe_ranges[0];

int ch_cp_unsafe(uint32_t cp)
{
	for (size_t i = 0; i < ch_unsafe_nranges && cp >= ch_unsafe_ranges[i].first; i++)
		if (cp <= ch_unsafe_ranges[i].last)
			return 1;
	return 0;
}

size_t ch_utf8_decode(const unsigned char *p, size_t n, uint32_t *cp)
{
	unsigned c = p[0];
	size_t k;
	uint32_t v, min;

	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xC2 && c <= 0xDF) {
		k = 1; v = c & 0x1F; min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		k = 2; v = c & 0x0F; min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		k = 3; v = c & 0x07; min = 0x10000;
	} else {
		return 0;
	}
	if (n <= k)
		return 0;
	for (size_t i = 1; i <= k; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (p[i] & 0x3F);
	}
	if (v < min || (v >= 0xD800 && v <= 0xDFFF) || v > 0x10FFFF)
		return 0;
	*cp = v;
	return k + 1;
}

int ch_text_unsafe(const char *s, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);

	while (n) {
		uint32_t c;
		size_t len = ch_utf8_decode(p, n, &c);

		if (!len) {
			*cp = 0x110000u + p[0];
			return 1;
		}
		if (ch_cp_unsafe(c)) {
			*cp = c;
			return 1;
		}
		p += len;
		n -= len;
	}
	return 0;
}

int ch_check_text(const char *option, const char *text, size_t max,
                  ch_error *e)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t n = strlen(text), chars = 0, blank = 1;
	uint32_t cp;

	for (size_t i = 0; i < n;) {
		size_t k = ch_utf8_decode(p + i, n - i, &cp);
		if (!k)
			return ch_fail(e, NULL, 0, "%s: not UTF-8 text", option);
		if (ch_cp_unsafe(cp))
			return ch_fail(e, NULL, 0, "%s: control or bidi character "
			               "U+%04X not allowed", option, (unsigned)cp);
		if (cp != ' ' && cp != 0x3000)
			blank = 0;
		chars++;
		i += k;
	}
	if (blank)
		return ch_fail(e, NULL, 0, "%s: empty", option);
	if (chars > max)
		return ch_fail(e, NULL, 0, "%s: %zu characters, at most %zu", option,
		               chars, max);
	return 0;
}
