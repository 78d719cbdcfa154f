/* Entry names: decoded from UTF-8 or GB18030 to NFC, and judged on the
 * decoded text, never on raw bytes. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "batch/intake/zipnames.h"

static int decode(const char *raw, size_t n, int flag, char **out)
{
	return zname_decode((const unsigned char *)raw, n, flag, out);
}

Test(zipnames, utf8_and_gb18030)
{
	char *s;

	cr_assert_eq(decode("营业执照.jpg", strlen("营业执照.jpg"), 1, &s), 0);
	cr_assert_str_eq(s, "营业执照.jpg");
	free(s);
	/* GBK 营业执照.jpg without the flag */
	cr_assert_eq(decode("\xD3\xAA\xD2\xB5\xD6\xB4\xD5\xD5.jpg", 12, 0, &s), 0);
	cr_assert_str_eq(s, "营业执照.jpg");
	free(s);
}

Test(zipnames, gbk_second_byte_backslash_is_not_a_backslash)
{
	char *s;

	/* 淺 is 9C 5C in GBK. */
	cr_assert_eq(decode("a\x9C\x5C.pdf", 7, 0, &s), 0);
	cr_assert_str_eq(s, "a淺.pdf");
	cr_assert_not(zname_unsafe(s));
	free(s);
}

Test(zipnames, flag_says_utf8_but_bytes_are_not)
{
	char *s;

	cr_assert_eq(decode("\xCB\xB5\xC3\xF7.pdf", 8, 1, &s), 1); /* 说明 */
	cr_assert_null(s);
}

Test(zipnames, neither_encoding_or_nul)
{
	char *s;

	cr_assert_eq(decode("\xFF\xFE.pdf", 6, 0, &s), 1);
	cr_assert_eq(decode("a\0b.pdf", 7, 0, &s), 1);
	cr_assert_eq(decode("a\0b.pdf", 7, 1, &s), 1);
}

Test(zipnames, normalised_to_nfc)
{
	char *s;

	/* "é" decomposed: e + U+0301 */
	cr_assert_eq(decode("Cafe\xCC\x81.pdf", 10, 1, &s), 0);
	cr_assert_str_eq(s, "Caf\xC3\xA9.pdf");
	free(s);
}

Test(zipnames, unsafe_names)
{
	static const char *const bad[] = {
		"", "/etc/passwd", "../x.pdf", "a/../../x.pdf", "a/..", "./x.pdf",
		"a//b.pdf", "C:x.pdf", "c:/x.pdf", "a/D:x", "a\\b.pdf", "x\x01.pdf",
		"x\x7F.pdf", "x\xC2\x85.pdf", ("evil\xE2\x80\xAE" "fdp.exe"), "x\n",
		"a/./b"};
	static const char *const good[] = {
		"a.pdf", "申请材料/授权委托书.pdf", "a..b.pdf", "...", "ab:c.pdf",
		"x y.pdf", "a淺.pdf", "1:2"};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		cr_assert(zname_unsafe(bad[i]), "should be unsafe: %s", bad[i]);
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		cr_assert_not(zname_unsafe(good[i]), "should be safe: %s", good[i]);
}

Test(zipnames, printable_escapes_controls_and_invalid_bytes)
{
	char *s = zname_printable("a\x07\xFF\xE2\x80\xAE" "b营", 10);

	cr_assert_str_eq(s, "a\\x07\\xFF\\xE2\\x80\\xAEb营");
	free(s);
}
