/* What reaches an operator's terminal from names outsiders choose:
 * common/termsafe.c and its use in ch_error_print. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/termsafe.h"

static void expect_safe(const char *in, const char *want)
{
	ch_buf b = CH_BUF_INIT;
	char *mem = NULL;
	size_t memlen = 0;
	FILE *f;

	ch_term_buf(&b, in);
	cr_assert(ch_buf_ok(&b));
	cr_expect_str_eq(b.data ? b.data : "", want);
	ch_buf_free(&b);

	f = open_memstream(&mem, &memlen);
	cr_assert_not_null(f);
	cr_expect_eq(ch_term_fputs(in, f), 0);
	cr_assert_eq(fclose(f), 0);
	cr_expect_str_eq(mem, want, "the FILE and buffer forms agree");
	free(mem);
}

Test(termsafe, plain_and_chinese_text_unchanged)
{
	expect_safe("", "");
	expect_safe("incoming/营业执照 (1).pdf", "incoming/营业执照 (1).pdf");
	expect_safe("emoji 😀 and é", "emoji 😀 and é");
}

Test(termsafe, escape_sequences_lose_their_escape)
{
	/* Clear screen, retitle the window, OSC 8 hyperlink, 8-bit CSI. */
	expect_safe("a\x1b[2Jb", "a?[2Jb");
	expect_safe("\x1b]0;pwned\x07.pdf", "?]0;pwned?.pdf");
	expect_safe("\x1b]8;;http://x\x1b\\y", "?]8;;http://x?\\y");
	expect_safe("a\xc2\x9b" "31mb", "a?31mb");
}

Test(termsafe, controls_and_del)
{
	expect_safe("a\tb\nc\rd\be\x7f" "f", "a?b?c?d?e?f");
	expect_safe("\x01\x1f", "??");
	expect_safe("\xc2\x80\xc2\x85\xc2\x9f", "???");
	expect_safe("\xc2\xa0", "\xc2\xa0"); /* NBSP is not a control */
}

Test(termsafe, bidi_controls)
{
	/* "exe.pdf" shown for a file that is really ...fdp.exe */
	expect_safe("invoice\xe2\x80\xae" "fdp.exe", "invoice?fdp.exe");
	expect_safe("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad", "????");
	expect_safe("\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9", "????");
	expect_safe("\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c", "???");
	expect_safe("\xe2\x80\xa8\xe2\x80\xa9", "??");
}

Test(termsafe, invalid_utf8_byte_by_byte)
{
	expect_safe("a\xff" "b", "a?b");
	expect_safe("\xc0\xaf", "??");            /* overlong '/' */
	expect_safe("\xed\xa0\x80", "???");        /* surrogate */
	expect_safe("\xf4\x90\x80\x80", "????");   /* past U+10FFFF */
	expect_safe("\xe4\xb8", "??");             /* truncated 中 */
	expect_safe("\x80" "中", "?中");
	/* A lead byte swallowing an escape must not hide it. */
	expect_safe("\xe4\x1b[2J", "??[2J");
}

Test(error, print_is_terminal_safe, .init = cr_redirect_stderr)
{
	ch_error e;

	ch_fail(&e, "incoming/\x1b]0;x\x07\xe2\x80\xae" "fdp.exe", 3,
	        "bad name \x1b[31m%s", "\xff");
	ch_error_print(&e, "certhall-batch");
	fflush(stderr);
	cr_assert_stderr_eq_str(
		"certhall-batch: incoming/?]0;x??fdp.exe:3: bad name ?[31m?\n");
}

Test(error, print_without_file_or_line, .init = cr_redirect_stderr)
{
	ch_error e;

	ch_fail(&e, NULL, 0, "no file %s", "营业执照");
	ch_error_print(&e, "p");
	ch_fail(&e, "a.yaml", 0, "x");
	ch_error_print(&e, "p");
	fflush(stderr);
	cr_assert_stderr_eq_str("p: no file 营业执照\np: a.yaml: x\n");
}

/* A long Chinese message cut to fit msg keeps whole characters, so
 * that it stays valid UTF-8 for the JSON report. */
Test(error, truncation_keeps_whole_characters)
{
	ch_error e;
	char big[3000];
	size_t n = 0;

	for (int i = 0; i < 900; i++) {
		memcpy(big + n, "中", 3);
		n += 3;
	}
	big[n] = '\0';
	for (int shift = 0; shift < 3; shift++) {
		ch_fail(&e, big + 0, 0, "%.*s%s", shift, "xx", big);
		cr_expect(strlen(e.msg) < sizeof e.msg);
		cr_expect(strlen(e.msg) + 3 >= sizeof e.msg - 1, "cut no more than a character");
		/* every byte after the prefix is part of a whole 中 */
		cr_expect_eq((strlen(e.msg) - (size_t)shift) % 3, 0, "shift %d", shift);
		cr_expect_eq((strlen(e.file)) % 3, 0);
	}
}
