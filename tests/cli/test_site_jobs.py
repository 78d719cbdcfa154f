"""certhall-site build on several cores: a site big enough is read on
several threads (CERTHALL_JOBS sets how many), and the result must be the
very bytes one thread makes; a failure in any page fails the whole build
and leaves the old site as it was."""
import os
import pathlib

from conftest import git, run

SECTIONS = ("zz-a", "zz-b", "zz-c")
PER_SECTION = 100


def add_pages(repo):
    """Three sections of PER_SECTION small pages each, after the others."""
    for k, name in enumerate(SECTIONS):
        folder = repo / "content" / name
        folder.mkdir()
        (folder / "index.md").write_text(
            f"---\ntitle: 测试栏目{k}\norder: {900 + k}\ndescription: 栏目{k}。\n---\n"
            f"栏目{k}的说明，见[第一页](p000.md)。\n", encoding="utf-8")
        for i in range(PER_SECTION):
            nxt = f"p{(i + 1) % PER_SECTION:03d}.md"
            (folder / f"p{i:03d}.md").write_text(
                f"---\ntitle: 第{k}栏第{i}页\norder: {i}\ndescription: 第{i}页。\n---\n"
                f"## 办理说明{i}\n\n第{i}页的正文，申请人需要携带身份证件。"
                f"下一页是[这里]({nxt})。\n", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "many pages")
    return repo


def build(site_bin, repo, out, jobs, **env):
    return run([site_bin, "build", "-C", repo, "-o", out],
               env={**os.environ, "CERTHALL_JOBS": str(jobs), **env})


def snapshot(folder):
    folder = pathlib.Path(folder)
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(parent):
    return [p.name for p in pathlib.Path(parent).iterdir() if ".tmp-" in p.name]


def test_threads_make_the_bytes_one_thread_makes(site_bin, content_repo, tmp_path):
    add_pages(content_repo)
    outs = {}
    for jobs in (1, 2, 3):
        out = tmp_path / f"out{jobs}"
        r = build(site_bin, content_repo, out, jobs)
        assert r.returncode == 0, r.stderr
        outs[jobs] = (snapshot(out), r.stdout.replace(str(out), "OUT"))
    one = outs[1][0]
    assert len([p for p in one if p.endswith("index.html")]) > 300
    assert outs[2][0] == one
    assert outs[3][0] == one
    # The summary counts every page, whichever thread read it.
    assert outs[2][1] == outs[1][1]
    # The cache a build on threads wrote serves the next (one-thread) one.
    r = build(site_bin, content_repo, tmp_path / "out2", 1)
    assert r.returncode == 0, r.stderr
    assert snapshot(tmp_path / "out2") == one


def test_a_failing_last_page_fails_the_build_and_changes_nothing(site_bin, content_repo, tmp_path):
    add_pages(content_repo)
    out = tmp_path / "out"
    r = build(site_bin, content_repo, out, 2)
    assert r.returncode == 0, r.stderr
    before = snapshot(out)

    # A page of the last part names a layout there is not.
    page = content_repo / "content" / SECTIONS[-1] / "p050.md"
    page.write_text(page.read_text(encoding="utf-8").replace(
        "order: 50\n", "order: 50\nlayout: fancy\n"), encoding="utf-8")
    git(content_repo, "commit", "-q", "-am", "bad layout")
    r = build(site_bin, content_repo, out, 2)
    assert r.returncode == 1, (r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith("certhall-site: "), r.stderr
    assert f"content/{SECTIONS[-1]}/p050.md:4:" in lines[0], r.stderr
    assert "fancy" in lines[0], r.stderr
    assert snapshot(out) == before
    assert leftovers(tmp_path) == []


def test_pages_read_on_several_threads_report_the_first_bad_one(site_bin, content_repo, tmp_path):
    """Blobs are read and pages parsed on several threads for a large
    site; the error is still the first bad page in path order, whatever
    the number of threads."""
    add_pages(content_repo)
    for rel in ("content/zz-a/p010.md", "content/zz-c/p090.md"):
        p = content_repo / rel
        p.write_text(p.read_text(encoding="utf-8").replace("title:", "titel:", 1),
                     encoding="utf-8")
    git(content_repo, "commit", "-q", "-am", "two bad pages")
    for jobs in (1, 2, 3, 4):
        out = tmp_path / f"out{jobs}"
        r = build(site_bin, content_repo, out, jobs)
        assert r.returncode == 1, r.stderr
        assert len(r.stderr.splitlines()) == 1, r.stderr
        assert "content/zz-a/p010.md" in r.stderr, (jobs, r.stderr)
        assert not out.exists() and leftovers(tmp_path) == []
