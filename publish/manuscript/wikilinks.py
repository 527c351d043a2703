"""Wikilinks: ``[[word]]`` and ``[[target|label]]`` (Obsidian, wikis, Jekyll notes).

They link into the author's own notes, which are not part of the report, and they are not
citations (a citation has a number and a URL: ``[[3]](https://…)``). pandoc's Markdown
leaves them as text with the brackets; a reader expects what Obsidian shows: the label, or
the target when there is none. When the target names a heading of this document, the text
links to that heading. ``[[3]]`` (a number alone) is left to the references stage.
One ``wikilink`` info names them.
"""

from __future__ import annotations

import re

from publish import ast
from publish.ast import INLINE_CONTAINERS, Element, elements, inlines_from_text, stringify
from publish.document import Document

WIKILINK = re.compile(r"!?\[\[([^\[\]|\n]+?)(?:\|([^\[\]\n]+?))?\]\]")
NUMBER = re.compile(r"^\s*\d{1,4}(?:\s*[,，、]\s*\d{1,4}){0,30}\s*$")  # [[4]], [[4,21]]: citations


def _runs(lst: list[Element]) -> list[tuple[int, int]]:
    """Index ranges of consecutive Str/Space in ``lst`` that hold "[["."""
    out = []
    i = 0
    while i < len(lst):
        if lst[i].get("t") != "Str":
            i += 1
            continue
        j = i
        while j < len(lst) and lst[j].get("t") in ("Str", "Space"):
            j += 1
        if "[[" in "".join(ast.text(x) for x in lst[i:j] if x["t"] == "Str"):
            out.append((i, j))
        i = j
    return out


def _text(inlines: list[Element]) -> str:
    return "".join(ast.text(x) if x["t"] == "Str" else " " for x in inlines)


def _headings(doc: Document) -> dict[str, str]:
    out: dict[str, str] = {}
    for elem in elements(doc.ast.get("blocks", [])):
        if elem["t"] == "Header" and ast.ident(elem):
            out.setdefault(stringify(ast.inlines_of(elem)).strip(), ast.ident(elem))
    return out


def _replace(text: str, headings: dict[str, str], found: list[str]) -> list[Element] | None:
    out: list[Element] = []
    at = 0
    for m in WIKILINK.finditer(text):
        target, label = m.group(1).strip(), (m.group(2) or "").strip()
        if NUMBER.match(target) and not label:
            continue
        found.append(m.group(0))
        out += inlines_from_text(text[at : m.start()])
        shown = inlines_from_text(label or target)
        ident = headings.get(target.split("#", 1)[0].strip())
        if ident:
            out.append(ast.Link(shown, "#" + ident, a=ast.make_attr("", ["wikilink"])))
        else:
            out += shown
        at = m.end()
    if at == 0:
        return None
    return out + inlines_from_text(text[at:])


def _heading_reference(lst: list[Element]) -> list[str]:
    """``[[规则引擎]]`` when a heading is called 规则引擎: pandoc has already read the inner
    brackets as a link to it (implicit heading references); the outer ones go."""
    found = []
    for i in range(len(lst) - 2, 0, -1):
        before, link, after = lst[i - 1], lst[i], lst[i + 1]
        if (
            link.get("t") == "Link"
            and ast.url(link).startswith("#")
            and before.get("t") == "Str"
            and ast.text(before).endswith("[")
            and after.get("t") == "Str"
            and ast.text(after).startswith("]")
        ):
            found.append(f"[[{stringify(ast.inlines_of(link))}]]")
            ast.classes(link).append("wikilink")
            ast.set_text(before, ast.text(before)[:-1])
            ast.set_text(after, ast.text(after)[1:])
            kept = (before, link, after)
            lst[i - 1 : i + 2] = [x for x in kept if x["t"] != "Str" or ast.text(x)]
    return found


def resolve_wikilinks(doc: Document) -> None:
    """Manuscript stage: every wikilink printed as its label (see module)."""
    headings: dict[str, str] | None = None
    found: list[str] = []
    for elem in list(elements(doc.ast.get("blocks", []))):
        for lst in _inline_lists(elem):
            found += _heading_reference(lst)
            for i, j in reversed(_runs(lst)):
                if headings is None:
                    headings = _headings(doc)
                new = _replace(_text(lst[i:j]), headings, mine := [])
                if new is not None:
                    lst[i:j] = new
                    found += mine
    if found:
        seen = list(dict.fromkeys(found))
        doc.info(
            "wikilink",
            f"{len(found)} wikilink(s) point into the author's notes, not to a source: printed "
            "as their text: " + ", ".join(seen[:5]) + (", …" if len(seen) > 5 else ""),
            doc.line_of(found[0]),
            wikilinks=seen[:50],
        )


def _inline_lists(elem: Element) -> list[list[Element]]:
    """The inline lists of the text: a paragraph's, a heading's, an inline container's,
    a line block's lines (not a picture's description or a citation's printed form)."""
    if elem["t"] in INLINE_CONTAINERS or elem["t"] in ("Para", "Plain", "Header"):
        return [ast.inlines_of(elem)]
    if elem["t"] == "LineBlock":
        return list(ast.lines_of(elem))
    return []
