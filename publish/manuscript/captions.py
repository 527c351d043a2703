"""Table captions: an italic (or bold) "表：…" line right before a table becomes its caption;
pandoc's own ``Table:`` captions count too. Every caption is numbered "表 N" once, here, so
every format and edition shows the same number."""

from __future__ import annotations

import re
from typing import Any

from publish import ast
from publish.ast import Filter, elements, inlines_from_text, stringify
from publish.document import Document

# "表 3：…", "表：…", "Table 2. …": a number or a colon after the word, so that a caption
# that merely starts with 表 (表的说明, 表示…) keeps its first character.
CAPTION = re.compile(r"^\s*(?:表格?|Table)\s*(?:(\d+(?:[.-]\d+)*)\s*[:：.]?|[:：])\s*(.*)$", re.S)


def _block_lists(tree: dict[str, Any]):
    yield tree["blocks"]
    for e in elements(tree["blocks"]):
        if e["t"] in ("BlockQuote", "Note", "Div"):
            yield ast.blocks_of(e)
        elif e["t"] in ("BulletList", "OrderedList"):
            yield from ast.items(e)


def _caption_line(block: dict[str, Any]) -> str | None:
    """The text of a one-line italic/bold paragraph that announces a table."""
    if block["t"] not in ("Para", "Plain") or len(ast.inlines_of(block)) != 1:
        return None
    inner = ast.inlines_of(block)[0]
    if inner["t"] not in ("Emph", "Strong"):
        return None
    text = stringify(ast.inlines_of(inner)).strip()
    m = CAPTION.match(text)
    return m.group(2).strip() if m and text[:1] in "表T" else None


class TableCaptions(Filter):
    def prepare(self, doc: Document) -> None:
        for blocks in _block_lists(doc.ast):
            i = 0
            while i < len(blocks) - 1:
                title = _caption_line(blocks[i])
                if title is not None and blocks[i + 1]["t"] == "Table":
                    ast.set_caption(blocks[i + 1], [None, [ast.Plain(inlines_from_text(title))]])
                    del blocks[i]
                i += 1

    def action(self, elem: dict[str, Any], doc: Document) -> None:
        if elem["t"] != "Table":
            return None
        doc.tables += 1
        if not ast.ident(elem):
            ast.set_ident(elem, f"tbl-{doc.tables}")
        body = ast.caption_blocks(elem)
        text = stringify(body).strip()
        m = CAPTION.match(text)
        if m and text[:1] in "表T" and m.group(1):
            return None  # the author numbered it already
        title = m.group(2).strip() if m and text[:1] in "表T" else text
        number = [ast.Str("表"), ast.Space(), ast.Str(str(doc.tables))]
        label = [ast.Span(number, ast.make_attr("", ["table-label"]))]
        rest = inlines_from_text(title)
        ast.set_caption_blocks(elem, [ast.Plain(label + ([ast.Space()] + rest if rest else []))])
        return None
