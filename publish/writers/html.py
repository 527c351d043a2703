"""The HTML edition: one self-contained page (CSS inline, MathML, no scripts)."""

from __future__ import annotations

from pathlib import Path

from publish.document import Edition
from publish.writers.common import html_parts, render_page, write_bytes


def write(edition: Edition, path: Path, contents: bool = True) -> dict:
    """``contents``: False (``toc: false``) leaves the table of contents out."""
    toc, body = html_parts(edition)
    styles = ["fonts.css", "base.css", "html.css"]
    page = render_page(edition, toc if contents else "", body, styles)
    write_bytes(path, page.encode("utf-8"))
    return {}
