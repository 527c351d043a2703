"""HTML blocks read as the document they show: tables, figures, lists, links as pandoc's own.

CommonMark keeps an HTML block (``<table>…``, ``<figure>…``, ``<div align=center>…``, up
to a blank line) as one opaque piece of raw HTML. The HTML and EPUB editions could print
it, but the DOCX writer drops raw HTML, and the print edition, the editions' converter,
the references and the fidelity check would each have to parse it again. So after the
sanitiser has cleaned it, every raw HTML block is read by pandoc's HTML reader, all in
one run, and replaced by the blocks it holds: an HTML table becomes a table in every
format, ``<a href="…">[1]</a>`` a citation like ``[[1]](…)``, ``<h2>`` a heading.

A block is cleaned by the sanitiser's rules once more first (``rawhtml.clean``): the
sanitiser splits raw HTML around pandoc's own elements, so a piece may open a tag that a
later piece closes; balanced, it can be wrapped in a marker ``<div>`` and found again in
pandoc's output. Raw *inline* HTML (``<br>``, ``<sup>``) stays as it is: its text is already
pandoc's.
"""

from __future__ import annotations

import secrets
from typing import Any

from publish import pandoc
from publish.ast import Element, blocks_of, ident, lists, text
from publish.document import Document
from publish.manuscript.rawhtml import clean, is_raw_html


def read_html_blocks(doc: Document) -> None:
    """Manuscript stage, after :func:`~publish.manuscript.rawhtml.sanitize` (see module)."""
    found: list[tuple[list[Any], int, str]] = []
    for lst in lists(doc.ast.get("blocks", []), _has_raw_block):
        for i, x in enumerate(lst):
            if _is_raw_block(x):
                found.append((lst, i, text(x)))
    if not found:
        return
    key = "publish-" + secrets.token_hex(4)
    parts = []
    for n, (_, _, html) in enumerate(found):
        parts.append(f'<div id="{key}-{n}">{clean(html)}</div>')
    out, warnings = pandoc.run(
        ["-f", "html", "-t", "json"], "\n".join(parts).encode("utf-8"), str(doc.source)
    )
    for w in warnings:
        doc.warn("pandoc-warning", w)
    read = pandoc.loads(out, str(doc.source))
    ours = [b for b in read["blocks"] if b["t"] == "Div" and ident(b).startswith(key)]
    blocks = {ident(b): blocks_of(b) for b in ours}
    # Replace from the last, so the indexes of earlier ones in the same list hold.
    for n in range(len(found) - 1, -1, -1):
        lst, i, _ = found[n]
        new: list[Element] = blocks.get(f"{key}-{n}", [])
        lst[i : i + 1] = new


def _is_raw_block(x: Any) -> bool:
    return is_raw_html(x) and x["t"] == "RawBlock"


def _has_raw_block(lst: list[Any]) -> bool:
    return any(_is_raw_block(x) for x in lst)
