/* termsafe.c: text made harmless for a terminal (see termsafe.h). */
#include "batch/termsafe.h"

/* Length of a dangerous sequence at s, or 0. */
static int dangerous(const unsigned char *s)
{
	if (s[0] < 0x20 || s[0] == 0x7f)
		return 1;
	if (s[0] == 0xc2 && s[1] >= 0x80 && s[1] <= 0x9f)
		return 2;
	if (s[0] == 0xe2 && s[1] == 0x80 &&
	    (s[2] == 0x8e || s[2] == 0x8f || (s[2] >= 0xaa && s[2] <= 0xae)))
		return 3;
	if (s[0] == 0xe2 && s[1] == 0x81 && s[2] >= 0xa6 && s[2] <= 0xa9)
		return 3;
	return 0;
}

void term_puts(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	while (*p) {
		int n = dangerous(p);
		if (n) {
			fputc('?', out);
			p += n;
		} else {
			fputc(*p++, out);
		}
	}
}
