"""Reading outputs back as a user's tools would: PDF text and fonts, EPUB XHTML, DOCX XML."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

from lxml import etree
from lxml import html as lhtml
from pypdf import PdfReader

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def pdf(path: Path) -> PdfReader:
    return PdfReader(str(path))


def _pages_text(path: Path) -> list[str]:
    # PyMuPDF, not pypdf: pypdf garbles WeasyPrint's fonts with a custom CMap encoding
    # (text of a heading came out as "Mf~2mcfE"), where PyMuPDF and poppler read it right.
    import pymupdf

    # The characters as drawn: a gap (the Han–Latin margin, justification) is not read as
    # a space; the source's spaces are drawn, and read.
    flags = pymupdf.TEXTFLAGS_TEXT | pymupdf.TEXT_INHIBIT_SPACES
    with pymupdf.open(path) as doc:
        return [page.get_text(flags=flags) for page in doc]


def pdf_text(path: Path) -> str:
    return "\n".join(_pages_text(path))


def pdf_fonts(path: Path) -> set[str]:
    """Base font names (subset prefix removed) used on any page."""
    names: set[str] = set()
    for page in pdf(path).pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            base = str(ref.get_object().get("/BaseFont", ""))
            names.add(re.sub(r"^/?[A-Z]{6}\+", "", base.lstrip("/")))
    return names


def pdf_links(path: Path) -> list[str]:
    out = []
    for page in pdf(path).pages:
        for a in page.get("/Annots", []) or []:
            a = a.get_object()
            act = a.get("/A")
            if act is not None:
                act = act.get_object()
                out.append(str(act.get("/URI") or act.get("/D") or ""))
            elif a.get("/Dest") is not None:
                out.append(str(a.get("/Dest")))
    return out


def epub_files(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
        return {n: z.read(n) for n in z.namelist()}


def epub_xhtml(path: Path) -> list[etree._Element]:
    files = epub_files(path)
    return [
        etree.fromstring(data)
        for name, data in sorted(files.items())
        if name.endswith(".xhtml") and "nav" not in name
    ]


def docx_xml(path: Path, part: str = "word/document.xml") -> etree._Element:
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
        return etree.fromstring(z.read(part))


def html_doc(path: Path) -> lhtml.HtmlElement:
    return lhtml.fromstring(path.read_bytes())


# -- the reference list, from each format -------------------------------------------------
# An entry may end with a link back to its citation ("↩"), never part of the URL.
URL = re.compile(r"(?:https?|ftp)://[^\s↩]+")


def _entry_url(text: str) -> str:
    m = URL.search(text)
    return m.group(0).rstrip(".") if m else ""


def refs_html(path: Path) -> list[str]:
    doc = html_doc(path)
    return [" ".join(e.text_content().split()) for e in doc.xpath('//div[@id="refs"]/div')]


def refs_epub(path: Path) -> list[str]:
    out: list[str] = []
    for tree in epub_xhtml(path):
        for e in tree.xpath('//*[@id="refs"]/*[local-name()="div"]'):
            out.append(" ".join("".join(e.itertext()).split()))
    return out


def refs_docx(path: Path) -> list[str]:
    body = docx_xml(path)
    out = []
    for p in body.iter(f"{W}p"):
        style = p.find(f"{W}pPr/{W}pStyle")
        if style is not None and style.get(f"{W}val") == "Bibliography":
            out.append(" ".join("".join(t.text or "" for t in p.iter(f"{W}t")).split()))
    return out


def pdf_body_text(path: Path) -> str:
    """Page text without what the page margins hold (running heads, page numbers): the
    text blocks inside the print edition's text area, 25 mm from the top and bottom of an
    A4 page (styles/print.css)."""
    import pymupdf

    pages = []
    with pymupdf.open(path) as doc:
        for page in doc:
            h = page.rect.height
            blocks = page.get_text("blocks")
            pages.append("".join(b[4] for b in blocks if b[1] > 0.08 * h and b[3] < 0.92 * h))
    return "\n".join(pages)


def pdf_body_text_of(page: Any) -> str:
    """One PyMuPDF page's text inside the text area (as :func:`pdf_body_text`)."""
    import pymupdf

    h = page.rect.height
    blocks = page.get_text("blocks", flags=pymupdf.TEXTFLAGS_BLOCKS | pymupdf.TEXT_INHIBIT_SPACES)
    return "".join(b[4] for b in blocks if b[1] > 0.08 * h and b[3] < 0.92 * h)


def pdf_margins(path: Path) -> list[tuple[str, str]]:
    """Each page's running head and footer text (what lies in the top and bottom margins),
    as written: a Han–Latin gap (a margin) reads as no character."""
    import pymupdf

    out = []
    with pymupdf.open(path) as doc:
        for page in doc:
            h = page.rect.height
            flags = pymupdf.TEXTFLAGS_BLOCKS | pymupdf.TEXT_INHIBIT_SPACES
            blocks = page.get_text("blocks", flags=flags)
            head = " ".join(b[4].strip() for b in blocks if b[3] <= 0.08 * h)
            foot = " ".join(b[4].strip() for b in blocks if b[1] >= 0.92 * h)
            out.append((head, foot))
    return out


def refs_pdf(path: Path, heading: str) -> list[str]:
    text = pdf_body_text(path)
    tail = text[text.rfind(heading) :]
    # WeasyPrint draws list markers after a page's text: "2." or "•" alone on a line
    tail = re.sub(r"(?m)^\s*(?:\d+\.|[•◦▪–])\s*$\n?", "", tail)
    entries = re.split(r"\n(?=\[\d+\])", tail)[1:]
    return [" ".join(e.split()) for e in entries]


def ref_urls(entries: list[str]) -> list[str]:
    """The URL of each entry, with breaks made by line wrapping removed."""
    # a URL wraps after / - _ . : (print breaks long addresses anywhere, "https:" too) or,
    # when it holds Chinese, between two Han characters
    # a line may also break inside the scheme ("http" / "s://")
    entries = [SCHEME_BROKEN.sub(lambda m: re.sub(r"\s", "", m.group()), e) for e in entries]
    return [_entry_url(re.sub(r"(?<=[/\-_.:\u3400-\u9fff])\s+(?=[^\s↩])", "", e)) for e in entries]


SCHEME_BROKEN = re.compile(r"\bh\s?t\s?t\s?p\s?s?\s?:\s?/\s?/")
