"""Notices: an SMS text and an e-mail text per notice (content/notices/),
the SMS within two parts as operators count them, and no silent
rejection: a refused bundle tells the handler it names why."""
import json
import pathlib
import re

import pytest

import bundles
import people
from batchws import ROOT, Workspace

NOTICES = ROOT / "content" / "notices"
SIGNATURE = "【深圳CA】"
# The longest value of each placeholder an SMS may hold (batch/notice_text.c);
# hotline and website are the site's own.
SITE = (ROOT / "content" / "site.yaml").read_text(encoding="utf-8")
MAXIMA = {"order_no": 16, "application_id": 14, "amount": 9, "pin": 16,
          "invoice_url": 80, "reasons_brief": 40, "carrier": 32,
          "tracking_no": 40,
          "hotline": len(re.search(r"^hotline: (.*)$", SITE, re.M).group(1)),
          "website": len(re.search(r"^website: (.*)$", SITE, re.M).group(1))}


def units(s):
    """Characters as operators count them: UTF-16 code units."""
    return len(s.encode("utf-16-le")) // 2


def parts(n):
    return 1 if n <= 70 else -(-n // 67)


def sections(path):
    text = path.read_text(encoding="utf-8")
    front, body = text.split("\n---\n", 1)
    meta = dict(l.split(": ", 1) for l in front.splitlines()[1:] if ": " in l)
    out, cur = {}, None
    for line in body.splitlines():
        if line.startswith("## "):
            cur = line[3:]
            out[cur] = []
        elif cur:
            out[cur].append(line)
    return meta, {k: "\n".join(v).strip() for k, v in out.items()}


NOTICE_FILES = sorted(p for p in NOTICES.glob("*.md") if "notice:" in p.read_text(encoding="utf-8"))


def test_every_notice_is_there():
    names = {p.stem for p in NOTICE_FILES}
    assert {"accepted", "rejected", "approved", "bank_verification_failed",
            "pin_organization", "pin_personal", "e_invoice",
            "micro_deposit"} <= names


@pytest.mark.parametrize("path", NOTICE_FILES, ids=lambda p: p.stem)
def test_each_notice_has_a_text_per_channel_and_a_short_sms(path):
    meta, sec = sections(path)
    channel = meta["channel"]
    assert ("短信" in sec) == (channel in ("sms", "both"))
    assert ("电子邮件" in sec) == (channel in ("email", "both"))
    if "短信" in sec:
        sms = sec["短信"]
        assert "\n\n" not in sms
        worst = re.sub(r"\{([a-z_]+)\}", lambda m: "x" * MAXIMA[m.group(1)],
                       sms.replace("\n", ""))
        assert parts(units(SIGNATURE + worst)) <= 2, (path.name, units(SIGNATURE + worst))
        # The signature is the gateway's to add, once.
        assert "【" not in sms
        # Nothing unbounded in an SMS: those go by e-mail.
        for long in ("{organization}", "{reasons}", "{payment_instructions}"):
            assert long not in sms
    if "PIN" in path.stem.upper():
        assert "电子邮件" not in sec  # a PIN never goes by e-mail


def ws_accepted(tmp_path, **changes):
    ws = Workspace(tmp_path / "ws")
    ws.init()
    bundles.make_bundle(ws.inbox / "a.zip", app=bundles.application(**changes))
    _, [res] = ws.ingest()
    assert res["outcome"] == "accepted", res
    return ws, res


def outbox(ws, notice=None):
    rows = ws.query("SELECT notice, channel, recipient, payload FROM outbox"
                    " ORDER BY outbox_id")
    return [(n, c, r, json.loads(p)) for n, c, r, p in rows
            if notice is None or n == notice]


def test_accepted_sms_is_short_and_the_mail_gives_the_details(tmp_path):
    ws, res = ws_accepted(tmp_path)
    by = {c: p for _, c, _, p in outbox(ws, "accepted")}
    sms, mail = by["sms"]["text"], by["email"]["text"]
    assert sms.startswith(SIGNATURE) and parts(units(sms)) <= 2
    assert res["order_no"] in sms and "900.00" in sms
    assert "山西示例科技有限公司" not in sms
    # The e-mail: organization, amount, and how to pay by this method.
    assert "山西示例科技有限公司" in mail and "900.00" in mail
    assert "附言中注明订单号" + res["order_no"] in mail
    assert by["email"]["subject"].endswith("（订单号%s）" % res["order_no"])


def test_a_stale_bundle_tells_the_handler_once(tmp_path):
    ws, _ = ws_accepted(tmp_path)
    stale = bundles.application(submitted_at="2026-11-24T09:00:00+08:00")
    bundles.make_bundle(ws.inbox / "again.zip", app=stale)
    _, [res] = ws.ingest()
    assert [f["code"] for f in res["findings"]] == ["REVISION_STALE"]
    rows = outbox(ws, "rejected")
    assert sorted((c, r) for _, c, r, _ in rows) == [
        ("email", "wangwu@example.com"), ("sms", "13812345678")]
    for _, c, _, p in rows:
        assert "已提交过相同或更新的版本" in p["text"]
    # The same bundle again is a duplicate: no second message.
    bundles.make_bundle(ws.inbox / "again2.zip", app=stale)
    (ws.inbox / "again2.zip").write_bytes((ws.done.parent / "rejected" / "again.zip").read_bytes())
    _, [dup] = ws.ingest()
    assert dup["outcome"] == "duplicate"
    assert len(outbox(ws, "rejected")) == 2


def test_another_senders_bundle_tells_the_handler_it_names(tmp_path):
    ws, _ = ws_accepted(tmp_path)
    app = bundles.application(revision=2)
    app["handler"]["id_number"] = people.id_number("140107", "19880808", "246")
    app["handler"]["mobile"] = "13566667777"
    app["handler"]["email"] = "other@example.com"
    bundles.make_bundle(ws.inbox / "other.zip", app=app)
    _, [res] = ws.ingest()
    assert [f["code"] for f in res["findings"]] == ["APPLICANT_MISMATCH"]
    rows = outbox(ws, "rejected")
    assert sorted((c, r) for _, c, r, _ in rows) == [
        ("email", "other@example.com"), ("sms", "13566667777")]
    mail = [p for _, c, _, p in rows if c == "email"][0]["text"]
    assert res["findings"][0]["message"] in mail
    # The genuine handler hears nothing of it.
    assert all(r != "13812345678" for _, _, r, _ in rows)


def test_a_refused_bundle_without_a_usable_address_queues_nothing(tmp_path):
    ws = Workspace(tmp_path / "ws")
    ws.init()
    app = bundles.application()
    app["handler"]["mobile"] = "12345"
    app["handler"]["email"] = "not an address"
    bundles.make_bundle(ws.inbox / "r.zip", app=app)
    _, [res] = ws.ingest()
    assert res["outcome"] == "rejected"
    assert outbox(ws) == []


def test_a_rejected_sms_names_the_first_reason_in_plain_chinese(tmp_path):
    ws = Workspace(tmp_path / "ws")
    ws.init()
    app = bundles.application()
    app["organization"]["id_number"] = "91140100MA0K1234X0"
    bundles.make_bundle(ws.inbox / "r.zip", app=app)
    _, [res] = ws.ingest()
    [sms] = [p["text"] for _, c, _, p in outbox(ws, "rejected") if c == "sms"]
    assert "统一社会信用代码" in sms and parts(units(sms)) <= 2
    assert not re.search(r"[A-Z]{2,}_[A-Z]", sms)  # no finding codes
