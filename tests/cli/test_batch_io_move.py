"""certhall-batch ingest moving bundles into done/ and rejected/: result
names fit NAME_MAX in bytes, cut between UTF-8 characters, whatever name
came in; and a bundle recorded by a run whose move failed (a full tmpfs as
done/: the tests run as root, and skip where mounting is not allowed) is
moved by the next run."""
import hashlib
import json
import os

import pytest

from batchws import Workspace
from iofs import QUICK, bundle, tmpfs

# 255 bytes: two ASCII letters, 83 three-byte characters and ".zip".
LONG_NAME = "ab" + "申" * 83 + ".zip"


@pytest.fixture
def ws(tmp_path):
    return Workspace(tmp_path / "ws")


# --- names that fit ----------------------------------------------------

def test_a_long_name_used_twice_fits_done(ws):
    ws.init()
    raw = LONG_NAME.encode()
    assert len(raw) == 255
    for n in (1, 2, 3):
        bundle(ws.inbox / LONG_NAME, n)
        r, results = ws.ingest()
        assert [x["outcome"] for x in results] == ["accepted"], r.stderr
        assert ws.files(ws.inbox) == []
    names = sorted(os.listdir(bytes(ws.done)), key=len, reverse=True)
    assert names[0] == raw
    for k, name in zip((2, 3), sorted(names[1:])):
        assert len(name) <= 255
        text = name.decode("utf-8")  # cut between characters, never inside
        assert text.endswith(".%d.zip" % k) and text.startswith("ab申申")
    # The run after: nothing stuck, nothing failed.
    r, results = ws.ingest()
    assert results == []


def test_a_long_name_cut_inside_no_character_also_without_extension(ws):
    """Four-byte characters: the cut backs off to the last whole one."""
    ws.init()
    name = "xy" + "😀" * 62 + ".zip"  # 2 + 248 + 4 = 254 bytes
    for n in (1, 2):
        bundle(ws.inbox / name, n)
        r, _ = ws.ingest()
    got = [n for n in os.listdir(bytes(ws.done)) if n != name.encode()]
    assert len(got) == 1 and len(got[0]) <= 255
    assert got[0].decode("utf-8").endswith("😀.2.zip")


# --- a move that failed ------------------------------------------------

def test_a_recorded_bundle_whose_move_failed_is_moved_next_run(ws):
    """The issue's case: the second copy of a 255-byte name is recorded,
    its move fails (here: done/ is full), and the next run moves it under
    a name that fits instead of failing again forever."""
    ws.init()
    bundle(ws.inbox / LONG_NAME, 1)
    ws.ingest()
    bundle(ws.inbox / LONG_NAME, 2, big=True)
    with tmpfs(ws.done, "64k"):
        r = ws.run("ingest", timeout=QUICK)
        assert r.returncode == 1, r.stderr
        assert json.loads(r.stdout)["outcome"] == "accepted"
        assert "inbox/ab申申" in r.stderr, r.stderr
        assert "No space left on device" in r.stderr
        assert ws.files(ws.inbox) == [LONG_NAME]
        assert os.listdir(ws.done) == [], "no half copy under any name"
    r, results = ws.ingest()
    assert [x["outcome"] for x in results] == ["duplicate"]
    assert [x["revision"] for x in results] == [2]
    assert ws.files(ws.inbox) == []
    assert len(ws.files(ws.done)) == 2
    r, results = ws.ingest()
    assert results == []


# --- across file systems -----------------------------------------------

def test_a_move_across_file_systems_keeps_holes_and_bytes(ws):
    """rejected/ and done/ on another file system: the copy is exact, and
    a huge sparse bundle (refused on its size, unread) stays sparse instead
    of filling the other file system with zeros."""
    ws.init()
    with open(ws.inbox / "sparse.zip", "wb") as f:
        f.seek((8 << 30) - 5)
        f.write(b"tail!")
    good = bundle(ws.inbox / "good.zip", 1)
    want = hashlib.sha256(good.read_bytes()).hexdigest()
    with tmpfs(ws.rejected, "1m"), tmpfs(ws.done, "4m"):
        r = ws.run("ingest", timeout=QUICK)
        assert r.returncode == 0, r.stderr
        outcomes = {x["bundle"]: x["outcome"]
                    for x in map(json.loads, r.stdout.splitlines())}
        assert outcomes == {"good.zip": "accepted", "sparse.zip": "rejected"}
        assert ws.files(ws.inbox) == []
        st = os.stat(ws.rejected / "sparse.zip")
        assert st.st_size == 8 << 30 and st.st_blocks * 512 < (1 << 20)
        with open(ws.rejected / "sparse.zip", "rb") as f:
            f.seek((8 << 30) - 5)
            assert f.read() == b"tail!"
        assert hashlib.sha256((ws.done / "good.zip").read_bytes()).hexdigest() == want
