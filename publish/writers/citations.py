"""Citation marks and reference entries linked both ways, on a cited edition's AST.

citeproc (``link-citations``) already links each citation mark to its entry
(``#ref-ID``). This adds the way back, for any writer that renders HTML from the AST:

- every citation link gets an id, ``cite-ID-N`` for the N-th citation of entry ID, and
  the DPUB-ARIA role ``doc-biblioref``;
- every cited entry ends with a "↩" link (role ``doc-backlink``, ``aria-label`` in the
  edition's script) to the first citation of it in reading order; print hides it
  (``#refs a.backlink`` in styles/print.css: on paper it leads nowhere);
- the reference list's heading carries ``epub:type="bibliography"`` and the role
  ``doc-bibliography``: pandoc moves a heading's attributes onto its section.
"""

from __future__ import annotations

from typing import Any

from publish.ast import (
    Link,
    Plain,
    Space,
    Str,
    attributes,
    blocks_of,
    classes,
    elements,
    ident,
    inlines_of,
    kind,
    make_attr,
    set_ident,
    url,
)

BACK = "↩"
Element = dict[str, Any]


def link_both_ways(ast: dict[str, Any], label: str, role: bool = True) -> dict[str, str]:
    """Rewrite ``ast`` in place; returns each entry's id -> its first citation's id.
    ``role=False`` for pandoc's HTML writer, which sets ``doc-biblioref`` itself."""
    first: dict[str, str] = {}
    count: dict[str, int] = {}
    for cite in elements(ast["blocks"]):
        if kind(cite) != "Cite":
            continue
        for link in elements(inlines_of(cite)):
            if kind(link) != "Link" or not url(link).startswith("#ref-"):
                continue
            entry = url(link)[1:]
            count[entry] = count.get(entry, 0) + 1
            if not ident(link):
                set_ident(link, f"cite-{entry.removeprefix('ref-')}-{count[entry]}")
            kv = attributes(link)
            if role and not any(k == "role" for k, _ in kv):
                kv.append(["role", "doc-biblioref"])
            first.setdefault(entry, ident(link))
    blocks = ast["blocks"]
    for i, block in enumerate(blocks):
        if kind(block) == "Div" and ident(block) == "refs":
            if i and kind(blocks[i - 1]) == "Header":
                kv = attributes(blocks[i - 1])
                # epub:type means nothing in an HTML page (role says it there)
                kv += [["epub:type", "bibliography"]] if role else []
                kv += [["role", "doc-bibliography"]]
            for entry in blocks_of(block) or []:
                target = first.get(ident(entry)) if kind(entry) == "Div" else None
                if target:
                    _append(entry, _backlink(target, label))
    return first


def _backlink(target: str, label: str) -> Element:
    a = make_attr("", ["backlink"], [["role", "doc-backlink"], ["aria-label", label]])
    return Link([Str(BACK)], "#" + target, a=a)


def _append(entry: Element, link: Element) -> None:
    """At the end of the entry's text: inside citeproc's ``csl-right-inline`` span when
    there is one (it is a block of its own in the layout), else its last paragraph."""
    body = blocks_of(entry) or []
    spans = [e for e in elements(body) if kind(e) == "Span" and "csl-right-inline" in classes(e)]
    if spans:
        (inlines_of(spans[-1]) or []).extend([Space(), link])
        return
    last = body[-1] if body else None
    if last is not None and kind(last) in ("Para", "Plain"):
        (inlines_of(last) or []).extend([Space(), link])
    else:
        body.append(Plain([link]))
