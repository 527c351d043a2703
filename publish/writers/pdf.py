"""The print edition: an HTML page made for print (Jinja2 + styles/print.css), drawn by
WeasyPrint."""

from __future__ import annotations

from pathlib import Path

from publish.document import Edition
from publish.writers.common import atomic, html_parts, render_page


def write(edition: Edition, path: Path) -> dict:
    import weasyprint

    toc, body = html_parts(edition)
    page = render_page(edition, toc, body, ["fonts.css", "base.css", "print.css"])
    document = weasyprint.HTML(string=page, base_url=str(edition.doc.source.parent)).render()
    with atomic(path) as tmp:
        document.write_pdf(tmp)
    return {"pages": len(document.pages)}
