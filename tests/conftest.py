"""Shared fixtures: the seed built once, corpus paths, and a CLI runner."""

from __future__ import annotations

import inspect
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "nn-llm-2024.md"
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
EDITIONS = ("zh-Hans", "zh-Hant-TW", "zh-Hant-HK")
FORMATS = ("pdf", "epub", "docx", "html")


def run_cli(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m publish ARGS``; ``env`` adds to the environment of that process only."""
    return subprocess.run(
        [sys.executable, "-m", "publish", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **env} if env else None,
        check=False,
    )


def build(
    source: Path, out: Path, formats: str | None = None, editions: str | None = None, *extra: str
) -> Path:
    """``publish build`` one source, quietly; asserts success; returns its output folder."""
    args = ["build", str(source), "--out", str(out), "--quiet", *extra]
    if formats:
        args += ["--formats", formats]
    if editions:
        args += ["--editions", editions]
    proc = run_cli(*args)
    assert proc.returncode == 0, proc.stderr
    from publish.config import stem_of

    return out / stem_of(source)


@pytest.fixture(scope="session")
def seed_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed built through the CLI, every edition and format, once per session."""
    out = tmp_path_factory.mktemp("dist")
    proc = run_cli("build", str(SEED), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    (out / "stderr.txt").write_text(proc.stderr)
    return out


@pytest.fixture(scope="session")
def seed_dir(seed_out: Path) -> Path:
    return seed_out / "nn-llm-2024"


def corpus(name: str) -> Path:
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"corpus file {name} not present")
    return path


# -- tiers: `make test-fast` runs the tests not marked slow ----------------------------------
# A test is end to end ("slow") when it, or a fixture it uses, runs the command line or a
# writer: a build takes seconds, a unit test milliseconds. A test or module may also say
# so itself (@pytest.mark.slow, pytestmark = pytest.mark.slow).
END_TO_END = re.compile(
    r"\b(?:run_cli|build|_build|build_one|write_pdf|Popen)\(|\.write\(|\bseed_(?:out|dir)\b"
    r"|[\"']build[\"']"  # main(["build", …]) and the like
)


def _end_to_end(fn: object) -> bool:
    try:
        return bool(END_TO_END.search(inspect.getsource(fn)))  # type: ignore[arg-type]
    except (OSError, TypeError):
        return False


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: end to end, builds outputs (not in make test-fast)")


# Modules whose tests build, serve or package (through helpers the pattern does not see),
# and single tests of other modules that take more than a second on an idle core.
SLOW = {
    "test_build.py",
    "test_interrupt.py",
    "test_outdir.py",
    "test_preview.py",
    "test_property.py",
    "test_wheel.py",
    "test_project.py",
    "test_phrases.py",
    "test_book.py",
    "test_customising.py",
    "test_site.py",
    # 2-20 s each (measured with --durations): citeproc over a whole document per style,
    # WeasyPrint writing a PDF, 50,000-change and megabyte-line inputs
    "test_security.py::test_long_line_reads_in_linear_time",
    "test_references.py::test_dependent_style_uses_its_shipped_parent",
    "test_references.py::test_default_style_is_gbt_numeric",
    "test_references.py::test_apa_style",
    "test_references.py::test_ieee_style",
    "test_references.py::test_style_file_in_the_source_folder",
    "test_references.py::test_a_style_that_is_not_one_is_refused",
    "test_weasy.py::test_writing_a_pdf_does_not_copy_whole_cjk_fonts",
    "test_weasy.py::test_a_patch_that_cannot_apply_is_a_warning",
    "test_bombs.py::test_reader_is_linear_in_a_paragraph_of_many_changes",
    "test_worker.py::test_each_edition_is_made_once_and_shared_by_its_formats",
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("slow"):
            continue
        path, _, test = item.nodeid.partition("::")
        module = path.split("/")[-1]
        if module in SLOW or f"{module}::{test.split('[')[0]}" in SLOW:
            item.add_marker(pytest.mark.slow)
            continue
        fns = [getattr(item, "function", None)]
        info = getattr(item, "_fixtureinfo", None)  # a function's fixtures, with theirs
        for defs in info.name2fixturedefs.values() if info else []:
            fns += [d.func for d in defs]
        if any(_end_to_end(f) for f in fns if f is not None):
            item.add_marker(pytest.mark.slow)
