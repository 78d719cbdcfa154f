"""One bundle, one truth: certhall-batch refuses every ZIP that two readers
could read two ways (zipforge.py builds them), still accepts honest ones,
and whenever it accepts a container, Python's zipfile reads the same names
and the same bytes as the ones it stored."""
import hashlib
import json
import pathlib
import shutil
import subprocess
import unicodedata
import zipfile

import pytest

import bundles
import zipforge
from batchws import ROOT, Workspace

CORPUS = sorted((ROOT / "tests" / "fuzz" / "corpus" / "fuzz_bundle").glob("*"))
CORPUS += sorted((ROOT / "tests" / "fuzz" / "corpus" / "fuzz_zipdiff").glob("*"))


@pytest.fixture
def ws(tmp_path):
    w = Workspace(tmp_path / "ws")
    w.init()
    return w


def check(ws, path):
    r = ws.run("check", "--json", path)
    assert r.returncode in (0, 1), r.stderr
    return r, json.loads(r.stdout)


def errors(res):
    return [x for x in res["findings"] if x["level"] == "error"]


@pytest.mark.parametrize("name", sorted(zipforge.FORGED))
def test_forged_bundle_gets_its_code(ws, name):
    build, want = zipforge.FORGED[name]
    path = build(ws.path / (name + ".zip"))
    r, res = check(ws, path)
    if want is None:
        assert r.returncode == 0 and res["outcome"] == "accepted", res
        return
    assert r.returncode == 1 and res["outcome"] == "rejected"
    first = errors(res)[0]
    assert first["code"] == want, res
    if want == "ZIP_UNREADABLE":
        # Says what is wrong, not only that something is.
        assert "：" in first["message"] and "请重新打包" in first["message"]


def test_two_end_records_change_nothing(ws):
    """The forgery of issue 7 used to be accepted, with the forged stamp
    form in the store: now it is rejected and nothing of it is kept."""
    zipforge.two_ends_offsets_crcs(ws.inbox / "two.zip")
    _, lines = ws.ingest()
    assert [x["outcome"] for x in lines] == ["rejected"]
    assert lines[0]["findings"][0]["code"] == "ZIP_UNREADABLE"
    assert ws.query("SELECT count(*) FROM documents") == [(0,)]
    assert ws.query("SELECT count(*) FROM applications") == [(0,)]
    assert list((ws.var / "store").glob("*/*")) == []


def test_ordinary_bundles_still_pass(ws):
    """Python's zipfile, the raw writer, Zip64 extra fields and a common
    folder: all honest, all accepted."""
    made = [bundles.make_bundle(ws.path / "a.zip"),
            bundles.make_bundle(ws.path / "b.zip", writer="raw"),
            bundles.zip64_records(ws.path / "c.zip"),
            bundles.common_folder(ws.path / "d.zip")]
    for path in made:
        r, res = check(ws, path)
        assert r.returncode == 0 and res["outcome"] == "accepted", res


def test_overlap_behind_a_first_directory_is_not_hidden(ws):
    """Alone, the overlap is ZIP_OVERLAP; behind a second end record it
    was invisible to the scan. Now the second end record is refused."""
    _, alone = check(ws, zipforge.hidden_overlap_alone(ws.path / "a.zip"))
    assert errors(alone)[0]["code"] == "ZIP_OVERLAP"
    _, hidden = check(ws, zipforge.two_ends_hidden_overlap(ws.path / "b.zip"))
    assert errors(hidden)[0]["code"] == "ZIP_UNREADABLE"
    assert "目录结束记录" in errors(hidden)[0]["message"]


@pytest.mark.skipif(not shutil.which("zip"), reason="needs Info-ZIP zip")
def test_info_zip_with_a_comment_passes(ws, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "application.json").write_bytes(
        bundles.app_bytes(bundles.application()))
    for name, data in bundles.documents().items():
        (src / name).write_bytes(data)
    out = ws.path / "iz.zip"
    names = sorted(p.name for p in src.iterdir())
    r = subprocess.run(["zip", "-q", "-X", str(out), *names], cwd=src)
    assert r.returncode == 0
    r = subprocess.run(["zip", "-q", "-z", str(out)], input="申请材料\n".encode())
    assert r.returncode == 0
    r, res = check(ws, out)
    assert r.returncode == 0 and res["outcome"] == "accepted", res


# --- differential: our reading against Python's zipfile --------------------

def decoded(info):
    """An entry's name as BUNDLE.md decodes it: UTF-8 when flagged or
    valid, else GB18030; NFC. zipfile decoded unflagged names as cp437,
    which gives the raw bytes back."""
    raw = (info.filename.encode("utf-8") if info.flag_bits & 0x800
           else info.filename.encode("cp437"))
    try:
        name = raw.decode("utf-8")
    except UnicodeDecodeError:
        name = raw.decode("gb18030")
    return unicodedata.normalize("NFC", name)


def python_view(path):
    """name (without the common folder) -> sha256 of the bytes zipfile
    reads, or None when zipfile cannot read the archive."""
    try:
        with zipfile.ZipFile(path) as z:
            infos = [i for i in z.infolist() if not i.filename.endswith("/")]
            names = [decoded(i) for i in infos]
            tops = {n.split("/")[0] for n in names}
            cut = len(tops) == 1 and all("/" in n for n in names)
            out = {}
            for i, n in zip(infos, names):
                out[n.split("/", 1)[1] if cut else n] = \
                    hashlib.sha256(z.read(i)).hexdigest()
            return out
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError,
            RuntimeError, EOFError, KeyError, UnicodeDecodeError):
        return None


def differential_inputs(tmp):
    files = list(CORPUS)
    for name, (build, _) in sorted(zipforge.FORGED.items()):
        files.append(build(tmp / (name + ".zip")))
    files.append(bundles.make_bundle(tmp / "plain.zip"))
    return [pathlib.Path(f) for f in files]


def test_zipfile_reads_what_we_accepted(tmp_path):
    """For every corpus and forged file: when the batch accepts the
    container (no ZIP_* error), zipfile reads it too; when it accepts the
    bundle, each stored document is, name and bytes, what zipfile reads."""
    forged = tmp_path / "forged"
    forged.mkdir()
    compared = 0
    for n, path in enumerate(differential_inputs(forged)):
        ws = Workspace(tmp_path / ("ws%d" % n))
        ws.init()
        _, res = check(ws, path)
        if any(x["code"].startswith("ZIP_") for x in errors(res)):
            continue
        view = python_view(path)
        assert view is not None, "%s: accepted, but zipfile cannot read it" % path
        target = ws.inbox / "b.zip"
        target.write_bytes(path.read_bytes())
        _, lines = ws.ingest()
        if lines[0]["outcome"] != "accepted":
            continue
        docs = ws.query("SELECT file_name, sha256 FROM documents")
        assert docs, path
        for name, sha in docs:
            assert view.get(name) == sha, "%s: %s differs from zipfile's" % (
                path, name)
            stored = ws.var / "store" / sha[:2] / sha[2:]
            assert hashlib.sha256(stored.read_bytes()).hexdigest() == sha
        compared += 1
    assert compared >= 12  # plain, corpus and forged valid bundles
