"""certhall-site publish: the built site becomes a commit on a branch,
written with libgit2 straight into the object database, so an editor's
checkout (work tree, index, HEAD) is never disturbed."""
from conftest import git, run


def branch_commits(repo, branch):
    return git(repo, "rev-list", f"refs/heads/{branch}").split()


def tree_files(repo, rev):
    return git(repo, "ls-tree", "-r", "--name-only", rev).split("\n")


def checkout_state(repo):
    return (git(repo, "symbolic-ref", "HEAD"), git(repo, "rev-parse", "HEAD"),
            git(repo, "status", "--porcelain", "--untracked-files=all"),
            git(repo, "ls-files", "-s"))


def publish(site_bin, repo, *args, cwd=None):
    """Publishes with the build folder outside the work tree (by default
    it is public/ in the checkout, like build's)."""
    out = repo.parent / "publish-out"
    return run([site_bin, "publish", *args, "-o", out], cwd=cwd or repo)


def test_publish_twice_makes_one_commit(site_bin, content_repo):
    before = checkout_state(content_repo)
    head = git(content_repo, "rev-parse", "HEAD").strip()

    r = publish(site_bin, content_repo, "--branch", "site")
    assert r.returncode == 0, r.stderr
    commits = branch_commits(content_repo, "site")
    assert len(commits) == 1

    files = tree_files(content_repo, "refs/heads/site")
    assert "index.html" in files
    assert "404.html" in files
    assert "sitemap.xml" in files and "robots.txt" in files
    assert "guide/index.html" in files
    assert any("search-index" in f and f.endswith(".js") for f in files)
    assert not any(".certhall-cache" in f for f in files)

    msg = git(content_repo, "log", "-1", "--format=%s", "refs/heads/site").strip()
    assert msg == f"Publish site from {head}"
    # Dated with the source commit, so the same commit publishes the same.
    assert (git(content_repo, "log", "-1", "--format=%ct", "refs/heads/site")
            == git(content_repo, "log", "-1", "--format=%ct", head))

    # The branch holds the same files a build of the same commit writes.
    out = content_repo.parent / "built"
    b = run([site_bin, "build", "-o", out], cwd=content_repo)
    assert b.returncode == 0, b.stderr
    index = git(content_repo, "show", "site:index.html")
    assert index == (out / "index.html").read_text(encoding="utf-8")

    r = publish(site_bin, content_repo, "--branch", "site")
    assert r.returncode == 0, r.stderr
    assert branch_commits(content_repo, "site") == commits

    assert checkout_state(content_repo) == before


def test_new_content_commit_publishes_on_top(site_bin, content_repo):
    r = publish(site_bin, content_repo, "--branch", "site")
    assert r.returncode == 0, r.stderr
    first = branch_commits(content_repo, "site")

    page = content_repo / "content" / "guide" / "index.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n发布测试新增的一段话。\n",
                    encoding="utf-8")
    git(content_repo, "commit", "-q", "-am", "edit guide")
    before = checkout_state(content_repo)

    # -C names the repository from anywhere.
    r = publish(site_bin, content_repo, "--branch", "site", "-C", content_repo,
                cwd=content_repo.parent)
    assert r.returncode == 0, r.stderr
    now = branch_commits(content_repo, "site")
    assert len(now) == 2 and now[1:] == first
    assert "发布测试新增的一段话" in git(content_repo, "show", "site:guide/index.html")
    assert checkout_state(content_repo) == before


def test_publish_an_older_ref(site_bin, content_repo):
    old = git(content_repo, "rev-parse", "HEAD").strip()
    page = content_repo / "content" / "guide" / "index.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n较新的段落。\n",
                    encoding="utf-8")
    git(content_repo, "commit", "-q", "-am", "newer")
    r = publish(site_bin, content_repo, "--branch", "old-site", "--ref", old)
    assert r.returncode == 0, r.stderr
    assert (git(content_repo, "log", "-1", "--format=%s", "refs/heads/old-site").strip()
            == f"Publish site from {old}")
    assert "较新的段落" not in git(content_repo, "show", "old-site:guide/index.html")


def test_invalid_branch_names_are_refused(site_bin, content_repo):
    before = checkout_state(content_repo)
    refs = git(content_repo, "for-each-ref")
    for bad in ["bad..name", "-x", "a b", "x.lock", "HEAD", "a~1", "bad/", ""]:
        r = publish(site_bin, content_repo, "--branch", bad)
        assert r.returncode != 0, bad
        assert r.stderr.strip(), bad
        assert len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert git(content_repo, "for-each-ref") == refs
    assert checkout_state(content_repo) == before


def test_checked_out_branch_is_refused(site_bin, content_repo):
    head = git(content_repo, "rev-parse", "HEAD")
    r = publish(site_bin, content_repo, "--branch", "main")
    assert r.returncode != 0
    assert "main" in r.stderr
    assert git(content_repo, "rev-parse", "HEAD") == head


def test_missing_ref_and_not_a_repository(site_bin, content_repo, tmp_path):
    r = publish(site_bin, content_repo, "--branch", "site", "--ref", "no-such-ref")
    assert r.returncode != 0 and "no-such-ref" in r.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    r = run([site_bin, "publish", "--branch", "site", "-C", empty], cwd=tmp_path)
    assert r.returncode != 0 and r.stderr.strip()
    assert "refs/heads/site" not in git(content_repo, "for-each-ref")


def test_publish_without_output_leaves_no_folder_in_the_work_tree(site_bin, content_repo, tmp_path):
    before = checkout_state(content_repo)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    r = run([site_bin, "publish", "--branch", "site"], cwd=content_repo,
            env={**__import__("os").environ, "TMPDIR": str(tmp)})
    assert r.returncode == 0, r.stderr
    assert "index.html" in tree_files(content_repo, "refs/heads/site")
    assert not (content_repo / "public").exists()
    assert checkout_state(content_repo) == before
    assert list(tmp.iterdir()) == []  # its temporary build is gone too
