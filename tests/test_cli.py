"""The command line contract: exit codes and one-line errors."""

from __future__ import annotations

from tests.conftest import SEED, build, run_cli


def one_line(stderr: str) -> str:
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


def test_missing_source_is_one_line_exit_1(tmp_path):
    proc = run_cli("build", str(tmp_path / "nope.md"), "--out", str(tmp_path / "o"))
    assert proc.returncode == 1
    line = one_line(proc.stderr)
    assert "nope.md" in line and "no such file" in line


def test_unknown_format_is_usage_error(tmp_path):
    proc = run_cli("build", str(SEED), "--formats", "pdf,rtf", "--out", str(tmp_path))
    assert proc.returncode == 2
    assert "rtf" in one_line(proc.stderr)


def test_unknown_option_is_usage_error():
    proc = run_cli("build", "--frobnicate")
    assert proc.returncode == 2
    assert "--frobnicate" in one_line(proc.stderr)


def test_no_command_is_usage_error():
    assert run_cli().returncode == 2


def test_empty_and_binary_sources(tmp_path):
    empty = tmp_path / "empty.md"
    empty.write_bytes(b"")
    binary = tmp_path / "bin.md"
    binary.write_bytes(bytes(range(256)) * 4)
    for src, word in ((empty, "empty"), (binary, "binary")):
        proc = run_cli("build", str(src), "--out", str(tmp_path / "o"))
        assert proc.returncode == 1
        line = one_line(proc.stderr)
        assert src.name in line and word in line


def test_strict_fails_on_warnings(tmp_path):
    proc = run_cli(
        "build",
        str(SEED),
        "--out",
        str(tmp_path),
        "--formats",
        "html",
        "--editions",
        "zh-Hans",
        "--strict",
        "--quiet",
    )
    assert proc.returncode == 1
    assert "--strict" in proc.stderr.splitlines()[-1]


def test_one_format_one_edition(tmp_path):
    folder = build(SEED, tmp_path, "html", "zh-Hant-TW")
    files = sorted(
        p.name for p in folder.iterdir() if p.suffix == ".html" and "phrases" not in p.name
    )
    assert files == ["nn-llm-2024.zh-Hant-TW.html"]
