"""The print edition: an HTML page made for print (Jinja2 + styles/print.css), drawn by
WeasyPrint.

The page is made from a private copy of the edition's AST, fitted to print (:func:`for_print`):
TeX math drawn as SVG (``math.py``), links to files next to the source turned to text (a
PDF cannot open them, and WeasyPrint would write the build machine's path into the link),
and very long paragraphs cut into pieces WeasyPrint lays out in linear time (it lays out
one paragraph in time quadratic in its length: 480,000 characters take 40 s).

WeasyPrint reads resources only through :func:`fetcher`: files under the source's
folder (pictures only) and under styles/, checked on the resolved real path, and
``data:`` URIs; nothing else, and never the network (a refused address is a
``resource-refused`` warning, and a picture it names shows its description).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import gc
import html
import json
import logging
import mimetypes
import re
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import lxml.html
from lxml import etree

from publish import pandoc
from publish.ast import (
    Div,
    Element,
    LineBreak,
    Para,
    Plain,
    Span,
    Str,
    attr,
    blocks_of,
    cell_blocks,
    classes,
    colspecs,
    elements,
    inlines_of,
    level,
    lists,
    make_attr,
    row_cells,
    set_inlines,
    set_text,
    stringify,
    table_rows,
    text,
    url,
)
from publish.chars import HAN
from publish.document import Document, Edition
from publish.manuscript.images import sniff
from publish.styles import STYLES
from publish.writers import glyphs, justify, math
from publish.writers.common import atomic, html_parts, render_page
from publish.writers.spacing import JOINERS, TIE

# A paragraph longer than this is laid out in pieces of about PIECE characters, cut at
# the end of a sentence.
LONG_PARAGRAPH = 6000
# A body this long is followed by one full collection (see write).
COLLECT_PAGES = 150
PIECE = 3000
SENTENCE_END = re.compile(r"(?:[。！？!?]+|\.(?=$|\s))[」』”’）)]*")


def write(
    edition: Edition,
    path: Path,
    font_config: object = None,
    paper: str = "A4",
    contents: bool = True,
) -> dict:
    """``font_config``: a ``weasyprint.text.fonts.FontConfiguration`` to reuse (the build
    sets one up per worker process); None makes a fresh one. ``paper``: A4, B5 or A5
    (styles/paper-*.css)."""
    import weasyprint

    from publish.writers import weasy

    missing = glyphs.check(edition)
    # Gaps and ties as characters the patched layout widens (spacing.py), which cost a
    # fraction of spans; margins and nobr spans if WeasyPrint could not be patched.
    joined = weasy.applied("justify")
    printed = for_print(edition, paper, joined)
    # No <section> around each heading's part: the page needs none, and WeasyPrint took
    # 0.4 s of a ten-fold report's 2.8 s breaking 140 nested blocks across pages.
    toc, body = html_parts(printed, joined=joined, sections=False)
    body = _marked(body)
    # The page needs the metadata alone: the print copy's blocks (26 MB on a 100-fold
    # report) are let go before the layout, the build's largest allocation.
    printed = dataclasses.replace(printed, ast={**printed.ast, "blocks": []})
    styles = ["fonts.css", "base.css", "print.css"]
    if paper != "A4":
        styles.append(f"paper-{paper}.css")
    now = time.gmtime(pandoc.build_time())
    page = functools.partial(
        render_page,
        printed,
        body=body,
        styles=styles,
        created=time.strftime("%Y-%m-%dT%H:%M:%SZ", now),
        title_lines=cover_lines(printed.title, TEXT_WIDTH[paper] * BODY_PT / COVER_TITLE_PT),
        head_title=head_line(printed.title, head_capacity(paper)),
    )
    source = edition.doc.source.parent
    fetch = fetcher(edition.doc, pictures=source, files=STYLES)
    # PDF/UA: a tagged structure tree (screen readers, reading order, copy-paste) and the
    # metadata it asks for; measured cost on the seed: about 0.05 s of 0.7 s.
    options = {"pdf_variant": "pdf/ua-1"}

    def layout(text: str) -> Any:
        return weasyprint.HTML(string=text, base_url=str(source), url_fetcher=fetch).render(
            font_config=font_config, **options
        )

    with _weasyprint_log() as said, justify.inter_character():
        # The body first, numbered from 1; then the cover and contents, with the page
        # numbers the body's layout gave each heading. Contents numbered by
        # target-counter() would lay the whole report out again: 1.2 s of 4.5 s on a
        # ten-fold report, measured.
        main = layout(page(toc="", part="body"))
        if len(main.pages) >= COLLECT_PAGES:
            # The layout leaves what it tried and dropped in reference cycles, which the
            # build's collector thresholds (build/worker.py) leave for later; drawing and
            # writing would then grow beside them. One full collection (1.6 ms a page)
            # lets them reuse that memory: the 100-fold report's peak 627 → 590 MB. On
            # short reports the peak is small and the time counts more.
            gc.collect()
        numbers: dict[str, int] = {}
        for number, sheet in enumerate(main.pages, start=1):
            for anchor in sheet.anchors:
                numbers.setdefault(anchor, number)
        front = layout(page(toc=_numbered(toc, numbers) if contents else "", part="front"))
        # Its last page holds only the marker the body's first page stands in for.
        document = main.copy([*front.pages[:-1], *main.pages])
        for sheet in document.pages:
            sheet.links = _outermost(sheet.links)
            sheet.bookmarks = [_unjoined(mark) for mark in sheet.bookmarks]
        labels = functools.partial(page_labels, body=len(front.pages) - 1)
        with atomic(path) as tmp, weasy.written_once():
            document.write_pdf(tmp, finisher=labels, **options)
    for message in dict.fromkeys(said):
        if message.startswith(TOFU) and any(ch in message for ch in missing):
            continue  # glyphs.check has named the characters, with their lines
        if message.startswith(TOFU[1]) and missing:
            continue
        edition.doc.warn("pdf-warning", f"{edition.code} pdf: WeasyPrint: {message}")
    return {"pages": len(document.pages)}


def _unjoined(bookmark: tuple[Any, ...]) -> tuple[Any, ...]:
    """A bookmark (WeasyPrint's ``(level, label, target, state)``) whose label is the
    heading's own characters: no gap or tie character (spacing.py), which a viewer's
    outline would copy."""
    level_, label, *rest = bookmark
    return (level_, label.translate(UNJOIN), *rest)


UNJOIN = dict.fromkeys(map(ord, JOINERS))


def _outermost(links: list[Any]) -> list[Any]:
    """A page's links (WeasyPrint's ``(kind, target, rectangle, box)``) without those
    inside another link to the same target: WeasyPrint gives every box inside a link its
    own annotation, and a contents entry or a link whose words hold a Han–Latin gap
    (spacing.py's spans) became two links, read twice by a screen reader."""
    kept: list[Any] = []
    for link in links:
        kind, target, (x1, y1, x2, y2), _ = link
        inside = any(
            (k, t) == (kind, target) and a <= x1 + 0.01 and b <= y1 + 0.01
            and x2 <= c + 0.01 and y2 <= d + 0.01
            for k, t, (a, b, c, d), _ in kept
        )
        if not inside:
            kept.append(link)
    return kept


def page_labels(_document: Any, pdf: Any, body: int) -> None:
    """The page numbers a viewer shows, as printed (PDF 1.7, 12.4.2): the front matter
    (cover, contents, the blank before the body) i, ii, iii…, the body 1, 2, 3… from its
    first page. WeasyPrint writes no /PageLabels: viewers numbered the seed's pages 1–8
    where it prints i, ii, 1–6. A WeasyPrint finisher: it adds to the PDF object before
    it is written, so the file stays byte-for-byte reproducible."""
    import pydyf

    nums = pydyf.Array([0, pydyf.Dictionary({"S": "/r"})])
    nums += [body, pydyf.Dictionary({"S": "/D"})]
    pdf.catalog["PageLabels"] = pydyf.Dictionary({"Nums": nums})


# The text block of each paper size in characters of the body's 10.5 pt (styles/print.css
# and paper-*.css set the side margins to make it a whole number), and the cover title's
# size in pt.
TEXT_WIDTH = {"A4": 44, "B5": 37, "A5": 32}
BODY_PT = 10.5
COVER_TITLE_PT = 24


def cover_lines(title: str, capacity: float) -> list[str]:
    """``title`` in lines for the cover: one if it fits in ``capacity`` em, else two:
    broken after punctuation or a space near the middle ("PERM Rubrics RM —" / "构建与核心
    指标…"), else after the last CJK character that keeps the first
    line within half the title and an em (a first line a little the longer, as a balanced
    wrap has it); never inside a Latin word or a number, inside "——" or "……", before
    "：" or another mark that may not start a line (clreq). A title longer than two lines
    is left to wrap."""
    total = _em(title)
    if total <= capacity or total > 2 * capacity:
        return [title]
    marked, plain = None, None
    for i in range(1, len(title)):
        before, after = title[i - 1], title[i]
        if after in NO_LINE_START or before in NO_LINE_END or before + after in UNBROKEN:
            continue
        first = _em(title[:i].rstrip())
        if max(first, _em(title[i:].lstrip())) > capacity:
            continue
        if (before in BREAK_AFTER or after in BREAK_BEFORE) and 0.35 <= first / total <= 0.65:
            if marked is None or abs(first - total / 2) < abs(marked[0] - total / 2):
                marked = (first, i)
        elif (_wide(before) or _wide(after)) and first <= total / 2 + 1:
            plain = (first, i)
    cut = (marked or plain or (0, 0))[1]
    if not cut:
        return [title]
    return [title[:cut].rstrip(), title[cut:].lstrip()]


BREAK_AFTER = set("：:—–-,，、;；!?！？ ）)」』》")
BREAK_BEFORE = set("（(「『《 ")
# Never at a line's start (clreq, GB/T 15834): closing and pause marks, "：" among them;
# never at a line's end: opening marks; never inside a dash "——" or an ellipsis "……"
# (a dash stays with the words before it).
NO_LINE_START = set("：:，,、。.；;！!？?）)」』》〉】”’…—")
NO_LINE_END = set("（(「『《〈【“‘")
UNBROKEN = {"——", "……", "⸺⸺"}


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


def _em(text: str) -> float:
    """Width in em: CJK characters one, the rest about half, a tie none."""
    return sum(1.0 if _wide(c) else 0.55 for c in text if c not in JOINERS)


def _numbered(toc: str, numbers: dict[str, int]) -> str:
    """pandoc's contents, each entry's link in a block of its own (``p.toc-entry``, whose
    dot leaders print.css draws behind it) with the page number its heading has in the
    body after the link, outside it: one link per entry (a link around both became one
    per box). The entries' own ids, which nothing on paper links to, are left out: each
    was an anchor WeasyPrint gathered on its page and wrote as a named destination (0.04 s
    of the ten-fold report's 143 entries)."""
    root = _fragment(toc)
    for a in root.iter("a"):
        href = a.get("href") or ""
        if not href.startswith("#") or not (a.get("id") or "").startswith("toc-"):
            continue
        del a.attrib["id"]
        entry = etree.Element("p", {"class": "toc-entry"})
        a.addprevious(entry)
        entry.tail, a.tail = a.tail, None
        entry.append(a)
        page = etree.SubElement(entry, "span", {"class": "toc-page"})
        page.text = str(numbers.get(href[1:], ""))
    return _serialize(root)


def _list_starts(root: Any) -> None:
    """A numbered list that starts at n (``<ol start="2">``: a list broken by a code block
    between its steps goes on from where it stopped) numbered from n in print too:
    WeasyPrint ignores ``start`` and counted from 1 again (1, 1, 2 where the HTML and
    GitHub show 1, 2, 3)."""
    for ol in root.iter("ol"):
        start = ol.get("start") or ""
        if start.lstrip("-").isdigit():
            reset = f"counter-reset: list-item {int(start) - 1}"
            ol.set("style", f"{reset}; {ol.get('style')}" if ol.get("style") else reset)


def _citation_marks(root: Any) -> None:
    """pandoc's citation mark, ``<span class="citation"><sup>[<a …>1</a>]</sup></span>``,
    printed as one element: WeasyPrint lays out and tags each element and text run, and a
    ten-fold report's 300 marks took 0.23 s more as two elements, 0.1 s more as a
    ``<sup class="citation">`` around the link than as the link itself. A mark of one
    source becomes ``<a class="citation" …>[1]</a>`` (the brackets inside the link, which
    widens what a reader can tap), one of several ``<sup class="citation">[<a>1</a>,
    <a>2</a>]</sup>``; print.css raises both. ``root``: the body, parsed (:func:`_fragment`),
    changed in place."""
    for span in root.xpath('//span[@class="citation"]'):
        inner = list(span)
        if len(inner) != 1 or inner[0].tag != "sup" or (span.text or "").strip():
            continue
        sup = inner[0]
        if (sup.tail or "").strip() or sup.xpath(".//span|.//sup"):
            continue
        links = list(sup)
        mark = sup
        if (
            len(links) == 1
            and links[0].tag == "a"
            and not len(links[0])
            and (sup.text or "") == "["
            and (links[0].tail or "") == "]"
        ):
            mark = links[0]  # the link alone, its brackets inside it
            mark.text = f"[{mark.text or ''}]"
        mark.set("class", "citation")
        mark.tail = span.tail
        span.getparent().replace(span, mark)


def _marked(body: str) -> str:
    """``body`` with citation marks and list starts the print page needs; parsed once for
    both, and the tree let go on return."""
    tree = _fragment(body)
    _citation_marks(tree)
    _list_starts(tree)
    _heads_with_headings(tree)
    return _serialize(tree)


def _heads_with_headings(root: Any) -> None:
    """Each chapter's ``div.running-head`` and its heading in one ``div.chapter-head``,
    which print.css never breaks: a heading pushed to the next page (kept with its text)
    left its head's place on the page before, which then ran the next chapter's head
    (corpus 17: 資料來源's page headed by the chapter after it). Done in the HTML, after
    pandoc made the contents (it lists no heading inside a div)."""
    for head in root.xpath('//div[@class="running-head"]'):
        heading = head.getnext()
        if heading is None or heading.tag not in ("h1", "h2", "h3", "h4", "h5", "h6"):
            continue
        box = lxml.html.Element("div", {"class": "chapter-head"})
        head.addprevious(box)
        box.tail, heading.tail = heading.tail, None
        box.append(head)  # moves it, with its tail (the whitespace before the heading)
        box.append(heading)


def _fragment(markup: str) -> Any:
    """pandoc's HTML, as a tree under one <div> (lxml's HTML parser: no regex over it)."""
    return lxml.html.fragment_fromstring(markup or "", create_parent="div")


def _serialize(root: Any) -> str:
    head = html.escape(root.text or "", quote=False)
    return head + "".join(lxml.html.tostring(e, encoding="unicode") for e in root)


# WeasyPrint's words for characters no font has (publish says it before layout).
TOFU = (".notdef glyph rendered", "Too many glyphs missing")


@contextlib.contextmanager
def _weasyprint_log() -> Iterator[list[str]]:
    """WeasyPrint's warnings while it works, kept to become diagnostics (``file:line:
    warning`` lines and report.json) instead of log lines on stderr."""
    logger = logging.getLogger("weasyprint")
    said: list[str] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = lambda record: said.append(record.getMessage())  # type: ignore[method-assign]
    propagate, logger.propagate = logger.propagate, False
    logger.addHandler(handler)
    try:
        yield said
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def for_print(edition: Edition, paper: str = "A4", joined: bool = True) -> Edition:
    """A copy of ``edition`` whose AST is fitted to print (see the module's doc);
    ``joined``: characters are tied by a :data:`~publish.writers.spacing.TIE` character,
    not a ``nobr`` span."""
    ast = json.loads(json.dumps(edition.ast))
    what = f"{edition.doc.source} ({edition.code} pdf)"
    math.typeset(ast, edition.doc, what)
    _local_links_to_text(ast["blocks"])
    _notes_at_foot(ast["blocks"])
    _mark_long_code(ast["blocks"])
    _cut_long_paragraphs(ast["blocks"])
    _keep_marks_with_text(ast["blocks"], joined)
    _no_lone_last_character(ast["blocks"], joined)
    _equal_widths_to_content(ast["blocks"])
    _wide_tables(ast["blocks"], TEXT_WIDTH[paper])
    _short_cells_whole(ast["blocks"], TEXT_WIDTH[paper])
    _running_heads(ast["blocks"], head_capacity(paper))
    return dataclasses.replace(edition, ast=ast)


def _no_lone_last_character(blocks: list[Any], joined: bool) -> None:
    """The last two Han characters of a paragraph, list item or table cell are tied (a
    :data:`~publish.writers.spacing.TIE` between them, or a ``nobr`` span): a last line is
    never one character alone ("提高效" / "率"), which Chinese print avoids and a narrow
    table column made often."""
    for block in elements(blocks, skip=("Note",)):
        if block["t"] not in ("Para", "Plain") or not inlines_of(block):
            continue
        words = inlines_of(block)
        last = words[-1]
        if last.get("t") != "Str" or not (m := LAST_TWO.search(text(last))):
            continue
        head, tail = text(last)[: m.start()], text(last)[m.start() :]
        if joined:
            set_text(last, head + tail[0] + TIE + tail[1:])
            continue
        tied = Span([Str(tail)], make_attr(classes=["nobr"]))
        words[-1:] = [Str(head), tied] if head else [tied]


def _equal_widths_to_content(blocks: list[Any]) -> None:
    """A table whose columns all have one relative width (a pipe table's separator line
    with equal dashes, which pandoc reads as widths once a row is long: 25% each) is laid
    out by its content instead: "增强 / 强", one character alone in a narrow column. A
    grid table's unequal widths are the author's and stay."""
    for table in elements(blocks):
        if table["t"] != "Table":
            continue
        specs = colspecs(table)
        widths = {json.dumps(w) for _, w in specs}
        if len(specs) > 1 and len(widths) == 1 and specs[0][1]["t"] == "ColWidth":
            for spec in specs:
                spec[1] = {"t": "ColWidthDefault"}


# What a line cannot break inside (UAX #14, roughly): letters, figures and the marks that
# join them ("free_sulfur", "0.9978", "a.b@c"); it may break after "/", "-", before "(",
# and anywhere in CJK text.
WORDS = re.compile(r"[A-Za-z0-9\u00c0-\u024f_.,:;%+#@&=~'\"$*^!?]+")
LONG_WORD = 8  # characters: a wide table's longer words get places to break
WIDE, WIDE_MIN = 0.69, 0.5  # a wide table's font size, in the table's em, at most, at least
WIDE_PADDING = 0.7  # a wide table cell's padding (print.css), with room for rounding, in em


def _wide_tables(blocks: list[Any], width: int) -> None:
    """A table whose columns cannot fit the text block side by side (a notebook's data
    frame of fifteen columns of figures: the longest word of each column, summed, is wider
    than the page) is set smaller, and its cells may break anywhere (class ``wide``,
    print.css). WeasyPrint cut it at the page's right edge, its last columns lost."""
    for table in elements(blocks):
        if table["t"] != "Table":
            continue
        longest = _widest_words(table)
        need = sum(longest.values()) + CELL_PADDING * len(longest)
        if len(longest) <= 1 or need <= width / TABLE_EM:
            continue
        for e in elements(table):
            if e["t"] == "Str" and len(e["c"]) > LONG_WORD:
                set_text(e, WORDS.sub(_breakable, text(e)))
        # its longest piece of a word per column, once broken (WORDS stops at the
        # zero-width spaces), at the smaller size: set smaller still where even that does
        # not fit, down to WIDE_MIN
        pieces = _widest_words(table)
        # _em's half an em for a Latin letter is a body text's; a bold sans head is wider
        need = 1.15 * sum(pieces.values()) + WIDE_PADDING * len(pieces)
        size = max(WIDE_MIN, min(WIDE, width / TABLE_EM / need))
        attr(table)[1].append("wide")
        attr(table)[2].append(["style", f"font-size: {size:.2f}em"])


def _widest_words(table: Any) -> dict[int, float]:
    """{column: the width in em of its widest word a line cannot break}."""
    widest: dict[int, float] = {}
    for row in table_rows(table):
        for c, cell in enumerate(row_cells(row)):
            words = WORDS.findall(stringify(cell_blocks(cell))) or [""]
            widest[c] = max(widest.get(c, 0.0), *(_em(w) for w in words))
    return widest


def _breakable(m: re.Match[str]) -> str:
    """A long word of a wide table with places to break: after "_", "/", "-", and every
    LONG_WORD characters of a run without one (a zero-width space, not drawn)."""
    word = re.sub(r"(?<=[_/-])(?=.)", "\u200b", m.group())
    return re.sub(rf"([^\u200b]{{{LONG_WORD}}})(?=[^\u200b])", "\\1\u200b", word)


# A table cell this wide (em of the table's text) or less prints on one line when the
# table's columns allow it.
SHORT_CELL = 10
TABLE_EM = 0.92  # the table's font size in body em (base.css)
CELL_PADDING = 1.2  # a cell's left and right padding together, in the table's em


def _short_cells_whole(blocks: list[Any], width: int) -> None:
    """Short cells (a name, a label, a figure: :data:`SHORT_CELL` em or less) are kept on
    one line (a ``nobr`` span), so the automatic table layout gives their column the width
    of its words: "长上下文处理" had its last character alone on a second line. Only if
    the table still fits the text block with every other column at 4 em."""
    for table in elements(blocks):
        if table["t"] != "Table":
            continue
        rows = table_rows(table)
        short: dict[int, float] = {}
        long: set[int] = set()
        for row in rows:
            for c, cell in enumerate(row_cells(row)):
                size = _em(stringify(cell_blocks(cell)))
                if size <= SHORT_CELL:
                    short[c] = max(short.get(c, 0), size)
                else:
                    long.add(c)
        columns = set(short) | long
        need = sum(short.values()) + 4 * len(long - set(short)) + CELL_PADDING * len(columns)
        if not short or need > width / TABLE_EM:
            continue
        for row in rows:
            for cell in row_cells(row):
                if _em(stringify(cell_blocks(cell))) > SHORT_CELL:
                    continue
                for block in cell_blocks(cell):
                    if block["t"] in ("Plain", "Para"):
                        set_inlines(block, [Span(inlines_of(block), make_attr(classes=["nobr"]))])


def _running_heads(blocks: list[Any], capacity: float) -> None:
    """Before each chapter heading, its words in a ``div.running-head`` that print.css
    takes out of the text into the page's head (a running element): a head laid out as
    the text is, Han–Latin gaps and all, where a string() head is plain text; cut to
    ``capacity`` em (:func:`head_line`). Notes and links stay in the heading."""
    for lst in lists(blocks):
        at = [i for i, e in enumerate(lst) if isinstance(e, dict) and e.get("t") == "Header"]
        for i in reversed(at):
            if level(lst[i]) == 1:
                words = head_line(stringify(inlines_of(lst[i])).strip(), capacity)
                head = Div([Plain([{"t": "Str", "c": words}])], make_attr(classes=["running-head"]))
                lst.insert(i, head)


# The running heads' size in pt (print.css .running-head, .running-title).
HEAD_PT = 8.5


def head_capacity(paper: str) -> float:
    """How many em of the running heads' size the head line holds on ``paper``."""
    return TEXT_WIDTH[paper] * BODY_PT / HEAD_PT


def head_line(text: str, capacity: float) -> str:
    """``text`` as a running head: whole if it fits in ``capacity`` em, else cut short
    with "…" (at a character, never inside a Latin word where a space comes near). A
    head is one line (print.css: nowrap) in a box as wide as the text block, which
    clips what overflows; WeasyPrint's own ``text-overflow: ellipsis`` maps the glyphs
    it draws to the wrong characters (a copy of the head read as other text)."""
    if _em(text) <= capacity:
        return text
    room, width, cut = capacity - 1.5, 0.0, 0  # the ellipsis, and a little for the estimate
    for ch in text:
        width += _em(ch)
        if width > room:
            break
        cut += 1
    head = text[:cut]
    word = re.search(r"[A-Za-z0-9]+$", head)
    inside = cut < len(text) and text[cut].isascii() and text[cut].isalnum()
    if word and inside and " " in head[-12:]:
        head = head[: word.start()]  # the Latin word the cut fell in, left out whole
    return head.rstrip(" ，、：；,:;—-") + "…"


CLOSING = "。，、；：！？）」』】》”’.,;:!?)"
# A paragraph's last two Han characters and the marks after them ("效率。").
LAST_TWO = re.compile(f"[{HAN}]{{2}}[{re.escape(CLOSING)}]*$")


def _keep_marks_with_text(blocks: list[Any], joined: bool) -> None:
    """A citation mark never starts a line: it is tied to the character before it and to
    the punctuation after it (``…运行[18]。``), by a :data:`~publish.writers.spacing.TIE`
    on each side (``joined``) or in a span print.css keeps unbroken."""
    for lst in lists(blocks):
        i = 0
        while i < len(lst):
            e = lst[i]
            before = lst[i - 1] if i else None
            if not (
                isinstance(e, dict)
                and e.get("t") == "Cite"
                and isinstance(before, dict)
                and before.get("t") == "Str"
                and text(before)
            ):
                i += 1
                continue
            after = lst[i + 1] if i + 1 < len(lst) else None
            closing = isinstance(after, dict) and after.get("t") == "Str"
            closing = closing and text(after)[:1] in CLOSING
            if joined:
                set_text(before, text(before) + TIE)
                if closing:
                    set_text(after, TIE + text(after))
                i += 1
                continue
            tied = [Str(text(before)[-1]), e]
            set_text(before, text(before)[:-1])
            if closing:
                tied.append(Str(text(after)[0]))
                set_text(after, text(after)[1:])
            lst[i] = Span(tied, make_attr(classes=["nobr"]))
            i += 1


SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


# href="…" of a relative address in raw HTML (nh3 writes every attribute in double quotes)
RAW_LOCAL_HREF = re.compile(r'\s+href="(?![a-zA-Z][a-zA-Z0-9+.-]*:|#)[^"]*"')


def _local_links_to_text(blocks: list[Any]) -> None:
    for lst in lists(blocks):
        for i, e in enumerate(lst):
            if not isinstance(e, dict):
                continue
            if e.get("t") == "Link":
                target = url(e)
                if not target.startswith("#") and not SCHEME.match(target):
                    lst[i] = Span(inlines_of(e), attr(e))
            elif e.get("t") in ("RawInline", "RawBlock") and "href=" in text(e):
                set_text(e, RAW_LOCAL_HREF.sub("", text(e)))


# A note longer than this (characters) might not fit at a page's foot: WeasyPrint does not
# carry a footnote on to the next page, it cuts it off.
FOOTNOTE_MAX = 500


def _notes_at_foot(blocks: list[Any]) -> None:
    """Each note a ``span.footnote`` where it is called, which print.css floats to the foot
    of the page (pandoc's HTML collects notes after the text, where a printed report's
    notes stood after its reference list and read as more references); its paragraphs
    run on, broken by a line break. All notes stay where pandoc puts them, at the end,
    if one of them cannot go to a foot: longer than :data:`FOOTNOTE_MAX`, holding more
    than paragraphs (a list, a table), or in a heading (the contents and the running
    head would print it)."""
    spots = [
        (lst, i, e)
        for lst in lists(blocks)
        for i, e in enumerate(lst)
        if isinstance(e, dict) and e.get("t") == "Note"
    ]
    in_heading = any(
        n["t"] == "Note" for h in elements(blocks) if h["t"] == "Header" for n in elements(h)
    )
    if in_heading:
        return
    for _, _, note in spots:
        if (
            any(b["t"] not in ("Para", "Plain") for b in blocks_of(note))
            or len(stringify(blocks_of(note))) > FOOTNOTE_MAX
        ):
            return
    for lst, i, note in spots:
        inlines: list[Element] = []
        for block in blocks_of(note):
            if inlines:
                inlines.append(LineBreak())
            inlines += inlines_of(block)
        lst[i] = Span(inlines, make_attr(classes=["footnote"]))


# Inline code this long (a domain, a path) may break between any two characters
# (print.css): kept whole, it would leave the line before it with wide gaps. Shorter code
# (an identifier, a key) stays whole, as a word does: "r|ixCloud" and "ex|pire" read badly,
# and its few em of slack spread over a line are not seen.
LONG_CODE = 12


def _mark_long_code(blocks: list[Any]) -> None:
    for e in elements(blocks):
        if e["t"] == "Code" and len(text(e)) >= LONG_CODE and " " not in text(e):
            classes(e).append("long")


def _cut_long_paragraphs(blocks: list[Any]) -> None:
    """A paragraph longer than :data:`LONG_PARAGRAPH` becomes a ``div.long-paragraph`` of
    paragraphs cut after a sentence (styles/print.css runs them on as one)."""
    for lst in lists(blocks):
        for i, e in enumerate(lst):
            if isinstance(e, dict) and e.get("t") == "Para" and _long(inlines_of(e)):
                pieces = [Para(c) for c in _pieces(inlines_of(e))]
                if len(pieces) > 1:
                    lst[i] = Div(pieces, make_attr(classes=["long-paragraph"]))


def _long(inlines: list[Element]) -> bool:
    size = 0
    for x in inlines:
        if x.get("t") == "Str":
            size += len(text(x))
            if size > LONG_PARAGRAPH:
                return True
    return len(stringify(inlines)) > LONG_PARAGRAPH


def _pieces(inlines: list[Element]) -> list[list[Element]]:
    """``inlines`` cut after the first sentence end past every :data:`PIECE` characters."""
    out: list[list[Element]] = [[]]
    size = 0
    for x in inlines:
        if x.get("t") != "Str":
            out[-1].append(x)
            size += 1
            continue
        words, start = text(x), 0
        for m in SENTENCE_END.finditer(words):
            if size + m.end() - start >= PIECE:
                out[-1].append(Str(words[start : m.end()]))
                out.append([])
                size, start = 0, m.end()
        if start < len(words):
            out[-1].append(Str(words[start:]) if start else x)
            size += len(words) - start
    return [p for p in out if p]


def fetcher(doc: Document, pictures: Path, files: Path) -> Any:
    """WeasyPrint's URL fetcher: ``data:`` URIs; ``file:`` URLs whose real path is a
    picture under ``pictures`` or any file under ``files``; nothing else. No redirects, no
    network. Each refused address is one ``resource-refused`` warning on ``doc``."""
    return _fetcher_class()(doc, pictures, files)


@functools.cache
def _fetcher_class() -> type:
    """A subclass of ``weasyprint.urls.URLFetcher`` (what WeasyPrint 70 requires), made on
    first use: importing WeasyPrint is slow, and most commands never draw a PDF."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class _Fetcher(URLFetcher):
        def __init__(self, doc: Document, pictures: Path, files: Path) -> None:
            super().__init__(timeout=1, allowed_protocols={"data"}, allow_redirects=False)
            self.doc = doc
            self.pictures = pictures.resolve()
            self.files = files.resolve()
            self.refused: set[str] = set()

        def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
            scheme = url.split(":", 1)[0].lower() if ":" in url else ""
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                found = self._file(url)
                if found is not None:
                    data, kind = found
                    return URLFetcherResponse(url, data, {"Content-Type": kind})
            self._refuse(url)
            raise ValueError(f"refused by publish: {url[:200]}")

        def _file(self, url: str) -> tuple[bytes, str] | None:
            try:
                path = Path(url2pathname(unquote(urlsplit(url).path))).resolve()
                if path.is_relative_to(self.files) and path.is_file():
                    data = path.read_bytes()
                    return data, mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                if path.is_relative_to(self.pictures) and path.is_file():
                    data = path.read_bytes()
                    kind = sniff(data)
                    return (data, kind) if kind else None
            except (OSError, ValueError):
                return None
            return None

        def _refuse(self, url: str) -> None:
            if url in self.refused:
                return
            self.refused.add(url)
            shown = url if len(url) <= 100 else url[:99] + "…"
            self.doc.warn(
                "resource-refused",
                f"the PDF does not load {shown}: only pictures next to the source are read, "
                "and never from the network",
                url=url[:500],
            )

    return _Fetcher
