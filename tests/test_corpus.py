"""Real documents from ../shared/corpus, and the seed: every one builds into every edition and
format; EPUBCheck is silent on every EPUB; the reference list is the same in every format;
no citation source (``[[n]]``) or TeX source is left in any output's text; and the report
names the faults each document carries."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from lxml import etree

from publish.check import check
from tests import readback
from tests.conftest import CORPUS, EDITIONS, FORMATS, SEED, run_cli

REPORTS = sorted((CORPUS / "real-reports").glob("[0-9]*.md")) if CORPUS.exists() else []
SOURCES = [*REPORTS, CORPUS / "pandoc" / "testsuite.md"]
EVERY = [*SOURCES, SEED]
HEADING = {"zh-Hans": "参考文献", "zh-Hant-TW": "參考文獻", "zh-Hant-HK": "參考文獻"}
# What a reader must never see: a citation as written ("[[12]]", with or without its URL),
# TeX source (a command, $$, \( \[), a Liquid tag, a percent-encoded one.
RAW_CITATION = re.compile(r"\[\[\s*\d{1,4}\s*\]\]")
TEX = re.compile(
    r"\\(?:frac|d?frac|sqrt|sum|int|prod|lim|alpha|beta|gamma|Gamma|delta|lambda|sigma|tau|"
    r"partial|infty|cdot|times|left|right|mathrm|mathbf|text|begin|end)(?![a-zA-Z])|\$\$|\\[(\[]"
)
WIKI = re.compile(r"\[\[[^\]\d][^\]]*\]\]")
LIQUID = re.compile(r"\{%.*?%\}|%7B%|\{\{.*?\}\}")
# Elements whose text is not prose: code is shown as written, math carries its TeX as an
# annotation for screen readers, style and script are not shown.
NOT_PROSE = {"code", "pre", "math", "style", "script", "annotation", "title"}
W = readback.W

pytestmark = pytest.mark.skipif(not REPORTS, reason="../shared/corpus not present")


@pytest.fixture(scope="module")
def corpus_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus")
    proc = run_cli("build", *map(str, REPORTS), "--out", str(out), "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    # pandoc's test suite is written in pandoc's own Markdown
    proc = run_cli("build", str(SOURCES[-1]), "--from", "markdown", "--out", str(out), "--quiet")
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture(scope="module")
def folders(corpus_out, seed_dir) -> dict[str, Path]:
    """Each source's output folder (the seed's is the session's, built once)."""
    return {**{s.stem: corpus_out / s.stem for s in SOURCES}, SEED.stem: seed_dir}


def report(folder: Path) -> dict:
    return json.loads((folder / f"{folder.name}.report.json").read_text())


def codes(folder: Path) -> set[str]:
    return {d["code"] for d in report(folder)["diagnostics"]}


def _prose(root: etree._Element) -> str:
    """The text of an (X)HTML tree a reader sees as prose."""
    parts: list[str] = []

    def visit(e: etree._Element) -> None:
        if not isinstance(e.tag, str) or etree.QName(e).localname in NOT_PROSE:
            parts.append(e.tail or "")
            return
        parts.append(e.text or "")
        for child in e:
            visit(child)
        parts.append(e.tail or "")

    visit(root)
    return "".join(parts)


def _docx_prose(path: Path) -> str:
    body = readback.docx_xml(path)
    out = []
    for p in body.iter(f"{W}p"):
        style = p.find(f"{W}pPr/{W}pStyle")
        if style is not None and style.get(f"{W}val") == "SourceCode":
            continue
        for r in p.iter(f"{W}r"):
            rstyle = r.find(f"{W}rPr/{W}rStyle")
            if rstyle is not None and rstyle.get(f"{W}val") == "VerbatimChar":
                continue
            out.append("".join(t.text or "" for t in r.iter(f"{W}t")))
        out.append("\n")
    return "".join(out)


def _pdf_prose(path: Path) -> str:
    """The PDF's text but code (set in a monospace font); math is drawn, not text."""
    import pymupdf

    out = []
    with pymupdf.open(path) as doc:
        for page in doc:
            for block in page.get_text("dict")["blocks"]:
                for line in block.get("lines", []):
                    out += [s["text"] for s in line["spans"] if "Mono" not in s["font"]]
                    out.append("\n")
    return "".join(out)


@functools.cache
def prose(path: Path) -> str:
    """What a reader reads in one output, code and math left out."""
    if path.suffix == ".html":
        return _prose(readback.html_doc(path).xpath("//body")[0])
    if path.suffix == ".epub":
        return "\n".join(_prose(x) for x in readback.epub_xhtml(path))
    if path.suffix == ".docx":
        return _docx_prose(path)
    return _pdf_prose(path)


def outputs(folder: Path):
    for ed in EDITIONS:
        for fmt in FORMATS:
            yield folder / f"{folder.name}.{ed}.{fmt}"


@pytest.mark.parametrize("src", EVERY, ids=lambda p: p.stem[:12])
def test_every_output_built(folders, src):
    for path in outputs(folders[src.stem]):
        assert path.stat().st_size > 1000, path


def test_epubcheck_is_silent_on_every_epub(folders):
    epubs = [p for f in folders.values() for p in outputs(f) if p.suffix == ".epub"]
    assert len(epubs) == len(EVERY) * len(EDITIONS)
    found = {p.name: [str(m) for m in ms] for p, ms in check(epubs).items() if ms}
    assert found == {}


@pytest.mark.parametrize("src", [*REPORTS, SEED], ids=lambda p: p.stem[:12])
def test_same_references_in_every_format(folders, src):
    folder = folders[src.stem]
    n = len(report(folder)["references"])
    for ed in EDITIONS:
        base = folder / f"{folder.name}.{ed}"
        lists = {
            "html": readback.refs_html(base.parent / f"{base.name}.html"),
            "epub": readback.refs_epub(base.parent / f"{base.name}.epub"),
            "docx": readback.refs_docx(base.parent / f"{base.name}.docx"),
            "pdf": readback.refs_pdf(base.parent / f"{base.name}.pdf", HEADING[ed]) if n else [],
        }
        urls = {k: [unquote(u) for u in readback.ref_urls(v)] for k, v in lists.items()}
        assert len(urls["html"]) == n
        for fmt in ("epub", "docx", "pdf"):
            assert urls[fmt] == urls["html"], (ed, fmt)


@pytest.mark.parametrize("src", EVERY, ids=lambda p: p.stem[:12])
def test_no_source_markup_left_in_the_text(folders, src):
    """No "[[n]]" citation as written, no TeX source, no Liquid tag in what a reader reads,
    in any edition or format (a wikilink "[[规则引擎]]" is not a citation: it may not stay
    as written either)."""
    for path in outputs(folders[src.stem]):
        text = prose(path)
        for what, pattern in (("citation", RAW_CITATION), ("TeX", TEX), ("wikilink", WIKI)):
            m = pattern.search(text)
            assert m is None, (path.name, what, text[max(0, m.start() - 40) : m.end() + 40])
        if src.stem != "testsuite":  # pandoc's suite writes "{{" and "{%" as plain text
            m = LIQUID.search(text)
            assert m is None, (path.name, text[max(0, m.start() - 40) : m.end() + 40])
        if path.suffix == ".html":  # nor a link or picture whose address is a Liquid tag
            targets = readback.html_doc(path).xpath("//@href | //@src")
            assert not [t for t in targets if LIQUID.search(t)], path.name


def test_faults_are_reported(folders):
    def has(stem: str) -> set[str]:
        return codes(folders[stem])

    truncated_03 = "03-joyagent-fracdiff-patent-report-truncated"
    assert {"preamble-removed", "source-truncated", "reference-url-truncated"} <= has(truncated_03)
    truncated_04 = "04-joyagent-fracdiff-search-result-truncated"
    assert {"source-truncated", "reference-url-repaired"} <= has(truncated_04)
    assert "bold-unescaped" in has("06-flowercloud-research-escaped-bold")
    assert {"preamble-removed", "list-nested"} <= has("07-perm-rubrics-single-source-cites")
    assert len(report(folders["07-perm-rubrics-single-source-cites"])["references"]) == 1
    assert "liquid-tag" in has("08-zhtw-ai-pacing-blog")
    assert "image-missing" not in has("08-zhtw-ai-pacing-blog")  # Liquid, not a lost file
    assert "wikilink" in has("12-drools-footnotes-wikilink")
    assert {"image-missing", "html-sanitized", "id-renamed"} <= has("testsuite")
    assert {"preamble-removed", "source-truncated", "reference-url-repaired"} <= has(SEED.stem)
    # complete documents are not called truncated
    for stem in (
        "06-flowercloud-research-escaped-bold",
        "08-zhtw-ai-pacing-blog",
        "12-drools-footnotes-wikilink",
    ):
        assert "source-truncated" not in has(stem), stem


def test_tracking_parameters_do_not_split_a_source(folders):
    refs = report(folders["10-zhtw-amd-ryzen-ai-readme"])["references"]
    hosts = [r["url"] for r in refs if "gemma-3" in r["url"]]
    assert len(hosts) == 1


def test_raw_html_citations_join_the_reference_list(folders):
    """08 cites [1]–[7] in the text and again as <a href>[N]</a> in figure captions: one
    list, and each caption mark links to its entry."""
    folder = folders["08-zhtw-ai-pacing-blog"]
    assert len(report(folder)["references"]) == 7
    html = readback.html_doc(folder / "08-zhtw-ai-pacing-blog.zh-Hant-TW.html")
    captions = html.xpath("//figcaption")
    assert len(captions) == 3
    for caption in captions:
        marks = caption.xpath('.//span[@class="citation"]//a/@href')
        assert marks and all(m.startswith("#ref-") for m in marks)
        assert not caption.xpath('.//a[starts-with(@href, "http")]')


def test_wikilinks_and_footnotes_survive(folders):
    folder = folders["12-drools-footnotes-wikilink"]
    html = (folder / f"{folder.name}.zh-Hans.html").read_text()
    assert "开源规则引擎 (Rule Engine)" in html
    assert 'role="doc-noteref"' in html and 'role="doc-endnotes"' in html


def test_identifiers_are_unique_in_every_page(folders):
    for folder in folders.values():
        for ed in EDITIONS:
            ids = readback.html_doc(folder / f"{folder.name}.{ed}.html").xpath("//@id")
            assert len(ids) == len(set(ids)), (folder.name, ed)


@pytest.mark.parametrize("src", EVERY, ids=lambda p: p.stem[:12])
def test_running_heads_name_chapters(folders, src):
    """Past the contents, a right page's head is a chapter of the document (never the
    contents' own title, which a report whose chapters are ``##`` used to keep)."""
    folder = folders[src.stem]
    path = folder / f"{src.stem}.zh-Hant-TW.pdf"
    contents = "目錄"
    heads = [head for head, _ in readback.pdf_margins(path)]
    right = [h for n, h in enumerate(heads, start=1) if n % 2 and n > 2]
    assert right and contents not in right, heads
