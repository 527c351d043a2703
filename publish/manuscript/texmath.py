r"""TeX math between ``\( … \)`` and ``\[ … \]``, as chat assistants write it.

pandoc's Markdown reads math between dollars only; to it ``\(`` is an escaped parenthesis,
so ``\(\frac{a}{b}\)`` would print its TeX source. Before pandoc parses, outside code:

- ``\[`` and ``\]`` each alone on a line, or one line ``\[ … \]`` holding a TeX command,
  become ``$$ … $$`` (display math);
- ``\( … \)`` on one line becomes ``$…$`` when what it holds has no Chinese (``\(注\)`` is
  an escaped parenthesis, not math); ``\[ … \]`` within a line only when it holds a TeX
  command (``\[1\]`` is an escaped bracket).

- ``$ E=mc^2 $``, dollar math with spaces inside its dollars (Typora, Markdown Preview
  Enhanced, KaTeX and MathJax read it; pandoc does not, and printed the TeX source)
  becomes ``$E=mc^2$`` when what it holds is TeX: a command, ``^`` or ``_`` (``$ 5 $``
  and prices stay as written).

One ``math-delimiters`` info counts them.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from publish.chars import CJK
from publish.document import Document
from publish.lines import code_lines

COMMAND = re.compile(r"\\[a-zA-Z]+")
OPEN, CLOSE = re.compile(r"^\s*\\\[\s*$"), re.compile(r"^\s*\\\]\s*$")


def _pairs(segment: str, left: str, right: str, wrap: Callable[[str], str | None]) -> str:
    """Each ``left … right`` in ``segment`` (the nearest ``right``, not empty) replaced by
    ``wrap(inside)``, or kept when that is None, as ``re.sub`` with ``left(.+?)right`` would:
    that regex scans to the line's end from every ``left`` with no ``right`` (quadratic)."""
    out: list[str] = []
    at = 0
    while (start := segment.find(left, at)) >= 0:
        stop = segment.find(right, start + len(left) + 1)
        if stop < 0:
            break  # no ``right`` after this ``left``, so none after any later one either
        end = stop + len(right)
        kept = wrap(segment[start + len(left) : stop])
        out.append(segment[at:end] if kept is None else segment[at:start] + kept)
        at = end
    out.append(segment[at:])
    return "".join(out)


def _inline(segment: str) -> tuple[str, int]:
    count = 0

    def paren(inside: str) -> str | None:
        nonlocal count
        tex = inside.strip()
        if not tex or CJK.search(tex):
            return None
        count += 1
        return f"${tex}$"

    def bracket(inside: str) -> str | None:
        nonlocal count
        tex = inside.strip()
        if not COMMAND.search(tex) or CJK.search(tex):
            return None
        count += 1
        return f"$${tex}$$"

    segment = _pairs(segment, "\\(", "\\)", paren)
    return _pairs(segment, "\\[", "\\]", bracket), count


def tex_delimiters(doc: Document) -> None:
    """Manuscript stage, text level: see module."""
    _spaced_dollars(doc)
    if "\\(" not in doc.text and "\\[" not in doc.text:
        return
    lines = doc.text.split("\n")
    # the last line that can close a display; looking ahead from every ``\[`` was quadratic
    last_close = max((n for n, line in enumerate(lines) if CLOSE.match(line)), default=-1)
    display, total, first = False, 0, None
    for n, (line, code) in enumerate(zip(lines, code_lines(lines), strict=True)):
        if code and not display:
            continue
        if not display and OPEN.match(line) and n < last_close:
            lines[n] = line.replace("\\[", "$$")
            display = True
            first = first or n + 1
        elif display and CLOSE.match(line):
            lines[n] = line.replace("\\]", "$$")
            display = False
            total += 1
        elif not display and ("\\(" in line or "\\[" in line):
            new, found = _outside_code(line, _inline)
            if found:
                lines[n] = new
                total += found
                first = first or n + 1
    if total:
        doc.text = "\n".join(lines)
        doc.info(
            "math-delimiters",
            f"{total} formula(s) written between \\( \\) or \\[ \\] read as math",
            first,
        )


# A single dollar (not "$$", not escaped) and TeX's signs, for _spaced_dollars.
DOLLAR = re.compile(r"(?<![\\$])\$(?!\$)")
TEX_SIGN = re.compile(r"\\[a-zA-Z]+|[\^_]")


def _spaced_dollars(doc: Document) -> None:
    """``$ … $`` with spaces inside the dollars, holding TeX: ``$…$`` (see module)."""
    if "$ " not in doc.text and " $" not in doc.text:
        return
    lines = doc.text.split("\n")
    total, first = 0, None
    for n, (line, code) in enumerate(zip(lines, code_lines(lines), strict=True)):
        if code or "$" not in line:
            continue
        new, found = _outside_code(line, _dollars)
        if found:
            lines[n] = new
            total += found
            first = first or n + 1
    if total:
        doc.text = "\n".join(lines)
        doc.info(
            "math-spaced-dollars",
            f"{total} formula(s) with spaces inside their dollars ($ x^2 $) read as math",
            first,
        )


def _dollars(segment: str) -> tuple[str, int]:
    marks = [m.start() for m in DOLLAR.finditer(segment)]
    out, at, found = [], 0, 0
    for a, b in zip(marks[::2], marks[1::2], strict=False):
        inside = segment[a + 1 : b]
        if inside.strip() and inside != inside.strip() and TEX_SIGN.search(inside):
            out.append(segment[at:a] + "$" + inside.strip() + "$")
            at = b + 1
            found += 1
    return "".join(out) + segment[at:], found


def _outside_code(line: str, rewrite: Callable[[str], tuple[str, int]]) -> tuple[str, int]:
    """``line`` with ``rewrite`` applied to each part outside inline code; how many."""
    parts = line.split("`")
    found = 0
    for k in range(0, len(parts), 2):  # even parts are outside inline code
        parts[k], c = rewrite(parts[k])
        found += c
    return "`".join(parts), found
