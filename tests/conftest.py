"""Shared fixtures: the seed built once, corpus paths, and a CLI runner."""

from __future__ import annotations

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


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "publish", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
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
