"""certhall-batch status: 审核进度 by 申请编号 or 订单号, masked for people,
JSON for scripts."""
import json

import pytest

import bundles
from batchws import Workspace


@pytest.fixture
def ws(tmp_path):
    w = Workspace(tmp_path / "ws")
    w.init()
    bundles.make_bundle(w.inbox / "a.zip")
    _, [res] = w.ingest()
    assert res["outcome"] == "accepted"
    w.order_no = res["order_no"]
    return w


def personal_numbers():
    app = bundles.application()
    return [bundles.PERSON_ID, bundles.LEGAL_ID, bundles.HANDLER_ID,
            app["handler"]["mobile"], app["legal_representative"]["mobile"]]


def test_status_by_application_id_is_masked(ws):
    r = ws.run("status", "K7QD-2MPE-X9A3")
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "K7QD-2MPE-X9A3" in out and ws.order_no in out
    assert "accepted" in out and "90000 fen (900.00 元)" in out
    assert "payment" in out
    for n in personal_numbers():
        assert n not in out, n
    assert "138****5678" in out
    assert bundles.HANDLER_ID[:4] + "**********" + bundles.HANDLER_ID[-4:] in out
    # History in Asia/Shanghai: the fixed clock is 02:30 UTC.
    assert "2026-11-24 10:30:00" in out


def test_status_by_order_number_as_typed(ws):
    typed = ws.order_no.lower()[:8] + " " + ws.order_no[8:]
    r = ws.run("status", typed)
    assert r.returncode == 0, r.stderr
    assert "K7QD-2MPE-X9A3" in r.stdout


def test_mistyped_order_number_is_caught(ws):
    o = ws.order_no
    swapped = o[:10] + o[11] + o[10] + o[12:]
    if swapped == o:
        swapped = o[:12] + str((int(o[12]) + 1) % 10) + o[13:]
    r = ws.run("status", swapped)
    assert r.returncode == 1
    assert "check character" in r.stderr
    assert r.stderr.startswith("certhall-batch: ") and r.stderr.count("\n") == 1


def test_status_json(ws):
    r = ws.run("status", "--json", ws.order_no)
    assert r.returncode == 0, r.stderr
    st = json.loads(r.stdout)
    assert st["application_id"] == "K7QD-2MPE-X9A3"
    assert st["order_no"] == ws.order_no
    assert st["state"] == "awaiting_payment"
    assert (st["amount_due_fen"], st["amount_paid_fen"]) == (90000, 0)
    assert st["awaiting"] == "payment"
    assert st["history"][0]["at"] == "2026-11-24T02:30:00Z"
    assert st["history"][0]["at_local"] == "2026-11-24 10:30:00"
    for n in personal_numbers():
        assert n not in r.stdout


def test_rejected_application_awaits_resubmission(tmp_path):
    w = Workspace(tmp_path / "w")
    bundles.make_bundle(w.path / "r.zip", omit=("营业执照.jpg",))
    w.ingest("r.zip")
    r = w.run("status", "--json", "k7qd 2mpe x9a3")
    st = json.loads(r.stdout)
    assert st["state"] == "rejected" and st["awaiting"] == "resubmission"
    assert st["order_no"] is None
    assert "DOC_MISSING" in [f["code"] for f in st["revisions"][0]["findings"]]
    r = w.run("status", "K7QD-2MPE-X9A3")
    assert "营业执照" in r.stdout  # the 驳回原因 an operator reads out


def test_unknown_and_malformed_ids(ws):
    r = ws.run("status", "ZZZZ-ZZZZ-ZZZZ")
    assert r.returncode == 1 and "no application" in r.stderr
    r = ws.run("status", "hello")
    assert r.returncode == 2
    r = ws.run("status")
    assert r.returncode == 2


def test_status_without_database(tmp_path):
    w = Workspace(tmp_path / "empty")
    r = w.run("status", "K7QD-2MPE-X9A3")
    assert r.returncode == 2
    assert not w.var.exists()


def test_control_characters_never_reach_the_terminal(tmp_path):
    w = Workspace(tmp_path / "w")
    app = bundles.application()
    app["handler"]["name"] = "王\x1b[2J示例"
    app["certificates"]["personal"][0]["name"] = "张\u202e测试"
    bundles.make_bundle(w.path / "a.zip", app=app)
    w.ingest("a.zip")
    r = w.run("status", "K7QD-2MPE-X9A3")
    assert r.returncode == 0
    assert "\x1b" not in r.stdout and "\u202e" not in r.stdout
    r = w.run("check", "a.zip")
    assert "\x1b" not in r.stdout and "\u202e" not in r.stdout
