"""certhall-site serve: the editor's preview on 127.0.0.1, rebuilt from the
work tree when a page changes, stopping cleanly on SIGTERM."""
import http.client
import os
import signal
import socket
import subprocess
import time

import pytest

from conftest import BIN


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port, path, method="GET"):
    """A raw request: http.client sends the path exactly as given, so
    traversal attempts reach the server unnormalised."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        c.request(method, path)
        r = c.getresponse()
        return r.status, dict((k.lower(), v) for k, v in r.getheaders()), r.read()
    finally:
        c.close()


def start_serve(repo, tmp_path, env=None, seconds=60):
    """serve in repo on a free port, once it accepts connections: the
    process, its port and its log (stdout and stderr)."""
    port = free_port()
    log = open(tmp_path / "serve.log", "w+", encoding="utf-8")
    p = subprocess.Popen([str(BIN / "certhall-site"), "serve", "--port", str(port)],
                         cwd=repo, stdout=log, stderr=log, env=env)
    deadline = time.time() + seconds
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return p, port, log
        except OSError:
            if p.poll() is not None or time.time() > deadline:
                log.seek(0)
                pytest.fail(f"serve did not start: {log.read()}")
            time.sleep(0.1)


@pytest.fixture
def server(content_repo, tmp_path):
    p, port, log = start_serve(content_repo, tmp_path)
    yield p, port, log
    if p.poll() is None:
        p.kill()
        p.wait()
    log.close()


def wait_for(port, path, text, seconds=15):
    deadline = time.time() + seconds
    while time.time() < deadline:
        status, _, body = get(port, path)
        if text in body.decode("utf-8", "replace"):
            return status, body
        time.sleep(0.25)
    pytest.fail(f"{text!r} not served at {path} within {seconds}s")


def test_serves_pages_404_and_refuses_escapes(server, content_repo):
    p, port, _ = server
    status, headers, body = get(port, "/")
    assert status == 200
    assert headers["content-type"].startswith("text/html")
    assert b'lang="zh-CN"' in body

    status, headers, body = get(port, "/guide/")
    assert status == 200 and "申请操作指引".encode() in body

    # A folder without its slash is sent to the folder, so relative links work.
    status, headers, _ = get(port, "/guide")
    assert status in (301, 302, 308) and headers["location"].endswith("/guide/")

    status, headers, body = get(port, "/no-such-page/")
    assert status == 404
    assert headers["content-type"].startswith("text/html")
    status404, _, page404 = get(port, "/404.html")
    assert status404 == 200 and body == page404

    status, headers, _ = get(port, "/sitemap.xml")
    assert status == 200 and "xml" in headers["content-type"]

    status, headers, body = get(port, "/", method="HEAD")
    assert status == 200 and body == b""

    status, headers, _ = get(port, "/", method="POST")
    assert status == 405

    secret = content_repo.parent / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    for path in ["/../secret.txt", "/../../secret.txt", "/%2e%2e/secret.txt",
                 "/guide/..%2f..%2fsecret.txt", "/..%2F..%2Fsecret.txt",
                 "/%2e%2e%2f%2e%2e%2fsecret.txt", "/../../../../../../etc/passwd",
                 "/.certhall-cache", "/.git/config"]:
        status, _, body = get(port, path)
        assert status in (400, 403, 404), path
        assert b"TOP-SECRET" not in body and b"root:" not in body, path


def test_rebuilds_on_change_and_keeps_old_site_on_error(server, content_repo):
    p, port, log = server
    page = content_repo / "content" / "guide" / "index.md"
    good = page.read_text(encoding="utf-8")

    page.write_text(good + "\n预览服务器看到了这次修改。\n", encoding="utf-8")
    wait_for(port, "/guide/", "预览服务器看到了这次修改")

    # A broken page: the error is printed and the last good site stays.
    page.write_text(good.replace("title:", "titel:", 1), encoding="utf-8")
    deadline = time.time() + 15
    while time.time() < deadline:
        log.seek(0)
        if "index.md" in log.read():
            break
        time.sleep(0.25)
    log.seek(0)
    assert "content/guide/index.md" in log.read()
    status, _, body = get(port, "/guide/")
    assert status == 200 and "预览服务器看到了这次修改".encode() in body

    page.write_text(good + "\n修好之后又一次修改。\n", encoding="utf-8")
    wait_for(port, "/guide/", "修好之后又一次修改")
    assert p.poll() is None


def test_sigterm_stops_cleanly(server):
    p, port, _ = server
    assert get(port, "/")[0] == 200
    p.send_signal(signal.SIGTERM)
    assert p.wait(timeout=10) == 0
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()


def test_listens_on_loopback_only_by_default(server):
    p, port, _ = server
    out = subprocess.run(["ss", "-ltnH", f"sport = :{port}"], capture_output=True,
                         text=True)
    if out.returncode != 0:
        pytest.skip("ss is not available")
    local = [line.split()[3] for line in out.stdout.splitlines()]
    assert local == [f"127.0.0.1:{port}"], out.stdout


def test_short_port_option(content_repo, tmp_path):
    port = free_port()
    with open(tmp_path / "serve.log", "w+", encoding="utf-8") as log:
        p = subprocess.Popen([str(BIN / "certhall-site"), "serve", "-p", str(port)],
                             cwd=content_repo, stdout=log, stderr=log)
        try:
            status, _, body = None, None, b""
            deadline = time.time() + 60
            while time.time() < deadline and p.poll() is None:
                try:
                    status, _, body = get(port, "/")
                    break
                except OSError:
                    time.sleep(0.1)
            assert status == 200, (status, log.seek(0) or log.read())
            assert "<html" in body.decode("utf-8")
        finally:
            p.kill()
            p.wait()


def test_no_redirect_to_another_host(server):
    """"//guide" must not come back as a protocol-relative Location
    ("//guide/"), which a browser follows to the host "guide"."""
    _, port, _ = server
    for path in ["//guide", "//faq", "///guide", "/guide//faq"]:
        status, headers, _ = get(port, path)
        location = headers.get("location", "")
        assert not location.startswith("//"), (path, location)
        assert status in (400, 403, 404), path


def test_serve_rebuilds_a_large_site_with_forked_workers(content_repo, tmp_path):
    """serve runs a thread (libmicrohttpd's) while a full rebuild of a
    site past 200 pages forks its workers: the rebuilt pages must be
    served, and serve must go on answering and rebuilding."""
    from test_site_jobs import add_pages
    add_pages(content_repo)
    p, port, log = start_serve(content_repo, tmp_path, seconds=120,
                               env={**os.environ, "CERTHALL_JOBS": "2"})
    try:
        # Every page's layout changes: a full rebuild, laid out by workers.
        base = content_repo / "site" / "layouts" / "base.html"
        text = base.read_text(encoding="utf-8")
        assert "</body>" in text
        base.write_text(text.replace("</body>", "<p id=\"forked\">分工重建</p>\n</body>"),
                        encoding="utf-8")
        wait_for(port, "/zz-c/p099/", "分工重建", seconds=60)
        wait_for(port, "/zz-a/p000/", "分工重建", seconds=60)
        page = content_repo / "content" / "zz-b" / "p050.md"
        page.write_text(page.read_text(encoding="utf-8") + "\n之后的一次修改。\n",
                        encoding="utf-8")
        wait_for(port, "/zz-b/p050/", "之后的一次修改", seconds=60)
        assert p.poll() is None
        log.seek(0)
        assert "error" not in log.read().lower()
    finally:
        p.terminate()
        p.wait(timeout=20)
        log.close()
