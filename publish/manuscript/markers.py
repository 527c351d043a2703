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
"""

from __future__ import annotations

import re
from collections.abc import Callable

from publish.document import Document
from publish.manuscript.chat import FENCE

MARKER = re.compile(r"\](\*+)(?!\()")
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
    fenced, total = False, 0
    for n, line in enumerate(lines):
        if FENCE.match(line):
            fenced = not fenced
            continue
        if fenced:
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


def escape_markers(doc: Document) -> None:
    if "]*" not in doc.text:
        return
    total = _outside_code(doc, _escape)
    if total:
        doc.info(
            "asterisk-markers", f"{total} asterisk(s) after “]” kept as note markers, not emphasis"
        )
