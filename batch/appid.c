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
