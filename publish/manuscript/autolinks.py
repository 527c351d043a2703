"""Bare addresses in the text become links, as GitHub and chat apps show them:
``原始 URL：https://cloud.google.com/blog/x。`` links ``https://cloud.google.com/blog/x``.

pandoc's own ``autolink_bare_uris`` takes Chinese text after an address into it (a URI may
hold any letter), so it stays off. Here an address is ASCII only: it ends at whitespace or
a full-width mark (``。``, ``，``, ``）``…), and before trailing punctuation (``.,;:!?'"``)
or a closing bracket it did not open. One that runs straight into a Han character is left
as text: whether the characters belong to its path cannot be told. An address right
after ``(`` is left alone: it is the remains of a Markdown link (a citation the text cuts
off, which the references stage repairs). Code, math, raw HTML, links and citations are
not looked into.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

from publish import ast
from publish.ast import elements, inline_content
from publish.chars import IS_HAN
from publish.document import Document

BARE = re.compile(r"(?:https?://|www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")
TRAILING = ".,;:!?'\""
PAIRS = {")": "(", "]": "["}
# Elements whose text is not prose, or is a link already.
SKIP = ("Link", "Code", "CodeBlock", "RawBlock", "RawInline", "Math", "Image", "Cite")


# The words Notion's Markdown export writes for its link blocks: a paragraph that is only
# ``[bookmark](https://…)`` is a card showing the page; on paper the word alone says nothing.
NOTION_CARDS = frozenset({"bookmark", "link_preview", "embed"})


def link_bare_urls(doc: Document) -> None:
    """Every bare address in the text a link (class ``uri``, as pandoc's autolinks)."""
    _mark_autolinks(doc)
    _notion_cards(doc)
    count = 0
    for e in elements(doc.ast["blocks"], skip=SKIP):
        for inlines in _inline_lists(e):
            count += _link(inlines)
    if count:
        doc.info("urls-linked", f"made {count} bare address(es) in the text links")


def _inline_lists(e: dict[str, Any]) -> list[list[Any]]:
    """The inline lists ``e`` holds directly: a paragraph's, a heading's, an inline
    container's, a line block's lines, a definition list's terms."""
    t = e["t"]
    if t in ("Para", "Plain", "Header"):
        return [ast.inlines_of(e)]
    if t == "LineBlock":
        return list(ast.lines_of(e))
    if t == "DefinitionList":
        return [term for term, _ in ast.definitions(e)]
    content = inline_content(e)
    return [content] if content else []


def _link(inlines: list[Any]) -> int:
    """Split the Str nodes of ``inlines`` around bare addresses; returns how many."""
    count = 0
    i = 0
    while i < len(inlines):
        e = inlines[i]
        if e.get("t") != "Str" or ("://" not in ast.text(e) and "www." not in ast.text(e)):
            i += 1
            continue
        pieces = _split(ast.text(e))
        if len(pieces) == 1 and pieces[0]["t"] == "Str":  # no address in it
            i += 1
            continue
        inlines[i : i + 1] = pieces
        count += sum(1 for p in pieces if p["t"] == "Link")
        i += len(pieces)
    return count


def _split(text: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    pos = 0
    for m in BARE.finditer(text):
        start, url = m.start(), _trim(m.group(0))
        before = text[start - 1] if start else ""
        if before == "(" or (before.isascii() and before.isalnum()):
            continue  # a Markdown link's remains, or the middle of a word
        if IS_HAN.match(text, m.end()):
            continue  # 网址https://a.example/路径: where the address ends cannot be told
        if url.startswith("www.") and "." not in url[4:]:
            continue
        if start > pos:
            out.append(ast.Str(text[pos:start]))
        target = url if "://" in url else "http://" + url
        out.append(ast.Link([ast.Str(url)], target, a=ast.make_attr("", ["uri"])))
        pos = start + len(url)
    if not out:
        return [ast.Str(text)]
    if pos < len(text):
        out.append(ast.Str(text[pos:]))
    return out


def _trim(url: str) -> str:
    """``url`` without trailing punctuation and closing brackets it did not open."""
    while url:
        last = url[-1]
        if last in TRAILING or last in PAIRS and url.count(PAIRS[last]) < url.count(last):
            url = url[:-1]
        else:
            break
    return url


def _notion_cards(doc: Document) -> None:
    """A paragraph that is only a Notion card link (:data:`NOTION_CARDS`) shows its address
    (decoded, as a reader types it), as an autolink does (class ``uri``)."""
    count = 0
    for e in elements(doc.ast["blocks"]):
        if e["t"] not in ("Para", "Plain") or len(ast.inlines_of(e)) != 1:
            continue
        link = ast.inlines_of(e)[0]
        if link["t"] != "Link" or ast.stringify(ast.inlines_of(link)) not in NOTION_CARDS:
            continue
        word, target = ast.stringify(ast.inlines_of(link)), ast.url(link)
        if not target.startswith(("http://", "https://")):
            continue
        shown = unquote(target)
        link.update(ast.Link([ast.Str(shown)], target, a=ast.make_attr("", ["uri"])))
        # the word is no longer printed: said in the report, and the fidelity check knows
        line = doc.line_of(f"]({shown})") or doc.line_of(f"]({target})")
        doc.removed.append({"where": "notion-card", "line": line, "text": word})
        count += 1
    if count:
        doc.info("notion-cards", f"{count} Notion link card(s) show their address")


def _mark_autolinks(doc: Document) -> None:
    """``<https://…>`` and ``<a@b.example>`` carry the classes pandoc's Markdown gives them
    (``uri``, ``email``), which its CommonMark reader leaves off: the print edition breaks
    such links anywhere, and the references show them decoded."""
    for e in elements(doc.ast["blocks"]):
        if e["t"] != "Link":
            continue
        inlines, target, names = ast.inlines_of(e), ast.url(e), ast.classes(e)
        if len(inlines) != 1 or inlines[0]["t"] != "Str" or names:
            continue
        shown = ast.text(inlines[0])
        if shown == target and "://" in target:
            names.append("uri")
        elif target == "mailto:" + shown:
            names.append("email")
