"""Micro-deposits: the batch-transfer file, the code that appears in it
and nowhere else, verify's attempts and expiry, the bank's debit and
returned lines, and a resubmission with a corrected account."""
import csv
import io
import json
import os
import stat

import pytest

from money import ACCOUNT, Money, fold_fullwidth

NEW_ACCOUNT = "6217 8888 0000 1234 567"


def paid_online(m, i=1, **kw):
    aid, no, due = m.order(i, method="online", **kw)
    f = m.file(source="alipay")
    m.line(f, "credit", due, merchant=no)
    m.reconcile()
    assert m.state(aid)[0] == "awaiting_verification"
    return aid, no, due


def export(m, *args):
    out = m.ws.path / ("payouts-%d.csv" % len(list(m.ws.path.glob("payouts-*"))))
    r = m.run("payouts", "export", "-o", out, *args)
    assert r.returncode == 0, r.stderr
    return out, r


def rows(path):
    text = path.read_bytes().decode("gb18030")
    return list(csv.DictReader(io.StringIO(text)))


def code_of(row):
    memo = row["用途"]
    i = memo.index("验证码") + 3
    return memo[i:i + 6]


@pytest.fixture
def m(tmp_path):
    return Money(tmp_path)


def test_init_makes_a_private_key(m):
    key = m.ws.var / "verification.key"
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    assert len(key.read_bytes()) == 32


def test_export_once_reprint_and_the_code_nowhere_else(m):
    aid, no, due = paid_online(m)
    out, r = export(m)
    raw = out.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # GB18030, not UTF-8
    [row] = rows(out)
    assert row["收款方账号"] == ACCOUNT and row["金额（元）"] == "0.01"
    assert row["收款方户名"] == "山西示例科技有限公司"
    code = code_of(row)
    assert len(code) == 6 and all(c in "ABCDEFGHJKMNPQRSTUVWXYZ23456789" for c in code)
    assert no in row["用途"]
    # A second export holds only new payouts: none.
    out2, r2 = export(m)
    assert not out2.exists() and "no new payouts" in r2.stderr
    # --batch prints the same file again.
    r3 = m.ws.run("payouts", "export", "--batch", "1", env=m.env(),
                  capture_output=True, text=False)
    assert r3.returncode == 0 and r3.stdout == raw
    # Nowhere else: database, WAL, status, reconcile output, notices.
    st = m.run("status", "--json", aid)
    txt = m.run("status", aid)
    rec = m.run("reconcile", "--json")
    for text in (st.stdout, st.stderr, txt.stdout, rec.stdout, r.stderr):
        assert code not in text
    assert code.encode() not in m.db_bytes()
    v = json.loads(st.stdout)["verification"]
    assert v["payout"] == "exported" and v["attempts_left"] == 5
    assert v["expires_at"] == "2026-12-04T02:30:00Z"
    assert m.ws.query("SELECT notice FROM outbox WHERE application_id = ?"
                      " AND notice = 'micro_deposit'", aid)


def test_verify_wrong_then_right_code_folded(m):
    aid, no, due = paid_online(m)
    out, _ = export(m)
    code = code_of(rows(out)[0])
    wrong = "222222" if code != "222222" else "333333"
    r = m.run("verify", no, wrong)
    assert r.returncode == 1 and "4 attempt(s) left" in r.stderr
    typed = " " + fold_fullwidth(code.lower()[:3]) + code.lower()[3:]
    r = m.run("verify", no, typed)
    assert r.returncode == 0, r.stderr
    assert m.state(aid)[0] == "in_review"
    assert m.ws.query("SELECT outcome FROM verify_attempts ORDER BY attempt_id") \
        == [("wrong",), ("verified",)]
    assert code.encode() not in m.db_bytes()
    assert m.run("verify", "SX123", code).returncode == 2
    assert m.run("verify", no).returncode == 2


def test_five_wrong_attempts_fail_the_verification(m):
    aid, no, due = paid_online(m)
    out, _ = export(m)
    code = code_of(rows(out)[0])
    wrong = "222222" if code != "222222" else "333333"
    for left in (4, 3, 2, 1):
        r = m.run("verify", no, wrong)
        assert r.returncode == 1 and "%d attempt(s) left" % left in r.stderr
    r = m.run("verify", no, wrong)
    assert r.returncode == 1 and "no attempts left" in r.stderr
    assert m.state(aid)[0] == "verification_failed"
    r = m.run("verify", no, code)
    assert r.returncode == 1 and "verification_failed" in r.stderr
    [(payload,)] = m.ws.query("SELECT payload FROM outbox WHERE notice ="
                              " 'bank_verification_failed'")
    assert "金融认证信息认证不通过" in json.loads(payload)["text"]
    assert json.loads(payload)["vars"]["reasons"] == "验证码输入错误次数过多"
    assert len(m.ws.query("SELECT * FROM verify_attempts")) == 6


def test_code_expires_ten_days_after_export(m):
    aid, no, due = paid_online(m)
    out, _ = export(m)
    code = code_of(rows(out)[0])
    r = m.run("verify", no, code, CERTHALL_NOW="2026-12-04T02:30:00Z")
    assert r.returncode == 1 and "expired" in r.stderr
    assert m.state(aid)[0] == "verification_failed"


def test_reconcile_fails_expired_payouts(m):
    aid, no, due = paid_online(m)
    export(m)
    res = m.reconcile(CERTHALL_NOW="2026-12-05T00:00:00Z")
    assert res["payouts_failed"] == 1
    assert m.state(aid)[0] == "verification_failed"
    assert m.ws.query("SELECT state, failure FROM payouts") == [("failed", "expired")]


def test_debit_line_confirms_and_returned_payout_fails(m):
    (a1, n1, _), (a2, n2, _) = [paid_online(m, 1), paid_online(m, 2, account=NEW_ACCOUNT)]
    out, _ = export(m)
    r1, r2 = rows(out)
    f = m.file()
    sent = m.line(f, "debit", 1, memo=r1["用途"], account=ACCOUNT.replace(" ", ""))
    back = m.line(f, "credit", 1, memo="退汇 " + r2["用途"], account=NEW_ACCOUNT,
                  kind="returned")
    res = m.reconcile()
    assert res["payouts_confirmed"] == 1 and res["payouts_failed"] == 1
    assert m.outcome(sent) == ("payout_sent", 0)
    assert m.outcome(back) == ("payout_returned", 0)
    assert m.status(a1)["verification"]["payout"] == "confirmed"
    assert m.state(a2)[0] == "verification_failed"
    assert m.ws.query("SELECT notice FROM outbox WHERE application_id = ? AND"
                      " notice = 'bank_verification_failed'", a2)
    # The bank's lines carried the codes: the database keeps them withheld.
    for row in (r1, r2):
        assert code_of(row).encode() not in m.db_bytes()
    [(memo,)] = m.ws.query("SELECT memo FROM statement_lines WHERE line_id = ?", sent)
    assert "******" in memo and n1 in memo


def test_resubmission_with_corrected_account_starts_a_new_payout(m):
    aid, no, due = paid_online(m)
    export(m)
    m.line(m.file(), "credit", 1, memo="退汇", account=ACCOUNT, kind="returned")
    m.reconcile()
    assert m.state(aid)[0] == "verification_failed"
    m.orders([dict(i=1, method="online", account=NEW_ACCOUNT, revision=2)])
    m.reconcile()
    assert m.state(aid)[0] == "awaiting_verification"
    assert m.ws.query("SELECT revision, state, account_number FROM payouts"
                      " ORDER BY payout_id") == [
        (1, "failed", ACCOUNT), (2, "pending", NEW_ACCOUNT)]
    out, _ = export(m)
    [row] = rows(out)
    assert row["收款方账号"] == NEW_ACCOUNT


def test_old_code_does_not_verify_after_a_resubmission(m):
    aid, no, due = paid_online(m)
    out, _ = export(m)
    old = code_of(rows(out)[0])
    m.line(m.file(), "credit", 1, memo="退汇", account=ACCOUNT, kind="returned")
    m.reconcile()
    m.orders([dict(i=1, method="online", account=NEW_ACCOUNT, revision=2)])
    m.reconcile()
    r = m.run("verify", no, old)
    assert r.returncode == 1 and "not exported" in r.stderr
    out, _ = export(m)
    r = m.run("verify", no, old)
    assert r.returncode == 1 and "4 attempt(s) left" in r.stderr
    r = m.run("verify", no, code_of(rows(out)[0]))
    assert r.returncode == 0, r.stderr


def test_merchant_refund_takes_the_online_payment_back(m):
    aid, no, due = paid_online(m)
    f = m.file(source="alipay")
    refund = m.line(f, "debit", due, merchant=no, kind="refund")
    m.reconcile()
    assert m.outcome(refund) == ("reversal", 0)
    assert m.state(aid) == ("awaiting_payment", 0)
    assert m.ws.query("SELECT state FROM payouts") == [("cancelled",)]
    out, r = export(m)
    assert not out.exists()


def test_two_payouts_to_one_account_are_each_confirmed_once(m):
    (a1, n1, _), (a2, n2, _) = [paid_online(m, 1), paid_online(m, 2)]
    export(m)
    f = m.file()
    first = m.line(f, "debit", 1, memo="代付", account=ACCOUNT)
    second = m.line(f, "debit", 1, memo="代付", account=ACCOUNT)
    m.reconcile()
    assert m.outcome(first) == m.outcome(second) == ("payout_sent", 0)
    assert m.ws.query("SELECT confirmed_line_id FROM payouts ORDER BY payout_id") \
        == [(first,), (second,)]


def test_a_new_revision_with_the_same_account_needs_no_second_payout(m):
    aid, no, due = paid_online(m)
    out, _ = export(m)
    code = code_of(rows(out)[0])
    m.orders([dict(i=1, method="online", revision=2)])
    assert m.state(aid)[0] == "awaiting_payment"
    m.reconcile()
    assert m.state(aid)[0] == "awaiting_verification"
    assert m.ws.query("SELECT state FROM payouts") == [("exported",)]
    assert m.run("verify", no, code).returncode == 0
    m.orders([dict(i=1, method="online", revision=3)])
    m.reconcile()
    assert m.state(aid)[0] == "in_review"
    assert m.ws.query("SELECT state FROM payouts") == [("verified",)]
    # A corrected account while a payout is out cancels it.
    m.orders([dict(i=1, method="online", revision=4, account=NEW_ACCOUNT)])
    m.reconcile()
    assert m.state(aid)[0] == "awaiting_verification"
    assert m.ws.query("SELECT state, account_number FROM payouts ORDER BY"
                      " payout_id") == [("verified", ACCOUNT),
                                        ("pending", NEW_ACCOUNT)]
    export(m)
    third = "6217 9999 0000 1111 222"
    m.orders([dict(i=1, method="online", revision=5, account=third)])
    m.reconcile()
    assert m.ws.query("SELECT state, account_number FROM payouts ORDER BY"
                      " payout_id") == [("verified", ACCOUNT),
                                        ("cancelled", NEW_ACCOUNT),
                                        ("pending", third)]


def test_an_online_order_paid_by_transfer_is_still_verified(m):
    aid, no, due = m.order(1, method="online")
    m.line(m.file(), "credit", due, memo=no)
    m.reconcile()
    assert m.state(aid)[0] == "awaiting_verification"
    assert m.ws.query("SELECT state FROM payouts") == [("pending",)]


def test_formula_like_account_details_are_held_back_and_named(m):
    aid, no, due = paid_online(m, org="=HYPERLINK(\"http://x\",\"y\")")
    out, r = export(m)
    assert not out.exists()
    assert "payout 1 (order %s) held back" % no in r.stderr
    assert m.ws.query("SELECT state FROM payouts") == [("pending",)]


def test_a_key_others_can_read_is_refused(m):
    paid_online(m)
    key = m.ws.var / "verification.key"
    os.chmod(key, 0o644)
    r = m.run("payouts", "export", "-o", m.ws.path / "p.csv")
    assert r.returncode == 2 and "verification.key" in r.stderr
    assert "chmod 600" in r.stderr
    assert m.ws.query("SELECT state FROM payouts") == [("pending",)]
