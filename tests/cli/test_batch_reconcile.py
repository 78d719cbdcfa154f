"""certhall-batch reconcile and payments: every defined outcome, the
review queue holding exactly the uncertain lines, hand decisions that
reconcile keeps, and a second run that changes nothing."""
import json

import pytest

from batchws import BATCH
from money import ACCOUNT, Money, fold_fullwidth

A1 = "6217 0000 0000 0001"
A2 = "6217 0000 0000 0002"


@pytest.fixture
def m(tmp_path):
    return Money(tmp_path)


def same_after_rerun(m):
    before = m.ws.dump()
    m.reconcile()
    assert m.ws.dump() == before


def test_memo_with_order_number_pays_in_full_however_typed(m):
    (a1, n1, due), (a2, n2, _), (a3, n3, _) = m.orders(
        [dict(i=1), dict(i=2, account="6222 0000 1111 0001"), dict(i=3, account="6222 0000 2222 0002")])
    f = m.file()
    typed = fold_fullwidth(n1.lower()[:8]) + " - " + n1.lower()[8:]
    l1 = m.line(f, "credit", due, memo="证书费 " + typed, name="别的公司",
                account="6222 9999")
    l2 = m.line(f, "credit", due, memo=n2[:6] + "-" + n2[6:], account="3")
    l3 = m.line(f, "credit", due, memo="订单号：" + fold_fullwidth(n3))
    res = m.reconcile()
    assert res["paid"] == 3 and res["review"] == 0
    for line, aid in ((l1, a1), (l2, a2), (l3, a3)):
        assert m.outcome(line) == ("matched", 0)
        assert m.state(aid) == ("in_review", due)
    st = m.status(a1)
    assert st["state"] == "in_review" and st["amount_paid_fen"] == due
    [p] = st["payments"]
    assert p["line"] == l1 and p["amount_fen"] == due
    assert p["file"] == "stmt1.csv" and p["date"] == "2026-11-25"
    same_after_rerun(m)


def test_mistyped_order_number_goes_to_review_never_to_another_order(m):
    (a1, n1, due), (a2, n2, _) = m.orders([dict(i=1), dict(i=2, account="6222 0000 1111 0001")])
    # n2 with one digit changed is not n1, and its check fails.
    wrong = n2[:-3] + str((int(n2[-3]) + 1) % 10) + n2[-2:]
    f = m.file()
    line = m.line(f, "credit", due, memo=wrong, account="777")
    res = m.reconcile()
    assert res["paid"] == 0 and res["review"] == 1
    assert m.outcome(line) == ("mistyped_order_no", 1)
    assert m.state(a1)[0] == m.state(a2)[0] == "awaiting_payment"
    [q] = m.queue()
    assert q["line"] == line and "check character" in q["reason"]
    assert q["candidates"][0]["order_no"] == n2
    same_after_rerun(m)


def test_payer_account_pays_without_memo_but_name_alone_never_does(m):
    (a1, n1, due), (a2, n2, _) = m.orders(
        [dict(i=1, account="6222 0202 0011 2233"),
         dict(i=2, account="6222 0000 9999 0009", org="太原某某有限责任公司")])
    f = m.file()
    by_acct = m.line(f, "credit", due, account="6222-0202-0011-2233",
                     name="无关")
    by_name = m.line(f, "credit", due, name="太原某某（有限公司）",
                     account="5555")
    m.reconcile()
    assert m.outcome(by_acct) == ("matched", 0)
    assert m.state(a1)[0] == "in_review"
    assert m.outcome(by_name) == ("name_only", 1)
    assert m.state(a2) == ("awaiting_payment", 0)
    [q] = m.queue()
    assert q["candidates"][0]["order_no"] == n2
    assert "name" in q["candidates"][0]["why"]


def test_one_transfer_of_exactly_the_sum_pays_several_orders(m):
    specs = [dict(i=i, account="6222 0000 8888 0001") for i in (1, 2)] + \
            [dict(i=i, account="6222 0000 8888 0002") for i in (3, 4)]
    (a1, n1, d), (a2, n2, _), (a3, n3, _), (a4, n4, _) = m.orders(specs)
    f = m.file()
    by_account = m.line(f, "credit", 2 * d, account="6222-0000-8888-0001")
    by_memo = m.line(f, "credit", 2 * d, memo=n3 + "," + n4, account="x")
    m.reconcile()
    assert m.outcome(by_account) == ("bulk", 0)
    assert m.outcome(by_memo) == ("bulk", 0)
    for a in (a1, a2, a3, a4):
        assert m.state(a) == ("in_review", d)
    same_after_rerun(m)


def test_partial_payment_and_its_completion(m):
    aid, no, due = m.order(1)
    f = m.file()
    first = m.line(f, "credit", 30000, memo=no)
    m.reconcile()
    assert m.outcome(first) == ("partial", 0)
    assert m.state(aid) == ("awaiting_payment", 30000)
    assert m.status(aid)["awaiting"] == "payment"
    second = m.line(m.file(), "credit", due - 30000, memo=no)
    m.reconcile()
    assert m.outcome(second) == ("completed", 0)
    assert m.state(aid) == ("in_review", due)
    assert len(m.status(aid)["payments"]) == 2


def test_overpayment_fits_two_and_already_paid_go_to_review(m):
    (a1, n1, d), (a2, n2, _), (a3, n3, _) = m.orders(
        [dict(i=1, account=A1), dict(i=2, account=A2), dict(i=3, account=A2)])
    f = m.file()
    over = m.line(f, "credit", d + 100, memo=n1)
    fits = m.line(f, "credit", d, account=A2)
    m.reconcile()
    assert m.outcome(over) == ("overpaid", 1)
    assert m.outcome(fits) == ("fits_several", 1)
    assert m.state(a1) == ("awaiting_payment", 0)
    assert m.state(a2) == m.state(a3) == ("awaiting_payment", 0)
    paid = m.line(f, "credit", d, memo=n2)
    again = m.line(f, "credit", d, memo=n2)
    m.reconcile()
    assert m.outcome(paid) == ("matched", 0)
    assert m.outcome(again) == ("already_paid", 1)
    assert m.state(a2) == ("in_review", d)
    queue = m.queue()
    assert [q["line"] for q in queue] == [over, fits, again]
    assert {c["order_no"] for c in queue[1]["candidates"]} == {n2, n3}
    assert "overpaid by 100" in queue[0]["reason"]
    same_after_rerun(m)


@pytest.mark.parametrize("kind", ["reversal", "returned"])
def test_reversal_or_returned_transfer_takes_the_money_back(m, kind):
    aid, no, due = m.order(1)
    f = m.file()
    paid = m.line(f, "credit", due, memo=no, account="6222 1")
    m.reconcile()
    assert m.state(aid) == ("in_review", due)
    back = m.line(m.file(), "debit", due, memo="冲正" if kind == "reversal" else "退汇",
                  account="62221", kind=kind)
    res = m.reconcile()
    assert res["reversed"] == 1
    assert m.outcome(back) == ("reversal", 0)
    assert m.outcome(paid) == ("reversed", 0)
    assert m.state(aid) == ("awaiting_payment", 0)
    history = [h["detail"] for h in m.status(aid)["history"] if h["kind"] == "state"]
    assert history[-1].startswith("in_review -> awaiting_payment")
    same_after_rerun(m)


def test_reversal_without_an_original_goes_to_review(m):
    m.order(1)
    f = m.file()
    line = m.line(f, "debit", 123, kind="reversal", account="404")
    m.reconcile()
    assert m.outcome(line) == ("reversal_unmatched", 1)


def test_hand_decisions_are_recorded_and_kept(m):
    (a1, n1, d), (a2, n2, _) = m.orders([dict(i=1, account=A2), dict(i=2, account=A2)])
    f = m.file()
    line = m.line(f, "credit", d, account=A2)
    m.reconcile()
    assert m.outcome(line) == ("fits_several", 1)
    r = m.run("payments", "match", str(line), n2)
    assert r.returncode == 2 and "--by" in r.stderr
    r = m.run("payments", "match", str(line), n2, "--by", "王会计")
    assert r.returncode == 0, r.stderr
    assert m.state(a2) == ("in_review", d)
    assert m.queue() == []
    m.reconcile()
    assert m.ws.query("SELECT outcome, by_hand FROM line_outcomes WHERE line_id = ?",
                      line) == [("matched", "王会计")]
    r = m.run("payments", "match", str(line), n1, "--by", "王会计")
    assert r.returncode == 1 and "unmatch it first" in r.stderr
    r = m.run("payments", "unmatch", str(line), "--by", "李出纳")
    assert r.returncode == 0, r.stderr
    assert m.state(a2) == ("awaiting_payment", 0)
    m.reconcile()
    # Reconcile does not match the line again: the hand decision stands.
    assert m.state(a1) == m.state(a2) == ("awaiting_payment", 0)
    assert m.ws.query("SELECT action, application_id, decided_by, decided_at"
                      " FROM hand_decisions ORDER BY decision_id") == [
        ("match", a2, "王会计", "2026-11-24T02:30:00Z"),
        ("unmatch", None, "李出纳", "2026-11-24T02:30:00Z")]
    r = m.run("payments", "match", "99999", n1, "--by", "x")
    assert r.returncode == 1 and "no statement line 99999" in r.stderr


def test_refused_transition_names_the_state_found(m):
    aid, no, due = m.order(1)
    f = m.file()
    line = m.line(f, "credit", due, memo=no)
    m.reconcile()
    r = m.run("verify", no, "ABCDEF")
    assert r.returncode == 1 and "in_review" in r.stderr


def test_online_payment_waits_for_verification_with_a_payout(m):
    aid, no, due = m.order(1, method="online")
    f = m.file(source="wechat")
    line = m.line(f, "credit", due, merchant="`" + no)
    m.reconcile()
    assert m.outcome(line) == ("matched", 0)
    assert m.state(aid) == ("awaiting_verification", due)
    assert m.ws.query("SELECT state, account_number FROM payouts") == [
        ("pending", ACCOUNT)]
    st = m.status(aid)
    assert st["awaiting"] == "verification"
    assert st["verification"]["payout"] == "pending"
    same_after_rerun(m)


def test_noise_lines_are_not_ours_and_not_in_the_queue(m):
    m.order(1)
    f = m.file()
    for i in range(20):
        m.line(f, "credit" if i % 2 else "debit", 1000 + i, memo="货款%d" % i,
               name="某公司%d" % i, account="99%d" % i)
    res = m.reconcile()
    assert res["not_ours"] == 20 and res["review"] == 0 and m.queue() == []


def test_text_output_and_usage(m):
    r = m.run("reconcile")
    assert r.returncode == 0 and "review queue: 0" in r.stdout
    assert m.run("reconcile", "--bogus").returncode == 2
    assert m.run("payments", "frobnicate").returncode == 2
    assert m.run("payments", "unmatch", "x", "--by", "a").returncode == 2


def test_queue_and_status_as_text_mask_accounts(m):
    (a1, n1, d), (a2, n2, _) = m.orders([dict(i=1, account=A2), dict(i=2, account=A2)])
    f = m.file()
    line = m.line(f, "credit", d, account=A2, name="\x1b[31m红字")
    m.reconcile()
    r = m.run("payments", "queue")
    assert r.returncode == 0, r.stderr
    assert "line %d" % line in r.stdout and "fits_several" in r.stdout
    assert "6217********0002" in r.stdout and A2.replace(" ", "") not in r.stdout
    assert "\x1b" not in r.stdout
    assert "candidate " + n1 in r.stdout and "candidate " + n2 in r.stdout
    m.run("payments", "match", str(line), a1, "--by", "王会计")
    r = m.run("status", a1)
    assert "line %d (stmt1.csv:2)" % line in r.stdout and "in_review" in r.stdout


def test_killed_run_then_rerun_ends_as_an_uninterrupted_one(tmp_path):
    import signal
    import sqlite3
    import subprocess
    import sys
    import time

    from batchws import ROOT, Workspace
    base = Money(tmp_path / "base")
    gen = ROOT / "tests" / "bench" / "make_reconcile_db.py"
    r = subprocess.run([sys.executable, gen, base.ws.db_path, "2000", "20000"])
    assert r.returncode == 0

    def fresh(name):
        ws = Workspace(tmp_path / name)
        ws.var.mkdir(parents=True)
        src, dst = sqlite3.connect(base.ws.db_path), sqlite3.connect(ws.db_path)
        src.backup(dst)
        src.close()
        dst.close()
        return ws

    whole = fresh("whole")
    assert whole.run("reconcile").returncode == 0
    want = whole.dump()
    assert "'bulk'" in want or "'matched'" in want
    for delay in (0.05, 0.3, 0.8):
        ws = fresh("killed%d" % int(delay * 100))
        p = subprocess.Popen([str(BATCH), "reconcile"], cwd=ws.path, env=ws.env(),
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        p.send_signal(signal.SIGKILL)
        p.wait()
        r = ws.run("reconcile")
        assert r.returncode == 0, r.stderr
        assert ws.dump() == want, delay


def test_decider_name_must_be_plain_text(m):
    aid, no, d = m.order(1)
    line = m.line(m.file(), "credit", 5, account="x")
    # The same rule as review's --by: the one unsafe list, 32 characters.
    for bad in ("\x1b[2J", "x" * 101, "王\u202e计", "\u0085x", "x" * 33, "　"):
        r = m.run("payments", "match", str(line), no, "--by", bad)
        assert r.returncode == 2 and "--by" in r.stderr
    assert m.ws.query("SELECT count(*) FROM hand_decisions") == [(0,)]


def test_payment_before_its_order_is_claimed_when_the_order_arrives(m):
    from money import order_no
    f = m.file()
    early = m.line(f, "credit", 90000, memo="证书费" + order_no(20261125, 1),
                   account="6222 7")
    by_account = m.line(f, "credit", 90000, account="6222 0000 3333 0003")
    res = m.reconcile()
    assert m.outcome(early) == ("unknown_order", 1)
    assert m.outcome(by_account) == ("not_ours", 0)
    assert res["review"] == 1
    before = m.ws.dump()
    m.reconcile()
    assert m.ws.dump() == before  # nothing changed: nothing looked at again
    m.now = "2026-11-25T02:00:00Z"
    (a1, n1, _), (a2, n2, _) = m.orders(
        [dict(i=1), dict(i=2, account="6222 0000 3333 0003")])
    assert n1 == order_no(20261125, 1)
    res = m.reconcile()
    assert m.outcome(early) == ("matched", 0)
    assert m.outcome(by_account) == ("matched", 0)
    assert m.state(a1)[0] == m.state(a2)[0] == "in_review"
    assert m.ws.query("SELECT count(*) FROM line_waiting") == [(0,)]
    same_after_rerun(m)


def test_a_refused_later_revision_does_not_stop_the_payment(m):
    """A correction that intake refuses changes nothing (issue 7): the
    accepted revision and its order stand, and its payment is matched."""
    import bundles
    aid, no, due = m.order(1)
    app = bundles.application(application_id=aid, revision=2)
    app["handler"]["id_number"] = "bad"
    bundles.make_bundle(m.ws.inbox / "r2.zip", app=app)
    assert m.run("ingest").returncode == 0
    assert m.state(aid)[0] == "awaiting_payment"
    line = m.line(m.file(), "credit", due, memo=no)
    m.reconcile()
    assert m.state(aid) == ("in_review", due)


def test_a_payer_with_more_orders_than_looked_at_is_never_guessed(m):
    orders = m.bulk_orders(40, "6217 4444 0000 0001")
    # Only the 32nd and the 40th still owe: a look at the first 32 alone
    # would find one that fits.
    with m.ws.db() as c:
        for k, (aid, _, due) in enumerate(orders):
            if k not in (31, 39):
                c.execute("UPDATE applications SET state = 'in_review',"
                          " amount_paid_fen = ? WHERE application_id = ?",
                          (due, aid))
    f = m.file()
    line = m.line(f, "credit", 90000, account="6217444400000001")
    m.reconcile()
    assert m.outcome(line) == ("fits_several", 1)
    assert m.state(orders[31][0]) == m.state(orders[39][0]) \
        == ("awaiting_payment", 0)


def test_a_memo_naming_more_orders_than_weighed_goes_to_review(m):
    orders = m.bulk_orders(9, "6217 5555 0000 0001")
    line = m.line(m.file(), "credit", 8 * 90000,
                  memo=" ".join(no for _, no, _ in orders), account="x")
    m.reconcile()
    assert m.outcome(line) == ("several_orders", 1)


def test_statement_file_names_reach_the_terminal_harmless(m):
    aid, no, due = m.order(1, account=A1)
    f = m.file(name="\x1b]0;owned\x07stmt.csv")
    m.line(f, "credit", due, memo=no)
    m.line(f, "credit", due + 1, account=A1)
    m.reconcile()
    for args in (("status", aid), ("payments", "queue")):
        r = m.run(*args)
        assert r.returncode == 0, r.stderr
        assert "stmt.csv" in r.stdout and "\x1b" not in r.stdout
        assert "\x07" not in r.stdout


def test_lines_that_pay_nothing_cannot_be_matched_by_hand(m):
    aid, no, due = m.order(1)
    f = m.file()
    paid = m.line(f, "credit", due, memo=no, account="6222 1")
    back = m.line(f, "debit", due, account="62221", kind="reversal")
    fee = m.line(f, "debit", 300)
    m.reconcile()
    for line, why in ((paid, "is reversed"), (back, "reversal debit line"),
                      (fee, "normal debit line")):
        r = m.run("payments", "match", str(line), no, "--by", "王会计")
        assert r.returncode == 1 and why in r.stderr, r.stderr
    assert m.state(aid) == ("awaiting_payment", 0)


def test_a_reversed_line_is_not_claimed_by_an_order_arriving_later(m):
    f = m.file()
    early = m.line(f, "credit", 90000, account="6222 0000 3333 0003")
    back = m.line(f, "debit", 90000, account="6222000033330003",
                  kind="reversal")
    m.reconcile()
    assert m.outcome(early) == ("reversed", 0)
    assert m.outcome(back) == ("reversal", 0)
    m.now = "2026-11-25T02:00:00Z"
    aid, no, due = m.order(1, account="6222 0000 3333 0003")
    m.reconcile()
    assert m.outcome(early) == ("reversed", 0)
    assert m.state(aid) == ("awaiting_payment", 0)
