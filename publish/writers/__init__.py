"""Writers, one per format. Each takes an :class:`Edition` and a target path, writes the
file atomically and returns what it knows about it (pages for the PDF).

``WRITERS`` imports them on first use: the manuscript stage reads ``writers.math`` alone,
and a build's own process never writes (its workers do), so it never loads lxml's and
Jinja's writers (0.05 s of its start)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from publish.document import Edition

Writer = Callable[[Edition, Path], dict]

__all__ = ["WRITERS"]


def __getattr__(name: str) -> Any:
    if name != "WRITERS":
        raise AttributeError(f"module 'publish.writers' has no attribute {name!r}")
    from publish.writers import docx, epub, html, pdf

    writers: dict[str, Writer] = {
        "pdf": pdf.write,
        "epub": epub.write,
        "docx": docx.write,
        "html": html.write,
    }
    globals()["WRITERS"] = writers
    return writers
