"""Straight double quotes in Chinese text made curly: ``的"新引擎"`` → ``的“新引擎”``.

pandoc reads the source without its ``smart`` extension (dashes, ellipses and apostrophes
stay as written), and would not take these for quotes anyway: its rule wants a space or
punctuation before an opening quote, and a Han character is neither. So typewriter quotes
in Chinese text reached every edition straight, and the Traditional editions could not
turn them into 「」 (editions/convert.py turns “” into 「」).

Per block (paragraph, heading, list item, cell, caption) whose text has Han: its straight
double quotes, read in order, pair up first with second, third with fourth…; when there
is an even number of them and every pair is well formed (no space after the opening one
or before the closing one), each pair becomes “…”. Anything else is left as written: an
odd count (an inch mark, a quote the author never closed) or nested straight quotes
cannot be read without guessing, nor can a block whose first quote of a pair follows a
digit (``12"x24"``: inch marks). Code (inline, or between raw ``<code>`` tags), math, raw
HTML, citations, URLs and Liquid tags are never touched; emphasis, links and spans are
read through (``"**新引擎**"``); a picture's description is a block of its own.
"""

from __future__ import annotations

import re
from typing import Any

from publish import ast
from publish.ast import (
    INLINE_CONTAINERS,
    elements,
    inline_content,
    inlines_of,
    raw_code_depth,
    shows_address,
)
from publish.chars import IS_HAN
from publish.document import Document
from publish.manuscript.liquid import TAG

# Containers whose text is part of the sentence, read through; any other inline element
# (code, math, raw HTML, a citation, a note, a picture) ends the text around it.
THROUGH = INLINE_CONTAINERS
BREAK = "\x00"  # stands for a non-text element between two pieces of text
# Text whose quotes are not quotation marks: an address, a Liquid tag kept as text.
VERBATIM = re.compile(rf"(?:https?|ftp|file|mailto):[^\s\x00]+|www\.[^\s\x00]+|{TAG.pattern}")


def curl_quotes(doc: Document) -> None:
    """Make the well-formed straight double quotes of each Chinese block curly, counted in
    ``doc.quotes``; the YAML title, subtitle and author too."""
    pairs: list[str] = []
    for e in elements(doc.ast.get("blocks", [])):
        if e["t"] in ("Para", "Plain", "Header", "Image"):
            pairs += _curl(inlines_of(e))
        elif e["t"] == "LineBlock":
            for line in ast.lines_of(e):
                pairs += _curl(line)
        elif e["t"] == "DefinitionList":
            for term, _ in ast.definitions(e):
                pairs += _curl(term)
    for key in ("title", "subtitle", "author"):
        for value in elements(doc.ast.get("meta", {}).get(key)):
            if value["t"] == "MetaInlines":
                pairs += _curl(inlines_of(value))
    doc.quotes += len(pairs)
    if pairs:
        doc.info(
            "quotes-curled",
            f"made {len(pairs)} pair(s) of straight double quotes in Chinese text curly, "
            f"such as “{pairs[0]}”",
            doc.line_of(f'"{pairs[0]}"') or doc.line_of(pairs[0][:8]),
        )


def _curl(inlines: list[Any]) -> list[str]:
    """Curl the quote pairs of one block's inlines in place; returns each pair's text."""
    pieces: list[Any] = []  # Str elements, and " " or BREAK between them
    _flatten(inlines, pieces)
    text = "".join(ast.text(p) if isinstance(p, dict) else p for p in pieces)
    if '"' not in text or not IS_HAN.search(text):
        return []
    verbatim = [(m.start(), m.end()) for m in VERBATIM.finditer(text)]
    at = [i for i, ch in enumerate(text) if ch == '"' and not any(a <= i < b for a, b in verbatim)]
    if len(at) % 2:
        return []
    pairs = list(zip(at[::2], at[1::2], strict=True))
    for start, end in pairs:
        inner = text[start + 1 : end]
        if not inner or inner[0].isspace() or inner[-1].isspace():
            return []
        if start and text[start - 1].isascii() and text[start - 1].isdigit():
            return []  # 12"x24": inch marks, not quotes
    opening = {start for start, _ in pairs}
    closing = {end for _, end in pairs}
    offset = 0
    for p in pieces:
        if isinstance(p, str):
            offset += len(p)
            continue
        s = ast.text(p)
        if '"' in s:
            ast.set_text(p, "".join(
                "“" if offset + i in opening else "”" if offset + i in closing else ch
                for i, ch in enumerate(s)
            ))
        offset += len(s)
    return [text[a + 1 : b].replace(BREAK, "") for a, b in pairs]


def _flatten(inlines: list[Any], out: list[Any], code: list[int] | None = None) -> None:
    """``inlines`` as Str pieces and separators into ``out``; ``code`` counts the raw HTML
    code elements open (their text is code, not prose)."""
    code = [0] if code is None else code
    for e in inlines:
        kind = e["t"]
        if kind == "RawInline":
            code[0] = raw_code_depth(ast.text(e), code[0])
            out.append(BREAK)
        elif kind == "Str" and code[0]:
            out.append(BREAK)
        elif kind == "Str":
            out.append(e)
        elif kind in ("Space", "SoftBreak", "LineBreak"):
            out.append(" ")
        elif kind in THROUGH and not shows_address(e):
            _flatten(inline_content(e), out, code)
        else:
            out.append(BREAK)
