"""``publish preview``: the real command in a subprocess, watched as a browser would.

One client holds the reload channel (Server-Sent Events) open while the source is edited,
broken and mended; after each save it must see a reload event and the page must show the
new text (or the error). Ctrl-C then stops the preview with exit 0 and no traceback, and
the temporary build folder is gone.
"""

from __future__ import annotations

import http.client
import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

REPORT = """---
title: 预览测试报告
---

# 预览测试报告

## 第一章

这是第一段正文，写于{mark}。
"""


class Preview:
    """A running ``publish preview`` and the lines it prints."""

    def __init__(self, source: Path, tmp: Path, *extra: str) -> None:
        env = {**os.environ, "TMPDIR": str(tmp)}
        proc = subprocess.Popen(
            [sys.executable, "-m", "publish", "preview", str(source), "--port", "0", *extra],
            cwd=source.parent,  # not the checkout: its publish.toml is not this source's
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        self._start(proc)

    @classmethod
    def attach(cls, proc: subprocess.Popen[str]) -> Preview:
        self = cls.__new__(cls)
        self._start(proc)
        return self

    def _start(self, proc: subprocess.Popen[str]) -> None:
        self.proc = proc
        self.lines: queue.Queue[str] = queue.Queue()
        self.log: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.url = self.wait_line(r"at (http://\S+/)").group(1)
        m = re.match(r"http://([\d.]+):(\d+)/", self.url)
        assert m, self.url
        self.host, self.port = m.group(1), int(m.group(2))

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.log.append(line)
            self.lines.put(line)

    def wait_line(self, pattern: str, timeout: float = 90) -> re.Match[str]:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                assert self.proc.poll() is None, "".join(self.log)
                continue
            m = re.search(pattern, line)
            if m:
                return m
        raise AssertionError(f"no line matching {pattern!r}:\n{''.join(self.log)}")

    def get(self, path: str = "/") -> tuple[int, str]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=10)
        conn.request("GET", path)
        resp = conn.getresponse()
        body = resp.read().decode("utf-8")
        conn.close()
        return resp.status, body

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.wait(timeout=15)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            self.reader.join(timeout=5)
            assert self.proc.stderr is not None
            self.proc.stderr.close()


class Events:
    """The reload channel, read the way EventSource reads it: one event per blank line."""

    def __init__(self, preview: Preview, since: int) -> None:
        self.preview = preview
        self.conn = http.client.HTTPConnection(preview.host, preview.port, timeout=120)
        self.conn.request("GET", f"/__publish/events?since={since}")
        self.resp = self.conn.getresponse()
        assert self.resp.status == 200
        assert self.resp.getheader("Content-Type") == "text/event-stream"
        self.events: queue.Queue[dict[str, str]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        event: dict[str, str] = {}
        try:
            for raw in self.resp:
                line = raw.decode("utf-8").rstrip("\r\n")
                if not line:
                    if "event" in event:
                        self.events.put(event)
                    event = {}
                elif not line.startswith(":") and ":" in line:
                    key, _, value = line.partition(":")
                    event[key] = value.strip()
        except (OSError, ValueError):
            return

    def close(self) -> None:
        self.resp.close()
        self.conn.close()

    def next(self, timeout: float = 60) -> dict[str, str]:
        try:
            return self.events.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no event in {timeout} s:\n{''.join(self.preview.log)}") from None

    def none(self, within: float) -> bool:
        try:
            self.events.get(timeout=within)
        except queue.Empty:
            return True
        return False


def since(page: str) -> int:
    m = re.search(r"/__publish/events\?since=(\d+)", page)
    assert m, "the page has no reload script"
    return int(m.group(1))


def save(path: Path, data: bytes) -> None:
    # As many editors save: a new file renamed over the old one.
    tmp = path.with_name(f".{path.name}.swp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def test_preview_reloads_on_save_shows_errors_and_stops_cleanly(tmp_path: Path) -> None:
    folder = tmp_path / "src"
    folder.mkdir()
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    source = folder / "report.md"
    source.write_text(REPORT.format(mark="初稿"), "utf-8")
    preview = Preview(source, tmp)
    try:
        assert preview.host == "127.0.0.1"
        status, page = preview.get()
        assert status == 200
        assert "这是第一段正文，写于初稿。" in page
        assert "预览测试报告" in page
        # the build goes to a temporary folder, not beside the source
        assert sorted(p.name for p in folder.iterdir()) == ["report.md"]
        assert [p.name for p in tmp.iterdir() if p.name.startswith("publish-preview-")]

        events = Events(preview, since(page))
        save(source, REPORT.format(mark="二稿").encode("utf-8"))
        assert events.next()["event"] == "reload"
        status, page = preview.get()
        assert "这是第一段正文，写于二稿。" in page and "初稿" not in page

        # A broken source: its error in the page, and the preview goes on.
        save(source, b"\xff\xfe\x00\x00broken")
        assert events.next()["event"] == "reload"
        status, page = preview.get()
        assert status == 200
        assert 'id="publish-error"' in page and "report.md" in page
        assert since(page) > 0  # the error page reloads too

        save(source, REPORT.format(mark="三稿").encode("utf-8"))
        assert events.next()["event"] == "reload"
        status, page = preview.get()
        assert "写于三稿" in page and "publish-error" not in page

        # Saving the same text again changes nothing shown: no reload.
        save(source, REPORT.format(mark="三稿").encode("utf-8"))
        assert events.none(within=3)

        # A file the page does not depend on is not watched.
        (folder / "notes.log").write_text("x")
        assert events.none(within=2)

        assert preview.get("/../../etc/passwd")[0] == 404
        events.close()
    finally:
        code = preview.stop()
    log = "".join(preview.log)
    assert code == 0, log
    assert "Traceback" not in log
    assert "preview: stopped" in log
    assert list(tmp.iterdir()) == []  # the temporary build folder is removed


def test_preview_reloads_when_a_picture_changes(tmp_path: Path) -> None:
    import pymupdf

    def picture(grey: int) -> None:
        pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 40, 30), False)
        pix.clear_with(grey)
        save(tmp_path / "a.png", pix.tobytes("png"))

    picture(200)
    source = tmp_path / "pic.md"
    source.write_text("# 图片\n\n正文一段。\n\n![示意图](a.png)\n", "utf-8")
    (tmp_path / "tmp").mkdir()
    preview = Preview(source, tmp_path / "tmp")
    try:
        status, page = preview.get()
        before = re.findall(r'src="(data:image/png;base64,[^"]+)"', page)
        assert len(before) == 1
        events = Events(preview, since(page))
        picture(20)
        assert events.next()["event"] == "reload"
        status, page = preview.get()
        after = re.findall(r'src="(data:image/png;base64,[^"]+)"', page)
        assert len(after) == 1 and after != before
        events.close()
    finally:
        assert preview.stop() == 0


def test_preview_of_a_book_project(tmp_path: Path) -> None:
    """No SOURCE in a folder with publish.toml: the book's chapters as one page, reloaded
    when a chapter or the project's styles change."""
    project = tmp_path / "book"
    (project / "chapters").mkdir(parents=True)
    (project / "styles").mkdir()
    (project / "publish.toml").write_text('chapters = ["chapters/*.md"]\n', "utf-8")
    (project / "chapters" / "01.md").write_text("# 第一章\n\n第一章的正文。\n", "utf-8")
    (project / "chapters" / "02.md").write_text("# 第二章\n\n第二章的正文。\n", "utf-8")
    (project / "styles" / "custom.css").write_text("body { color: #123456; }\n", "utf-8")
    (tmp_path / "tmp").mkdir()
    env = {**os.environ, "TMPDIR": str(tmp_path / "tmp")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "publish", "preview", "--port", "0"],
        cwd=project,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    preview = Preview.attach(proc)
    try:
        status, page = preview.get()
        assert "第一章的正文。" in page and "第二章的正文。" in page
        assert "#123456" in page
        events = Events(preview, since(page))
        save(project / "chapters" / "02.md", "# 第二章\n\n改过的第二章。\n".encode())
        assert events.next()["event"] == "reload"
        status, page = preview.get()
        assert "改过的第二章。" in page and "第一章的正文。" in page
        save(project / "styles" / "custom.css", b"body { color: #654321; }\n")
        assert events.next()["event"] == "reload"
        status, page = preview.get()
        assert "#654321" in page and "#123456" not in page
        events.close()
    finally:
        assert preview.stop() == 0
    assert sorted(p.name for p in project.iterdir()) == ["chapters", "publish.toml", "styles"]


def test_preview_warnings_shown_in_page(tmp_path: Path) -> None:
    source = tmp_path / "warn.md"
    source.write_text("---\ntitle: [oops\n---\n\n# 标题\n\n正文。\n", "utf-8")
    preview = Preview(source, tmp_path)
    try:
        status, page = preview.get()
        assert status == 200 and "正文。" in page
        assert 'id="publish-warnings"' in page and "front-matter-repaired" in page
    finally:
        assert preview.stop() == 0


def test_preview_listens_on_loopback_only(tmp_path: Path) -> None:
    # The address this machine would send from (a UDP "connect" sends nothing).
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 9))
            address = probe.getsockname()[0]
        except OSError:
            address = "127.0.0.1"
    if address.startswith("127.") or address == "0.0.0.0":
        pytest.skip("no address besides loopback")
    source = tmp_path / "r.md"
    source.write_text(REPORT.format(mark="初稿"), "utf-8")
    preview = Preview(source, tmp_path)
    try:
        with pytest.raises(OSError):
            socket.create_connection((address, preview.port), timeout=3).close()
    finally:
        assert preview.stop() == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.md"], "missing.md"),
        (["{src}", "--edition", "zh-Hant-XX"], "--edition"),
    ],
)
def test_preview_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    source = tmp_path / "r.md"
    source.write_text(REPORT.format(mark="初稿"), "utf-8")
    argv = [a.format(src=source) for a in args]
    proc = subprocess.run(
        [sys.executable, "-m", "publish", "preview", *argv],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_preview_without_source_or_project(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "publish", "preview"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert proc.returncode == 2, proc.stderr
    assert "publish.toml" in proc.stderr and "Traceback" not in proc.stderr


def test_preview_port_in_use(tmp_path: Path) -> None:
    source = tmp_path / "r.md"
    source.write_text(REPORT.format(mark="初稿"), "utf-8")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = subprocess.run(
            [sys.executable, "-m", "publish", "preview", str(source), "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert proc.returncode == 2, proc.stderr
    assert f"--port {port}" in proc.stderr and "Traceback" not in proc.stderr


# -- in a real browser ---------------------------------------------------------------------

CHROMEDRIVER = shutil.which("chromedriver")


class Browser:
    """Headless Chromium driven over WebDriver's HTTP protocol (chromedriver), with no
    client library: a session, a page, a script to read it."""

    def __init__(self, profile: Path) -> None:
        assert CHROMEDRIVER is not None
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.proc = subprocess.Popen(
            [CHROMEDRIVER, f"--port={self.port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        end = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < end, "chromedriver did not start"
                time.sleep(0.1)
        args = ["--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={profile}"]
        caps = {"browserName": "chrome", "goog:chromeOptions": {"args": args}}
        self.session = self.call("POST", "/session", {"capabilities": {"alwaysMatch": caps}})[
            "sessionId"
        ]

    def call(self, method: str, path: str, body: object = None) -> Any:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        data = json.dumps(body) if body is not None else None
        conn.request(method, path, body=data, headers={"Content-Type": "application/json"})
        reply = json.loads(conn.getresponse().read())
        conn.close()
        return reply["value"]

    def open(self, url: str) -> None:
        self.call("POST", f"/session/{self.session}/url", {"url": url})

    def run(self, script: str) -> Any:
        return self.call(
            "POST", f"/session/{self.session}/execute/sync", {"script": script, "args": []}
        )

    def close(self) -> None:
        try:
            self.call("DELETE", f"/session/{self.session}")
        finally:
            self.proc.terminate()
            self.proc.wait(timeout=15)


@pytest.mark.skipif(CHROMEDRIVER is None, reason="chromedriver not installed (sysdeps.sh)")
def test_preview_reloads_a_real_browser(tmp_path: Path) -> None:
    source = tmp_path / "r.md"
    source.write_text(REPORT.format(mark="初稿"), "utf-8")
    (tmp_path / "tmp").mkdir()
    preview = Preview(source, tmp_path / "tmp")
    browser = Browser(tmp_path / "profile")
    try:
        browser.open(preview.url)
        assert "写于初稿" in browser.run("return document.body.innerText")
        browser.run("window.scrollTo(0, 0); window.__before = true;")
        save(source, REPORT.format(mark="二稿").encode("utf-8"))
        end = time.monotonic() + 60
        while "写于二稿" not in browser.run("return document.body.innerText"):
            assert time.monotonic() < end, "the page did not reload"
            time.sleep(0.2)
        # a new page (reloaded), not the old one patched
        assert browser.run("return window.__before === undefined") is True
    finally:
        browser.close()
        assert preview.stop() == 0
