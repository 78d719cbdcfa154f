"""certhall-batch against what an audit found: names from outsiders shown
raw on a terminal, one file listed as several documents, result lines
losing keys, history events dropped, database errors read as "not found",
ZIP directories read two ways, and the ratio limit's slack."""
import json
import os
import shutil
import sqlite3
import subprocess

import pytest

import bundles
from batchws import BATCH, Workspace

ESC = "\033]0;title\007\033[31mred"
KEYS = {"bundle", "sha256", "outcome", "application_id", "revision",
        "order_no", "findings"}


@pytest.fixture
def ws(tmp_path):
    w = Workspace(tmp_path / "ws")
    w.init()
    return w


def no_controls(text):
    return not any(ord(c) < 0x20 and c != "\n" or 0x7F <= ord(c) <= 0x9F
                   for c in text)


def test_inbox_names_reach_the_terminal_defused(ws):
    (ws.inbox / (ESC + ".txt")).write_bytes(b"x")
    (ws.inbox / (ESC + ".zip")).mkdir()
    r, _ = ws.ingest()
    assert "not a .zip file" in r.stderr and "not a regular file" in r.stderr
    assert "\033" not in r.stderr and "\007" not in r.stderr
    assert no_controls(r.stderr)
    assert "?]0;title??[31mred.txt" in r.stderr


def test_check_summary_line_defuses_the_name(ws):
    bad = ws.path / (ESC + ".zip")
    bundles.make_bundle(bad)
    r = ws.run("check", bad.name)
    assert r.returncode == 0, r.stderr
    assert "would be accepted" in r.stdout
    assert "\033" not in r.stdout and no_controls(r.stdout)
    bundles.HOSTILE["dotdot"][0](bad)
    r = ws.run("check", bad.name)
    assert r.returncode == 1
    assert "would be rejected" in r.stdout and "ZIP_UNSAFE_NAME" in r.stdout
    assert "\033" not in r.stdout and no_controls(r.stdout)


def one_file_for_every_document(path):
    """documents[] lists one PDF as all four documents."""
    app = bundles.application()
    for d in app["documents"]:
        d["file"] = "授权委托书.pdf"
    files = {"授权委托书.pdf": bundles.documents()["授权委托书.pdf"]}
    return bundles.make_bundle(path, app=app, files=files)


def test_one_file_listed_as_several_documents_is_flagged(ws):
    one_file_for_every_document(ws.path / "same.zip")
    r = ws.run("check", "--json", "same.zip")
    res = json.loads(r.stdout)
    dups = [x for x in res["findings"] if x["code"] == "DOC_DUPLICATE"]
    assert len(dups) == 3
    assert all(x["level"] == "warning" and x["where"] == "授权委托书.pdf"
               for x in dups)
    one_file_for_every_document(ws.inbox / "same.zip")
    _, lines = ws.ingest()
    assert lines[0]["outcome"] == "accepted"
    assert [x["code"] for x in lines[0]["findings"]] == ["DOC_DUPLICATE"] * 3
    # The reviewer sees it in the status of the application.
    r = ws.run("status", "K7QD-2MPE-X9A3")
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("warning DOC_DUPLICATE") == 3
    assert "授权委托书.pdf" in r.stdout
    st = json.loads(ws.run("status", "--json", "K7QD-2MPE-X9A3").stdout)
    assert [x["code"] for x in st["revisions"][0]["findings"]] == \
        ["DOC_DUPLICATE"] * 3


def test_identical_contents_still_one_warning(ws):
    bundles.doc_duplicate(ws.path / "d.zip")
    res = json.loads(ws.run("check", "--json", "d.zip").stdout)
    assert [x["code"] for x in res["findings"]] == ["DOC_DUPLICATE"]


@pytest.mark.parametrize("raw,shown", [
    ("中文申请包".encode("gbk") + b".zip", "中文申请包.zip"),
    (b"\xff\xfe-bad.zip", "\\xFF\\xFE-bad.zip"),
])
def test_result_line_has_every_key_for_a_non_utf8_name(ws, raw, shown):
    path = os.path.join(os.fsencode(ws.inbox), raw)
    os.rename(bundles.make_bundle(ws.path / "tmp.zip"), path)
    _, lines = ws.ingest()
    assert len(lines) == 1 and set(lines[0]) == KEYS
    assert lines[0]["bundle"] == shown and lines[0]["outcome"] == "accepted"
    assert os.listdir(os.fsencode(ws.done)) == [raw]
    # The history names it readably too, and status --json keeps the event.
    st = json.loads(ws.run("status", "--json", "K7QD-2MPE-X9A3").stdout)
    assert [h["kind"] for h in st["history"]] == ["submitted", "accepted"]
    assert shown in st["history"][0]["detail"]
    path = os.path.join(os.fsencode(ws.done), raw)
    r = ws.run("check", "--json", os.fsdecode(path))
    assert set(json.loads(r.stdout)) == KEYS


def test_unwritable_result_line_fails_the_run_before_the_move(ws):
    bundles.make_bundle(ws.inbox / "a.zip")
    with open("/dev/full", "w") as full:
        r = ws.run("ingest", stdout=full, capture_output=False,
                   stderr=subprocess.PIPE)
    assert r.returncode != 0
    assert "a.zip" in r.stderr and "result" in r.stderr
    assert ws.files(ws.inbox) == ["a.zip"] and ws.files(ws.done) == []


def corrupt_table(ws, table):
    """Breaks every page of table and its indexes (all one page here), so
    that statements on it prepare but fail when they run."""
    c = sqlite3.connect(ws.db_path)
    c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = c.execute("PRAGMA page_size").fetchone()[0]
    roots = [r for (r,) in c.execute(
        "SELECT rootpage FROM sqlite_master WHERE tbl_name = ? AND rootpage",
        (table,))]
    c.close()
    with open(ws.db_path, "r+b") as f:
        for r in roots:
            f.seek((r - 1) * size)
            f.write(b"\xff" * 16)


def test_database_error_is_not_read_as_no_row(ws):
    bundles.make_bundle(ws.inbox / "a.zip")
    ws.ingest()
    bundles.make_bundle(ws.path / "again.zip",
                        app=bundles.application(revision=2))
    assert ws.run("check", "again.zip").returncode == 0
    corrupt_table(ws, "revisions")
    r = ws.run("check", "again.zip")
    assert "would be accepted" not in r.stdout
    assert r.returncode not in (0, 1) and "database" in r.stderr


def test_long_chinese_name_keeps_its_history_event(ws):
    name = "深" * 80 + ".zip"  # 244 bytes: cut at 200, inside a character
    bundles.make_bundle(ws.inbox / name)
    _, lines = ws.ingest()
    assert lines[0]["bundle"] == name
    st = json.loads(ws.run("status", "--json", "K7QD-2MPE-X9A3").stdout)
    assert [h["kind"] for h in st["history"]] == ["submitted", "accepted"]
    assert st["history"][0]["detail"] == "revision 1, bundle " + "深" * 66


def test_two_directories_read_two_ways_are_refused(ws):
    bundles.two_directories(ws.path / "two.zip")
    r = ws.run("check", "--json", "two.zip")
    res = json.loads(r.stdout)
    assert r.returncode == 1 and res["outcome"] == "rejected"
    assert "ZIP_UNREADABLE" in [x["code"] for x in res["findings"]]


def test_oversize_bundle_refused_without_reading_it(ws):
    path = ws.inbox / "huge.zip"
    bundles.make_bundle(path)
    with open(path, "r+b") as f:
        f.truncate(1 << 40)  # 1 TiB, sparse: hours to hash, none to stat
    r = ws.run("check", "--json", path, timeout=20)
    res = json.loads(r.stdout)
    assert r.returncode == 1 and res["sha256"] is None
    assert [x["code"] for x in res["findings"]] == ["ZIP_LIMIT"]
    r = ws.run("ingest", timeout=20)
    assert r.returncode == 0, r.stderr
    res = json.loads(r.stdout)
    assert set(res) == KEYS and res["outcome"] == "rejected"
    assert res["sha256"] is None and res["findings"][0]["code"] == "ZIP_LIMIT"
    assert ws.files(ws.rejected) == ["huge.zip"] and ws.files(ws.inbox) == []


@pytest.mark.skipif(not shutil.which("strace"), reason="needs strace")
def test_folder_synced_after_the_move(ws, tmp_path):
    """A rename is durable only once its folder is: done/ is fsynced
    after the bundle lands there, or a crash could bring it back."""
    bundles.make_bundle(ws.inbox / "a.zip")
    log = tmp_path / "strace.txt"
    r = subprocess.run(["strace", "-f", "-o", str(log), "-e",
                        "trace=renameat2,openat,fsync", str(BATCH), "ingest"],
                       # LeakSanitizer cannot work under ptrace.
                       cwd=ws.path, env=ws.env(ASAN_OPTIONS="detect_leaks=0"),
                       capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    calls = log.read_text().splitlines()
    moved = [i for i, c in enumerate(calls)
             if "renameat2(" in c and '"var/done/a.zip"' in c]
    assert moved, calls
    after = calls[moved[0] + 1:]
    fds = [c.rsplit("= ", 1)[1] for c in after
           if 'openat(AT_FDCWD, "var/done", ' in c and "O_DIRECTORY" in c]
    assert any(f"fsync({fd})" in c for fd in fds for c in after)
