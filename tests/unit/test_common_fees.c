/* The fee schedule: the real content/fees.yaml, the amount due, and the
 * refusals that keep a mistyped schedule from charging wrong amounts. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "common/fees.h"
#include "common/fsutil.h"

#define FEES "content/fees.yaml"

static ch_fees real(void)
{
	ch_error e = {0};
	ch_fees fees;
	char *text;
	size_t len;

	cr_assert_eq(ch_read_file(FEES, 1 << 16, &text, &len, &e), 0, "%s", e.msg);
	cr_assert_eq(ch_fees_load(text, len, FEES, &fees, &e), 0, "%s:%d: %s",
	             e.file, e.line, e.msg);
	free(text);
	return fees;
}

Test(fees, real_schedule_loads)
{
	ch_fees fees = real();

	cr_expect(fees.example, "the shipped schedule is marked as example values");
	for (int y = 1; y <= 5; y++) {
		cr_expect_gt(fees.organization[y], 0);
		cr_expect_gt(fees.personal[y], 0);
	}
}

Test(fees, amount_is_organization_plus_each_personal)
{
	ch_fees fees = real();
	json_t *app = json_pack("{s:{s:i, s:[{s:i}, {s:i}]}}", "certificates",
	                        "organization_years", 2, "personal", "years", 1,
	                        "years", 3);

	cr_assert_not_null(app);
	cr_expect_eq(ch_fees_amount(&fees, app),
	             fees.organization[2] + fees.personal[1] + fees.personal[3]);
	json_decref(app);

	app = json_pack("{s:{s:i}}", "certificates", "organization_years", 0);
	cr_expect_eq(ch_fees_amount(&fees, app), 0);
	json_decref(app);

	app = json_pack("{s:{s:i, s:[{s:i}]}}", "certificates", "organization_years", 0,
	                "personal", "years", 5);
	cr_expect_eq(ch_fees_amount(&fees, app), fees.personal[5]);
	json_decref(app);
}

Test(fees, amount_out_of_range)
{
	ch_fees fees = real();
	json_t *app = json_pack("{s:{s:i}}", "certificates", "organization_years", 6);

	cr_expect_eq(ch_fees_amount(&fees, app), -1);
	json_decref(app);
	app = json_pack("{s:{s:i, s:[{s:i}]}}", "certificates", "organization_years", 1,
	                "personal", "years", 0);
	cr_expect_eq(ch_fees_amount(&fees, app), -1);
	json_decref(app);
	app = json_pack("{s:{s:s}}", "certificates", "organization_years", "1");
	cr_expect_eq(ch_fees_amount(&fees, app), -1);
	json_decref(app);
}

static void refused(const char *text, int line, const char *want)
{
	ch_error e = {0};
	ch_fees fees;

	cr_expect_eq(ch_fees_load(text, strlen(text), "fees.yaml", &fees, &e), -1,
	             "accepted: %s", text);
	cr_expect_eq(e.line, line, "line %d, want %d: %s", e.line, line, e.msg);
	cr_expect(strstr(e.msg, want) != NULL, "'%s' not in '%s'", want, e.msg);
}

Test(fees, refusals)
{
	static const char ok_personal[] = "personal: {1: 1, 2: 2, 3: 3, 4: 4, 5: 5}\n";
	char buf[256];

	snprintf(buf, sizeof buf, "example: false\norganization:\n  1: 100\n  2: 1.5\n"
	         "  3: 3\n  4: 4\n  5: 5\n%s", ok_personal);
	refused(buf, 4, "whole fen");
	snprintf(buf, sizeof buf, "organization:\n  1: 1\n  2: 2\n  3: 3\n  4: 4\n%s",
	         ok_personal);
	refused(buf, 1, "no price for 5 years");
	snprintf(buf, sizeof buf, "organization: {1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6}\n%s",
	         ok_personal);
	refused(buf, 1, "years are 1 to 5");
	snprintf(buf, sizeof buf, "organisation: {1: 1}\n%s", ok_personal);
	refused(buf, 1, "unknown key 'organisation'");
	refused("organization: {1: 1, 2: 2, 3: 3, 4: 4, 5: -5}\n", 1, "whole fen");
	refused("example: yes\n", 1, "true or false");
}
