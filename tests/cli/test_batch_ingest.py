"""certhall-batch ingest on real files: the outcomes BUNDLE.md prescribes,
idempotency, resubmission, crash safety, and nothing written outside var/."""
import hashlib
import json
import os
import random
import signal
import subprocess
import time

import pytest

import bundles
from batchws import BATCH, Workspace, tree

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def app_id(i):
    s = "".join(ALPHABET[(i * 7 + k * 13) % 32] for k in range(8)) + "%04d" % i
    return s[:4] + "-" + s[4:8] + "-" + s[8:12]


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_hostile(folder):
    """Every case of bundles.HOSTILE, each for its own application, so that
    one folder can hold them all. Returns name -> expected code."""
    expected = {}
    orig = bundles.application
    try:
        for i, (name, (builder, code)) in enumerate(sorted(bundles.HOSTILE.items())):
            aid = app_id(i + 100)
            bundles.application = (lambda aid=aid, **ch:
                                   orig(**{"application_id": aid, **ch}))
            builder(folder / (name + ".zip"))
            expected[name + ".zip"] = code
    finally:
        bundles.application = orig
    return expected


@pytest.fixture
def ws(tmp_path):
    return Workspace(tmp_path / "ws")


def test_good_bad_and_hostile_bundles_get_their_outcomes(ws):
    ws.init()
    expected = build_hostile(ws.inbox)
    (ws.inbox / "readme.txt").write_text("not a bundle")
    before = tree(ws.path)
    r, results = ws.ingest()
    by_name = {x["bundle"]: x for x in results}
    assert sorted(by_name) == sorted(expected)
    for name, code in expected.items():
        res = by_name[name]
        codes = [f["code"] for f in res["findings"]]
        assert set(res) == {"bundle", "sha256", "outcome", "application_id",
                            "revision", "order_no", "findings"}
        if code is None or code in bundles.WARNINGS:
            assert res["outcome"] == "accepted", (name, res)
            assert res["order_no"] and res["order_no"].startswith("SX")
            assert all(f["level"] == "warning" for f in res["findings"]), res
            if code:
                assert code in codes, (name, codes)
            assert (ws.done / name).exists()
        else:
            assert res["outcome"] == "rejected", (name, res)
            assert code in codes, (name, codes)
            assert res["order_no"] is None
            assert (ws.rejected / name).exists()
        assert res["sha256"] == sha((ws.done if res["outcome"] == "accepted"
                                     else ws.rejected) / name)
        for f in res["findings"]:
            assert f["message"] and f["level"] in ("error", "warning")
    # The non-bundle is reported and left where it was.
    assert "readme.txt" in r.stderr
    assert ws.files(ws.inbox) == ["readme.txt"]
    # Nothing was written outside var/.
    assert tree(ws.path) == before
    # One application per accepted bundle, with its documents stored.
    accepted = [x for x in results if x["outcome"] == "accepted"]
    assert ws.query("SELECT count(*) FROM applications WHERE state = 'awaiting_payment'") \
        == [(len(accepted),)]
    for sha256, in ws.query("SELECT sha256 FROM documents"):
        p = ws.var / "store" / sha256[:2] / sha256[2:]
        assert hashlib.sha256(p.read_bytes()).hexdigest() == sha256
        assert p.stat().st_mode & 0o777 == 0o600
    # Unlisted files are not stored.
    assert len(list((ws.var / "store").glob("*/*"))) == \
        len({s for s, in ws.query("SELECT sha256 FROM documents")})


def test_store_and_database_are_private(ws):
    ws.init()
    bundles.make_bundle(ws.inbox / "a.zip")
    ws.ingest()
    assert ws.db_path.stat().st_mode & 0o777 == 0o600
    for d in ["store", "inbox", "done", "rejected"]:
        assert (ws.var / d).stat().st_mode & 0o777 == 0o700
    for p in (ws.var / "store").rglob("*"):
        assert p.stat().st_mode & 0o777 == (0o700 if p.is_dir() else 0o600)


def test_accepted_bundle_queues_notice_with_amount_and_order(ws):
    ws.init()
    bundles.make_bundle(ws.inbox / "a.zip")
    _, [res] = ws.ingest()
    assert res["outcome"] == "accepted"
    [(due, order)] = ws.query("SELECT amount_due_fen, order_no FROM applications")
    # content/fees.yaml: organization 2 years 70000 + personal 1 year 20000
    assert due == 90000
    assert order == res["order_no"] and order.startswith("SX20261124")
    rows = ws.query("SELECT notice, channel, recipient, payload, state FROM outbox")
    assert sorted((n, c, s) for n, c, _, _, s in rows) == \
        [("accepted", "email", "queued"), ("accepted", "sms", "queued")]
    for _, channel, recipient, payload, _ in rows:
        p = json.loads(payload)
        assert order in p["text"] and "900.00" in p["text"]
        assert "{" not in p["text"]
        assert recipient in ("wangwu@example.com", "13812345678")


def test_rejected_bundle_queues_every_reason(ws):
    ws.init()
    app = bundles.application()
    app["handler"]["id_number"] = "110105194912310021"  # wrong check digit
    app["organization"]["id_number"] = "91140100MA0K1234X0"
    bundles.make_bundle(ws.inbox / "r.zip", app=app)
    _, [res] = ws.ingest()
    assert res["outcome"] == "rejected"
    codes = {f["code"] for f in res["findings"]}
    assert {"ID_NUMBER_INVALID", "USCC_INVALID"} <= codes
    # The e-mail names every reason; the SMS, two parts at most, the first
    # and how many more there are.
    [(payload,)] = ws.query("SELECT payload FROM outbox WHERE channel = 'email'")
    text = json.loads(payload)["text"]
    for f in res["findings"]:
        assert f["message"] in text
    [(payload,)] = ws.query("SELECT payload FROM outbox WHERE channel = 'sms'")
    sms = json.loads(payload)["text"]
    errors = [f for f in res["findings"] if f["level"] == "error"]
    assert errors[0]["message"].rstrip("。")[:20] in sms
    assert "等%d项" % len(errors) in sms
    assert len("【深圳CA】" + sms) <= 134


def test_second_ingest_is_duplicate_and_changes_nothing(ws):
    ws.init()
    expected = build_hostile(ws.inbox)
    saved = {p.name: p.read_bytes() for p in ws.inbox.iterdir()}
    _, first = ws.ingest()
    dump = ws.dump()
    for name, data in saved.items():
        (ws.inbox / name).write_bytes(data)
    _, second = ws.ingest()
    assert ws.dump() == dump
    assert len(second) == len(expected)
    firsts = {x["sha256"]: x for x in first}
    for x in second:
        assert x["outcome"] == "duplicate"
        assert x["findings"] == []
        f = firsts[x["sha256"]]
        assert x["order_no"] == f["order_no"]
        # Moved beside its first copy, under a new name, nothing overwritten.
        folder = ws.done if f["outcome"] == "accepted" else ws.rejected
        stem = x["bundle"][:-4]
        assert (folder / (stem + ".2.zip")).read_bytes() == saved[x["bundle"]]
        assert (folder / x["bundle"]).read_bytes() == saved[x["bundle"]]
    assert ws.files(ws.inbox) == []


def test_same_bytes_under_two_names_make_one_application(ws):
    ws.init()
    bundles.make_bundle(ws.inbox / "a.zip")
    (ws.inbox / "b.zip").write_bytes((ws.inbox / "a.zip").read_bytes())
    _, res = ws.ingest()
    assert [x["outcome"] for x in res] == ["accepted", "duplicate"]
    assert ws.query("SELECT count(*) FROM applications") == [(1,)]
    assert ws.files(ws.done) == ["a.zip", "b.zip"]


def test_resubmission_after_rejection_becomes_revision_2(ws):
    ws.init()
    bundles.make_bundle(ws.inbox / "r1.zip", omit=("营业执照.jpg",))
    _, [r1] = ws.ingest()
    assert r1["outcome"] == "rejected" and r1["revision"] == 1
    assert "DOC_MISSING" in {f["code"] for f in r1["findings"]}
    bundles.make_bundle(ws.inbox / "r2.zip", app=bundles.application(revision=2))
    _, [r2] = ws.ingest()
    assert r2["outcome"] == "accepted"
    assert (r2["application_id"], r2["revision"]) == ("K7QD-2MPE-X9A3", 2)
    assert ws.query("SELECT application_id, state, revision FROM applications") \
        == [("K7QD-2MPE-X9A3", "awaiting_payment", 2)]
    assert ws.query("SELECT revision, outcome FROM revisions ORDER BY revision") \
        == [(1, "rejected"), (2, "accepted")]
    # Both notices queued, each once.
    assert ws.query("SELECT revision, notice, count(*) FROM outbox"
                    " GROUP BY revision, notice ORDER BY revision") \
        == [(1, "rejected", 2), (2, "accepted", 2)]
    r = ws.run("status", "--json", "K7QD-2MPE-X9A3")
    st = json.loads(r.stdout)
    assert [x["outcome"] for x in st["revisions"]] == ["rejected", "accepted"]
    assert [h["kind"] for h in st["history"]] == \
        ["submitted", "rejected", "state", "submitted", "accepted"]


def test_stale_revision_is_rejected_and_changes_no_application(ws):
    ws.init()
    bundles.make_bundle(ws.inbox / "r2.zip", app=bundles.application(revision=2))
    _, [r2] = ws.ingest()
    assert r2["outcome"] == "accepted"
    before = ws.query("SELECT * FROM applications")
    for rev in (2, 1):
        app = bundles.application(revision=rev, submitted_at="2026-11-24T09:00:00+08:00")
        bundles.make_bundle(ws.inbox / ("again%d.zip" % rev), app=app)
        _, [res] = ws.ingest()
        assert res["outcome"] == "rejected"
        assert [f["code"] for f in res["findings"]] == ["REVISION_STALE"]
        assert res["order_no"] is None
    assert ws.query("SELECT * FROM applications") == before
    assert ws.query("SELECT count(*) FROM revisions") == [(1,)]
    # No silent rejection: each stale bundle tells the handler why, once
    # per channel, beside revision 2's accepted notice.
    assert sorted(ws.query("SELECT notice, channel, count(*) FROM outbox"
                           " GROUP BY notice, channel")) == \
        [("accepted", "email", 1), ("accepted", "sms", 1),
         ("rejected", "email", 2), ("rejected", "sms", 2)]
    for (payload,) in ws.query("SELECT payload FROM outbox WHERE notice = 'rejected'"):
        assert "已提交过相同或更新的版本" in json.loads(payload)["text"]


def test_paths_given_as_arguments(ws, tmp_path):
    ws.init()
    drop = tmp_path / "drop"
    drop.mkdir()
    bundles.make_bundle(drop / "ONE.ZIP")
    (drop / "two.txt").write_text("x")
    r, [res] = ws.ingest(drop / "ONE.ZIP", drop / "two.txt")
    assert res["outcome"] == "accepted" and res["bundle"] == "ONE.ZIP"
    assert ws.files(ws.done) == ["ONE.ZIP"]
    assert sorted(os.listdir(drop)) == ["two.txt"]
    assert "two.txt" in r.stderr


def test_ingest_works_without_init(ws):
    bundles.make_bundle(ws.path / "a.zip")
    _, [res] = ws.ingest("a.zip")
    assert res["outcome"] == "accepted"


def test_killed_at_random_points_loses_and_doubles_nothing(ws):
    """SIGKILL ingest of 30 bundles at random moments, again and again, then
    let it finish: every bundle is recorded exactly once and lies in done/
    or rejected/."""
    ws.init()
    rnd = random.Random(20261124)
    originals = {}
    for i in range(30):
        p = ws.inbox / ("b%02d.zip" % i)
        if i % 5 == 4:  # some rejected ones
            bundles.make_bundle(p, app=bundles.application(application_id=app_id(i)),
                                omit=("营业执照.jpg",))
        else:
            bundles.make_bundle(p, app=bundles.application(application_id=app_id(i)))
        originals[p.name] = sha(p)
    before = tree(ws.path)
    for _ in range(15):
        proc = subprocess.Popen([str(BATCH), "ingest"], cwd=ws.path, env=ws.env(),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rnd.uniform(0.0, 0.25))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    r, _ = ws.ingest()
    assert ws.files(ws.inbox) == []
    placed = {}
    for folder in (ws.done, ws.rejected):
        for p in folder.iterdir():
            placed.setdefault(sha(p), []).append(p.name)
    assert sorted(placed) == sorted(originals.values())
    assert all(len(v) == 1 for v in placed.values()), placed
    assert ws.query("PRAGMA integrity_check") == [("ok",)]
    assert ws.query("PRAGMA foreign_key_check") == []
    assert ws.query("SELECT count(*), count(DISTINCT sha256) FROM bundles") == [(30, 30)]
    assert ws.query("SELECT count(*) FROM applications") == [(30,)]
    assert ws.query("SELECT count(*) FROM applications WHERE state = 'awaiting_payment'") == [(24,)]
    assert ws.query("SELECT count(*) FROM revisions") == [(30,)]
    assert ws.query("SELECT count(*) FROM outbox") == [(60,)]
    assert ws.query("SELECT count(DISTINCT order_no) FROM applications") == [(24,)]
    # Temporary files of killed runs are cleared by the next run.
    assert list((ws.var / "store" / "tmp").iterdir()) == []
    # Each file's place matches its recorded outcome.
    for s, outcome in ws.query("SELECT sha256, outcome FROM bundles"):
        folder = ws.done if outcome == "accepted" else ws.rejected
        assert (folder / placed[s][0]).exists()
    assert tree(ws.path) == before


def test_two_runs_at_once_take_each_bundle_once(ws):
    ws.init()
    for i in range(12):
        bundles.make_bundle(ws.inbox / ("c%02d.zip" % i),
                            app=bundles.application(application_id=app_id(i)))
    procs = [subprocess.Popen([str(BATCH), "ingest"], cwd=ws.path, env=ws.env(),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    results = [json.loads(l) for o, _ in outs for l in o.splitlines()]
    assert sorted(r["bundle"] for r in results) == ["c%02d.zip" % i for i in range(12)]
    assert all(r["outcome"] == "accepted" for r in results)
    assert len(ws.files(ws.done)) == 12 and ws.files(ws.inbox) == []


def test_version_1_database_is_upgraded_in_place(ws):
    """A database the first schema left (tests/fixtures/batch/v1.sql) is
    brought up to date by the current binary, keeping its applications."""
    import sqlite3
    ws.var.mkdir()
    sql = (ws.path / "content").resolve().parent / "tests/fixtures/batch/v1.sql"
    c = sqlite3.connect(ws.db_path)
    c.executescript(sql.read_text())
    c.close()
    assert ws.query("PRAGMA user_version") == [(1,)]
    ws.init()
    # Every later step applied, whatever their number by now.
    assert ws.query("PRAGMA user_version")[0][0] > 1
    assert ws.query("SELECT count(*) FROM statement_lines") == [(0,)]
    assert ws.query("PRAGMA integrity_check") == [("ok",)]
    assert ws.query("SELECT count(*) FROM outbox") == [(0,)]
    st = json.loads(ws.run("status", "--json", "V1V1-0000-0001").stdout)
    assert st["state"] == "rejected"
    assert st["revisions"][0]["findings"][0]["code"] == "DOC_MISSING"
    bundles.make_bundle(ws.inbox / "r2.zip",
                        app=bundles.application(application_id="V1V1-0000-0001",
                                                revision=2))
    _, [res] = ws.ingest()
    assert res["outcome"] == "accepted" and res["revision"] == 2
    assert ws.query("SELECT state, revision FROM applications") == [("awaiting_payment", 2)]


def test_progress_on_a_terminal_only(ws):
    """Many bundles and stderr a terminal: a bar on stderr, while stdout
    keeps exactly one JSON line per bundle."""
    import pty
    ws.init()
    for i in range(12):
        bundles.make_bundle(ws.inbox / ("p%02d.zip" % i),
                            app=bundles.application(application_id=app_id(i)))
    master, slave = pty.openpty()
    p = subprocess.Popen([str(BATCH), "ingest"], cwd=ws.path, env=ws.env(),
                         stdout=subprocess.PIPE, stderr=slave, text=True)
    os.close(slave)
    out, _ = p.communicate(timeout=300)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    assert p.returncode == 0
    assert len([json.loads(l) for l in out.splitlines()]) == 12
    assert b"12/12" in seen


def form_variants():
    """name -> (application.json changes as a function, expected code)."""
    def top(**kw):
        return lambda a: a.update(kw)

    def set_in(path, value):
        def f(a):
            d = a
            for k in path[:-1]:
                d = d[k]
            d[path[-1]] = value
        return f

    def dup_person(a):
        a["certificates"]["personal"].append(dict(a["certificates"]["personal"][0]))
        a["documents"].append({"kind": "id_copy", "file": "身份证-张测试.png",
                               "person": 1})
    return {
        "format": (top(format="certhall-application/2"), "FORM_FORMAT"),
        "unknown_key": (top(colour="blue"), "FORM_UNKNOWN_KEY"),
        "required": (set_in(["organization", "name"], ""), "FORM_REQUIRED"),
        "type": (top(revision="1"), "FORM_TYPE"),
        "range": (set_in(["certificates", "organization_years"], 9), "FORM_RANGE"),
        "enum": (top(payment_method="cash"), "FORM_ENUM"),
        "id_number": (set_in(["legal_representative", "id_number"],
                             "110105194912310021"), "ID_NUMBER_INVALID"),
        "uscc": (set_in(["organization", "id_number"], "91140100MA0K1234X0"),
                 "USCC_INVALID"),
        "mobile": (set_in(["handler", "mobile"], "12812345678"), "MOBILE_INVALID"),
        "email": (set_in(["handler", "email"], "wangwu@"), "EMAIL_INVALID"),
        "postcode": (set_in(["mailing", "postcode"], "03000"), "POSTCODE_INVALID"),
        "taxpayer": (set_in(["invoice", "taxpayer_id"], "1234"), "TAXPAYER_ID_INVALID"),
        "bank": (set_in(["bank_account", "number"], "12-34"), "BANK_ACCOUNT_INVALID"),
        "character": (set_in(["handler", "name"], "王\x1b]0;x\x07示例"), "FORM_CHARACTER"),
        "duplicate_person": (dup_person, "DUPLICATE_PERSON"),
        "no_certificate": (lambda a: a["certificates"].update(
            organization_years=0, personal=[]) or a.update(
            documents=[d for d in a["documents"] if d["kind"] != "id_copy"]),
            "NO_CERTIFICATE"),
    }


def test_form_mistakes_reach_ingest_results(ws):
    ws.init()
    expected = {}
    for i, (name, (change, code)) in enumerate(sorted(form_variants().items())):
        app = bundles.application(application_id=app_id(i + 300))
        change(app)
        bundles.make_bundle(ws.inbox / (name + ".zip"), app=app)
        expected[name + ".zip"] = code
    _, results = ws.ingest()
    assert len(results) == len(expected)
    for res in results:
        codes = [f["code"] for f in res["findings"]]
        assert res["outcome"] == "rejected", res
        assert expected[res["bundle"]] in codes, (res["bundle"], codes)


def test_every_finding_code_is_exercised():
    """Every code the schema has a message for (BUNDLE.md's table) comes
    out of ingest in one of the tests above."""
    import pathlib
    import re
    schema = (pathlib.Path(__file__).resolve().parents[2]
              / "content" / "forms" / "application.yaml").read_text()
    messages = schema[schema.index("\nmessages:"):]
    codes = set(re.findall(r"^  ([A-Z][A-Z0-9_]+):", messages, re.M))
    covered = {c for _, c in bundles.HOSTILE.values() if c}
    covered |= {c for _, c in form_variants().values()}
    covered |= {"REVISION_STALE", "DOC_MISSING"}  # tested above
    covered |= {"APPLICANT_MISMATCH"}  # test_batch_takeover.py
    covered |= {"REVISION_CLOSED"}  # test_batch_review.py
    assert len(codes) >= 31 and codes <= covered, codes - covered


def test_ingesting_done_again_moves_nothing(ws):
    ws.init()
    bundles.make_bundle(ws.inbox / "a.zip")
    ws.ingest()
    _, [res] = ws.ingest(ws.done)
    assert res["outcome"] == "duplicate"
    assert ws.files(ws.done) == ["a.zip"]


def test_only_accepted_listed_documents_reach_the_store(ws):
    """Documents are written to temporary files while the bundle is read;
    only an accepted bundle's listed ones get their names in the store."""
    ws.init()
    # Contents of its own, the last one too small: judged after the
    # others were read.
    files = {"授权委托书.pdf": bundles.pdf("rejected letter"),
             "营业执照.jpg": bundles.jpeg(1200, 900, tag=b"rejected"),
             "身份证-张测试.png": bundles.png(1000, 11),
             "数字证书印模采集表.pdf": bundles.png(100, 10)}
    bundles.make_bundle(ws.inbox / "a-rejected.zip", files=files,
                        app=bundles.application(application_id=app_id(1)))
    bundles.make_bundle(ws.inbox / "b-accepted.zip",
                        app=bundles.application(application_id=app_id(2)),
                        extra={"notes.pdf": bundles.pdf("not listed")})
    _, results = ws.ingest()
    assert [r["outcome"] for r in results] == ["rejected", "accepted"]
    assert "DOC_TOO_SMALL" in {f["code"] for f in results[0]["findings"]}
    stored = sorted(p.parent.name + p.name
                    for p in (ws.var / "store").glob("*/*") if p.parent.name != "tmp")
    listed = sorted(hashlib.sha256(d).hexdigest()
                    for n, d in bundles.documents().items())
    assert stored == sorted(set(listed))
    assert sorted(s for s, in ws.query("SELECT DISTINCT sha256 FROM documents")) == stored
    assert list((ws.var / "store" / "tmp").iterdir()) == []
