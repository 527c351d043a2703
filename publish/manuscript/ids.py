"""Identifiers: each one once in the document, none that a writer gives its own elements.

A source may repeat an ``id`` (pandoc's test suite has three ``<hr id="bar">``), or name a
heading "Footnotes", whose identifier ``footnotes`` pandoc's HTML writer also gives its
notes section. A page with an identifier twice has links that go to either; WeasyPrint
says "Anchor defined twice". Here, after every other manuscript step, the first of each
identifier keeps it and later ones get ``-2``, ``-3``…; one that a writer uses
(:data:`RESERVED`) is renamed wherever it stands, and links to it follow it (the author's
link means the author's element). Identifiers in raw HTML count as pandoc's own do.
"""

from __future__ import annotations

import re
from typing import Any

from publish.ast import elements
from publish.document import Document
from publish.manuscript.rawhtml import is_raw_html

# What writers name: pandoc's notes (fn1, fnref1, footnotes), citeproc's list (refs,
# ref-ID, bibliography), our citation links (cite-ID-N, writers/citations.py) and the
# table of contents (TOC, toc-ID).
RESERVED = re.compile(
    r"^(?:footnotes|fn\d+|fnref\d+|refs|ref-.+|bibliography|cite-.+|TOC|toc-.+|title-block-header)$"
)
RAW_ID = re.compile(r"""(\sid\s*=\s*)(?:"([^"]*)"|'([^']*)')""", re.I)
_ATTR_AT = {"Header": 1, "Div": 0, "Span": 0, "CodeBlock": 0, "Code": 0, "Link": 0}
_ATTR_AT |= {"Image": 0, "Table": 0, "Figure": 0}


def _fresh(old: str, taken: set[str]) -> str:
    n = 2
    while f"{old}-{n}" in taken:
        n += 1
    return f"{old}-{n}"


def unique_ids(doc: Document) -> None:
    """Manuscript stage: identifiers made unique (see module)."""
    blocks = doc.ast.get("blocks", [])
    every = list(elements(blocks))
    taken: set[str] = set()
    for elem in every:  # every identifier first, so that a new name is free everywhere
        at = _ATTR_AT.get(elem["t"])
        if at is not None and elem["c"][at][0]:
            taken.add(elem["c"][at][0])
        elif is_raw_html(elem):
            taken |= {m.group(2) or m.group(3) or "" for m in RAW_ID.finditer(elem["c"][1])}
    seen: set[str] = set()
    renamed: list[str] = []
    follow: dict[str, str] = {}

    def rename(old: str) -> str:
        if not old or (old not in seen and not RESERVED.match(old)):
            seen.add(old)
            return old
        new = _fresh(old, taken | seen)
        taken.add(new)
        seen.add(new)
        renamed.append(old)
        if RESERVED.match(old):
            follow.setdefault(old, new)
        return new

    for elem in every:
        at = _ATTR_AT.get(elem["t"])
        if at is not None:
            attr: list[Any] = elem["c"][at]
            attr[0] = rename(attr[0])
        elif is_raw_html(elem) and "id" in elem["c"][1].lower():
            elem["c"][1] = RAW_ID.sub(
                lambda m: f'{m.group(1)}"{rename(m.group(2) or m.group(3) or "")}"', elem["c"][1]
            )
    for elem in every if follow else []:
        target = elem["c"][2][0] if elem["t"] == "Link" else ""
        if target.startswith("#") and target[1:] in follow:
            elem["c"][2][0] = "#" + follow[target[1:]]
    if renamed:
        seen_names = list(dict.fromkeys(renamed))
        doc.info(
            "id-renamed",
            "identifiers used twice, or used by the writers, renamed: "
            + ", ".join(seen_names[:5])
            + (", …" if len(seen_names) > 5 else ""),
            renamed=seen_names[:50],
        )
