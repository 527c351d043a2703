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

from publish.ast import Element, elements, inlines_from_text, stringify
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
        if "[[" in "".join(x.get("c", "") for x in lst[i:j] if x["t"] == "Str"):
            out.append((i, j))
        i = j
    return out


def _text(inlines: list[Element]) -> str:
    return "".join(x["c"] if x["t"] == "Str" else " " for x in inlines)


def _headings(doc: Document) -> dict[str, str]:
    out: dict[str, str] = {}
    for elem in elements(doc.ast.get("blocks", [])):
        if elem["t"] == "Header" and elem["c"][1][0]:
            out.setdefault(stringify(elem["c"][2]).strip(), elem["c"][1][0])
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
            out.append({"t": "Link", "c": [["", ["wikilink"], []], shown, ["#" + ident, ""]]})
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
            and link["c"][2][0].startswith("#")
            and before.get("t") == "Str"
            and before["c"].endswith("[")
            and after.get("t") == "Str"
            and after["c"].startswith("]")
        ):
            found.append(f"[[{stringify(link['c'][1])}]]")
            link["c"][0][1].append("wikilink")
            before["c"], after["c"] = before["c"][:-1], after["c"][1:]
            lst[i - 1 : i + 2] = [x for x in (before, link, after) if x["t"] != "Str" or x["c"]]
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


_INLINES_AT = {"Para": None, "Plain": None, "Emph": None, "Strong": None, "Underline": None}
_INLINES_AT |= {"Strikeout": None, "Superscript": None, "Subscript": None, "SmallCaps": None}
_INLINES_AT |= {"Header": 2, "Span": 1, "Quoted": 1, "Link": 1}


def _inline_lists(elem: Element) -> list[list[Element]]:
    if elem["t"] in _INLINES_AT:
        at = _INLINES_AT[elem["t"]]
        return [elem["c"] if at is None else elem["c"][at]]
    if elem["t"] == "LineBlock":
        return list(elem["c"])
    return []
