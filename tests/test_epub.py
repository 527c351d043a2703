"""The EPUB editions read back: W3C EPUBCheck, navigation, metadata, cover, citations both
ways, reproducible builds and embedded fonts."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path, PurePosixPath

import pytest
from lxml import etree

from publish.check import check
from tests import readback
from tests.conftest import EDITIONS, ROOT, SEED, corpus

OPF = "{http://www.idpf.org/2007/opf}"
DC = "{http://purl.org/dc/elements/1.1/}"
XHTML = "{http://www.w3.org/1999/xhtml}"
EPUB_NS = "{http://www.idpf.org/2007/ops}"
HOSTILE = ROOT / "tests" / "fixtures" / "epub-hostile.md"
EPOCH = "1700000000"  # 2023-11-14T22:13:20Z
SEED_CITATIONS = 31  # citation marks in the seed
TITLES = {
    "zh-Hans": "2024年神经网络与大模型技术发展综合研究报告",
    "zh-Hant-TW": "2024年神經網路與大模型技術發展綜合研究報告",
    "zh-Hant-HK": "2024年神經網絡與大模型技術發展綜合研究報告",
}
EDITION_LABEL = {"zh-Hans": "简体中文版", "zh-Hant-TW": "繁體中文（臺灣）版"}
EDITION_LABEL["zh-Hant-HK"] = "繁體中文（香港）版"
CONTENTS = {"zh-Hans": "目录", "zh-Hant-TW": "目錄", "zh-Hant-HK": "目錄"}


def build(out: Path, *args: str, epoch: str | None = None) -> Path:
    env = dict(os.environ)
    env.pop("SOURCE_DATE_EPOCH", None)
    if epoch:
        env["SOURCE_DATE_EPOCH"] = epoch
    cmd = [sys.executable, "-m", "publish", "build", *args, "--out", str(out), "--quiet"]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture(scope="module")
def extra_out(tmp_path_factory) -> Path:
    """pandoc's test suite and the hostile fixture, every edition, with SOURCE_DATE_EPOCH."""
    out = tmp_path_factory.mktemp("epub")
    testsuite = corpus("pandoc/testsuite.md")
    return build(out, str(testsuite), str(HOSTILE), "--formats", "epub", epoch=EPOCH)


@pytest.fixture(scope="module")
def again(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("epub-again")
    testsuite = corpus("pandoc/testsuite.md")
    args = ("--formats", "epub", "--editions", "zh-Hans")
    return build(out, str(testsuite), *args, epoch=EPOCH)


@pytest.fixture(scope="module")
def embedded(tmp_path_factory) -> Path:
    """The seed's Hong Kong edition with its fonts embedded (no SOURCE_DATE_EPOCH)."""
    out = tmp_path_factory.mktemp("epub-fonts")
    build(out, str(SEED), "--formats", "epub", "--editions", "zh-Hant-HK", "--embed-fonts")
    return out / "nn-llm-2024" / "nn-llm-2024.zh-Hant-HK.epub"


def seed_epub(seed_dir: Path, ed: str) -> Path:
    return seed_dir / f"nn-llm-2024.{ed}.epub"


def extra_epub(extra_out: Path, stem: str, ed: str) -> Path:
    return extra_out / stem / f"{stem}.{ed}.epub"


@pytest.fixture(scope="module")
def checked(seed_dir, extra_out, embedded) -> dict[Path, list]:
    """EPUBCheck over every EPUB of this module, in one Java process."""
    paths = [seed_epub(seed_dir, ed) for ed in EDITIONS]
    paths += [
        extra_epub(extra_out, s, ed) for s in ("testsuite", "epub-hostile") for ed in EDITIONS
    ]
    return check([*paths, embedded])


# -- reading an EPUB back ----------------------------------------------------------------
class Book:
    def __init__(self, path: Path) -> None:
        self.files = readback.epub_files(path)
        container = etree.fromstring(self.files["META-INF/container.xml"])
        self.opf_name = container.xpath("//*[local-name()='rootfile']/@full-path")[0]
        self.opf = etree.fromstring(self.files[self.opf_name])
        self.root = PurePosixPath(self.opf_name).parent
        self.items = {i.get("id"): i for i in self.opf.iter(f"{OPF}item")}

    def name(self, href: str, base: PurePosixPath | None = None) -> str:
        return os.path.normpath(str((base or self.root) / href))

    def meta(self, prop: str) -> list[str]:
        return [m.text or "" for m in self.opf.iter(f"{OPF}meta") if m.get("property") == prop]

    def spine(self) -> list[str]:
        refs = [r.get("idref") for r in self.opf.iter(f"{OPF}itemref")]
        return [self.name(self.items[r].get("href")) for r in refs]

    def xml(self, name: str) -> etree._Element:
        return etree.fromstring(self.files[name])

    def chapters(self) -> list[str]:
        """Content documents in reading order, without cover, title page and contents."""
        skip = ("nav.xhtml", "cover.xhtml", "title_page.xhtml")
        return [n for n in self.spine() if not n.endswith(skip)]

    def nav(self) -> list[str]:
        nav = self.xml(self.name(self.items["nav"].get("href")))
        toc = next(n for n in nav.iter(f"{XHTML}nav") if n.get(f"{EPUB_NS}type") == "toc")
        return [text(a) for a in toc.iter(f"{XHTML}a")]

    def resolve(self, page: str, href: str) -> tuple[str, etree._Element | None]:
        """The file and element an href in ``page`` points at."""
        file, _, frag = href.partition("#")
        name = self.name(file, PurePosixPath(page).parent) if file else page
        if name not in self.files:
            return name, None
        found = self.xml(name).xpath("//*[@id=$i]", i=frag)
        return name, (found[0] if found else None)


def text(e: etree._Element) -> str:
    return " ".join("".join(e.itertext()).split())


def headings(book: Book) -> list[str]:
    out = []
    for name in book.chapters():
        for e in book.xml(name).iter():
            if isinstance(e.tag, str) and re.fullmatch(f"{re.escape(XHTML)}h[1-6]", e.tag):
                out.append(text(e))
    return out


# -- EPUBCheck ---------------------------------------------------------------------------
def test_epubcheck_is_silent(checked, embedded):
    """No fatal, error, warning, usage or info message from W3C EPUBCheck. The one usage
    message allowed is CSS-028, EPUBCheck noting that @font-face is used, which is what
    --embed-fonts is for."""
    assert len(checked) == 10
    for path, messages in checked.items():
        allowed = {"CSS-028"} if path == embedded else set()
        assert [str(m) for m in messages if m.id not in allowed] == [], path


# -- navigation --------------------------------------------------------------------------
@pytest.mark.parametrize("ed", EDITIONS)
def test_nav_lists_every_heading_with_its_number(seed_dir, ed):
    book = Book(seed_epub(seed_dir, ed))
    assert book.nav() == headings(book)
    numbers = re.findall(r"(?m)^#{2,6} (\d+(?:\.\d+)*) ", SEED.read_text("utf-8"))
    listed = [m.group(1) for t in book.nav() if (m := re.match(r"(\d+(?:\.\d+)*) ", t))]
    assert listed == numbers and len(numbers) > 10
    assert any(t.startswith("2.1 ") for t in book.nav())
    # every page titled by its first heading, landmarks named in the edition's script
    for name in book.chapters():
        page = book.xml(name)
        assert page.findtext(f"{XHTML}head/{XHTML}title") == text(next(page.iter(f"{XHTML}h1")))
    nav = book.files[book.name(book.items["nav"].get("href"))].decode()
    assert "Title Page" not in nav and "Table of Contents" not in nav and "封面" in nav
    marks = {
        a.get(f"{EPUB_NS}type"): text(a)
        for n in book.xml(book.name(book.items["nav"].get("href"))).iter(f"{XHTML}nav")
        if n.get(f"{EPUB_NS}type") == "landmarks"
        for a in n.iter(f"{XHTML}a")
    }
    title_page = "书名页" if ed == "zh-Hans" else "書名頁"
    assert marks == {"cover": "封面", "titlepage": title_page, "toc": CONTENTS[ed]}
    # and the same names in the guide EPUB 2 readers show
    guide = {r.get("type"): r.get("title") for r in book.opf.iter(f"{OPF}reference")}
    assert guide and set(guide.values()) <= set(marks.values()), guide


def test_nav_covers_every_heading_level(extra_out):
    book = Book(extra_epub(extra_out, "testsuite", "zh-Hans"))
    nav = book.nav()
    assert nav == headings(book)
    assert {"Level 3 with emphasis", "Level 4", "Level 5"} <= set(nav)


# -- metadata ----------------------------------------------------------------------------
@pytest.mark.parametrize("ed", EDITIONS)
def test_accessibility_metadata(seed_dir, ed):
    book = Book(seed_epub(seed_dir, ed))
    assert book.meta("schema:accessMode") == ["textual"]
    assert book.meta("schema:accessModeSufficient") == ["textual"]
    features = set(book.meta("schema:accessibilityFeature"))
    assert {"tableOfContents", "structuralNavigation", "readingOrder"} <= features
    assert "MathML" not in features  # the seed has no math
    assert book.meta("schema:accessibilityHazard") == ["none"]
    (summary,) = book.meta("schema:accessibilitySummary")
    book_word = "本书" if ed == "zh-Hans" else "本書"
    assert summary.startswith(book_word), summary
    assert "参考文献" in summary if ed == "zh-Hans" else "參考文獻" in summary
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", book.meta("dcterms:modified")[0])
    assert all((e.text or "").strip() for e in book.opf.iter() if str(e.tag).startswith(DC))
    assert [t.text for t in book.opf.iter(f"{DC}title")] == [TITLES[ed], EDITION_LABEL[ed]]


def test_math_metadata_and_alttext(extra_out):
    book = Book(extra_epub(extra_out, "testsuite", "zh-Hant-TW"))
    assert "MathML" in book.meta("schema:accessibilityFeature")
    maths = [m for n in book.chapters() for m in book.xml(n).iter("{*}math")]
    assert maths and all(m.get("alttext") for m in maths)
    creators = [c.text for c in book.opf.iter(f"{DC}creator")]
    assert creators == ["John MacFarlane", "Anonymous"]
    assert [d.text for d in book.opf.iter(f"{DC}date")] == ["2006"]  # "July 17, 2006"


def cover_of(book: Book) -> tuple[etree._Element, bytes]:
    (cover,) = [i for i in book.items.values() if "cover-image" in (i.get("properties") or "")]
    return cover, book.files[book.name(cover.get("href"))]


@pytest.mark.parametrize("ed", EDITIONS)
def test_cover_is_a_raster_image_of_store_size(seed_dir, ed):
    import pymupdf

    book = Book(seed_epub(seed_dir, ed))
    cover, data = cover_of(book)
    # a PNG, declared as the cover image (EPUB 3's property; pandoc adds EPUB 2's meta)
    assert cover.get("media-type") == "image/png" and data.startswith(b"\x89PNG\r\n\x1a\n")
    metas = {m.get("name"): m.get("content") for m in book.opf.iter(f"{OPF}meta")}
    assert metas.get("cover") == cover.get("id")
    pix = pymupdf.Pixmap(data)
    assert (pix.width, pix.height) == (1600, 2560)  # 1:1.6, what the stores ask for
    # drawn, not blank: the ground fills the corners; the title's light ink covers part
    # of the band where it stands (y 550-1200), the edition label its line under the rule
    ground = pix.pixel(800, 2000)
    assert pix.pixel(20, 300) == ground and pix.pixel(1580, 2540) == ground
    band = [pix.pixel(x, y) for y in range(550, 1200, 5) for x in range(150, 1450, 5)]
    ink = sum(1 for rgb in band if sum(rgb) > 600)
    assert ink > 500
    # no SVG with live text left in the book (its fonts would be the reader's)
    assert not [i for i in book.items.values() if i.get("media-type") == "image/svg+xml"]
    assert book.spine()[0].endswith("cover.xhtml")


def test_covers_differ_by_edition(seed_dir):
    covers = {cover_of(Book(seed_epub(seed_dir, ed)))[1] for ed in EDITIONS}
    assert len(covers) == 3


@pytest.fixture(scope="module")
def dated(tmp_path_factory) -> Path:
    """A source with a date and time in its front matter, the Hong Kong edition."""
    folder = tmp_path_factory.mktemp("dated")
    src = folder / "dated.md"
    src.write_text(
        "---\ntitle: 推理优化——从量化到投机解码\nauthor: 张三\n"
        "date: 2026-03-31 05:00:00 +0800\n---\n\n## 1 概述\n\n正文。\n",
        "utf-8",
    )
    build(folder / "out", str(src), "--formats", "epub", "--editions", "zh-Hant-HK")
    return folder / "out" / "dated" / "dated.zh-Hant-HK.epub"


def test_title_page_date_in_chinese_and_dc_date_w3c(dated, seed_dir):
    book = Book(dated)
    page = book.xml(next(n for n in book.spine() if n.endswith("title_page.xhtml")))
    shown = {p.get("class"): text(p) for p in page.iter(f"{XHTML}p")}
    assert shown["date"] == "2026年3月31日" and shown["author"] == "張三"  # the edition's script
    assert [d.text for d in book.opf.iter(f"{DC}date")] == ["2026-03-31"]
    # a source with no date: none on the title page
    seed = Book(seed_epub(seed_dir, "zh-Hans"))
    page = seed.xml(next(n for n in seed.spine() if n.endswith("title_page.xhtml")))
    assert not [p for p in page.iter(f"{XHTML}p") if p.get("class") == "date"]


def test_identifier_stable_and_builds_reproducible(seed_dir, extra_out, again, embedded):
    first = extra_epub(extra_out, "testsuite", "zh-Hans").read_bytes()
    assert first == extra_epub(again, "testsuite", "zh-Hans").read_bytes()
    book = Book(extra_epub(extra_out, "testsuite", "zh-Hans"))
    assert book.meta("dcterms:modified") == ["2023-11-14T22:13:20Z"]

    def ident(path: Path) -> str:
        b = Book(path)
        uid = b.opf.get("unique-identifier")
        return next(e.text for e in b.opf.iter(f"{DC}identifier") if e.get("id") == uid)

    # without SOURCE_DATE_EPOCH too: two builds of the same source and edition
    hk = ident(seed_epub(seed_dir, "zh-Hant-HK"))
    assert hk == ident(embedded) and hk.startswith("urn:uuid:")
    others = {ident(seed_epub(seed_dir, ed)) for ed in EDITIONS} | {
        ident(extra_epub(extra_out, "testsuite", "zh-Hans"))
    }
    assert len(others) == 4  # one per source and edition


# -- citations ---------------------------------------------------------------------------
@pytest.mark.parametrize("ed", EDITIONS)
def test_citations_link_to_entries_and_back(seed_dir, ed):
    book = Book(seed_epub(seed_dir, ed))
    marks = []  # (page, link) in reading order
    for page in book.chapters():
        tree = book.xml(page)
        marks += [(page, a) for a in tree.xpath("//*[@role='doc-biblioref']")]
    assert len(marks) == SEED_CITATIONS
    first: dict[str, tuple[str, str]] = {}
    for page, a in marks:
        name, entry = book.resolve(page, a.get("href"))
        assert entry is not None and "csl-entry" in entry.get("class"), a.get("href")
        assert a.get("id")
        first.setdefault(entry.get("id"), (page, a.get("id")))
    back = 0
    for page in book.chapters():
        tree = book.xml(page)
        for section in tree.xpath("//*[@role='doc-bibliography']"):
            assert section.get(f"{EPUB_NS}type") == "bibliography"
        for a in tree.xpath("//*[@role='doc-backlink']"):
            entry = next(p for p in a.iterancestors() if "csl-entry" in (p.get("class") or ""))
            name, mark = book.resolve(page, a.get("href"))
            assert mark is not None
            assert (name, mark.get("id")) == first[entry.get("id")]
            assert text(a).startswith("↩") and a.get("aria-label")
            back += 1
    assert back == len(first)


# -- content an EPUB cannot hold ---------------------------------------------------------
def test_what_an_epub_cannot_hold_is_repaired_and_reported(extra_out):
    book = Book(extra_epub(extra_out, "epub-hostile", "zh-Hans"))
    pages = {n: book.files[n].decode() for n in book.chapters()}
    everything = "".join(pages.values())
    # the text of links that cannot resolve stays, the links go
    for words in ("另一个文件", "相对链接", "不存在的锚点", "缺失的图片说明", "本地缺失"):
        assert words in everything
    assert "other.md" not in everything and "javascript:" not in everything
    assert "<script" not in everything and "onclick" not in everything
    assert 'href="https://example.com/remote.png"' in everything
    # a raw HTML link into another chapter file resolves there
    for page, tree in ((n, book.xml(n)) for n in pages):
        for a in tree.xpath("//*[local-name()='a'][@href]"):
            href = a.get("href")
            if not href.startswith(("http:", "https:", "mailto:")):
                assert book.resolve(page, href)[1] is not None, (page, href)
    assert [d.text for d in book.opf.iter(f"{DC}date")] == ["2024-12-05"]
    report = json.loads(
        (extra_out / "epub-hostile" / "epub-hostile.report.json").read_text("utf-8")
    )
    # what the EPUB writer repaired is reported for every edition (script and event
    # handlers are already gone: the manuscript stage sanitises raw HTML first)
    repaired = [d["message"] for d in report["diagnostics"] if d["code"] == "epub-content"]
    for ed in EDITIONS:
        assert any(m.startswith(f"{ed} epub:") for m in repaired), ed


# -- fonts -------------------------------------------------------------------------------
def test_fonts_not_embedded_by_default(seed_dir):
    assert not [n for n in readback.epub_files(seed_epub(seed_dir, "zh-Hans")) if "fonts/" in n]


def test_embed_fonts_subset_to_the_characters_used(embedded):
    from fontTools.ttLib import TTFont

    from publish.writers.fonts import locate

    book = Book(embedded)
    fonts = {n: d for n, d in book.files.items() if n.startswith("EPUB/fonts/")}
    assert {PurePosixPath(n).name for n in fonts} >= {
        "NotoSerifCJKHK-Regular.woff2",
        "NotoSansCJKHK-Bold.woff2",
    }
    css = "".join(d.decode() for n, d in book.files.items() if n.endswith(".css"))
    assert 'font-family: "Noto Serif CJK HK"' in css and "../fonts/NotoSerifCJKHK" in css
    # What each face draws (styles/epub.css): body text in the serif; headings in the
    # sans; every character of the book in one of the faces.
    plain = "//*[local-name()='p']//text()[not(ancestor::*[local-name()='strong' or "
    plain += "local-name()='em' or local-name()='code' or local-name()='b' or local-name()='i'])]"
    body = {c for n in book.chapters() for c in "".join(book.xml(n).xpath(plain))}
    heads = {c for h in headings(book) for c in h}
    used = {c for n in book.chapters() for b in book.xml(n).iter(f"{XHTML}body") for c in text(b)}
    cmaps: dict[tuple[str, bool], set[str]] = {}
    for name, data in fonts.items():
        with TTFont(io.BytesIO(data)) as subset:
            family = subset["name"].getDebugName(16) or subset["name"].getDebugName(1)
            cmaps[(family, "Bold" in name)] = {chr(u) for u in subset.getBestCmap()}
        path, index = locate(family, "Bold" in name)
        assert len(data) < path.stat().st_size / 20, name  # a CJK collection is 20+ MB
    path, index = locate("Noto Serif CJK HK", False)
    with TTFont(str(path), fontNumber=index, lazy=True) as full:
        has = {chr(u) for u in full.getBestCmap()}
    ignore = {" ", "\ufe0e", "\ufe0f"}
    assert not (body & has) - cmaps[("Noto Serif CJK HK", False)] - ignore
    assert not (heads & has) - cmaps[("Noto Sans CJK HK", True)] - ignore
    assert not (used & has) - set().union(*cmaps.values()) - ignore
    assert sum(map(len, fonts.values())) < 2_000_000


def test_check_command_takes_a_folder_and_says_what_is_wrong(seed_dir, tmp_path, capsys):
    from publish.check import main

    assert main([str(seed_dir)]) == 0  # the three EPUBs under it, all clean
    assert main([str(tmp_path / "gone.epub")]) == 2
    assert main([str(tmp_path)]) == 2  # a folder with no EPUB
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"publish.check: {tmp_path / 'gone.epub'}: no such file or folder",
        "publish.check: no EPUB to check; name EPUB files or folders holding them",
    ]


def test_book_stylesheet_marks_notes_and_wraps_code(seed_dir):
    # pandoc's EPUB leaves a note's mark a bare number and its highlighted code unwrapped,
    # for its own stylesheet to fix; the book carries ours instead.
    files = readback.epub_files(seed_epub(seed_dir, "zh-Hans"))
    css = next(v.decode() for k, v in files.items() if k.endswith(".css"))
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    rules = {m.group(1).strip(): m.group(2) for m in re.finditer(r"([^{}]+)\{([^}]*)\}", css)}
    assert "vertical-align: super" in rules["a.footnote-ref"]
    assert "pre-wrap" in rules["div.sourceCode pre.sourceCode > code.sourceCode"]


@pytest.mark.parametrize("ed", EDITIONS)
def test_han_latin_gaps_are_margins_not_characters(seed_dir, ed):
    """Western runs beside Han are spans the book's stylesheet spaces (epub.css), as in the
    HTML and print editions; the text itself is the source's ("2024年", not "2024 年")."""
    pages = readback.epub_xhtml(seed_epub(seed_dir, ed))
    spans = [
        s for page in pages for s in page.iter(f"{XHTML}span") if "latin" in s.get("class", "")
    ]
    assert len(spans) > 50
    assert any(s.text == "2024" and "gap-end" in s.get("class") for s in spans)
    text = "".join("".join(p.itertext()) for p in pages)
    assert "2024年" in text and "2024 年" not in text
    css = readback.epub_files(seed_epub(seed_dir, ed))
    sheet = next(v for k, v in css.items() if k.endswith(".css") and b".latin.gap-start" in v)
    assert b"margin-left: 0.25em" in sheet


def test_every_edition_has_every_sentence_of_the_accessibility_summary():
    """The summary's sentences are the edition table's words, in each edition's script
    (no OpenCC in the worker): every part the writer may name, for every edition."""
    from publish.editions.table import CODES, spec
    from publish.writers.epub import summary

    parts = ["base", "tables", "math", "images", "images-partial", "refs", "none", "unknown"]
    for code in CODES:
        text = summary(code, parts)
        assert len(text) > 100
        if code != "zh-Hans":
            assert "書" in text and "书" not in text, code
    assert "閲讀" in summary("zh-Hant-HK", ["base"])  # Hong Kong's form
    assert "閱讀" in summary("zh-Hant-TW", ["base"])
    assert spec("zh-Hans").labels["a11y_refs"].startswith("引用标注")
