"""The output folder is not trusted, and sources are checked (issue 16).

What a build reads back from its folder (the state file, the manifest, the files it lists)
may have been damaged or planted: every path in it must stay in the folder and be a regular
file the build made, checked before anything is opened. A source that is not Markdown
text is a usage error. A fault of the machine (full disk, read-only folder) is one line.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from lxml import html as lhtml

from publish import cli
from publish.build import cache, verify
from tests.conftest import ROOT, run_cli

TEXT = "# 报告\n\n## 一\n\n正文，第一段。\n"


def one_line(stderr: str) -> str:
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    return lines[0]


def source(folder: Path, name: str = "r.md", text: str = TEXT) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, "utf-8")
    return path


def build(src: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "publish", "build", str(src), "--out", str(out)]
        + ["--formats", "html", "--editions", "zh-Hans", "--quiet", *extra],
        capture_output=True,
        text=True,
        timeout=120,  # a build reading /dev/zero would never end
        check=False,
    )


def tree(root: Path, skip: Path) -> dict[str, bytes]:
    """Every file under ``root`` but ``skip`` (what a build must not touch)."""
    return {
        str(p): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and not p.is_symlink() and skip not in p.parents
    }


def manifest_paths(out: Path) -> list[str]:
    return [r["path"] for r in json.loads((out / "manifest.json").read_text("utf-8"))["outputs"]]


def hrefs(out: Path) -> list[str]:
    return lhtml.fromstring((out / "index.html").read_bytes()).xpath("//a/@href")


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path]:
    """A tiny source built once into ``out``: (source, out)."""
    src = source(tmp_path / "src")
    out = tmp_path / "out"
    proc = build(src, out)
    assert proc.returncode == 0, proc.stderr
    return src, out


def plant(out: Path, change: object) -> None:
    state = json.loads((out / cache.STATE).read_text("utf-8"))
    change(state)  # type: ignore[operator]
    (out / cache.STATE).write_text(json.dumps(state), "utf-8")


# -- the state file ---------------------------------------------------------------------


def _output_as(rel: str):
    def change(state: dict) -> None:
        state["outputs"][rel] = next(iter(state["outputs"].values()))

    return change


def _stem_as(stem: str):
    def change(state: dict) -> None:
        src = state["sources"]["r"]
        src["doc"]["stem"] = stem
        state["sources"][stem] = src

    return change


@pytest.mark.parametrize(
    "change",
    [
        _output_as("../../x/x.zh-Hans.html"),
        _output_as("/etc/passwd"),
        _output_as("/dev/zero"),
        _stem_as("../../x"),
        _stem_as("/tmp/x"),
        _stem_as("javascript:alert(1)"),
    ],
    ids=["dotdot-output", "etc-passwd", "dev-zero", "dotdot-stem", "absolute-stem", "js-stem"],
)
def test_state_naming_paths_outside_the_folder_is_ignored(built, tmp_path, change):
    src, out = built
    plant(out, change)
    before = tree(tmp_path, out)
    proc = build(src, out)
    assert proc.returncode == 0, proc.stderr
    line = one_line(proc.stderr)
    assert str(out / cache.STATE) in line and line.endswith("[state-ignored]")
    assert tree(tmp_path, out) == before  # nothing written outside the folder
    assert manifest_paths(out) == ["r/r.zh-Hans.html"]
    page = (out / "index.html").read_text("utf-8")
    assert "passwd" not in page and "javascript" not in page and "/dev/" not in page
    for ref in hrefs(out):
        parts = urlsplit(ref)
        assert not parts.scheme and not parts.netloc and not ref.startswith("/"), ref
        assert (out / unquote(parts.path)).resolve().is_relative_to(out.resolve()), ref
    # The next build trusts the state it wrote itself again: no warning, nothing rebuilt.
    again = build(src, out)
    assert again.returncode == 0 and again.stderr == "", again.stderr


def _write(data: bytes):
    def make(path: Path) -> None:
        path.write_bytes(data)

    return make


def _huge(path: Path) -> None:
    with path.open("wb") as f:
        f.truncate(cache.MAX_STATE + 1)  # sparse: no disk used


@pytest.mark.parametrize(
    "make, why",
    [
        (_write(b'{"format": 1, "outputs": [], "sources": {}}'), "no outputs"),
        (_write(b'{"format": 1, "outputs": {"r/r.zh-Hans.html": {}}, "sources": {}}'), "output"),
        (_write(b'{"format": 1, "outputs": {}, "sources": {"r": {"doc": 3}}}'), "source"),
        (_write(b'{"outputs": {}, "sources": {}}'), "no format"),
        (_write(b"[" * 100_000 + b"]" * 100_000), "not valid JSON"),
        (_write(b'{"format": 1, "site": ' + b'{"a": ' * 40 + b"1" + b"}" * 41), "nested"),
        (_write(b"\x00\xff not json"), "not valid JSON"),
        (lambda p: p.symlink_to("/dev/zero"), "symlink"),
        (lambda p: os.mkfifo(p), "not a regular file"),
        (_huge, "MiB"),
    ],
    ids=[
        "outputs-list",
        "output-keys",
        "source-types",
        "no-format",
        "deep",
        "deep-valid",
        "binary",
        "dev-zero",
        "fifo",
        "huge",
    ],
)
def test_corrupt_state_is_ignored_with_one_warning(tmp_path, capsys, make, why):
    out = tmp_path / "out"
    out.mkdir()
    make(out / cache.STATE)
    state = cache.State(out)
    assert state.outputs == {} and state.sources == {} and why in state.problem
    line = one_line(capsys.readouterr().err)
    assert line.startswith(f"{out / cache.STATE}: warning: build state ignored")


def test_corrupt_state_through_the_cli(built):
    src, out = built
    (out / cache.STATE).unlink()
    os.mkfifo(out / cache.STATE)  # opened plainly, a pipe with no writer blocks for ever
    proc = build(src, out)
    assert proc.returncode == 0, proc.stderr
    assert "[state-ignored]" in one_line(proc.stderr)
    # The pipe was replaced by the new state, not written into.
    assert (out / cache.STATE).is_file()
    assert json.loads((out / cache.STATE).read_text("utf-8"))["format"] == cache.FORMAT


def test_an_output_replaced_by_a_symlink_is_not_followed(built, tmp_path):
    src, out = built
    secret = tmp_path / "secret.txt"
    secret.write_text("do not publish me", "utf-8")
    output = out / "r" / "r.zh-Hans.html"
    output.unlink()
    output.symlink_to(secret)
    proc = build(src, out)
    assert proc.returncode == 0, proc.stderr
    assert secret.read_text("utf-8") == "do not publish me"
    assert not output.is_symlink() and "正文" in output.read_text("utf-8")
    rows = json.loads((out / "manifest.json").read_text("utf-8"))["outputs"]
    assert rows[0]["bytes"] == output.stat().st_size != len("do not publish me")


def test_manifest_and_index_are_not_read_through_symlinks(built):
    src, out = built
    for name in ("manifest.json", "index.html"):
        (out / name).unlink()
        (out / name).symlink_to("/dev/zero")
    proc = build(src, out)  # would hang reading /dev/zero to compare
    assert proc.returncode == 0, proc.stderr
    assert not (out / "index.html").is_symlink() and not (out / "manifest.json").is_symlink()
    assert manifest_paths(out) == ["r/r.zh-Hans.html"]


def test_symlinked_report_folder_is_refused(tmp_path):
    src = source(tmp_path / "src")
    out = tmp_path / "out"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / ".keep.x.tmp").write_text("mine", "utf-8")
    out.mkdir()
    (out / "r").symlink_to(elsewhere)
    proc = build(src, out)
    assert proc.returncode == 1
    line = one_line(proc.stderr)
    assert str(out / "r") in line and "symlink" in line and "another --out" in line
    assert [p.name for p in elsewhere.iterdir()] == [".keep.x.tmp"]  # nothing written, kept


def test_symlinked_lock_file_is_refused(tmp_path):
    src = source(tmp_path / "src")
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("kept", "utf-8")
    (out / ".publish.lock").symlink_to(victim)
    proc = build(src, out)
    assert proc.returncode == 1 and "symlink" in one_line(proc.stderr)
    assert victim.read_text("utf-8") == "kept"  # a lock opened through it truncated it


def test_verify_confines_manifest_paths(built, capsys):
    src, out = built
    data = json.loads((out / "manifest.json").read_text("utf-8"))
    good = data["outputs"][0]
    data["outputs"] = [
        good,
        {**good, "path": "/etc/passwd"},
        {**good, "path": "/dev/zero"},
        {**good, "path": "../../x.html"},
        {**good, "bytes": "many"},
        "not an entry",
    ]
    (out / "manifest.json").write_text(json.dumps(data), "utf-8")
    rows, problems = verify.manifest(out)
    assert rows == [good]
    text = "\n".join(problems)
    assert "'/etc/passwd' is not a path inside" in text and "'/dev/zero'" in text
    assert "'../../x.html'" in text and text.count("malformed output entry") == 2
    assert verify.index(out, rows) == []


def test_download_page_links_are_quoted_relative_paths(tmp_path):
    src = source(tmp_path / "src", "图表 #1?.md")
    out = tmp_path / "out"
    assert build(src, out).returncode == 0
    refs = hrefs(out)
    assert refs and all("#" not in r and "?" not in r and " " not in r for r in refs)
    for ref in refs:
        parts = urlsplit(ref)
        assert not parts.scheme and not parts.netloc and not ref.startswith("/"), ref
        assert (out / unquote(parts.path)).is_file(), ref
    assert verify.index(out, verify.manifest(out)[0]) == []


# -- no machine paths in what is published ----------------------------------------------


def test_no_machine_paths_in_report_or_manifest(tmp_path):
    text = "# 报告\n\n## 一\n\n正文。![缺图](missing.png) ![绝对](/etc/x.png)\n"
    src = source(tmp_path / "src", "r.md", text)
    out = tmp_path / "out"
    proc = build(src.absolute(), out)
    assert proc.returncode == 0, proc.stderr
    places = {
        str(tmp_path),
        str(ROOT),
        sys.prefix,
        str(Path.home()),
        "site-packages",
        ".venv",
    }
    for name in ("manifest.json", "r/r.report.json"):
        published = (out / name).read_text("utf-8")
        for place in places:
            assert place not in published, (name, place)
    report = json.loads((out / "r" / "r.report.json").read_text("utf-8"))
    assert report["source"] == "r.md"
    messages = [d["message"] for d in report["diagnostics"]]
    assert any("missing.png" in m for m in messages)  # still named, relative to the source


# -- sources ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, data, word",
    [
        ("glossary.toml", b'[terms]\n"a" = { "zh-Hant-TW" = "b" }\n', "--glossary"),
        ("r.json", b'{"title": "x"}', "JSON"),
        ("r.html", b"<!DOCTYPE html><html><body>x</body></html>", "HTML"),
        ("r.md", b"# \xe6\xa0\x87\xe9\xa2\x98\n\x00\x01\x02\x03binary\x00", "binary"),
        ("notes", b'{"outputs": [1, 2]}', "JSON"),
        ("notes", b'title = "x"\n[terms]\na = 1\n', "TOML"),
        ("notes", b"<html>\n<body>x</body></html>", "HTML"),
        ("r.refs.yaml", b"references: []\n", "sidecar"),
    ],
)
def test_a_source_that_is_not_markdown_is_a_usage_error(tmp_path, name, data, word):
    path = tmp_path / name
    path.write_bytes(data)
    proc = run_cli("build", str(path), "--out", str(tmp_path / "o"), "--dry-run")
    assert proc.returncode == 2
    line = one_line(proc.stderr)
    assert f"SOURCE {path}:" in line and word in line and ".md" in line
    assert not (tmp_path / "o").exists()


def test_a_device_or_missing_source_is_a_usage_error(tmp_path):
    for path, word in (("/dev/zero", "not a regular file"), (tmp_path / "nope.md", "no such")):
        proc = run_cli("build", str(path), "--out", str(tmp_path / "o"))
        assert proc.returncode == 2
        line = one_line(proc.stderr)
        assert str(path) in line and word in line


@pytest.mark.parametrize(
    "name, data",
    [
        ("a.md", TEXT.encode()),
        ("b.markdown", TEXT.encode()),
        ("c.txt", TEXT.encode()),
        ("d", TEXT.encode()),
        ("e.md", "\ufeff".encode("utf-16-le") + TEXT.encode("utf-16-le")),  # NULs, but text
        ("f.md", TEXT.encode("utf-16-le")),  # UTF-16 without a BOM
        ("g.md", b"[TOC]\n\n# \xe6\xa0\x87\xe9\xa2\x98\n"),  # parses as TOML, sets nothing
        ("h.md", b'[1] "a"\n'),
    ],
)
def test_markdown_sources_are_accepted(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    proc = run_cli("build", str(path), "--out", str(tmp_path / "o"), "--dry-run")
    assert proc.returncode == 0, proc.stderr
    assert "would build" in proc.stdout


def test_a_utf16_source_builds(tmp_path):
    src = tmp_path / "u.md"
    src.write_bytes(TEXT.encode("utf-16"))
    proc = build(src, tmp_path / "o")
    assert proc.returncode == 0, proc.stderr
    assert "正文" in (tmp_path / "o" / "u" / "u.zh-Hans.html").read_text("utf-8")


# -- faults: one line, exit 1 -----------------------------------------------------------


def test_output_folder_under_a_regular_file(tmp_path):
    src = source(tmp_path / "src")
    (tmp_path / "afile").write_text("x", "utf-8")
    proc = build(src, tmp_path / "afile" / "out")
    assert proc.returncode == 1
    line = one_line(proc.stderr)
    assert str(tmp_path / "afile") in line and "is a file" in line and "--out" in line


@pytest.mark.parametrize(
    "code, words",
    [
        (errno.ENOSPC, "no space left"),
        (errno.EROFS, "read-only"),
        (errno.EACCES, "permission denied"),
    ],
)
def test_file_system_faults_are_one_line(tmp_path, monkeypatch, capsys, code, words):
    """The fault where publish writes a finished file (every file goes through a rename)."""
    src = source(tmp_path / "src")
    out = tmp_path / "out"
    real = os.replace

    def replace(a: str, b: str | Path) -> None:
        if str(b).endswith(".html"):
            raise OSError(code, os.strerror(code), str(b))
        real(a, b)

    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(cli, "_free", lambda out: 1 << 30)  # the disk is not really full
    argv = ["build", str(src), "--out", str(out), "--formats", "html", "--editions", "zh-Hans"]
    assert cli.main([*argv, "--quiet", "--jobs", "1"]) == 1
    line = one_line(capsys.readouterr().err)
    assert line.startswith(f"publish: error: {out}/r/r.zh-Hans.html: ") and words in line


@pytest.mark.skipif(
    os.geteuid() != 0 or not shutil.which("mount"), reason="mounting a tmpfs needs root"
)
@pytest.mark.parametrize("options, words", [("size=64k", "no space left"), ("ro", "read-only")])
def test_full_and_read_only_disks(tmp_path, options, words):
    """A real tmpfs: 64 KiB (the EPUB fills it; pandoc then fails on the DOCX saying
    something else) or mounted read-only."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(disk)], capture_output=True
    )
    if mounted.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        src = source(tmp_path / "src")
        proc = run_cli(
            "build", str(src), "--out", str(disk / "out"), "--editions", "zh-Hans", "--quiet"
        )
        assert proc.returncode == 1
        line = one_line(proc.stderr)
        assert str(disk / "out") in line and words in line
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def test_image_path_faults_are_one_line(tmp_path):
    """A picture whose path is a symlink loop, or holds a NUL byte (%00): never an internal
    error (the images stage may well make them a warning instead; then the build works)."""
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "a.png").symlink_to("b.png")
    (folder / "b.png").symlink_to("a.png")
    for text in ("![图](a.png)", "![图](x%00y.png)"):
        src = source(folder, "r.md", f"# 报告\n\n## 一\n\n正文。{text}\n")
        proc = build(src, tmp_path / "out")
        assert proc.returncode in (0, 1), proc.stderr
        assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
        errors = [ln for ln in proc.stderr.splitlines() if "error" in ln]
        if proc.returncode == 1:
            assert len(errors) == 1 and ("a.png" in errors[0] or "r.md" in errors[0]), errors
