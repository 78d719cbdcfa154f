"""certhall-batch send: the outbox delivered by the real msmtp to a real
SMTP server on 127.0.0.1 (aiosmtpd), by an SMS gateway script that records
what it got, or to the outbox folder when neither is configured."""
import email
import email.policy
import json
import os
import pathlib
import socket
import stat
import textwrap

import pytest
from aiosmtpd.controller import Controller

import bundles
from batchws import Workspace

LATER = "2026-11-24T03:30:00Z"  # an hour after batchws.NOW
MUCH_LATER = "2026-11-28T02:30:00Z"  # four days after


class Recorder:
    """An SMTP server's handler: keeps each message, or answers each DATA
    with the next reply of `replies` (None: accept)."""

    def __init__(self):
        self.messages = []
        self.replies = []

    async def handle_DATA(self, server, session, envelope):
        reply = self.replies.pop(0) if self.replies else None
        if reply:
            return reply
        self.messages.append(envelope)
        return "250 OK"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    handler = Recorder()
    handler.port = free_port()
    ctl = Controller(handler, hostname="127.0.0.1", port=handler.port)
    ctl.start()
    try:
        yield handler
    finally:
        ctl.stop()


def accepted(tmp_path):
    ws = Workspace(tmp_path / "ws")
    ws.init()
    bundles.make_bundle(ws.inbox / "a.zip")
    _, res = ws.ingest()
    assert res[0]["outcome"] == "accepted", res
    return ws


def configure(ws, mail=None, sms=None):
    lines = []
    if mail:
        lines.append("mail:")
        lines += [f"  {k}: {v}" for k, v in mail.items()]
    if sms:
        lines.append("sms:")
        lines += [f"  {k}: {v}" for k, v in sms.items()]
    cfg = ws.path / "certhall.yaml"
    cfg.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return cfg


def msmtprc(ws, port):
    rc = ws.path / "msmtprc"
    rc.write_text(textwrap.dedent(f"""\
        account certhall
        host 127.0.0.1
        port {port}
        from noreply@example.com
        auth off
        tls off
        """))
    rc.chmod(0o600)
    return rc


def gateway(ws, status=0):
    """An SMS gateway: appends what it reads to sms.log, exits status."""
    script = ws.path / "sms-gateway"
    log = ws.path / "sms.log"
    script.write_text(textwrap.dedent(f"""\
        #!/usr/bin/python3
        import sys
        data = sys.stdin.read()
        with open({str(log)!r}, "a", encoding="utf-8") as f:
            f.write(data + "\\n")
        if {status}:
            print("gateway says no", file=sys.stderr)
        sys.exit({status})
        """))
    script.chmod(0o755)
    return log


def send(ws, cfg=None, now=None, ok=None):
    args = ["send"] if cfg is None else ["--config", cfg, "send"]
    env = ws.env(CERTHALL_NOW=now) if now else ws.env()
    r = ws.run(*args, env=env)
    if ok is not None:
        assert (r.returncode == 0) == ok, r.stderr
    return r


def rows(ws):
    return ws.query("SELECT channel, state, attempts, last_error, message_id"
                    " FROM outbox ORDER BY outbox_id")


def queued_subject(ws):
    (payload,), = ws.query("SELECT payload FROM outbox WHERE channel = 'email'")
    return json.loads(payload)["subject"]


def test_without_configuration_messages_go_to_the_outbox_folder(tmp_path):
    ws = accepted(tmp_path)
    send(ws, ok=True)
    out = ws.var / "outbox"
    names = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert names == ["1.eml", "2.sms.json"], names
    msg = email.message_from_bytes((out / "1.eml").read_bytes(),
                                   policy=email.policy.default)
    assert msg["Subject"] == queued_subject(ws)
    assert msg["To"].addresses[0].addr_spec == "wangwu@example.com"
    assert "SX" in msg.get_content()
    sms = json.loads((out / "2.sms.json").read_text())
    assert sms["phone"] == "13812345678" and sms["text"].startswith("【深圳CA】")
    assert stat.S_IMODE((out / "1.eml").stat().st_mode) == 0o600
    assert [r[1] for r in rows(ws)] == ["sent", "sent"]
    # Nothing is sent twice: a second run has nothing due.
    send(ws, ok=True)
    assert [r[2] for r in rows(ws)] == [1, 1]


def test_mail_through_msmtp_reads_right_in_a_mail_client(tmp_path, smtp):
    ws = accepted(tmp_path)
    cfg = configure(ws, mail={"msmtp": "/usr/bin/msmtp",
                              "config": msmtprc(ws, smtp.port),
                              "account": "certhall",
                              "from": "深圳CA数字证书服务 <noreply@example.com>"})
    send(ws, cfg, ok=True)
    assert len(smtp.messages) == 1
    env = smtp.messages[0]
    assert env.rcpt_tos == ["wangwu@example.com"]
    msg = email.message_from_bytes(env.original_content,
                                   policy=email.policy.default)
    assert msg["Subject"] == queued_subject(ws)
    assert msg["From"].addresses[0].display_name == "深圳CA数字证书服务"
    assert msg["Message-ID"] == rows(ws)[0][4]
    assert msg["Date"] is not None
    (payload,), = ws.query("SELECT payload FROM outbox WHERE channel = 'email'")
    assert msg.get_content().rstrip("\n") == json.loads(payload)["text"].rstrip("\n")
    for line in env.original_content.split(b"\r\n"):
        assert len(line) <= 78


def test_temporary_then_permanent_refusal(tmp_path, smtp):
    ws = accepted(tmp_path)
    cfg = configure(ws, mail={"msmtp": "/usr/bin/msmtp",
                              "config": msmtprc(ws, smtp.port),
                              "account": "certhall",
                              "from": "noreply@example.com"})
    smtp.replies = ["451 4.3.0 try again later"]
    send(ws, cfg)
    email_row = rows(ws)[0]
    assert email_row[1] == "retry" and email_row[2] == 1
    assert "451" in email_row[3]
    # Not due yet: the retry waits.
    send(ws, cfg)
    assert rows(ws)[0][2] == 1
    smtp.replies = ["550 5.1.1 no such user"]
    r = send(ws, cfg, now=LATER)
    assert r.returncode == 1
    email_row = rows(ws)[0]
    assert email_row[1] == "failed" and email_row[2] == 2
    assert "550" in email_row[3]
    assert smtp.messages == []
    attempts = ws.query("SELECT attempt, outcome FROM outbox_attempts"
                        " WHERE outbox_id = 1 ORDER BY attempt")
    assert attempts == [(1, "retry"), (2, "failed")]


def test_retries_give_up_after_the_configured_time(tmp_path, smtp):
    ws = accepted(tmp_path)
    cfg = configure(ws, mail={"msmtp": "/usr/bin/msmtp",
                              "config": msmtprc(ws, smtp.port),
                              "account": "certhall", "give_up_after": 48,
                              "from": "noreply@example.com"})
    smtp.replies = ["451 later", "451 later"]
    send(ws, cfg)
    assert rows(ws)[0][1] == "retry"
    send(ws, cfg, now=MUCH_LATER)
    assert rows(ws)[0][1] == "failed"
    assert "gave up after 48 hours" in rows(ws)[0][3]


def test_sms_gateway_gets_json_and_its_status_decides(tmp_path):
    ws = accepted(tmp_path)
    log = gateway(ws, status=75)
    cfg = configure(ws, sms={"command": ws.path / "sms-gateway",
                             "signature": "深圳CA"})
    send(ws, cfg)
    assert rows(ws)[1][1] == "retry"
    assert "gateway says no" in rows(ws)[1][3]
    got = json.loads(log.read_text().splitlines()[0])
    assert set(got) == {"phone", "signature", "text", "message_id"}
    assert got["phone"] == "13812345678" and got["signature"] == "深圳CA"
    gateway(ws, status=0)
    send(ws, cfg, now=LATER)
    assert rows(ws)[1][1] == "sent"


def test_a_crash_mid_send_is_resolved_without_sending_blindly(tmp_path, smtp):
    ws = accepted(tmp_path)
    log = gateway(ws)
    cfg = configure(ws, mail={"msmtp": "/usr/bin/msmtp",
                              "config": msmtprc(ws, smtp.port),
                              "account": "certhall",
                              "from": "noreply@example.com"},
                    sms={"command": ws.path / "sms-gateway"})
    # What a run killed between the attempt and its record leaves.
    with ws.db() as c:
        c.execute("UPDATE outbox SET state = 'sending', attempts = 1,"
                  " message_id = '<kept.1@example.com>'")
        c.execute("INSERT INTO outbox_attempts (outbox_id, attempt,"
                  " started_at, outcome) SELECT outbox_id, 1, ?, 'sending'"
                  " FROM outbox", ("2026-11-24T02:00:00Z",))
    r = send(ws, cfg)
    assert r.returncode == 1  # the SMS needs an operator
    states = [(c, s) for c, s, *_ in rows(ws)]
    assert states == [("email", "sent"), ("sms", "unknown")]
    msg = email.message_from_bytes(smtp.messages[0].original_content,
                                   policy=email.policy.default)
    assert msg["Message-ID"] == "<kept.1@example.com>"
    assert not log.exists()


def test_header_injection_is_refused_before_sending(tmp_path, smtp):
    ws = accepted(tmp_path)
    cfg = configure(ws, mail={"msmtp": "/usr/bin/msmtp",
                              "config": msmtprc(ws, smtp.port),
                              "account": "certhall",
                              "from": "noreply@example.com"})
    with ws.db() as c:
        (payload,), = c.execute("SELECT payload FROM outbox"
                                " WHERE channel = 'email'").fetchall()
        p = json.loads(payload)
        p["subject"] = "受理\nBcc: victim@example.com"
        c.execute("UPDATE outbox SET payload = ? WHERE channel = 'email'",
                  (json.dumps(p, ensure_ascii=False),))
        c.execute("UPDATE outbox SET recipient = 'a@example.com\nBcc: b@example.com'"
                  " WHERE channel = 'sms'")
    r = send(ws, cfg)
    assert r.returncode == 1
    assert rows(ws)[0][1] == "failed"
    assert "refused before sending" in rows(ws)[0][3]
    assert smtp.messages == []
    # Logs mask the recipient.
    assert "wangwu@" not in r.stderr


def test_unknown_setting_is_named(tmp_path):
    ws = accepted(tmp_path)
    cfg = configure(ws, mail={"msmpt": "/usr/bin/msmtp"})
    r = send(ws, cfg)
    assert r.returncode == 2
    assert "mail.msmpt: unknown setting" in r.stderr


def test_an_address_intake_accepted_is_sent_folded(tmp_path):
    """Intake folds full width before it checks an address; the outbox
    holds the folded form, which the mail is built for, so nothing that
    passed intake is refused at sending."""
    ws = Workspace(tmp_path / "ws")
    ws.init()
    app = bundles.application()
    app["handler"]["email"] = "ｗａｎｇｗｕ@example.com"
    bundles.make_bundle(ws.inbox / "a.zip", app=app)
    _, res = ws.ingest()
    assert res[0]["outcome"] == "accepted", res
    assert ws.query("SELECT recipient FROM outbox WHERE channel = 'email'") \
        == [("wangwu@example.com",)]
    send(ws, ok=True)
    assert rows(ws)[0][1] == "sent"
