"""make run's story (tools/demo.sh) on the sample data: every step works,
and it ends with the site, two nightly reports and the outbox in place."""
import json
import os

from conftest import BIN, ROOT, run


def test_the_whole_story_runs(tmp_path):
    env = {**os.environ, "CERTHALL_BIN": str(BIN),
           "CERTHALL_DEMO": str(tmp_path / "demo"),
           "CERTHALL_PUBLIC": str(tmp_path / "public")}
    r = run(["sh", ROOT / "tools" / "demo.sh"], env=env)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    for step in ["1.", "2.", "3.", "4.", "5.", "6.", "7.", "8. and 9.", "10."]:
        assert "== " + step in r.stdout, step
    demo = tmp_path / "demo" / "var"
    assert (tmp_path / "public" / "index.html").is_file()
    assert sorted(p.name for p in (demo / "reports").iterdir()) == [
        "2026-11-24.csv", "2026-11-24.html", "2026-11-25.csv",
        "2026-11-25.html", "index.html"]
    states = {}
    cfg = tmp_path / "demo" / "certhall.yaml"
    for aid in ("DEMA-0001-0001", "DEMA-0002-0002", "DEMA-0003-0003"):
        s = run([BIN / "certhall-batch", "--config", cfg, "status", "--json",
                 aid], env={**env, "CERTHALL_NOW": "2026-11-25T14:00:00Z"})
        states[aid] = json.loads(s.stdout)["state"]
    assert states == {"DEMA-0001-0001": "issued", "DEMA-0002-0002": "rejected",
                      "DEMA-0003-0003": "in_review"}
    notices = [json.loads(p.read_text())["text"]
               for p in (demo / "outbox").glob("*.sms.json")]
    assert any("PIN" in t for t in notices)
    assert len(list((demo / "outbox").glob("*.eml"))) >= 4
