"""Pipe tables whose delimiter row has another number of cells than their header row.

GFM reads ``| a | b | c |`` over ``|--|--|`` as no table at all, and prints every row with
its pipes; editors that draw the table as it is typed (Typora, Obsidian) hide the slip.
The author meant a table with the header's columns: the delimiter row is rewritten with
as many cells as the header (alignment kept where a cell had one), before parsing, on its
own line. One ``table-repaired`` note gives the first line.
"""

from __future__ import annotations

import re

from publish.document import Document
from publish.lines import scan

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
