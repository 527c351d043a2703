r"""TeX math between ``\( … \)`` and ``\[ … \]``, as chat assistants write it.

pandoc's Markdown reads math between dollars only; to it ``\(`` is an escaped parenthesis,
so ``\(\frac{a}{b}\)`` would print its TeX source. Before pandoc parses, outside code:

- ``\[`` and ``\]`` each alone on a line, or one line ``\[ … \]`` holding a TeX command,
  become ``$$ … $$`` (display math);
- ``\( … \)`` on one line becomes ``$…$`` when what it holds has no Chinese (``\(注\)`` is
  an escaped parenthesis, not math); ``\[ … \]`` within a line only when it holds a TeX
  command (``\[1\]`` is an escaped bracket).

One ``math-delimiters`` info counts them.
"""

from __future__ import annotations

import re

from publish.chars import CJK
from publish.document import Document
from publish.manuscript.chat import FENCE

COMMAND = re.compile(r"\\[a-zA-Z]+")
INLINE = re.compile(r"\\\((.+?)\\\)")
INLINE_DISPLAY = re.compile(r"\\\[(.+?)\\\]")
OPEN, CLOSE = re.compile(r"^\s*\\\[\s*$"), re.compile(r"^\s*\\\]\s*$")


def _inline(segment: str) -> tuple[str, int]:
    count = 0

    def paren(m: re.Match[str]) -> str:
        nonlocal count
        tex = m.group(1).strip()
        if not tex or CJK.search(tex):
            return m.group(0)
        count += 1
        return f"${tex}$"

    def bracket(m: re.Match[str]) -> str:
        nonlocal count
        tex = m.group(1).strip()
        if not COMMAND.search(tex) or CJK.search(tex):
            return m.group(0)
        count += 1
        return f"$${tex}$$"

    segment = INLINE.sub(paren, segment)
    return INLINE_DISPLAY.sub(bracket, segment), count


def tex_delimiters(doc: Document) -> None:
    """Manuscript stage, text level: see module."""
    if "\\(" not in doc.text and "\\[" not in doc.text:
        return
    lines = doc.text.split("\n")
    fenced, display, total, first = False, False, 0, None
    for n, line in enumerate(lines):
        if FENCE.match(line) and not display:
            fenced = not fenced
            continue
        if fenced:
            continue
        if not display and OPEN.match(line) and any(CLOSE.match(x) for x in lines[n + 1 :]):
            lines[n] = line.replace("\\[", "$$")
            display = True
            first = first or n + 1
        elif display and CLOSE.match(line):
            lines[n] = line.replace("\\]", "$$")
            display = False
            total += 1
        elif not display and ("\\(" in line or "\\[" in line):
            parts = line.split("`")
            found = 0
            for k in range(0, len(parts), 2):  # even parts are outside inline code
                parts[k], c = _inline(parts[k])
                found += c
            if found:
                lines[n] = "`".join(parts)
                total += found
                first = first or n + 1
    if total:
        doc.text = "\n".join(lines)
        doc.info(
            "math-delimiters",
            f"{total} formula(s) written between \\( \\) or \\[ \\] read as math",
            first,
        )
