"""The nightly run killed with SIGKILL at random points, again and again,
then run to its end: the database ends as an uninterrupted run's, and no
message reaches anyone twice."""
import json
import os
import random
import shutil
import signal
import subprocess
import textwrap
import time

import bundles
from batchws import BATCH, Workspace

GATEWAY = textwrap.dedent("""\
    #!/usr/bin/python3
    # A gateway that remembers what it sent, as real ones do by message id,
    # and answers the batch's status query after a crash.
    import json, os, sys
    log = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sms.log")
    req = json.loads(sys.stdin.read())
    sent = []
    if os.path.exists(log):
        sent = [json.loads(l)["message_id"] for l in open(log, encoding="utf-8")]
    if req.get("query") == "status":
        sys.exit(0 if req["message_id"] in sent else 1)
    with open(log, "a", encoding="utf-8") as f:
        f.write(json.dumps(req, ensure_ascii=False) + "\\n")
        f.flush()
        os.fsync(f.fileno())
    """)


def app_id(i):
    return "K7QD-2MPE-%04d" % i


def make_bundles(folder, n):
    folder.mkdir()
    for i in range(n):
        app = bundles.application(application_id=app_id(i))
        if i % 4 == 3:
            bundles.make_bundle(folder / ("b%02d.zip" % i), app=app,
                                omit=("营业执照.jpg",))
        else:
            bundles.make_bundle(folder / ("b%02d.zip" % i), app=app)


def workspace(path, made):
    ws = Workspace(path)
    ws.init()
    for p in made.iterdir():
        shutil.copy(p, ws.inbox / p.name)
    gw = ws.path / "sms-gateway"
    gw.write_text(GATEWAY)
    gw.chmod(0o755)
    cfg = ws.path / "certhall.yaml"
    cfg.write_text(f"sms:\n  command: {gw}\n  after_crash: ask\n")
    return ws, cfg


def state(ws):
    """What a night decides, without the bookkeeping of how many tries it
    took (attempts, run ids)."""
    q = ws.query
    return {
        "bundles": q("SELECT sha256, file_name, outcome, application_id,"
                     " revision, findings_json FROM bundles ORDER BY sha256"),
        "applications": q("SELECT application_id, order_no, state,"
                          " amount_due_fen FROM applications ORDER BY 1"),
        "outbox": q("SELECT application_id, notice, channel, recipient,"
                    " payload, state FROM outbox ORDER BY 1, 2, 3"),
        "done": ws.files(ws.done), "rejected": ws.files(ws.rejected),
    }


def test_killed_nights_end_as_an_uninterrupted_one(tmp_path):
    made = tmp_path / "bundles"
    make_bundles(made, 16)
    calm, calm_cfg = workspace(tmp_path / "calm", made)
    began = time.monotonic()
    r = calm.run("--config", calm_cfg, "nightly")
    took = time.monotonic() - began
    assert r.returncode == 0, r.stderr
    wanted = state(calm)

    ws, cfg = workspace(tmp_path / "killed", made)
    rnd = random.Random(20261203)
    for _ in range(12):
        proc = subprocess.Popen([str(BATCH), "--config", str(cfg), "nightly"],
                                cwd=ws.path, env=ws.env(),
                                start_new_session=True,
                                stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        # Kill inside the run, wherever the machine's load puts its start.
        for line in proc.stderr:
            if b": start" in line:
                break
        time.sleep(rnd.uniform(0.0, took * 0.7))
        # The whole run dies, the gateway it started with it, as systemd
        # stops a unit's control group.
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    r = ws.run("--config", cfg, "nightly")
    assert r.returncode == 0, r.stderr
    assert ws.query("PRAGMA integrity_check") == [("ok",)]
    assert state(ws) == wanted
    # Every SMS reached its gateway exactly once; every mail file is
    # there once, under its row's number.
    sent = [json.loads(l)["message_id"]
            for l in (ws.path / "sms.log").read_text().splitlines()]
    assert len(sent) == len(set(sent))
    assert len(sent) == ws.query("SELECT count(*) FROM outbox"
                                 " WHERE channel = 'sms'")[0][0]
    emls = [p.name for p in (ws.var / "outbox").iterdir()
            if p.suffix == ".eml"]
    assert len(emls) == ws.query("SELECT count(*) FROM outbox"
                                 " WHERE channel = 'email'")[0][0]
    # The kills did land inside runs (else the test proves nothing).
    runs = ws.query("SELECT count(*) FROM nightly_runs WHERE finished_at IS NULL")
    assert runs[0][0] >= 1, ws.query("SELECT * FROM nightly_runs")


def test_killed_after_the_gateway_sent_but_before_the_record(tmp_path):
    """The narrowest window, hit on purpose: the gateway has taken the SMS
    and the batch dies before writing down that it has. The next run asks
    the gateway, which says it was sent, so it is not sent again."""
    made = tmp_path / "bundles"
    make_bundles(made, 1)
    ws, cfg = workspace(tmp_path / "ws", made)
    hang = ws.path / "hang"
    gw = ws.path / "sms-gateway"
    gw.write_text(GATEWAY + textwrap.dedent(f"""\
        if os.path.exists({str(hang)!r}):
            os.remove({str(hang)!r})
            import time
            time.sleep(60)
        """))
    hang.touch()
    proc = subprocess.Popen([str(BATCH), "--config", str(cfg), "nightly"],
                            cwd=ws.path, env=ws.env(), start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while hang.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert ws.query("SELECT state FROM outbox WHERE channel = 'sms'") == \
        [("sending",)]
    r = ws.run("--config", cfg, "nightly")
    assert r.returncode == 0, r.stderr
    assert ws.query("SELECT state FROM outbox WHERE channel = 'sms'") == \
        [("sent",)]
    sent = (ws.path / "sms.log").read_text().splitlines()
    assert len(sent) == 1
    (detail,), = ws.query("SELECT detail FROM outbox_attempts a JOIN outbox o"
                          " USING (outbox_id) WHERE o.channel = 'sms'")
    assert "the gateway says it was sent" in detail
