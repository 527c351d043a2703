"""The recipes of docs/customising.md (issue 21): a project's styles/ folder overrides
bundled files one by one, in every format; each recipe read back from the outputs."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pymupdf
import pytest

from publish.styles import STYLES
from tests.conftest import run_cli
from tests.readback import docx_xml, epub_files, html_doc, pdf_fonts

REPORT = "---\ntitle: 定制样式\nauthor: 李四\n---\n\n## 第一章\n\n正文写在这里。\n"
LOGO = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40">'
    '<rect width="120" height="40" fill="#cc0000"/></svg>'
)
# The recipes, as docs/customising.md gives them.
CUSTOM = """\
/* colours */
h1, h2, h3 { color: #8b0000; }
/* a page size of one's own, and margins */
@page { size: 170mm 240mm; margin: 15mm 16mm 18mm 16mm; }
/* the PDF's cover */
@media print { header.title-block h1 { font-size: 30pt; color: #1a3a6b; } }
/* the EPUB's body face (the EPUB does not read fonts.css) */
body:lang(zh-Hans) { font-family: "Noto Sans CJK SC", sans-serif; }
"""
THEME = "body { max-width: 50em; margin: 0 auto; background: #fdf6e3; color: #073642; }\n"
COVER_MARK = (0, 255, 0)  # a band the cover template recipe adds
COVER_RED = (204, 0, 0)  # the logo's colour
W = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}


def cover_of(epub: Path) -> bytes:
    """The EPUB's cover picture (a PNG drawn from templates/cover.svg.j2)."""
    files = epub_files(epub)
    return next(d for n, d in files.items() if "media/" in n and n.endswith(".png"))


def colours(png: bytes) -> set[tuple[int, ...]]:
    """The colours of every 97th pixel."""
    pix = pymupdf.Pixmap(png)
    data = pix.samples
    return {tuple(data[i : i + 3]) for i in range(0, len(data), pix.n * 97)}


def house_reference(target: Path) -> None:
    """The bundled Simplified reference DOCX with one more style, "House Style"."""
    with zipfile.ZipFile(STYLES / "reference-SC.docx") as src, zipfile.ZipFile(target, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/styles.xml":
                extra = (
                    b'<w:style w:type="paragraph" w:customStyle="1" w:styleId="HouseStyle">'
                    b'<w:name w:val="House Style"/></w:style></w:styles>'
                )
                data = data.replace(b"</w:styles>", extra)
            dst.writestr(info, data)


@pytest.fixture(scope="module")
def styled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with every recipe in its styles/ folder, built in every format."""
    root = tmp_path_factory.mktemp("styled")
    (root / "report.md").write_text(REPORT, "utf-8")
    (root / "publish.toml").write_text('sources = ["report.md"]\neditions = "zh-Hans"\n', "utf-8")
    styles = root / "styles"
    (styles / "templates").mkdir(parents=True)
    (styles / "logo.svg").write_text(LOGO, "utf-8")
    (styles / "custom.css").write_text(CUSTOM, "utf-8")
    (styles / "html.css").write_text(THEME, "utf-8")
    fonts = (STYLES / "fonts.css").read_text("utf-8")
    # the recipe: the Simplified editions' text face becomes Noto Sans CJK SC
    fonts = fonts.replace('--serif: "Noto Serif CJK SC"', '--serif: "Noto Sans CJK SC"')
    (styles / "fonts.css").write_text(fonts, "utf-8")
    cover = (STYLES / "templates" / "cover.svg.j2").read_text("utf-8")
    band = '<rect x="0" y="2300" width="1600" height="100" fill="#00ff00"/>'
    cover = cover.replace("</svg>", band + "</svg>")
    (styles / "templates" / "cover.svg.j2").write_text(cover, "utf-8")
    house_reference(styles / "reference-SC.docx")
    proc = run_cli("build", "--quiet", cwd=root)
    assert proc.returncode == 0, proc.stderr
    return root / "dist" / "report"


def test_logo_on_every_title_page(styled):
    page = html_doc(styled / "report.zh-Hans.html")
    logos = page.xpath('//header[contains(@class, "title-block")]//p[@class="logo"]/img/@src')
    assert len(logos) == 1 and logos[0].startswith("data:image/svg+xml;base64,")
    with pymupdf.open(styled / "report.zh-Hans.pdf") as pdf:
        red = [
            d
            for d in pdf[0].get_drawings()
            if d.get("fill") == pytest.approx((0.8, 0, 0), abs=0.01)
        ]
    assert red, "the logo's red rectangle is not drawn on the PDF's cover"
    assert COVER_RED in colours(cover_of(styled / "report.zh-Hans.epub")), "no logo on the cover"
    # DOCX: a PNG drawn from the SVG (LibreOffice and older Word show no SVG), above the title
    docx = styled / "report.zh-Hans.docx"
    body = docx_xml(docx).find("w:body", namespaces=W)
    first = [p.find("w:pPr/w:pStyle", namespaces=W).get(f"{{{W['w']}}}val") for p in body[:2]]
    assert first == ["Logo", "Title"], first
    assert body[0].findall(".//w:drawing", namespaces=W)
    with zipfile.ZipFile(docx) as z:
        pictures = [n for n in z.namelist() if n.startswith("word/media/")]
        assert len(pictures) == 1 and z.read(pictures[0])[:4] == b"\x89PNG"


def test_fonts(styled):
    fonts = pdf_fonts(styled / "report.zh-Hans.pdf")
    assert any("Noto-Sans-CJK-SC" in f for f in fonts), fonts
    assert not any("Serif" in f for f in fonts), fonts
    css = b"".join(
        d for n, d in epub_files(styled / "report.zh-Hans.epub").items() if n.endswith(".css")
    )
    assert b'body:lang(zh-Hans) { font-family: "Noto Sans CJK SC"' in css


def test_custom_page_size_margins_and_colours(styled):
    with pymupdf.open(styled / "report.zh-Hans.pdf") as pdf:
        width, height = pdf[0].rect.width, pdf[0].rect.height
        spans = [
            s
            for page in pdf
            for b in page.get_text("dict")["blocks"]
            for line in b.get("lines", [])
            for s in line["spans"]
        ]
    mm = 72 / 25.4
    assert (round(width / mm), round(height / mm)) == (170, 240)
    # the heading (not its contents entry or running head, in their own colours)
    chapter = [s for s in spans if s["text"].strip() == "第一章" and s["size"] > 12]
    assert chapter and all(s["color"] == 0x8B0000 for s in chapter), chapter
    body = next(s for s in spans if "正文写在这里" in s["text"])
    assert body["color"] != 0x8B0000
    assert round(chapter[0]["bbox"][0] / mm) == 16  # the left margin (paragraphs indent)


def test_html_theme(styled):
    text = (styled / "report.zh-Hans.html").read_text("utf-8")
    assert "background: #fdf6e3" in text
    bundled = (STYLES / "html.css").read_text("utf-8").splitlines()[1]
    assert bundled not in text  # replaced, not added to


def test_print_cover_from_custom_css(styled):
    with pymupdf.open(styled / "report.zh-Hans.pdf") as pdf:
        lines = [ln for b in pdf[0].get_text("dict")["blocks"] for ln in b.get("lines", [])]
    title = [s for ln in lines for s in ln["spans"] if s["text"].strip() == "定制样式"]
    assert title and title[0]["color"] == 0x1A3A6B and round(title[0]["size"]) == 30


def test_cover_template(styled):
    assert COVER_MARK in colours(cover_of(styled / "report.zh-Hans.epub"))


def test_reference_docx(styled):
    styles = docx_xml(styled / "report.zh-Hans.docx", "word/styles.xml")
    names = styles.xpath("//w:style/w:name/@w:val", namespaces=styles.nsmap)
    assert "House Style" in names


def test_a_changed_style_rebuilds_and_a_misnamed_one_warns(tmp_path):
    (tmp_path / "report.md").write_text(REPORT, "utf-8")
    (tmp_path / "publish.toml").write_text(
        'sources = ["report.md"]\nformats = "html"\neditions = "zh-Hans"\n', "utf-8"
    )
    (tmp_path / "styles").mkdir()
    custom = tmp_path / "styles" / "custom.css"
    custom.write_text("h2 { color: #111; }\n", "utf-8")
    assert run_cli("build", "--quiet", cwd=tmp_path).returncode == 0
    custom.write_text("h2 { color: #222; }\n", "utf-8")
    (tmp_path / "styles" / "custon.css").write_text("", "utf-8")
    proc = run_cli("build", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"^built \S+report\.zh-Hans\.html", proc.stderr, re.M), proc.stderr
    assert "#222" in (tmp_path / "dist/report/report.zh-Hans.html").read_text("utf-8")
    assert (
        "custon.css: warning: overrides no bundled style file, ignored (did you mean custom.css?)"
        in proc.stderr
    )


def test_bundled_styles_need_no_project(tmp_path):
    """Without a project the page carries no logo and the empty custom.css changes nothing."""
    src = tmp_path / "r.md"
    src.write_text(REPORT, "utf-8")
    proc = run_cli(
        "build",
        str(src),
        "-o",
        str(tmp_path / "o"),
        "--formats",
        "html",
        "--editions",
        "zh-Hans",
        "--quiet",
    )
    assert proc.returncode == 0, proc.stderr
    page = html_doc(tmp_path / "o/r/r.zh-Hans.html")
    assert not page.xpath('//p[@class="logo"]')
    shutil.rmtree(tmp_path / "o")


def test_vocabulary_files_are_styles_too(tmp_path):
    """styles/glossary.toml replaces the bundled default glossary (publish.toml's glossary
    adds to it instead)."""
    (tmp_path / "report.md").write_text("# 报告\n\n## 一\n\n模型参数很多。\n", "utf-8")
    (tmp_path / "publish.toml").write_text(
        'sources = ["report.md"]\nformats = "html"\neditions = "zh-Hant-TW"\n', "utf-8"
    )
    (tmp_path / "styles").mkdir()
    (tmp_path / "styles" / "glossary.toml").write_text(
        '[terms]\n"参数" = { "zh-Hant-TW" = "參變數" }\n', "utf-8"
    )
    proc = run_cli("build", "--quiet", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    text = (tmp_path / "dist/report/report.zh-Hant-TW.html").read_text("utf-8")
    assert "模型參變數很多" in text


def test_compiled_templates_are_kept_and_follow_their_source(tmp_path, monkeypatch):
    """Templates compiled once are kept in the user's cache (as Python keeps bytecode);
    a template that changes is compiled again, and a cache that cannot be written is
    only slower."""
    from publish.writers import common

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "page.j2").write_text("one {{ n }}", "utf-8")

    def rendered(n: int) -> str:
        return common._env.__wrapped__((folder,)).get_template("page.j2").render(n=n)

    assert rendered(1) == "one 1"
    assert len(list((tmp_path / "cache" / "publish" / "templates").glob("*.cache"))) == 1
    (folder / "page.j2").write_text("two {{ n }}", "utf-8")
    assert rendered(2) == "two 2"
    monkeypatch.setenv("XDG_CACHE_HOME", "/proc/no-cache-here")
    assert rendered(3) == "two 3"
