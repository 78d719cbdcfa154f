"""Taking an application over by its id (issue 7, intake defect 2).

An application id is no secret. A bundle that only names it must change
nothing of the application: not its state, revision, order number or
amounts, and it must not lock the applicant out. A later revision must
come from the same organisation (统一社会信用代码) and handler (身份证号)
as the accepted one. Each test compares the database before and after."""
import json

import pytest

import bundles
import people
from batchws import Workspace

AID = "K7QD-2MPE-X9A3"
OTHER_ORG = people.uscc("91140100MA0K9876Q")
OTHER_HANDLER = people.id_number("140107", "19880808", "246")
# Every table an application lives in; bundles and findings record each
# bundle seen and grow with every one, which is their purpose.
TABLES = ("applications", "revisions", "people", "certificates", "documents",
          "outbox", "events")


def state(ws):
    return {t: ws.query("SELECT * FROM %s ORDER BY 1, 2" % t) for t in TABLES}


def ingest_one(ws, name, **kw):
    bundles.make_bundle(ws.inbox / name, **kw)
    _, [res] = ws.ingest()
    return res


def codes(res):
    return [f["code"] for f in res["findings"]]


@pytest.fixture
def ws(tmp_path):
    """An accepted application, revision 1, with an order number."""
    w = Workspace(tmp_path / "ws")
    w.init()
    res = ingest_one(w, "genuine1.zip")
    assert res["outcome"] == "accepted"
    w.order_no = res["order_no"]
    return w


def bare(revision):
    return json.dumps({"application_id": AID, "revision": revision}).encode()


@pytest.mark.parametrize("revision", [2, 9999, 10000, 2 ** 62])
def test_a_bundle_naming_only_the_id_changes_nothing(ws, revision):
    before = state(ws)
    res = ingest_one(ws, "takeover.zip", raw_app=bare(revision), files={})
    assert res["outcome"] == "rejected" and res["order_no"] is None
    assert "FORM_FORMAT" in codes(res)
    assert state(ws) == before
    # The bundle itself is on record, with the id it claimed.
    assert ws.query("SELECT outcome, application_id FROM bundles"
                    " WHERE file_name = 'takeover.zip'") == [("rejected", AID)]
    # The genuine applicant goes on as if nothing happened.
    res = ingest_one(ws, "genuine2.zip", app=bundles.application(revision=2))
    assert res["outcome"] == "accepted", res
    assert res["order_no"] == ws.order_no
    assert ws.query("SELECT state, revision, order_no FROM applications") \
        == [("awaiting_payment", 2, ws.order_no)]


def test_a_paid_application_stays_paid(ws):
    ws.query("UPDATE applications SET amount_paid_fen = amount_due_fen")
    before = state(ws)
    ingest_one(ws, "takeover.zip", raw_app=bare(99), files={})
    assert state(ws) == before
    st = json.loads(ws.run("status", "--json", AID).stdout)
    assert st["state"] == "awaiting_payment" and st["amount_paid_fen"] == 90000


@pytest.mark.parametrize("who", ["organization", "handler", "both"])
def test_a_valid_bundle_of_another_applicant_is_refused(ws, who):
    app = bundles.application(revision=2)
    if who in ("organization", "both"):
        app["organization"]["id_number"] = OTHER_ORG
        app["invoice"]["taxpayer_id"] = OTHER_ORG
    if who in ("handler", "both"):
        app["handler"]["id_number"] = OTHER_HANDLER
    before = state(ws)
    res = ingest_one(ws, "other.zip", app=app)
    assert res["outcome"] == "rejected"
    assert codes(res) == ["APPLICANT_MISMATCH"]
    msg = res["findings"][0]["message"]
    assert "机构证件号码" in msg and "经办人身份证号码" in msg
    # Nothing of the application changes; the only new rows are the
    # refusal told to the handler the bundle names (no silent rejection).
    after = state(ws)
    old_box, new_box = before.pop("outbox"), after.pop("outbox")
    assert after == before
    assert new_box[:len(old_box)] == old_box
    assert sorted((r[3], r[4], r[5]) for r in new_box[len(old_box):]) == \
        [("rejected", "email", app["handler"]["email"]),
         ("rejected", "sms", app["handler"]["mobile"])]
    assert ws.files(ws.rejected) == ["other.zip"]
    # The operator sees that someone tried, and nothing of what they sent.
    st = json.loads(ws.run("status", "--json", AID).stdout)
    assert st["refused_other_senders"] == 1 and len(st["revisions"]) == 1
    assert "1 refused bundle(s)" in ws.run("status", AID).stdout
    # `check` says the same before anything is ingested.
    bundles.make_bundle(ws.path / "again.zip", app=dict(app, revision=3))
    r = ws.run("check", "again.zip")
    assert r.returncode == 1 and "APPLICANT_MISMATCH" in r.stdout
    # Its high revision does not count against the applicant.
    res = ingest_one(ws, "genuine2.zip", app=bundles.application(revision=2))
    assert res["outcome"] == "accepted" and res["order_no"] == ws.order_no


def test_the_same_numbers_typed_differently_prove_the_applicant(ws):
    app = bundles.application(revision=2)
    full = str.maketrans("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                         "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ")
    app["organization"]["id_number"] = bundles.ORG_ID.translate(full)
    app["handler"]["id_number"] = bundles.HANDLER_ID.translate(full)
    res = ingest_one(ws, "typed.zip", app=app)
    assert res["outcome"] == "accepted", res


def test_a_refused_later_revision_leaves_the_accepted_one(ws):
    before = state(ws)["applications"]
    res = ingest_one(ws, "r2.zip", app=bundles.application(revision=2),
                     omit=("营业执照.jpg",))
    assert res["outcome"] == "rejected" and "DOC_MISSING" in codes(res)
    assert state(ws)["applications"] == before
    st = json.loads(ws.run("status", "--json", AID).stdout)
    assert (st["state"], st["revision"], st["order_no"]) == ("awaiting_payment", 1, ws.order_no)
    # The applicant's own refused revision is in the history, with its reasons.
    assert [(r["revision"], r["outcome"]) for r in st["revisions"]] == \
        [(1, "accepted"), (2, "rejected")]
    # It counts against the applicant's own numbering (BUNDLE.md), and the
    # next one is accepted under the same order number.
    res = ingest_one(ws, "r2b.zip", app=bundles.application(
        revision=2, submitted_at="2026-11-24T09:00:00+08:00"))
    assert codes(res) == ["REVISION_STALE"]
    res = ingest_one(ws, "r3.zip", app=bundles.application(revision=3))
    assert res["outcome"] == "accepted" and res["order_no"] == ws.order_no
    assert ws.query("SELECT state, revision, order_no FROM applications") \
        == [("awaiting_payment", 3, ws.order_no)]


def test_a_reviewed_and_rejected_application_may_be_resubmitted(ws):
    # What 驳回 after review will leave (the review issue): state rejected.
    ws.query("UPDATE applications SET state = 'rejected'")
    res = ingest_one(ws, "r2.zip", app=bundles.application(revision=2))
    assert res["outcome"] == "accepted" and res["order_no"] == ws.order_no
    assert ws.query("SELECT state, revision FROM applications") == [("awaiting_payment", 2)]


def test_the_revision_is_capped(ws):
    before = state(ws)
    res = ingest_one(ws, "big.zip", app=bundles.application(revision=10000))
    assert res["outcome"] == "rejected" and "FORM_RANGE" in codes(res)
    assert "9999" in res["findings"][0]["message"]
    # The application is as it was; the sender is told why (no silent
    # rejection).
    after = state(ws)
    old_box, new_box = before.pop("outbox"), after.pop("outbox")
    assert after == before and new_box[:len(old_box)] == old_box
    assert {(r[3], r[4]) for r in new_box[len(old_box):]} == \
        {("rejected", "email"), ("rejected", "sms")}
    res = ingest_one(ws, "top.zip", app=bundles.application(revision=9999))
    assert res["outcome"] == "accepted"


def test_a_refused_bundle_does_not_reserve_an_unknown_id(tmp_path):
    w = Workspace(tmp_path / "w")
    w.init()
    # Before the applicant sends anything: a bare bundle, and a forged one
    # of another organisation at the number the applicant will use.
    ingest_one(w, "t1.zip", raw_app=bare(9000), files={})
    forged = bundles.application()
    forged["organization"]["id_number"] = OTHER_ORG
    forged["invoice"]["taxpayer_id"] = OTHER_ORG
    forged["handler"]["id_number"] = OTHER_HANDLER
    forged["handler"]["email"] = "forger@example.com"
    res = ingest_one(w, "t2.zip", app=forged, omit=("营业执照.jpg",))
    assert res["outcome"] == "rejected"
    assert w.query("SELECT recipient FROM outbox") != []
    res = ingest_one(w, "genuine1.zip")
    assert res["outcome"] == "accepted", res
    assert res["revision"] == 1 and res["order_no"]
    assert w.query("SELECT state, revision FROM applications") == [("awaiting_payment", 1)]
    # The forger's unsent notice for revision 1 made way for the applicant's.
    assert sorted(r for (r,) in w.query("SELECT recipient FROM outbox")) \
        == ["13812345678", "wangwu@example.com"]
    kinds = [k for (k,) in w.query("SELECT kind FROM events ORDER BY event_id")]
    assert "set_aside" in kinds and kinds[-1] == "accepted"
    # From now on the id is held: the forger is refused.
    forged["revision"] = 2
    res = ingest_one(w, "t3.zip", app=forged)
    assert codes(res) == ["APPLICANT_MISMATCH"]


def test_a_first_refused_bundle_then_a_valid_one(tmp_path):
    w = Workspace(tmp_path / "w")
    w.init()
    res = ingest_one(w, "r1.zip", omit=("营业执照.jpg",))
    assert res["outcome"] == "rejected"
    st = json.loads(w.run("status", "--json", AID).stdout)
    assert st["state"] == "rejected" and st["awaiting"] == "resubmission"
    res = ingest_one(w, "r2.zip", app=bundles.application(revision=2))
    assert res["outcome"] == "accepted"
    order = res["order_no"]
    res = ingest_one(w, "r3.zip", app=bundles.application(revision=3))
    assert res["outcome"] == "accepted" and res["order_no"] == order
