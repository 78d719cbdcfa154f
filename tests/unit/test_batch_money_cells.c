/* Cells and header names: the cleaning every export needs (padding and
 * the marks spreadsheets use to force text), and header comparison that
 * forgives full-width forms, spaces and bilingual tails. */
#include <criterion/criterion.h>
#include <string.h>

#include "batch/money/csvrow.h"
#include "batch/money/layout.h"

static void cleans(const char *in, const char *out)
{
	char buf[128];
	size_t n;

	strcpy(buf, in);
	n = csvrow_clean(buf, strlen(buf));
	cr_assert_str_eq(buf, out, "'%s'", in);
	cr_assert_eq(n, strlen(out));
}

Test(money_cells, cleaning)
{
	cleans("  abc\t", "abc");
	cleans("`4200000001", "4200000001");
	cleans("'0123", "0123");
	cleans("=\"0123\"", "0123");
	cleans("\t=\"0123\"\t", "0123");
	cleans("\xe3\x80\x80" "x" "\xe3\x80\x80", "x");
	cleans("", "");
	cleans("`", "");
}

Test(money_cells, split_with_quotes_and_padding)
{
	csvrow r;
	const char *line = "a\t,\"b,c\", `d ,\"e\"\"f\",";

	cr_assert_eq(csvrow_init(&r), 0);
	cr_assert_eq(csvrow_split(&r, line, strlen(line), ','), 0);
	cr_assert_eq(r.n, 5);
	cr_assert_str_eq(csvrow_cell(&r, 0), "a");
	cr_assert_str_eq(csvrow_cell(&r, 1), "b,c");
	cr_assert_str_eq(csvrow_cell(&r, 2), "d");
	cr_assert_str_eq(csvrow_cell(&r, 3), "e\"f");
	cr_assert_str_eq(csvrow_cell(&r, 4), "");
	csvrow_free(&r);
}

Test(money_cells, open_quote)
{
	cr_assert(csvrow_open_quote("a,\"b", 4, ','));
	cr_assert(!csvrow_open_quote("a,\"b\"", 5, ','));
	cr_assert(!csvrow_open_quote("a,b\"c", 5, ','));
	cr_assert(csvrow_open_quote("\"x\"\"", 4, ','));
}

static void norm(const char *in, const char *out)
{
	char buf[256];

	lay_norm(in, buf, sizeof buf);
	cr_assert_str_eq(buf, out, "'%s'", in);
}

Test(money_cells, header_names)
{
	norm("贷方发生额（收入）", "贷方发生额(收入)");
	norm(" 交易金额[ Trade Amount ]", "交易金额");
	norm("收/付方 名称", "收/付方名称");
	norm("ＲＥＦＵＮＤ", "refund");
	norm("[x]", "[x]");
}
