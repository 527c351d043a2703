"""The citations filter: collect in prepare, rewrite in the walk, emit the bibliography in
finalize (as panflute's run_filters)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
from typing import Any

from publish.ast import (
    MARKUP,
    Filter,
    Link,
    Str,
    citations,
    classes,
    elements,
    inlines_of,
    kind,
    lists,
    meta_value,
    raw_format,
    set_inlines,
    stringify,
    text,
    url,
)
from publish.document import Document, Reference
from publish.references import sidecar
from publish.references.listed import take_listed
from publish.references.sites import site_name, site_of
from publish.references.urls import display, normalize

NUMBER = re.compile(r"^\[?\s*(\d{1,4})\s*\]?$")
URL = re.compile(r"^(?:https?|ftp)://", re.I)
# A citation whose link the text cuts off: "[[23]](https://…" at the very end.
DANGLING = re.compile(r"\[\[?(\d{1,4})\]?\]\(((?:https?|ftp)://[^\s)]*)$", re.I)
CUT = ("...", "…")
# A citation written without its URL ("[[3]]"), the same number cited with one elsewhere.
BARE = re.compile(r"\[\[\s*(\d{1,4}(?:\s*[,，、]\s*\d{1,4}){0,30})\s*\]\](?!\()")
# A link opened in raw HTML ("<a href=…>[1]</a>"): pandoc keeps the tags as raw pieces
# around the text it parses.
RAW_OPEN = re.compile(r"""^<a\s[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)')[^>]*>$""", re.I)
RAW_CLOSE = re.compile(r"^</a\s*>$", re.I)

# Elements whose inline lists have adjacent citations merged into one mark (not a link's
# text, a picture's description or a citation's printed form).
MERGED_IN = MARKUP | {"Para", "Plain", "Header", "Span", "Quoted"}


@dataclass
class Mark:
    """One citation as written: the author's number and URL, where it stands."""

    number: str
    url: str
    cut: bool = False  # the text stops inside this URL
    ref: Reference | None = None


def _citation(ref_id: str) -> dict[str, Any]:
    return {
        "citationId": ref_id,
        "citationPrefix": [],
        "citationSuffix": [],
        "citationMode": {"t": "NormalCitation"},
        "citationNoteNum": 1,
        "citationHash": 0,
    }


def _cite(ref: Reference, number: str) -> dict[str, Any]:
    return {"t": "Cite", "c": [[_citation(ref.id)], [Str(f"[{number}]")]]}


def _as_mark(elem: dict[str, Any]) -> Mark | None:
    if kind(elem) != "Link":
        return None
    address = url(elem)
    m = NUMBER.match(stringify(inlines_of(elem)).strip())
    if not m or not URL.match(address):
        return None
    return Mark(m.group(1), address, cut=address.endswith(CUT))


class Citations(Filter):
    """References stage: fills ``doc.references`` and ``doc.citations``; puts CSL-JSON
    ``references`` and ``link-citations`` in the AST's metadata."""

    def __init__(self) -> None:
        self.marks: list[Mark] = []
        self.sites: list[tuple[dict[str, Any], Mark]] = []  # each citation link, its mark
        # Citation links cut off where a paragraph ends: (mark, the Str it is in, where in
        # that Str it starts).
        self.dangling: list[tuple[Mark, dict[str, Any], int]] = []
        self.titled: set[str] = set()  # references the sidecar gives a title

    # -- prepare: find every citation, decide identities ------------------------------------
    def prepare(self, doc: Document) -> None:
        _raw_html_links(doc.ast["blocks"])
        for elem in elements(doc.ast["blocks"]):
            mark = _as_mark(elem)
            if mark:
                self.marks.append(mark)
                self.sites.append((elem, mark))
        self._find_dangling(doc)
        self._repair(doc)
        self._identify(doc)
        self._bare(doc)
        take_listed(doc, doc.references, self.titled)
        for elem, mark in self.sites:  # links become citations, in place
            if mark.ref:
                doc.citations += 1
                elem.clear()
                elem.update(_cite(mark.ref, mark.number))

    def _find_dangling(self, doc: Document) -> None:
        """Citation links whose address is cut off, ``[[23]](https://…%B``: where the
        source ends (a draft cut short), and where a paragraph ends with one in the middle
        of the document (a reply cut short, the next pasted after it)."""
        blocks = doc.ast["blocks"]
        last_str = None
        for elem in elements(blocks[-1:]):
            if kind(elem) == "Str":
                last_str = elem
        ends = [(last_str, False)] if last_str else []
        for elem in elements(blocks[:-1]):
            inlines = inlines_of(elem) if kind(elem) in ("Para", "Plain") else None
            if inlines and kind(inlines[-1]) == "Str":
                ends.append((inlines[-1], True))
        for end, midway in ends:
            if m := DANGLING.search(text(end)):
                mark = Mark(m.group(1), m.group(2), cut=True)
                self.dangling.append((mark, end, m.start()))
                self.marks.append(mark)
                if midway:
                    doc.warn(
                        "source-cut-midway",
                        f"citation [{mark.number}]: its link is cut off where the paragraph "
                        "ends, and the text goes on after it (a reply cut short, the next "
                        "pasted after it?): check that nothing is missing here",
                        doc.line_of(text(end)),
                        number=mark.number,
                    )

    def _repair(self, doc: Document) -> None:
        urls_by_number: dict[str, list[str]] = {}
        for mk in self.marks:
            urls_by_number.setdefault(mk.number, []).append(mk.url)
        every = [mk.url for mk in self.marks]
        for mk in self.marks:
            stem = mk.url.rstrip(".…") if mk.cut else mk.url
            same = [u for u in urls_by_number[mk.number] if u != mk.url and u.startswith(stem)]
            if not mk.cut and not same:
                continue
            full = max(same, key=len) if same else None
            if full is None and mk.cut:
                full = next((u for u in every if u != mk.url and u.startswith(stem)), None)
            line = doc.line_of(mk.url)
            if full:
                doc.warn(
                    "reference-url-repaired",
                    f"citation [{mk.number}]: URL cut short, completed from the same source "
                    f"cited earlier: {display(full)}",
                    line,
                    number=mk.number,
                    was=mk.url,
                    url=full,
                )
                mk.url, mk.cut = full, False
            else:
                doc.warn(
                    "reference-url-truncated",
                    f"citation [{mk.number}]: URL is cut short and no full form is cited: "
                    f"{mk.url}; complete it in the source",
                    line,
                    number=mk.number,
                    url=mk.url,
                )
                mk.url = stem

    def _identify(self, doc: Document) -> None:
        refs: dict[str, Reference] = {}
        numbers_seen: dict[str, str] = {}  # author's number -> first key
        extra = sidecar.load(doc)
        for mk in self.marks:
            key = normalize(mk.url)
            ref = refs.get(key)
            if ref is None:
                ref = Reference(
                    id=str(len(refs) + 1), url=mk.url, site=site_name(mk.url), cut=mk.cut
                )
                info = extra.get(key, {})
                ref.title = info.pop("title", None) or None
                if ref.title:
                    self.titled.add(key)
                ref.csl = info
                refs[key] = ref
            ref.cut = ref.cut and mk.cut  # cited whole elsewhere: the URL is complete
            if mk.number not in ref.numbers:
                ref.numbers.append(mk.number)
            first = numbers_seen.setdefault(mk.number, key)
            if first != key and not any(
                d.code == "reference-conflict" and d.data.get("number") == mk.number
                for d in doc.diagnostics
            ):
                doc.warn(
                    "reference-conflict",
                    f"citation [{mk.number}] stands for two different sources "
                    f"({refs[first].url} and {mk.url}); they are listed as two references",
                    doc.line_of(mk.url),
                    number=mk.number,
                    urls=[refs[first].url, mk.url],
                )
            mk.ref = ref
        for ref in refs.values():
            if len(ref.numbers) > 1:
                nums = ", ".join(f"[{n}]" for n in ref.numbers)
                doc.info(
                    "reference-merged",
                    f"citations {nums} are one source ({ref.url}); merged into one reference",
                    doc.line_of(ref.url),
                    numbers=ref.numbers,
                    url=ref.url,
                )
        doc.references = list(refs.values())

    def _bare(self, doc: Document) -> None:
        """``[[3]]`` without its URL, where [3] is cited with one elsewhere: that reference.
        One whose number is nowhere cited with a URL stays as written, with a warning."""
        refs: dict[str, Reference] = {}
        for mk in self.marks:
            if mk.ref:
                refs.setdefault(mk.number, mk.ref)
        unknown: list[str] = []
        for parent in list(elements(doc.ast["blocks"])):
            for lst in _lists(parent):
                i = 0
                while i < len(lst):
                    item = lst[i]
                    if kind(item) != "Str" or "[[" not in text(item):
                        i += 1
                        continue
                    if any(item is end for _, end, _ in self.dangling):
                        i += 1
                        continue
                    out: list[dict[str, Any]] = []
                    at = 0
                    for m in BARE.finditer(text(item)):
                        numbers = re.split(r"\s*[,，、]\s*", m.group(1).strip())
                        known = [refs.get(n) for n in numbers]
                        if m.start() > at:
                            out.append(Str(text(item)[at : m.start()]))
                        at = m.end()
                        if all(known):
                            cite = _cite(known[0], numbers[0])  # type: ignore[arg-type]
                            for ref in known[1:]:
                                citations(cite).append(_citation(ref.id))  # type: ignore[union-attr]
                            set_inlines(cite, [Str(f"[{','.join(numbers)}]")])
                            out.append(cite)
                            doc.citations += 1
                        else:
                            # No source anywhere: the number as a citation mark reads, "[4]"
                            # (the doubled brackets are a chat app's markup, not the text).
                            unknown.append(m.group(0))
                            out.append(Str(f"[{','.join(numbers)}]"))
                    if out:
                        if at < len(text(item)):
                            out.append(Str(text(item)[at:]))
                        lst[i : i + 1] = out
                        i += len(out)
                    else:
                        i += 1
        if unknown:
            seen = list(dict.fromkeys(unknown))
            doc.warn(
                "citation-without-url",
                f"citation {', '.join(seen[:5])} has no URL here or anywhere else in the text; "
                "printed as its number, [n], with no reference: add the URL in the source",
                doc.line_of(unknown[0]),
                numbers=seen[:50],
            )

    # -- walk: adjacent citations merged, autolinks readable ---------------------------------
    def action(self, elem: dict[str, Any], doc: Document) -> Any:
        if kind(elem) == "Link":
            _readable_autolink(elem)
        if kind(elem) in MERGED_IN:
            _merge_adjacent(inlines_of(elem) or [])
        return None

    # -- finalize: the dangling citation, and the bibliography in metadata ------------------
    def finalize(self, doc: Document) -> None:
        cut = {id(elem): (mark, at) for mark, elem, at in self.dangling if mark.ref}
        if cut:
            # Each Str replaced in its parent list by its text and the citation.
            for lst in lists(doc.ast["blocks"], lambda lst: any(id(x) in cut for x in lst)):
                for i, item in enumerate(lst):
                    if id(item) in cut:
                        mark, at = cut.pop(id(item))
                        assert mark.ref is not None
                        before = text(item)[:at]
                        cite = _cite(mark.ref, mark.number)
                        lst[i : i + 1] = [*([Str(before)] if before else []), cite]
                        doc.citations += 1
                        _merge_adjacent(lst)
                        break
        meta = doc.ast["meta"]
        _incomplete(doc)
        if doc.references:
            meta["references"] = meta_value([csl_item(r) for r in doc.references])
            meta["link-citations"] = meta_value(True)
        uncited = [r for r in doc.references if not r.cited]
        if uncited:  # listed after the cited ones, in the order the author gave them
            cites = [_cite(r, r.id) for r in uncited]
            meta["nocite"] = {"t": "MetaInlines", "c": cites}


def _raw(elem: dict[str, Any], pattern: re.Pattern[str]) -> re.Match[str] | None:
    if kind(elem) != "RawInline" or raw_format(elem).lower() not in ("html", "html5"):
        return None
    return pattern.match(text(elem).strip())


def _raw_html_links(blocks: list[Any]) -> None:
    """``<a href="URL">[N]</a>`` written in raw HTML (a figure's caption, say) is a
    citation as ``[N](URL)`` is: the three pieces become one Link, which the citation
    search then finds."""
    for parent in list(elements(blocks)):
        for lst in _lists(parent):
            i = 0
            while i < len(lst) - 2:
                opened = _raw(lst[i], RAW_OPEN)
                close = next(
                    (k for k in range(i + 1, min(i + 4, len(lst))) if _raw(lst[k], RAW_CLOSE)), None
                )
                if opened and close is not None:
                    address = unescape(opened.group(1) or opened.group(2) or "").strip()
                    words = lst[i + 1 : close]
                    if URL.match(address) and NUMBER.match(stringify(words).strip()):
                        lst[i : close + 1] = [Link(words, address)]
                i += 1


def csl_item(ref: Reference) -> dict[str, Any]:
    """The CSL-JSON entry: the sidecar's fields; without a title, the site's organisation or
    name stands in its place (never a bare domain where sites.toml knows the organisation);
    an institution's site gives its organisation as the author of a titled page that
    names none (GB/T 7714: 湖北省科学技术厅. 关于……的通知[EB/OL])."""
    item: dict[str, Any] = {"id": ref.id, "type": "webpage", "URL": ref.url}
    item["title"] = ref.title or ref.site
    for k, v in ref.csl.items():
        if k not in ("id", "URL", "number", "url", "site", "fetched"):
            item[k] = v
    row = site_of(ref.url)
    if ref.title and row and row.author and not {"author", "editor"} & set(item):
        item["author"] = [{"literal": row.name}]
    if ref.title and row and item["type"] == "webpage" and "container-title" not in item:
        # the site, for styles that print a web page's (APA); a report's container would
        # be a book it is part of (GB/T 7714: "[R/OL]//…")
        item["container-title"] = row.name
    return item


def _incomplete(doc: Document) -> None:
    """``reference-incomplete``: the entries with no title (their site stands in its
    place), for `publish refs --fetch` or the author to complete."""
    missing = [(n, r) for n, r in enumerate(doc.references, 1) if not r.title]
    if not missing:
        return
    shown = "; ".join(f"[{n}] {r.site}" for n, r in missing[:6])
    doc.warn(
        "reference-incomplete",
        f"{len(missing)} of {len(doc.references)} references have no title, their site "
        f"stands in its place: {shown}"
        + ("; …" if len(missing) > 6 else "")
        + "; run `publish refs SOURCE --fetch`, or add titles to the sidecar <stem>.refs.yaml",
        doc.line_of(missing[0][1].url),
        numbers=[n for n, _ in missing],
        urls=[r.url for _, r in missing][:100],
    )


def _lists(elem: dict[str, Any]):
    c = elem.get("c")
    if isinstance(c, list):
        if c and all(isinstance(x, dict) and "t" in x for x in c):
            yield c
        for x in c:
            if isinstance(x, list) and x and all(isinstance(y, dict) and "t" in y for y in x):
                yield x


def _merge_adjacent(inlines: list[dict[str, Any]]) -> None:
    """[[1]](a)[[3]](b) is one mark: "[1,3]" (the style collapses ranges); so is
    [[1]](a) [[3]](b), with a space between (citeproc dropped only some such spaces, and
    printed "[1][2] [3]")."""
    i = 0
    while i < len(inlines) - 1:
        a, b = inlines[i], inlines[i + 1]
        gap = kind(b) in ("Space", "SoftBreak") and i + 2 < len(inlines)
        if gap:
            b = inlines[i + 2]
        if kind(a) == "Cite" and kind(b) == "Cite":
            # one number once per mark: [[1]](a)[[1]](a) is [1], not [1,1]
            have = {c["citationId"] for c in citations(a)}
            citations(a).extend(c for c in citations(b) if c["citationId"] not in have)
            (inlines_of(a) or []).extend(inlines_of(b) or [])
            del inlines[i + 1 : i + 3 if gap else i + 2]
        else:
            i += 1


def _readable_autolink(link: dict[str, Any]) -> None:
    """A link written as its own address (``<https://…>``) shows it as a reader sees it,
    percent-escapes of text decoded, as the reference list does; the target stays exact."""
    inlines, address = inlines_of(link) or [], url(link)
    one = inlines[0] if len(inlines) == 1 else None
    if "uri" in classes(link) and kind(one) == "Str" and text(one) == address:  # type: ignore[arg-type]
        inlines[0] = Str(display(address))
