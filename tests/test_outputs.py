"""The seed's 12 outputs, read back: valid containers, title, language, region fonts."""

from __future__ import annotations

import json
import re

import pymupdf
import pytest

from tests import readback
from tests.conftest import EDITIONS, FORMATS

TITLES = {
    "zh-Hans": "2024年神经网络与大模型技术发展综合研究报告",
    "zh-Hant-TW": "2024年神經網路與大模型技術發展綜合研究報告",
    "zh-Hant-HK": "2024年神經網絡與大模型技術發展綜合研究報告",
}
REGION_FONT = {"zh-Hans": "CJK-SC", "zh-Hant-TW": "CJK-TC", "zh-Hant-HK": "CJK-HK"}
DOCX_LANG = {"zh-Hans": "zh-CN", "zh-Hant-TW": "zh-TW", "zh-Hant-HK": "zh-HK"}


def test_every_output_exists(seed_out, seed_dir):
    names = {p.name for p in seed_dir.iterdir()}
    for ed in EDITIONS:
        for fmt in FORMATS:
            assert f"nn-llm-2024.{ed}.{fmt}" in names
    assert "nn-llm-2024.report.json" in names
    assert (seed_out / "manifest.json").is_file()
    assert (seed_out / "index.html").is_file()


@pytest.mark.parametrize("ed", EDITIONS)
def test_pdf_title_lang_fonts(seed_dir, ed):
    path = seed_dir / f"nn-llm-2024.{ed}.pdf"
    reader = readback.pdf(path)
    assert reader.metadata.title == TITLES[ed]
    assert reader.trailer["/Root"]["/Lang"] == ed
    fonts = readback.pdf_fonts(path)
    cjk = {f for f in fonts if "CJK" in f}
    assert cjk, fonts
    # Every CJK font is the edition's region: never JP, never another region.
    assert all(REGION_FONT[ed] in f for f in cjk), cjk
    # No synthesized italics: no font is an oblique/italic face
    assert not any("Italic" in f or "Oblique" in f for f in fonts)
    assert TITLES[ed] in readback.pdf_text(path)


@pytest.mark.parametrize("ed", EDITIONS)
def test_pdf_bookmarks_keep_author_numbers(seed_dir, ed):
    reader = readback.pdf(seed_dir / f"nn-llm-2024.{ed}.pdf")
    titles = [o.title for o in reader.outline if not isinstance(o, list)]
    assert titles[0].startswith("1 2024年")
    assert titles[1].startswith("2 ")
    assert not any(t.startswith("1 1 ") for t in titles)


@pytest.mark.parametrize("ed", EDITIONS)
def test_epub_metadata(seed_dir, ed):
    files = readback.epub_files(seed_dir / f"nn-llm-2024.{ed}.epub")
    assert files["mimetype"] == b"application/epub+zip"
    opf = next(v for k, v in files.items() if k.endswith(".opf")).decode()
    assert f"<dc:language>{ed}</dc:language>" in opf
    assert TITLES[ed] in opf
    for tree in readback.epub_xhtml(seed_dir / f"nn-llm-2024.{ed}.epub"):
        assert tree.get("{http://www.w3.org/XML/1998/namespace}lang") == ed


@pytest.mark.parametrize("ed", EDITIONS)
def test_docx_title_and_east_asian_language(seed_dir, ed):
    path = seed_dir / f"nn-llm-2024.{ed}.docx"
    core = readback.docx_xml(path, "docProps/core.xml")
    ns = {"dc": "http://purl.org/dc/elements/1.1/"}
    assert core.findtext("dc:title", namespaces=ns) == TITLES[ed]
    styles = readback.docx_xml(path, "word/styles.xml")
    langs = [e.get(f"{readback.W}eastAsia") for e in styles.iter(f"{readback.W}lang")]
    assert DOCX_LANG[ed] in langs


@pytest.mark.parametrize("ed", EDITIONS)
def test_html_lang_and_title(seed_dir, ed):
    doc = readback.html_doc(seed_dir / f"nn-llm-2024.{ed}.html")
    assert doc.get("lang") == ed
    assert doc.findtext(".//title") == TITLES[ed]
    assert not doc.xpath("//script")


def test_manifest_matches_files(seed_out):
    manifest = json.loads((seed_out / "manifest.json").read_text())
    rows = manifest["outputs"]
    assert len(rows) == 12
    assert [r["path"] for r in rows] == sorted(r["path"] for r in rows)
    import hashlib

    for r in rows:
        data = (seed_out / r["path"]).read_bytes()
        assert r["bytes"] == len(data)
        assert r["sha256"] == hashlib.sha256(data).hexdigest()
        assert r["edition"] in EDITIONS and r["format"] in FORMATS
        if r["format"] == "pdf":  # the page count the PDF itself has
            with pymupdf.open(seed_out / r["path"]) as pdf:
                assert r["pages"] == pdf.page_count > 0
        else:
            assert r["pages"] is None


def test_index_links_resolve(seed_out):
    doc = readback.html_doc(seed_out / "index.html")
    # "#zh-Hant-TW": the language switch, a section of the page itself
    hrefs = [h for h in doc.xpath("//a/@href") if not h.startswith("#")]
    assert len([h for h in hrefs if h.endswith((".pdf", ".epub", ".docx", ".html"))]) >= 12
    for h in hrefs:
        assert (seed_out / h).is_file(), h
        assert not h.startswith(("http:", "https:", "/"))


def test_no_stray_warnings_on_stderr(seed_out):
    """Only our own diagnostics and progress lines: no pandoc, WeasyPrint or Python noise."""
    expected = {"preamble-removed", "source-truncated", "reference-url-repaired"}
    expected.add("reference-incomplete")  # its twenty references have no title until fetched
    lines = (seed_out / "stderr.txt").read_text().splitlines()
    # the closing summary: what was made, how many warnings, where the download page is
    assert re.fullmatch(
        r"done: 12 outputs built; \d+ warnings; download page: .*index\.html", lines[-1]
    ), lines[-1]
    for line in lines[:-1]:
        if line.startswith("built "):
            continue
        code = line.rsplit("[", 1)[-1].rstrip("]")
        assert code in expected, line


@pytest.mark.parametrize("ed", EDITIONS)
def test_pdf_no_line_starts_with_a_citation_mark(seed_dir, ed):
    text = readback.pdf_body_text(seed_dir / f"nn-llm-2024.{ed}.pdf")
    heading = "参考文献" if ed == "zh-Hans" else "參考文獻"
    body = text[: text.rfind(heading)]
    starts = [ln for ln in body.splitlines() if ln.lstrip().startswith("[")]
    assert starts == []
