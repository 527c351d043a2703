"""The HTML edition: one self-contained page (CSS inline, MathML, no scripts)."""

from __future__ import annotations

from pathlib import Path

from publish.document import Edition
from publish.writers.common import html_parts, render_page, write_bytes


def write(edition: Edition, path: Path) -> dict:
    toc, body = html_parts(edition)
    page = render_page(edition, toc, body, ["fonts.css", "base.css", "html.css"])
    write_bytes(path, page.encode("utf-8"))
    return {}
