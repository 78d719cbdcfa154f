"""certhall-batch ingest when the file system says no: a database
transaction that fails or is killed after the documents were written
(nothing personal may stay in the store that no row names), and a full
store (the message names the file and the system's reason).

The full file systems are real tmpfs mounts (the tests run as root); where
mounting is not allowed they are skipped."""
import os
import signal
import sqlite3
import subprocess
import time

import pytest

from batchws import BATCH, Workspace
from iofs import QUICK, bundle, tmpfs


@pytest.fixture
def ws(tmp_path):
    return Workspace(tmp_path / "ws")


def store_files(ws):
    """Every file in the store, by folder/name, except the empty tmp/."""
    root = ws.var / "store"
    out = []
    for dirpath, _, names in os.walk(root):
        for n in names:
            out.append(os.path.relpath(os.path.join(dirpath, n), root))
    return sorted(out)


def referenced(ws):
    return {r[0] for r in ws.query("SELECT sha256 FROM documents")}


def assert_no_orphan(ws):
    """Every file in the store is a document some row names, in place."""
    for rel in store_files(ws):
        folder, name = rel.split("/", 1)
        assert len(folder) == 2 and folder + name in referenced(ws), rel


# --- the store and the transaction -------------------------------------

FAIL_DOCUMENTS = ("CREATE TRIGGER io_test_full BEFORE INSERT ON documents"
                  " BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END")


def test_a_failed_transaction_leaves_no_document(ws):
    ws.init()
    with ws.db() as c:
        c.execute(FAIL_DOCUMENTS)
    bundle(ws.inbox / "a.zip", 1)
    r = ws.run("ingest", timeout=QUICK)
    assert r.returncode == 2
    assert "database or disk is full" in r.stderr
    assert "removed 4 document file(s) that no record refers to" in r.stderr
    assert store_files(ws) == []
    assert ws.query("SELECT count(*) FROM bundles") == [(0,)]
    assert ws.files(ws.inbox) == ["a.zip"]
    with ws.db() as c:
        c.execute("DROP TRIGGER io_test_full")
    r, results = ws.ingest()
    assert [x["outcome"] for x in results] == ["accepted"]
    assert "removed" not in r.stderr
    assert len(store_files(ws)) == 4
    assert_no_orphan(ws)


def test_a_run_killed_before_its_commit_leaves_nothing_after_the_next(ws):
    ws.init()
    bundle(ws.inbox / "a.zip", 1)
    hold = sqlite3.connect(ws.db_path, isolation_level=None)
    hold.execute("BEGIN IMMEDIATE")  # the run's own BEGIN waits for it
    p = subprocess.Popen([str(BATCH), "ingest"], cwd=ws.path, env=ws.env(),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        staged = ws.var / "store" / "staged"
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline and not (
                staged.exists() and len(os.listdir(staged)) == 4):
            time.sleep(0.02)
        assert len(os.listdir(staged)) == 4, "the documents wait, staged"
        assert [f for f in store_files(ws) if not f.startswith("staged/")] == []
    finally:
        p.send_signal(signal.SIGKILL)
        p.communicate()
        hold.execute("ROLLBACK")
        hold.close()
    r, results = ws.ingest()
    assert "removed 4 document file(s) that no record refers to" in r.stderr
    assert [x["outcome"] for x in results] == ["accepted"]
    assert_no_orphan(ws)
    assert len(store_files(ws)) == 4


def test_documents_recorded_but_not_published_are_stored_next_run(ws):
    """What a run killed between its commit and the publish leaves."""
    ws.init()
    bundle(ws.inbox / "a.zip", 1)
    ws.ingest()
    rel = store_files(ws)[0]
    staged = ws.var / "store" / "staged"
    staged.mkdir(exist_ok=True)
    os.rename(ws.var / "store" / rel, staged / rel.replace("/", ""))
    r, results = ws.ingest()
    assert results == []
    assert "stored 1 recorded document(s)" in r.stderr
    assert rel in store_files(ws) and os.listdir(staged) == []
    assert_no_orphan(ws)


def test_a_full_store_says_which_file_and_why(ws):
    ws.init()
    bundle(ws.inbox / "a.zip", 1, big=True)
    with tmpfs(ws.var / "store", "64k"):
        r = ws.run("ingest", timeout=QUICK)
        assert r.returncode == 1
        assert r.stdout == ""
        line = [l for l in r.stderr.splitlines() if "store" in l][0]
        assert "var/store/tmp/doc-" in line
        assert line.endswith("cannot write to the document store: "
                             "No space left on device"), line
        assert "refused the data" not in r.stderr
        assert store_files(ws) == []
        assert ws.files(ws.inbox) == ["a.zip"]
    assert ws.query("SELECT count(*) FROM bundles") == [(0,)]


@pytest.mark.parametrize("args,what", [
    (["check", "a.zip"], "standard output: cannot write: "),
    (["check", "--json", "a.zip"], "a.zip: cannot write the result: "),
    (["ingest", "a.zip"], "a.zip: cannot write its result line: "),
])
def test_a_full_output_names_the_reason(ws, args, what):
    ws.init()
    bundle(ws.path / "a.zip", 1)
    with open("/dev/full", "w") as full:
        r = ws.run(*args, stdout=full, capture_output=False,
                   stderr=subprocess.PIPE, timeout=QUICK)
    assert r.returncode == 2
    assert what + "No space left on device" in r.stderr, r.stderr
