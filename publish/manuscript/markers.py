"""Asterisks: note markers after a bracket, and bold markers escaped by a converter.

Note markers: "[已被修正的条文]*".

Legal and translated Chinese texts mark amended passages with ``[…]*``. To Markdown two such
markers in one paragraph are an emphasis pair, which would swallow both asterisks and
slant the text between them. A ``*`` right after ``]`` is a marker, not emphasis, unless
the bracket itself opened with ``*`` (``*[注]*`` is emphasis) or a link follows (``](``).
Such asterisks are escaped before pandoc parses; code is left alone.

Escaped bold: some converters escape ``**`` that CommonMark would not read as bold next to
Chinese punctuation (``\\*\\*「阅后即焚」订阅策略\\*\\*``), sometimes on one side only
(``\\*\\*套餐用量**与**刷新时间\\*\\*``). The page then shows the asterisks. When a line's
``**`` markers, escaped or not, pair up, the escaped ones are bold markers again
(``bold-unescaped``, info); a line with an odd count is left as written.

Bold next to punctuation: CommonMark opens ``**`` only where it is "left-flanking", and a
``**`` between a Han character and ``「`` or ``“`` is not (``部署**「阅后即焚」**完``), so
GitHub prints the asterisks; Typora, Obsidian and pandoc's Markdown print bold, as the
author meant. Under the CommonMark reader such a pair on one line is written as a span
(``[…]{.publish-strong}``) before parsing and made ``Strong`` after (``bold-cjk``, info).
A single ``*`` pair around text with a Han character is read the same way and made
``Emph`` (``*编译器（Compiler）*是``: "）" then a Han character, no closer to CommonMark).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from publish.ast import Emph, Strong, attr, elements, inlines_of
from publish.chars import HAN
from publish.document import Document
from publish.lines import code_lines

MARKER = re.compile(r"\](\*+)(?!\()")
PLAIN_BOLD = re.compile(r"(?<![\\*])\*\*(?!\*)")
STRONG_CLASS = "publish-strong"
PLAIN_EMPH = re.compile(r"(?<![\\*])\*(?!\*)")
EMPH_CLASS = "publish-emph"
BULLET = re.compile(r"^ *\*[ \t]")
HAN_CHAR = re.compile(f"[{HAN}]")
# Obsidian's and Typora's highlight, ==text== (pandoc's CommonMark reader has no `mark`).
HIGHLIGHT = re.compile(r"(?<![=\\])==(?=[^\s=])(.+?)(?<=[^\s=\\])==(?!=)")
MARK_CLASS = "mark"
BOLD = re.compile(r"\\\*\\\*|(?<![\\*])\*\*(?!\*)")
ESCAPED_BOLD = "\\*\\*"


def _escape(segment: str) -> tuple[str, int]:
    count = 0

    def repl(m: re.Match[str]) -> str:
        nonlocal count
        close = m.start()
        depth, i = 0, close
        while i >= 0:  # find the "[" that this "]" closes
            if segment[i] == "]":
                depth += 1
            elif segment[i] == "[":
                depth -= 1
                if depth == 0:
                    break
            i -= 1
        if i > 0 and segment[i - 1] == "*":
            return m.group(0)  # *[…]* is emphasis
        count += len(m.group(1))
        return "]" + "\\*" * len(m.group(1))

    return MARKER.sub(repl, segment), count


def _outside_code(doc: Document, fix: Callable[[str], tuple[str, int]]) -> int:
    """Apply ``fix`` to the text of every line outside code blocks and inline code."""
    lines = doc.text.split("\n")
    total = 0
    for n, (line, code) in enumerate(zip(lines, code_lines(lines), strict=True)):
        if code:
            continue
        parts = line.split("`")
        for k in range(0, len(parts), 2):  # even parts are outside inline code
            parts[k], c = fix(parts[k])
            total += c
        lines[n] = "`".join(parts)
    if total:
        doc.text = "\n".join(lines)
    return total


def _unescape_bold(segment: str) -> tuple[str, int]:
    if ESCAPED_BOLD not in segment:
        return segment, 0
    marks = BOLD.findall(segment)
    if len(marks) % 2:
        return segment, 0
    escaped = marks.count(ESCAPED_BOLD)
    return segment.replace(ESCAPED_BOLD, "**"), escaped


def unescape_bold(doc: Document) -> None:
    """Escaped ``**`` that pair up on their line become bold markers (see module)."""
    if ESCAPED_BOLD not in doc.text:
        return
    first = doc.line_of(ESCAPED_BOLD)
    total = _outside_code(doc, _unescape_bold)
    if total:
        doc.info(
            "bold-unescaped",
            f"{total} escaped “\\*\\*” read as bold markers (they pair up on their line)",
            first,
        )


def _punct(c: str) -> bool:
    return unicodedata.category(c)[0] in "PS"


def _space(c: str) -> bool:
    return c == "" or c.isspace()


def _flanking(seg: str, i: int, j: int, width: int = 2) -> bool:
    """Would CommonMark read the marker (``**``, or ``*`` for ``width`` 1) at ``i`` as an
    opener and at ``j`` as its closer?"""
    before, after = seg[i - 1 : i], seg[i + width : i + width + 1]
    opens = not _space(after) and (not _punct(after) or _space(before) or _punct(before))
    before, after = seg[j - 1 : j], seg[j + width : j + width + 1]
    closes = not _space(before) and (not _punct(before) or _space(after) or _punct(after))
    return opens and closes


def _bold_spans(segment: str) -> tuple[str, int]:
    return _spans(segment, PLAIN_BOLD, 2, STRONG_CLASS)


def _emphasis_spans(segment: str) -> tuple[str, int]:
    # a "* " opening the line is a bullet, not emphasis
    start = len(segment) - len(segment.lstrip(" ")) + 2 if BULLET.match(segment) else 0
    head, rest = segment[:start], segment[start:]
    fixed, count = _spans(rest, PLAIN_EMPH, 1, EMPH_CLASS, cjk=True)
    return head + fixed, count


def _spans(
    segment: str, marker: re.Pattern[str], width: int, cls: str, cjk: bool = False
) -> tuple[str, int]:
    """The pairs of ``marker`` on ``segment`` that CommonMark would not read as a pair
    written as ``[…]{.cls}`` spans; ``cjk``: only around text with a Han character."""
    at = [m.start() for m in marker.finditer(segment)]
    if not at or len(at) % 2:
        return segment, 0
    out, last, count = [], 0, 0
    for i, j in zip(at[::2], at[1::2], strict=True):
        inner = segment[i + width : j]
        if _flanking(segment, i, j, width) or not inner.strip() or not _balanced(inner):
            continue
        if cjk and (inner != inner.strip() or not HAN_CHAR.search(inner)):
            continue
        out += [segment[last:i], f"[{inner}]{{.{cls}}}"]
        last = j + width
        count += 1
    return "".join(out) + segment[last:], count


def _balanced(text: str) -> bool:
    depth = 0
    for c in text.replace("\\[", "").replace("\\]", ""):
        depth += (c == "[") - (c == "]")
        if depth < 0:
            return False
    return depth == 0


def bold_next_to_punctuation(doc: Document) -> None:
    """Text level, CommonMark reader only: see module."""
    if doc.reader == "markdown" or "*" not in doc.text:
        return
    total = _outside_code(doc, _bold_spans) if "**" in doc.text else 0
    total += _outside_code(doc, _emphasis_spans)
    if total:
        doc.info(
            "bold-cjk",
            f"{total} bold or emphasis pair(s) next to punctuation read as such (as Typora "
            "and Obsidian show them; CommonMark would print the asterisks)",
        )


def _highlight(segment: str) -> tuple[str, int]:
    count = 0

    def repl(m: re.Match[str]) -> str:
        nonlocal count
        if not _balanced(m.group(1)):
            return m.group(0)
        count += 1
        return f"[{m.group(1)}]{{.{MARK_CLASS}}}"

    return HIGHLIGHT.sub(repl, segment), count


def highlights(doc: Document) -> None:
    """Text level, CommonMark reader: ``==重点==`` (Obsidian, Typora) is highlighted text,
    a ``span.mark`` (HTML ``<mark>`` look in every stylesheet), not two equals signs each
    side (``highlight``, info)."""
    if doc.reader == "markdown" or "==" not in doc.text:
        return
    total = _outside_code(doc, _highlight)
    if total:
        doc.info("highlight", f"{total} ==highlighted== passage(s) set as highlights")


def strong_spans(doc: Document) -> None:
    """After parsing: the spans :func:`bold_next_to_punctuation` wrote become ``Strong``
    and ``Emph``."""
    for e in elements(doc.ast.get("blocks", [])):
        if e["t"] == "Span" and attr(e) == ["", [STRONG_CLASS], []]:
            e.update(Strong(inlines_of(e)))
        elif e["t"] == "Span" and attr(e) == ["", [EMPH_CLASS], []]:
            e.update(Emph(inlines_of(e)))


def escape_markers(doc: Document) -> None:
    if "]*" not in doc.text:
        return
    total = _outside_code(doc, _escape)
    if total:
        doc.info(
            "asterisk-markers", f"{total} asterisk(s) after “]” kept as note markers, not emphasis"
        )
