"""The fidelity check: did every output print what its source says, and nothing of its markup?

Run after the writers, on each output file (HTML, EPUB, DOCX, PDF) as a reader's tool reads
it back. Two findings, both warnings:

- ``content-lost``: a run of the source's text (at least :data:`MIN_RUN` content characters)
  that no output text holds. The comparison is on *content characters* only (letters, digits,
  Han characters), folded to one form on both sides (NFKC, lower case, OpenCC ``t2s`` one
  character at a time), so punctuation, spacing, 「」 quotes, script and most of an edition's
  vocabulary changes (软件→軟體) do not count. The source side leaves aside what is not meant
  to be printed as written: YAML front matter, fenced code, inline code, math, HTML tags and
  comments, URLs and link targets, image descriptions, citation and note marks, attribute
  blocks, list numbers, cross-reference marks, and what the manuscript stage removed on
  purpose (it blanks the chat it removes in ``Document.text``). The output side keeps all
  visible text, code included (a block the reader took for code is still printed).
- ``markup-shown``: raw syntax printed as text outside code: a ``#`` heading marker at a
  line start, ``{%``, a ``[!NOTE]`` callout marker, a ``[[…]]`` wikilink, a pipe-table row
  ``| a | b |`` or rule ``|---|``, a ``:::`` fence. Not when the source itself shows that
  text in code or escaped (``\\#``).

How text is matched: a source character is *found* when some window of :data:`GRAM`
consecutive content characters around it stands anywhere in the output. This is linear in
the text's length and order-free, which the outputs need: notes move to the page foot or the
end, a PDF interleaves running heads, an author's list of sources becomes the bibliography.
A changed word (an edition's vocabulary) leaves unfound only its own characters, or the few
between two changes closer than :data:`GRAM`; a dropped sentence leaves all of its own.
:data:`GRAM` and :data:`MIN_RUN` were measured on the shared corpus (README, "Fidelity").

The build calls :func:`check_output` per output (or :func:`check` for several), after the
writer; ``python -m publish.fidelity DIR`` checks a built folder (``make check``).
"""

from __future__ import annotations

import array
import bisect
import contextlib
import functools
import json
import re
import sys
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree
from lxml import html as lhtml

from publish.document import Diagnostic, Document
from publish.lines import NESTED, scan
from publish.manuscript.includes import DIRECTIVE as INCLUDE

GRAM = 6  # content characters in a matching window
MIN_RUN = 10  # unfound content characters in a row that make a content-lost
MAX_PER_OUTPUT = 50  # findings per output and code beyond which one more line says "and N more"

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DOCX_PARTS = ("word/document.xml", "word/footnotes.xml", "word/endnotes.xml")
# pandoc's DOCX styles for code blocks and inline code.
DOCX_CODE_STYLES = {"SourceCode", "VerbatimChar"}
# (X)HTML elements whose text a reader never sees, and those that are code or math.
# Math is left out on both sides: the source's TeX is never printed, MathML's pieces are not
# the source's characters.
HIDDEN = {"script", "style", "template", "head", "title", "math", "svg"}
CODE = {"code", "pre", "kbd", "samp", "tt"}
BLOCKS = {
    "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "table", "tr", "td", "th", "caption", "figure", "figcaption", "section",
    "article", "aside", "header", "footer", "nav", "br", "hr", "pre", "details", "summary",
    "body",
}  # fmt: skip


# -- folding ------------------------------------------------------------------------------


@functools.cache
def _opencc() -> Any:
    import opencc

    return opencc.OpenCC("t2s.json")


@functools.lru_cache(maxsize=65536)
def fold(c: str) -> str:
    """One character as compared: "" when it is not content, else its folded form. One
    character at a time, so a position in the folded text maps back to one source place."""
    if not c.isalnum():
        return ""
    c = unicodedata.normalize("NFKC", c).lower()
    if len(c) == 1 and ord(c) > 0x2E7F:  # CJK and beyond: OpenCC's table
        simple = _opencc().convert(c)
        return simple if len(simple) == 1 else c
    return "".join(x for x in c if x.isalnum())


def content(text: str) -> str:
    return "".join(fold(c) for c in text)


# -- the source -----------------------------------------------------------------------------

FRONT = re.compile(r"\A\ufeff?---[ \t]*\n(?:.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
INLINE_CODE = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)")
# A web address: left out on both sides (an output prints some, as link text, as a
# reference, as a picture it could not fetch; a cut one is completed).
URL = re.compile(r"(?:https?|ftp)://[^\s<>\"'）】」」，。；]*", re.I)
HIDE = [
    # comments and elements whose content is never shown, across lines
    re.compile(r"<!--.*?(?:-->|\Z)", re.S),
    re.compile(r"<(script|style|template)\b.*?(?:</\1\s*>|\Z)", re.S | re.I),
    # math: drawn or written as MathML, never as its TeX
    re.compile(r"\$\$.+?\$\$", re.S),
    re.compile(r"\\\[.+?\\\]", re.S),
    re.compile(r"\\\(.+?\\\)", re.S),
    re.compile(r"(?<![\\$])\$(?=\S)[^$\n]*?(?<=[^\s\\])\$(?!\d)"),
    # images (their description is an attribute, or a caption we do not insist on)
    re.compile(r"!\[\[[^\]\n]*\]\]"),
    re.compile(
        r"!\[(?:[^\[\]\n]|\[[^\[\]\n]*\])*\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+[^)\n]*)?\)"
        r"(?:\{[^{}\n]*\})?"  # and its attributes ({width=300px})
    ),
    # reference-style images, and a reference link's label ([文字][label], [文字][])
    re.compile(r"!\[(?:[^\[\]\n]|\[[^\[\]\n]*\])*\]\[[^\[\]\n]*\]"),
    re.compile(r"(?<=\])\[[^\[\]\n]*\]"),
    # link targets, reference definitions, autolinks and bare addresses
    re.compile(r"\]\(\s*<?(?:[^()\s]|\([^()\s]*\))*>?(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'))?\s*\)"),
    re.compile(
        r"(?m)^ {0,3}\[(?!\^)[^\]\n]+\]:[ \t]*\S+"
        r"(?:[ \t]+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^)\n]*\)))?[ \t]*$"
    ),
    re.compile(r"<(?:https?|ftp|mailto):[^>\s]*>", re.I),
    URL,
    # HTML tags (their text stays), entities
    re.compile(r"</?[A-Za-z][\w:-]*(?:\s[^<>]*)?/?>", re.S),
    re.compile(r"&(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#[xX][0-9A-Fa-f]+);"),
    # template tags, attribute blocks, callout markers, note marks and definitions
    re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.S),
    re.compile(r"\{[#.][^{}\n]*\}|\{=[\w-]+\}|(?<=\])\{[^{}\n]*\}"),
    re.compile(r"\[![A-Za-z][\w-]*\][-+]?"),
    re.compile(r"\[\^[^\]\n]*\]:?"),
    re.compile(r"\[\[?\s*\d{1,4}\s*\]\]?"),  # citation marks: renumbered in the outputs
    # cross-references (@fig-a): printed as "图 1" (manuscript/crossrefs.py)
    re.compile(
        r"\[?(?<![A-Za-z0-9_.@])@(?:fig|tbl|sec|eq)-[A-Za-z0-9_](?:[A-Za-z0-9_.:-]*[A-Za-z0-9_])?\]?"
    ),
    re.compile(r"\[\[[^\[\]|\n]*\|"),  # a wikilink's target when it has a label
    # list numbers and task boxes (drawn by the reader, not text); fence and caption marks
    re.compile(r"(?m)^(?:[ \t]*>)*[ \t]*\d{1,9}[.)](?=[ \t]|$)"),
    re.compile(r"(?m)^(?:[ \t]*>)*[ \t]*[-*+][ \t]+\[[ xX]\]"),
    re.compile(r"(?m)^[ \t]*:{3,}[ \t]*\{?[\w.-]*"),
    re.compile(r"(?m)^[ \t]*Table:"),
    # emoji shortcodes (:smile:, :+1:): the reader prints the emoji itself
    re.compile(r"(?<![\w:]):[a-z0-9_+-]{1,40}:(?![\w:])"),
]
ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


@dataclass
class Source:
    """A source as the check compares it."""

    chars: str  # folded content characters
    # One entry per content character: machine integers (a list of Python ints took
    # 60 bytes a character, 25 MB of a 100-fold report's build; the Source is also
    # pickled to every worker).
    lines: array.array[int]  # the source line of each
    offsets: array.array[int]  # its place in the text
    text: str  # the text the offsets point into: the source's, converted, markup blanked
    literal: str  # folded text the source shows as written: code, escaped marks
    original: str  # the source's text, Han characters folded

    def line_span(self, line: int) -> tuple[int, int]:
        """The content characters of source line ``line`` (start, end)."""
        return bisect.bisect_left(self.lines, line), bisect.bisect_right(self.lines, line)

    def line_at(self, chars: str) -> int | None:
        """The source line where the content ``chars`` stand (None if nowhere)."""
        for n in (len(chars), 12, GRAM):
            at = self.chars.find(chars[:n]) if n and len(chars) >= n else -1
            if at >= 0:
                return self.lines[at]
        return None


def _blank(s: str) -> str:
    return re.sub(r"[^\n]", " ", s)


def source(doc: Document, edition: str | None = None, glossary: Any = None) -> Source:
    """The content of ``doc.text`` (the manuscript stage's text: removed chat is blanked in
    it), with what is not printed as written blanked, line numbers kept; for ``edition``,
    converted as the editions stage converts it, so that the edition's phrasing (多任务→多工,
    智能→智慧) is not taken for lost text: with ``glossary`` (the build's) by the edition's
    own converter, its vocabulary tables and the document's domain included (a general
    text's 數據 where OpenCC writes 資料), else by the same OpenCC config."""
    config = None
    if edition:
        from publish.editions.script import CONFIGS, detect_script

        script = detect_script(doc.text)
        region = (doc.region or "TW") if script == "Hant" else ""
        config = CONFIGS.get((script, region), {}).get(edition)
    text = _without_taken(doc)
    if glossary is None or not config:
        return _source(text, config)
    from publish.editions.edition import converter_for

    return _build_source(text, converter_for(doc, edition, glossary).words_only)


def _without_taken(doc: Document) -> str:
    """``doc.text`` with the lines of what a later stage took out on purpose blanked: the
    author's own list of sources, printed as the numbered list (``references-listed``),
    and a Notion link card's word, printed as its address (``notion-card``)."""
    # each entry's words up to its address (written [https://…](https://…) in the source),
    # when they are enough to tell its line; else the whole entry
    pieces = [
        words if len(words := re.split(r"\s*https?://", piece)[0]) >= 6 else piece
        for r in doc.removed
        if r.get("where") == "references-listed"
        for ln in str(r.get("text", "")).split("\n")
        if len(piece := ln.strip()) >= 2
    ]
    cards = {r.get("line") for r in doc.removed if r.get("where") == "notion-card"}
    if not pieces and not cards:
        return doc.text
    lines = doc.text.split("\n")
    for i, line in enumerate(lines):
        # the pieces are the list's words as read: a line's escapes (content\_1.htm) undone
        plain = ESCAPE.sub(r"\1", line) if "\\" in line else line
        if i + 1 in cards or any(p in line or p in plain for p in pieces):
            lines[i] = _blank(line)
    return "\n".join(lines)


@functools.lru_cache(maxsize=8)
def _source(text: str, config: str | None) -> Source:
    return _build_source(text, functools.partial(_convert, config))


def _build_source(text: str, convert: Callable[[str], str]) -> Source:
    literal: list[str] = []
    t = text
    m = FRONT.match(t)
    if m:
        t = _blank(m.group()) + t[m.end() :]
    # Code is compared too (every format prints it), as written: kept apart from the markup
    # patterns and the conversion. Raw blocks ({=latex}) and math blocks are not printed.
    code: list[tuple[int, int]] = []  # spans of t
    lines = t.split("\n")
    at = 0
    # the one fence scanner (publish/lines.py), fences in list items and quotes included
    inside, printed = False, True
    for i, ln in enumerate(scan(lines, nested=True)):
        line, end = ln.text, at + len(ln.text)
        if ln.fence:
            if not inside:  # opening: a raw or math block is not printed
                m = NESTED.match(line)
                info = m.group(2).strip().lower() if m else ""
                printed = not info.startswith(("{=", "math"))
            inside = not inside
            lines[i] = _blank(line)
        elif ln.code:
            if INCLUDE.match(line):  # an mdBook include: the file's lines print instead
                lines[i] = _blank(line)
            elif printed:
                literal.append(line)
                code.append((at, end))
            else:
                lines[i] = _blank(line)
        elif line.startswith(("    ", "\t")):
            literal.append(line)  # perhaps indented code: shown as written
        at = end + 1
    t = "\n".join(lines)
    masked = _mask(t, code)

    def inline(m: re.Match[str]) -> str:
        literal.append(m.group(2))
        code.append((m.start(2), m.end(2)))
        return _blank(m.group())

    masked = INLINE_CODE.sub(inline, masked)
    # an escaped mark is the author's own text: "\# 不是标题" prints "# 不是标题"
    literal += [ESCAPE.sub(r"\1", ln) for ln in masked.split("\n") if "\\" in ln]
    for pattern in HIDE:
        masked = pattern.sub(lambda m: _blank(m.group()), masked)
    # code back as written; the rest converted as the edition converts human text
    code.sort()
    pieces: list[str] = []
    at = 0
    for lo, hi in [*code, (len(t), len(t))]:
        pieces.append(convert(masked[at:lo]) if masked[at:lo].strip() else masked[at:lo])
        pieces.append(URL.sub(lambda m: _blank(m.group()), t[lo:hi]))
        at = hi
    t = "".join(pieces)
    chars, where, offsets = _folded(t)
    literal_text = "\n".join(_fold_text(x) for x in literal)
    return Source(chars, where, offsets, t, literal_text, _fold_text(text))


def _folded(t: str) -> tuple[str, array.array[int], array.array[int]]:
    """The content characters of ``t`` folded, with the line and the place in ``t`` of
    each. Each distinct character is folded once, and each line translated whole: a
    loop over every character took 0.06 s of a ten-fold report."""
    table = {ord(c): fold(c) for c in set(t)}
    keep = {c for c in set(t) if table[ord(c)]}
    many = {c for c in keep if len(table[ord(c)]) > 1}  # "ﬁ" → "fi": one place, two chars
    chars: list[str] = []
    where = array.array("I")
    offsets = array.array("I")
    at = 0
    for number, line in enumerate(t.split("\n"), start=1):
        if not many.isdisjoint(line):
            places = [at + i for i, c in enumerate(line) for _ in table[ord(c)]]
        else:
            places = [at + i for i, c in enumerate(line) if c in keep]
        chars.append(line.translate(table))
        where.extend([number] * len(places))
        offsets.extend(places)
        at += len(line) + 1
    return "".join(chars), where, offsets


def _mask(t: str, spans: list[tuple[int, int]]) -> str:
    """``t`` with the ``spans`` blanked (newlines kept)."""
    out = list(t)
    for lo, hi in spans:
        out[lo:hi] = _blank(t[lo:hi])
    return "".join(out)


def _convert(config: str | None, text: str) -> str:
    if not config or not text.strip():
        return text
    from publish.editions.script import converter

    return converter(config).convert(text)  # OpenCC never joins or splits lines


def _fold_text(s: str) -> str:
    """``s`` with its Han characters folded (markup kept) to compare shown markup."""
    return s.translate({ord(c): fold(c) or c for c in set(s) if ord(c) > 0x2E7F})


# -- the outputs ----------------------------------------------------------------------------


@dataclass
class Shown:
    """An output's visible text: ``text`` all of it, ``prose`` without code and math; blocks
    and lines end with a newline in both."""

    text: str
    prose: str


def _walk(root: etree._Element) -> Shown:
    text: list[str] = []
    prose: list[str] = []

    def visit(e: etree._Element, in_code: bool) -> None:
        if not isinstance(e.tag, str):  # comments, processing instructions
            return
        name = etree.QName(e).localname.lower()
        if name in HIDDEN:
            return
        code = in_code or name in CODE
        block = name in BLOCKS
        if block:
            text.append("\n")
            prose.append("\n")
        if e.text:
            text.append(e.text)
            if not code:
                prose.append(e.text)
        for child in e:
            visit(child, code)
            if child.tail:
                text.append(child.tail)
                if not code:  # a child's tail is its parent's text
                    prose.append(child.tail)
        if block:
            text.append("\n")
            prose.append("\n")

    visit(root, False)
    return Shown("".join(text), "".join(prose))


def _html(path: Path) -> Shown:
    tree = lhtml.fromstring(path.read_bytes())
    body = tree.find(".//body")
    return _walk(body if body is not None else tree)


def _epub(path: Path) -> Shown:
    parts: list[Shown] = []
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    with zipfile.ZipFile(path) as z:
        for name in sorted(z.namelist()):
            if name.endswith((".xhtml", ".html", ".htm")):
                root = etree.fromstring(z.read(name), parser)
                body = root.find("{http://www.w3.org/1999/xhtml}body")
                parts.append(_walk(body if body is not None else root))
    return Shown("\n".join(p.text for p in parts), "\n".join(p.prose for p in parts))


def _docx(path: Path) -> Shown:
    text: list[str] = []
    prose: list[str] = []
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        for part in DOCX_PARTS:
            if part not in names:
                continue
            root = etree.fromstring(z.read(part), parser)
            for p in root.iter(f"{W}p"):
                style = p.find(f"{W}pPr/{W}pStyle")
                code_p = style is not None and style.get(f"{W}val") in DOCX_CODE_STYLES
                for r in p.iter(f"{W}r"):
                    rstyle = r.find(f"{W}rPr/{W}rStyle")
                    code = code_p or (
                        rstyle is not None and rstyle.get(f"{W}val") in DOCX_CODE_STYLES
                    )
                    for x in r:
                        piece = {f"{W}t": x.text or "", f"{W}tab": "\t", f"{W}br": "\n"}.get(
                            x.tag, ""
                        )
                        text.append(piece)
                        if not code:
                            prose.append(piece)
                text.append("\n")
                prose.append("\n")
    return Shown("".join(text), "".join(prose))


def _pdf(path: Path, opened: Any = None) -> Shown:
    """``opened``: the file, open in PyMuPDF already (the build draws its thumbnail from
    the same: opening it reads its outline too, 17 ms for a ten-fold report)."""
    import pymupdf  # the test extra, which `make` installs; see check_output

    text: list[str] = []
    prose: list[str] = []
    with contextlib.nullcontext(opened) if opened is not None else pymupdf.open(path) as pdf:
        for page in pdf:
            for block in page.get_text("dict")["blocks"]:
                for line in block.get("lines", []):
                    for span in line["spans"]:
                        text.append(span["text"])
                        # code is set in DejaVu Sans Mono / Noto Sans Mono CJK
                        if "Mono" not in span["font"]:
                            prose.append(span["text"])
                    text.append("\n")
                    prose.append("\n")
    return Shown("".join(text), "".join(prose))


READERS: dict[str, Callable[[Path], Shown]] = {
    "html": _html,
    "epub": _epub,
    "docx": _docx,
    "pdf": _pdf,
}


def shown(path: Path, pdf: Any = None) -> Shown:
    """The visible text of an output, by its suffix; ``pdf``: a PDF open in PyMuPDF."""
    if pdf is not None:
        return _pdf(path, pdf)
    return READERS[path.suffix.lstrip(".").lower()](path)


# -- the check ------------------------------------------------------------------------------


def lost(src: Source, out_chars: str) -> list[tuple[int, int]]:
    """(start, end) of every run of at least MIN_RUN source content characters that no
    window of GRAM found in ``out_chars`` covers."""
    n = len(src.chars)
    if n == 0:
        return []
    if n < GRAM:
        return [] if src.chars in out_chars or n < MIN_RUN else [(0, n)]
    grams = {out_chars[i : i + GRAM] for i in range(len(out_chars) - GRAM + 1)}
    found = bytearray(n)
    one = b"\x01" * GRAM
    s = src.chars
    for i in range(n - GRAM + 1):
        if s[i : i + GRAM] in grams:
            found[i : i + GRAM] = one
    # A short line (a heading, a title, a table cell) is found when it stands whole in the
    # output: the windows that cross into the text around it need not, when the output
    # sets it elsewhere (a title page) or the text next to it is the part that was lost.
    for m in re.finditer(rb"\x00+", bytes(found)):
        a, b = m.start(), m.end()
        if b - a < MIN_RUN:
            continue
        for line in range(src.lines[a], src.lines[b - 1] + 1):
            lo, hi = src.line_span(line)
            if hi - lo >= 2 and s[lo:hi] in out_chars:
                found[lo:hi] = b"\x01" * (hi - lo)
    runs = []
    for m in re.finditer(rb"\x00+", bytes(found)):
        a, b = m.start(), m.end()
        if b - a >= MIN_RUN and not _replaced(s, out_chars, a, b):
            runs.append((a, b))
    return runs


def _replaced(s: str, out: str, a: int, b: int) -> bool:
    """Whether the output holds other text where ``s[a:b]`` should stand, between the text
    around it: a word the edition words differently (a domain's vocabulary, the glossary),
    not a loss. Lost text leaves no such stretch. The text around is taken a character or
    two away too: a character next to a changed word can be "found" by chance elsewhere."""
    for i, j in ((0, 0), (1, 1), (2, 2)):
        lo, hi = a - i, b + j
        left, right = s[max(0, lo - GRAM) : lo], s[hi : hi + GRAM]
        if len(left) < GRAM or len(right) < GRAM:
            # at either end of the text: the same words, differently worded, next to it
            return _alike(s[a:b], out, left, right)
        width = hi - lo
        x = out.find(left)
        for _ in range(100):  # each place the text before it stands (most often one)
            if x < 0:
                break
            start = x + GRAM
            y = out.find(right, start, start + 4 * width + GRAM + 40)
            if y >= 0:
                if y - start >= width / 2:
                    return True
                break
            x = out.find(left, x + 1)
    return False


def _alike(run: str, out: str, left: str, right: str) -> bool:
    """Whether text much like ``run`` (half its characters, in order) stands next to
    ``left`` or ``right`` in ``out``."""
    import difflib

    places = []
    if not left:  # the start of the text: the output's start (a title page, a cover)
        places.append(out[: 3 * len(run)])
    if right:
        y = out.find(right)
        if y >= 0:
            places.append(out[max(0, y - 2 * len(run)) : y])
    if left:
        x = out.find(left)
        if x >= 0:
            places.append(out[x + len(left) : x + len(left) + 2 * len(run)])
    for place in places:
        if len(run) * len(place) > DIFFLIB_CELLS:  # difflib is quadratic: minutes at 5,000
            same = _in_order(run, place)
        else:
            matcher = difflib.SequenceMatcher(None, run, place, autojunk=False)
            same = sum(m.size for m in matcher.get_matching_blocks())
        if same >= len(run) / 2:
            return True
    return False


# Above this many character pairs (run × place), :func:`_alike` counts greedily instead of
# with difflib: a 5,000-character run (a paragraph of 800 citation marks whose numbers the
# output prints between the words) took difflib 230 s, measured; the greedy count, 5 ms.
DIFFLIB_CELLS = 2_000_000
REACH = 8  # characters ahead that _in_order looks for the next one first
JUMP = 400  # and then, to step over a block set in between (a title page, contents)


def _in_order(run: str, place: str) -> int:
    """How many characters of ``run`` stand in ``place`` in the same order: each looked for
    within :data:`REACH` characters of the last one found (a word changed or a number
    inserted is stepped over), else within :data:`JUMP`. Linear; a lower bound of what
    difflib would count, near it when the text is the same words in the same order."""
    at = found = 0
    for ch in run:
        x = place.find(ch, at, at + REACH)
        if x < 0:
            x = place.find(ch, at, at + JUMP)
        if x >= 0:
            found += 1
            at = x + 1
    return found


MARKUP = [
    ("heading marker", re.compile(r"(?m)^[ \t]*#{1,6}[ \t]+\S[^\n]{0,30}")),
    ("template tag", re.compile(r"\{%[^\n]{0,30}")),
    ("callout marker", re.compile(r"\[![A-Za-z][\w-]*\][-+]?")),
    ("wikilink", re.compile(r"\[\[[^\[\]\n]{1,80}\]\]")),
    ("pipe-table rule", re.compile(r"(?m)^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*\|[-:| \t]*$")),
    ("pipe-table row", re.compile(r"(?m)^(?![ \t:|-]*$)[ \t]*\|(?:[^|\n]*\|){2,}[ \t]*$")),
    ("fence", re.compile(r"(?m)^[ \t]*:{3,}[^\n]{0,30}")),
    ("admonition marker", re.compile(r"(?m)^[ \t]*(?:!!!|\?\?\?\+?)[ \t]+[A-Za-z][\w-]*")),
    ("tab marker", re.compile(r'(?m)^[ \t]*===[!+]?[ \t]+"[^"\n]{0,30}"')),
    # pandoc's citations ([@smith1997; @lee2003]): publish reads no .bib file
    ("citation key", re.compile(r"\[-?@[A-Za-z0-9_][\w:.#$%&+?<>~/-]{0,60}(?:;[^\]\n]{0,200})?\]")),
]


def shown_markup(src: Source, prose: str) -> list[tuple[str, str, int | None]]:
    """(kind, text, source line) of each piece of raw syntax in ``prose`` that the source
    does not show as written in code or escaped."""
    out = []
    seen: set[tuple[str, str, int | None]] = set()
    for kind, pattern in MARKUP:
        for m in pattern.finditer(prose):
            what = m.group().strip()
            key = _fold_text(what)
            if _literal(src, kind, key):
                continue
            line = _line_of_markup(src, prose, m.start() + len(m.group()) - len(m.group().lstrip()))
            if (kind, key, line) not in seen:
                seen.add((kind, key, line))
                out.append((kind, what, line))
    return out


def _line_of_markup(src: Source, prose: str, at: int) -> int | None:
    """The source line of the mark at ``prose[at]``: where the words after it stand in the
    source, else where the mark itself does (as written), else the words before it."""
    token = re.match(r"\S+", prose[at:])
    after = at + (token.end() if token else 0)
    line = src.line_at(content(prose[after : after + 200]))
    if line is None and token:
        found = src.original.lower().find(_fold_text(token.group()).lower())
        line = src.original.count("\n", 0, found) + 1 if found >= 0 else None
    if line is None:
        before = content(prose[max(0, at - 200) : at])
        line = src.line_at(before[-12:]) if before else None
    return line


def _literal(src: Source, kind: str, key: str) -> bool:
    if kind == "heading marker":  # "# 标题" escaped or in code: the mark and the words
        mark = re.match(r"#+[ \t]+", key)
        words = key[mark.end() :] if mark else key
        return bool(re.search(r"#+[ \t]+" + re.escape(words[:12]), src.literal))
    return key[:20] in src.literal


EDITION = re.compile(r"\.(zh-Hans|zh-Hant-TW|zh-Hant-HK)(?:\.review)?\.[A-Za-z]+$")


def edition_of(name: str) -> str | None:
    """The edition an output's name says (``<stem>.<edition>.<format>``, or a reviewers'
    DOCX's ``<stem>.<edition>.review.docx``)."""
    m = EDITION.search(name)
    return m.group(1) if m else None


def check_output(
    doc: Document,
    path: Path,
    edition: str | None = None,
    name: str | None = None,
    src: Source | None = None,
    pdf: Any = None,
) -> list[Diagnostic]:
    """``content-lost`` and ``markup-shown`` warnings for one output file (its format by
    its suffix: .html, .epub, .docx, .pdf) of ``edition`` (default: what its name says).
    ``name`` names it in messages (default: the file name); ``src``: :func:`source` of
    ``doc`` and ``edition`` made already (the build makes it where OpenCC is loaded);
    ``pdf``: the PDF, open in PyMuPDF already."""
    name = name or path.name
    return _check(src or source(doc, edition or edition_of(name)), path, name, pdf)


def _check(src: Source, path: Path, name: str, pdf: Any = None) -> list[Diagnostic]:
    fmt = path.suffix.lstrip(".").lower()
    if fmt == "pdf":
        try:
            import pymupdf  # noqa: F401
        except ImportError:
            return [
                Diagnostic(
                    "fidelity-unchecked",
                    "info",
                    f"{name}: not checked for lost text (PyMuPDF is not installed: "
                    "pip install pymupdf, or run `make`)",
                    None,
                    {"output": name},
                )
            ]
    try:
        seen = shown(path, pdf)
    except (OSError, zipfile.BadZipFile, etree.XMLSyntaxError, etree.ParserError) as exc:
        return [
            Diagnostic(
                "content-lost",
                "warning",
                f"{name}: its text cannot be read back ({exc})",
                None,
                {"output": name},
            )
        ]
    found: list[Diagnostic] = []
    for a, b in lost(src, content(URL.sub(" ", seen.text))):
        lo, hi = src.offsets[a], src.offsets[b - 1] + 1
        snippet = " ".join(src.text[lo:hi].split())
        snippet = snippet if len(snippet) <= 60 else snippet[:57] + "…"
        found.append(
            Diagnostic(
                "content-lost",
                "warning",
                f"{name} lacks {b - a} characters of the source's text: “{snippet}”",
                src.lines[a],
                {"output": name, "text": snippet, "chars": b - a, "to_line": src.lines[b - 1]},
            )
        )
    for kind, what, line in shown_markup(src, seen.prose):
        found.append(
            Diagnostic(
                "markup-shown",
                "warning",
                f"{name} prints a Markdown {kind} as text: “{what}”",
                line,
                {"output": name, "kind": kind, "text": what},
            )
        )
    return _capped(found, name)


def _capped(found: list[Diagnostic], name: str) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for code in ("content-lost", "markup-shown", "fidelity-unchecked"):
        mine = [d for d in found if d.code == code]
        out += mine[:MAX_PER_OUTPUT]
        if len(mine) > MAX_PER_OUTPUT:
            more = len(mine) - MAX_PER_OUTPUT
            out.append(
                Diagnostic(code, "warning", f"{name}: {more} more like the above", None,
                           {"output": name, "more": more})
            )  # fmt: skip
    return out


def check(
    doc: Document, outputs: dict[str, Path] | Iterable[Path], glossary: Any = None
) -> list[Diagnostic]:
    """Every output of ``doc`` checked (``outputs``: name → path, or paths), findings that
    several outputs share merged into one diagnostic naming them all (``data["outputs"]``),
    in source order; ``glossary``: the one the editions were made with (see :func:`source`)."""
    items = outputs.items() if isinstance(outputs, dict) else ((p.name, p) for p in outputs)
    merged: dict[tuple[Any, ...], tuple[Diagnostic, list[str]]] = {}
    for name, path in items:
        for d in _check(source(doc, edition_of(name), glossary), Path(path), name):
            key = (d.code, d.line, d.data.get("text"), d.data.get("kind"), d.data.get("more"))
            if key in merged:
                merged[key][1].append(name)
            else:
                merged[key] = (d, [name])
    out = []
    for d, names in merged.values():
        data = {k: v for k, v in d.data.items() if k != "output"}
        message = d.message
        if len(names) > 1:
            message = message.replace(names[0], f"{names[0]} (and {len(names) - 1} more)", 1)
        out.append(Diagnostic(d.code, d.severity, message, d.line, {**data, "outputs": names}))
    return sorted(out, key=lambda d: (d.line or 0, d.code))


# -- a built folder (make check) --------------------------------------------------------------


def _sources(out: Path, given: list[Path]) -> dict[str, Path]:
    """Each source's file by its stem: those given, else where the build state says the
    build read it."""
    from publish.config import stem_of

    found = {stem_of(p): p for p in given}
    try:
        state = json.loads((out / ".publish-state.json").read_text("utf-8"))
        for stem, rec in (state.get("sources") or {}).items():
            if isinstance(rec, dict) and isinstance(rec.get("source"), str):
                found.setdefault(stem, Path(rec["source"]))
    except (OSError, ValueError):
        pass
    return found


def prepare(path: Path) -> Document:
    """A source prepared as the build prepares it, with the default options
    (``publish.build.prepare``): :func:`source` then reads the text with the chat the
    manuscript stage removes blanked, and knows what later stages take out on purpose
    (the author's own list of sources, printed as the numbered list), as the build's own
    check does; else ``make check`` called those lines lost."""
    from publish.build import prepare as prepared

    return prepared(path)


def verify(out: Path, sources: list[Path] | None = None) -> list[str]:
    """``make check``: one line per finding in every output the manifest lists, as
    ``source:line: warning: message [code]``; a source that cannot be found is one line."""
    try:
        rows = json.loads((out / "manifest.json").read_text("utf-8")).get("outputs", [])
    except (OSError, ValueError) as exc:
        return [f"{out / 'manifest.json'}: cannot read ({exc})"]
    known = _sources(out, list(sources or []))
    by_stem: dict[str, dict[str, Path]] = {}
    for r in rows:
        if r.get("format") in READERS and not r["path"].endswith(".phrases.html"):
            stem = Path(r["path"]).parts[0]
            by_stem.setdefault(stem, {})[Path(r["path"]).name] = out / r["path"]
    from publish.editions.glossary import load_glossary

    glossary = load_glossary(None)  # the default one, as a build without --glossary
    problems = []
    for stem, outputs in sorted(by_stem.items()):
        path = known.get(stem)
        if path is None or not path.is_file():
            problems.append(f"{out / stem}: source not found; give it: python -m "
                            "publish.fidelity DIR SOURCE...")  # fmt: skip
            continue
        doc = prepare(path)
        for d in check(doc, {n: p for n, p in outputs.items() if p.is_file()}, glossary):
            if d.severity != "info":
                problems.append(f"{path}:{d.line or 1}: warning: {d.message} [{d.code}]")
    return problems


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0].startswith("-"):
        print("usage: python -m publish.fidelity DIR [SOURCE...]", file=sys.stderr)
        return 2
    out = Path(args[0])
    if not (out / "manifest.json").is_file():
        print(f"fidelity: {out}: no manifest.json; build first (make)", file=sys.stderr)
        return 2
    try:
        problems = verify(out, [Path(a) for a in args[1:]])
    except Exception as exc:  # noqa: BLE001 - the CLI contract: one line, no traceback
        print(f"fidelity: {out}: {exc}", file=sys.stderr)
        return 1
    for line in problems:
        print(line)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
