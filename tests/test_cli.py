"""The command line contract: exit codes and one-line errors."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from tests.conftest import SEED, build, run_cli


def one_line(stderr: str) -> str:
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


def test_missing_source_is_one_line_exit_2(tmp_path):
    proc = run_cli("build", str(tmp_path / "nope.md"), "--out", str(tmp_path / "o"))
    assert proc.returncode == 2  # a usage error: the command named no file (issue 16)
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
    proc = run_cli()
    assert proc.returncode == 2
    line = one_line(proc.stderr)
    assert "no command" in line and "publish build SOURCE" in line


def test_unknown_command_points_to_the_help():
    proc = run_cli("frobnicate")
    assert proc.returncode == 2
    line = one_line(proc.stderr)
    assert "'frobnicate'" in line and line.endswith("(see `publish --help`)")


def test_folder_as_source_is_usage_error(tmp_path):
    proc = run_cli("build", str(tmp_path), "--out", str(tmp_path / "o"))
    assert proc.returncode == 2
    line = one_line(proc.stderr)
    assert f"SOURCE {tmp_path}: is a folder" in line and f"{tmp_path}/*.md" in line


def test_empty_and_binary_sources(tmp_path):
    empty = tmp_path / "empty.md"
    empty.write_bytes(b"")
    binary = tmp_path / "bin.md"
    binary.write_bytes(bytes(range(256)) * 4)
    # An empty file is a source with nothing in it (1); a binary one is not a source (2).
    for src, word, code in ((empty, "empty", 1), (binary, "binary", 2)):
        proc = run_cli("build", str(src), "--out", str(tmp_path / "o"))
        assert proc.returncode == code
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


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_weasyprint_that_cannot_start_is_one_line(tmp_path, jobs):
    """No Pango on the machine: one line saying what to do, whatever the worker count
    (the warm-up thread and the pool initializer used to print tracebacks)."""
    fake = tmp_path / "fake" / "weasyprint"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text(
        "raise OSError(\"cannot load library 'libpango-1.0-0'\")\n", "utf-8"
    )
    src = tmp_path / "r.md"
    src.write_text("# 报告\n\n## 一\n\n正文。\n", "utf-8")
    env = {**os.environ, "PYTHONPATH": str(fake.parent)}
    proc = subprocess.run(
        [sys.executable, "-m", "publish", "build", str(src), "--out", str(tmp_path / "o")]
        + ["--editions", "zh-Hans", "--jobs", jobs, "--quiet"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert "WeasyPrint cannot start" in lines[0] and "make" in lines[0]


def test_misspelt_option_and_command_get_a_suggestion(tmp_path):
    proc = run_cli("build", str(SEED), "--fromats", "html")
    assert proc.returncode == 2
    line = one_line(proc.stderr)
    assert "--fromats" in line and "(did you mean --formats?)" in line
    # no abbreviations: --form is not taken for --formats
    proc = run_cli("build", str(SEED), "--form", "html", "--out", str(tmp_path))
    assert proc.returncode == 2 and "(did you mean --from?)" in one_line(proc.stderr)
    proc = run_cli("biuld", str(SEED))
    assert proc.returncode == 2 and "(did you mean build?)" in one_line(proc.stderr)
    proc = run_cli("build", str(SEED), "--editions", "zh-TW")
    assert proc.returncode == 2 and "(did you mean zh-Hant-TW?)" in one_line(proc.stderr)


def test_short_out_and_the_closing_summary(tmp_path):
    src = tmp_path / "r.md"
    src.write_text("# 报告\n\n## 一\n\n正文。\n", "utf-8")
    out = tmp_path / "o"
    args = ("build", str(src), "-o", str(out), "--formats", "html,docx", "--editions", "zh-Hans")
    proc = run_cli(*args)
    assert proc.returncode == 0, proc.stderr
    assert (out / "r" / "r.zh-Hans.docx").is_file()
    last = proc.stderr.strip().splitlines()[-1]
    assert last == f"done: 2 outputs built; 0 warnings; download page: {out / 'index.html'}"
    (out / "r" / "r.zh-Hans.docx").unlink()
    proc = run_cli(*args)
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("done: 1 output built, 1 up to date; 0 warnings; download page: ")


def test_the_command_line_ends_without_the_interpreters_teardown(monkeypatch):
    """run(): main's code is the exit status; before the process ends, a thread not marked
    daemon finishes, the exit handlers run and what was printed is flushed, as at the
    interpreter's own exit (which it skips: freeing OpenCC's dictionaries alone took
    0.07 s)."""
    import atexit
    import threading

    from publish import cli

    events: list[str] = []
    monkeypatch.setattr(cli, "main", lambda: events.append("main") or 3)
    late = threading.Thread(target=lambda: (time.sleep(0.2), events.append("thread")))

    def ended(code):
        events.append(f"exit {code}")
        raise SystemExit(code)

    monkeypatch.setattr(cli.os, "_exit", ended)
    handler = lambda: events.append("atexit")  # noqa: E731
    atexit.register(handler)
    try:
        late.start()
        with pytest.raises(SystemExit):
            cli.run()
    finally:
        atexit.unregister(handler)
    assert events == ["main", "thread", "atexit", "exit 3"]


def test_printed_lines_reach_a_pipe_whole(tmp_path, capsys):
    """Through `python -m publish` (run, then os._exit): what main printed to a pipe, which
    Python buffers, reaches the reader whole, and the exit status is main's."""
    from publish import cli

    src = tmp_path / "r.md"
    src.write_text(SEED.read_text("utf-8"), "utf-8")
    assert cli.main(["refs", str(src), "--dry-run"]) == 0
    diff = capsys.readouterr().out
    assert len(diff.splitlines()) > 50  # the sidecar it would write, as a diff
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    proc = subprocess.run(
        [sys.executable, "-m", "publish", "refs", str(src), "--dry-run"],
        capture_output=True,
        text=True,
        env=env,  # a pipe is block-buffered: the flush before the exit is what sends it
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == diff
    proc = run_cli("build", str(src), "--formats", "nope")
    assert proc.returncode == 2 and "nope" in one_line(proc.stderr)
