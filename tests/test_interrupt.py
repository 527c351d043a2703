"""Stopping a build: Ctrl-C once and twice, SIGTERM, SIGKILL; the lock; --strict.

Each stop runs the real command line in a subprocess (a small build: two editions of the
seed, PDF and HTML, on two workers), signals it at a chosen moment and then checks what a
user would: it ended at once, no process is left, no temporary file, the manifest and the
download page list exactly the files on disk, and the next build runs and completes.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from contextlib import suppress
from pathlib import Path

import pytest

from publish.build import cache, lock
from tests.conftest import SEED, run_cli

ARGS = ["--formats", "pdf,html", "--editions", "zh-Hans,zh-Hant-TW", "--jobs", "2"]
TINY = """\
# 小型测试报告

## 一、背景

人工智能的发展很快，数据和网络是基础[[1]](https://example.com/a)。

## 二、结论

作者说：“引号里的内容”很重要[[2]](https://example.org/b)。
"""

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")


def descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (children, their children…), from /proc."""
    parent: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parent[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found: set[int] = set()
    todo = [pid]
    while todo:
        p = todo.pop()
        kids = {c for c, pp in parent.items() if pp == p} - found
        found |= kids
        todo += kids
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def workers(pid: int) -> list[int]:
    """The build's worker processes: its descendants running Python (not pandoc) that
    have none of their own (the pool's first process forks them and only waits)."""
    mine = Path(f"/proc/{pid}/cmdline").read_bytes()
    found = []
    for c in descendants(pid):
        with suppress(OSError):
            if Path(f"/proc/{c}/cmdline").read_bytes() == mine:
                found.append(c)
    return [c for c in found if not descendants(c) & set(found)]


def holds(pid: int, path: Path) -> bool:
    """Whether process ``pid`` has ``path`` open."""
    fds = Path(f"/proc/{pid}/fd")
    try:
        return any(os.readlink(fd) == str(path) for fd in fds.iterdir())
    except OSError:
        return False


def outputs(out: Path) -> set[str]:
    return {
        p.relative_to(out).as_posix()
        for p in out.glob("*/*.*")
        if p.suffix in (".pdf", ".html") and ".phrases." not in p.name
    }


_started: list[tuple[subprocess.Popen[bytes], Path]] = []


@pytest.fixture(autouse=True)
def _reap():
    """A failed test leaves no build running (nor pytest a warning about it): the build
    and every process still building into its folder (a worker that outlived it)."""
    yield
    while _started:
        proc, out = _started.pop()
        mine = f"--out\0{out}\0".encode()
        for entry in Path("/proc").iterdir():
            with suppress(OSError):
                if entry.name.isdigit() and mine in (entry / "cmdline").read_bytes():
                    os.kill(int(entry.name), signal.SIGKILL)
        proc.wait()


def longer_seed(folder: Path) -> Path:
    """The seed with its body three times, under the seed's own name (the same outputs):
    its PDFs take long enough that a stop "during the PDFs" lands in them however fast
    they get (the seed's own took 0.6 s each, and a stop once came after the last)."""
    path = folder / "longer" / SEED.name
    if not path.exists():
        text = SEED.read_text("utf-8")
        at = re.search(r"(?m)^#", text)
        head, body = (text[: at.start()], text[at.start() :]) if at else ("", text)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(head + "\n\n".join([body.rstrip()] * 3) + "\n", "utf-8")
    return path


def start(out: Path, log: Path, *extra: str) -> subprocess.Popen[bytes]:
    src = longer_seed(out.parent)
    cmd = [sys.executable, "-m", "publish", "build", str(src), "--out", str(out), *ARGS]
    # Its own session: a signal to its group is what a terminal's Ctrl-C sends.
    with log.open("w") as err:
        proc = subprocess.Popen(
            [*cmd, *extra], stderr=err, stdout=subprocess.DEVNULL, start_new_session=True
        )
    _started.append((proc, out))
    return proc


def until(check, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def laying_out(pid: int) -> bool:
    """The process has opened a font file: it is laying text out (the workers fork and set
    WeasyPrint up before the build has read its source; fonts open with the first job)."""
    try:
        maps = Path(f"/proc/{pid}/maps").read_text().splitlines()
    except OSError:
        return False
    return any(line.endswith((".ttc", ".otf")) for line in maps)


def wait_for_pdfs(proc: subprocess.Popen[bytes]) -> list[int]:
    """Both workers running a PDF (PDFs go first), and a moment into their layout."""
    until(lambda: proc.poll() is not None or len(workers(proc.pid)) == 2)
    until(lambda: proc.poll() is not None or all(laying_out(p) for p in workers(proc.pid)))
    assert proc.poll() is None, "the build ended before its workers started"
    time.sleep(0.2)
    return workers(proc.pid)


def ended(proc: subprocess.Popen[bytes], since: float, within: float) -> int:
    code = proc.wait(timeout=30)
    took = time.monotonic() - since
    assert took < within, f"took {took:.1f} s to end"
    return code


def assert_consistent(out: Path, before: set[int]) -> None:
    """No process left, no temporary file, and manifest, download page and state listing
    exactly the files on disk, each whole."""
    until(lambda: not [p for p in before if alive(p)], timeout=3)
    assert not list(out.rglob("*.tmp")), list(out.rglob("*.tmp"))
    assert not list(out.glob(".publish-stage-*"))
    disk = outputs(out)
    for rel in disk:
        data = (out / rel).read_bytes()
        whole = data.rstrip().endswith(b"%%EOF" if rel.endswith(".pdf") else b"</html>")
        assert whole, rel
    manifest = out / "manifest.json"
    if not manifest.exists():  # stopped before the lock was even taken
        assert not disk
        return
    rows = json.loads(manifest.read_text("utf-8"))["outputs"]
    assert {r["path"] for r in rows} == disk
    for r in rows:
        assert hashlib.sha256((out / r["path"]).read_bytes()).hexdigest() == r["sha256"]
    page = (out / "index.html").read_text("utf-8")
    links = set(re.findall(r'href="([^"#]+\.(?:pdf|html))"', page))
    assert {x for x in links if ".phrases." not in x} == disk
    state = json.loads((out / cache.STATE).read_text("utf-8"))
    assert set(state["outputs"]) == disk


def assert_next_build_completes(out: Path) -> None:
    again = run_cli("build", str(SEED), "--out", str(out), *ARGS)
    assert again.returncode == 0, again.stderr
    assert "waiting for another build" not in again.stderr
    assert len(outputs(out)) == 4
    assert_consistent(out, set())


def interrupted(text: str) -> None:
    assert "Traceback" not in text
    assert text.strip().endswith("publish: interrupted; outputs already written are complete")


def test_ctrl_c_shortly_after_start(tmp_path):
    out, log = tmp_path / "out", tmp_path / "stderr.txt"
    proc = start(out, log)
    time.sleep(0.5)  # the source parsing, WeasyPrint importing
    before = descendants(proc.pid)
    at = time.monotonic()
    os.killpg(proc.pid, signal.SIGINT)
    assert ended(proc, at, 2.0) == 130
    interrupted(log.read_text())
    assert_consistent(out, before)
    assert_next_build_completes(out)


def test_ctrl_c_during_pdfs_stops_within_two_seconds(tmp_path):
    out, log = tmp_path / "out", tmp_path / "stderr.txt"
    proc = start(out, log)
    pids = wait_for_pdfs(proc)
    # Only the build holds the lock: a worker keeping it would outlive a killed build.
    assert holds(proc.pid, out / lock.LOCK)
    assert not [p for p in pids if holds(p, out / lock.LOCK)]
    before = descendants(proc.pid)
    at = time.monotonic()
    os.killpg(proc.pid, signal.SIGINT)
    assert ended(proc, at, 2.0) == 130
    text = log.read_text()
    assert "stopping: 2 jobs running (Ctrl-C again to abort)" in text
    interrupted(text)
    assert_consistent(out, before)
    assert len(outputs(out)) < 4, "the stop came too late to test anything"
    assert_next_build_completes(out)


def test_ctrl_c_with_one_worker_stops_the_job_it_runs(tmp_path):
    """--jobs 1 runs each job in the build's own process: Ctrl-C interrupts it there."""
    out, log = tmp_path / "out", tmp_path / "stderr.txt"
    proc = start(out, log, "--jobs", "1")
    until(lambda: proc.poll() is not None or outputs(out))  # one PDF done, the next begun
    assert proc.poll() is None, "the build ended before it could be stopped"
    time.sleep(0.2)
    at = time.monotonic()
    os.killpg(proc.pid, signal.SIGINT)
    assert ended(proc, at, 2.0) == 130
    assert "stopping: 0 jobs running" in log.read_text()
    interrupted(log.read_text())
    assert_consistent(out, set())
    assert len(outputs(out)) < 4
    assert_next_build_completes(out)


def test_ctrl_c_twice_ends_at_once(tmp_path):
    out, log = tmp_path / "out", tmp_path / "stderr.txt"
    proc = start(out, log)
    wait_for_pdfs(proc)
    before = descendants(proc.pid)
    os.killpg(proc.pid, signal.SIGINT)
    time.sleep(0.1)
    at = time.monotonic()
    os.killpg(proc.pid, signal.SIGINT)
    assert ended(proc, at, 1.0) == 130
    interrupted(log.read_text())
    assert_consistent(out, before)
    assert_next_build_completes(out)


def test_sigterm_ends_every_worker(tmp_path):
    out, log = tmp_path / "out", tmp_path / "stderr.txt"
    proc = start(out, log)
    wait_for_pdfs(proc)
    before = descendants(proc.pid)
    at = time.monotonic()
    proc.send_signal(signal.SIGTERM)  # the build alone, as `kill` or a CI timeout sends it
    assert ended(proc, at, 1.0) == 130
    interrupted(log.read_text())
    assert_consistent(out, before)
    assert_next_build_completes(out)


def test_sigkill_of_the_build_leaves_no_worker_and_no_lock(tmp_path):
    out, log = tmp_path / "out", tmp_path / "stderr.txt"
    proc = start(out, log)
    pids = wait_for_pdfs(proc)
    proc.kill()  # the build alone: its workers must not outlive it
    proc.wait(timeout=10)
    until(lambda: not [p for p in pids if alive(p)], timeout=2)
    at = time.monotonic()
    assert_next_build_completes(out)
    assert time.monotonic() - at < 20


def test_symlinked_lock_and_state_are_refused(tmp_path):
    src = tmp_path / "tiny.md"
    src.write_text(TINY, "utf-8")
    for name in (lock.LOCK, cache.STATE):
        out = tmp_path / name.strip(".")
        out.mkdir()
        target = tmp_path / f"precious-{name.strip('.')}"
        target.write_text("keep me\n")
        (out / name).symlink_to(target)
        proc = run_cli("build", str(src), "--out", str(out), "--formats", "html")
        assert proc.returncode == 1
        assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
        assert str(out / name) in proc.stderr and "link" in proc.stderr
        assert target.read_text() == "keep me\n"
        assert not outputs(out)


def snapshot(out: Path) -> dict[str, tuple[bytes, int]]:
    """Every file in the folder (bytes and time) but the lock, which each build opens."""
    return {
        p.relative_to(out).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in out.rglob("*")
        if p.is_file() and p.name != lock.LOCK
    }


def test_strict_failure_leaves_the_folder_as_it_was(tmp_path):
    src = tmp_path / "tiny.md"
    src.write_text(TINY, "utf-8")
    # its references titled, or each is reference-incomplete, a warning --strict fails
    (tmp_path / "tiny.refs.yaml").write_text(
        "references:\n  - url: https://example.com/a\n    title: 甲\n"
        "  - url: https://example.org/b\n    title: 乙\n",
        "utf-8",
    )
    out = tmp_path / "out"
    small = ["--formats", "html", "--editions", "zh-Hans"]
    first = run_cli("build", str(src), "--out", str(out), "--strict", *small)
    assert first.returncode == 0, first.stderr
    assert outputs(out) == {"tiny/tiny.zh-Hans.html"}  # a passing --strict build publishes
    before = snapshot(out)
    # The source changes and the seed joins: its warnings fail --strict, after both built.
    src.write_text(TINY.replace("很快", "非常快"), "utf-8")
    proc = run_cli("build", str(src), str(SEED), "--out", str(out), "--strict", *small)
    assert proc.returncode == 1
    assert "built " in proc.stderr and "[source-truncated]" in proc.stderr
    assert proc.stderr.strip().splitlines()[-1].startswith("publish: error: --strict:")
    assert snapshot(out) == before
    assert not list(out.glob(".publish-stage-*"))
    # Without --strict the same build publishes; then --strict has nothing new to judge
    # on the tiny source alone and leaves every file's time as it is.
    assert run_cli("build", str(src), "--out", str(out), *small).returncode == 0
    assert "非常快" in (out / "tiny" / "tiny.zh-Hans.html").read_text("utf-8")
    after = snapshot(out)
    again = run_cli("build", str(src), "--out", str(out), "--strict", *small)
    assert again.returncode == 0, again.stderr
    assert snapshot(out) == after


def test_a_job_that_cannot_be_sent_fails_and_the_pool_goes_on():
    """A job whose arguments do not pickle (a document nested too deep) is that job's
    error; the worker it was meant for stays free (the build waited for it for good)."""
    from publish.build import worker

    pool = worker.start(2, pdf=False)
    try:
        bad = pool.submit(len, [lambda: 0])  # a lambda does not pickle
        until(lambda: (pool.wait(0.05), bad.done())[1], timeout=10)
        assert isinstance(bad.exception(), Exception) and pool.running() == 0
        good = [pool.submit(len, [1] * n) for n in (1, 2, 3)]
        until(lambda: (pool.wait(0.05), all(f.done() for f in good))[1], timeout=10)
        assert [f.result() for f in good] == [1, 2, 3]
    finally:
        pool.shutdown()
