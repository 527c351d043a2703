"""The no-op's short cut (publish/stamp.py): the same command with nothing changed prints
what the full check would and stops without importing the build; any change that the full
check would see sends it down the full check again."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from publish import stamp
from tests.conftest import run_cli

pytestmark = pytest.mark.slow

TEXT = """\
# 戳记测试

## 一、背景

人工智能的发展很快，数据和网络是基础[[1]](https://example.com/a)。

## 二、结论

作者说：“引号里的内容”很重要。
"""
OLD = time.time() - 3600  # an hour ago: not racily clean


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    """Stamps in a cache of the test's own (the processes it starts inherit it)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def source(folder: Path, text: str = TEXT) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "notes.md"
    path.write_text(text, "utf-8")
    os.utime(path, (OLD, OLD))
    return path


def args(src: Path, out: Path) -> list[str]:
    return ["build", str(src), "--out", str(out), "--formats", "html", "--editions", "zh-Hans"]


def built(tmp_path: Path) -> tuple[Path, Path, list[str]]:
    src = source(tmp_path / "src")  # its own folder: no publish.toml above tmp_path's
    out = tmp_path / "out"
    proc = run_cli(*args(src, out), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    return src, out, args(src, out)


def imports(argv: list[str], cwd: Path) -> tuple[str, set[str]]:
    """What ``publish ARGV`` prints, and the modules of publish it imports."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "publish", *argv],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=True,
    )
    said = [line for line in proc.stderr.splitlines() if not line.startswith("import time:")]
    names = {line.split("|")[-1].strip() for line in proc.stderr.splitlines() if "|" in line}
    return "\n".join(said), {n for n in names if n.startswith("publish")}


def test_nothing_changed_prints_what_the_full_check_prints_without_the_build(tmp_path):
    src, out, argv = built(tmp_path)
    quick, modules = imports(argv, tmp_path)
    assert "publish.build.build" not in modules and "publish.config" not in modules
    assert "nothing to build: 1 outputs up to date" in quick
    stamp.path_for(out).unlink()  # the full check, which stamps again
    full, modules = imports(argv, tmp_path)
    assert "publish.build.build" in modules
    assert full == quick
    assert stamp.path_for(out).is_file()
    assert stamp.path_for(out).is_relative_to(tmp_path / "cache" / "publish" / "stamps")
    # the folder carries no stamp: it would name local paths wherever it is published
    assert not [p for p in out.rglob("*") if "stamp" in p.name]


def test_the_short_cut_rewrites_nothing(tmp_path):
    src, out, argv = built(tmp_path)
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.name != ".publish.lock"}
    proc = run_cli(*argv, cwd=tmp_path)
    assert proc.returncode == 0
    after = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.name != ".publish.lock"}
    assert after == before


@pytest.mark.parametrize(
    "change",
    [
        "source edited, same size",
        "source touched",
        "sidecar added",
        "glossary named in publish.toml",
        "output edited",
        "output removed",
        "state edited",
        "file put in the folder",
        "SOURCE_DATE_EPOCH",
        "other arguments",
        "other folder",
    ],
)
def test_what_the_full_check_would_see_ends_the_short_cut(tmp_path, monkeypatch, change):
    src, out, argv = built(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert stamp.replay(argv)
    html = out / "notes" / "notes.zh-Hans.html"
    if change == "source edited, same size":
        src.write_text(TEXT.replace("很快", "很慢"), "utf-8")
        os.utime(src, (OLD, OLD))  # even with its old time back: its change time moved
    elif change == "source touched":
        src.touch()
    elif change == "sidecar added":
        src.with_name("notes.refs.yaml").write_text("{}\n", "utf-8")
    elif change == "glossary named in publish.toml":
        (tmp_path / "publish.toml").write_text('glossary = "g.toml"\n', "utf-8")
    elif change == "output edited":
        html.write_text(html.read_text("utf-8") + "<!-- -->", "utf-8")
    elif change == "output removed":
        html.unlink()
    elif change == "state edited":
        state = out / ".publish-state.json"
        state.write_text(state.read_text("utf-8"), "utf-8")
    elif change == "file put in the folder":
        (out / "notes" / ".notes.zh-Hans.pdf.tmp123").write_bytes(b"")
    elif change == "SOURCE_DATE_EPOCH":
        monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    elif change == "other arguments":
        argv = [*argv, "--paper", "B5"]
    elif change == "other folder":
        (tmp_path / "elsewhere").mkdir()
        monkeypatch.chdir(tmp_path / "elsewhere")
    assert not stamp.replay(argv)


def test_an_edited_source_is_rebuilt_after_a_stamped_build(tmp_path):
    src, out, argv = built(tmp_path)
    src.write_text(TEXT.replace("很快", "很慢"), "utf-8")
    os.utime(src, (OLD, OLD))
    proc = run_cli(*argv, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "done: 1 output built" in proc.stderr
    assert "很慢" in (out / "notes" / "notes.zh-Hans.html").read_text("utf-8")


def test_a_source_saved_just_before_the_build_is_not_vouched_for(tmp_path, monkeypatch):
    """Saved within the same timestamp tick, it might change again unseen: no stamp for
    that build; the next full check, later, stamps."""
    src, out, argv = built(tmp_path)
    monkeypatch.chdir(tmp_path)
    src.write_text(TEXT.replace("很快", "很慢"), "utf-8")  # now: racily clean
    proc = run_cli(*argv, cwd=tmp_path)
    assert "done: 1 output built" in proc.stderr
    assert not stamp.replay(argv)  # the earlier stamp went with it too
    os.utime(src, (OLD, OLD))
    proc = run_cli(*argv, cwd=tmp_path)
    assert "nothing to build" in proc.stderr
    assert stamp.replay(argv)


@pytest.mark.parametrize(
    "text",
    [b"", b"{", b"[]", b'{"format": 1, "runs": [{"request": 1}]}', b"\xff" * 10],
    ids=["empty", "cut short", "a list", "odd entry", "not text"],
)
def test_a_damaged_stamp_is_no_stamp(tmp_path, monkeypatch, text):
    src, out, argv = built(tmp_path)
    monkeypatch.chdir(tmp_path)
    stamp.path_for(out).write_bytes(text)
    assert not stamp.replay(argv)
    proc = run_cli(*argv, cwd=tmp_path)
    assert proc.returncode == 0 and "nothing to build" in proc.stderr, proc.stderr


def test_a_stamp_that_looks_at_nothing_is_refused(tmp_path, monkeypatch):
    """One a build wrote always looks at the build state: a stamp listing no files (which
    would match anything) was not."""
    src, out, argv = built(tmp_path)
    monkeypatch.chdir(tmp_path)
    data = json.loads(stamp.path_for(out).read_text("utf-8"))
    data["runs"][0]["files"] = []
    stamp.path_for(out).write_text(json.dumps(data), "utf-8")
    assert not stamp.replay(argv)
