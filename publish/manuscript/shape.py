"""Nesting no reader needs and no layout engine survives: flattened below a fixed depth.

pandoc reads 500 quotes or lists inside each other without trouble, but WeasyPrint's style
lookup recurses once per level of HTML (a RecursionError at about 100 nested lists), so
does Python's json module, and each level of a list takes width from a printed page.
Below :data:`MAX_BLOCKS` block containers (quote, list, div, table, figure) a block
container gives way to the blocks it holds, and below :data:`MAX_INLINES` inline ones
(emphasis, span, link) an inline container to the text it holds; the words all stay, in
order. One ``nesting-flattened`` warning says so.
"""

from __future__ import annotations

import re
from typing import Any

from publish import ast
from publish.ast import (
    BLOCK_CONTAINERS,
    BLOCKS,
    INLINE_CONTAINERS,
    INLINES,
    Element,
    content,
    inline_content,
    is_element,
)
from publish.document import Document

# Levels of quotes, lists and divs inside each other, and of emphasis, spans and links: at
# 12 nested lists a printed page has about a third of its width left for the text.
MAX_BLOCKS = 12
MAX_INLINES = 16



def flatten_deep(doc: Document) -> None:
    """Manuscript stage, first of the AST steps: bound the nesting of ``doc.ast``."""
    flattened = False
    # (value, block containers around it, inline containers around it)
    stack: list[tuple[Any, int, int]] = [(doc.ast.get("blocks", []), 0, 0)]
    while stack:
        value, blocks, inlines = stack.pop()
        if isinstance(value, dict):
            stack.extend((v, blocks, inlines) for v in value.values())
            continue
        if not isinstance(value, list):
            continue
        i = 0
        while i < len(value):
            item = value[i]
            if is_element(item):
                t = item["t"]
                block, inline = t in BLOCK_CONTAINERS, t in INLINE_CONTAINERS
                if (block and blocks >= MAX_BLOCKS) or (inline and inlines >= MAX_INLINES):
                    value[i : i + 1] = _leaves(item)
                    flattened = True
                    continue  # look at what took its place
                stack.append((content(item), blocks + block, inlines + inline))
            elif isinstance(item, (list, dict)):
                stack.append((item, blocks, inlines))
            i += 1
    if flattened and not any(d.code == "nesting-flattened" for d in doc.diagnostics):
        doc.warn(
            "nesting-flattened",
            f"lists, quotes or emphasis nest more than {MAX_BLOCKS} levels deep; what is "
            "deeper is shown flattened (no words lost)",
        )


def _leaves(elem: Element) -> list[Element]:
    """What a container holds, without containers of its own kind: paragraphs and other
    blocks for a block (a list item's text, or a definition's term, becomes a paragraph),
    inlines for an inline."""
    block = elem["t"] in BLOCK_CONTAINERS
    containers = BLOCK_CONTAINERS if block else INLINE_CONTAINERS
    kinds = BLOCKS if block else INLINES
    out: list[Element] = []
    todo: list[Any] = [content(elem)]
    while todo:
        v = todo.pop()
        if isinstance(v, list):
            if block and v and all(is_element(x) and x["t"] in INLINES for x in v):
                out.append(ast.Para(v))
            else:
                todo.extend(reversed(v))
        elif is_element(v):
            if v["t"] in containers:
                todo.append(content(v))
            elif v["t"] in kinds:
                out.append(v)
    if block:  # list items were Plain: each its own paragraph now
        out = [ast.Para(ast.inlines_of(b)) if b["t"] == "Plain" else b for b in out]
    return out


def unwrap_heading_divs(doc: Document) -> None:
    """A ``<div>`` that holds headings gives way to what it holds: an unclosed one (pandoc
    closes it at the end of the file) would take every chapter after it into one block,
    and the EPUB would lose its chapter files, the DOCX its Heading 1s, the PDF its
    running heads. A div with an identifier leaves an empty one, so links to it still
    land. One ``div-unwrapped`` note says how many."""
    count = 0

    def unwrap(blocks: list[Any]) -> list[Any]:
        nonlocal count
        out: list[Any] = []
        for b in blocks:
            if is_element(b) and b["t"] == "Div":
                inner = unwrap(ast.blocks_of(b))
                if any(is_element(x) and x["t"] == "Header" for x in inner):
                    count += 1
                    if ast.ident(b):
                        out.append(ast.Div([], ast.attr(b)))
                    out.extend(inner)
                    continue
                ast.set_blocks(b, inner)
            out.append(b)
        return out

    doc.ast["blocks"] = unwrap(doc.ast.get("blocks", []))
    if count:
        doc.info(
            "div-unwrapped",
            f"{count} <div> block(s) held headings; their contents stand on their own, so "
            "chapters stay chapters (an unclosed <div> takes in the rest of the file)",
            doc.line_of("<div"),
        )


def drop_empty_headings(doc: Document) -> None:
    """A heading with no text (``##`` alone, often where a draft was cut off) is taken out:
    a contents entry, bookmark or EPUB navigation label must have text. One
    ``heading-empty`` note gives the line of the first."""
    dropped: list[Element] = []

    def walk(blocks: list[Any]) -> list[Any]:
        out = []
        for b in blocks:
            if is_element(b) and b["t"] == "Header" and not _has_text(ast.inlines_of(b)):
                dropped.append(b)
                if ast.ident(b):  # links to its identifier still land
                    out.append(ast.Div([], ast.make_attr(ast.ident(b))))
                continue
            if is_element(b) and b["t"] in ("Div", "BlockQuote"):
                inner = ast.blocks_of(b)
                inner[:] = walk(inner)
            out.append(b)
        return out

    doc.ast["blocks"] = walk(doc.ast.get("blocks", []))
    if dropped:
        ident = ast.ident(dropped[0])
        at = re.search(
            r"(?m)^#{1,6}[ \t]*(?:\{#" + re.escape(ident) + r"[^}]*\})?[ \t]*$", doc.text
        )
        line = doc.text.count("\n", 0, at.start()) + 1 if at else None
        doc.info("heading-empty", f"{len(dropped)} heading(s) without text left out", line)


# Inlines that are something to show (a picture or a note in raw HTML counts).
CONTENT = {"Str", "Code", "Math", "Image", "RawInline", "Note"}


def _has_text(inlines: list[Any]) -> bool:
    return any(
        is_element(e) and (e["t"] in CONTENT or _has_text(inline_content(e))) for e in inlines
    )


# Blocks whose headings belong to them, not to the report's outline.
HOLDERS = {"BulletList", "OrderedList", "BlockQuote", "DefinitionList", "Table", "Figure"}


def nested_headings(doc: Document) -> None:
    """A heading inside a list item, a quote, a callout, a table or a note is part of that
    block, as GitHub shows it: not a chapter, not the title, not a running head, not a
    contents entry. It becomes a bold paragraph that keeps its identifier (links to it
    still land). One ``heading-nested`` note gives the count."""
    count = 0
    stack: list[tuple[Any, bool]] = [(doc.ast.get("blocks", []), False)]
    while stack:
        value, inside = stack.pop()
        if isinstance(value, list):
            for i, item in enumerate(value):
                if inside and is_element(item) and item["t"] == "Header":
                    value[i] = _as_paragraph(item)
                    count += 1
                else:
                    stack.append((item, inside))
        elif is_element(value):
            t = value["t"]
            held = inside or t in HOLDERS or t == "Note"
            held = held or (t == "Div" and "callout" in ast.classes(value))
            stack.append((content(value), held))
    if count:
        doc.info(
            "heading-nested",
            f"{count} heading(s) inside a list, quote, callout, table or note print as "
            "bold paragraphs of that block, not as chapters",
        )


def _as_paragraph(header: Element) -> Element:
    return ast.Para([ast.Span([ast.Strong(ast.inlines_of(header))], ast.attr(header))])
