"""certhall-batch check on whole bundles: every ZIP_*, FORM_MISSING,
FORM_SYNTAX and DOC_* finding of BUNDLE.md produced by a real ZIP file that
the tests write themselves (bundles.py), the valid variants real tools write
accepted, and checking changes nothing."""
import hashlib
import json
import os
import subprocess

import pytest

import bundles
from batchws import BATCH, Workspace

SAN = "build-san" in os.environ.get("CERTHALL_BIN", "")


@pytest.fixture
def ws(tmp_path):
    return Workspace(tmp_path / "ws")


def check(ws, path, env=None):
    """Runs `check --json`; returns (exit status, the result object)."""
    r = ws.run("check", "--json", path, env=env)
    assert r.returncode in (0, 1), r.stderr
    # Under the sanitizer build a leak exits 1 as well: read what it said.
    assert "Sanitizer" not in r.stderr and "runtime error" not in r.stderr, r.stderr
    lines = [l for l in r.stdout.splitlines() if l.strip()]
    assert len(lines) == 1, r.stdout
    return r.returncode, json.loads(lines[0])


def codes(result, level=None):
    return [f["code"] for f in result["findings"]
            if level is None or f["level"] == level]


def test_valid_bundle_is_accepted_with_its_sha256(ws, tmp_path):
    path = bundles.make_bundle(tmp_path / "K7QD-2MPE-X9A3.zip")
    rc, res = check(ws, path)
    assert rc == 0
    assert res["outcome"] == "accepted"
    assert res["findings"] == []
    assert res["application_id"] == "K7QD-2MPE-X9A3"
    assert res["revision"] == 1
    assert res["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("name", sorted(bundles.HOSTILE))
def test_each_case_gives_its_finding(ws, tmp_path, name):
    build, code = bundles.HOSTILE[name]
    path = tmp_path / (name + ".zip")
    build(path)
    rc, res = check(ws, path)
    if code is None:
        assert res["findings"] == [], res
        assert (rc, res["outcome"]) == (0, "accepted")
    elif code in bundles.WARNINGS:
        assert codes(res) == [code], res
        assert all(f["level"] == "warning" for f in res["findings"])
        assert (rc, res["outcome"]) == (0, "accepted")
    else:
        assert code in codes(res, "error"), res
        assert (rc, res["outcome"]) == (1, "rejected")
    for f in res["findings"]:
        # Messages go into rejection notices: one line, no raw controls.
        text = f["where"] + f["message"]
        assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in text), f
        assert "\u202e" not in text


def test_every_container_and_document_code_is_covered():
    wanted = {"ZIP_UNREADABLE", "ZIP_UNSAFE_NAME", "ZIP_DUPLICATE_NAME",
              "ZIP_NOT_REGULAR", "ZIP_ENCRYPTED", "ZIP_METHOD", "ZIP_LIMIT",
              "ZIP_OVERLAP", "FORM_MISSING", "FORM_SYNTAX", "DOC_MISSING",
              "DOC_TYPE", "DOC_TOO_SMALL", "DOC_DUPLICATE", "DOC_UNLISTED"}
    assert wanted <= {c for _, c in bundles.HOSTILE.values() if c}


def test_gbk_name_with_backslash_byte_is_found_by_its_decoded_name(ws, tmp_path):
    path = bundles.gbk_names(tmp_path / "gbk.zip")
    raw = path.read_bytes()
    assert bundles.GBK_5C.encode("gbk") in raw  # really raw GBK, 0x5C inside
    assert "营业执照-淺.jpg".encode("utf-8") not in raw
    rc, res = check(ws, path)
    assert (rc, res["findings"]) == (0, [])


def test_unsafe_names_are_shown_escaped(ws, tmp_path):
    path = bundles.name_case("evil\x07.pdf")(tmp_path / "ctl.zip")
    _, res = check(ws, path)
    [f] = [f for f in res["findings"] if f["code"] == "ZIP_UNSAFE_NAME"]
    assert f["where"] == "evil\\x07.pdf"
    path = bundles.undecodable_name(tmp_path / "undec.zip")
    _, res = check(ws, path)
    [f] = [f for f in res["findings"] if f["code"] == "ZIP_UNSAFE_NAME"]
    assert f["where"] == "\\xFF\\xFE\\x80.pdf"


def test_overlap_names_the_entry(ws, tmp_path):
    _, res = check(ws, bundles.overlapping(tmp_path / "o.zip"))
    assert [(f["code"], f["where"]) for f in res["findings"]] == \
        [("ZIP_OVERLAP", "inner.pdf")]


def test_crc_error_names_the_entry(ws, tmp_path):
    _, res = check(ws, bundles.wrong_crc(tmp_path / "crc.zip"))
    assert [(f["code"], f["where"]) for f in res["findings"]] == \
        [("ZIP_UNREADABLE", "授权委托书.pdf")]


def test_limits_come_from_the_configuration(ws, tmp_path):
    conf = tmp_path / "limits.yaml"
    conf.write_text("limits:\n  entries: 3\n")
    path = bundles.make_bundle(tmp_path / "b.zip")
    _, res = check(ws, path, env=ws.env(CERTHALL_CONFIG=str(conf)))
    assert codes(res) == ["ZIP_LIMIT"]
    assert "3" in res["findings"][0]["message"]


def test_missing_document_names_its_kind(ws, tmp_path):
    _, res = check(ws, bundles.doc_missing(tmp_path / "m.zip"))
    [f] = res["findings"]
    assert (f["code"], f["where"]) == ("DOC_MISSING", "营业执照.jpg")
    assert "营业执照" in f["message"]


def test_windows_folder_and_zipfile_writer_agree(ws, tmp_path):
    for kw in ({"folder": "申请材料"}, {"writer": "raw"},
               {"folder": "x", "writer": "raw"}):
        path = bundles.make_bundle(tmp_path / "w.zip", **kw)
        rc, res = check(ws, path)
        assert (rc, res["findings"]) == (0, []), kw


def test_two_folders_are_deeper_folders(ws, tmp_path):
    path = bundles.write_zip(tmp_path / "two.zip", [
        bundles.Entry("a/application.json", bundles.app_bytes(bundles.application())),
        bundles.Entry("b/授权委托书.pdf", bundles.pdf())])
    _, res = check(ws, path)
    assert "ZIP_UNSAFE_NAME" in codes(res)


def test_check_changes_nothing_and_writes_no_bundle_name(ws, tmp_path):
    path = bundles.name_case("../../evil.pdf")(tmp_path / "evil.zip")
    before = path.read_bytes()
    listing = sorted(p for p in tmp_path.rglob("*"))
    check(ws, path)
    assert path.read_bytes() == before
    assert sorted(p for p in tmp_path.rglob("*")) == listing
    assert not list(tmp_path.parent.rglob("evil.pdf"))


@pytest.mark.skipif(SAN, reason="sanitizers change memory use")
@pytest.mark.parametrize("name", ["big_entry_lying", "big_total", "zip_bomb"])
def test_memory_stays_bounded(ws, tmp_path, name):
    path = tmp_path / (name + ".zip")
    bundles.HOSTILE[name][0](path)
    p = subprocess.run(["/usr/bin/time", "-f", "maxrss=%M", str(BATCH),
                        "check", "--json", str(path)], cwd=ws.path,
                       env=ws.env(), capture_output=True, text=True)
    assert p.returncode == 1, p.stderr
    rss_kib = int(p.stderr.strip().splitlines()[-1].split("=")[1])
    assert rss_kib < 64 * 1024
    assert "ZIP_LIMIT" in p.stdout


# --- a bare application.json -----------------------------------------

def test_bare_json_valid_and_broken(ws, tmp_path):
    good = tmp_path / "application.json"
    good.write_bytes(bundles.app_bytes(bundles.application()))
    rc, res = check(ws, good)
    assert (rc, res["findings"]) == (0, [])
    bad = tmp_path / "broken.json"
    bad.write_bytes(b'{"format": ')
    rc, res = check(ws, bad)
    assert (rc, codes(res)) == (1, ["FORM_SYNTAX"])
    gbk = tmp_path / "gbk.json"
    gbk.write_bytes(bundles.app_bytes(bundles.application()).decode().encode("gbk"))
    assert codes(check(ws, gbk)[1]) == ["FORM_SYNTAX"]
    bom = tmp_path / "bom.json"
    bom.write_bytes(b"\xef\xbb\xbf" + good.read_bytes())
    assert check(ws, bom)[1]["findings"] == []


def test_bare_json_too_large_is_a_syntax_finding(ws, tmp_path):
    app = bundles.application()
    app["organization"]["address"] = "x" * (300 * 1024)
    big = tmp_path / "big.json"
    big.write_bytes(bundles.app_bytes(app))
    rc, res = check(ws, big)
    assert (rc, codes(res)) == (1, ["FORM_SYNTAX"])


def test_bare_json_reports_unlisted_kinds_only(ws, tmp_path):
    app = bundles.application()
    app["documents"] = [d for d in app["documents"] if d["kind"] != "stamp_form"]
    path = tmp_path / "application.json"
    path.write_bytes(bundles.app_bytes(app))
    rc, res = check(ws, path)
    assert (rc, codes(res)) == (1, ["DOC_MISSING"])
