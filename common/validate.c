/* validate.c: BUNDLE.md's checks on single values.
 *
 * Each check folds full-width characters first, because applicants type
 * with Chinese input methods. Where a standard leaves room (address codes,
 * organisation codes inside a credit code) the check stays lenient: a
 * real number refused is worse than a typo let through to review. */
#include "common/validate.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unictype.h>
#include <unistr.h>

#include "common/text.h"

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static char upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

/* Today's date in Asia/Shanghai (UTC+8 all year, no daylight saving). */
static long today_shanghai(void)
{
	time_t t = time(NULL) + 8 * 3600;
	struct tm tm;

	if (!gmtime_r(&t, &tm))
		return 0;
	return (long)(tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

static int real_date(int y, int m, int d)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	int max;

	if (m < 1 || m > 12 || d < 1)
		return 0;
	max = days[m - 1] + (m == 2 && leap);
	return d <= max;
}

/* GB 11643-1999 with ISO 7064 MOD 11-2. */
static int id_number(const char *s, long today)
{
	static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	static const char check[] = "10X98765432";
	int sum = 0, y, m, d;
	long birth;

	if (strlen(s) != 18)
		return 0;
	for (int i = 0; i < 17; i++) {
		if (!is_digit(s[i]))
			return 0;
		sum += (s[i] - '0') * w[i];
	}
	/* No province code, permit code (81-83) or foreigner code (9)
	 * starts with 0; beyond that the address code is not looked up. */
	if (s[0] == '0')
		return 0;
	if (upper(s[17]) != check[sum % 11])
		return 0;
	y = (s[6] - '0') * 1000 + (s[7] - '0') * 100 + (s[8] - '0') * 10 + (s[9] - '0');
	m = (s[10] - '0') * 10 + (s[11] - '0');
	d = (s[12] - '0') * 10 + (s[13] - '0');
	if (y < 1800 || !real_date(y, m, d))
		return 0;
	birth = (long)y * 10000 + m * 100 + d;
	if (today == 0)
		today = today_shanghai();
	return birth <= today;
}

static const char uscc_chars[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/* GB 32100-2015: 1 registration authority, 1 type, 6 division code,
 * 9 organisation code, 1 check character over the 31-character set. */
static int uscc(const char *s)
{
	static const int w[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25,
	                          13, 8, 24, 10, 30, 28};
	/* The authorities of the standard's Table 1 with later additions
	 * (A: 中央军委改革和编制办公室, N: 农业); Y is 其他. */
	static const char authorities[] = "123456789ANY";
	int sum = 0;
	const char *c;

	if (strlen(s) != 18)
		return 0;
	for (int i = 0; i < 18; i++) {
		char ch = upper(s[i]);
		if (!ch || !(c = strchr(uscc_chars, ch)))
			return 0;
		if (i < 17)
			sum += (int)(c - uscc_chars) * w[i];
	}
	if (!strchr(authorities, upper(s[0])))
		return 0;
	/* Every type code of the standard is a digit 1-9; the division code
	 * is six digits. The organisation code inside is not re-checked:
	 * older codes were issued with irregular check characters. */
	if (s[1] < '1' || s[1] > '9')
		return 0;
	for (int i = 2; i < 8; i++)
		if (!is_digit(s[i]))
			return 0;
	return upper(s[17]) == uscc_chars[(31 - sum % 31) % 31];
}

/* Copies s without spaces and dashes into out (cap bytes with the NUL);
 * 0 if it does not fit. */
static int strip_separators(const char *s, char *out, size_t cap)
{
	size_t o = 0;

	for (; *s; s++) {
		if (*s == ' ' || *s == '-')
			continue;
		if (o + 1 >= cap)
			return 0;
		out[o++] = *s;
	}
	out[o] = '\0';
	return 1;
}

static int mobile(const char *s, char out[12])
{
	char d[24];
	const char *p;

	if (!strip_separators(s, d, sizeof d))
		return 0;
	/* The country code is dropped only where it cannot be part of the
	 * number: a mainland mobile starts with 1, never with 86. */
	if (!strncmp(d, "+86", 3))
		p = d + 3;
	else if (strlen(d) == 13 && !strncmp(d, "86", 2))
		p = d + 2;
	else
		p = d;
	if (strlen(p) != 11 || p[0] != '1' || p[1] < '3' || p[1] > '9')
		return 0;
	for (int i = 0; i < 11; i++)
		if (!is_digit(p[i]))
			return 0;
	if (out)
		memcpy(out, p, 12);
	return 1;
}

static int label_ok(const char *p, size_t n)
{
	if (n < 1 || n > 63 || p[0] == '-' || p[n - 1] == '-')
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		if (!is_digit(c) && !(c >= 'a' && c <= 'z') &&
		    !(c >= 'A' && c <= 'Z') && c != '-')
			return 0;
	}
	return 1;
}

/* The top-level label: letters only (every delegated TLD), or an IDN
 * TLD in its punycode form. */
static int tld_ok(const char *p, size_t n)
{
	if (n >= 4 && (p[0] == 'x' || p[0] == 'X') && (p[1] == 'n' || p[1] == 'N') &&
	    p[2] == '-' && p[3] == '-')
		return n > 4;
	if (n < 2)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!(p[i] >= 'a' && p[i] <= 'z') && !(p[i] >= 'A' && p[i] <= 'Z'))
			return 0;
	return 1;
}

/* One character of a local part: ASCII letters, digits and . _ % + -,
 * or a non-ASCII letter (a Chinese local part is real). Everything else
 * RFC 5322 allows there (` $ ' ! | { } ; ...) means something to a
 * shell or a mail header and is not seen in real addresses here.
 * Returns the character's length in bytes, 0 if it is not allowed. */
static size_t local_char(const char *p, size_t n)
{
	unsigned char c = (unsigned char)*p;
	ucs4_t uc;
	int len;

	if (c < 0x80)
		return c && (is_digit((char)c) || (c >= 'a' && c <= 'z') ||
		             (c >= 'A' && c <= 'Z') || strchr("._%+-", (char)c)) ? 1 : 0;
	len = u8_mbtoucr(&uc, (const uint8_t *)p, n);
	if (len <= 0 || !uc_is_general_category(uc, UC_CATEGORY_L))
		return 0;
	return (size_t)len;
}

/* A dot-atom of the characters above, at most 64 bytes (RFC 5321), not
 * starting with '-' so that it can never pass for an option. */
static int local_ok(const char *p, size_t n)
{
	if (n < 1 || n > 64 || p[0] == '.' || p[0] == '-' || p[n - 1] == '.')
		return 0;
	for (size_t i = 0; i < n;) {
		size_t k = local_char(p + i, n - i);
		if (!k || (p[i] == '.' && p[i + 1] == '.'))
			return 0;
		i += k;
	}
	return 1;
}

/* Stricter than RFC 5322 on purpose: the address is later handed to
 * msmtp and written into a mail header, so it admits what a person
 * types and a mail server accepts, and nothing a shell or header parser
 * would read as syntax. */
static int email(const char *s)
{
	const char *at = strchr(s, '@'), *dom, *dot;
	size_t n = strlen(s), len = 0;
	int labels = 0;

	if (n > 254 || !at || strchr(at + 1, '@') || !local_ok(s, (size_t)(at - s)))
		return 0;
	dom = at + 1;
	for (;;) {
		dot = strchr(dom, '.');
		len = dot ? (size_t)(dot - dom) : strlen(dom);
		if (!label_ok(dom, len))
			return 0;
		labels++;
		if (!dot)
			break;
		dom = dot + 1;
	}
	return labels >= 2 && tld_ok(dom, len);
}

static int postcode(const char *s)
{
	if (!*s)
		return 1;
	if (strlen(s) != 6)
		return 0;
	for (int i = 0; i < 6; i++)
		if (!is_digit(s[i]))
			return 0;
	return 1;
}

static int taxpayer_id(const char *s)
{
	size_t n = strlen(s);

	if (n != 15 && n != 17 && n != 18 && n != 20)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = upper(s[i]);
		if (!is_digit(c) && !(c >= 'A' && c <= 'Z'))
			return 0;
	}
	return n != 18 || uscc(s);
}

static int bank_account(const char *s, char out[33])
{
	char d[33];
	size_t n;

	if (!strip_separators(s, d, sizeof d))
		return 0;
	n = strlen(d);
	if (n < 6 || n > 32)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!is_digit(d[i]))
			return 0;
	if (out)
		memcpy(out, d, n + 1);
	return 1;
}

/* Folds s and runs one of the checks above. A NULL fold is no memory:
 * the value is refused rather than let through unchecked. */
#define FOLDED(s, expr)                                                    \
	do {                                                               \
		char *f_ = ch_fold_fullwidth(s);                           \
		int r_;                                                    \
		if (!f_)                                                   \
			return 0;                                          \
		r_ = (expr);                                               \
		free(f_);                                                  \
		return r_;                                                 \
	} while (0)

int ch_valid_id_number(const char *s, long today)
{
	FOLDED(s, id_number(f_, today));
}

int ch_valid_uscc(const char *s)
{
	FOLDED(s, uscc(f_));
}

int ch_valid_mobile(const char *s, char out[12])
{
	FOLDED(s, mobile(f_, out));
}

int ch_valid_email(const char *s)
{
	FOLDED(s, email(f_));
}

int ch_valid_postcode(const char *s)
{
	FOLDED(s, postcode(f_));
}

int ch_valid_taxpayer_id(const char *s)
{
	FOLDED(s, taxpayer_id(f_));
}

int ch_valid_bank_account(const char *s, char out[33])
{
	FOLDED(s, bank_account(f_, out));
}

static const struct {
	const char *name;
	const char *code;
} checks[] = {
	{"id_number", "ID_NUMBER_INVALID"},
	{"uscc", "USCC_INVALID"},
	{"mobile", "MOBILE_INVALID"},
	{"email", "EMAIL_INVALID"},
	{"postcode", "POSTCODE_INVALID"},
	{"taxpayer_id", "TAXPAYER_ID_INVALID"},
	{"bank_account", "BANK_ACCOUNT_INVALID"},
};

int ch_check_known(const char *check)
{
	for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++)
		if (!strcmp(check, checks[i].name))
			return 1;
	return 0;
}

const char *ch_check_value(const char *check, const char *value, long today)
{
	int ok;

	if (!strcmp(check, "id_number"))
		ok = ch_valid_id_number(value, today);
	else if (!strcmp(check, "uscc"))
		ok = ch_valid_uscc(value);
	else if (!strcmp(check, "mobile"))
		ok = ch_valid_mobile(value, NULL);
	else if (!strcmp(check, "email"))
		ok = ch_valid_email(value);
	else if (!strcmp(check, "postcode"))
		ok = ch_valid_postcode(value);
	else if (!strcmp(check, "taxpayer_id"))
		ok = ch_valid_taxpayer_id(value);
	else if (!strcmp(check, "bank_account"))
		ok = ch_valid_bank_account(value, NULL);
	else
		return "SCHEMA_UNKNOWN_CHECK";
	if (ok)
		return NULL;
	for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++)
		if (!strcmp(check, checks[i].name))
			return checks[i].code;
	return "SCHEMA_UNKNOWN_CHECK";
}

const char *ch_check_value_why(const char *check, const char *value,
                               long today, const char **variant)
{
	const char *code = ch_check_value(check, value, today);

	*variant = NULL;
	if (code && !strcmp(check, "id_number") && ch_utf8_chars(value) != 18)
		*variant = "length";
	return code;
}
