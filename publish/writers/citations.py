"""Citation marks and reference entries linked both ways, on a cited edition's AST.

citeproc (``link-citations``) already links each citation mark to its entry
(``#ref-ID``). This adds the way back, for any writer that renders HTML from the AST:

- every citation link gets an id, ``cite-ID-N`` for the N-th citation of entry ID, and
  the DPUB-ARIA role ``doc-biblioref``;
- every cited entry ends with a "↩" link (role ``doc-backlink``, ``aria-label`` in the
  edition's script) to the first citation of it in reading order;
- the reference list's heading carries ``epub:type="bibliography"`` and the role
  ``doc-bibliography``: pandoc moves a heading's attributes onto its section.
"""

from __future__ import annotations

from typing import Any

from publish.ast import elements

BACK = "↩"
Element = dict[str, Any]


def link_both_ways(ast: dict[str, Any], label: str, role: bool = True) -> dict[str, str]:
    """Rewrite ``ast`` in place; returns each entry's id -> its first citation's id.
    ``role=False`` for pandoc's HTML writer, which sets ``doc-biblioref`` itself."""
    first: dict[str, str] = {}
    count: dict[str, int] = {}
    for cite in elements(ast["blocks"]):
        if cite["t"] != "Cite":
            continue
        for link in elements(cite["c"][1]):
            if link["t"] != "Link" or not link["c"][2][0].startswith("#ref-"):
                continue
            entry = link["c"][2][0][1:]
            count[entry] = count.get(entry, 0) + 1
            attr = link["c"][0]
            if not attr[0]:
                attr[0] = f"cite-{entry.removeprefix('ref-')}-{count[entry]}"
            if role and not any(k == "role" for k, _ in attr[2]):
                attr[2].append(["role", "doc-biblioref"])
            first.setdefault(entry, attr[0])
    blocks = ast["blocks"]
    for i, block in enumerate(blocks):
        if block["t"] == "Div" and block["c"][0][0] == "refs":
            if i and blocks[i - 1]["t"] == "Header":
                kv = blocks[i - 1]["c"][1][2]
                # epub:type means nothing in an HTML page (role says it there)
                kv += [["epub:type", "bibliography"]] if role else []
                kv += [["role", "doc-bibliography"]]
            for entry in block["c"][1]:
                target = first.get(entry["c"][0][0]) if entry["t"] == "Div" else None
                if target:
                    _append(entry, _backlink(target, label))
    return first


def _backlink(target: str, label: str) -> Element:
    attr = ["", ["backlink"], [["role", "doc-backlink"], ["aria-label", label]]]
    return {"t": "Link", "c": [attr, [{"t": "Str", "c": BACK}], ["#" + target, ""]]}


def _append(entry: Element, link: Element) -> None:
    """At the end of the entry's text: inside citeproc's ``csl-right-inline`` span when
    there is one (it is a block of its own in the layout), else its last paragraph."""
    spans = [
        e
        for e in elements(entry["c"][1])
        if e["t"] == "Span" and "csl-right-inline" in e["c"][0][1]
    ]
    if spans:
        spans[-1]["c"][1] += [{"t": "Space"}, link]
        return
    last = entry["c"][1][-1] if entry["c"][1] else None
    if last and last["t"] in ("Para", "Plain"):
        last["c"] += [{"t": "Space"}, link]
    else:
        entry["c"][1].append({"t": "Plain", "c": [link]})
