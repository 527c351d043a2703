"""Packaging (issue 21): a wheel built from the tree, installed in a fresh venv, builds the
seed from outside the checkout and reads no file in it (.ci/no_checkout.py watches every
open, listing and program started). .ci/run does the same with the dependencies installed
from PyPI; here they come from the test venv, so the test takes seconds, not minutes."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEED

# What the tree's copy leaves out, at its top (publish/build/ is a package: kept).
TOP = {".git", ".venv", "dist", "build", "publish.egg-info", "tests", ".pytest_cache"}


def skip(folder: str, names: list[str]) -> set[str]:
    top = TOP if Path(folder) == ROOT else set()
    return {n for n in names if n in top or n == "__pycache__"}


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, cwd=cwd, check=False
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from a copy of the tree (a build writes build/ where it runs)."""
    work = tmp_path_factory.mktemp("wheel")
    tree = work / "tree"
    shutil.copytree(ROOT, tree, ignore=skip)
    proc = run(sys.executable, "-m", "pip", "wheel", tree, "--no-deps", "-q", "-w", work)
    if proc.returncode != 0 and "Could not find a version that satisfies" in proc.stderr:
        pytest.skip("no setuptools to build with (no package index reachable)")
    assert proc.returncode == 0, proc.stderr
    (found,) = work.glob("publish-*.whl")
    return found


def test_the_wheel_carries_the_styles(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    bundled = [
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "publish" / "styles").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    ]
    assert bundled and not [n for n in bundled if n not in names]


def test_installed_wheel_builds_the_seed_outside_the_checkout(wheel, tmp_path):
    venv = tmp_path / "venv"
    assert run(sys.executable, "-m", "venv", "--without-pip", venv).returncode == 0
    python = venv / "bin" / "python"
    proc = run(sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps", wheel)
    assert proc.returncode == 0, proc.stderr
    # The dependencies: the test venv's packages, on the path after the wheel's own. Its
    # editable install of publish is a .pth file there, which a path line does not run.
    site = run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])")
    Path(site.stdout.strip(), "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(SEED, work / SEED.name)
    shutil.copy(ROOT / ".ci" / "no_checkout.py", work / "no_checkout.py")
    proc = run(
        python,
        "no_checkout.py",
        ROOT,
        "--allow",
        sysconfig.get_paths()["purelib"],  # the dependencies
        "build",
        SEED.name,
        "-o",
        "out",
        "--formats",
        "html,docx",
        "--editions",
        "zh-Hans",
        cwd=work,
    )
    assert proc.returncode == 0, proc.stderr
    made = work / "out" / SEED.stem
    assert (made / f"{SEED.stem}.zh-Hans.html").stat().st_size > 10_000
    assert (made / f"{SEED.stem}.zh-Hans.docx").is_file()
    assert "download page: out/index.html" in proc.stderr.strip().splitlines()[-1]


def test_the_watch_catches_a_read_from_the_checkout(tmp_path):
    """The check can fail: the test venv's publish is the checkout's own (editable)."""
    shutil.copy(ROOT / ".ci" / "no_checkout.py", tmp_path / "no_checkout.py")
    proc = run(sys.executable, "no_checkout.py", ROOT, "--version", cwd=tmp_path)
    assert proc.returncode != 0
    assert "the checkout" in proc.stderr
