"""Chinese body text in print: flush on both margins, with a quarter-em gap between Han
characters and Western letters or digits (clreq, "spacing between Chinese and Western text").

Two parts, both print-only:

- :func:`space_han_latin` (on the print AST, from ``pdf.for_print``): a space where Han meets
  a Latin letter or digit and the author wrote none. Noto Serif CJK's space is 0.256 em, the
  quarter em clreq asks for (Noto Sans CJK's 0.224 em); being an ordinary space it vanishes
  at a line's start and end, is a break opportunity (Han/Latin already was one) and copies
  as the space many Chinese style guides write there anyway.
- :func:`inter_character` (around WeasyPrint's layout and drawing, from ``pdf.write``;
  the wrapping itself is in :mod:`publish.writers.weasy`):
  WeasyPrint 70 justifies by widening U+0020 and U+00A0 only, so a line of Chinese, which
  has none, stays ragged by up to two em, and a mixed line pours its slack into its few
  spaces. Nothing in the HTML can fix that: a stretchable character between Han characters
  would have to be a space, and a space is a glyph that copy-paste and text extraction
  read back between every two characters. So while a PDF is laid out and drawn, the
  justification also counts every CJK character (ideographs, kana, full-width
  punctuation) as an opportunity, and gives each the same share as a space, as Pango letter
  spacing (which adds advance, not glyphs: the text reads back unchanged). Line breaking is
  untouched (it runs before justification), so punctuation stays where Pango put it.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Iterator
from typing import Any

from publish.ast import inline_content, shows_address
from publish.chars import CJK_CHARS, HAN, IS_HAN

# Western letters and digits: the other side (not symbols such as % or °).
LATIN = "0-9A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u0370-\u03ff"
BOUNDARY = re.compile(f"(?<=[{HAN}])(?=[{LATIN}])|(?<=[{LATIN}])(?=[{HAN}])")
IS_LATIN = re.compile(f"[{LATIN}]")

# What justification may widen besides spaces: Han, kana and CJK / full-width punctuation.
CJK_RUN = re.compile(f"[{CJK_CHARS}]+")

# Inline elements whose content is text of the sentence, spaced inside; any other inline
# (code, math, citations, notes, raw HTML, pictures) is left as it is.
TEXT_CONTAINERS = {
    "Emph",
    "Strong",
    "Underline",
    "Strikeout",
    "SmallCaps",
    "Span",
    "Link",
}


def space_han_latin(blocks: list[Any]) -> None:
    """A space between Han and a Latin letter, a digit, inline code or math in body text
    (paragraphs, list items, table cells, captions, notes) where there is none. Headings
    (labels that bookmarks, running heads and contents copy), code, math, URLs and the
    reference list are left as they are."""
    for block in _text_blocks(blocks):
        _space(block["c"])


def _text_blocks(value: Any) -> Iterator[dict[str, Any]]:
    """Para and Plain blocks anywhere (lists, quotes, table cells, captions, divs), but not
    in the reference list (its entries keep citeproc's spacing)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict) and "t" in item:
            kind = item["t"]
            if kind in ("Para", "Plain"):
                yield item
            elif kind == "Div" and item["c"][0][0] == "refs":
                continue
            elif kind not in ("Header", "CodeBlock", "RawBlock"):
                stack.append(item.get("c"))


def _space(inlines: list[Any]) -> None:
    out: list[Any] = []
    for e in inlines:
        kind = e.get("t")
        if kind == "Str":
            e["c"] = BOUNDARY.sub(" ", e["c"])
        elif kind in TEXT_CONTAINERS and not shows_address(e):
            _space(inline_content(e))
        elif kind == "Note":
            space_han_latin(e["c"])
        if out and _boundary(_edge(out[-1], last=True), _edge(e, last=False)):
            out.append({"t": "Space"})
        out.append(e)
    inlines[:] = out


def _edge(e: dict[str, Any], last: bool) -> str:
    """The character at the start (or end) of ``e`` as printed ("a" for inline code and
    math), or "" when that edge is not text (a space, a citation mark, a note…)."""
    kind = e.get("t")
    if kind == "Str":
        return e["c"][-1:] if last else e["c"][:1]
    if kind in TEXT_CONTAINERS:  # a URL too: spaced beside, not inside
        inner = inline_content(e)
        return _edge(inner[-1 if last else 0], last) if inner else ""
    if kind == "Code" or (kind == "Math" and e["c"][0]["t"] == "InlineMath"):
        return "a"  # Western text to the reader: a gap beside Han, none inside
    return ""


def _boundary(left: str, right: str) -> bool:
    return bool(
        left
        and right
        and (
            (IS_HAN.match(left) and IS_LATIN.match(right))
            or (IS_LATIN.match(left) and IS_HAN.match(right))
        )
    )


# Threads laying out a PDF inside :func:`inter_character` (WeasyPrint's functions are
# wrapped once per process, by publish/writers/weasy.py, and act as stock everywhere else).
_ON = threading.local()


@contextlib.contextmanager
def inter_character() -> Iterator[bool]:
    """While in the block (in this thread), WeasyPrint's ``text-align: justify`` widens CJK
    characters as well as spaces (see the module's doc). Gives False when WeasyPrint could
    not be patched (:mod:`publish.writers.weasy` says why): text then stays ragged."""
    from publish.writers import weasy

    was = getattr(_ON, "on", False)
    on = weasy.applied("justify")
    _ON.on = on
    try:
        yield on
    finally:
        _ON.on = was


def active() -> bool:
    """Inside :func:`inter_character`, in this thread."""
    return getattr(_ON, "on", False)


def widened(text: str) -> float:
    """How many justification shares one box's ``text`` takes for its CJK characters
    (:func:`_spans`). Each widened character gets a share as Pango letter spacing, half
    before it and half after, but Pango drops the outer half at both ends of a layout's
    line (a box is one line), so a widened character at either end brings half a share."""
    spans = _spans(text)
    if not spans:
        return 0
    n = sum(end - start for start, end in spans)
    return n - (spans[0][0] == 0) / 2 - (spans[-1][1] == len(text)) / 2


def _spans(text: str) -> list[tuple[int, int]]:
    """Runs of CJK characters in ``text`` that justification widens: all but a character
    beside a Latin letter, digit, space or symbol, so the slack never opens a gap between
    Western text and CJK punctuation (clreq: none there) and the Han–Latin gap is the space
    between them. (The edge of ``text`` is the edge of a box: Pango drops spacing there.)"""
    spans = []
    for run in CJK_RUN.finditer(text):
        start, end = run.span()
        start += start > 0
        end -= end < len(text)
        if start < end:
            spans.append((start, end))
    return spans


def letter_space(layout: Any) -> None:
    """Letter spacing of one justification share on the characters :func:`_spans` picks
    in ``layout``'s text."""
    from weasyprint.text.ffi import TO_UNITS, ffi, pango

    letter = layout.style["letter_spacing"]
    letter = 0 if letter == "normal" else letter
    share = int((layout.justification_spacing + letter) * TO_UNITS)
    # WeasyPrint draws each glyph's extra advance rounded toward zero to 1/1000 em, so a
    # line of 40 widened characters would end up to 0.4 pt short of the margin. Half a
    # unit more on each makes that rounding err both ways: the ends of lines stay within
    # about 0.2 pt of the margin (the box itself keeps the width WeasyPrint gave it).
    share += int(layout.style["font_size"] * TO_UNITS / 2000)
    attrs = pango.pango_layout_get_attributes(layout.layout)
    if attrs == ffi.NULL:
        attrs = ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)
    text, done, at = layout.text, 0, 0  # Pango counts UTF-8 bytes: ``at`` is ``done``'s
    for start, end in _spans(text):
        at += len(text[done:start].encode())
        attr = pango.pango_attr_letter_spacing_new(share)
        attr.start_index = at
        at += len(text[start:end].encode())
        attr.end_index, done = at, end
        pango.pango_attr_list_change(attrs, attr)
    pango.pango_layout_set_attributes(layout.layout, attrs)
