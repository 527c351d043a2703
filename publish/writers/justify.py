"""Chinese body text in print: flush on both margins. (The Han–Latin gap is layout too:
:mod:`publish.writers.spacing`, CSS margins, no character in the text.)

:func:`inter_character` (around WeasyPrint's layout and drawing, from ``pdf.write``; the
wrapping itself is in :mod:`publish.writers.weasy`): WeasyPrint 70 justifies by widening
U+0020 and U+00A0 only, so a line of Chinese, which has none, stays ragged by up to two em,
and a mixed line pours its slack into its few spaces. Nothing in the HTML can fix that: a
stretchable character between Han characters would have to be a space, and a space is a
glyph that copy-paste and text extraction read back between every two characters. So while
a PDF is laid out and drawn, the justification also counts every CJK character
(ideographs, kana, full-width punctuation) as an opportunity, and gives each the same
share as a space, as Pango letter spacing (which adds advance, not glyphs: the text reads
back unchanged). Line breaking is untouched (it runs before justification), so
punctuation stays where Pango put it.
"""

from __future__ import annotations

import contextlib
import functools
import re
import threading
from collections.abc import Iterator
from typing import Any

from publish.chars import CJK_CHARS

# What justification may widen besides spaces: Han, kana and CJK / full-width punctuation.
CJK_RUN = re.compile(f"[{CJK_CHARS}]+")


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


# The widest share of a line's slack one opportunity (a space, a widened CJK character) is
# given, in em of the line's font: a line that would need more is left flush at its start,
# as a last line is. Such a line ends where an unbreakable run (a long address, a file
# name, a bracketed English citation) went to the next line, leaving a few characters to
# carry the slack: "原　　始　　URL：" came out 2.4-3.9 em apart in a corpus report, "所 放
# 緩 [Xinhua…" 0.41 em (a typographer's review of corpus 21). Lines of Chinese prose need
# at most 0.25 em (the seed and six corpus documents, 800 justified lines).
MAX_SHARE = 0.3


def too_loose(extra: float, opportunities: float, font_size: float) -> bool:
    """Whether justifying a line by ``extra`` over ``opportunities`` would open gaps wider
    than :data:`MAX_SHARE`."""
    return opportunities > 0 and extra / opportunities > MAX_SHARE * font_size


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


@functools.lru_cache(maxsize=4096)
def _spans(text: str) -> tuple[tuple[int, int], ...]:
    """Runs of CJK characters in ``text`` that justification widens: all but a character
    beside a Latin letter, digit, space or symbol, so the slack never opens a gap between
    Western text and CJK punctuation (clreq: none there) and the Han–Latin gap is the space
    between them. (The edge of ``text`` is the edge of a box: Pango drops spacing there.)"""
    # Kept for each text: a box's text is measured as its line is justified and again as
    # it is drawn (7,000 texts of the ten-fold body).
    spans = []
    for run in CJK_RUN.finditer(text):
        start, end = run.span()
        start += start > 0
        end -= end < len(text)
        if start < end:
            spans.append((start, end))
    return tuple(spans)


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


def widen_gaps(layout: Any, drawing: bool) -> None:
    """Each Han–Latin gap character in ``layout``'s text (``spacing.GAP``, drawn as no
    glyph) made ``spacing.GAP_EM`` wide, as Pango letter spacing, so lines break and
    justify with the gaps in them. Pango drops half of a cluster's spacing at each end of
    a layout's line, and each WeasyPrint text box is one layout line: a gap at either end
    of the text gets twice the spacing (no line starts or ends at a gap: it is a word
    joiner). ``drawing`` (WeasyPrint sets a line's text again to draw it): WeasyPrint
    draws a glyph-less advance as if Pango's 1024 units per point were 1000, so the gap
    is given 1000/1024 of its width there, and prints as wide as it was laid out."""
    from weasyprint.text.ffi import TO_UNITS, ffi, pango

    from publish.writers.spacing import GAP, GAP_EM

    letter = layout.style["letter_spacing"]
    letter = 0 if letter == "normal" else letter
    width = (GAP_EM * layout.style["font_size"] + letter) * TO_UNITS
    width = int(width * 1000 / TO_UNITS if drawing else width)
    attrs = pango.pango_layout_get_attributes(layout.layout)
    if attrs == ffi.NULL:
        attrs = ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)
    data, mark = layout.text.encode(), GAP.encode()
    at = data.find(mark)
    while at != -1:
        end = at + len(mark)
        edge = at == 0 or end == len(data)
        attr = pango.pango_attr_letter_spacing_new(width * (2 if edge else 1))
        attr.start_index, attr.end_index = at, end
        pango.pango_attr_list_change(attrs, attr)
        at = data.find(mark, end)
    pango.pango_layout_set_attributes(layout.layout, attrs)
