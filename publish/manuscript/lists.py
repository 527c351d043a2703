"""Bullets indented under a numbered item by fewer spaces than the item's text.

```
2. **角色定义冻结**：
  - **Quality（质量项）**：…
```

The author means the bullets to belong to item 2 (many editors indent sub-lists by two
spaces), but to Markdown a line indented less than the item's text (three columns after
"2. ") is not inside it: the numbered list stops, a bullet list follows, and the numbers go
on in a third list. Such bullets, directly under a numbered item, are indented to the
item's text before pandoc parses (``list-nested``, info). Code blocks are left alone.
"""

from __future__ import annotations

import re
from typing import Any

from publish.ast import BulletList, Plain, inlines_of, lists, text
from publish.document import Document
from publish.lines import code_lines

NUMBERED = re.compile(r"^(\d{1,9}[.)])( +)\S")
BULLET = re.compile(r"^( {1,3})([-*+] +\S.*)$")


def nest_bullets(doc: Document) -> None:
    """Manuscript stage, text level: see module."""
    lines = doc.text.split("\n")
    column = 0  # the text column of the numbered item the lines below belong to, or 0
    shift = 0  # spaces added to the bullet being moved, and so to the lines under it
    moved: list[int] = []
    for n, (line, code) in enumerate(zip(lines, code_lines(lines), strict=True)):
        if code:
            column, shift = 0, 0
            continue
        if m := NUMBERED.match(line):
            column, shift = len(m.group(1)) + len(m.group(2)), 0
            continue
        b = BULLET.match(line)
        indent = len(line) - len(line.lstrip(" "))
        if column and b and len(b.group(1)) < column:
            shift = column - len(b.group(1))
            lines[n] = " " * shift + line
            moved.append(n + 1)
        elif shift and line.strip() and indent > column - shift:
            lines[n] = " " * shift + line  # under a moved bullet: moves with it
        elif not (column and indent >= column and line.strip()):
            column, shift = 0, 0
    if moved:
        doc.text = "\n".join(lines)
        doc.info(
            "list-nested",
            f"{len(moved)} bullet(s) indented less than the numbered item above them are read "
            "as part of that item",
            moved[0],
            lines=moved[:50],
        )


# -- bullets right under a paragraph line ------------------------------------------------

MARKS = {"-", "*", "+"}
BREAKS = ("SoftBreak", "LineBreak")


def bullets_after_lines(doc: Document) -> None:
    """Manuscript stage, AST level: a bullet list written right under a line of text, with
    no blank line between, is a list, as GitHub and CommonMark read it::

        **配套文档**
        - URL：https://…
        - 来源类型：官方

    pandoc's Markdown keeps it in the paragraph, its "- " as text. Only bullets (``-``,
    ``*``, ``+`` and a space at a line's start): a line starting "2024. " stays text.
    pandoc's Markdown reader only: CommonMark reads these lists itself."""
    if doc.reader != "markdown":
        return
    made = 0
    for lst in lists(doc.ast["blocks"]):
        i = 0
        while i < len(lst):
            b = lst[i]
            split = (
                _split(inlines_of(b))
                if isinstance(b, dict) and b.get("t") in ("Para", "Plain")
                else None
            )
            if not split:
                i += 1
                continue
            head, items = split
            new = [{"t": b["t"], "c": head}] if head else []
            new.append(BulletList([[Plain(it)] for it in items]))
            lst[i : i + 1] = new
            made += len(items)
            i += len(new)
    if made:
        doc.info("list-after-line", f"{made} bullet(s) right under a line of text read as a list")


def _split(inlines: list[Any]) -> tuple[list[Any], list[list[Any]]] | None:
    """The inlines before the first bullet line, and each bullet's; None if there is none."""
    starts = [
        k
        for k in range(len(inlines) - 2)
        if inlines[k]["t"] in BREAKS
        and inlines[k + 1]["t"] == "Str"
        and text(inlines[k + 1]) in MARKS
        and inlines[k + 2]["t"] == "Space"
    ]
    if not starts:
        return None
    head = inlines[: starts[0]]
    items = []
    for n, k in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(inlines)
        item = inlines[k + 3 : end]
        while item and item[-1]["t"] in BREAKS + ("Space",):
            item = item[:-1]
        items.append(item)
    return head, items
