"""How to pay, in the accepted notice: the texts come from the content
folder's forms/payment_instructions.yaml (one per payment method), never
from the program; without that file the batch refuses to run and names
it."""
import json
import shutil

import bundles
from batchws import ROOT, Workspace

TRANSFER = "测试转账说明：附言写订单号{order_no}。"
ONLINE = "测试网上缴费说明：支付宝或微信。"


def workspace(tmp_path, yaml_text):
    """A workspace with its own copy of content/ whose payment file is
    yaml_text (None: no such file)."""
    path = tmp_path / "ws"
    path.mkdir()
    shutil.copytree(ROOT / "content", path / "content", symlinks=True)
    f = path / "content" / "forms" / "payment_instructions.yaml"
    if yaml_text is None:
        f.unlink()
    else:
        f.write_text(yaml_text, encoding="utf-8")
    return Workspace(path)


def notice_texts(ws, channel="email"):
    """The accepted notice's texts on one channel: how to pay is in the
    e-mail (the SMS, two parts at most, says where to find it)."""
    return [json.loads(p)["text"] for p, in
            ws.query("SELECT payload FROM outbox WHERE notice = 'accepted'"
                     " AND channel = ?", channel)]


def test_each_payment_method_gets_its_text_from_the_content(tmp_path):
    ws = workspace(tmp_path, "transfer: %s\nonline: %s\n" % (TRANSFER, ONLINE))
    ws.init()
    bundles.make_bundle(ws.inbox / "t.zip", app=bundles.application(
        application_id="K7QD-2MPE-X9A3", payment_method="transfer"))
    bundles.make_bundle(ws.inbox / "o.zip", app=bundles.application(
        application_id="K7QD-2MPE-X9A4", payment_method="online"))
    _, results = ws.ingest()
    by_bundle = {r["bundle"]: r for r in results}
    assert {r["outcome"] for r in results} == {"accepted"}
    order_t = by_bundle["t.zip"]["order_no"]
    assert ws.query("SELECT count(*) FROM outbox") == [(4,)]  # e-mail and SMS each
    rows = ws.query("SELECT application_id, payload FROM outbox"
                    " WHERE channel = 'email'")
    assert len(rows) == 2
    for aid, payload in rows:
        text = json.loads(payload)["text"]
        if aid == "K7QD-2MPE-X9A3":
            assert TRANSFER.format(order_no=order_t) in text
            assert ONLINE not in text
        else:
            assert ONLINE in text and "测试转账说明" not in text


def test_the_projects_texts_follow_the_guide(tmp_path):
    ws = Workspace(tmp_path / "ws")
    ws.init()
    bundles.make_bundle(ws.inbox / "t.zip")
    _, [res] = ws.ingest()
    for text in notice_texts(ws):
        # content/guide/payment.md: transfer, memo with the order number,
        # remittance voucher; PIN by SMS.
        assert "公对公转账" in text and "订单号" + res["order_no"] in text
        assert "汇款凭证" in text and "短信" in text
        assert "{" not in text
    for text in notice_texts(ws, "sms"):
        assert "订单号" + res["order_no"] in text and "{" not in text


def test_missing_file_is_named_and_nothing_is_ingested(tmp_path):
    ws = workspace(tmp_path, None)
    ws.inbox.mkdir(parents=True)
    bundles.make_bundle(ws.inbox / "t.zip")
    r = ws.run("ingest")
    assert r.returncode != 0
    assert "payment_instructions.yaml" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert r.stdout == ""
    assert ws.files(ws.inbox) == ["t.zip"]


def test_misspelt_key_is_refused(tmp_path):
    ws = workspace(tmp_path, "transfer: %s\nonlin: %s\n" % (TRANSFER, ONLINE))
    r = ws.run("ingest")
    assert r.returncode != 0
    assert "payment_instructions.yaml" in r.stderr and "onlin" in r.stderr


def test_missing_method_is_refused(tmp_path):
    ws = workspace(tmp_path, "transfer: %s\n" % TRANSFER)
    r = ws.run("ingest")
    assert r.returncode != 0
    assert "payment_instructions.yaml" in r.stderr and "online" in r.stderr
