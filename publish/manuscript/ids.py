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

from publish import ast
from publish.ast import attr, elements, fresh
from publish.document import Document
from publish.manuscript.rawhtml import is_raw_html

# What writers name: pandoc's notes (fn1, fnref1, footnotes), citeproc's list (refs,
# ref-ID, bibliography), our citation links (cite-ID-N, writers/citations.py) and the
# table of contents (TOC, toc-ID).
RESERVED = re.compile(
    r"^(?:footnotes|fn\d+|fnref\d+|refs|ref-.+|bibliography|cite-.+|TOC|toc-.+|title-block-header)$"
)
RAW_ID = re.compile(r"""(\sid\s*=\s*)(?:"([^"]*)"|'([^']*)')""", re.I)


def unique_ids(doc: Document) -> None:
    """Manuscript stage: identifiers made unique (see module)."""
    blocks = doc.ast.get("blocks", [])
    every = list(elements(blocks))
    taken: set[str] = set()
    for elem in every:  # every identifier first, so that a new name is free everywhere
        a = attr(elem)
        if a is not None and a[0]:
            taken.add(a[0])
        elif a is None and is_raw_html(elem):
            taken |= {m.group(2) or m.group(3) or "" for m in RAW_ID.finditer(ast.text(elem))}
    seen: set[str] = set()
    renamed: list[str] = []
    follow: dict[str, str] = {}

    def rename(old: str) -> str:
        if not old or (old not in seen and not RESERVED.match(old)):
            seen.add(old)
            return old
        new = fresh(old, taken | seen)
        taken.add(new)
        seen.add(new)
        renamed.append(old)
        if RESERVED.match(old):
            follow.setdefault(old, new)
        return new

    for elem in every:
        a = attr(elem)
        if a is not None:
            a[0] = rename(a[0])
        elif is_raw_html(elem) and "id" in ast.text(elem).lower():
            ast.set_text(
                elem,
                RAW_ID.sub(
                    lambda m: f'{m.group(1)}"{rename(m.group(2) or m.group(3) or "")}"',
                    ast.text(elem),
                ),
            )
    for elem in every if follow else []:
        target = ast.url(elem) if elem["t"] == "Link" else ""
        if target.startswith("#") and target[1:] in follow:
            ast.set_url(elem, "#" + follow[target[1:]])
    if renamed:
        seen_names = list(dict.fromkeys(renamed))
        doc.info(
            "id-renamed",
            "identifiers used twice, or used by the writers, renamed: "
            + ", ".join(seen_names[:5])
            + (", …" if len(seen_names) > 5 else ""),
            renamed=seen_names[:50],
        )
