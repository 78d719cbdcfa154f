/* The value checks against the shared vectors
 * (tests/fixtures/vectors/validators.json), which the browser's copy
 * (site/assets/validate.js) is held to as well. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <string.h>

#include "common/validate.h"

#define VECTORS "tests/fixtures/vectors/validators.json"

static json_t *vectors;
static long today;

static void load(void)
{
	json_error_t err;

	vectors = json_load_file(VECTORS, 0, &err);
	cr_assert_not_null(vectors, "%s:%d: %s (tests run from the repository root)",
	                   VECTORS, err.line, err.text);
	today = (long)json_integer_value(json_object_get(vectors, "today"));
	cr_assert_gt(today, 20000000);
}

static void unload(void)
{
	json_decref(vectors);
}

TestSuite(validate, .init = load, .fini = unload);

/* Runs the check named `check` on every valid and invalid vector, both
 * directly and through ch_check_value (the path the form takes). */
static void run(const char *check, const char *code,
                int (*valid)(const char *))
{
	json_t *set = json_object_get(vectors, check), *v;
	json_t *good = json_object_get(set, "valid");
	json_t *bad = json_object_get(set, "invalid");
	size_t i;

	cr_assert(json_array_size(good) > 0 && json_array_size(bad) > 0,
	          "no vectors for %s", check);
	json_array_foreach(good, i, v) {
		const char *s = json_string_value(v);
		cr_expect(valid(s), "%s: \"%s\" should be valid", check, s);
		cr_expect_null(ch_check_value(check, s, today),
		               "%s: ch_check_value(\"%s\") should be valid", check, s);
	}
	json_array_foreach(bad, i, v) {
		const char *s = json_string_value(v);
		const char *got;
		cr_expect(!valid(s), "%s: \"%s\" should be invalid", check, s);
		got = ch_check_value(check, s, today);
		cr_expect(got && !strcmp(got, code), "%s: \"%s\" should give %s, got %s",
		          check, s, code, got ? got : "(valid)");
	}
}

static int id_number(const char *s) { return ch_valid_id_number(s, today); }
static int mobile(const char *s) { return ch_valid_mobile(s, NULL); }
static int bank_account(const char *s) { return ch_valid_bank_account(s, NULL); }

Test(validate, id_number) { run("id_number", "ID_NUMBER_INVALID", id_number); }
Test(validate, uscc) { run("uscc", "USCC_INVALID", ch_valid_uscc); }
Test(validate, mobile) { run("mobile", "MOBILE_INVALID", mobile); }
Test(validate, email) { run("email", "EMAIL_INVALID", ch_valid_email); }
Test(validate, postcode) { run("postcode", "POSTCODE_INVALID", ch_valid_postcode); }
Test(validate, taxpayer_id)
{
	run("taxpayer_id", "TAXPAYER_ID_INVALID", ch_valid_taxpayer_id);
}
Test(validate, bank_account)
{
	run("bank_account", "BANK_ACCOUNT_INVALID", bank_account);
}

/* The canonical form the batch stores and the form writes. */
static void canonical(const char *check, size_t outlen)
{
	json_t *pairs = json_object_get(json_object_get(vectors, check), "canonical");
	json_t *pair;
	size_t i;
	char out[33];

	cr_assert(json_array_size(pairs) > 0);
	json_array_foreach(pairs, i, pair) {
		const char *in = json_string_value(json_array_get(pair, 0));
		const char *want = json_string_value(json_array_get(pair, 1));
		int ok;
		memset(out, 'z', sizeof out);
		ok = outlen == 12 ? ch_valid_mobile(in, out) : ch_valid_bank_account(in, out);
		cr_assert(ok, "%s: \"%s\" should be valid", check, in);
		cr_expect_str_eq(out, want, "%s: \"%s\"", check, in);
	}
}

Test(validate, mobile_canonical) { canonical("mobile", 12); }
Test(validate, bank_account_canonical) { canonical("bank_account", 33); }

Test(validate, birth_date_against_today)
{
	/* Born on 2026-11-24: valid that day, not the day before. */
	const char *id = "140105202611241115";

	cr_expect(ch_valid_id_number(id, 20261124));
	cr_expect(!ch_valid_id_number(id, 20261123));
	/* today = 0 is the real date, which is after 2026-11-24 or not:
	 * either way a birth in 1949 is in the past. */
	cr_expect(ch_valid_id_number("11010519491231002X", 0));
}

Test(validate, check_names)
{
	static const char *const known[] = {"id_number", "uscc", "mobile", "email",
	                                    "postcode", "taxpayer_id", "bank_account"};

	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		cr_expect(ch_check_known(known[i]), "%s", known[i]);
	cr_expect(!ch_check_known("phone"));
	cr_expect(!ch_check_known(""));
	cr_expect_str_eq(ch_check_value("phone", "13812345678", 0), "SCHEMA_UNKNOWN_CHECK");
}

/* A number of the wrong length is told so, not about its check digit. */
Test(validate, id_number_wrong_length_has_its_own_variant)
{
	const char *variant;

	cr_expect_str_eq(ch_check_value_why("id_number", "140105800101456", 20261124,
	                                    &variant), "ID_NUMBER_INVALID");
	cr_expect_str_eq(variant, "length");
	cr_expect_str_eq(ch_check_value_why("id_number", "１４０１０５１９８５０３１２１２３", 20261124,
	                                    &variant), "ID_NUMBER_INVALID");
	cr_expect_str_eq(variant, "length", "17 full-width digits");
	cr_expect_str_eq(ch_check_value_why("id_number", "140105198503121230", 20261124,
	                                    &variant), "ID_NUMBER_INVALID");
	cr_expect_null(variant, "18 characters: the check digit is what is wrong");
	cr_expect_null(ch_check_value_why("id_number", "14010519850312123X", 20261124,
	                                  &variant));
	cr_expect_null(variant);
}
