"""certhall-batch against what an audit found: names from outsiders shown
raw on a terminal, one file listed as several documents, result lines
losing keys, history events dropped, database errors read as "not found",
ZIP directories read two ways, and the ratio limit's slack."""
import json
import os
import sqlite3
import zipfile

import pytest

import bundles
from batchws import Workspace

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
