"""``publish review FILE.docx``: the comments and tracked changes in a reviewed DOCX, one a
line, with the text around them, so the author can apply them to the Markdown source.

pandoc reads the DOCX with ``--track-changes=all``: a comment is a Span ``comment-start``
(its ``id``, ``author``, ``date``; the comment's own text inside) and an empty Span
``comment-end`` with the same ``id``, the commented text between them; an insertion or a
deletion is a Span ``insertion``/``deletion`` around the text. Inserted and deleted
paragraph marks (``paragraph-insertion``/``paragraph-deletion``) are reported too.

A DOCX is a zip file that came back from someone else: before pandoc unzips it, its
declared sizes are checked (:data:`MAX_UNZIPPED` in all, :data:`MAX_RATIO` compression for
a large part, :data:`MAX_PARTS` parts), and pandoc is given a copy rebuilt from those
parts read no further than their declared sizes, so a part that unpacks to more than it
declares is refused too (a 5 MB file holding 1.5 GB exhausted 24 GB of memory). A
document nested deeper than :data:`MAX_DEPTH` levels (tables in tables…) is refused as
well. Each refusal is one line naming the file.
"""

from __future__ import annotations

import bisect
import io
import re
import shutil
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
MAX_UNZIPPED = 200 * 2**20  # bytes of a DOCX's parts unpacked (a long report's are ~10 MB)
MAX_RATIO = 100  # unpacked / packed, for a part over RATIO_FROM (text packs ~10 times)
RATIO_FROM = 2**20
MAX_PARTS = 10_000
# Levels of pandoc's JSON (about ten per table in a table): Reader recurses once per level.
MAX_DEPTH = 400


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
        self._pos = 0  # characters in _buf, kept as it grows (summing them made it quadratic)
        self._open: dict[str, tuple[Item, int]] = {}  # a comment and its place in _buf

    def _put(self, text: str) -> None:
        self._buf.append(text)
        self._pos += len(text)

    def _since(self, index: int) -> str:
        """The text put in the paragraph since ``_buf`` had ``index`` pieces."""
        return "".join(self._buf[index:])

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
            self._pos = 0
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
                self._put(c)
            elif t in ("Space", "SoftBreak", "LineBreak"):
                self._put(" ")
            elif t in ("Code", "Math"):
                self._put(c[1])
            elif t == "Quoted":
                q = "“”" if c[0]["t"] == "DoubleQuote" else "‘’"
                self._put(q[0])
                self.inlines(c[1], notes)
                self._put(q[1])
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
            start, index = self._pos, len(self._buf)
            if "paragraph-deletion" in classes:
                self._add(kind, meta, "¶", start, start)
                return
            self.inlines(content, notes)
            self._add(kind, meta, self._since(index), start, self._pos)
        elif "comment-start" in classes:
            at = self._pos
            author, date = meta.get("author", ""), meta.get("date", "")
            item = Item("comment", author, date, plain(content), here, at, at, self.section)
            self._open[meta.get("id", "")] = (item, len(self._buf))
            self.items.append(item)
        elif "comment-end" in classes:
            opened = self._open.pop(meta.get("id", ""), None)
            if opened is not None:
                item, index = opened
                if item.block == here:
                    item.anchor = self._since(index)
                    item.end = self._pos
                else:  # ran over paragraphs: its start to the end of the first, then here
                    first = self.blocks[item.block]
                    item.end = len(first)
                    item.anchor = f"{first[item.start :]} … {self._since(0)}"
        else:
            self.inlines(content, notes)

    def _add(self, kind: str, meta: dict[str, str], text: str, start: int, end: int) -> None:
        author, date = meta.get("author", ""), meta.get("date", "")
        item = Item(kind, author, date, text, len(self.blocks), start, end, self.section)
        self.items.append(item)


def plain(inlines: list[Any]) -> str:
    r = Reader()
    r.inlines(inlines, [])
    return r._since(0)


def read_items(path: Path) -> tuple[Reader, list[Item]]:
    if not path.is_file():
        raise SourceError(f"{path}: no such file")
    if not zipfile.is_zipfile(path):
        raise SourceError(f"{path}: not a DOCX file (give the .docx the reviewer sent back)")
    out, _ = pandoc.run(
        ["-f", "docx", "--track-changes=all", "-t", "json"], checked_copy(path), f"{path}"
    )
    blocks = pandoc.loads(out, f"{path}")["blocks"]
    if _deeper_than(blocks, MAX_DEPTH):
        raise SourceError(
            f"{path}: nested more than {MAX_DEPTH} levels deep (tables or lists inside each "
            "other); flatten them in the DOCX and try again"
        )
    reader = Reader()
    reader.walk_blocks(blocks)
    return reader, reader.items


def checked_copy(path: Path) -> bytes:
    """The DOCX at ``path`` rebuilt from its parts, each read no further than its declared
    size, once the declared sizes pass the checks (see the module); :class:`SourceError`
    naming the file otherwise."""

    def refuse(why: str) -> SourceError:
        return SourceError(
            f"{path}: {why}; not read (save it again from Word, or ask for a new copy)"
        )

    try:
        with zipfile.ZipFile(path) as zin:
            parts = zin.infolist()
            if len(parts) > MAX_PARTS:
                raise refuse(f"{len(parts)} parts in one DOCX")
            total = sum(p.file_size for p in parts)
            if total > MAX_UNZIPPED:
                raise refuse(
                    f"it unpacks to {total // 2**20} MiB (over {MAX_UNZIPPED // 2**20} MiB)"
                )
            for p in parts:
                if p.file_size > RATIO_FROM and p.file_size > MAX_RATIO * max(1, p.compress_size):
                    raise refuse(
                        f"{p.filename} packs {p.file_size // 2**20} MiB "
                        f"over {MAX_RATIO} times (a zip bomb?)"
                    )
            copy = io.BytesIO()
            with zipfile.ZipFile(copy, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
                for p in parts:
                    if p.is_dir():
                        continue
                    with zin.open(p) as src, zout.open(p.filename, "w") as dst:
                        shutil.copyfileobj(src, dst, 2**20)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as exc:
        raise refuse(f"a damaged DOCX ({exc})") from None
    except (RuntimeError, ValueError) as exc:  # encrypted, or a bad compression method
        raise refuse(f"a DOCX that cannot be unpacked ({exc})") from None
    return copy.getvalue()


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether ``value`` nests lists and dicts more than ``limit`` levels (iteratively)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, list):
            stack.extend((x, depth + 1) for x in item if isinstance(x, (list, dict)))
        elif isinstance(item, dict):
            stack.extend((x, depth + 1) for x in item.values() if isinstance(x, (list, dict)))
    return False


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
