"""Han–Latin spacing by layout (clreq 3.2.2, "spacing between Chinese and Western text"):
a quarter em between a Han character and a Western letter, digit or % beside it, made by
CSS margins on the Western run, never by a character in the text.

:func:`mark` wraps each Western run that touches Han in a ``span.latin`` with
``gap-start`` and/or ``gap-end`` (the side that touches Han), in the AST the HTML, EPUB
and print editions are made from: body text, headings (and so the contents pandoc makes
from them), table cells, captions, notes. :func:`html` does the same for a plain string
(the cover's title lines, running heads). ``styles/base.css`` and ``epub.css`` give the
margins. Text copied or extracted from any edition, searched ("2024年") or read aloud is
the source's, and the PDF's bookmarks are the headings' own characters.

A Western run is what lies between CJK characters (Han, kana, CJK punctuation) and
spaces: "GPT-4o", "30-50%", "3.5". Only an edge that is a letter, a digit or % next to
Han gets a gap, so "78%的企业" and "的55%有" are spaced alike, and nothing opens between
Western text and CJK punctuation ("（CNN）", "Transformer，"), as clreq asks. Inline code
and math are Western runs of their own. Code blocks, raw HTML, links that print their
address and the reference list are left alone.

In print (``mark(blocks, joined=True)``) a gap beside a Western run in text is a
:data:`GAP` character instead of a span: U+2060 WORD JOINER, which no line may break
beside, which Pango draws as no glyph and which text extraction does not read, widened
to :data:`GAP_EM` by Pango letter spacing while WeasyPrint lays the page out
(``justify.widen_gaps``). Each span was two boxes WeasyPrint cascaded, laid out, drew and
tagged: on a ten-fold report the 1,730 spans were 1.3 s of 5.7 s (the PDF's whole
layout and drawing, best of three in a warm process). Inline code and math keep their
span.
"""

from __future__ import annotations

import html as _html
import re
from typing import Any

from markupsafe import Markup

from publish.ast import (
    INLINE_CONTAINERS,
    Span,
    Str,
    blocks_of,
    classes,
    content,
    ident,
    inline_content,
    inlines_of,
    lines_of,
    make_attr,
    math_kind,
    shows_address,
    text,
)
from publish.chars import CJK_CHARS, HAN

# Print: the gap as a character (see the module's doc), and a tie that only keeps two
# characters on one line (U+FEFF ZERO WIDTH NO-BREAK SPACE, also drawn as nothing).
GAP = "\u2060"
TIE = "\ufeff"
GAP_EM = 0.25  # base.css and epub.css give the spans' margins the same quarter em
JOINERS = GAP + TIE

# The characters that take a gap from Han: Western letters, digits, and %, ‰ after them.
LATIN = "0-9A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u0370-\u03ff%‰"
IS_LATIN = re.compile(f"[{LATIN}]")
IS_HAN = re.compile(f"[{HAN}]")
# A run of neither CJK nor white space, holding a Western letter or digit.
RUN = re.compile(f"[^{CJK_CHARS}{JOINERS}\\s]+")

CLASS = "latin"
GAP_START, GAP_END = "gap-start", "gap-end"
TIED = "han-latin"  # a run and the Han character on its gap side(s), kept on one line


def mark(blocks: list[Any], joined: bool = False) -> None:
    """Wraps the Western runs beside Han in ``blocks`` (see the module's doc), in place;
    ``joined``: a :data:`GAP` character in text instead (print)."""
    _blocks(blocks, _joined if joined else _split)


def _blocks(blocks: list[Any], split: Any) -> None:
    """:func:`mark`, Western runs in text handed to ``split`` (:func:`_split` or
    :func:`_joined`)."""
    stack: list[Any] = [blocks]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict) and "t" in item:
            kind = item["t"]
            if kind in ("Para", "Plain"):
                _inlines(inlines_of(item), "", "", split)
            elif kind == "Header":
                _inlines(inlines_of(item) or [], "", "", split)
            elif kind == "LineBlock":
                for line in lines_of(item):
                    _inlines(line, "", "", split)
            elif kind == "Div" and ident(item) == "refs":
                continue
            elif kind not in ("CodeBlock", "RawBlock"):
                stack.append(content(item))


def _inlines(inlines: list[Any], before: str, after: str, split: Any) -> None:
    """``before``/``after``: the characters printed just outside the list ("" for none)."""
    out: list[Any] = []
    for i, e in enumerate(inlines):
        left = _edge(inlines[i - 1], last=True) if i else before
        right = _edge(inlines[i + 1], last=False) if i + 1 < len(inlines) else after
        kind = e.get("t")
        if kind == "Span" and {CLASS, TIED} & set(classes(e)):  # marked already
            out.append(e)
            continue
        if kind == "Str":
            out += split(text(e), left, right)
            continue
        if kind == "Code" or (kind == "Math" and math_kind(e) == "InlineMath"):
            gaps = _gaps(bool(IS_HAN.match(left or " ")), bool(IS_HAN.match(right or " ")))
            out.append(Span([e], make_attr(classes=[CLASS, *gaps])) if gaps else e)
            continue
        if kind in INLINE_CONTAINERS and not shows_address(e):
            _inlines(inline_content(e), left, right, split)
        elif kind == "Note":
            _blocks(blocks_of(e), split)
        out.append(e)
    inlines[:] = out


def _edge(e: dict[str, Any], last: bool) -> str:
    """The character printed at the end (or start) of ``e``: "a" for inline code and
    math (Western to the reader), "" when that edge is not text (a space, a mark…)."""
    kind = e.get("t")
    if kind == "Str":  # a tie or gap already there is not what is printed
        return text(e).rstrip(JOINERS)[-1:] if last else text(e).lstrip(JOINERS)[:1]
    if kind in INLINE_CONTAINERS:
        inner = inline_content(e)
        return _edge(inner[-1 if last else 0], last) if inner else ""
    if kind == "Code" or (kind == "Math" and math_kind(e) == "InlineMath"):
        return "a"
    return ""


def _gaps(start: bool, end: bool) -> list[str]:
    return [c for c, on in ((GAP_START, start), (GAP_END, end)) if on]


def _runs(text: str, before: str, after: str) -> list[tuple[int, int, list[str]]]:
    """(start, end, gap classes) of each Western run in ``text`` that touches Han."""
    found = []
    for m in RUN.finditer(text):
        start, end = m.span()
        prev = text[start - 1] if start else before
        nxt = text[end] if end < len(text) else after
        gaps = _gaps(
            bool(prev and IS_HAN.match(prev) and IS_LATIN.match(text[start])),
            bool(nxt and IS_HAN.match(nxt) and IS_LATIN.match(text[end - 1])),
        )
        if gaps:
            found.append((start, end, gaps))
    return found


Group = tuple[int, int, list[tuple[int, int, list[str]]]]


def _plan(text: str, before: str, after: str) -> list[Group]:
    """The runs of :func:`_runs` in groups kept unbroken, (start, end, runs): each run with
    the Han character on each side that has a gap, so a line never starts with a run's
    left margin (an indent) or ends with its right one (a ragged margin); runs one Han
    character apart ("TPU和NPU") share a group."""
    groups: list[Group] = []
    for start, end, gaps in _runs(text, before, after):
        lead = start - 1 if GAP_START in gaps and start > 0 else start
        trail = end + 1 if GAP_END in gaps and end < len(text) else end
        if groups and lead < groups[-1][1]:  # its Han character ends the group before
            first, _, runs = groups.pop()
            groups.append((first, trail, [*runs, (start, end, gaps)]))
        else:
            groups.append((lead, trail, [(start, end, gaps)]))
    return groups


def _split(text: str, before: str, after: str) -> list[Any]:
    groups = _plan(text, before, after)
    if not groups:
        return [Str(text)]
    out: list[Any] = []
    done = 0
    for first, last, runs in groups:
        if first > done:
            out.append(Str(text[done:first]))
        parts: list[Any] = []
        at = first
        for start, end, gaps in runs:
            if start > at:
                parts.append(Str(text[at:start]))
            run = [Str(text[start:end])]
            parts.append(Span(run, make_attr(classes=[CLASS, *gaps])))
            at = end
        if last > at:
            parts.append(Str(text[at:last]))
        out += parts if len(parts) == 1 else [Span(parts, make_attr(classes=[TIED]))]
        done = last
    if done < len(text):
        out.append(Str(text[done:]))
    return out


def _joined(text: str, before: str, after: str) -> list[Any]:
    """``text`` with a :data:`GAP` on each side of a Western run that has a gap."""
    runs = _runs(text, before, after)
    if not runs:
        return [Str(text)]
    parts: list[str] = []
    done = 0
    for start, end, gaps in runs:
        parts.append(text[done:start])
        parts += [GAP] if GAP_START in gaps else []
        parts.append(text[start:end])
        parts += [GAP] if GAP_END in gaps else []
        done = end
    parts.append(text[done:])
    return [Str("".join(parts))]


def html(text: str) -> Markup:
    """``text`` as escaped HTML with its Western runs beside Han wrapped as :func:`mark`
    wraps them: for text a template prints (the cover's title, a running head)."""
    esc = _html.escape
    parts: list[str] = []
    done = 0
    for first, last, runs in _plan(text, "", ""):
        parts.append(esc(text[done:first]))
        group: list[str] = []
        at = first
        for start, end, gaps in runs:
            group.append(esc(text[at:start]))
            names = " ".join([CLASS, *gaps])
            group.append(f'<span class="{names}">{esc(text[start:end])}</span>')
            at = end
        group.append(esc(text[at:last]))
        tied = len(runs) > 1 or first < runs[0][0] or last > runs[-1][1]
        parts.append(f'<span class="{TIED}">{"".join(group)}</span>' if tied else "".join(group))
        done = last
    parts.append(esc(text[done:]))
    return Markup("".join(parts))
