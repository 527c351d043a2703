"""``publish review FILE.docx``: the comments and tracked changes in a reviewed DOCX, one a
line, with the text around them, so the author can apply them to the Markdown source.

pandoc reads the DOCX with ``--track-changes=all``: a comment is a Span ``comment-start``
(its ``id``, ``author``, ``date``; the comment's own text inside) and an empty Span
``comment-end`` with the same ``id``, the commented text between them; an insertion or a
deletion is a Span ``insertion``/``deletion`` around the text. Inserted and deleted
paragraph marks (``paragraph-insertion``/``paragraph-deletion``) are reported too.
"""

from __future__ import annotations

import bisect
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from publish import pandoc, reading
from publish.errors import SourceError

CONTEXT = 16  # characters of text shown on each side of a change
NEAREST = 64  # stretches of a paragraph tried to find it in the source, nearest first
KINDS = {
    "insertion": "insert",
    "deletion": "delete",
    "paragraph-insertion": "insert",
    "paragraph-deletion": "delete",
}
# Block elements whose inlines are one run of text; everything else holds blocks.
LEAVES = {"Para", "Plain", "Header"}


@dataclass
class Item:
    kind: str  # comment, insert, delete
    author: str
    date: str
    text: str  # the comment, or the inserted/deleted text
    block: int  # index into Reader.blocks
    start: int  # offset of the change in that block's original text
    end: int
    section: str  # the heading above it, as written
    anchor: str = ""  # commented text


class Reader:
    """Flattens the document into blocks of original text (deletions kept, insertions out:
    the text the source still has), recording each change's place in it."""

    def __init__(self) -> None:
        self.blocks: list[str] = []
        self.items: list[Item] = []
        self.section = ""
        self._buf: list[str] = []
        self._open: dict[str, Item] = {}

    @property
    def _pos(self) -> int:
        return sum(len(s) for s in self._buf)

    def walk_blocks(self, blocks: list[Any]) -> None:
        for b in blocks:
            self.walk_block(b)

    def walk_block(self, block: Any) -> None:
        if isinstance(block, list):
            for x in block:
                self.walk_block(x)
            return
        if not isinstance(block, dict) or "t" not in block:
            return
        t, c = block["t"], block.get("c")
        if t in LEAVES:
            inlines = c[2] if t == "Header" else c
            self._buf = []
            notes: list[Any] = []
            self.inlines(inlines, notes)
            text = "".join(self._buf)
            if t == "Header":
                self.section = text.strip()
            self.blocks.append(text)
            for note in notes:
                self.walk_blocks(note)
        elif t in ("CodeBlock", "RawBlock", "HorizontalRule"):
            return
        else:
            self.walk_block(c)

    def inlines(self, inlines: list[Any], notes: list[Any]) -> None:
        for e in inlines:
            t, c = e["t"], e.get("c")
            if t == "Str":
                self._buf.append(c)
            elif t in ("Space", "SoftBreak", "LineBreak"):
                self._buf.append(" ")
            elif t in ("Code", "Math"):
                self._buf.append(c[1])
            elif t == "Quoted":
                q = "“”" if c[0]["t"] == "DoubleQuote" else "‘’"
                self._buf.append(q[0])
                self.inlines(c[1], notes)
                self._buf.append(q[1])
            elif t in ("Link", "Image", "Cite"):
                self.inlines(c[1], notes)
            elif t == "Note":
                notes.append(c)
            elif t == "Span":
                self.span(c[0], c[1], notes)
            elif isinstance(c, list) and t != "RawInline":  # Emph, Strong, Superscript…
                self.inlines([x for x in c if isinstance(x, dict) and "t" in x], notes)

    def span(self, attr: list[Any], content: list[Any], notes: list[Any]) -> None:
        _, classes, kv = attr
        meta = dict(kv)
        kind = next((KINDS[k] for k in classes if k in KINDS), None)
        here = len(self.blocks)
        if kind == "insert":
            text = "¶" if "paragraph-insertion" in classes else plain(content)
            self._add(kind, meta, text, self._pos, self._pos)
        elif kind == "delete":
            start = self._pos
            if "paragraph-deletion" in classes:
                self._add(kind, meta, "¶", start, start)
                return
            self.inlines(content, notes)
            self._add(kind, meta, "".join(self._buf)[start:], start, self._pos)
        elif "comment-start" in classes:
            at = self._pos
            author, date = meta.get("author", ""), meta.get("date", "")
            item = Item("comment", author, date, plain(content), here, at, at, self.section)
            self._open[meta.get("id", "")] = item
            self.items.append(item)
        elif "comment-end" in classes:
            item = self._open.pop(meta.get("id", ""), None)
            if item is not None:
                if item.block == here:
                    item.anchor = "".join(self._buf)[item.start :]
                    item.end = self._pos
                else:  # ran over paragraphs: its start to the end of the first, then here
                    first = self.blocks[item.block]
                    item.end = len(first)
                    item.anchor = f"{first[item.start :]} … {''.join(self._buf)}"
        else:
            self.inlines(content, notes)

    def _add(self, kind: str, meta: dict[str, str], text: str, start: int, end: int) -> None:
        author, date = meta.get("author", ""), meta.get("date", "")
        item = Item(kind, author, date, text, len(self.blocks), start, end, self.section)
        self.items.append(item)


def plain(inlines: list[Any]) -> str:
    r = Reader()
    r.inlines(inlines, [])
    return "".join(r._buf)


def read_items(path: Path) -> tuple[Reader, list[Item]]:
    if not path.is_file():
        raise SourceError(f"{path}: no such file")
    if not zipfile.is_zipfile(path):
        raise SourceError(f"{path}: not a DOCX file (give the .docx the reviewer sent back)")
    out, _ = pandoc.run(
        ["-f", "docx", "--track-changes=all", "-t", "json", str(path)],
        b"",
        f"{path}",
    )
    reader = Reader()
    reader.walk_blocks(json.loads(out)["blocks"])
    return reader, reader.items


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def locate(source_text: str, block: str, item: Item) -> int | None:
    """The source line of ``item``: where a stretch of its paragraph's text, nearest the
    change first, occurs once in the source. Markdown marks (``**``, ``[[n]](url)``) split
    the text, so short stretches are tried too."""
    starts = [m.start() for m in re.finditer(r"(?m)^", source_text)]
    for size in (16, 8, 4):
        offsets = range(max(1, len(block) - size + 1))
        for i in sorted(offsets, key=lambda i: abs(i - item.start))[:NEAREST]:
            piece = block[i : i + size]
            if len(piece.strip()) < size:
                continue
            found = source_text.find(piece)
            if found >= 0 and source_text.find(piece, found + 1) < 0:
                return bisect.bisect_right(starts, found)
    return None


def describe(item: Item, block: str) -> str:
    before = _squash(block[max(0, item.start - CONTEXT) : item.start]).lstrip()
    after = _squash(block[item.end : item.end + CONTEXT]).rstrip()
    before = ("…" if item.start > CONTEXT else "") + before
    after = after + ("…" if item.end + CONTEXT < len(block) else "")
    who = f" ({item.author}{', ' + item.date[:10] if item.date else ''})" if item.author else ""
    text = _squash(item.text).strip()
    if item.kind == "comment":
        marked = f"{before}[{_squash(item.anchor)}]{after}"
        return f"comment{who}: {text} | on: {marked}"
    if item.kind == "insert":
        return f"insert{who}: {text} | at: {before}[+{text}]{after}"
    return f"delete{who}: {text} | at: {before}[-{text}]{after}"


def read_review(path: Path, source: Path | None = None) -> list[str]:
    """One line per comment or tracked change, in document order:
    ``WHERE: KIND (AUTHOR, DATE): TEXT | at: …before[change]after…``; WHERE is the source
    line when ``source`` is given and the text is found there, else the section heading."""
    reader, items = read_items(path)
    # the source as the build reads it (any encoding it accepts); lines are kept as they are
    source_text = reading.read(source, "review").text if source is not None else None
    lines = []
    for item in sorted(items, key=lambda i: (i.block, i.start)):
        block = reader.blocks[item.block] if item.block < len(reader.blocks) else ""
        where = f"{path.name}: {item.section or '(before the first heading)'}"
        if source_text is not None:
            line = locate(source_text, block, item)
            if line is not None:
                where = f"{source}:{line}"
        lines.append(f"{where}: {describe(item, block)}")
    return lines
