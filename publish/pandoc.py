"""Running the pandoc bundled with ``pypandoc-binary`` (no system pandoc is used)."""

from __future__ import annotations

import functools
import json
import subprocess
from typing import Any

from publish.errors import BuildError
from publish.styles import STYLES

# Extensions on top of pandoc's Markdown. east_asian_line_breaks: a line break between two
# Han characters is not a space. Footnotes, tables, TeX math and attributes are pandoc's own.
READER = "markdown+east_asian_line_breaks-citations-smart"


@functools.cache
def binary() -> str:
    import pypandoc

    return pypandoc.get_pandoc_path()


def run(args: list[str], data: bytes, what: str) -> tuple[bytes, list[str]]:
    """Run pandoc; return its output and warning lines. ``what`` names the job in errors."""
    cmd = [binary(), "--data-dir", str(STYLES / "pandoc"), *args]
    try:
        proc = subprocess.run(cmd, input=data, capture_output=True, check=False)
    except OSError as exc:
        raise BuildError(f"{what}: cannot run pandoc ({exc}); reinstall with `make`") from None
    err = proc.stderr.decode("utf-8", "replace")
    if proc.returncode != 0:
        first = next((ln for ln in err.splitlines() if ln.strip()), f"exit {proc.returncode}")
        raise BuildError(f"{what}: pandoc failed: {first}")
    warnings = [ln.removeprefix("[WARNING] ") for ln in err.splitlines() if ln.strip()]
    return proc.stdout, warnings


def read_markdown(text: str, what: str) -> tuple[dict[str, Any], list[str]]:
    out, warnings = run(["-f", READER, "-t", "json"], text.encode("utf-8"), what)
    return json.loads(out), warnings


def convert(ast: dict[str, Any], to: str, args: list[str], what: str) -> tuple[bytes, list[str]]:
    """Write ``ast`` with pandoc's ``to`` writer; output to stdout unless args say ``-o``."""
    data = json.dumps(ast, ensure_ascii=False).encode("utf-8")
    return run(["-f", "json", "-t", to, *args], data, what)


def filter_json(
    ast: dict[str, Any], args: list[str], what: str
) -> tuple[dict[str, Any], list[str]]:
    """JSON to JSON through pandoc (e.g. ``--citeproc``)."""
    out, warnings = convert(ast, "json", args, what)
    return json.loads(out), warnings


def version() -> str:
    out, _ = run(["--version"], b"", "pandoc --version")
    return out.decode().split("\n", 1)[0]
