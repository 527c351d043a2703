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
import json
import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from publish import ast as A
from publish import pandoc, reading
from publish.errors import SourceError, UsageError

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
        t, c = block["t"], A.content(block)
        if t in LEAVES:
            inlines = A.inlines_of(block) or []
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
            t, c = e["t"], A.content(e)
            if t == "Str":
                self._put(A.text(e))
            elif t in ("Space", "SoftBreak", "LineBreak"):
                self._put(" ")
            elif t in ("Code", "Math"):
                self._put(A.text(e))
            elif t == "Quoted":
                q = "“”" if A.quote_kind(e) == "DoubleQuote" else "‘’"
                self._put(q[0])
                self.inlines(A.inlines_of(e) or [], notes)
                self._put(q[1])
            elif t in ("Link", "Image", "Cite"):
                self.inlines(A.inlines_of(e) or [], notes)
            elif t == "Note":
                notes.append(A.blocks_of(e))
            elif t == "Span":
                self.span(A.attr(e) or A.make_attr(), A.inlines_of(e) or [], notes)
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


# -- reviewers teach the glossary (issue 17, item 8) ---------------------------------------
LONGEST = 12  # characters of a word a replacement may change; longer is a rewrite, not a term


@dataclass
class Learned:
    key: str  # the source's word
    value: str  # what the reviewer wrote in the edition
    was: str  # what the edition had
    note: str


def edition_of(path: Path) -> str:
    """The edition a reviewed DOCX is a copy of, from its name (``x.zh-Hant-TW.docx``)."""
    from publish.editions.table import CODES

    found = [c for c in CODES if f".{c}." in f".{path.name}" or path.stem.endswith(c)]
    if not found:
        raise UsageError(
            f"{path}: cannot tell which edition this is; keep the name the build gave it "
            f"(<stem>.<edition>.docx, editions {', '.join(CODES)})"
        )
    return max(found, key=len)


def learn_glossary(
    path: Path, out: Path, source: Path | None = None
) -> tuple[list[Learned], list[str]]:
    """A reviewer's tracked replacements (a deletion next to an insertion) in a Traditional
    edition, as glossary entries keyed by the source's words, merged into ``out`` (a
    glossary file, made if missing); returns what was learned and a line for each
    replacement that could not be mapped, and why."""
    from publish.editions.glossary import load_glossary, read_glossary
    from publish.editions.script import CONFIGS, detect_script
    from publish.editions.table import EDITIONS

    edition = edition_of(path)
    spec = EDITIONS[edition]
    if spec.script != "Hant":
        raise UsageError(
            f"{path}: a {edition} copy; --glossary-out learns from a Traditional edition's "
            "replacements (zh-Hant-TW, zh-Hant-HK)"
        )
    if out.exists():
        read_glossary(out)  # a file that is no glossary is refused before anything is read
    # the words are looked up as the project's glossary converts them (``out`` may already
    # hold the reviewer's word: the copy was made before it)
    glossary = load_glossary(None)
    source_text = reading.read(source, "review").text if source is not None else None
    script = detect_script(source_text) if source_text else "Hans"
    config = CONFIGS[(script, "" if script == "Hans" else "TW")][edition]
    reader, items = read_items(path)
    learned: list[Learned] = []
    skipped: list[str] = []
    for old, new in _replacements(items, skipped):
        block = reader.blocks[old.block] if old.block < len(reader.blocks) else ""
        where = f"{path.name}: {old.section or '(before the first heading)'}"
        was, now = _whole_words(block, old.start, old.end, _squash(new.text).strip())
        change = f"{_squash(old.text).strip()} → {_squash(new.text).strip()}"
        if not was or not now or len(was) > LONGEST or len(now) > LONGEST:
            skipped.append(f"{where}: {change}: not a change of one word")
            continue
        if config is None:
            skipped.append(
                f"{where}: {change}: the source is written in {edition}'s script and is not "
                "converted; correct the source itself"
            )
            continue
        keys = _keys(was, edition, config, glossary, source_text)
        if len(keys) != 1:
            why = (
                f"no source word converts to {was}"
                if not keys
                else f"{' or '.join(sorted(keys))} each convert to {was}; give --source"
            )
            skipped.append(f"{where}: {change}: {why}")
            continue
        who = f"{old.author or new.author or 'a reviewer'}"
        date = (old.date or new.date)[:10]
        note = f"{who}{', ' + date if date else ''}: {was} → {now} ({path.name})"
        learned.append(Learned(keys.pop(), now, was, note))
    _write_glossary(out, learned, edition)
    return learned, skipped


def _replacements(items: list[Item], skipped: list[str]) -> list[tuple[Item, Item]]:
    """Each insertion paired with the deletion it replaces: the one that ends where it
    stands (Word writes w:del, then w:ins), else the one that starts there."""
    changes = [i for i in items if i.kind in ("insert", "delete") and i.text != "¶"]
    pairs: list[tuple[Item, Item]] = []
    used = [False] * len(changes)  # by place in changes
    dels = [n for n, c in enumerate(changes) if c.kind == "delete"]
    for k, i in enumerate(changes):
        if i.kind != "insert":
            continue
        for edge in ("end", "start"):
            n = next(
                (
                    n
                    for n in dels
                    if not used[n]
                    and changes[n].block == i.block
                    and getattr(changes[n], edge) == i.start
                ),
                None,
            )
            if n is not None:
                pairs.append((changes[n], i))
                used[n] = used[k] = True
                break
    for n, i in enumerate(changes):
        if not used[n]:
            what = "deletion" if i.kind == "delete" else "insertion"
            skipped.append(
                f"{i.section or '(before the first heading)'}: {what} of "
                f"{_squash(i.text).strip()}: not a replacement"
            )
    return sorted(pairs, key=lambda p: (p[0].block, p[0].start))


def _whole_words(block: str, start: int, end: int, new: str) -> tuple[str, str]:
    """The words of ``block`` the replacement of ``block[start:end]`` by ``new`` touches,
    before and after it (a reviewer who changes 執 in 執行 changes the word 執行)."""
    from publish.editions.words import Words

    if not block or start >= end:
        return "", ""
    seg = Words(block)
    s, e = seg.start[start], seg.end[end - 1]
    return block[s:e], block[s:start] + new + block[end:e]


def _keys(was: str, edition: str, config: str, glossary: Any, source: str | None) -> set[str]:
    """The source words that the edition writes as ``was``: candidates from the glossary,
    OpenCC's phrase table and the word's own characters, each checked by converting it;
    with the source at hand, only those that occur in it."""
    from publish.editions.convert import Converter, _phrase_dictionary
    from publish.editions.phrases import EXTRA
    from publish.editions.script import converter

    simple = converter("t2s").convert
    candidates = {simple(was)}
    for domain in ("technical", "general"):
        candidates |= {k for k, v in glossary.for_edition(edition, domain).items() if v == was}
    if config in EXTRA:
        table = _phrase_dictionary(config, *_plan(config))
        candidates |= {simple(k) for k, v in table.items() if v == was}
    keys = set()
    for key in candidates:
        if source is not None and key not in source:
            continue
        for domain in ("technical", "general"):
            if Converter(edition, config, glossary, quotes=False, domain=domain).text(key) == was:
                keys.add(key)
                break
    # A reviewer corrects what the converter chose: a phrase change (运行 → 執行) rather
    # than the word's own characters (执行 → 執行), when both would give ``was``.
    chars = converter(_base(config)).convert
    phrased = {k for k in keys if chars(k) != was}
    return phrased or keys


def _base(config: str) -> str:
    """The character-level config the converter starts from (s2tw for s2twp)."""
    from publish.editions.convert import PLAN

    return PLAN[config][0] if config in PLAN else config


def _plan(config: str) -> tuple[str | None, str | None]:
    from publish.editions.convert import PLAN

    _, _, keys, values = PLAN.get(config, ("", "", None, None))
    return keys, values


def _write_glossary(out: Path, learned: list[Learned], edition: str) -> None:
    """``out`` with the learned entries added (an existing entry's other editions kept,
    this edition's value replaced); the file is written whole, its entries sorted."""
    import tomllib

    data: dict[str, Any] = tomllib.loads(out.read_text("utf-8")) if out.exists() else {}
    terms = data.setdefault("terms", {})
    for e in learned:
        entry = terms.setdefault(e.key, {})
        entry[edition] = e.value
        entry["note"] = e.note
    lines = [
        "# Glossary for `publish build --glossary FILE`: entries learned from reviewers'",
        "# tracked replacements (`publish review … --glossary-out FILE`); edit freely.",
    ]
    for section in ("terms", "technical", "general"):
        entries = data.get(section) or {}
        if not entries:
            continue
        lines += ["", f"[{section}]"]
        for key in sorted(entries):
            values = entries[key]
            inner = ", ".join(
                f"{k if k == 'note' else _toml(k)} = {_toml(v)}" for k, v in values.items()
            )
            lines.append(f"{_toml(key)} = {{ {inner} }}")
    keep = (data.get("keep") or {}).get("words") or []
    if keep:
        lines += ["", "[keep]", "words = [" + ", ".join(_toml(w) for w in keep) + "]"]
    from publish.writers.common import write_bytes

    write_bytes(out, ("\n".join(lines) + "\n").encode("utf-8"))


def _toml(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)
