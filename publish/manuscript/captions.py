"""Table captions: an italic (or bold) "表：…" line right before a table becomes its caption;
pandoc's own ``Table:`` captions count too. Every caption is numbered "表 N" once, here, so
every format and edition shows the same number."""

from __future__ import annotations

import re
from typing import Any

from publish.ast import Filter, elements, inlines_from_text, stringify
from publish.document import Document

# "表 3：…", "表：…", "Table 2. …": a number or a colon after the word, so that a caption
# that merely starts with 表 (表的说明, 表示…) keeps its first character.
CAPTION = re.compile(r"^\s*(?:表格?|Table)\s*(?:(\d+(?:[.-]\d+)*)\s*[:：.]?|[:：])\s*(.*)$", re.S)


def _block_lists(ast: dict[str, Any]):
    yield ast["blocks"]
    for e in elements(ast["blocks"]):
        t, c = e["t"], e.get("c")
        if t in ("BlockQuote", "Note"):
            yield c
        elif t == "Div":
            yield c[1]
        elif t == "BulletList":
            yield from c
        elif t == "OrderedList":
            yield from c[1]


def _caption_line(block: dict[str, Any]) -> str | None:
    """The text of a one-line italic/bold paragraph that announces a table."""
    if block["t"] not in ("Para", "Plain") or len(block["c"]) != 1:
        return None
    inner = block["c"][0]
    if inner["t"] not in ("Emph", "Strong"):
        return None
    text = stringify(inner["c"]).strip()
    m = CAPTION.match(text)
    return m.group(2).strip() if m and text[:1] in "表T" else None


class TableCaptions(Filter):
    def prepare(self, doc: Document) -> None:
        for blocks in _block_lists(doc.ast):
            i = 0
            while i < len(blocks) - 1:
                title = _caption_line(blocks[i])
                if title is not None and blocks[i + 1]["t"] == "Table":
                    blocks[i + 1]["c"][1] = [None, [{"t": "Plain", "c": inlines_from_text(title)}]]
                    del blocks[i]
                i += 1

    def action(self, elem: dict[str, Any], doc: Document) -> None:
        if elem["t"] != "Table":
            return None
        doc.tables += 1
        attr, caption = elem["c"][0], elem["c"][1]
        if not attr[0]:
            attr[0] = f"tbl-{doc.tables}"
        body = caption[1]
        text = stringify(body).strip()
        m = CAPTION.match(text)
        if m and text[:1] in "表T" and m.group(1):
            return None  # the author numbered it already
        title = m.group(2).strip() if m and text[:1] in "表T" else text
        label = [
            {
                "t": "Span",
                "c": [
                    ["", ["table-label"], []],
                    [{"t": "Str", "c": "表"}, {"t": "Space"}, {"t": "Str", "c": str(doc.tables)}],
                ],
            }
        ]
        rest = inlines_from_text(title)
        caption[1] = [{"t": "Plain", "c": label + ([{"t": "Space"}] + rest if rest else [])}]
        return None
