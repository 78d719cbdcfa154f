"""Finance end to end, as finance works: real-layout files of every
built-in bank and of both merchant bills, imported by `import` and matched
by `reconcile` to the right orders; a second import books nothing; and the
workbook's totals are the statement's own 合计 and balances."""
import pathlib

import openpyxl
import pytest

import statements
from money import Money

BANKS = ["icbc", "ccb", "abc", "boc", "cmb"]


@pytest.fixture
def m(tmp_path):
    return Money(tmp_path, now="2026-11-25T02:00:00Z")


def write(tmp_path, name, data):
    p = pathlib.Path(tmp_path) / name
    p.write_bytes(data)
    return p


@pytest.mark.parametrize("bank", BANKS)
def test_a_bank_export_pays_the_order_its_memo_names(m, tmp_path, bank):
    (aid, no, due), (aid2, no2, due2) = m.orders([dict(i=1), dict(i=2)])
    lines = [
        statements.Line("2026-11-24", "09:00:00", fen=due, memo="证书费" + no),
        statements.Line("2026-11-24", "10:00:00", fen=777700,
                        name="示例物业管理有限公司", account="6222000011119999888",
                        memo="房租"),
        statements.Line("2026-11-24", "11:00:00", credit=False, fen=12300,
                        name="示例供应商有限公司", account="6222000011118888777",
                        memo="货款"),
    ]
    path = write(tmp_path, bank + ".csv", statements.WRITERS[bank](lines))
    r = m.run("import", "--json", path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert '"outcome":"imported"' in r.stdout.replace(" ", "")
    m.reconcile()
    assert m.state(aid) == ("in_review", due)
    assert m.state(aid2) == ("awaiting_payment", 0)
    # Imported again, alone or within a longer export: nothing new.
    r = m.run("import", "--json", path)
    assert '"outcome":"duplicate"' in r.stdout.replace(" ", "")
    longer = lines + [statements.Line("2026-11-24", "15:00:00", fen=due2,
                                      memo="数字证书 " + no2)]
    path2 = write(tmp_path, bank + "-2.csv", statements.WRITERS[bank](longer))
    r = m.run("import", "--json", path2)
    assert r.returncode == 0, r.stdout + r.stderr
    assert '"lines_booked":1' in r.stdout.replace(" ", ""), r.stdout
    m.reconcile()
    assert m.state(aid2) == ("in_review", due2)
    assert m.ws.query("SELECT count(*) FROM payments") == [(2,)]


@pytest.mark.parametrize("bill", ["wechat", "alipay"])
def test_a_merchant_bill_pays_the_online_order_it_names(m, tmp_path, bill):
    (aid, no, due), = m.orders([dict(i=1, method="online")])
    lines = [statements.Line("2026-11-24", "16:30:00", fen=due, order_no=no,
                             memo="数字证书")]
    path = write(tmp_path, bill + ".csv", statements.WRITERS[bill](lines))
    r = m.run("import", "--json", path)
    assert r.returncode == 0, r.stdout + r.stderr
    m.reconcile()
    # Paid online: the micro-deposit comes next, not review.
    assert m.state(aid) == ("awaiting_verification", due)


def test_the_workbook_totals_are_the_statements_own(m, tmp_path):
    (aid, no, due), = m.orders([dict(i=1)])
    lines = [
        statements.Line("2026-11-24", "09:00:00", fen=due, memo=no),
        statements.Line("2026-11-24", "10:00:00", fen=250000, memo="其他"),
        statements.Line("2026-11-24", "11:00:00", credit=False, fen=4500,
                        memo="手续费"),
    ]
    path = write(tmp_path, "icbc.csv", statements.icbc(lines, opening=100000))
    assert m.run("import", path).returncode == 0
    m.reconcile()
    out = tmp_path / "report"
    r = m.run("report", "finance", "-o", out)
    assert r.returncode == 0, r.stderr
    wb = openpyxl.load_workbook(out / "finance.xlsx")
    totals = list(wb["totals"].values)
    row = dict(zip(totals[0], totals[1]))
    assert row["statement credits (yuan)"] == (due + 250000) / 100
    assert row["statement debits (yuan)"] == 45.0
    assert row["credits (yuan)"] == row["statement credits (yuan)"]
    assert row["debits (yuan)"] == row["statement debits (yuan)"]
    assert row["opening+credits-debits (yuan)"] == row["closing (yuan)"]
    assert row["check"] == "ok"
