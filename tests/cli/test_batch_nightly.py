"""certhall-batch nightly: the night's steps under one lock."""
import fcntl
import os

import bundles
import statements
from batchws import Workspace


def ws_with_bundle(tmp_path):
    ws = Workspace(tmp_path / "ws")
    ws.init()
    bundles.make_bundle(ws.inbox / "a.zip")
    return ws


def test_a_night_ingests_and_sends(tmp_path):
    ws = ws_with_bundle(tmp_path)
    r = ws.run("nightly")
    assert r.returncode == 0, r.stderr
    assert ws.files(ws.done) == ["a.zip"]
    assert sorted(ws.files(ws.var / "outbox")) == ["1.eml", "2.sms.json"]
    runs = ws.query("SELECT run_id, finished_at IS NOT NULL, failed_steps"
                    " FROM nightly_runs")
    assert runs == [(1, 1, 0)]
    steps = ws.query("SELECT step, outcome FROM nightly_steps ORDER BY rowid")
    assert steps == [("ingest", "ok"), ("import", "ok"), ("reconcile", "ok"),
                     ("due", "ok"), ("send", "ok"), ("report", "ok")]
    assert " info: " in r.stderr and "run 1: 0 of 6 steps failed" in r.stderr
    reports = ws.var / "reports"
    assert ws.files(reports) == ["2026-11-24.csv", "2026-11-24.html",
                                 "index.html"]
    table = (reports / "2026-11-24.csv").read_text(encoding="utf-8-sig")
    assert "bundles_accepted,1\n" in table.replace("\r\n", "\n")
    page = (reports / "2026-11-24.html").read_text()
    for outside in ('src="', 'href="http', 'href="//', "url(", "@import"):
        assert outside not in page, outside
    assert 'href="2026-11-24.html"' in (reports / "index.html").read_text()


def test_a_second_run_is_turned_away_with_75(tmp_path):
    ws = ws_with_bundle(tmp_path)
    lock = ws.var / "certhall.db.nightly.lock"
    with open(lock, "w") as f:
        f.write("pid 4242 since 2026-11-24 10:30:00 Asia/Shanghai\n")
        f.flush()
        fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        r = ws.run("nightly")
    assert r.returncode == 75
    assert "pid 4242 since 2026-11-24 10:30:00" in r.stderr
    assert ws.files(ws.inbox) == ["a.zip"], "nothing was done"
    # The lock goes with the process that held it.
    r = ws.run("nightly")
    assert r.returncode == 0, r.stderr


def test_a_failed_step_does_not_stop_the_rest(tmp_path):
    ws = ws_with_bundle(tmp_path)
    (ws.var / "outbox").write_text("not a folder")
    r = ws.run("nightly")
    assert r.returncode == 1
    assert ws.files(ws.done) == ["a.zip"], "ingest still ran"
    steps = ws.query("SELECT step, outcome FROM nightly_steps ORDER BY rowid")
    assert steps == [("ingest", "ok"), ("import", "ok"), ("reconcile", "ok"),
                     ("due", "ok"), ("send", "failed"), ("report", "ok")]
    assert " error: send: " in r.stderr


def test_the_report_shows_hostile_names_as_text(tmp_path):
    ws = Workspace(tmp_path / "ws")
    ws.init()
    bad = ws.inbox / "<img src=x onerror=alert(1)>.zip"
    bad.write_bytes(b"not a zip")
    r = ws.run("nightly")
    assert r.returncode == 0, r.stderr
    page = (ws.var / "reports" / "2026-11-24.html").read_text()
    assert "<img" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;.zip" in page


def test_a_night_imports_the_statements_and_matches_the_payment(tmp_path):
    """Two nights: the first takes the bundle in; the next imports the bank
    statement dropped in the statement folder, matches the transfer whose
    memo names the order, and puts the file aside; a refused file stays
    and fails the step, the rest of the night still running."""
    ws = ws_with_bundle(tmp_path)
    assert ws.run("nightly").returncode == 0
    (order, due), = ws.query("SELECT order_no, amount_due_fen FROM applications")
    folder = ws.var / "statements"
    folder.joinpath("ccb-1124.csv").write_bytes(statements.ccb(
        [statements.Line("2026-11-24", fen=due, memo="证书费 " + order)]))
    folder.joinpath("junk.csv").write_bytes(b"no,layout,here\n1,2,3\n")
    r = ws.run("nightly", env=ws.env(CERTHALL_NOW="2026-11-25T02:30:00Z"))
    assert r.returncode == 1, r.stderr
    assert ws.query("SELECT state, amount_paid_fen FROM applications") == \
        [("in_review", due)]
    assert ws.files(folder / "imported") == ["ccb-1124.csv"]
    assert "junk.csv" in ws.files(folder)
    steps = ws.query("SELECT step, outcome FROM nightly_steps WHERE run_id = 2"
                     " ORDER BY rowid")
    assert ("import", "failed") in steps and ("reconcile", "ok") in steps
    assert " error: import: " in r.stderr
    # The report shows the money of the night: the payment matched.
    table = (ws.var / "reports" / "2026-11-25.csv").read_text(encoding="utf-8-sig")
    assert "payments_matched,1\r\n" in table or "payments_matched,1\n" in table
    assert "payments_matched_fen,%d" % due in table
    page = (ws.var / "reports" / "2026-11-25.html").read_text()
    assert "<h2>款项</h2>" in page
