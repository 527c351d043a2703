"""HTML blocks read as the document they show: tables, figures, lists, links as pandoc's own.

CommonMark keeps an HTML block (``<table>…``, ``<figure>…``, ``<div align=center>…``, up
to a blank line) as one opaque piece of raw HTML. The HTML and EPUB editions could print
it, but the DOCX writer drops raw HTML, and the print edition, the editions' converter,
the references and the fidelity check would each have to parse it again. So after the
sanitiser has cleaned it, every raw HTML block is read by pandoc's HTML reader, all in
one run, and replaced by the blocks it holds: an HTML table becomes a table in every
format, ``<a href="…">[1]</a>`` a citation like ``[[1]](…)``, ``<h2>`` a heading.

A block is cleaned by the sanitiser's rules once more first (``rawhtml.clean``): the
sanitiser splits raw HTML around pandoc's own elements, so a piece may open a tag that a
later piece closes; balanced, it can be wrapped in a marker ``<div>`` and found again in
pandoc's output. Raw *inline* HTML (``<br>``, ``<sup>``) stays as it is: its text is already
pandoc's.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from publish import pandoc
from publish.ast import Element, blocks_of, ident, lists, text
from publish.document import Document
from publish.lines import scan
from publish.manuscript.rawhtml import clean, is_raw_html


def read_html_blocks(doc: Document) -> None:
    """Manuscript stage, after :func:`~publish.manuscript.rawhtml.sanitize` (see module)."""
    found: list[tuple[list[Any], int, str]] = []
    for lst in lists(doc.ast.get("blocks", []), _has_raw_block):
        for i, x in enumerate(lst):
            if _is_raw_block(x):
                found.append((lst, i, text(x)))
    if not found:
        return
    key = "publish-" + secrets.token_hex(4)
    parts = []
    for n, (_, _, html) in enumerate(found):
        parts.append(f'<div id="{key}-{n}">{clean(html)}</div>')
    out, warnings = pandoc.run(
        ["-f", "html", "-t", "json"], "\n".join(parts).encode("utf-8"), str(doc.source)
    )
    for w in warnings:
        doc.warn("pandoc-warning", w)
    read = pandoc.loads(out, str(doc.source))
    ours = [b for b in read["blocks"] if b["t"] == "Div" and ident(b).startswith(key)]
    blocks = {ident(b): blocks_of(b) for b in ours}
    # Replace from the last, so the indexes of earlier ones in the same list hold.
    for n in range(len(found) - 1, -1, -1):
        lst, i, _ = found[n]
        new: list[Element] = blocks.get(f"{key}-{n}", [])
        lst[i : i + 1] = new


def _is_raw_block(x: Any) -> bool:
    return is_raw_html(x) and x["t"] == "RawBlock"


def _has_raw_block(lst: list[Any]) -> bool:
    return any(_is_raw_block(x) for x in lst)


# -- text level: an HTML block that ends where its HTML does ------------------------------

# CommonMark's HTML block kinds 6 (these tags, which may interrupt a paragraph) and 7 (any
# other complete tag alone on its line, after a blank line): both run on to the next blank
# line (CommonMark 4.6).
BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "base",
        "basefont",
        "blockquote",
        "body",
        "caption",
        "center",
        "col",
        "colgroup",
        "dd",
        "details",
        "dialog",
        "dir",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "frame",
        "frameset",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "head",
        "header",
        "hr",
        "html",
        "iframe",
        "legend",
        "li",
        "link",
        "main",
        "menu",
        "menuitem",
        "nav",
        "noframes",
        "ol",
        "optgroup",
        "option",
        "p",
        "param",
        "search",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "title",
        "tr",
        "track",
        "ul",
    ]
)
VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    ]
)
START = re.compile(r"^ {0,3}</?([A-Za-z][A-Za-z0-9-]*)(?=[\s/>]|$)")
TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)\b[^<>]*?(/?)>")
# Kinds 1-5 (script, pre, style, textarea; comments; <? ?>; <!X>; CDATA) end at their own
# closer, not at a blank line.
OWN_END = re.compile(r"^ {0,3}<(?:script|pre|style|textarea|!|\?)", re.I)
EMPTY = "<!---->"  # an HTML comment: a block that starts with one ends on its line


def end_html_blocks(doc: Document) -> None:
    """Text level. A line of HTML that is complete in itself (``<center><img …></center>``,
    ``</details>``) with Markdown on the very next line: CommonMark keeps that Markdown in
    the HTML block, up to a blank line, so a list after a picture printed its ``-`` and
    ``**`` and an escaped ``\\<`` opened a tag that swallowed the text to the next ``>``
    (corpus real-docs/53). Jekyll's kramdown ends the block with its HTML, as the author
    saw it; here the line is given an empty comment first (:data:`EMPTY`), which makes it
    a block that ends on that line (CommonMark kind 2), line numbers unchanged."""
    if "<" not in doc.text:
        return
    lines = doc.text.split("\n")
    info = scan(lines)
    ended: list[int] = []
    for n, line in enumerate(lines[:-1]):
        m = START.match(line)
        if m is None or info[n].code or info[n].front or info[n + 1].code:
            continue
        after = lines[n + 1]
        if not after.strip() or after.lstrip().startswith("<") or OWN_END.match(line):
            continue
        if m.group(1).lower() not in BLOCK_TAGS and n and lines[n - 1].strip():
            continue  # kind 7 after text: inline HTML of that paragraph
        if not _complete(line):
            continue
        indent = len(line) - len(line.lstrip(" "))
        lines[n] = line[:indent] + EMPTY + line[indent:]
        ended.append(n + 1)
    if ended:
        doc.text = "\n".join(lines)
        doc.info(
            "html-block-ended",
            f"{len(ended)} line(s) of HTML with Markdown right after them read as ending "
            "there (CommonMark would print that Markdown as written, up to a blank line)",
            ended[0],
        )


def _complete(line: str) -> bool:
    """Every element ``line`` opens it also closes (closing tags of earlier lines may
    stand alone: ``</details>``)."""
    open_: list[str] = []
    for closing, name, selfclosing in TAG.findall(line):
        name = name.lower()
        if closing:
            if open_ and open_[-1] == name:
                open_.pop()
        elif not selfclosing and name not in VOID:
            open_.append(name)
    return not open_
