"""certhall-batch on inputs that are not what their names say: FIFOs,
devices, symbolic links, folders and huge sparse files given to check and
ingest (and as the configuration or a content file). Each is refused with
one line naming the file, or capped, and nothing hangs: every run here has
a timeout that a blocking open or an endless read would hit."""
import json
import os

import pytest

import bundles
from batchws import Workspace

# Generous for a run that does its work; a run that blocks never ends.
QUICK = 30
# Far beyond any limit, and free on disk: the file is sparse.
HUGE = 8 << 30


@pytest.fixture
def ws(tmp_path):
    return Workspace(tmp_path / "ws")


def run(ws, *args, **kw):
    return ws.run(*args, timeout=QUICK, **kw)


def one_line_naming(r, name):
    assert r.stderr.count("\n") == 1, r.stderr
    assert r.stderr.startswith("certhall-batch: ") and name in r.stderr, r.stderr


def app_json(path):
    path.write_bytes(bundles.app_bytes(bundles.application()))
    return path


# --- check -------------------------------------------------------------

@pytest.mark.parametrize("name", ["pipe.json", "pipe.zip"])
def test_check_refuses_a_fifo_without_waiting(ws, name):
    os.mkfifo(ws.path / name)
    r = run(ws, "check", name)
    assert r.returncode == 2
    one_line_naming(r, name)
    assert "FIFO" in r.stderr and "only regular files" in r.stderr


def test_check_refuses_dev_zero(ws):
    r = run(ws, "check", "/dev/zero")
    assert r.returncode == 2
    one_line_naming(r, "/dev/zero")
    assert "a device" in r.stderr


def test_check_refuses_a_device_named_json(ws):
    try:
        os.mknod(ws.path / "zero.json", 0o600 | 0o020000, os.makedev(1, 5))
    except PermissionError:
        pytest.skip("cannot make a device node here")
    r = run(ws, "check", "zero.json")
    assert r.returncode == 2
    one_line_naming(r, "zero.json")
    assert "a device" in r.stderr


@pytest.mark.parametrize("target", ["application.json", "/dev/zero"])
def test_check_refuses_a_symbolic_link(ws, target):
    app_json(ws.path / "application.json")
    (ws.path / "link.json").symlink_to(target)
    r = run(ws, "check", "link.json")
    assert r.returncode == 2
    one_line_naming(r, "link.json")
    assert "symbolic link" in r.stderr


def test_check_refuses_a_linked_bundle(ws):
    bundles.make_bundle(ws.path / "good.zip")
    (ws.path / "link.zip").symlink_to("good.zip")
    r = run(ws, "check", "link.zip")
    assert r.returncode == 2
    one_line_naming(r, "link.zip")


@pytest.mark.parametrize("name", ["folder.json", "folder.zip"])
def test_check_refuses_a_folder(ws, name):
    (ws.path / name).mkdir()
    r = run(ws, "check", name)
    assert r.returncode == 2
    one_line_naming(r, name)
    assert "a folder" in r.stderr


def test_check_caps_a_huge_sparse_json(ws):
    with open(ws.path / "big.json", "wb") as f:
        f.truncate(HUGE)
    r = run(ws, "check", "--json", "big.json")
    assert r.returncode == 1, r.stderr
    res = json.loads(r.stdout)
    assert res["outcome"] == "rejected"
    assert res["sha256"] is None, "the hash of a file over the limit is unknown"
    assert res["findings"]


def test_check_caps_a_huge_sparse_bundle(ws):
    with open(ws.path / "big.zip", "wb") as f:
        f.truncate(HUGE)
    r = run(ws, "check", "--json", "big.zip")
    assert r.returncode == 1, r.stderr
    res = json.loads(r.stdout)
    assert res["sha256"] is None
    assert [x["code"] for x in res["findings"]] == ["ZIP_LIMIT"]


def test_check_still_reads_a_regular_json(ws):
    app_json(ws.path / "application.json")
    r = run(ws, "check", "--json", "application.json")
    assert r.returncode == 0, r.stderr
    assert len(json.loads(r.stdout)["sha256"]) == 64


# --- ingest ------------------------------------------------------------

def test_ingest_leaves_what_is_not_a_bundle_and_never_hangs(ws):
    ws.init()
    bundles.make_bundle(ws.path / "good.zip")
    os.mkfifo(ws.inbox / "pipe.zip")
    (ws.inbox / "link.zip").symlink_to(ws.path / "good.zip")
    (ws.inbox / "folder.zip").mkdir()
    with open(ws.inbox / "sparse.zip", "wb") as f:
        f.truncate(HUGE)
    r = run(ws, "ingest")
    assert r.returncode == 0, r.stderr
    results = [json.loads(x) for x in r.stdout.splitlines()]
    assert [(x["bundle"], x["outcome"]) for x in results] == [("sparse.zip", "rejected")]
    for name in ("pipe.zip", "link.zip", "folder.zip"):
        assert f"inbox/{name}: not a regular file, left where it is" in r.stderr
    assert sorted(ws.files(ws.inbox)) == ["folder.zip", "link.zip", "pipe.zip"]
    assert ws.files(ws.rejected) == ["sparse.zip"]


@pytest.mark.parametrize("make", ["fifo", "dev", "link"])
def test_ingest_of_a_named_file_that_is_not_regular(ws, make):
    ws.init()
    bundles.make_bundle(ws.path / "good.zip")
    p = ws.path / "odd.zip"
    if make == "fifo":
        os.mkfifo(p)
    elif make == "dev":
        p = "/dev/zero"
    else:
        p.symlink_to("good.zip")
    r = run(ws, "ingest", p)
    assert r.returncode == 0, r.stderr
    assert r.stdout == ""
    assert "not a regular file, left where it is" in r.stderr
    assert ws.query("SELECT count(*) FROM bundles") == [(0,)]


# --- configuration and content -----------------------------------------

def test_a_fifo_as_the_configuration_is_refused(ws):
    os.mkfifo(ws.path / "batch.yaml")
    bundles.make_bundle(ws.path / "good.zip")
    r = run(ws, "--config", "batch.yaml", "check", "good.zip")
    assert r.returncode == 2
    one_line_naming(r, "batch.yaml")
    assert "FIFO" in r.stderr


def test_a_fifo_among_the_content_files_is_refused(ws, tmp_path):
    import shutil
    content = tmp_path / "content"
    shutil.copytree(ws.path / "content", content)
    os.unlink(content / "notices" / "accepted.md")
    os.mkfifo(content / "notices" / "accepted.md")
    (ws.path / "batch.yaml").write_text(f"paths:\n  content: {content}\n")
    bundles.make_bundle(ws.path / "good.zip")
    r = run(ws, "--config", "batch.yaml", "check", "good.zip")
    assert r.returncode == 2
    one_line_naming(r, "notices/accepted.md")
    assert "FIFO" in r.stderr
