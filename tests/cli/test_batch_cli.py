"""certhall-batch's command line: help, version, check, configuration and
exit statuses."""
import json
import re

import pytest

import bundles
from batchws import Workspace, tree


@pytest.fixture
def ws(tmp_path):
    return Workspace(tmp_path / "ws")


def test_help_and_version(ws):
    r = ws.run("--help")
    assert r.returncode == 0
    for c in ("init", "ingest", "check", "status"):
        assert c in r.stdout
    r = ws.run("--version")
    assert r.returncode == 0 and re.match(r"certhall-batch \d+\.\d+\.\d+", r.stdout)
    r = ws.run("help", "status")
    assert r.returncode == 0 and "订单号" in r.stdout
    r = ws.run("ingest", "--help")
    assert r.returncode == 0 and "ingest [PATH...]" in r.stdout


def test_usage_errors_exit_2_with_one_line(ws):
    for args in (["frobnicate"], [], ["--bogus", "init"], ["check"],
                 ["help", "nope"], ["init", "extra"]):
        r = ws.run(*args)
        assert r.returncode == 2, args
        assert r.stderr.startswith("certhall-batch: ") or r.stderr.startswith("usage:")


def test_check_good_bundle_changes_nothing(ws):
    bundles.make_bundle(ws.path / "good.zip")
    before = tree(ws.path, skip=())
    r = ws.run("check", "good.zip")
    assert r.returncode == 0, r.stderr
    assert "would be accepted" in r.stdout
    assert tree(ws.path, skip=()) == before
    assert not ws.var.exists()


def test_check_bad_bundle_lists_findings(ws):
    bundles.HOSTILE["dotdot"][0](ws.path / "bad.zip")
    r = ws.run("check", "bad.zip")
    assert r.returncode == 1
    assert "ZIP_UNSAFE_NAME" in r.stdout and "../evil.pdf" in r.stdout
    r = ws.run("check", "--json", "bad.zip")
    assert r.returncode == 1
    res = json.loads(r.stdout)
    assert set(res) == {"bundle", "sha256", "outcome", "application_id",
                        "revision", "order_no", "findings"}
    assert res["outcome"] == "rejected"
    assert res["findings"][0]["code"] == "ZIP_UNSAFE_NAME"


def test_check_bare_application_json(ws):
    (ws.path / "application.json").write_bytes(bundles.app_bytes(bundles.application()))
    r = ws.run("check", "--json", "application.json")
    assert r.returncode == 0, r.stdout + r.stderr
    app = bundles.application()
    app["handler"]["mobile"] = "12345"
    (ws.path / "bad.json").write_bytes(bundles.app_bytes(app))
    r = ws.run("check", "bad.json")
    assert r.returncode == 1 and "MOBILE_INVALID" in r.stdout


def test_check_sees_stale_revision(ws):
    bundles.make_bundle(ws.path / "a.zip")
    ws.ingest("a.zip")
    bundles.make_bundle(ws.path / "b.zip",
                        app=bundles.application(submitted_at="2026-11-25T09:00:00+08:00"))
    dump = ws.dump()
    r = ws.run("check", "b.zip")
    assert r.returncode == 1 and "REVISION_STALE" in r.stdout
    assert ws.dump() == dump


def test_check_missing_file_is_a_system_error(ws):
    r = ws.run("check", "nope.zip")
    assert r.returncode == 2
    assert r.stderr.startswith("certhall-batch: nope.zip") and r.stderr.count("\n") == 1


def test_config_overrides_paths_limits_and_fees(ws, tmp_path):
    cfg = tmp_path / "batch.yaml"
    cfg.write_text(
        "paths:\n"
        "  database: data/b.db\n"
        "  store: data/docs\n"
        "  inbox: drop\n"
        "  done: data/ok\n"
        "  rejected: data/bad\n"
        "limits:\n"
        "  entries: 64\n"
        "fees:\n"
        "  example: false\n"
        "  organization: {1: 100, 2: 200, 3: 300, 4: 400, 5: 500}\n"
        "  personal: {1: 10, 2: 20, 3: 30, 4: 40, 5: 50}\n"
        "mail:\n"
        "  from: ca@example.com\n"
        "sms:\n"
        "  command: /bin/true\n")
    r = ws.run("--config", cfg, "init")
    assert r.returncode == 0, r.stderr
    bundles.make_bundle(ws.path / "drop" / "a.zip")
    r = ws.run("ingest", env=ws.env(CERTHALL_CONFIG=str(cfg)))
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["outcome"] == "accepted"
    assert (ws.path / "data" / "ok" / "a.zip").exists()
    assert not ws.var.exists()
    w2 = Workspace(ws.path)
    w2.db_path = ws.path / "data" / "b.db"
    assert w2.query("SELECT amount_due_fen FROM applications") == [(210,)]


def test_config_limits_apply(ws, tmp_path):
    cfg = tmp_path / "batch.yaml"
    cfg.write_text("limits:\n  entries: 3\n")
    bundles.make_bundle(ws.path / "a.zip")
    r = ws.run("--config", cfg, "check", "a.zip")
    assert r.returncode == 1 and "ZIP_LIMIT" in r.stdout


@pytest.mark.parametrize("text,line", [
    ("paths:\n  inbox: x\n  inbx: y\n", 3),
    ("limits:\n  entries: 3\nfrobs: 1\n", 3),
    ("fees:\n  organization: {1: 1, 2: 2, 3: 3, 4: 4, 5: 5}\n"
     "  personal: {1: 1, 2: 2, 3: 3, 4: 4, 6: 5}\n", 3),
    ("limits:\n  entries: -3\n", 2),
])
def test_config_mistakes_name_file_and_line(ws, tmp_path, text, line):
    cfg = tmp_path / "batch.yaml"
    cfg.write_text(text)
    r = ws.run("--config", cfg, "init")
    assert r.returncode == 2
    assert r.stderr.startswith("certhall-batch: %s:%d: " % (cfg, line)), r.stderr
    assert r.stderr.count("\n") == 1
    assert not ws.var.exists()


def test_missing_config_file(ws):
    r = ws.run("--config", "nope.yaml", "init")
    assert r.returncode == 2 and "nope.yaml" in r.stderr


def test_ingest_of_an_empty_inbox(ws):
    r = ws.run("ingest")
    assert r.returncode == 0, r.stderr
    assert r.stdout == ""
    assert "0 accepted" in r.stderr
