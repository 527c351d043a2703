"""Pipe tables whose delimiter row has another number of cells than their header row, and
pipe tables right under a line of text.

GFM reads ``| a | b | c |`` over ``|--|--|`` as no table at all, and prints every row with
its pipes; editors that draw the table as it is typed (Typora, Obsidian) hide the slip.
The author meant a table with the header's columns: the delimiter row is rewritten with
as many cells as the header (alignment kept where a cell had one), before parsing, on its
own line. One ``table-repaired`` note gives the first line.

A table written right under a line of text, with no blank line between (``以下是对比：``
then ``| 模型 | 参数 |``), is a table on GitHub, in VS Code's preview and in Typora; pandoc's
Markdown keeps it in the paragraph and prints its rows with their pipes. The blank line
right under the table is moved up to before it (:func:`tables_after_lines`): the text
keeps its number of lines, and every line outside the table its number (a line of the
table reads one lower). A table with a list or text right under it is left as it is (the
blank line after that separates it from what follows: moving it would join them; a line
map would allow a line added instead), and so is a table in a quote. One
``table-after-line`` note gives the lines.
"""

from __future__ import annotations

import re
from typing import Any

from publish.document import Document
from publish.lines import scan

# A row starts with a pipe (up to three spaces in: a table in a list item may be indented).
ROW_START = re.compile(r"^ {0,3}\|")
# Lines above a table that are not paragraph text: a heading, an HTML block, a quote (the
# table's rows would leave it), a line of a table.
NOT_TEXT = re.compile(r"^ {0,3}(?:#{1,6}(?:\s|$)|<|>)")
DELIMITER = re.compile(r"^ {0,3}\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
CELL_SPLIT = re.compile(r"(?<!\\)\|")


def _cells(row: str) -> list[str]:
    row = row.strip()
    if row.startswith("|"):
        row = row[1:]
    if row.endswith("|") and not row.endswith("\\|"):
        row = row[:-1]
    return CELL_SPLIT.split(row)


def repair_pipe_tables(doc: Document) -> None:
    """Text level: see module."""
    if "|" not in doc.text:
        return
    lines = doc.text.split("\n")
    info = scan(lines)
    fixed: list[int] = []
    for n in range(1, len(lines)):
        head, delim = lines[n - 1], lines[n]
        if info[n].code or info[n - 1].code or "-" not in delim or not DELIMITER.match(delim):
            continue
        if "|" not in head or "|" not in delim or not head.strip():
            continue
        want, have = len(_cells(head)), _cells(delim)
        if want < 2 or want == len(have):
            continue
        aligns = [c.strip() for c in have] + ["---"] * want
        cells = [a if set(a) <= {":", "-"} and "-" in a else "---" for a in aligns[:want]]
        lines[n] = "| " + " | ".join(cells) + " |"
        fixed.append(n + 1)
    if fixed:
        doc.text = "\n".join(lines)
        doc.info(
            "table-repaired",
            f"{len(fixed)} table(s) whose delimiter row has another number of cells than "
            "the header row read as tables with the header's columns",
            fixed[0],
        )


def tables_after_lines(doc: Document) -> None:
    """Text level: see module."""
    if "|" not in doc.text:
        return
    lines = doc.text.split("\n")
    info = scan(lines)
    moved: list[int] = []
    n = 1
    while n < len(lines) - 1:
        end = _table_under_line(lines, info, n)
        if end is None:
            n += 1
            continue
        if end < len(lines):
            del lines[end]  # the blank line that ended the table …
        lines.insert(n, "")  # … now before it
        info = scan(lines)  # the same lines are code as before; their indices moved
        moved.append(n + 1)
        n = end + 1
    if moved:
        doc.text = "\n".join(lines)
        doc.info(
            "table-after-line",
            f"{len(moved)} table(s) right under a line of text read as tables, as GitHub "
            "shows them",
            moved[0],
            lines=moved[:50],
        )


def _table_under_line(lines: list[str], info: list[Any], n: int) -> int | None:
    """The index of the blank line right under the table whose header row is
    ``lines[n]`` (len(lines) at the end of the text), if a line of text is right above
    the table; else None."""
    above, head, delim = lines[n - 1], lines[n], lines[n + 1]
    if info[n - 1].code or info[n].code or info[n + 1].code or info[n - 1].front:
        return None
    if not above.strip() or ROW_START.match(above) or NOT_TEXT.match(above):
        return None
    if not ROW_START.match(head) or not DELIMITER.match(delim) or "-" not in delim:
        return None
    if len(_cells(head)) < 2 or len(_cells(head)) != len(_cells(delim)):
        return None
    end = n + 2
    while end < len(lines) and lines[end].strip() and not info[end].code:
        if "|" not in lines[end]:
            # A list or text right under the table: the blank line after it is what
            # separates it from what follows, and cannot be moved.
            return None
        end += 1
    if end < len(lines) and lines[end].strip():
        return None  # a code fence right under the table
    return end
