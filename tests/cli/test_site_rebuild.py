"""certhall-site build --worktree into the output of the last work-tree build.

A rebuild writes (moves into the output folder) only the page files whose
inputs changed: when only the bodies of a few ordinary pages changed, those
pages alone; a change every page shows (a title in the navigation, an
asset) writes them all. In every case the output is byte for byte what a
full build into a fresh folder gives, the cache included."""
import os
import pathlib
import re
from urllib.parse import unquote

import pytest

from test_site_build import (assert_one_line_error, build, commit_at, page,
                             snapshot, with_section, write)

LOGIN = "content/guide/login.md"
PIN = "content/faq/pin.md"
SUMMARY = re.compile(r"^certhall-site: \d+ pages: .*$", re.M)


# --- helpers ---------------------------------------------------------------------

def first_build(site_bin, repo, tmp_path):
    out = tmp_path / "public"
    r = build(site_bin, repo, out, "--worktree")
    assert r.returncode == 0, r.stderr
    return out


def rebuild(site_bin, repo, out):
    r = build(site_bin, repo, out, "--worktree", "-v")
    assert r.returncode == 0, r.stderr
    return r


def summary(r):
    lines = SUMMARY.findall(r.stderr)
    assert len(lines) == 1, r.stderr
    return lines[0]


def pages_state(out):
    """Every page file's inode and modification time: a file the rebuild
    wrote is a new file moved in."""
    out = pathlib.Path(out)
    return {str(p.relative_to(out)): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in out.rglob("*.html")}


def written(before, out):
    after = pages_state(out)
    return {k for k, v in after.items() if before.get(k) != v}


def page_file(path):
    return f"{path}/index.html"


def assert_like_full(site_bin, repo, out, tmp_path, *extra):
    """out holds exactly what a full build into a fresh folder gives."""
    n = len([p for p in tmp_path.iterdir() if p.name.startswith("full")])
    full = tmp_path / f"full{n}"
    r = build(site_bin, repo, full, *extra)
    assert r.returncode == 0, r.stderr
    got, want = snapshot(out), snapshot(full)
    assert sorted(got) == sorted(want)
    assert [k for k in want if got[k] != want[k]] == []


def edit(repo, rel, old, new):
    p = repo / rel
    text = p.read_text(encoding="utf-8")
    assert text.count(old) == 1, (rel, old)
    p.write_text(text.replace(old, new), encoding="utf-8")


def append(repo, rel, paragraph):
    p = repo / rel
    p.write_text(p.read_text(encoding="utf-8") + "\n" + paragraph + "\n", encoding="utf-8")


def search_text(out):
    return "".join(p.read_text(encoding="utf-8")
                   for p in sorted((pathlib.Path(out) / "search").glob("*.js")))


def bigrams(word):
    return [word[i:i + 2] for i in range(len(word) - 1)]


def h2_anchors(html):
    return [a for a in re.findall(r'<h2 id="([^"]+)"', html) if a != "toc-title"]


# --- body edits: those pages alone ----------------------------------------------

def test_body_edit_writes_one_page_equal_to_a_full_build(site_bin, content_repo, tmp_path):
    word = "量子测试词"
    out = first_build(site_bin, content_repo, tmp_path)
    assert not any(f'"{b}":[' in search_text(out) for b in ("量子", "试词"))
    append(content_repo, LOGIN, f"登录后如遇{word}提示，请刷新页面。")
    before = pages_state(out)
    r = rebuild(site_bin, content_repo, out)
    assert written(before, out) == {page_file("guide/login")}
    assert ": 1 rendered," in summary(r), r.stderr
    assert word in page(out, "guide/login")
    # the search index cuts Chinese into pairs of characters
    index = search_text(out)
    for b in bigrams(word):
        assert f'"{b}":[' in index, b
    assert_like_full(site_bin, content_repo, out, tmp_path, "--worktree")


def test_body_edits_in_two_sections_write_those_two_pages(site_bin, content_repo, tmp_path):
    out = first_build(site_bin, content_repo, tmp_path)
    append(content_repo, LOGIN, "登录页偶尔显示维护公告，稍后再试即可。")
    append(content_repo, PIN, "短信未收到时，可联系客服重发碧蓝码。")
    before = pages_state(out)
    r = rebuild(site_bin, content_repo, out)
    assert written(before, out) == {page_file("guide/login"), page_file("faq/pin")}
    assert ": 2 rendered," in summary(r), r.stderr
    assert "维护公告" in page(out, "guide/login") and "碧蓝码" in page(out, "faq/pin")
    assert_like_full(site_bin, content_repo, out, tmp_path, "--worktree")


def test_successive_body_edits_and_their_revert_write_one_page_each(site_bin, content_repo, tmp_path):
    out = first_build(site_bin, content_repo, tmp_path)
    original = (content_repo / LOGIN).read_bytes()
    steps = [
        (lambda: append(content_repo, LOGIN, "第一次修改：请使用甲号浏览器。"), "甲号浏览器"),
        # same size as before, within the same second: must still be seen
        (lambda: edit(content_repo, LOGIN, "甲号浏览器", "乙号浏览器"), "乙号浏览器"),
        (lambda: append(content_repo, LOGIN, "第三次修改：验证码五分钟内有效。"), "五分钟内有效"),
    ]
    for change, text in steps:
        change()
        before = pages_state(out)
        rebuild(site_bin, content_repo, out)
        assert written(before, out) == {page_file("guide/login")}
        assert text in page(out, "guide/login")
        assert_like_full(site_bin, content_repo, out, tmp_path, "--worktree")
    (content_repo / LOGIN).write_bytes(original)
    before = pages_state(out)
    rebuild(site_bin, content_repo, out)
    assert written(before, out) == {page_file("guide/login")}
    assert "号浏览器" not in page(out, "guide/login")
    assert_like_full(site_bin, content_repo, out, tmp_path, "--worktree")


def test_body_link_to_an_anchor_of_another_page_writes_one_page(site_bin, content_repo, tmp_path):
    out = first_build(site_bin, content_repo, tmp_path)
    anchor = h2_anchors(page(out, "guide/review"))[-1]
    append(content_repo, PIN, f"审核通过后才会发送，见[审核说明甲](../guide/review.md#{anchor})。")
    before = pages_state(out)
    rebuild(site_bin, content_repo, out)
    assert written(before, out) == {page_file("faq/pin")}
    html = page(out, "faq/pin")
    href = re.search(r'<a\b[^>]*\bhref="([^"]*)"[^>]*>审核说明甲</a>', html).group(1)
    path, _, frag = href.partition("#")
    assert path == "../../guide/review/index.html", href
    assert unquote(frag) == anchor, href
    assert (out / "faq" / "pin" / path).resolve() == (out / "guide/review/index.html").resolve()
    assert_like_full(site_bin, content_repo, out, tmp_path, "--worktree")


def test_body_edit_in_a_nested_section_writes_one_page(site_bin, content_repo, tmp_path):
    with_section(content_repo)
    write(content_repo, {
        "content/zz-test/sub/index.md":
            "---\ntitle: 子栏目\norder: 3\ndescription: 子栏目。\n---\n子栏目正文。\n",
        "content/zz-test/sub/deep.md":
            "---\ntitle: 深层页\norder: 1\ndescription: 深层页。\n---\n## 深层小节\n\n深层正文。\n",
    })
    commit_at(content_repo, "nested", "2026-11-06T10:00:00+08:00")
    out = first_build(site_bin, content_repo, tmp_path)
    append(content_repo, "content/zz-test/sub/deep.md", "深层页新增的一段橙色说明。")
    before = pages_state(out)
    rebuild(site_bin, content_repo, out)
    assert written(before, out) == {page_file("zz-test/sub/deep")}
    assert "橙色说明" in page(out, "zz-test/sub/deep")
    assert_like_full(site_bin, content_repo, out, tmp_path, "--worktree")


def test_body_made_empty_gives_the_full_build(site_bin, content_repo, tmp_path):
    out = first_build(site_bin, content_repo, tmp_path)
    p = content_repo / PIN
    text = p.read_text(encoding="utf-8")
    end = text.index("\n---\n", 4) + len("\n---\n")
    # PIN has no heading, so emptying its body leaves its headings alone
    assert "\n#" not in text[end:]
    p.write_text(text[:end], encoding="utf-8")
    rebuild(site_bin, content_repo, out)
    assert_like_full(site_bin, content_repo, out, tmp_path, "--worktree")


def test_touched_page_without_change_renders_nothing(site_bin, content_repo, tmp_path):
    out = first_build(site_bin, content_repo, tmp_path)
    p = content_repo / LOGIN
    st = p.stat()
    os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    before = pages_state(out)
    r = rebuild(site_bin, content_repo, out)
    assert ": 0 rendered," in summary(r), r.stderr
    assert written(before, out) == set()
    assert_like_full(site_bin, content_repo, out, tmp_path, "--worktree")


# The output folder is trusted as git trusts its index: a file of an
# unchanged page is kept as it is (a hand-edited page is not noticed). A
# page whose inputs changed is written whole, whatever its old file holds.
def test_hand_edited_output_of_the_edited_page_is_replaced(site_bin, content_repo, tmp_path):
    out = first_build(site_bin, content_repo, tmp_path)
    f = out / "guide/login/index.html"
    f.write_bytes(f.read_bytes() + "<!-- 手工改动 -->junk\n".encode())
    append(content_repo, LOGIN, "手工改动之后的正文修改。")
    before = pages_state(out)
    rebuild(site_bin, content_repo, out)
    assert written(before, out) == {page_file("guide/login")}
    assert_like_full(site_bin, content_repo, out, tmp_path, "--worktree")


def test_output_page_with_its_body_changed_by_hand_is_rendered_again(site_bin, content_repo, tmp_path):
    out = first_build(site_bin, content_repo, tmp_path)
    f = out / "guide/login/index.html"
    data = f.read_bytes()
    i = data.index(b"<main")
    i = data.index(b"<p>", i) + 3
    f.write_bytes(data[:i] + b"X" + data[i + 1:])  # same size, inside the body
    append(content_repo, LOGIN, "正文被手工改动之后的修改。")
    before = pages_state(out)
    rebuild(site_bin, content_repo, out)
    assert written(before, out) == {page_file("guide/login")}
    assert_like_full(site_bin, content_repo, out, tmp_path, "--worktree")


def test_commit_build_after_work_tree_rebuilds_equals_a_full_build(site_bin, content_repo, tmp_path):
    out = first_build(site_bin, content_repo, tmp_path)
    append(content_repo, LOGIN, "提交前的草稿段落一。")
    before = pages_state(out)
    rebuild(site_bin, content_repo, out)
    assert written(before, out) == {page_file("guide/login")}
    append(content_repo, PIN, "提交前的草稿段落二。")
    before = pages_state(out)
    rebuild(site_bin, content_repo, out)
    assert written(before, out) == {page_file("faq/pin")}
    commit_at(content_repo, "drafts", "2026-11-21T10:00:00+08:00")
    r = build(site_bin, content_repo, out, "-v")
    assert r.returncode == 0, r.stderr
    assert "草稿段落一" in page(out, "guide/login")
    assert_like_full(site_bin, content_repo, out, tmp_path)


# --- changes other pages show -----------------------------------------------------

def test_heading_change_updates_the_toc(site_bin, content_repo, tmp_path):
    out = first_build(site_bin, content_repo, tmp_path)
    edit(content_repo, LOGIN, "## 第 2 步：同意协议，进入新办", "## 第 2 步：同意协议并进入紫色新办")
    before = pages_state(out)
    rebuild(site_bin, content_repo, out)
    assert page_file("guide/login") in written(before, out)
    toc = re.search(r'<nav class="toc".*?</nav>', page(out, "guide/login"), re.S).group(0)
    assert "紫色新办" in toc
    assert_like_full(site_bin, content_repo, out, tmp_path, "--worktree")


def test_title_change_writes_every_page_and_updates_navigation(site_bin, content_repo, tmp_path):
    out = first_build(site_bin, content_repo, tmp_path)
    edit(content_repo, LOGIN, "title: 登录与协议\n", "title: 登录与青色协议\n")
    before = pages_state(out)
    rebuild(site_bin, content_repo, out)
    # the navigation on every page names it
    assert written(before, out) == set(before)
    assert "登录与青色协议" in (out / "index.html").read_text(encoding="utf-8")
    assert_like_full(site_bin, content_repo, out, tmp_path, "--worktree")


@pytest.mark.parametrize("old,new", [
    ("description: 操作指引第1、2步：", "description: 操作指引第一、二步（已改）："),
    ("order: 2\n", "order: 7\n"),
], ids=["description", "order"])
def test_front_matter_change_writes_the_pages_showing_it(site_bin, content_repo, tmp_path, old, new):
    out = first_build(site_bin, content_repo, tmp_path)
    edit(content_repo, LOGIN, old, new)
    before = pages_state(out)
    rebuild(site_bin, content_repo, out)
    # the section's page lists its pages with their descriptions; every
    # page's navigation follows the order
    w = written(before, out)
    assert {page_file("guide/login"), "guide/index.html"} <= w
    assert old.startswith("description") or w == set(before)
    assert_like_full(site_bin, content_repo, out, tmp_path, "--worktree")


def test_form_page_body_edit_gives_the_full_build(site_bin, content_repo, tmp_path):
    out = first_build(site_bin, content_repo, tmp_path)
    edit(content_repo, "content/apply.md", "\n## 怎么用\n",
         "\n填写前请关闭浏览器的翻译插件，以免栏目名称被改写。\n\n## 怎么用\n")
    rebuild(site_bin, content_repo, out)
    assert "翻译插件" in page(out, "apply")
    assert_like_full(site_bin, content_repo, out, tmp_path, "--worktree")


def test_asset_change_writes_every_page(site_bin, content_repo, tmp_path):
    out = first_build(site_bin, content_repo, tmp_path)
    p = content_repo / "site/assets/site.css"
    p.write_text(p.read_text(encoding="utf-8") + "\n/* 测试用的注释 */\n", encoding="utf-8")
    before = pages_state(out)
    rebuild(site_bin, content_repo, out)
    # every page names the asset by its hash
    assert written(before, out) == set(before)
    assert_like_full(site_bin, content_repo, out, tmp_path, "--worktree")


def test_page_added_with_a_body_edit(site_bin, content_repo, tmp_path):
    out = first_build(site_bin, content_repo, tmp_path)
    write(content_repo, {"content/guide/zz-extra.md":
                         "---\ntitle: 附加说明\norder: 99\ndescription: 附加说明。\n---\n附加正文。\n"})
    append(content_repo, LOGIN, "同时修改的一段正文。")
    before = pages_state(out)
    rebuild(site_bin, content_repo, out)
    assert {page_file("guide/zz-extra"), page_file("guide/login")} <= written(before, out)
    assert "附加正文" in page(out, "guide/zz-extra")
    assert_like_full(site_bin, content_repo, out, tmp_path, "--worktree")


# --- a broken body edit: one line, non-zero, old site untouched ---------------------

@pytest.mark.parametrize("target", ["../guide/review.md#没有这个小节", "../guide/missing.md"],
                         ids=["missing_anchor", "missing_page"])
def test_body_edit_with_a_broken_link_changes_nothing(site_bin, content_repo, tmp_path, target):
    out = first_build(site_bin, content_repo, tmp_path)
    before = snapshot(out)
    append(content_repo, PIN, f"见[别处]({target})。")
    r = build(site_bin, content_repo, out, "--worktree", "-v")
    assert_one_line_error(r, PIN, target.rsplit("#", 1)[-1].rsplit("/", 1)[-1])
    assert snapshot(out) == before
    assert [x.name for x in tmp_path.iterdir() if ".tmp-" in x.name or ".old-" in x.name] == []


def test_a_cache_spoiled_by_an_update_cut_short_is_not_trusted(site_bin, content_repo, tmp_path):
    """An update first spoils the cache in place (its first byte) and
    writes the new one last: one cut short in between leaves a folder that
    is still ours but whose cache no build trusts."""
    out = first_build(site_bin, content_repo, tmp_path)
    cache = out / ".certhall-cache"
    data = cache.read_bytes()
    cache.write_bytes(b"#" + data[1:])
    append(content_repo, LOGIN, "缓存作废之后的修改。")
    r = rebuild(site_bin, content_repo, out)
    assert " 0 kept" in summary(r), r.stderr
    assert_like_full(site_bin, content_repo, out, tmp_path, "--worktree")
    assert cache.read_bytes()[:1] == b"c"
