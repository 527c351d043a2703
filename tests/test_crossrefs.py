"""Numbered figures and equations, Quarto's @fig-/@tbl-/@sec-/@eq- cross-references: in the
document model, then read back from every format of a Traditional edition."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from publish.ast import elements, stringify
from publish.build import prepare
from tests import readback
from tests.conftest import build

TEXT = """---
title: 交叉引用
---

# 方法 {{#sec-method}}

见 @fig-a 和 @tbl-b、@sec-method、@eq-c。如[@fig-a]所示，@fig-d 也是。

邮件 a@fig-x.com 和 @smith2020 不是引用。

![发电量](a.png){{#fig-a}}

| 年份 | 发电量 |
|---|---|
| 2023 | 1 |

{table_caption}

$$
E=mc^2
$$ {{#eq-c}}

::: {{#fig-d}}
![](b.png)

支持的服务器
:::

![没有标签的图](a.png)
"""
MARKDOWN_TABLE = ": 表的说明 {#tbl-b}"


def _png(path: Path) -> None:
    doc = pymupdf.open()
    page = doc.new_page(width=80, height=40)
    page.draw_rect(pymupdf.Rect(5, 5, 75, 35), color=(0, 0, 1), fill=(0.5, 0.7, 1))
    page.get_pixmap().save(path)


@pytest.fixture
def source(tmp_path: Path) -> Path:
    _png(tmp_path / "a.png")
    _png(tmp_path / "b.png")
    src = tmp_path / "x.md"
    src.write_text(TEXT.format(table_caption=MARKDOWN_TABLE), "utf-8")
    return src


def _links(doc) -> dict[str, str]:
    return {
        e["c"][2][0]: stringify(e["c"][1])
        for e in elements(doc.ast["blocks"])
        if e["t"] == "Link" and "crossref" in e["c"][0][1]
    }


@pytest.mark.parametrize("reader", ["commonmark", "markdown"])
def test_references_resolve_in_both_readers(source: Path, reader: str):
    text = source.read_text("utf-8").replace("title: 交叉引用", f"title: 交叉引用\nfrom: {reader}")
    source.write_text(text, "utf-8")
    doc = prepare(source)
    assert _links(doc) == {
        "#fig-a": "图 1",
        "#tbl-b": "表 1",
        "#sec-method": "“方法”",
        "#eq-c": "式 (1)",
        "#fig-d": "图 2",
    }
    figures = [e for e in elements(doc.ast["blocks"]) if e["t"] == "Figure"]
    captions = [stringify(f["c"][1][1]) for f in figures]
    assert captions[:2] == ["图 1 发电量", "图 2 支持的服务器"]
    body = stringify(doc.ast["blocks"])
    assert "a@fig-x.com" in body and "@smith2020" in body and "@fig" not in body.replace(
        "a@fig-x.com", ""
    )
    assert not [d for d in doc.diagnostics if d.code == "crossref-unresolved"]


def test_unresolved_reference_stays_and_warns(tmp_path: Path):
    src = tmp_path / "u.md"
    src.write_text("# 标题\n\n见 @fig-nowhere 和 @tbl-none。\n", "utf-8")
    doc = prepare(src)
    found = [d for d in doc.diagnostics if d.code == "crossref-unresolved"]
    assert [d.message.split(":")[0] for d in found] == ["@fig-nowhere", "@tbl-none"]
    assert found[0].line == 3
    assert "@fig-nowhere" in stringify(doc.ast["blocks"])


def test_the_word_is_not_said_twice(tmp_path: Path):
    _png(tmp_path / "a.png")
    src = tmp_path / "w.md"
    src.write_text(
        "# 标题\n\n如图 @fig-a 所示；见 @eq-b 式；如表@tbl-c所列；-@fig-a 号图；见 @fig-a。\n\n"
        "![图题](a.png){#fig-a}\n\n$$x$$ {#eq-b}\n\n*表：成本 {#tbl-c}*\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n",
        "utf-8",
    )
    doc = prepare(src)
    (para,) = [b for b in doc.ast["blocks"] if b["t"] == "Para"][:1]
    assert stringify(para) == "如图 1 所示；见 (1) 式；如表1所列；1 号图；见 图 1。"


def test_a_traditional_text_numbers_its_figures_in_its_own_script(tmp_path: Path):
    """A Taiwan blog's figures: 圖 1, not the Simplified 图 1 (its own editions are not
    converted, and printed the label as the manuscript stage wrote it)."""
    _png(tmp_path / "a.png")
    src = tmp_path / "tw.md"
    src.write_text(
        "# 標題\n\n這是一段繁體中文的說明文字，如圖 @fig-a 所示；另見 @fig-a。\n\n"
        "![依原文整理。點圖可放大。](a.png){#fig-a}\n",
        "utf-8",
    )
    folder = build(src, tmp_path / "o", "html", "zh-Hant-TW")
    page = readback.html_doc(folder / "tw.zh-Hant-TW.html")
    labels = [e.text_content() for e in page.xpath("//*[contains(@class, 'figure-label')]")]
    assert labels == ["圖 1"]
    text = page.text_content()
    assert "如圖 1 所示" in text and "另見 圖 1" in text and "图" not in text


def test_table_label_on_an_italic_caption_line(tmp_path: Path):
    src = tmp_path / "t.md"
    src.write_text(
        "# 标题\n\n如 @tbl-cost 所示。\n\n*表：成本 {#tbl-cost}*\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n",
        "utf-8",
    )
    doc = prepare(src)
    assert _links(doc) == {"#tbl-cost": "表 1"}
    table = next(e for e in elements(doc.ast["blocks"]) if e["t"] == "Table")
    assert table["c"][0][0] == "tbl-cost"
    assert stringify(table["c"][1][1]) == "表 1 成本"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("xref")
    _png(folder / "a.png")
    _png(folder / "b.png")
    src = folder / "x.md"
    src.write_text(TEXT.format(table_caption=MARKDOWN_TABLE), "utf-8")
    return build(src, folder / "out", None, "zh-Hant-TW", "--strict")


def test_html_and_epub_link_to_numbered_targets(built: Path):
    html = readback.html_doc(built / "x.zh-Hant-TW.html")
    links = {
        a.get("href"): a.text_content()
        for a in html.iter("a")
        if "crossref" in (a.get("class") or "")
    }
    assert links == {
        "#fig-a": "圖 1",
        "#tbl-b": "表 1",
        "#sec-method": "「方法」",
        "#eq-c": "式 (1)",
        "#fig-d": "圖 2",
    }
    (caption,) = html.xpath("//table[@id='tbl-b']/caption")
    assert caption.text_content() == "表 1 表的說明"  # a caption that starts with 表 keeps it
    for target in ("fig-a", "fig-d"):
        (figure,) = html.xpath(f"//figure[@id='{target}']")
        assert figure.xpath(".//span[@class='figure-label']")[0].text_content().startswith("圖 ")
    epub = "".join(
        "".join(x.itertext()) for x in readback.epub_xhtml(built / "x.zh-Hant-TW.epub")
    )
    assert "見 圖 1 和 表 1、「方法」、式 (1)" in epub and "圖 2 支援的伺服器" in epub


def test_docx_links_reach_bookmarks(built: Path):
    xml = readback.docx_xml(built / "x.zh-Hant-TW.docx")
    w = readback.W
    anchors = {h.get(f"{w}anchor") for h in xml.iter(f"{w}hyperlink")}
    marks = {b.get(f"{w}name") for b in xml.iter(f"{w}bookmarkStart")}
    assert {"fig-a", "tbl-b", "sec-method", "eq-c", "fig-d"} <= anchors & marks


def test_pdf_prints_numbers_and_links_inside(built: Path):
    path = built / "x.zh-Hant-TW.pdf"
    text = readback.pdf_text(path)
    assert "見 圖 1 和 表 1、「方法」、式 (1)" in text and "圖 2 支援的伺服器" in text
    assert not {"@fig-a", "@fig-d", "@tbl-b", "@sec-method", "@eq-c"} & set(text.split())
    with pymupdf.open(path) as pdf:
        named = {link.get("nameddest") for page in pdf for link in page.get_links()}
    assert {"fig-a", "tbl-b", "sec-method", "eq-c", "fig-d"} <= named
