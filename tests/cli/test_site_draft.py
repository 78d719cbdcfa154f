"""certhall-site serve labels its preview 工作区草稿，未提交 only while
content/ or site/ differ from the commit: a clean work tree is previewed
as the commit itself, byte for byte what `build` gives for it."""
import time

import pytest

from conftest import git
from test_site_build import build, snapshot
from test_site_serve import get, server, start_serve, wait_for  # noqa: F401 (a fixture)

DRAFT = "工作区草稿，未提交"


@pytest.fixture
def preview(server):
    """The port of a preview of content_repo: test_site_serve's server."""
    return server[1]


def wait_without(port, path, text, seconds=15):
    deadline = time.time() + seconds
    while time.time() < deadline:
        status, _, body = get(port, path)
        if status == 200 and text not in body.decode("utf-8", "replace"):
            return body
        time.sleep(0.25)
    pytest.fail(f"{text!r} still served at {path} after {seconds}s")


def served(port, path):
    status, _, body = get(port, path)
    assert status == 200
    return body.decode("utf-8")


def test_clean_work_tree_is_no_draft_until_edited(preview, content_repo):
    port = preview
    head = git(content_repo, "rev-parse", "HEAD").strip()
    home = served(port, "/")
    assert f"<code>{head[:10]}</code>" in home
    assert DRAFT not in home
    assert DRAFT not in served(port, "/guide/login/")

    page = content_repo / "content" / "guide" / "login.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text + "\n尚未提交的一段话。\n", encoding="utf-8")
    _, body = wait_for(port, "/guide/login/", "尚未提交的一段话")
    assert DRAFT in body.decode("utf-8")
    assert DRAFT in served(port, "/")  # every page's footer says so

    # Back to the committed bytes: no draft any more.
    page.write_text(text, encoding="utf-8")
    wait_without(port, "/", DRAFT)
    assert "尚未提交的一段话" not in served(port, "/guide/login/")


def test_committing_the_edit_ends_the_draft(preview, content_repo):
    port = preview
    page = content_repo / "content" / "faq" / "pin.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n提交后不再是草稿。\n", encoding="utf-8")
    wait_for(port, "/", DRAFT)
    git(content_repo, "add", "content")
    git(content_repo, "commit", "-q", "-m", "pin")
    head = git(content_repo, "rev-parse", "HEAD").strip()
    # The commit alone touches nothing the server watches: the next save does.
    page.touch()
    body = wait_without(port, "/", DRAFT).decode("utf-8")
    assert f"<code>{head[:10]}</code>" in body
    assert "提交后不再是草稿" in served(port, "/faq/pin/")


def test_a_new_untracked_page_is_a_draft_and_a_swap_file_is_not(content_repo, tmp_path):
    (content_repo / "content" / "guide" / ".login.md.swp").write_bytes(b"\0vim swap")
    p, port, log = start_serve(content_repo, tmp_path)
    try:
        assert DRAFT not in served(port, "/")
        (content_repo / "content" / "faq" / "new.md").write_text(
            "---\ntitle: 新的问题\norder: 90\ndescription: 尚未提交的新页面。\n---\n新页面正文。\n",
            encoding="utf-8")
        _, body = wait_for(port, "/faq/new/", "新页面正文")
        assert DRAFT in body.decode("utf-8")
    finally:
        p.kill()
        p.wait()
        log.close()


def test_clean_preview_equals_the_commit_build(content_repo, tmp_path, site_bin):
    p, port, log = start_serve(content_repo, tmp_path)
    try:
        assert DRAFT not in served(port, "/")
    finally:
        p.kill()
        p.wait()
        log.close()
    commit = tmp_path / "commit"
    assert build(site_bin, content_repo, commit).returncode == 0
    got, want = snapshot(content_repo / "public"), snapshot(commit)
    assert sorted(got) == sorted(want)
    assert [k for k in want if got[k] != want[k]] == []
