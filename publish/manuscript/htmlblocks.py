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
    # Raw blocks next to each other are read as one piece of HTML, as a browser shows them
    # (a table whose lines end_html_blocks gave a comment each is whole again).
    found: list[tuple[list[Any], int, int, str]] = []
    for lst in lists(doc.ast.get("blocks", []), _has_raw_block):
        i = 0
        while i < len(lst):
            if not _is_raw_block(lst[i]):
                i += 1
                continue
            j = i + 1
            while j < len(lst) and _is_raw_block(lst[j]):
                j += 1
            found.append((lst, i, j, "\n".join(text(x) for x in lst[i:j])))
            i = j
    if not found:
        return
    key = "publish-" + secrets.token_hex(4)
    parts = []
    for n, (_, _, _, html) in enumerate(found):
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
        lst, i, j, _ = found[n]
        new: list[Element] = blocks.get(f"{key}-{n}", [])
        lst[i:j] = new


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
    """Text level. HTML that closes every element it opens, with Markdown on the very next
    line (``<center><img …></center>`` or a ``<table>`` ending ``</table>``, then a list):
    CommonMark keeps that Markdown in the HTML block, up to a blank line, so the list
    printed its ``-`` and ``**`` and an escaped ``\\<`` opened a tag that swallowed the
    text to the next ``>`` (corpus real-docs/40, 53). Jekyll's kramdown ends the block with
    its HTML, as the author saw it; here each of its lines is given an empty comment first
    (:data:`EMPTY`), which makes it a block that ends on its line (CommonMark kind 2), line
    numbers unchanged; :func:`read_html_blocks` reads such neighbours as one piece."""
    if "<" not in doc.text:
        return
    lines = doc.text.split("\n")
    info = scan(lines)
    ended: list[int] = []
    n = 0
    while n < len(lines) - 1:
        m = START.match(lines[n])
        if (
            m is None
            or info[n].code
            or info[n].front
            or OWN_END.match(lines[n])
            or (m.group(1).lower() not in BLOCK_TAGS and n and lines[n - 1].strip())
        ):
            n += 1  # no HTML block starts here (kind 7 after text is inline HTML)
            continue
        last = _html_end(lines, info, n)
        if last is None:
            n += 1
            continue
        skip = _in_comments(lines[n : last + 1])
        for k in range(n, last + 1):
            if k - n not in skip:  # at column 0: an indented line must not turn code
                lines[k] = EMPTY + lines[k]
        ended.append(last + 1)
        n = last + 1
    if ended:
        doc.text = "\n".join(lines)
        doc.info(
            "html-block-ended",
            f"{len(ended)} HTML block(s) with Markdown right after them read as ending "
            "there (CommonMark would print that Markdown as written, up to a blank line)",
            ended[0],
        )


COMMENT = re.compile(r"<!--.*?-->")


def _html_end(lines: list[str], info: list[Any], first: int) -> int | None:
    """The line where the HTML block starting at ``first`` has closed every element it
    opened, when Markdown follows on the very next line; None when it runs on to a blank
    line, or into code, as CommonMark's does."""
    open_: list[str] = []
    comment = False  # inside an HTML comment that a later line closes
    for k in range(first, len(lines) - 1):
        if not lines[k].strip() or info[k].code:
            return None
        line = lines[k]
        if comment:
            if "-->" not in line:
                continue
            line, comment = line.split("-->", 1)[1], False
        line = COMMENT.sub("", line)
        if "<!--" in line:
            # A comment over the next lines is a block of its own (CommonMark kind 2, to
            # its "-->") when it opens its line; opened after other HTML, the empty comment
            # before the line would end it there and print what it hides.
            if not lines[k].lstrip().startswith("<!--"):
                return None
            line, comment = line.split("<!--", 1)[0], True
        _balance(line, open_)
        after = lines[k + 1]
        if not comment and not open_ and after.strip() and not after.lstrip().startswith("<"):
            return None if info[k + 1].code else k
    return None


def _in_comments(lines: list[str]) -> set[int]:
    """Indices of the lines of a comment that opens its line and closes on a later one:
    a block of their own, left as they are."""
    out: set[int] = set()
    start = None
    for k, line in enumerate(lines):
        rest = COMMENT.sub("", line)
        if start is None and rest.lstrip().startswith("<!--"):
            start = k
        if start is not None:
            out.add(k)
            if "-->" in (rest if k == start else line):
                start = None
    return out


def _balance(line: str, open_: list[str]) -> None:
    """``open_`` (the elements open so far) after ``line``'s tags: a closing tag closes its
    element and any left open inside it; one with nothing to close is passed over."""
    for closing, name, selfclosing in TAG.findall(line):
        name = name.lower()
        if closing:
            if name in open_:
                del open_[len(open_) - 1 - open_[::-1].index(name) :]
        elif not selfclosing and name not in VOID:
            open_.append(name)
