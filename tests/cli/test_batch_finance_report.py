"""certhall-batch report finance: the workbook read back with openpyxl,
the same sheets as CSV (BOM, neutralised formulas), totals that equal the
statement's own, masked accounts."""
import csv
import io

import openpyxl
import pytest

from money import Money

PAYER = "6222020200112233445"


@pytest.fixture
def m(tmp_path):
    return Money(tmp_path)


def build(m):
    (a1, n1, d), (a2, n2, _) = m.orders([dict(i=1), dict(i=2, method="online")])
    f = m.file(debit=1500, credit=d + 2 * 1000 + 999,
               opening=100000, closing=100000 + d + 2 * 1000 + 999 - 1500)
    m.line(f, "credit", d, memo=n1, account=PAYER, name="山西示例科技有限公司")
    m.line(f, "credit", 1000, memo="=HYPERLINK(\"http://x\")", name="+某公司",
           account="62170000000000009")
    m.line(f, "credit", 1000, memo="货款", name="路人", account="1")
    m.line(f, "credit", 999, memo=n1[:-1] + ("0" if n1[-1] != "0" else "1"))
    m.line(f, "debit", 1500, memo="手续费")
    w = m.file(source="wechat", credit=d)
    m.line(w, "credit", d, merchant=n2)
    m.reconcile()
    return a1, n1, d


def test_workbook_and_csv_agree_with_the_statements(m, tmp_path):
    a1, n1, d = build(m)
    out = tmp_path / "report"
    r = m.run("report", "finance", "-o", out)
    assert r.returncode == 0, r.stderr
    wb = openpyxl.load_workbook(out / "finance.xlsx")
    assert wb.sheetnames == ["payments", "review", "not_ours", "payouts", "totals"]
    pay = list(wb["payments"].values)
    assert pay[1][5] == n1 and pay[1][7] == d / 100
    assert wb["payments"].cell(2, 8).number_format == "#,##0.00"
    assert PAYER not in str(pay) and "6222***********3445" in str(pay)
    totals = list(wb["totals"].values)
    head = totals[0]
    bank = dict(zip(head, totals[1]))
    assert bank["debits (yuan)"] == bank["statement debits (yuan)"] == 15.0
    assert bank["credits (yuan)"] == bank["statement credits (yuan)"]
    assert bank["opening+credits-debits (yuan)"] == bank["closing (yuan)"]
    assert bank["check"] == "ok"
    assert dict(zip(head, totals[2]))["check"] == "ok"
    review = list(wb["review"].values)
    assert len(review) == 2  # header, the mistyped order number
    not_ours = list(wb["not_ours"].values)
    assert len(not_ours) == 4
    assert len(list(wb["payouts"].values)) == 2
    # The CSV twins: BOM, same rows, formulas neutralised.
    raw = (out / "not_ours.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == len(not_ours)
    cells = [c for row in rows for c in row]
    assert not any(c[:1] in ("=", "+", "-", "@") for c in cells)
    assert "'=HYPERLINK(\"http://x\")" in cells and "'+某公司" in cells
    tot = list(csv.DictReader(io.StringIO(
        (out / "totals.csv").read_bytes().decode("utf-8-sig"))))
    assert tot[0]["debits (yuan)"] == "15.00" and tot[0]["check"] == "ok"


def test_totals_that_disagree_are_flagged_and_date_filters(m, tmp_path):
    f = m.file(debit=1, credit=500, opening=0, closing=500)
    m.line(f, "credit", 400, date="2026-11-25")
    m.line(f, "credit", 100, date="2026-11-26")
    m.reconcile()
    out = tmp_path / "r"
    assert m.run("report", "finance", "-o", out).returncode == 0
    wb = openpyxl.load_workbook(out / "finance.xlsx")
    [head, row] = list(wb["totals"].values)
    assert dict(zip(head, row))["check"] == "differs"
    r = m.run("report", "finance", "--date", "2026-11-26", "-o", out)
    assert r.returncode == 0, r.stderr
    wb = openpyxl.load_workbook(out / "finance.xlsx")
    [_, day] = list(wb["not_ours"].values)
    assert day[3] == "2026-11-26" and day[6] == 1.0
    assert m.run("report", "finance", "--date", "26/11", "-o", out).returncode == 2
    assert m.run("report", "finance").returncode == 2
