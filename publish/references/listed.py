"""The source's own reference list: a section such as "## 参考资料" or "## 来源列表" whose
list items link to the sources the text cites.

Its link texts are the titles the author gave those sources: each becomes its reference's
title (a ``<stem>.refs.yaml`` title still wins), better than the site name the reference
would otherwise carry. When every item of the section is a cited source, the section is
the numbered reference list written by hand: it is taken out, and the generated list
(the same sources, numbered as cited, in every format) stands in its place. A section with
an item the text does not cite is kept as written (it lists further reading too).
"""

from __future__ import annotations

import re
from typing import Any

from publish.ast import elements, stringify
from publish.document import Document, Reference
from publish.references.urls import normalize

# Headings of a hand-written reference list.
TITLE = re.compile(
    r"^\s*(?:参考|參考|引用|来源|來源|资料来源|資料來源|出处|出處|"
    r"references?|sources?|bibliography|works cited)",
    re.I,
)

# What a hand-written reference list section holds when it is nothing else.
LIST_BLOCKS = {"BulletList", "OrderedList", "Header", "HorizontalRule"}


def take_listed(doc: Document, refs: list[Reference], sidecar_titles: set[str]) -> None:
    """Titles from the source's own reference list for ``refs``; the list taken out when
    it holds nothing but cited sources. ``sidecar_titles``: keys whose title the sidecar
    set (kept)."""
    by_key = {normalize(r.url): r for r in refs}
    blocks = doc.ast["blocks"]
    i = 0
    while i < len(blocks):
        head = blocks[i]
        if head["t"] != "Header" or not _is_list_title(stringify(head["c"][2])):
            i += 1
            continue
        end = next(
            (
                j
                for j in range(i + 1, len(blocks))
                if blocks[j]["t"] == "Header" and blocks[j]["c"][0] <= head["c"][0]
            ),
            len(blocks),
        )
        items = [item for b in blocks[i + 1 : end] for item in _items(b)]
        linked = [(item, _first_link(item)) for item in items]
        cited = [(link, by_key.get(normalize(link["c"][2][0]))) for _, link in linked if link]
        matched = [(link, ref) for link, ref in cited if ref is not None]
        if not matched:
            i = end
            continue
        for link, ref in matched:
            if normalize(ref.url) not in sidecar_titles:
                ref.title = stringify(link["c"][1]).strip() or ref.title
        title = stringify(head["c"][2]).strip()
        line = doc.line_of(title)
        only_lists = all(b["t"] in LIST_BLOCKS for b in blocks[i + 1 : end])
        if len(matched) == len(items) and only_lists:
            del blocks[i:end]
            doc.info(
                "references-listed",
                f"the source's own reference list “{title}” ({len(items)} entries) is the "
                "numbered reference list: its titles are used and it stands in its place",
                line,
                entries=len(items),
            )
            continue
        doc.info(
            "references-listed",
            f"the source's own list “{title}”: {len(matched)} of its {len(items)} entries "
            "are cited and give their titles; the list is kept (it lists sources the text "
            "does not cite, or says more than its entries)",
            line,
            entries=len(items),
            cited=len(matched),
        )
        i = end


def _is_list_title(text: str) -> bool:
    return len(text) <= 24 and bool(TITLE.match(text))


def _items(block: dict[str, Any]) -> list[list[Any]]:
    """Items of a list (a list item is a list of blocks); none for anything else."""
    if block["t"] == "BulletList":
        return block["c"]
    if block["t"] == "OrderedList":
        return block["c"][1]
    return []


def _first_link(item: list[Any]) -> dict[str, Any] | None:
    for e in elements(item):
        if e.get("t") == "Link":
            return e
    return None
