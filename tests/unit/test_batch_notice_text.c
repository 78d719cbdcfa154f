/* A notice file's texts and the SMS rule: parts counted as operators do
 * (70 in one message, 67 per part above; UTF-16 units), the limit of two
 * parts checked with the signature and each placeholder at its longest,
 * refusals naming the file and line. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "batch/notice_text.h"

static int parse(const char *body, const char *channel, notice_text *n,
                 ch_error *e)
{
	static char text[8192];

	snprintf(text, sizeof text, "---\ntitle: t\nnotice: x\nchannel: %s\n---\n%s",
	         channel, body);
	return notice_text_parse("x.md", text, strlen(text), "x", "深圳CA",
	                         "400-112-3838", "www.szca.com", n, e);
}

/* n characters of 字 after the sms heading. */
static const char *sms_of(size_t n, const char *extra)
{
	static char body[4096];
	size_t k = (size_t)snprintf(body, sizeof body, "intro\n\n## 短信\n\n%s", extra);
	for (size_t i = 0; i < n; i++)
		k += (size_t)snprintf(body + k, sizeof body - k, "字");
	snprintf(body + k, sizeof body - k, "\n");
	return body;
}

Test(notice_text, parts_as_operators_count)
{
	cr_assert_eq(sms_parts(70), 1);
	cr_assert_eq(sms_parts(71), 2);
	cr_assert_eq(sms_parts(134), 2);
	cr_assert_eq(sms_parts(135), 3);
	cr_assert_eq(sms_units("a字"), 2);
	cr_assert_eq(sms_units("😀"), 2); /* beyond the BMP: a surrogate pair */
}

Test(notice_text, two_parts_with_the_signature_and_no_more)
{
	notice_text n;
	ch_error e;

	/* 【深圳CA】 is 6: 128 more fill two parts exactly. */
	cr_assert_eq(parse(sms_of(128, ""), "sms", &n, &e), 0, "%s", e.msg);
	cr_assert_eq(sms_units(n.sms), 128, "%s", n.sms);
	notice_text_free(&n);
	cr_assert_eq(parse(sms_of(129, ""), "sms", &n, &e), -1);
	cr_assert_eq(e.line, 9, "%d", e.line);
	cr_assert(strstr(e.msg, "135"), "%s", e.msg);
	/* A placeholder counts at its longest: {order_no} is 16. */
	cr_assert_eq(parse(sms_of(112, "{order_no}"), "sms", &n, &e), 0, "%s", e.msg);
	notice_text_free(&n);
	cr_assert_eq(parse(sms_of(113, "{order_no}"), "sms", &n, &e), -1);
}

Test(notice_text, unbounded_placeholders_are_for_mail)
{
	notice_text n;
	ch_error e;

	cr_assert_eq(parse(sms_of(1, "{organization}"), "sms", &n, &e), -1);
	cr_assert(strstr(e.msg, "{organization}"), "%s", e.msg);
	cr_assert_eq(parse("## 电子邮件\n\n{organization}，{reasons}\n", "email",
	                   &n, &e), 0, "%s", e.msg);
	cr_assert_str_eq(n.email, "{organization}，{reasons}\n");
	cr_assert_null(n.sms);
	notice_text_free(&n);
}

Test(notice_text, sections_must_match_the_channel)
{
	notice_text n;
	ch_error e;

	cr_assert_eq(parse("## 短信\n\n短\n", "both", &n, &e), -1);
	cr_assert_eq(parse("## 短信\n\n短\n\n## 电子邮件\n\n长\n", "sms", &n, &e), -1);
	cr_assert_eq(parse("## 短信\n\n一\n\n二\n", "sms", &n, &e), -1);
	cr_assert(strstr(e.msg, "one paragraph"), "%s", e.msg);
	cr_assert_eq(parse("## 其他\n\n短\n", "sms", &n, &e), -1);
	cr_assert_eq(parse("## 短信\n\n一行\n二行\n\n## 电子邮件\n\n甲\n\n乙\n\n",
	                   "both", &n, &e), 0, "%s", e.msg);
	cr_assert_str_eq(n.sms, "一行二行");
	cr_assert_str_eq(n.email, "甲\n\n乙\n");
	notice_text_free(&n);
}

Test(notice_text, bytes_that_are_not_utf8_are_refused_naming_the_line)
{
	notice_text n;
	ch_error e;

	cr_assert_eq(parse("## 短信\n\n\xe8\x81\xe4\xb9\xa6\n", "sms", &n, &e), -1);
	cr_assert_eq(e.line, 8, "%d", e.line);
	cr_assert(strstr(e.msg, "UTF-8"), "%s", e.msg);
}
