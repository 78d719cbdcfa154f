"""certhall-batch status: the payment method, how the amount due is made
up, and each certificate holder's mobile (issue 7: form defect 11 and the
contract's personal[].mobile). Online payers are never told to put the
order number in a transfer memo."""
import json

import pytest

import bundles
from batchws import Workspace

AID = "K7QD-2MPE-X9A3"


def accepted(tmp_path, **changes):
    w = Workspace(tmp_path / "ws")
    w.init()
    bundles.make_bundle(w.inbox / "a.zip", app=bundles.application(**changes))
    _, [res] = w.ingest()
    assert res["outcome"] == "accepted", res
    w.order_no = res["order_no"]
    return w


def status(w, *args):
    r = w.run("status", *args, AID)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_transfer_payers_are_told_about_the_memo(tmp_path):
    w = accepted(tmp_path)
    out = status(w)
    assert "公对公转账" in out and "转账附言填写订单号" in out
    assert "支付宝" not in out and "小额打款" not in out
    st = json.loads(status(w, "--json"))
    pay = st["payment"]
    assert (pay["method"], pay["method_words"]) == ("transfer", "公对公转账")
    assert "转账附言" in pay["next_step"] and st["awaiting"] == "payment"
    assert st["awaiting_text"] == pay["next_step"]


def test_online_payers_are_sent_to_the_service_hall(tmp_path):
    w = accepted(tmp_path, payment_method="online")
    out = status(w)
    awaiting = [l for l in out.splitlines() if l.startswith("awaiting")][0]
    assert "支付宝" in awaiting and "微信" in awaiting and "网厅" in awaiting
    assert "小额打款" in awaiting
    assert "memo (转账附言" not in out and "转账附言填写订单号" not in out
    st = json.loads(status(w, "--json"))
    assert st["payment"]["method"] == "online"
    assert "支付宝" in st["payment"]["next_step"]
    assert "转账附言" not in st["awaiting_text"]


def test_the_amount_due_is_made_up_by_certificate(tmp_path):
    app = bundles.application()
    second = bundles.people.id_number("140108", "19920202", "135")
    certs = {"organization_years": 0, "personal": [
        dict(app["certificates"]["personal"][0], years=3),
        {"name": "赵测试", "id_number": second, "mobile": "15912345678",
         "years": 5}]}
    docs = app["documents"] + [{"kind": "id_copy", "file": "身份证-赵测试.png",
                                "person": 1}]
    w = Workspace(tmp_path / "ws")
    w.init()
    files = dict(bundles.documents())
    files["身份证-赵测试.png"] = bundles.png(1000, 12)
    bundles.make_bundle(w.inbox / "a.zip", files=files,
                        app=bundles.application(certificates=certs, documents=docs))
    _, [res] = w.ingest()
    assert res["outcome"] == "accepted", res
    st = json.loads(status(w, "--json"))
    made_up = [(c["certificate"], c["holder"], c["years"], c["price_fen"])
               for c in st["payment"]["certificates"]]
    assert made_up == [("personal", "张测试", 3, 50000),
                       ("personal", "赵测试", 5, 80000)]
    assert st["payment"]["total_fen"] == st["amount_due_fen"] == 130000
    assert st["payment"]["matches_amount_due"] is True
    out = status(w)
    assert "机构个人证书 赵测试, 5 year(s)  80000 fen (800.00 元)" in out
    assert "total  130000 fen (1300.00 元)" in out


def test_after_payment_review_is_awaited(tmp_path):
    w = accepted(tmp_path, payment_method="online")
    w.query("UPDATE applications SET amount_paid_fen = amount_due_fen")
    st = json.loads(status(w, "--json"))
    assert st["awaiting"] == "review" and "审核" in st["awaiting_text"]


def test_a_rejected_application_has_no_payment(tmp_path):
    w = Workspace(tmp_path / "ws")
    w.init()
    bundles.make_bundle(w.inbox / "r.zip", omit=("营业执照.jpg",))
    w.ingest()
    st = json.loads(status(w, "--json"))
    assert st["payment"] is None and st["awaiting"] == "resubmission"
    assert "payment method" not in status(w)


def test_each_holder_mobile_is_stored_and_shown_masked(tmp_path):
    app = bundles.application()
    app["certificates"]["personal"][0]["mobile"] = "+86 137-1234-5678"
    w = accepted(tmp_path, certificates=app["certificates"])
    assert w.query("SELECT mobile FROM people WHERE role = 'holder'") \
        == [("13712345678",)]
    out = status(w)
    holder = [l for l in out.splitlines() if l.strip().startswith("holder")][0]
    assert "137****5678" in holder
    st = json.loads(status(w, "--json"))
    [h] = [p for p in st["people"] if p["role"] == "holder"]
    assert h["mobile"] == "137****5678" and h["years"] == 1
    assert h["id_number"] == bundles.PERSON_ID[:4] + "**********" + bundles.PERSON_ID[-4:]
    for full in ("13712345678", bundles.PERSON_ID, bundles.HANDLER_ID):
        assert full not in out and full not in json.dumps(st)


@pytest.mark.parametrize("mobile", ["12345", "23712345678"])
def test_a_holder_mobile_is_checked(tmp_path, mobile):
    w = Workspace(tmp_path / "ws")
    w.init()
    app = bundles.application()
    app["certificates"]["personal"][0]["mobile"] = mobile
    bundles.make_bundle(w.inbox / "a.zip", app=app)
    _, [res] = w.ingest()
    assert res["outcome"] == "rejected"
    assert [(f["code"], f["where"]) for f in res["findings"]] == \
        [("MOBILE_INVALID", "certificates.personal[0].mobile")]
