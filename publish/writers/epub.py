"""The EPUB 3 edition, written by pandoc from a repaired copy of the edition's AST.

Before pandoc: the AST is made safe for XHTML (``xhtml.prepare``: identifiers, links,
images, raw HTML), citations are linked both ways (``citations.link_both_ways``), and the
metadata is set: a title with the edition as its ``edition`` part, an identifier derived
from the source and edition, accessibility metadata (pandoc's own ``accessModes``,
``accessibilityFeatures``… fields), a ``dc:date`` pandoc can parse (``--epub-metadata``),
empty fields dropped (an empty ``dc:description`` is an EPUBCheck error), and fields that
would make pandoc read arbitrary local files (``cover-image``, ``css``) dropped.

pandoc writes the book with a generated cover (a PNG drawn from
styles/templates/cover.svg.j2, :func:`cover_png`), styles/epub.css, every heading level in
the navigation, and, with ``embed_fonts``, the edition's fonts subset to the characters
used (``fonts.py``). Its zip timestamps and ``dcterms:modified`` follow SOURCE_DATE_EPOCH
when it is set: two builds are then byte-identical.

After pandoc, one pass with lxml over the pages and the package file (``finish``): MathML
gets an ``alttext`` (its TeX), links in raw HTML to an identifier in another chapter file
get that file's name (pandoc rewrites only its own links), a chapter's <title> is its
first heading (pandoc puts the file name), the landmarks pandoc names in English are
named in the edition's script by their epub:type, EPUB 2's cover meta is added, and every
page is checked to be well-formed XML. pandoc's zip is read into memory and written once
(``pandoc.convert_zip``), with the same entries, order and timestamps.
"""

from __future__ import annotations

import base64
import json
import math
import os
import re
import tempfile
import unicodedata
import uuid
from html import escape
from pathlib import Path, PurePosixPath
from typing import Any

from lxml import etree

from publish import pandoc, styles
from publish.ast import (
    Plain,
    Space,
    Str,
    blocks_of,
    elements,
    inlines_from_text,
    inlines_of,
    meta_text,
    meta_value,
    url,
)
from publish.document import Edition
from publish.editions.table import spec
from publish.writers import citations, fonts, spacing, xhtml
from publish.writers.common import atomic, render, w3c_date
from publish.writers.dates import printed_date

# Metadata pandoc would turn into DC elements or read files from: dropped when empty, or
# (the file ones) always; the writer sets the cover and the stylesheet itself.
DC_FIELDS = ("description", "subject", "publisher", "rights", "type", "format", "relation")
DC_FIELDS += ("coverage", "contributor", "creator", "author", "date", "subtitle")
FILE_FIELDS = ("cover-image", "css", "stylesheet")

# Cover: 1600 x 2560 (the 1:1.6 most stores ask for).
COVER_W, COVER_H, COVER_MARGIN = 1600, 2560, 150
COVER_COLORS = {
    "zh-Hans": {"ground": "#1f3a5f", "accent": "#e0b04a", "ink": "#ffffff"},
    "zh-Hant-TW": {"ground": "#4a1f2b", "accent": "#e0b04a", "ink": "#ffffff"},
    "zh-Hant-HK": {"ground": "#1d4a42", "accent": "#e0b04a", "ink": "#ffffff"},
}
# Characters that may not begin a line (Chinese line breaking): kept on the line before.
NO_LINE_START = set("，。、；：！？）」』》〉】〕”’…—·,.;:!?)]}%")
BREAK_AFTER = set("，、：；。！？）")

def identifier(edition: Edition) -> str:
    """Stable across rebuilds: derived from the source name and the edition."""
    return "urn:uuid:" + str(
        uuid.uuid5(uuid.NAMESPACE_URL, f"publish:{edition.doc.stem}:{edition.code}")
    )


def write(edition: Edition, path: Path, embed_fonts: bool = False, contents: bool = True) -> dict:
    ast = json.loads(json.dumps(edition.ast))  # a private copy: repaired and annotated
    base = edition.doc.source.parent
    report = xhtml.prepare(ast, base)
    for line in report.lines():
        edition.doc.warn("epub-content", f"{edition.code} epub: {line}")
    firsts = citations.link_both_ways(ast, edition.labels["back"])
    _number_notes(ast)
    spacing.mark(ast["blocks"])  # Han–Latin gaps by CSS margins (styles/epub.css)
    _metadata(edition, ast, cited=bool(firsts))
    with tempfile.TemporaryDirectory(prefix="publish-epub-") as work, atomic(path) as tmp:
        folder = Path(work)
        cover = folder / "cover.png"
        cover.write_bytes(cover_png(edition))
        dcxml = folder / "metadata.xml"
        dcxml.write_text(f"<dc:date>{escape(w3c_date(edition))}</dc:date>\n", "utf-8")
        args = [
            *(["--toc"] if contents else []),  # toc: false: the nav stays, out of the spine
            "--toc-depth=6",
            "--split-level=1",
            "--mathml",
            "--css",
            str(styles.path("epub.css")),
            "--css",
            str(styles.path("custom.css")),
            "--epub-cover-image",
            str(cover),
            "--epub-metadata",
            str(dcxml),
            "--resource-path",
            str(base),
        ]
        if embed_fonts:
            args += _embed(edition, ast, folder)
        book, warnings = pandoc.convert_zip(ast, "epub3", args, f"{edition.doc.source} (epub)")
        for w in warnings:
            edition.doc.warn("pandoc-warning", f"{edition.code} epub: {w}")
        for problem in finish(book, _landmarks(edition)):
            edition.doc.warn("epub-content", f"{edition.code} epub: {problem}")
        pandoc.write_zip(tmp, book, level=9)
    return {}


def _number_notes(ast: dict[str, Any]) -> None:
    """Each note starts with its number, "1. ": pandoc's EPUB notes are asides a reading
    system shows as a pop-up, or, where it has none, as bare paragraphs at the chapter's
    end that nothing ties to their marks. pandoc numbers them in reading order, as here."""
    number = 0
    for e in elements(ast["blocks"]):
        if e["t"] != "Note":
            continue
        number += 1
        label = [Str(f"{number}."), Space()]
        blocks = blocks_of(e)
        first = blocks[0] if blocks else None
        if first and first["t"] in ("Para", "Plain"):
            inlines_of(first)[:0] = label
        else:
            blocks.insert(0, Plain(label[:1]))


# -- metadata ----------------------------------------------------------------------------
def _metadata(edition: Edition, ast: dict[str, Any], cited: bool) -> None:
    meta = ast["meta"]
    for key in FILE_FIELDS:
        meta.pop(key, None)
    for key in DC_FIELDS:
        if key in meta and not meta_text(meta[key]).strip():
            del meta[key]
    # The edition as the title's "edition" part (a dc:title refined as such, and a line
    # on the title page). Every value MetaInlines: given a MetaString "type", pandoc
    # loses the title in the NCX and on the section it makes for text before the first
    # heading.
    title = meta.get("title") or meta_value(edition.title)
    if title["t"] != "MetaInlines":
        title = {"t": "MetaInlines", "c": inlines_from_text(meta_text(title))}
    meta["title"] = {
        "t": "MetaList",
        "c": [
            _title_part("main", title["c"]),
            _title_part("edition", inlines_from_text(edition.labels["edition"])),
        ],
    }
    # The title page prints the date field as it stands: the source's date as Chinese print
    # writes it, or none. dc:date, which must be a W3C date, comes from --epub-metadata.
    date = printed_date(edition)
    if date:
        meta["date"] = meta_value(date)
    else:
        meta.pop("date", None)
    meta["identifier"] = meta_value(identifier(edition))
    meta["lang"] = meta_value(edition.code)
    # Apple Books uses the book's fonts only when told to; they carry the region's forms.
    meta["ibooks"] = meta_value({"specified-fonts": True})
    has_math = any(e["t"] == "Math" for e in elements(ast["blocks"]))
    has_tables = any(e["t"] == "Table" for e in elements(ast["blocks"]))
    images, described = xhtml.has_images(ast)
    gif = any(
        e["t"] == "Image" and url(e).lower().endswith(".gif") for e in elements(ast["blocks"])
    )
    features = ["tableOfContents", "structuralNavigation", "readingOrder"]
    features += ["displayTransformability", "ARIA"]
    if images and described:
        features.append("alternativeText")
    if has_math:
        features.append("MathML")
    modes = ["textual", "visual"] if images else ["textual"]
    sufficient = ["textual"] if not images or described else []
    sufficient += ["textual,visual"] if images else []
    hazard = "unknown" if gif else "none"
    parts = ["base"]
    parts += ["tables"] if has_tables else []
    parts += ["math"] if has_math else []
    parts += (["images"] if described else ["images-partial"]) if images else []
    parts += ["refs"] if cited else []
    parts.append(hazard)
    meta["accessModes"] = meta_value(modes)
    meta["accessModeSufficient"] = meta_value(sufficient)
    meta["accessibilityFeatures"] = meta_value(features)
    meta["accessibilityHazards"] = meta_value([hazard])
    meta["accessibilitySummary"] = meta_value(summary(edition.code, parts))


def _title_part(kind: str, inlines: list[Any]) -> dict[str, Any]:
    text = {"t": "MetaInlines", "c": inlines}
    return {"t": "MetaMap", "c": {"type": {"t": "MetaInlines", "c": [Str(kind)]}, "text": text}}


def summary(code: str, parts: list[str]) -> str:
    """The accessibility summary, its sentences in the edition's words (the table's)."""
    labels = spec(code).labels
    return "".join(labels[f"a11y_{p}"] for p in parts)


# -- cover -------------------------------------------------------------------------------
def cover_svg(edition: Edition) -> str:
    title = edition.title or edition.doc.stem
    width = COVER_W - 2 * COVER_MARGIN
    size = 128
    lines = wrap(title, width / size)
    while len(lines) > 5 and size > 64:
        size -= 8
        lines = wrap(title, width / size)
    top = 720
    step = size * 1.35
    title_lines = [{"text": t, "y": round(top + i * step)} for i, t in enumerate(lines)]
    return render(
        "cover.svg.j2",
        lang=edition.code,
        width=COVER_W,
        height=COVER_H,
        margin=COVER_MARGIN,
        title=title,
        title_lines=title_lines,
        title_size=size,
        rule_y=round(top + (len(lines) - 1) * step + size * 0.9),
        edition=edition.labels["edition"],
        authors=_authors(edition)[:3],
        sans=spec(edition.code).font_stack,
        colors=COVER_COLORS[edition.code],
    )


def cover_png(edition: Edition) -> bytes:
    """The cover as a PNG of COVER_W x COVER_H pixels: stores and many reading systems
    want a raster cover, and an SVG's live text is drawn in whatever fonts the reader has.
    The SVG (:func:`cover_svg`) is laid out by WeasyPrint on a page of exactly that size,
    with the build's fonts (the region's Noto CJK face, so the glyphs take the region's
    forms), and PyMuPDF rasterises the page: the same edition gives the same bytes."""
    import pymupdf

    from publish.writers import weasy

    weasyprint = weasy.load()  # its declarations cached, fontTools deferred (weasy.py)
    from weasyprint.urls import URLFetcher

    svg = base64.b64encode(cover_svg(edition).encode("utf-8")).decode("ascii")
    page = (
        f"<html><head><style>@page {{ size: {COVER_W}px {COVER_H}px; margin: 0 }}"
        "html, body { margin: 0 } img { display: block; width: 100%; height: 100% }"
        f'</style></head><body><img alt="" src="data:image/svg+xml;base64,{svg}"/></body></html>'
    )
    # data: URIs only (the SVG, a project's logo in it): nothing read from disk or network
    fetcher = URLFetcher(timeout=1, allowed_protocols={"data"}, allow_redirects=False)
    pdf = weasyprint.HTML(string=page, url_fetcher=fetcher).write_pdf()
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        rect = doc[0].rect
        zoom = pymupdf.Matrix(COVER_W / rect.width, COVER_H / rect.height)
        return doc[0].get_pixmap(matrix=zoom, alpha=False).tobytes("png")


def _authors(edition: Edition) -> list[str]:
    """The edition's authors, in its script (the source's are in the source's)."""
    author = edition.ast["meta"].get("author")
    if author is None:
        return []
    names = author["c"] if author["t"] == "MetaList" else [author]
    return [t for t in (meta_text(a).strip() for a in names) if t]


def _width(ch: str) -> float:
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 1.0
    return 0.3 if ch == " " else 0.6


def wrap(text: str, limit: float) -> list[str]:
    """``text`` in lines of at most ``limit`` ems, balanced (n lines of about equal width);
    Latin words stay whole and closing punctuation never starts a line."""
    words = re.findall(r"[A-Za-z0-9][A-Za-z0-9_.\-+/]*\s?|.", text.strip())
    total = sum(_width(c) for c in text)
    n = max(1, math.ceil(total / limit))
    target = min(limit, total / n + 1)
    lines: list[str] = []
    line = ""
    for word in words:
        w = sum(_width(c) for c in line + word)
        full = w > target and word[0] not in NO_LINE_START
        # a line close to full ends at a pause (after ，：、 or a ——) rather than mid-word
        pause = w > 0.7 * target and (line[-1:] in BREAK_AFTER or line.endswith("——"))
        pause = pause and word[0] not in NO_LINE_START
        if line and (full or pause):
            lines.append(line.rstrip())
            line = word.lstrip()
        else:
            line += word
    if line.strip():
        lines.append(line.rstrip())
    return lines


# -- fonts -------------------------------------------------------------------------------
def _embed(edition: Edition, ast: dict[str, Any], folder: Path) -> list[str]:
    """Subset the edition's faces into ``folder``; pandoc arguments to embed them."""
    m = edition.doc.meta
    heading = " ".join([edition.title, edition.labels["edition"], edition.labels["contents"]])
    text = " ".join([*m.author, m.date, m.subtitle, citations.BACK, "[]0123456789"])
    used = fonts.faces_used(ast, edition.code, {"heading": heading, "text": text})
    ext, fmt = fonts.font_format()
    args: list[str] = []
    rules: list[str] = []
    for face, chars in used.items():
        name = face.file_name(ext)
        (folder / name).write_bytes(fonts.subset(face, chars))
        args += ["--epub-embed-font", str(folder / name)]
        rules.append(
            f'@font-face {{ font-family: "{face.family}"; font-style: normal; '
            f"font-weight: {'bold' if face.bold else 'normal'}; "
            f'src: url("../fonts/{name}") format("{fmt}"); }}'
        )
    css = folder / "fonts.css"
    css.write_text("/* The edition's fonts, subset to this book. */\n" + "\n".join(rules) + "\n")
    return [*args, "--css", str(css)]


def _landmarks(edition: Edition) -> dict[str, str]:
    """The name of each landmark in the edition's script, by its epub:type (the guide of
    EPUB 2 readers says "title-page" for EPUB 3's "titlepage")."""
    hans = edition.script == "Hans"
    title_page = "书名页" if hans else "書名頁"
    return {
        "cover": "封面",
        "titlepage": title_page,
        "title-page": title_page,
        "toc": edition.labels["contents"],
    }


# -- after pandoc ------------------------------------------------------------------------
XHTML = "{http://www.w3.org/1999/xhtml}"
MATHML = "{http://www.w3.org/1998/Math/MathML}"
OPS = "{http://www.idpf.org/2007/ops}"
OPF = "{http://www.idpf.org/2007/opf}"
HEADINGS = tuple(f"{XHTML}h{n}" for n in range(1, 7))
# pandoc's own XML, read whole: lxml's default limits (10 MB text nodes, 256 levels) would
# refuse a long report or a deeply nested table; no entities are resolved, nothing fetched.
XML = etree.XMLParser(huge_tree=True, resolve_entities=False, no_network=True)
# HTML's void elements: the only ones written as <br/>; any other empty element is
# written <a id="x"></a>, which a reading system parsing the page as HTML also reads right.
VOID = {f"{XHTML}{t}" for t in ("area", "base", "br", "col", "embed", "hr", "img", "input")}
VOID |= {f"{XHTML}{t}" for t in ("link", "meta", "source", "track", "wbr")}


def finish(book: pandoc.Zip, words: dict[str, str] | None = None) -> list[str]:
    """Rewrite the pages pandoc wrote (see the module's doc), in ``book``; returns problems.
    ``words`` names the landmarks by their epub:type, in the edition's script (pandoc
    writes them in English); a chapter's <title>, which pandoc sets to the file's name,
    becomes its first heading. Every page is read with lxml; one that is not well-formed
    XML is reported and left as it is."""
    infos, data = book
    pages: dict[str, etree._Element] = {}
    problems: list[str] = []
    for info in infos:
        name = info.filename
        if name.endswith(".xhtml"):
            try:
                pages[name] = etree.fromstring(data[name], XML)
            except etree.XMLSyntaxError as exc:
                problems.append(f"{name} is not well-formed XML ({exc}); readers may reject it")
    owner: dict[str, str] = {}
    for name, root in pages.items():
        for ident in root.xpath("//@id"):
            owner.setdefault(str(ident), name)
    for name, root in pages.items():
        changed = _alttext(root)
        changed |= _relink(root, name, owner)
        changed |= _retitle(root, name)
        changed |= _name_landmarks(root, words or {})
        if changed:
            data[name] = _xhtml(root)
    for name in [i.filename for i in infos if i.filename.endswith(".opf")]:
        opf = etree.fromstring(data[name], XML)
        if _name_guide(opf, words or {}) | _cover_meta(opf):
            data[name] = etree.tostring(opf, xml_declaration=True, encoding="UTF-8")
    return problems


def _alttext(root: etree._Element) -> bool:
    """MathML gets its TeX as alttext (what a screen reader says without MathML support)."""
    changed = False
    for formula in root.iter(f"{MATHML}math"):
        tex = formula.find(f".//{MATHML}annotation[@encoding='application/x-tex']")
        if formula.get("alttext") is None and tex is not None and tex.text:
            formula.set("alttext", " ".join(tex.text.split()))
            changed = True
    return changed


def _relink(root: etree._Element, name: str, owner: dict[str, str]) -> bool:
    """A link in raw HTML to an identifier in another chapter file gets that file's name
    (pandoc rewrites only the links it made itself)."""
    mine = {str(i) for i in root.xpath("//@id")}
    changed = False
    for e in root.iter():
        href = e.get("href") if isinstance(e.tag, str) else None
        if not href or not href.startswith("#"):
            continue
        ident = href[1:]
        other = owner.get(ident)
        if ident in mine or other is None:
            continue
        rel = os.path.relpath(other, os.path.dirname(name))
        e.set("href", f"{rel}#{ident}")
        changed = True
    return changed


def _retitle(root: etree._Element, name: str) -> bool:
    """A chapter's <title>, which pandoc sets to the file's own name, is its first heading."""
    title = root.find(f"{XHTML}head/{XHTML}title")
    if title is None or (title.text or "").strip() != PurePosixPath(name).name:
        return False
    heading = next((h for h in root.iter(*HEADINGS)), None)
    words = " ".join("".join(heading.itertext()).split()) if heading is not None else ""
    if not words:
        return False
    title.text = words
    return True


def _name_landmarks(root: etree._Element, words: dict[str, str]) -> bool:
    """The landmarks of the navigation named in the edition's script, by epub:type."""
    changed = False
    for nav in root.iter(f"{XHTML}nav"):
        if nav.get(f"{OPS}type") != "landmarks":
            continue
        for a in nav.iter(f"{XHTML}a"):
            word = words.get(a.get(f"{OPS}type", ""))
            if word and a.text != word and not len(a):
                a.text = word
                changed = True
    return changed


def _name_guide(opf: etree._Element, words: dict[str, str]) -> bool:
    """The same names in the package's guide (EPUB 2 readers show its titles)."""
    changed = False
    for ref in opf.iter(f"{OPF}reference"):
        word = words.get(ref.get("type", ""))
        if word and ref.get("title") != word:
            ref.set("title", word)
            changed = True
    return changed


def _cover_meta(opf: etree._Element) -> bool:
    """EPUB 2's ``<meta name="cover">`` beside EPUB 3's cover-image property: what older
    reading systems and store converters (Kindle's, Calibre) look for."""
    metadata = opf.find(f"{OPF}metadata")
    items = [i for i in opf.iter(f"{OPF}item") if "cover-image" in i.get("properties", "").split()]
    if metadata is None or len(items) != 1:
        return False
    if any(m.get("name") == "cover" for m in metadata.iter(f"{OPF}meta")):
        return False
    last = metadata[-1]
    # pandoc's metadata element binds the prefix opf to the package's own namespace, and
    # lxml would write the new element <opf:meta>, which a reader matching the name
    # misses: the binding goes first (nothing uses it)
    etree.cleanup_namespaces(opf)
    meta = etree.Element(f"{OPF}meta")
    meta.set("name", "cover")
    meta.set("content", items[0].get("id", ""))
    meta.tail = last.tail
    last.tail = metadata.text
    last.addnext(meta)
    return True


def _xhtml(root: etree._Element) -> bytes:
    for e in root.iter():
        html = isinstance(e.tag, str) and e.tag.startswith(XHTML) and e.tag not in VOID
        if html and e.text is None and not len(e):
            e.text = ""
    tree = root.getroottree()
    doctype = tree.docinfo.doctype or None
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", doctype=doctype)
