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

from publish.ast import stringify
from publish.document import Document, Reference
from publish.references.urls import normalize

# Headings of a hand-written reference list, the whole heading (a chapter number before it
# allowed): "参考资料", "## 3 参考文献", "Sources:", but not "参考架构".
TITLE = re.compile(
    r"(?:第?[\d一二三四五六七八九十]+[章节節、.．)）\s]*)?"
    r"(?:(?:参考|參考)(?:文献|文獻|资料|資料|链接|連結|来源|來源)?|引用(?:文献|文獻|资料|資料)?"
    r"|(?:资料|資料)?(?:来源|來源)(?:列表|清单|清單)?|出处|出處"
    r"|references?|sources?|bibliography|works cited)\s*[:：]?",
    re.I,
)
# Before the link in an entry: "[1]", "**[1]**", "1." (pandoc leaves "[1]" as text).
MARKER = re.compile(r"^[\[【(（]?\d{1,4}[\]】)）.、]?$")

# What a hand-written reference list section holds when it is nothing else.
LIST_BLOCKS = {"BulletList", "OrderedList", "Header", "HorizontalRule"}


def take_listed(doc: Document, refs: list[Reference], sidecar_titles: set[str]) -> None:
    """Titles from the source's own reference list for ``refs``; the list taken out when
    it holds nothing but cited sources. ``sidecar_titles``: keys whose title the sidecar
    set (kept). Only an entry that is one link (a number before it allowed) counts: its
    link text is then the source's title; an entry that says more keeps the list."""
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
        links = [_only_link(item) for item in items]
        matched = [
            (link, ref)
            for link in links
            if link and (ref := by_key.get(normalize(link["c"][2][0]))) is not None
        ]
        if not matched:
            i = end
            continue
        for link, ref in matched:
            text = stringify(link["c"][1]).strip()
            if normalize(ref.url) not in sidecar_titles and text and not URLISH.match(text):
                ref.title = text
        title = stringify(head["c"][2]).strip()
        line = doc.line_of(title)
        only_lists = all(b["t"] in LIST_BLOCKS for b in blocks[i + 1 : end])
        if len(matched) == len(items) and only_lists:
            # An anchor where the section was: links to its heading still land.
            anchor = [{"t": "Div", "c": [[head["c"][1][0], [], []], []]}] if head["c"][1][0] else []
            blocks[i:end] = anchor
            doc.info(
                "references-listed",
                f"the source's own reference list “{title}” ({len(items)} entries, each one "
                "cited link) is the numbered reference list: its titles are used and it "
                "stands in its place",
                line,
                entries=len(items),
            )
            i += len(anchor)
            continue
        doc.info(
            "references-listed",
            f"the source's own list “{title}”: {len(matched)} of its {len(items)} entries "
            "are cited links and give their titles; the list is kept (it lists sources the "
            "text does not cite, or says more than its links)",
            line,
            entries=len(items),
            cited=len(matched),
        )
        i = end


URLISH = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|www\.)", re.I)


def _is_list_title(text: str) -> bool:
    return len(text) <= 24 and bool(TITLE.fullmatch(text.strip()))


def _items(block: dict[str, Any]) -> list[list[Any]]:
    """Items of a list (a list item is a list of blocks); none for anything else."""
    if block["t"] == "BulletList":
        return block["c"]
    if block["t"] == "OrderedList":
        return block["c"][1]
    return []


def _only_link(item: list[Any]) -> dict[str, Any] | None:
    """The link an entry consists of: one paragraph holding one link, perhaps after a
    number ("[1]", "**[1]**") and before a full stop; None for an entry that says more."""
    if len(item) != 1 or item[0]["t"] not in ("Plain", "Para"):
        return None
    rest = [e for e in item[0]["c"] if e["t"] not in ("Space", "SoftBreak")]
    if rest and MARKER.match(stringify([rest[0]]).strip()) and rest[0]["t"] != "Link":
        rest = rest[1:]
    if rest and rest[-1]["t"] == "Str" and rest[-1]["c"] in (".", "。", ";", "；"):
        rest = rest[:-1]
    return rest[0] if len(rest) == 1 and rest[0]["t"] == "Link" else None
