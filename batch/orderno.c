/* orderno.c: order numbers with an ISO 7064 MOD 11-2 check character. */
#include "batch/orderno.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* Pure ISO 7064 MOD 11-2: the check c makes sum(d_i * 2^(n+1-i)) + c
 * congruent to 1 mod 11. The weights are powers of 2 modulo the prime 11,
 * so neighbours always differ (w and 2w): a swap of two different digits,
 * or of the last digit and the check, changes the sum. The check is
 * '0'-'9' or 'X', or 0 if s holds anything but digits. */
static char orderno_check_char(const char *s, size_t n)
{
	int sum = 0;

	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return 0;
		sum = ((sum + (s[i] - '0')) * 2) % 11;
	}
	sum = (12 - sum) % 11;
	return sum == 10 ? 'X' : (char)('0' + sum);
}

int orderno_make(long day, long seq, char out[ORDERNO_LEN + 1])
{
	if (seq < 1 || seq > ORDERNO_MAX_SEQ || day < 19000101 || day > 99991231)
		return -1;
	snprintf(out, ORDERNO_LEN + 1, "SX%08ld%05ld?", day, seq);
	out[ORDERNO_LEN - 1] = orderno_check_char(out + 2, ORDERNO_LEN - 3);
	return 0;
}

int orderno_parse(const char *s, char out[ORDERNO_LEN + 1])
{
	char buf[ORDERNO_LEN + 1];
	size_t n = 0;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == ' ' || c == '-' || c == '\t')
			continue;
		if (n == ORDERNO_LEN)
			return 0;
		buf[n++] = (char)toupper(c);
	}
	buf[n] = '\0';
	if (n != ORDERNO_LEN || buf[0] != 'S' || buf[1] != 'X')
		return 0;
	if (orderno_check_char(buf + 2, ORDERNO_LEN - 3) != buf[n - 1])
		return 0;
	memcpy(out, buf, ORDERNO_LEN + 1);
	return 1;
}
