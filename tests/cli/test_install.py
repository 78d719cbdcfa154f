"""make install: both programs, their man pages, the content, an example
configuration and hardened systemd units, all below DESTDIR."""
import os
import re
import shutil
import subprocess

import pytest

from conftest import BIN, ROOT, run


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    dest = tmp_path_factory.mktemp("dest")
    r = run(["make", "-s", "-C", ROOT, "install", f"DESTDIR={dest}",
             "PREFIX=/usr", f"BINDIR={BIN}"])
    assert r.returncode == 0, r.stderr
    return dest


def test_everything_lands_below_destdir(installed):
    for rel in ["usr/share/man/man1/certhall-batch.1",
                "usr/share/man/man1/certhall-site.1",
                "usr/lib/systemd/system/certhall-nightly.service",
                "usr/lib/systemd/system/certhall-nightly.timer",
                "usr/lib/sysusers.d/certhall.conf",
                "usr/lib/tmpfiles.d/certhall.conf",
                "usr/share/certhall/content/forms/application.yaml",
                "usr/share/certhall/certhall.yaml.example"]:
        assert (installed / rel).is_file(), rel
    assert (installed / str(BIN).lstrip("/") / "certhall-batch").is_file()


def test_the_unit_is_hardened_and_valid(installed):
    unit = installed / "usr/lib/systemd/system/certhall-nightly.service"
    text = unit.read_text()
    assert f"ExecStart={BIN}/certhall-batch nightly" in text
    for key in ["ProtectSystem=strict", "PrivateTmp=yes", "NoNewPrivileges=yes",
                "User=certhall", "SuccessExitStatus=75"]:
        assert key in text, key
    if not shutil.which("systemd-analyze"):
        pytest.skip("no systemd-analyze")
    timer = unit.with_suffix(".timer")
    r = run(["systemd-analyze", "verify", "--man=no", unit, timer])
    assert r.returncode == 0, r.stderr
    r = run(["systemd-analyze", "security", "--offline=yes", unit])
    level = re.search(r"Overall exposure level for .*: ([0-9.]+)", r.stdout)
    assert level and float(level.group(1)) <= 2.5, r.stdout[-300:]


def test_the_example_configuration_is_read(installed, tmp_path):
    example = installed / "usr/share/certhall/certhall.yaml.example"
    text = example.read_text().replace("/var/lib/certhall", str(tmp_path / "v"))
    text = text.replace("/usr/share/certhall/content",
                        str(installed / "usr/share/certhall/content"))
    cfg = tmp_path / "certhall.yaml"
    cfg.write_text(text)
    r = run([BIN / "certhall-batch", "--config", cfg, "init"])
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "v" / "certhall.db").is_file()
