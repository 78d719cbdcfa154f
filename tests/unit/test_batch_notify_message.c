#include <criterion/criterion.h>
#include <string.h>

#include "batch/notify/message.h"

static mail_message sample(void)
{
	mail_message m = {
		.from = "深圳CA <noreply@example.com>",
		.to_name = "王小明",
		.to_addr = "wang@example.com",
		.subject = "深圳CA数字证书申请已受理（订单号SX2026112300001X）",
		.body = "【深圳CA】您好，示例有限公司的申请已受理。\n第二行。\n",
		.message_id = "<certhall.1.abc@example.com>",
		.date = 1764470400, /* 2025-11-30T02:40:00Z */
	};
	return m;
}

Test(mail, lines_within_limits_and_headers_present)
{
	mail_message m = sample();
	ch_buf b = CH_BUF_INIT;
	ch_error e;

	cr_assert_eq(mail_build(&m, &b, &e), 0, "%s", e.msg);
	size_t len = 0;
	for (const char *p = b.data; *p; p++) {
		cr_assert((unsigned char)*p < 0x80, "only ASCII goes on the wire");
		if (*p == '\n') {
			cr_assert_leq(len, 78);
			len = 0;
		} else {
			len++;
		}
	}
	cr_assert(strstr(b.data, "From: =?UTF-8?B?"));
	cr_assert(strstr(b.data, "\n <noreply@example.com>\n"));
	cr_assert(strstr(b.data, "\nDate: Sun, 30 Nov 2025 10:40:00 +0800\n"));
	cr_assert(strstr(b.data, "\nMessage-ID: <certhall.1.abc@example.com>\n"));
	cr_assert(strstr(b.data, "\nContent-Transfer-Encoding: base64\n\n"));
	ch_buf_free(&b);
}

Test(mail, header_injection_refused)
{
	static const char *const subjects[] = {
		"a\nBcc: evil@example.com", "a\rb", "a\x1b[31mb", "a\x7f",
	};
	for (size_t i = 0; i < sizeof subjects / sizeof subjects[0]; i++) {
		mail_message m = sample();
		ch_buf b = CH_BUF_INIT;
		ch_error e;
		m.subject = subjects[i];
		cr_assert_eq(mail_build(&m, &b, &e), -1, "subject %zu", i);
		ch_buf_free(&b);
	}
	mail_message m = sample();
	ch_buf b = CH_BUF_INIT;
	ch_error e;
	m.to_name = "x\nBcc: evil@example.com";
	cr_assert_eq(mail_build(&m, &b, &e), -1);
	ch_buf_free(&b);
}

Test(mail, only_plain_addresses)
{
	static const char *const bad[] = {
		"a@b", "\"a b\"@example.com", "a@example.com>", "<a@example.com>",
		"a@example.com, b@example.com", "a@-x.com", "a..b@example.com",
		"a@example..com", "a(comment)@example.com", "ａ@example.com",
		"a@example.com\nBcc: b@example.com", "",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		mail_message m = sample();
		ch_buf b = CH_BUF_INIT;
		ch_error e;
		m.to_addr = bad[i];
		cr_assert_eq(mail_build(&m, &b, &e), -1, "%s", bad[i]);
		ch_buf_free(&b);
	}
}

Test(mail, every_address_intake_accepts_is_sent)
{
	/* ch_valid_email admits letters beyond ASCII in the local part; the
	 * builder must not refuse at send what intake took. */
	mail_message m = sample();
	ch_buf b = CH_BUF_INIT;
	ch_error e;

	m.to_addr = "王小明@example.com";
	cr_assert_eq(mail_build(&m, &b, &e), 0, "%s", e.msg);
	cr_assert(strstr(b.data, "<王小明@example.com>\n"));
	ch_buf_free(&b);
}

Test(mail, mailbox_forms)
{
	mail_mailbox mb;
	ch_error e;

	cr_assert_eq(mail_mailbox_parse("深圳CA <noreply@example.com>", &mb, &e), 0);
	cr_assert_str_eq(mb.name, "深圳CA");
	cr_assert_str_eq(mb.addr, "noreply@example.com");
	cr_assert_eq(mail_mailbox_parse("\"Shenzhen CA\" <a@example.com>", &mb, &e), 0);
	cr_assert_str_eq(mb.name, "Shenzhen CA");
	cr_assert_eq(mail_mailbox_parse("a@example.com", &mb, &e), 0);
	cr_assert_str_eq(mb.name, "");
	cr_assert_eq(mail_mailbox_parse("x <a@example.com> y", &mb, &e), -1);
	cr_assert_eq(mail_mailbox_parse("x <a@example.com", &mb, &e), -1);
}

Test(mail, words_never_split_a_character)
{
	/* 100 three-byte characters: 42-byte words hold 14 each. */
	char subject[301];
	for (int i = 0; i < 100; i++)
		memcpy(subject + 3 * i, "证", 3);
	subject[300] = 0;
	mail_message m = sample();
	m.subject = subject;
	ch_buf b = CH_BUF_INIT;
	ch_error e;
	cr_assert_eq(mail_build(&m, &b, &e), 0, "%s", e.msg);
	/* 14 characters = 42 bytes = 56 base64 characters, no padding. */
	cr_assert(strstr(b.data, "Subject: =?UTF-8?B?6K+B6K+B6K+B"));
	cr_assert_null(strstr(b.data, "=?UTF-8?B?gY"), "a word began mid-character");
	ch_buf_free(&b);
}

Test(mail, message_id_is_stable)
{
	char a[128], b[128], c[128];
	ch_error e;

	cr_assert_eq(mail_message_id("深圳CA <noreply@example.com>", 7,
	                             "2026-11-24T02:45:54Z", a, sizeof a, &e), 0);
	cr_assert_eq(mail_message_id("深圳CA <noreply@example.com>", 7,
	                             "2026-11-24T02:45:54Z", b, sizeof b, &e), 0);
	cr_assert_eq(mail_message_id("深圳CA <noreply@example.com>", 8,
	                             "2026-11-24T02:45:54Z", c, sizeof c, &e), 0);
	cr_assert_str_eq(a, b);
	cr_assert_str_neq(a, c);
	cr_assert(strstr(a, "@example.com>"));
}
