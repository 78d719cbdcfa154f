/* How payers' text is folded for matching, how a memo's order numbers
 * are found, and the micro-deposit code's alphabet and derivation. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "batch/money/names.h"
#include "batch/money/payout.h"
#include "batch/orderno.h"

static void key_is(const char *in, const char *want)
{
	char *k = names_key(in);
	cr_assert_str_eq(k, want, "%s", in);
	free(k);
}

static void payer_is(const char *in, const char *want)
{
	char *k = names_payer(in);
	cr_assert_str_eq(k, want, "%s", in);
	free(k);
}

Test(names, keys_fold_width_case_spaces_and_dashes)
{
	key_is("6222 0202－0011-2233", "6222020200112233");
	key_is("ｓｘ２０２６ 1124_0001", "SX202611240001");
	key_is("", "");
	cr_assert_null(names_key(NULL));
}

Test(names, payer_names_fold_brackets_and_company_forms)
{
	payer_is("太原某某（有限责任公司）", "太原某某有限公司");
	payer_is("太原 某某 有限公司", "太原某某有限公司");
	payer_is("【Ａｂｃ】科技(太原)有限责任公司", "ABC科技太原有限公司");
}

Test(names, memo_order_numbers_need_their_check_character)
{
	char no[ORDERNO_LEN + 1], bad[ORDERNO_LEN + 1], memo[128];
	memo_orders m;

	cr_assert_eq(orderno_make(20261124, 1, no), 0);
	snprintf(memo, sizeof memo, "货款 %.*s - %s，谢谢", 8, no, no + 8);
	cr_assert_eq(names_memo_orders(memo, &m), 0);
	cr_assert_eq(m.nvalid, 1);
	cr_assert_str_eq(m.valid[0], no);
	memcpy(bad, no, sizeof bad);
	bad[14] = bad[14] == '9' ? '0' : (char)(bad[14] + 1);
	cr_assert_eq(names_memo_orders(bad, &m), 0);
	cr_assert_eq(m.nvalid, 0);
	cr_assert_eq(m.nmistyped, 1);
	cr_assert(names_near(bad, no));
	/* two orders in one memo, the same one twice counted once */
	snprintf(memo, sizeof memo, "%s,%s;%s", no, no, no);
	cr_assert_eq(names_memo_orders(memo, &m), 0);
	cr_assert_eq(m.nvalid, 1);
	cr_assert_eq(names_memo_orders("SX12 货款", &m), 0);
	cr_assert_eq(m.nvalid + m.nmistyped, 0);
}

Test(names, near_is_one_change_or_one_swap)
{
	cr_assert(names_near("SX20261124000013", "SX20261124000023"));
	cr_assert(names_near("SX20261124000013", "SX20261124000031"));
	cr_assert(!names_near("SX20261124000013", "SX20261124000099"));
	cr_assert(!names_near("SX20261124000013", "SX2026112400001"));
}

Test(payout, codes_are_six_unambiguous_characters_derived_from_the_nonce)
{
	unsigned char key[PAYOUT_KEY_LEN] = {1, 2, 3};
	char a[PAYOUT_CODE_LEN + 1], b[PAYOUT_CODE_LEN + 1], h1[65], h2[65];
	int seen[256] = {0};

	for (int i = 0; i < 2000; i++) {
		char nonce[40];
		snprintf(nonce, sizeof nonce, "%032x", i);
		payout_code(key, nonce, a);
		cr_assert_eq(strlen(a), PAYOUT_CODE_LEN);
		for (int k = 0; a[k]; k++) {
			cr_assert(strchr(PAYOUT_ALPHABET, a[k]), "%s", a);
			seen[(unsigned char)a[k]]++;
		}
	}
	for (const char *p = PAYOUT_ALPHABET; *p; p++)
		cr_assert_gt(seen[(unsigned char)*p], 250, "%c rare", *p);
	payout_code(key, "00ff", a);
	payout_code(key, "00ff", b);
	cr_assert_str_eq(a, b);
	payout_code(key, "00fe", b);
	cr_assert_str_neq(a, b);
	/* The hash forgives case, full width and spaces, and is per payout. */
	payout_code_hash(key, 7, "ABC234", h1);
	payout_code_hash(key, 7, " ａｂｃ 234", h2);
	cr_assert_str_eq(h1, h2);
	payout_code_hash(key, 8, "ABC234", h2);
	cr_assert_str_neq(h1, h2);
}
