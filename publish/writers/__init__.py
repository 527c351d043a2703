"""Writers, one per format. Each takes an :class:`Edition` and a target path, writes the
file atomically and returns what it knows about it (pages for the PDF)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from publish.document import Edition
from publish.writers import docx, epub, html, pdf

Writer = Callable[[Edition, Path], dict]
WRITERS: dict[str, Writer] = {
    "pdf": pdf.write,
    "epub": epub.write,
    "docx": docx.write,
    "html": html.write,
}

__all__ = ["WRITERS"]
