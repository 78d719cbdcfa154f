"""certhall-site build: a real git repository in, a whole static site out.

Each test works on the `content_repo` fixture (this project's content/ and
site/ committed once) plus, where it needs pages whose text it controls, a
small section of its own added in a second commit."""
import os
import pathlib
import re

from conftest import git, run

TEST_SECTION = {
    "content/zz-test/index.md": """---
title: 测试栏目
order: 900
description: 构建测试用的栏目。
---
本栏目只用于测试。见[第一页](first.md)和[第二页的小节](second.md#二-审核进度如何查询)。
""",
    "content/zz-test/first.md": """---
title: 测试第一页
order: 1
description: 第一页。
---
## 概述

第一页的正文，链接到[常见问题](../faq/index.md)。

### 细节

更多内容。

## 概述

重复的标题。
""",
    "content/zz-test/second.md": """---
title: 测试第二页
order: 2
description: 第二页。
---
## (二) 审核进度如何查询?

第二页正文。回到[本页小节](#二-审核进度如何查询)。
""",
}

EXTERNAL = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//)")


def write(repo, files):
    for rel, text in files.items():
        p = repo / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")


def commit_at(repo, message, date):
    """Commits everything with author and committer date `date`."""
    env = {**os.environ, "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "t@example.com",
           "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    for args in (["add", "-A"], ["commit", "-q", "-m", message]):
        r = run(["git", "-C", repo, *args], env=env)
        assert r.returncode == 0, r.stderr


def build(site_bin, repo, out, *extra):
    return run([site_bin, "build", "-C", repo, "-o", out, *extra])


def head(repo):
    return git(repo, "rev-parse", "HEAD").strip()


def snapshot(folder):
    folder = pathlib.Path(folder)
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def page(out, url):
    return (pathlib.Path(out) / url / "index.html").read_text(encoding="utf-8")


def with_section(repo):
    write(repo, TEST_SECTION)
    commit_at(repo, "test section", "2026-11-05T23:30:00+00:00")
    return repo


def assert_one_line_error(r, *needles):
    assert r.returncode == 1, (r.returncode, r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith("certhall-site: "), r.stderr
    for n in needles:
        assert n in lines[0], (n, r.stderr)


# --- a build -----------------------------------------------------------------

def test_build_writes_every_page_in_chinese(site_bin, content_repo, tmp_path):
    out = tmp_path / "public"
    r = build(site_bin, content_repo, out)
    assert r.returncode == 0, r.stderr
    pages = [p for p in (content_repo / "content").rglob("*.md")
             if "forms" not in p.relative_to(content_repo / "content").parts]
    assert pages
    for md in pages:
        rel = md.relative_to(content_repo / "content").with_suffix("")
        html = (out / rel / "index.html") if rel.name != "index" else \
               (out / rel.parent / "index.html")
        assert html.is_file(), html
        assert '<html lang="zh-CN">' in html.read_text(encoding="utf-8")
    for f in ("404.html", "index.html", "sitemap.xml", "robots.txt", "search-index.js"):
        assert (out / f).is_file(), f
    assert '<html lang="zh-CN">' in (out / "404.html").read_text(encoding="utf-8")
    # fingerprinted assets: name.<10 hex>.ext, named so by every page
    css = [p for p in (out / "assets").iterdir()
           if re.fullmatch(r"site\.[0-9a-f]{10}\.css", p.name)]
    assert len(css) == 1
    home = (out / "index.html").read_text(encoding="utf-8")
    assert f'href="assets/{css[0].name}"' in home
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in home
    style = css[0].read_text(encoding="utf-8")
    assert "@media print" in style and "@media (max-width" in style


def test_page_has_nav_breadcrumbs_pager_toc_anchors(site_bin, content_repo, tmp_path):
    with_section(content_repo)
    out = tmp_path / "public"
    assert build(site_bin, content_repo, out).returncode == 0
    html = page(out, "zz-test/first")
    # navigation of the whole guide, the current page marked
    assert 'href="../../faq/index.html"' in html
    assert 'aria-current="page">测试第一页</a>' in html
    # breadcrumbs: home > section > page
    crumbs = re.search(r'<nav class="breadcrumbs".*?</nav>', html, re.S).group(0)
    assert 'href="../../index.html"' in crumbs and "测试栏目" in crumbs
    # previous and next in navigation order
    assert re.search(r'rel="prev" href="../../zz-test/index.html"', html)
    assert re.search(r'rel="next" href="../../zz-test/second/index.html"', html)
    # table of contents from h2/h3, with unique anchors
    toc = re.search(r'<nav class="toc".*?</nav>', html, re.S).group(0)
    assert 'href="#概述"' in toc and 'href="#细节"' in toc and 'href="#概述-2"' in toc
    assert '<h2 id="概述">' in html and '<h3 id="细节">' in html and '<h2 id="概述-2">' in html
    # internal links rewritten to relative page URLs
    assert 'href="../../faq/index.html"' in html.split('<div class="content">')[1]
    second = page(out, "zz-test/second")
    assert '<h2 id="二-审核进度如何查询">' in second
    assert 'href="#%E4%BA%8C-' in second  # an anchor on the same page


def test_dates_come_from_history_in_shanghai_time(site_bin, content_repo, tmp_path):
    with_section(content_repo)  # 2026-11-05 23:30 UTC = 2026-11-06 in Shanghai
    (content_repo / "content/zz-test/second.md").write_text(
        TEST_SECTION["content/zz-test/second.md"] + "\n补充。\n", encoding="utf-8")
    commit_at(content_repo, "edit second", "2026-11-20T09:00:00+08:00")
    out = tmp_path / "public"
    assert build(site_bin, content_repo, out).returncode == 0
    assert "最后更新：<time datetime=\"2026-11-06\">" in page(out, "zz-test/first")
    assert "最后更新：<time datetime=\"2026-11-20\">" in page(out, "zz-test/second")
    # pages of the first commit keep its date
    assert 'datetime="2026-11-01"' in page(out, "faq")


def test_home_page_404_and_version_txt_name_the_commit(site_bin, content_repo, tmp_path):
    out = tmp_path / "public"
    assert build(site_bin, content_repo, out).returncode == 0
    full = head(content_repo)
    short = full[:10]
    shown = {str(h.relative_to(out)) for h in out.rglob("*.html")
             if f"<code>{short}</code>" in h.read_text(encoding="utf-8")}
    # the other pages do not, so that a new commit does not change them all
    assert shown == {"index.html", "404.html"}
    assert (out / "version.txt").read_text(encoding="ascii") == full + "\n"


def test_same_commit_gives_identical_bytes(site_bin, content_repo, tmp_path):
    assert build(site_bin, content_repo, tmp_path / "a").returncode == 0
    assert build(site_bin, content_repo, tmp_path / "b").returncode == 0
    assert snapshot(tmp_path / "a") == snapshot(tmp_path / "b")


def test_ref_builds_an_older_commit(site_bin, content_repo, tmp_path):
    first = head(content_repo)
    with_section(content_repo)
    out = tmp_path / "old"
    r = build(site_bin, content_repo, out, "--ref", "HEAD~1")
    assert r.returncode == 0, r.stderr
    assert not (out / "zz-test").exists()
    assert f"<code>{first[:10]}</code>" in (out / "index.html").read_text(encoding="utf-8")


def test_worktree_builds_uncommitted_drafts(site_bin, content_repo, tmp_path):
    with_section(content_repo)
    p = content_repo / "content/zz-test/first.md"
    p.write_text(p.read_text(encoding="utf-8") + "\n草稿段落未提交。\n", encoding="utf-8")
    out = tmp_path / "draft"
    assert build(site_bin, content_repo, out, "--worktree").returncode == 0
    assert "草稿段落未提交" in page(out, "zz-test/first")
    committed = tmp_path / "committed"
    assert build(site_bin, content_repo, committed).returncode == 0
    assert "草稿段落未提交" not in page(committed, "zz-test/first")


def test_no_resource_from_outside_and_every_link_resolves(site_bin, content_repo, tmp_path):
    with_section(content_repo)
    out = tmp_path / "public"
    assert build(site_bin, content_repo, out).returncode == 0
    ids = {}
    for html in out.rglob("*.html"):
        ids[html] = set(re.findall(r'\bid="([^"]+)"', html.read_text(encoding="utf-8")))
    for html in out.rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        for tag, attr in (("script", "src"), ("link", "href"), ("img", "src"),
                          ("iframe", "src"), ("source", "src")):
            for url in re.findall(rf'<{tag}\b[^>]*\b{attr}="([^"]*)"', text):
                assert not EXTERNAL.match(url), (html, url)
        assert "@import" not in text and "url(http" not in text
        if html.name == "404.html":
            continue  # served at any depth: rooted at the site's base path
        for url in re.findall(r'<a\b[^>]*\bhref="([^"]*)"', text):
            if EXTERNAL.match(url):
                continue
            path, _, frag = url.partition("#")
            target = (html.parent / path).resolve() if path else html
            assert target.is_file(), (html, url)
            if frag:
                from urllib.parse import unquote
                assert unquote(frag) in ids[target], (html, url)
    for css in out.rglob("*.css"):
        text = css.read_text(encoding="utf-8")
        assert "@import" not in text and not re.search(r"url\(\s*['\"]?(https?:)?//", text)


# --- incremental rebuilds ---------------------------------------------------------

def test_rebuild_after_one_page_changed_renders_only_it(site_bin, content_repo, tmp_path):
    with_section(content_repo)
    out = tmp_path / "public"
    r = build(site_bin, content_repo, out, "-v")
    assert r.returncode == 0 and " 0 kept" in r.stderr, r.stderr
    p = content_repo / "content/zz-test/second.md"
    p.write_text(p.read_text(encoding="utf-8") + "\n新的一段。\n", encoding="utf-8")
    commit_at(content_repo, "edit", "2026-11-21T10:00:00+08:00")
    r = build(site_bin, content_repo, out, "-v")
    assert r.returncode == 0, r.stderr
    # That page, and the home page, which shows the commit.
    assert ": 2 rendered," in r.stderr, r.stderr
    full = tmp_path / "full"
    assert build(site_bin, content_repo, full).returncode == 0
    assert snapshot(out) == snapshot(full)
    assert "新的一段" in page(out, "zz-test/second")


def test_rebuild_after_a_commit_writes_only_the_pages_it_changed(site_bin, content_repo, tmp_path):
    with_section(content_repo)
    out = tmp_path / "public"
    assert build(site_bin, content_repo, out).returncode == 0
    before = {str(h.relative_to(out)): h.stat().st_ino for h in out.rglob("*.html")}
    p = content_repo / "content/zz-test/second.md"
    p.write_text(p.read_text(encoding="utf-8") + "\n提交后的新段落。\n", encoding="utf-8")
    commit_at(content_repo, "edit", "2026-11-22T10:00:00+08:00")
    r = build(site_bin, content_repo, out, "-v")
    assert r.returncode == 0, r.stderr
    after = {str(h.relative_to(out)): h.stat().st_ino for h in out.rglob("*.html")}
    moved = {k for k in after if before.get(k) != after[k]}
    # the page itself, and the two pages that name the commit
    assert moved == {"zz-test/second/index.html", "index.html", "404.html"}
    assert (out / "version.txt").read_text(encoding="ascii") == head(content_repo) + "\n"
    full = tmp_path / "full"
    assert build(site_bin, content_repo, full).returncode == 0
    assert snapshot(out) == snapshot(full)


def git_at(repo, date, *args):
    env = {**os.environ, "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "t@example.com",
           "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    r = run(["git", "-C", repo, *args], env=env)
    assert r.returncode == 0, r.stderr


def test_rebuilds_after_commits_and_a_merge_date_pages_as_a_full_build(site_bin, content_repo, tmp_path):
    """A rebuild takes the dates the build before knew and walks only the
    commits since; across a merge (whose side commits may be older) it
    walks the whole history. Either way the dates are a full build's."""
    with_section(content_repo)
    out = tmp_path / "public"
    assert build(site_bin, content_repo, out).returncode == 0
    first = content_repo / "content/zz-test/first.md"
    second = content_repo / "content/zz-test/second.md"

    def rebuilt_like_full(n):
        assert build(site_bin, content_repo, out).returncode == 0
        full = tmp_path / f"full{n}"
        assert build(site_bin, content_repo, full).returncode == 0
        assert snapshot(out) == snapshot(full)

    first.write_text(first.read_text(encoding="utf-8") + "\n一\n", encoding="utf-8")
    commit_at(content_repo, "one", "2026-11-10T10:00:00+08:00")
    second.write_text(second.read_text(encoding="utf-8") + "\n二\n", encoding="utf-8")
    commit_at(content_repo, "two", "2026-11-12T10:00:00+08:00")
    rebuilt_like_full(1)
    assert 'datetime="2026-11-10"' in page(out, "zz-test/first")
    assert 'datetime="2026-11-12"' in page(out, "zz-test/second")

    branch = git(content_repo, "rev-parse", "--abbrev-ref", "HEAD").strip()
    git(content_repo, "checkout", "-q", "-b", "side", "HEAD~2")
    first.write_text(first.read_text(encoding="utf-8").replace("更多内容。", "更多内容，旁支。"),
                     encoding="utf-8")
    commit_at(content_repo, "side", "2026-11-08T10:00:00+08:00")
    git(content_repo, "checkout", "-q", branch)
    git_at(content_repo, "2026-11-20T10:00:00+08:00", "merge", "-q", "--no-ff",
           "-m", "merge side", "side")
    rebuilt_like_full(2)
    assert "旁支" in page(out, "zz-test/first")


def test_rebuild_after_a_title_changed_updates_every_navigation(site_bin, content_repo, tmp_path):
    with_section(content_repo)
    out = tmp_path / "public"
    assert build(site_bin, content_repo, out).returncode == 0
    p = content_repo / "content/zz-test/first.md"
    p.write_text(p.read_text(encoding="utf-8").replace("测试第一页", "改名后的第一页"),
                 encoding="utf-8")
    commit_at(content_repo, "rename", "2026-11-21T10:00:00+08:00")
    r = build(site_bin, content_repo, out, "-v")
    # Every page shows the title in its navigation: each is laid out anew.
    assert r.returncode == 0 and " 0 kept;" in r.stderr, r.stderr
    assert "改名后的第一页" in (out / "index.html").read_text(encoding="utf-8")
    full = tmp_path / "full"
    assert build(site_bin, content_repo, full).returncode == 0
    assert snapshot(out) == snapshot(full)


def test_draft_rebuild_keeps_every_unchanged_page_file(site_bin, content_repo, tmp_path):
    with_section(content_repo)
    out = tmp_path / "public"
    assert build(site_bin, content_repo, out, "--worktree").returncode == 0
    npages = len(list(out.rglob("index.html")))
    p = content_repo / "content/zz-test/second.md"
    p.write_text(p.read_text(encoding="utf-8") + "\n草稿里的新段落。\n", encoding="utf-8")
    r = build(site_bin, content_repo, out, "--worktree", "-v")
    assert r.returncode == 0, r.stderr
    assert f": 1 rendered, {npages - 1} kept;" in r.stderr, r.stderr
    full = tmp_path / "full"
    assert build(site_bin, content_repo, full, "--worktree").returncode == 0
    assert snapshot(out) == snapshot(full)
    assert "草稿里的新段落" in page(out, "zz-test/second")


# --- bad input: one line, non-zero, old site untouched ------------------------------

def check_refused(site_bin, repo, tmp_path, args, *needles):
    out = tmp_path / "public"
    good = build(site_bin, repo, out, "--ref", "HEAD~1") if args.get("old_ok") else None
    before = snapshot(out) if out.exists() else None
    r = build(site_bin, repo, out, *args.get("extra", []))
    assert_one_line_error(r, *needles)
    if before is not None:
        assert snapshot(out) == before
    else:
        assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if ".tmp-" in p.name or ".old-" in p.name] == []
    return good


def break_page(repo, rel, old, new):
    p = repo / rel
    p.write_text(p.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    commit_at(repo, "break", "2026-11-22T10:00:00+08:00")


def test_unknown_front_matter_key_is_refused(site_bin, content_repo, tmp_path):
    with_section(content_repo)
    break_page(content_repo, "content/zz-test/first.md", "order: 1", "ordr: 1")
    check_refused(site_bin, content_repo, tmp_path, {"old_ok": 1},
                  "content/zz-test/first.md:3:", "ordr")


def test_missing_title_is_refused(site_bin, content_repo, tmp_path):
    with_section(content_repo)
    break_page(content_repo, "content/zz-test/first.md", "title: 测试第一页\n", "")
    check_refused(site_bin, content_repo, tmp_path, {"old_ok": 1},
                  "content/zz-test/first.md:1:", "title")


def test_notice_keys_outside_notices_are_refused(site_bin, content_repo, tmp_path):
    with_section(content_repo)
    break_page(content_repo, "content/zz-test/first.md", "order: 1", "order: 1\nchannel: sms")
    check_refused(site_bin, content_repo, tmp_path, {"old_ok": 1},
                  "content/zz-test/first.md:4:", "channel")


def test_unknown_layout_is_refused(site_bin, content_repo, tmp_path):
    with_section(content_repo)
    break_page(content_repo, "content/zz-test/first.md", "order: 1", "order: 1\nlayout: fancy")
    check_refused(site_bin, content_repo, tmp_path, {"old_ok": 1},
                  "content/zz-test/first.md:4:", "fancy")


def test_broken_link_is_refused(site_bin, content_repo, tmp_path):
    with_section(content_repo)
    break_page(content_repo, "content/zz-test/first.md", "更多内容。", "更多内容，见[别处](missing.md)。")
    check_refused(site_bin, content_repo, tmp_path, {"old_ok": 1},
                  "content/zz-test/first.md:12:", "content/zz-test/missing.md")


def test_broken_anchor_is_refused(site_bin, content_repo, tmp_path):
    with_section(content_repo)
    break_page(content_repo, "content/zz-test/second.md", "#二-审核进度如何查询", "#没有这个小节")
    check_refused(site_bin, content_repo, tmp_path, {"old_ok": 1},
                  "content/zz-test/second.md:8:", "没有这个小节")


def test_bad_layout_template_is_refused(site_bin, content_repo, tmp_path):
    with_section(content_repo)
    p = content_repo / "site/layouts/page.html"
    p.write_text(p.read_text(encoding="utf-8") + "\n{{#oops}}\n", encoding="utf-8")
    commit_at(content_repo, "break layout", "2026-11-22T10:00:00+08:00")
    check_refused(site_bin, content_repo, tmp_path, {"old_ok": 1},
                  "site/layouts/page.html:", "oops")


def test_bad_form_schema_is_refused(site_bin, content_repo, tmp_path):
    p = content_repo / "content/forms/application.yaml"
    text = p.read_text(encoding="utf-8")
    assert "type: string" in text
    p.write_text(text.replace("type: string", "type: strang", 1), encoding="utf-8")
    commit_at(content_repo, "break schema", "2026-11-22T10:00:00+08:00")
    check_refused(site_bin, content_repo, tmp_path, {"old_ok": 1},
                  "content/forms/application.yaml:", "strang")


def test_siblings_sort_by_order_then_name(site_bin, content_repo, tmp_path):
    with_section(content_repo)
    write(content_repo, {
        "content/zz-test/b.md": "---\ntitle: 乙\norder: 5\ndescription: 乙。\n---\n乙。\n",
        "content/zz-test/a.md": "---\ntitle: 甲\norder: 5\ndescription: 甲。\n---\n甲。\n",
        "content/zz-test/sub/index.md": "---\ntitle: 子栏目\norder: 3\ndescription: 子。\n---\n子。\n",
    })
    commit_at(content_repo, "more", "2026-11-22T10:00:00+08:00")
    out = tmp_path / "public"
    assert build(site_bin, content_repo, out).returncode == 0
    nav = re.search(r'<nav id="site-nav".*?</nav>', page(out, "zz-test"), re.S).group(0)
    order = [t for t in re.findall(r">([^<>]+)</a>", nav)
             if t in ("测试第一页", "测试第二页", "子栏目", "甲", "乙")]
    assert order == ["测试第一页", "测试第二页", "子栏目", "甲", "乙"], order
    # previous/next follow the same order, into and out of the sub-section
    assert 'rel="next" href="../../zz-test/a/index.html"' in page(out, "zz-test/sub")


def test_unknown_ref_is_refused(site_bin, content_repo, tmp_path):
    check_refused(site_bin, content_repo, tmp_path, {"extra": ["--ref", "no-such-ref"]},
                  "no-such-ref")


def test_not_a_repository_is_refused(site_bin, tmp_path):
    plain = tmp_path / "plain"
    plain.mkdir()
    out = tmp_path / "public"
    r = build(site_bin, plain, out)
    assert_one_line_error(r, str(plain), "not a git repository")
    assert not out.exists()


def test_a_folder_it_did_not_build_is_not_replaced(site_bin, content_repo, tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "keep.txt").write_text("precious")
    r = build(site_bin, content_repo, out)
    assert_one_line_error(r, str(out))
    assert (out / "keep.txt").read_text() == "precious"


# --- the command line -----------------------------------------------------------

def test_help_version_and_usage_errors(site_bin):
    r = run([site_bin, "--help"])
    assert r.returncode == 0 and "usage: certhall-site build" in r.stdout
    r = run([site_bin, "--version"])
    assert r.returncode == 0 and r.stdout.startswith("certhall-site ")
    for args in (["frobnicate"], ["build", "--nope"], ["build", "--ref"], []):
        r = run([site_bin, *args])
        assert r.returncode == 2, (args, r.stderr)
        assert len(r.stderr.strip().splitlines()) == 1, r.stderr


def test_global_C_before_the_command_works_like_git(site_bin, content_repo, tmp_path):
    # -C DIR before the command: the rest runs as if started in DIR, so a
    # relative -o lands there too.
    r = run([site_bin, "-C", content_repo, "build", "-o", "out-global"], cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (content_repo / "out-global" / "index.html").is_file()
    full = tmp_path / "full"
    assert build(site_bin, content_repo, full).returncode == 0
    assert snapshot(content_repo / "out-global") == snapshot(full)
    r = run([site_bin, "-C", tmp_path / "missing", "build"], cwd=tmp_path)
    assert r.returncode != 0 and "missing" in r.stderr and len(r.stderr.splitlines()) == 1


# --- updates in place (a work-tree rebuild into the output of the last one) ---------

def test_draft_rebuild_deletes_a_removed_page_and_adds_a_new_one(site_bin, content_repo, tmp_path):
    with_section(content_repo)
    out = tmp_path / "public"
    assert build(site_bin, content_repo, out, "--worktree").returncode == 0
    assert (out / "zz-test" / "first" / "index.html").is_file()
    first = content_repo / "content/zz-test/first.md"
    first.unlink()
    index = content_repo / "content/zz-test/index.md"
    index.write_text(index.read_text(encoding="utf-8").replace("[第一页](first.md)和", ""),
                     encoding="utf-8")
    (content_repo / "content/zz-test/third.md").write_text(
        "---\ntitle: 测试第三页\norder: 3\ndescription: 第三页。\n---\n第三页正文。\n",
        encoding="utf-8")
    r = build(site_bin, content_repo, out, "--worktree", "-v")
    assert r.returncode == 0, r.stderr
    assert not (out / "zz-test" / "first").exists()
    assert "第三页正文" in page(out, "zz-test/third")
    full = tmp_path / "full"
    assert build(site_bin, content_repo, full, "--worktree").returncode == 0
    assert snapshot(out) == snapshot(full)


def test_draft_rebuild_with_a_broken_link_changes_nothing(site_bin, content_repo, tmp_path):
    with_section(content_repo)
    out = tmp_path / "public"
    assert build(site_bin, content_repo, out, "--worktree").returncode == 0
    before = snapshot(out)
    p = content_repo / "content/zz-test/second.md"
    p.write_text(p.read_text(encoding="utf-8") + "\n见[不存在](missing.md)。\n", encoding="utf-8")
    r = build(site_bin, content_repo, out, "--worktree")
    assert_one_line_error(r, "content/zz-test/second.md", "missing.md")
    assert snapshot(out) == before
    assert [x.name for x in tmp_path.iterdir() if ".tmp-" in x.name] == []


def test_search_index_is_a_manifest_of_parts_covering_every_page(site_bin, content_repo, tmp_path):
    import json
    out = tmp_path / "public"
    assert build(site_bin, content_repo, out).returncode == 0
    text = (out / "search-index.js").read_text(encoding="utf-8")
    manifest = json.loads(text[text.index("= ") + 2:].rstrip().rstrip(";"))
    assert manifest["v"] == 2 and len(manifest["shards"]) > 1
    total = 0
    for k, (name, n) in enumerate(manifest["shards"]):
        assert name == f"search/{k}.js"
        part = (out / name).read_text(encoding="utf-8")
        assert f"window.CERTHALL_SEARCH_PARTS || {{}})[{k}] = " in part
        total += n
    assert total == len(list(out.rglob("index.html")))


def test_a_cache_naming_files_outside_the_output_is_not_trusted(site_bin, content_repo, tmp_path):
    out = tmp_path / "public"
    assert build(site_bin, content_repo, out, "--worktree").returncode == 0
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    cache = out / ".certhall-cache"
    text = cache.read_text(encoding="utf-8")
    cache.write_text(text.replace("\nend\n", "\nF ../victim.txt\nend\n"), encoding="utf-8")
    r = build(site_bin, content_repo, out, "--worktree", "-v")
    assert r.returncode == 0, r.stderr
    assert victim.read_text(encoding="utf-8") == "keep me"
    full = tmp_path / "full"
    assert build(site_bin, content_repo, full, "--worktree").returncode == 0
    assert snapshot(out) == snapshot(full)


# --- a large section ---------------------------------------------------------------

def test_pages_of_a_3000_page_section_stay_small(site_bin, tmp_path):
    corpus = pathlib.Path(__file__).resolve().parents[1] / "bench" / "site_corpus.py"
    r = run(["/usr/bin/python3", corpus, "--pages", "3002", "--per-section", "3000", tmp_path])
    assert r.returncode == 0, r.stderr
    out = tmp_path / "out"
    r = build(site_bin, tmp_path / "certhall", out)
    assert r.returncode == 0, r.stderr
    sec = out / "section-001"
    pages = sorted(sec.glob("page-*/index.html"))
    assert len(pages) == 3000
    # every page's navigation would be over 200 KB with the whole section
    assert max(p.stat().st_size for p in pages) < 20_000
    html = (sec / "page-1500" / "index.html").read_text(encoding="utf-8")
    nav = re.search(r'<nav id="site-nav".*?</nav>', html, re.S)
    nav = nav.group(0)
    near = re.findall(r'href="\.\./\.\./section-001/(page-\d+)/index\.html"', nav)
    assert near == [f"page-{i:04d}" for i in range(1490, 1511)], near
    assert 'aria-current="page"' in nav
    assert '<li class="more"><a href="../../section-001/index.html">全部 3000 页</a></li>' in nav
    # the section's own page lists them all
    index = (sec / "index.html").read_text(encoding="utf-8")
    assert all(f'href="../section-001/page-{i:04d}/index.html"' in index
               for i in range(1, 3001))
