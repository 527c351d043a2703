"""The source's own list of sources, printed once, as the numbered reference list.

Authors and assistants end a report with their own list: a section ``## 参考资料``, a second
``## 参考文献`` further down, a label paragraph ``Learn more:`` / ``了解更多：`` over a
numbered list (Bing, Copilot), or paragraphs ``[1] [标题](https://…)`` one per line. Left
as written, it would print beside the generated list, with other numbers.

A section whose entries link to sources the text cites is that list:

- each cited entry gives its reference the author's title (its link text, or the entry's
  words when the link shows a bare address; a ``<stem>.refs.yaml`` title still wins);
- an entry that links to a source the text does not cite becomes a reference of its own,
  listed after the cited ones (``nocite``): nothing of it is lost;
- the section is taken out, and the generated list stands for it in every format; an
  entry without any link stays where it was, under the section's heading, and is named in
  the ``references-listed`` note.

A section none of whose entries is a cited source is further reading: it stays as written.
"""

from __future__ import annotations

import re
from typing import Any

from publish.ast import Div, elements, ident, inlines_of, kind, level, make_attr, stringify, url
from publish.ast import items as ast_items
from publish.ast import text as ast_text
from publish.document import Document, Reference
from publish.references.sites import site_name
from publish.references.urls import normalize

# Titles of a list of sources, the whole heading or label (a chapter number before it
# allowed): "参考资料", "## 3 参考文献", "Sources:", "Learn more:", but not "参考架构".
TITLE = re.compile(
    r"(?:第?[\d一二三四五六七八九十]+[章节節、.．)）\s]*)?"
    r"(?:(?:参考|參考)(?:文献|文獻|资料|資料|链接|連結|来源|來源|网址|網址)?"
    r"|引用(?:的著作|著作|文献|文獻|资料|資料|来源|來源)?"
    r"|(?:资料|資料|信息|資訊|数据|數據)?(?:来源|來源)(?:列表|清单|清單)?|出处|出處"
    r"|了解(?:更多|详细信息|詳細資訊)|延伸阅读|延伸閱讀"
    r"|references?|sources?|citations?|bibliography|works cited|learn more)\s*[:：]?",
    re.I,
)
# Before an entry: "[1]", "**[1]**", "1.", "【1】" (a number as text).
MARKER = re.compile(r"^\s*[\[【(（]?\d{1,4}[\]】)）.、:：]?\s*")
URLISH = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|www\.)", re.I)
WEB = re.compile(r"^https?://", re.I)
LIST = ("BulletList", "OrderedList")
# Separators left when an entry's address is taken out of its words.
TRIM = " \t.,;:。，；：-—|"

Entry = list[Any]  # the inlines of one entry


# A field naming a source's title in an assistant's source card ("- **标题**：…").
TITLE_FIELD = re.compile(
    r"^\s*(?:标题|標題|题目|題目|文章标题|文章標題|title)\s*[:：]\s*(\S.*)$", re.I
)


def titles_from_cards(doc: Document, refs: list[Reference], sidecar_titles: set[str]) -> None:
    """A list that describes one source field by field (an assistant's source card:
    "- **标题**：Introducing …", "- **原始 URL**：https://…", "- 来源日期：…") gives the
    title to the reference of the address it links, when nothing else has."""
    by_key = {normalize(r.url): r for r in refs if r.url}
    for e in elements(doc.ast["blocks"]):
        if kind(e) != "BulletList":
            continue
        # each item's own lines (a list nested in it is another card)
        items = [_lines(it) for it in ast_items(e)]
        titles = [m.group(1).strip() for it in items if (m := TITLE_FIELD.match(stringify(it)))]
        if len(titles) != 1:
            continue
        for address in {link for it in items if (link := _link(it))}:
            ref = by_key.get(normalize(address))
            if ref is not None and not ref.title and normalize(ref.url) not in sidecar_titles:
                ref.title = titles[0]


def take_listed(doc: Document, refs: list[Reference], sidecar_titles: set[str]) -> None:
    """See module. ``refs`` gains the uncited entries; ``sidecar_titles``: keys whose title
    the sidecar set (kept)."""
    titles_from_cards(doc, refs, sidecar_titles)
    blocks = doc.ast["blocks"]
    i = 0
    while i < len(blocks):
        span = _section(blocks, i)
        if span is None:
            i += 1
            continue
        start, end = span
        taken = _take(doc, refs, sidecar_titles, blocks, start, end)
        i = start + taken if taken is not None else end


def _section(blocks: list[Any], i: int) -> tuple[int, int] | None:
    """(first block of the entries, end) of a list of sources headed at ``blocks[i]``."""
    head = blocks[i]
    if kind(head) == "Header" and is_title(stringify(inlines_of(head))):
        end = next(
            (
                j
                for j in range(i + 1, len(blocks))
                if kind(blocks[j]) == "Header" and level(blocks[j]) <= level(head)
            ),
            len(blocks),
        )
        return i, end
    if kind(head) in ("Para", "Plain") and is_title(_label(head)):
        end = i + 1
        while end < len(blocks) and _entries(blocks[end]):
            end += 1
        return (i, end) if end > i + 1 else None
    return None


def _label(block: dict[str, Any]) -> str:
    """A label paragraph's text ("**Learn more:**"), or "" for a longer paragraph."""
    words = stringify(inlines_of(block)).strip()
    return words if len(words) <= 24 else ""


def is_title(text: str) -> bool:
    """A heading's or label's words that title a list of sources (:data:`TITLE`)."""
    return 0 < len(text) <= 24 and bool(TITLE.fullmatch(text.strip()))


def _take(
    doc: Document,
    refs: list[Reference],
    sidecar_titles: set[str],
    blocks: list[Any],
    start: int,
    end: int,
) -> int | None:
    """Handle one section; returns how many blocks now stand for it, or None when it is
    left as written."""
    body = blocks[start + 1 : end]
    entries = [e for b in body for e in _entries(b)]
    by_key = {normalize(r.url): r for r in refs if r.url}
    linked = [(e, _link(e)) for e in entries]
    cited = [(e, link, by_key.get(normalize(link))) for e, link in linked if link]
    cited = [(e, link, ref) for e, link, ref in cited if ref is not None]
    if not cited:
        return None
    for entry, _, ref in cited:
        title = _title(entry)
        if normalize(ref.url) not in sidecar_titles and title:
            ref.title = title
    added = 0
    for entry, link in linked:
        if link and normalize(link) not in by_key:
            ref = Reference(
                id=str(len(refs) + 1), url=link, site=site_name(link), title=_title(entry)
            )
            ref.cited = False
            refs.append(ref)
            by_key[normalize(link)] = ref
            added += 1
    unlinked = [e for e, link in linked if not link]
    head = blocks[start]
    label = stringify(inlines_of(head)).strip()
    # What stays: blocks that are not entries (an introduction, a table), entries without
    # an address, under the heading; else only an anchor where a heading with an id was.
    # (its sub-headings grouped the entries: with the entries gone, they go too)
    other = [b for b in body if not _entries(b) and kind(b) not in ("Header", "HorizontalRule")]
    if unlinked:  # without their numbers, which the generated list gives to others
        items = [[{"t": "Plain", "c": _unnumbered(e)}] for e in unlinked]
        other.append({"t": "BulletList", "c": items})
    if other:
        kept = [head, *other]
    elif kind(head) == "Header" and ident(head):
        kept = [Div([], make_attr(ident(head)))]
    else:
        kept = []
    doc.removed.append(
        {
            "where": "references-listed",
            "line": doc.line_of(label),
            "text": "\n".join(
                ([label] if head not in kept else [])
                + [stringify(inlines_of(b)) for b in body if kind(b) == "Header"]
                + [stringify(e) for e in entries if _link(e)]
            ),
        }
    )
    blocks[start:end] = kept
    note = f"; {added} uncited entr{'y' if added == 1 else 'ies'} listed after the cited"
    doc.info(
        "references-listed",
        f"the source's own list of sources “{label}” ({len(entries)} entries) is printed "
        f"once, as the numbered reference list: {len(cited)} cited give their titles"
        + (note if added else "")
        + (f"; {len(unlinked)} without an address stay in the text" if unlinked else ""),
        doc.line_of(label),
        entries=len(entries),
        cited=len(cited),
        uncited=added,
        unlinked=len(unlinked),
    )
    return len(kept)


def _lines(item: list[Any]) -> Entry:
    """A list item's own inlines (its paragraphs'; a list nested in it is not its text)."""
    return [x for b in item if kind(b) in ("Plain", "Para") for x in inlines_of(b) or []]


def _entries(block: dict[str, Any]) -> list[Entry]:
    """The entries of a block: a list's items, or a paragraph's lines that each begin
    with a number or hold a link."""
    if kind(block) in LIST:
        return [_lines(item) for item in ast_items(block)]
    if kind(block) not in ("Para", "Plain"):
        return []
    lines: list[Entry] = [[]]
    for x in inlines_of(block) or []:
        if kind(x) in ("SoftBreak", "LineBreak"):
            lines.append([])
        else:
            lines[-1].append(x)
    lines = [ln for ln in lines if ln]
    ok = all(_link(ln) or MARKER.match(stringify(ln)) for ln in lines)
    return lines if ok and lines else []


def _link(entry: Entry) -> str:
    """The web address an entry links to, or "": see :func:`_main_link`."""
    link = _main_link(entry)
    return url(link) if link is not None and WEB.match(url(link)) else ""


def _main_link(entry: Entry) -> Any:
    """The entry's link to its source: its last web link (Gemini's "www.pwccn.com, 访问时间为
    …, [https://…](https://…)" names its site first, which became a link of its own), else
    its first link."""
    links = [e for e in elements(entry) if kind(e) == "Link"]
    web = [e for e in links if WEB.match(url(e))]
    return web[-1] if web else links[0] if links else None


def _title(entry: Entry) -> str:
    """The title an entry gives: its link's text when the entry says nothing more; else
    all its words (the link's text among them, a bare address left out), so that what
    the author wrote about a source ("(Star: 26) —— 解析实现。") is printed with it."""
    link = _main_link(entry)
    text = stringify(inlines_of(link)).strip() if link is not None else ""
    if URLISH.match(text):
        text = ""
    outside = MARKER.sub("", stringify([e for e in entry if e is not link]), count=1)
    if not any(c.isalnum() for c in outside):
        return text
    words = [e for e in entry if e is not link or text]
    title = MARKER.sub("", stringify(words), count=1).strip(TRIM)
    return ACCESSED.sub("", title).strip(TRIM) or title


# The date a list says it read a source on, after the title (Gemini's "访问时间为 四月 20,
# 2025", "accessed April 20, 2025"): not the title's words.
ACCESSED = re.compile(
    r"[,，]?\s*(?:访问时间为|訪問時間為|访问时间|訪問時間|访问于|訪問於|accessed(?: on)?)\s*"
    r"[^,，]{1,20}[,，]?\s*\d{4}\s*$",
    re.I,
)


def _unnumbered(entry: Entry) -> Entry:
    """An entry without the number it starts with ("[3] ", "3. ")."""
    rest = list(entry)
    while rest and kind(rest[0]) in ("Space", "SoftBreak"):
        rest.pop(0)
    if rest and kind(rest[0]) == "Str" and MARKER.fullmatch(ast_text(rest[0])):
        rest.pop(0)
        while rest and kind(rest[0]) == "Space":
            rest.pop(0)
    return rest or entry
