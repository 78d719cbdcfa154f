/* Text handling: UTF-8, full-width folding, GB18030, NFC and the masks
 * that keep personal numbers out of logs. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "common/text.h"

Test(text, utf8_valid)
{
	static const char *const good[] = {"", "abc", "张三", "\xF0\x9F\x98\x80",
	                                   "\xEF\xBC\x91"};
	static const char *const bad[] = {
		"\xC0\xAF",         /* overlong '/' */
		"\xE0\x80\xAF",     /* overlong */
		"\xED\xA0\x80",     /* surrogate */
		"\xF4\x90\x80\x80", /* past U+10FFFF */
		"\xE5\xBC",         /* truncated */
		"\x80",             /* lone continuation */
		"\xD5\xC5\xC8\xFD", /* 张三 in GBK */
	};

	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		cr_expect(ch_utf8_valid(good[i], strlen(good[i])), "good[%zu]", i);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		cr_expect(!ch_utf8_valid(bad[i], strlen(bad[i])), "bad[%zu]", i);
}

Test(text, fold_fullwidth)
{
	char *s = ch_fold_fullwidth("１３８　Ａｂ－张三ｚＺ０９");

	cr_assert_not_null(s);
	/* Digits, letters and the ideographic space fold; the full-width
	 * hyphen and Chinese stay. */
	cr_expect_str_eq(s, "138 Ab－张三zZ09");
	free(s);
}

Test(text, gb18030_name_from_a_zip)
{
	/* "身份证-张三.jpg" as Windows Explorer writes it on Chinese Windows. */
	static const char gbk[] = "\xC9\xED\xB7\xDD\xD6\xA4-\xD5\xC5\xC8\xFD.jpg";
	/* A GBK second byte may be 0x5C, the backslash (0x95 0x5C). */
	static const char backslash[] = "\x95\x5C";
	char *s = ch_gb18030_to_utf8(gbk, strlen(gbk));

	cr_assert_not_null(s);
	cr_expect_str_eq(s, "身份证-张三.jpg");
	free(s);
	s = ch_gb18030_to_utf8(backslash, 2);
	cr_assert_not_null(s);
	cr_expect_null(strchr(s, '\\'), "the second byte is not a backslash");
	free(s);
	/* A four-byte GB18030 sequence: U+20000 (𠀀) is 0x95 0x32 0x82 0x36. */
	s = ch_gb18030_to_utf8("\x95\x32\x82\x36", 4);
	cr_assert_not_null(s);
	cr_expect_str_eq(s, "\xF0\xA0\x80\x80");
	free(s);
	/* Truncated and invalid sequences are refused, NUL too. */
	cr_expect_null(ch_gb18030_to_utf8("\xD5", 1));
	cr_expect_null(ch_gb18030_to_utf8("\xFF\xFF", 2));
	cr_expect_null(ch_gb18030_to_utf8("a\0b", 3));
}

Test(text, nfc)
{
	/* e + combining acute -> é; Hangul jamo -> syllable. */
	char *s = ch_nfc("Cafe\xCC\x81");

	cr_assert_not_null(s);
	cr_expect_str_eq(s, "Caf\xC3\xA9");
	free(s);
	s = ch_nfc("\xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB");
	cr_assert_not_null(s);
	cr_expect_str_eq(s, "\xED\x95\x9C");
	free(s);
	s = ch_nfc("张三.jpg");
	cr_assert_not_null(s);
	cr_expect_str_eq(s, "张三.jpg");
	free(s);
	cr_expect_null(ch_nfc("\xC0\xAF"));
}

Test(text, masks)
{
	char out[64];

	ch_mask_id("11010519491231002X", out);
	cr_expect_str_eq(out, "1101**********002X");
	ch_mask_id("１１０１０５１９４９１２３１００２Ｘ", out);
	cr_expect_str_eq(out, "1101**********002X");
	ch_mask_mobile("13812345678", out);
	cr_expect_str_eq(out, "138****5678");
	ch_mask_mobile("+86 138-1234-5678", out);
	cr_expect_str_eq(out, "138****5678");
	ch_mask_account("0502 1234 5678 9012 345", out);
	cr_expect_str_eq(out, "0502***********2345");
	ch_mask_email("wangwu@example.com", out);
	cr_expect_str_eq(out, "w***@example.com");
	/* The first character whole, never half a UTF-8 sequence. */
	ch_mask_email("王小明@example.com", out);
	cr_expect_str_eq(out, "王***@example.com");
	ch_mask_recipient("sms", "13812345678", out);
	cr_expect_str_eq(out, "138****5678");
	ch_mask_recipient("email", "a@example.com", out);
	cr_expect_str_eq(out, "a***@example.com");
	/* Too short to keep anything without showing it all. */
	ch_mask_account("1234", out);
	cr_expect_str_eq(out, "****");
	ch_mask_id("", out);
	cr_expect_str_eq(out, "");
	/* Longer than the output: cut, never overflowing. */
	ch_mask_id("1234567890123456789012345678901234567890123456789012345678901234567890", out);
	cr_expect_eq(strlen(out), 63);
	cr_expect(!strncmp(out, "1234****", 8));
}

/* What snprintf leaves when it cuts a Chinese string: the half
 * character goes, whole ones and ASCII stay. */
Test(text, utf8_cut_tail)
{
	static const char *const cases[][2] = {
		{"", ""},
		{"abc", "abc"},
		{"张三", "张三"},
		{"张\xe4\xb8", "张"},
		{"张\xe4", "张"},
		{"a\xf0\x9f\x98", "a"},
		{"a\xf0\x9f\x98\x80", "a\xf0\x9f\x98\x80"},
		{"a\xc3", "a"},
		{"a\xc3\xa9", "a\xc3\xa9"},
		{"\x80\x80", "\x80\x80"}, /* not a cut character: left alone */
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char s[16];
		strcpy(s, cases[i][0]);
		ch_utf8_cut_tail(s);
		cr_expect_str_eq(s, cases[i][1], "case %zu", i);
		cr_expect(ch_utf8_valid(s, strlen(s)) || i == 9, "case %zu", i);
	}
}
