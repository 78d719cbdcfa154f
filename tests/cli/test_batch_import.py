"""certhall-batch import on files written the way banks and payment
platforms write them (statements.py): every built-in layout, re-import of
the same and of overlapping files, balance gaps and doubled lines,
refusals that name the line and book nothing, encodings, amount and date
forms, layout files, and hostile values."""
import csv
import hashlib
import json
import pathlib

import pytest

import statements as S
from batchws import Workspace

LAYOUTS = sorted(S.WRITERS)


@pytest.fixture
def ws(tmp_path):
    w = Workspace(tmp_path / "ws")
    w.init()
    return w


def write(ws, name, data):
    p = ws.path / name
    p.write_bytes(data)
    return p


def imp(ws, *files, code=0, extra=()):
    r = ws.run("import", "--json", *extra, *files)
    assert r.returncode == code, (r.returncode, r.stdout, r.stderr)
    return [json.loads(l) for l in r.stdout.splitlines()]


def lines_of(ws, file_id=None):
    sql = ("SELECT l.serial, l.booked_on, l.booked_time, l.direction, "
           "l.amount_fen, l.balance_fen, l.counterparty_name, "
           "l.counterparty_account, l.memo, l.merchant_order_no, l.kind "
           "FROM statement_lines l ORDER BY l.line_id")
    return ws.query(sql)


def count(ws, table):
    return ws.query(f"SELECT count(*) FROM {table}")[0][0]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_layout_imports_its_lines(ws, layout):
    lines = S.sample(5)
    if layout == "wechat":
        lines[2].refund = True
    data = S.WRITERS[layout](lines)
    p = write(ws, f"{layout}.csv", data)
    [res] = imp(ws, p)
    assert res["outcome"] == "imported"
    assert res["layout"] == layout
    assert res["sha256"] == hashlib.sha256(data).hexdigest()
    assert (res["lines_read"], res["lines_booked"], res["lines_known"]) == (5, 5, 0)
    assert res["findings"] == []
    got = lines_of(ws)
    assert len(got) == 5
    for l, g in zip(lines, got):
        serial, day, time, direction, fen, balance, name, acct, memo, order, kind = g
        assert day == l.date
        assert time == l.time
        assert direction == ("credit" if l.credit else "debit")
        assert fen == l.fen
        assert l.order_no in memo
        if layout in ("wechat", "alipay"):
            assert order == l.order_no
        else:
            assert name == l.name and acct == l.account
        if layout != "wechat":
            assert balance == l.balance
        if layout == "wechat" and l.refund:
            assert (direction, kind) == ("debit", "refund")
    # Rule 1: every line kept with its file, line number and raw text.
    raw = ws.query("SELECT f.file_name, fl.line_no, fl.raw FROM statement_file_lines fl "
                   "JOIN statement_files f USING (file_id) ORDER BY fl.line_no")
    text = data.decode("gbk" if layout in ("icbc", "ccb", "boc", "alipay") else "utf-8-sig")
    physical = text.splitlines()
    assert len(raw) == 5
    for name, no, r in raw:
        assert name == f"{layout}.csv"
        assert physical[no - 1] == r


def test_file_totals_and_balances_are_stored(ws):
    lines = S.sample(6)
    p = write(ws, "icbc.csv", S.icbc(lines, opening=123456))
    imp(ws, p)
    row = ws.query("SELECT account, total_debit_fen, total_credit_fen, "
                   "opening_balance_fen, closing_balance_fen, source FROM statement_files")[0]
    debit = sum(l.fen for l in lines if not l.credit)
    credit = sum(l.fen for l in lines if l.credit)
    assert row == (S.OUR_ACCOUNT, debit, credit, 123456, lines[-1].balance, "bank")


@pytest.mark.parametrize("layout", ["wechat", "alipay"])
def test_merchant_bill_totals_are_stored(ws, layout):
    lines = S.sample(4)
    for l in lines:
        l.credit = True
    lines[1].refund = True
    lines[1].credit = False
    p = write(ws, "bill.csv", S.WRITERS[layout](lines))
    [res] = imp(ws, p)
    assert res["findings"] == []
    debit, credit, source = ws.query(
        "SELECT total_debit_fen, total_credit_fen, source FROM statement_files")[0]
    assert source == layout
    assert debit == lines[1].fen
    assert credit == sum(l.fen for l in lines if l.credit)
    assert ws.query("SELECT kind FROM statement_lines WHERE direction='debit'") == [("refund",)]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_second_import_books_nothing(ws, layout):
    p = write(ws, "s.csv", S.WRITERS[layout](S.sample(4)))
    imp(ws, p)
    before = ws.dump()
    [res] = imp(ws, p)
    assert res["outcome"] == "duplicate"
    assert (res["lines_booked"], res["lines_known"]) == (0, 4)
    assert ws.dump() == before


@pytest.mark.parametrize("layout", LAYOUTS)
def test_overlapping_files_book_each_line_once(ws, layout):
    lines = S.sample(9)
    if layout == "wechat":
        for l in lines:
            l.credit = True
    # Each export lists the same transactions with the same serials.
    for i, l in enumerate(lines):
        l.serial = f"SER{i:06d}"
    S.running(lines, 100000)
    first = S.WRITERS[layout]([S.Line(**vars(l)) for l in lines[:6]])
    second_lines = [S.Line(**vars(l)) for l in lines[3:]]
    if layout in ("icbc", "ccb", "abc", "boc", "cmb"):
        data = S.WRITERS[layout](second_lines, opening=lines[2].balance)
    elif layout == "alipay":
        data = S.WRITERS[layout](second_lines, opening=lines[2].balance)
    else:
        data = S.WRITERS[layout](second_lines)
    a = write(ws, "a.csv", first)
    b = write(ws, "b.csv", data)
    ra, rb = imp(ws, a, b)
    assert (ra["lines_booked"], ra["lines_known"]) == (6, 0)
    assert rb["outcome"] == "imported"
    assert (rb["lines_read"], rb["lines_booked"], rb["lines_known"]) == (6, 3, 3)
    assert count(ws, "statement_lines") == 9
    # Both files keep all their lines, the shared ones pointing at one.
    assert count(ws, "statement_file_lines") == 12


def test_identical_lines_in_one_file_stay_two(ws):
    """ICBC exports no serial: two identical transfers are told apart by
    their count within the file, and the file imported again (as part of
    a longer one) finds the same two."""
    same = dict(date="2026-11-23", time="09:00:00", fen=5000, memo="重复的转账")
    lines = [S.Line(**same), S.Line(**same)]
    a = write(ws, "a.csv", S.icbc(lines))
    more = [S.Line(**same), S.Line(**same), S.Line(date="2026-11-23", fen=700)]
    b = write(ws, "b.csv", S.icbc(more))
    ra, rb = imp(ws, a, b)
    assert ra["lines_booked"] == 2
    assert (rb["lines_booked"], rb["lines_known"]) == (1, 2)
    # Each of the two moves the balance: nothing to report.
    assert ra["findings"] == []


def test_balance_gap_is_reported_with_its_line(ws):
    full = S.running(S.sample(6), 100000)
    kept = full[:3] + full[4:]  # the export lost its fourth line
    data = S.abc(kept, opening=None)
    text = data.decode("utf-8-sig").split("\r\n")
    header = next(i for i, r in enumerate(text) if r.startswith("交易日期"))
    [res] = imp(ws, write(ws, "gap.csv", data))
    assert res["outcome"] == "imported"
    assert res["lines_booked"] == 5
    gaps = [f for f in res["findings"] if f["code"] == "STMT_BALANCE_GAP"]
    assert [g["where"] for g in gaps] == [f"line {header + 1 + 4}"]
    assert gaps[0]["level"] == "warning"


def test_newest_first_exports_are_checked_too(ws):
    lines = S.running(S.sample(5), 100000)
    [res] = imp(ws, write(ws, "desc.csv", S.abc(lines[::-1], opening=None)))
    assert res["findings"] == []


def test_doubled_line_is_reported(ws):
    lines = S.running(S.sample(4), 100000)
    data = S.cmb(lines).decode("utf-8").split("\r\n")
    header = next(i for i, r in enumerate(data) if r.startswith("交易日"))
    # The export repeats its second row (same serial, same balance).
    data.insert(header + 3, data[header + 2])
    p = write(ws, "double.csv", "\r\n".join(data).encode("utf-8"))
    [res] = imp(ws, p)
    assert res["outcome"] == "imported"
    assert (res["lines_read"], res["lines_booked"], res["lines_known"]) == (5, 4, 1)
    doubled = [f for f in res["findings"] if f["code"] == "STMT_LINE_DOUBLED"]
    assert doubled and all(f["where"] == f"line {header + 4}" for f in doubled)


def nothing_booked(ws):
    assert count(ws, "statement_files") == 0
    assert count(ws, "statement_lines") == 0
    assert count(ws, "statement_file_lines") == 0


def test_no_layout_is_refused(ws):
    p = write(ws, "other.csv", "日期,金额,说明\n2026-11-23,100.00,x\n".encode())
    [res] = imp(ws, p, code=1)
    assert res["outcome"] == "refused"
    assert res["layout"] is None
    assert res["findings"][0]["code"] == "STMT_NO_LAYOUT"
    assert "icbc, ccb, abc, boc, cmb, wechat, alipay" in res["findings"][0]["message"]
    nothing_booked(ws)


@pytest.mark.parametrize("bad,word", [
    ("12,34.00", "not an amount"),
    ("abc", "not an amount"),
    ("1.234", "not an amount"),
])
def test_bad_amount_refuses_the_whole_file_naming_the_line(ws, bad, word):
    lines = S.sample(5)
    text = S.abc(lines).decode("utf-8-sig").split("\r\n")
    header = next(i for i, r in enumerate(text) if r.startswith("交易日期"))
    cells = next(csv.reader([text[header + 4]]))
    cells[2] = bad
    cells = [S.q(c) for c in cells]
    text[header + 4] = ",".join(cells)
    p = write(ws, "bad.csv", "\r\n".join(text).encode("utf-8"))
    r = ws.run("import", "--json", p)
    assert r.returncode == 1
    [res] = [json.loads(l) for l in r.stdout.splitlines()]
    assert res["outcome"] == "refused" and res["layout"] == "abc"
    f = res["findings"][0]
    assert (f["code"], f["level"], f["where"]) == ("STMT_BAD_LINE", "error", f"line {header + 5}")
    assert word in f["message"]
    assert f"bad.csv:{header + 5}:" in r.stderr
    nothing_booked(ws)


def test_bad_date_refuses(ws):
    lines = S.sample(3)
    lines[1].date = "2026-02-30"
    p = write(ws, "d.csv", S.ccb(lines))
    [res] = imp(ws, p, code=1)
    assert "not a date" in res["findings"][0]["message"]
    nothing_booked(ws)


def test_refused_file_changes_nothing_after_good_ones(ws):
    good = write(ws, "good.csv", S.cmb(S.sample(3)))
    imp(ws, good)
    before = ws.dump()
    lines = S.sample(3)
    data = S.ccb(lines).replace(b"2026/11/23 12:02:00", b"yesterday")
    bad = write(ws, "bad.csv", data)
    [res] = imp(ws, bad, code=1)
    assert res["outcome"] == "refused"
    assert ws.dump() == before


def test_short_row_refuses(ws):
    text = S.cmb(S.sample(3)).decode().split("\r\n")
    header = next(i for i, r in enumerate(text) if r.startswith("交易日"))
    text[header + 2] = ",".join(text[header + 2].split(",")[:5])
    p = write(ws, "short.csv", "\r\n".join(text).encode())
    [res] = imp(ws, p, code=1)
    assert res["findings"][0]["where"] == f"line {header + 3}"
    assert "cells" in res["findings"][0]["message"]


@pytest.mark.parametrize("encoding,bom", [("gb18030", False), ("utf-8", True),
                                          ("utf-8", False)])
def test_encodings(ws, encoding, bom):
    lines = S.sample(3)
    p = write(ws, "e.csv", S.icbc(lines, encoding=encoding, bom=bom))
    [res] = imp(ws, p)
    assert res["layout"] == "icbc" and res["lines_booked"] == 3
    assert [r[0] for r in ws.query("SELECT counterparty_name FROM statement_lines")] == \
        [l.name for l in lines]


@pytest.mark.parametrize("data,word", [
    (b"PK\x03\x04" + b"\0" * 40, "XLSX"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 40, "XLS"),
    ("交易日期".encode("utf-16"), "UTF-16"),
    (b"", "empty"),
])
def test_unreadable_files_are_refused_with_a_reason(ws, data, word):
    p = write(ws, "x.xlsx", data)
    [res] = imp(ws, p, code=1)
    assert res["findings"][0]["code"] == "STMT_UNREADABLE"
    assert word in res["findings"][0]["message"]
    nothing_booked(ws)


def test_amount_and_date_forms(ws):
    """One hand-written export with every form the issue names: separators,
    ¥, parentheses, '-' and empty for none, the three date forms with and
    without a time, cells padded with spaces and tabs, ` ' = prefixes."""
    rows = [
        "账号：0502000109300012345",
        "交易日期,交易时间,交易流水号,收入金额,支出金额,本次余额,对方账号,对方户名,对方开户行,交易用途,摘要",
        '2026-11-23,10:00:00,`A1,"¥1,234.50",-,"1,001,234.50",\'6222000011112222333,示例甲公司,示例银行,货款,转账',
        '2026/11/23,,="A2",,(34.50),"1,001,200.00",6222000011112222334,示例乙公司,示例银行,付款,转账',
        '20261124, 101112 ,  A3\t,\t0.01 ,,"1,001,200.01",6222000011112222335,示例丙公司,示例银行,,转账',
        '2026-11-24 09:08:07,,A4,￥2.00元,—,"1,001,202.01",6222000011112222336,示例丁公司,示例银行,,转账',
    ]
    p = write(ws, "forms.csv", ("\r\n".join(rows) + "\r\n").encode("gb18030"))
    [res] = imp(ws, p)
    assert res["findings"] == [], res
    got = ws.query("SELECT serial, booked_on, booked_time, direction, amount_fen, "
                   "balance_fen, counterparty_account FROM statement_lines ORDER BY line_id")
    assert got == [
        ("A1", "2026-11-23", "10:00:00", "credit", 123450, 100123450, "6222000011112222333"),
        ("A2", "2026-11-23", None, "debit", 3450, 100120000, "6222000011112222334"),
        ("A3", "2026-11-24", "10:11:12", "credit", 1, 100120001, "6222000011112222335"),
        ("A4", "2026-11-24", "09:08:07", "credit", 200, 100120201, "6222000011112222336"),
    ]


def test_kinds_from_memo_words(ws):
    lines = S.sample(3)
    lines[0].memo = "冲正 原交易"
    lines[1].memo = "汇款退汇 户名不符"
    p = write(ws, "k.csv", S.icbc(lines))
    imp(ws, p)
    assert [r[0] for r in ws.query("SELECT kind FROM statement_lines ORDER BY line_id")] == \
        ["reversal", "returned", "normal"]


def test_reversal_flag_column(ws):
    lines = S.sample(2)
    lines[1].refund = True  # cmb() marks it in 冲帐标志
    p = write(ws, "r.csv", S.cmb(lines))
    imp(ws, p)
    assert [r[0] for r in ws.query("SELECT kind FROM statement_lines ORDER BY line_id")] == \
        ["normal", "reversal"]


def test_quoted_cell_over_two_lines(ws):
    lines = S.sample(2)
    lines[0].memo = "第一行\n第二行"
    p = write(ws, "m.csv", S.cmb(lines))
    [res] = imp(ws, p)
    assert res["lines_booked"] == 2
    assert ws.query("SELECT memo FROM statement_lines ORDER BY line_id")[0][0] == "第一行\n第二行"


def test_hostile_values_are_stored_as_text(ws):
    lines = S.sample(2)
    lines[0].memo = "x'); DROP TABLE statement_lines; --"
    lines[1].name = "=HYPERLINK(\"http://x\")\x1b[31m"
    p = write(ws, "h.csv", S.cmb(lines))
    imp(ws, p)
    got = ws.query("SELECT memo, counterparty_name FROM statement_lines ORDER BY line_id")
    assert got[0][0] == lines[0].memo
    assert got[1][1] == 'HYPERLINK("http://x")\x1b[31m'
    r = ws.run("import", p)  # readable text: no escape reaches the terminal
    assert "\x1b" not in r.stdout + r.stderr


LAYOUT_YAML = """\
name: psbc
title: 邮储银行 对公明细
source: bank
require: [serial]
fields:
  serial: [交易序号]
  date: [记账日期]
  amount: [发生额]
  direction: [借贷方向]
  balance: [账户余额]
  counterparty_name: [对方名称]
  memo: [附言]
words:
  credit: [贷]
  debit: [借]
summary:
  opening_balance: [上期结余]
"""


def test_layout_file_adds_a_bank(ws, tmp_path):
    d = tmp_path / "layouts"
    d.mkdir()
    (d / "psbc.yaml").write_text(LAYOUT_YAML)
    rows = ["邮储银行对公账户明细", "上期结余：1000.00",
            "交易序号,记账日期,借贷方向,发生额,账户余额,对方名称,附言",
            "P1,2026-11-23,贷,300.00,1300.00,示例甲公司,SX202611230001",
            "P2,2026-11-23,借,100.00,1200.00,示例乙公司,手续费",
            "合计,,,,,,"]
    p = write(ws, "psbc.csv", ("\r\n".join(rows) + "\r\n").encode("gb18030"))
    [res] = imp(ws, p, code=1)  # the built-ins alone do not know it
    assert res["findings"][0]["code"] == "STMT_NO_LAYOUT"
    [res] = imp(ws, p, extra=("--layouts", d))
    assert (res["layout"], res["lines_booked"]) == ("psbc", 2)
    assert ws.query("SELECT direction, amount_fen FROM statement_lines ORDER BY line_id") == \
        [("credit", 30000), ("debit", 10000)]
    # The preamble is read with the layout's own labels.
    assert ws.query("SELECT opening_balance_fen FROM statement_files") == [(100000,)]


def test_layout_folder_from_the_configured_content(ws, tmp_path):
    content = tmp_path / "content"
    (content / "layouts").mkdir(parents=True)
    (content / "layouts" / "psbc.yaml").write_text(LAYOUT_YAML)
    cfg = tmp_path / "batch.yaml"
    cfg.write_text(f"paths:\n  content: {content}\n")
    rows = ["交易序号,记账日期,借贷方向,发生额,账户余额,对方名称,附言",
            "P1,20261123,贷,300.00,1300.00,示例甲公司,x"]
    p = write(ws, "psbc.csv", ("\n".join(rows) + "\n").encode())
    r = ws.run("--config", cfg, "import", "--json", p)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["layout"] == "psbc"


def test_bad_layout_file_names_file_and_line(ws, tmp_path):
    d = tmp_path / "layouts"
    d.mkdir()
    (d / "bad.yaml").write_text(LAYOUT_YAML.replace("  memo: [附言]", "  memoo: [附言]"))
    p = write(ws, "s.csv", S.cmb(S.sample(1)))
    r = ws.run("import", "--layouts", d, p)
    assert r.returncode == 2
    assert "bad.yaml:12:" in r.stderr and "memoo" in r.stderr
    nothing_booked(ws)


def test_text_output_and_usage(ws):
    p = write(ws, "s.csv", S.alipay(S.sample(2)))
    r = ws.run("import", p)
    assert r.returncode == 0
    assert r.stdout.startswith(f"{p}: imported (alipay), 2 lines read, 2 booked")
    assert ws.run("import").returncode == 2
    assert ws.run("import", "--bogus", p).returncode == 2
    r = ws.run("import", "--help")
    assert r.returncode == 0 and "import [--json]" in r.stdout
    r = ws.run("import", "--json", ws.path / "missing.csv")
    assert r.returncode == 1
    assert json.loads(r.stdout)["outcome"] == "refused"


def test_shipped_sample_layout_is_valid(ws, tmp_path):
    """content/layouts/example.yaml.sample is what finance copies: it
    must load as a layout once named .yaml."""
    d = tmp_path / "layouts"
    d.mkdir()
    sample = pathlib.Path(__file__).resolve().parents[2] / "content" / "layouts" / "example.yaml.sample"
    (d / "example.yaml").write_bytes(sample.read_bytes())
    rows = ["交易序号,记账日期,借贷方向,发生额,账户余额,对方名称,附言",
            "E1,2026-11-23,贷,300.00,1300.00,示例甲公司,x"]
    p = write(ws, "e.csv", ("\n".join(rows) + "\n").encode())
    [res] = imp(ws, p, extra=("--layouts", d))
    assert res["layout"] == "examplebank"


def test_refusal_masks_an_account_number(ws):
    lines = S.sample(2)
    text = S.abc(lines).decode("utf-8-sig").split("\r\n")
    header = next(i for i, r in enumerate(text) if r.startswith("交易日期"))
    cells = next(csv.reader([text[header + 1]]))
    cells[2] = "6222000011112222333"  # an account where the amount belongs
    cells = [S.q(c) for c in cells]
    text[header + 1] = ",".join(cells)
    r = ws.run("import", "--json", write(ws, "acct.csv", "\r\n".join(text).encode()))
    assert r.returncode == 1
    assert "6222000011112222333" not in r.stdout + r.stderr
    assert "6222" in json.loads(r.stdout)["findings"][0]["message"]


def test_killed_import_then_rerun_ends_as_one_run(ws, tmp_path):
    """One transaction per file: an import killed at any moment leaves
    nothing of the file, and running it again gives the same database as
    an uninterrupted run."""
    import subprocess
    import time
    lines = [S.Line(date="2026-11-23", fen=100 + i, serial=f"K{i:07d}",
                    memo=f"m{i}") for i in range(60000)]
    data = S.cmb(lines)
    clean = Workspace(tmp_path / "clean")
    clean.init()
    p1 = write(clean, "big.csv", data)
    imp(clean, p1)
    p = write(ws, "big.csv", data)
    from batchws import BATCH
    for delay in (0.05, 0.3):
        proc = subprocess.Popen([str(BATCH), "import", "--json", str(p)], cwd=ws.path,
                                env=ws.env(), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.kill()
        proc.wait()
        assert count(ws, "statement_lines") in (0, 60000)
    imp(ws, p)
    assert ws.dump() == clean.dump()


def test_page_subtotals_are_skipped_and_rows_go_on(ws):
    lines = S.running(S.sample(4), 100000)
    text = S.icbc(lines).decode("gb18030").split("\r\n")
    header = next(i for i, r in enumerate(text) if r.startswith("凭证号"))
    text.insert(header + 3, "本页小计,,,,,0.00,601.00,,,,,,")
    [res] = imp(ws, write(ws, "pages.csv", "\r\n".join(text).encode("gb18030")))
    assert (res["outcome"], res["lines_booked"], res["findings"]) == ("imported", 4, [])
    # The totals are the file's final 合计, not the page's.
    assert ws.query("SELECT total_credit_fen FROM statement_files")[0][0] == \
        sum(l.fen for l in lines if l.credit)


def test_a_row_after_the_totals_refuses(ws):
    lines = S.running(S.sample(3), 100000)
    text = S.icbc(lines).decode("gb18030").split("\r\n")
    total = next(i for i, r in enumerate(text) if r.startswith("合计"))
    row = next(r for r in text if r.startswith(",0502"))
    text.insert(total + 1, row)
    [res] = imp(ws, write(ws, "after.csv", "\r\n".join(text).encode("gb18030")), code=1)
    f = res["findings"][0]
    assert f["where"] == f"line {total + 2}" and "after" in f["message"]
    nothing_booked(ws)


def test_tab_separated_txt_export(ws):
    lines = S.running(S.sample(3), 100000)
    rows = ["交易日期\t交易时间\t交易流水号\t收入金额\t支出金额\t本次余额\t对方账号\t对方户名\t对方开户行\t交易用途\t摘要"]
    for i, l in enumerate(lines):
        rows.append("\t".join([S.compact(l.date), l.time, f"T{i}",
                               S.yuan(l.fen, False) if l.credit else "",
                               "" if l.credit else S.yuan(l.fen, False),
                               S.yuan(l.balance, False), l.account, l.name, l.bank,
                               l.memo, "转账"]))
    [res] = imp(ws, write(ws, "abc.txt", ("\r\n".join(rows) + "\r\n").encode("gb18030")))
    assert (res["layout"], res["lines_booked"], res["findings"]) == ("abc", 3, [])


def test_serials_rounded_by_a_spreadsheet_refuse(ws):
    """A WeChat bill opened and saved again in a spreadsheet turns long
    order numbers into 4.20000E+27: two lines would share a key and one be
    swallowed as already known."""
    lines = S.sample(2)
    text = S.wechat(lines).decode().split("\n")
    text[1] = text[1].replace("`4200002026202611200000000000", "4.20000E+27", 1)
    text[2] = text[2].replace("`4200002026202611200000000001", "4.20000E+27", 1)
    [res] = imp(ws, write(ws, "resaved.csv", "\n".join(text).encode()), code=1)
    f = res["findings"][0]
    assert f["where"] == "line 2" and "scientific" in f["message"]
    nothing_booked(ws)


def test_a_fifo_or_folder_is_refused_without_hanging(ws):
    import os
    fifo = ws.path / "pipe.csv"
    os.mkfifo(fifo)
    res = imp(ws, fifo, ws.path, code=1)
    assert [r["outcome"] for r in res] == ["refused", "refused"]
    assert "not a regular file" in res[0]["findings"][0]["message"]


def test_rows_without_a_balance_do_not_make_a_gap(ws):
    lines = S.running(S.sample(4), 100000)
    text = S.abc(lines, opening=None).decode("utf-8-sig").split("\r\n")
    header = next(i for i, r in enumerate(text) if r.startswith("交易日期"))
    cells = next(csv.reader([text[header + 2]]))
    cells[4] = ""  # the export left this row's balance out
    text[header + 2] = ",".join(S.q(c) for c in cells)
    [res] = imp(ws, write(ws, "nobal.csv", "\r\n".join(text).encode()))
    assert res["findings"] == []
    assert ws.query("SELECT balance_fen FROM statement_lines ORDER BY line_id")[1] == (None,)


def test_header_repeated_on_each_page_is_skipped(ws):
    lines = S.running(S.sample(4), 100000)
    text = S.ccb(lines).decode("gb18030").split("\r\n")
    header = next(i for i, r in enumerate(text) if r.startswith("账号,交易时间"))
    text.insert(header + 3, text[header])
    [res] = imp(ws, write(ws, "pages.csv", "\r\n".join(text).encode("gb18030")))
    assert (res["outcome"], res["lines_booked"], res["findings"]) == ("imported", 4, [])


def test_gb18030_four_byte_characters(ws):
    """GB18030 writes characters beyond GBK (𠮷, €) in four bytes."""
    lines = S.sample(2)
    lines[0].name = "示例𠮷€商贸有限公司"
    data = S.icbc(lines)
    assert "𠮷".encode("gb18030") in data and len("𠮷".encode("gb18030")) == 4
    imp(ws, write(ws, "gb4.csv", data))
    assert ws.query("SELECT counterparty_name FROM statement_lines ORDER BY line_id")[0][0] == \
        "示例𠮷€商贸有限公司"


def test_bytes_valid_in_neither_encoding_refuse_naming_the_line(ws):
    data = S.icbc(S.sample(3)).split(b"\r\n")
    data[9] = data[9] + b"\x81\x20"  # a lead byte without its trail
    [res] = imp(ws, write(ws, "broken.csv", b"\r\n".join(data)), code=1)
    f = res["findings"][0]
    assert f["where"] == "line 10" and "GB18030" in f["message"]
    nothing_booked(ws)


def test_abc_footer_totals_are_read(ws):
    lines = S.sample(4)
    imp(ws, write(ws, "abc.csv", S.abc(lines)))
    assert ws.query("SELECT account, total_debit_fen, total_credit_fen FROM statement_files") == \
        [(S.OUR_ACCOUNT, sum(l.fen for l in lines if not l.credit),
          sum(l.fen for l in lines if l.credit))]


def test_a_gbk_file_name_is_reported_in_utf8(ws):
    name = "工行明细.csv".encode("gbk")
    path = bytes(ws.path) + b"/" + name
    with open(path, "wb") as f:
        f.write(S.icbc(S.sample(2)))
    import subprocess
    from batchws import BATCH
    r = subprocess.run([bytes(BATCH), b"import", b"--json", path], cwd=ws.path,
                       env=ws.env(), capture_output=True)
    assert r.returncode == 0, r.stderr
    res = json.loads(r.stdout)
    assert res["file"].endswith("工行明细.csv") and res["outcome"] == "imported"
    assert ws.query("SELECT file_name FROM statement_files") == [("工行明细.csv",)]
