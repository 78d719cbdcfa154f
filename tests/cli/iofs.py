"""Helpers of the test_batch_io_* tests: valid bundles of a revision,
one with a document too big for a small file system, and a real tmpfs
mounted for the length of a with block (skipping where mounting is not
allowed)."""
import contextlib
import os
import subprocess

import pytest

import bundles

QUICK = 60


def revision(n, big=False):
    """A valid application's revision n; big: with a 400 KB document that
    does not compress (for the small file systems)."""
    app = bundles.application(revision=n,
                              submitted_at="2026-11-23T14:0%d:00+08:00" % n)
    files = bundles.documents()
    if big:
        files["授权委托书.pdf"] = bundles.pdf(os.urandom(200_000).hex())
    return app, files


def bundle(path, n, big=False):
    app, files = revision(n, big)
    return bundles.make_bundle(path, app=app, files=files)


@contextlib.contextmanager
def tmpfs(where, size):
    where.mkdir(parents=True, exist_ok=True)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%s,mode=0700" % size,
                        "tmpfs", str(where)], capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip("cannot mount a tmpfs here: " + r.stderr.strip())
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=True)
