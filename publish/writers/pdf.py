"""The print edition: an HTML page made for print (Jinja2 + styles/print.css), drawn by
WeasyPrint."""

from __future__ import annotations

from pathlib import Path

from publish.document import Edition
from publish.writers.common import atomic, html_parts, render_page


def write(edition: Edition, path: Path, font_config: object = None) -> dict:
    """``font_config``: a ``weasyprint.text.fonts.FontConfiguration`` to reuse (the build
    sets one up per worker process); None makes a fresh one."""
    import weasyprint

    toc, body = html_parts(edition)
    page = render_page(edition, toc, body, ["fonts.css", "base.css", "print.css"])
    document = weasyprint.HTML(string=page, base_url=str(edition.doc.source.parent)).render(
        font_config=font_config
    )
    with atomic(path) as tmp:
        document.write_pdf(tmp)
    return {"pages": len(document.pages)}
