"""Asterisks used as note markers after a bracket: "[已被修正的条文]*".

Legal and translated Chinese texts mark amended passages with ``[…]*``. To Markdown two such
markers in one paragraph are an emphasis pair, which would swallow both asterisks and
slant the text between them. A ``*`` right after ``]`` is a marker, not emphasis, unless
the bracket itself opened with ``*`` (``*[注]*`` is emphasis) or a link follows (``](``).
Such asterisks are escaped before pandoc parses; code is left alone.
"""

from __future__ import annotations

import re

from publish.document import Document
from publish.manuscript.chat import FENCE

MARKER = re.compile(r"\](\*+)(?!\()")


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


def escape_markers(doc: Document) -> None:
    lines = doc.text.split("\n")
    fenced, total = False, 0
    for n, line in enumerate(lines):
        if FENCE.match(line):
            fenced = not fenced
            continue
        if fenced or "]*" not in line:
            continue
        parts = line.split("`")
        for k in range(0, len(parts), 2):  # even parts are outside inline code
            parts[k], c = _escape(parts[k])
            total += c
        lines[n] = "`".join(parts)
    if total:
        doc.text = "\n".join(lines)
        doc.info(
            "asterisk-markers", f"{total} asterisk(s) after “]” kept as note markers, not emphasis"
        )
