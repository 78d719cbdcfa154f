"""Shared fixtures of the command-line tests.

The binaries under test come from $CERTHALL_BIN (make sets it, so that the
same tests run against the sanitizer build); by default build/bin."""
import os
import pathlib
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = pathlib.Path(os.environ.get("CERTHALL_BIN", ROOT / "build" / "bin"))


def run(args, **kw):
    """Runs a command, capturing text output; never raises on exit status."""
    kw.setdefault("capture_output", True)
    kw.setdefault("text", True)
    kw.setdefault("timeout", 300)
    return subprocess.run([str(a) for a in args], **kw)


@pytest.fixture
def site_bin():
    return BIN / "certhall-site"


@pytest.fixture
def batch_bin():
    return BIN / "certhall-batch"


def git(repo, *args):
    r = run(["git", "-C", repo, *args],
            env={**os.environ, "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "t@example.com",
                 "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "t@example.com",
                 "GIT_AUTHOR_DATE": "2026-11-01T10:00:00+08:00",
                 "GIT_COMMITTER_DATE": "2026-11-01T10:00:00+08:00"})
    assert r.returncode == 0, r.stderr
    return r.stdout


@pytest.fixture
def content_repo(tmp_path):
    """A real git repository holding a copy of this project's content/ and
    site/, committed once: what an editor's clone looks like."""
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copytree(ROOT / "content", repo / "content")
    shutil.copytree(ROOT / "site", repo / "site")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "content")
    return repo
