"""The source's lines as CommonMark sees them: which are code, which are front matter.

Text-level clean-ups (before pandoc parses) must never touch code. A fenced code block
opens with three or more backticks or tildes, indented at most three spaces, and closes
only with a fence of the same character at least as long, with nothing after it but
spaces (CommonMark 4.5): a ```` fence holding a ``` line is one block, and a fence the
text never closes runs to the end. A backtick fence's info string holds no backtick
(```` ```js` ```` is inline code, not a fence).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OPEN = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
# With ``nested``: a fence inside a list item or a quote too (indented any amount, after
# ">" and list markers), for checks that must not take such code for prose.
NESTED = re.compile(r"^(?:[ \t]*>)*[ \t]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)?(`{3,}|~{3,})(.*)$")
FRONT_END = ("---", "...")


@dataclass(frozen=True)
class Line:
    n: int  # 0-based index
    text: str
    code: bool  # inside a fenced code block, its fences included
    fence: bool  # an opening or closing fence line
    front: bool  # inside the YAML front matter, its delimiters included


def scan(lines: list[str], nested: bool = False) -> list[Line]:
    """Every line with what it is (see module). Linear in the text's length. ``nested``:
    fences in list items and quotes count too (:data:`NESTED`)."""
    fence_at = NESTED if nested else OPEN
    out: list[Line] = []
    front_end = front_matter_end(lines)
    fence = ""  # the open fence's mark, "" outside code
    for n, text in enumerate(lines):
        if n < front_end:
            out.append(Line(n, text, False, False, True))
            continue
        if fence:
            m = fence_at.match(text)
            closes = (
                m is not None
                and m.group(1)[0] == fence[0]
                and len(m.group(1)) >= len(fence)
                and not m.group(2).strip()
            )
            out.append(Line(n, text, True, closes, False))
            if closes:
                fence = ""
            continue
        m = fence_at.match(text)
        if m and not (m.group(1)[0] == "`" and "`" in m.group(2)):
            fence = m.group(1)
            out.append(Line(n, text, True, True, False))
        else:
            out.append(Line(n, text, False, False, False))
    return out


def code_lines(lines: list[str]) -> list[bool]:
    """For each line: is it code (or front matter), which text-level clean-ups skip."""
    return [ln.code or ln.front for ln in scan(lines)]


def unclosed_fence(lines: list[str]) -> int | None:
    """The index of a fence the text never closes, or None."""
    opened: int | None = None
    for ln in scan(lines):
        if ln.fence:
            opened = ln.n if opened is None else None
    return opened


def front_matter_end(lines: list[str]) -> int:
    """Index of the first line after a YAML front matter block (0 if none)."""
    if lines and lines[0].rstrip() == "---":
        for i in range(1, len(lines)):
            if lines[i].rstrip() in FRONT_END:
                return i + 1
    return 0
