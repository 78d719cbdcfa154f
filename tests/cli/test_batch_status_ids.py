"""certhall-batch status: ids as people type them (issue 7, intake defect
7). BUNDLE.md folds full-width characters everywhere, so an id typed with
a Chinese input method finds its application, and a message quoting what
was typed never cuts a character in half."""
import subprocess

import pytest

import bundles
from batchws import BATCH, Workspace

FULL = str.maketrans("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-",
                     "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ"
                     "ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ－")


@pytest.fixture
def ws(tmp_path):
    w = Workspace(tmp_path / "ws")
    w.init()
    bundles.make_bundle(w.inbox / "a.zip")
    _, [res] = w.ingest()
    w.order_no = res["order_no"]
    return w


@pytest.mark.parametrize("typed", [
    "K7QD-2MPE-X9A3".translate(FULL),
    "ｋ７ｑｄ－２ｍｐｅ－ｘ９ａ３",
    "K7QD\u30002MPE\u3000X9A3",
    "K7QD\u20142MPE\u2013X9A3",
    "k7qd\u22122mpe\u30fcx9a3",
])
def test_full_width_application_id(ws, typed):
    r = ws.run("status", typed)
    assert r.returncode == 0, r.stderr
    assert "K7QD-2MPE-X9A3" in r.stdout


def test_full_width_order_number(ws):
    typed = ws.order_no[:2].lower().translate(FULL) + "\u3000" + \
        ws.order_no[2:].translate(FULL)
    r = ws.run("status", "--json", typed)
    assert r.returncode == 0, r.stderr
    assert ws.order_no in r.stdout


def test_a_mistyped_full_width_order_number_says_so(ws):
    o = ws.order_no
    wrong = o[:-1] + ("0" if o[-1] != "0" else "1")
    r = ws.run("status", wrong.translate(FULL))
    assert r.returncode == 1 and "check character" in r.stderr


@pytest.mark.parametrize("cut", range(36, 42))
def test_the_quoted_id_is_cut_on_a_character_boundary(ws, cut):
    typed = "x" * cut + "申请编号申请编号"
    r = subprocess.run([str(BATCH), "status", typed], cwd=ws.path, env=ws.env(),
                       capture_output=True)
    assert r.returncode == 2
    err = r.stderr.decode("utf-8")  # strict: a half character fails here
    assert "\\x" not in err and "\ufffd" not in err
    quoted = err.split("'")[1]
    assert quoted.endswith("...") and len(quoted.encode()) <= 43
