"""A batch workspace for the command-line tests of certhall-batch: a fresh
folder that is the batch's current directory, with the project's content/
beside var/ (the embedded defaults), and helpers to run the batch there and
read its database."""
import json
import os
import pathlib
import sqlite3
import subprocess

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = pathlib.Path(os.environ.get("CERTHALL_BIN", ROOT / "build" / "bin"))
BATCH = BIN / "certhall-batch"
# A fixed clock: order numbers and history times are then predictable.
NOW = "2026-11-24T02:30:00Z"


class Workspace:
    def __init__(self, path):
        self.path = pathlib.Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        link = self.path / "content"
        if not link.exists():
            link.symlink_to(ROOT / "content")
        self.var = self.path / "var"
        self.inbox = self.var / "inbox"
        self.done = self.var / "done"
        self.rejected = self.var / "rejected"
        self.db_path = self.var / "certhall.db"

    def env(self, **extra):
        env = {k: v for k, v in os.environ.items() if k != "CERTHALL_CONFIG"}
        env["CERTHALL_NOW"] = NOW
        env.update(extra)
        return env

    def run(self, *args, env=None, **kw):
        kw.setdefault("capture_output", True)
        kw.setdefault("text", True)
        kw.setdefault("timeout", 300)
        return subprocess.run([str(BATCH), *map(str, args)], cwd=self.path,
                              env=env or self.env(), **kw)

    def init(self):
        r = self.run("init")
        assert r.returncode == 0, r.stderr
        return r

    def ingest(self, *paths, ok=True):
        """Runs ingest; returns (process, [result objects])."""
        r = self.run("ingest", *paths)
        if ok:
            assert r.returncode == 0, r.stderr
        lines = [json.loads(l) for l in r.stdout.splitlines() if l.strip()]
        return r, lines

    def db(self):
        return sqlite3.connect(self.db_path)

    def query(self, sql, *args):
        with self.db() as c:
            return c.execute(sql, args).fetchall()

    def dump(self):
        """Every row of every table, for comparing states."""
        c = self.db()
        try:
            return "\n".join(c.iterdump())
        finally:
            c.close()

    def files(self, where):
        return sorted(p.name for p in where.iterdir()) if where.exists() else []


def tree(path, skip=("var",)):
    """Every file and folder below path (not following links) with its
    size and mtime, except the top-level names in skip."""
    out = {}
    path = pathlib.Path(path)
    for dirpath, dirnames, filenames in os.walk(path):
        rel = pathlib.Path(dirpath).relative_to(path)
        if rel.parts and rel.parts[0] in skip:
            continue
        if not rel.parts:
            dirnames[:] = [d for d in dirnames if d not in skip]
        for n in dirnames + filenames:
            p = pathlib.Path(dirpath) / n
            st = p.lstat()
            out[str(rel / n)] = (st.st_size, st.st_mtime_ns)
    return out
