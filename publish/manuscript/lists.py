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

from publish.document import Document
from publish.manuscript.chat import FENCE

NUMBERED = re.compile(r"^(\d{1,9}[.)])( +)\S")
BULLET = re.compile(r"^( {1,3})([-*+] +\S.*)$")


def nest_bullets(doc: Document) -> None:
    """Manuscript stage, text level: see module."""
    lines = doc.text.split("\n")
    fenced = False
    column = 0  # the text column of the numbered item the lines below belong to, or 0
    shift = 0  # spaces added to the bullet being moved, and so to the lines under it
    moved: list[int] = []
    for n, line in enumerate(lines):
        if FENCE.match(line):
            fenced, column, shift = not fenced, 0, 0
            continue
        if fenced:
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
