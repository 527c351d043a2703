"""The seed's DOCX editions read back as Word and LibreOffice would: styles, contents field,
footer page number, East Asian fonts, citation links, captions; review mode; `publish
review` on a commented, tracked DOCX; LibreOffice opening and printing each edition."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from tests import readback
from tests.conftest import EDITIONS, SEED, build, run_cli

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = readback.W
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
M = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"

CONTENTS = {"zh-Hans": "目录", "zh-Hant-TW": "目錄", "zh-Hant-HK": "目錄"}
REFERENCES = {"zh-Hans": "参考文献", "zh-Hant-TW": "參考文獻", "zh-Hant-HK": "參考文獻"}
# What reviewers have with Office on Windows and macOS, and the Noto face named after it.
# Hong Kong: the Ming face with the HKSCS characters and Hong Kong forms, not PMingLiU.
BODY_FONT = {"zh-Hans": "SimSun", "zh-Hant-TW": "PMingLiU", "zh-Hant-HK": "MingLiU_HKSCS"}
HEADING_FONT = {
    "zh-Hans": "Microsoft YaHei",
    "zh-Hant-TW": "Microsoft JhengHei",
    "zh-Hant-HK": "Microsoft JhengHei",
}
NOTO = {"zh-Hans": "CJK SC", "zh-Hant-TW": "CJK TC", "zh-Hant-HK": "CJK HK"}
SEED_CITATIONS = 31  # citation marks in the seed (the last one cut off with its URL)
EDITION_LABEL = {"zh-Hans": "简体中文版", "zh-Hant-TW": "繁體中文（臺灣）版"}
EDITION_LABEL["zh-Hant-HK"] = "繁體中文（香港）版"
EPOCH = "1700000000"
DATED = """---
title: 推理优化——从量化到投机解码：实践报告
subtitle: 面向工程团队的技术综述
author: 张三
date: 2026-03-31 05:00:00 +0800
---

## 1 概述

2024年，GPT-4 Turbo 的推理成本下降了 78%，而 Llama 3 的得分达到 82 分。

## 2 结论

两端对齐的正文。
"""


def docx(seed_dir: Path, ed: str) -> Path:
    return seed_dir / f"nn-llm-2024.{ed}.docx"


def text(e: etree._Element) -> str:
    return "".join(t.text or "" for t in e.iter(f"{W}t"))


def style_of(p: etree._Element) -> str:
    s = p.find(f"{W}pPr/{W}pStyle")
    return s.get(f"{W}val") if s is not None else ""


def source_headings(full: bool = False) -> list[tuple]:
    """(DOCX level, author's number[, whole text]) of each chapter heading in the seed. Its
    one level-1 heading is the title, so chapters move up a level (README: manuscript)."""
    out = []
    for m in re.finditer(r"(?m)^(#{2,6}) ((\S+) .*)$", SEED.read_text("utf-8")):
        level = len(m.group(1)) - 1
        out.append((level, m.group(3), m.group(2).strip()) if full else (level, m.group(3)))
    return out


@pytest.mark.parametrize("ed", EDITIONS)
def test_headings_on_heading_styles_with_author_numbers(seed_dir, ed):
    body = readback.docx_xml(docx(seed_dir, ed))
    headings = [
        (int(style_of(p).removeprefix("Heading")), text(p))
        for p in body.iter(f"{W}p")
        if re.fullmatch(r"Heading\d", style_of(p))
    ]
    expected = source_headings()
    assert [(lvl, t.split(" ")[0]) for lvl, t in headings[:-1]] == expected
    assert headings[-1] == (1, REFERENCES[ed])
    assert {lvl for lvl, _ in headings} <= {1, 2, 3}
    if ed == "zh-Hans":  # as written, and nothing numbered them again ("1 1 …")
        assert [t for _, t in headings[:-1]] == [t for _, _, t in source_headings(full=True)]


@pytest.mark.parametrize("ed", EDITIONS)
def test_contents_field_titled_in_the_edition_script(seed_dir, ed):
    body = readback.docx_xml(docx(seed_dir, ed))
    paragraphs = list(body.iter(f"{W}p"))
    assert style_of(paragraphs[0]) == "Title"
    instr = [i.text for i in body.iter(f"{W}instrText")]
    instr += [f.get(f"{W}instr") for f in body.iter(f"{W}fldSimple")]
    assert any(i and i.split()[0] == "TOC" for i in instr), instr
    toc_heading = next(p for p in paragraphs if style_of(p) == "TOCHeading")
    assert text(toc_heading) == CONTENTS[ed]
    # the contents comes before the first chapter
    assert paragraphs.index(toc_heading) < next(
        i for i, p in enumerate(paragraphs) if style_of(p) == "Heading1"
    )
    # and lists every heading (levels 1-3), each linked to its heading's bookmark, for
    # readers that do not update fields (LibreOffice); Word rebuilds it (a dirty field)
    levels = ("Heading1", "Heading2", "Heading3")
    heads = [text(p) for p in paragraphs if style_of(p) in levels]
    entries = [p for p in paragraphs if re.fullmatch(r"TOC\d", style_of(p) or "")]
    assert [text(p) for p in entries] == heads and len(heads) == 14
    marks = {b.get(f"{W}name") for b in body.iter(f"{W}bookmarkStart")}
    links = [h.get(f"{W}anchor") for p in entries for h in p.iter(f"{W}hyperlink")]
    assert len(links) == 14 and set(links) <= marks
    assert any(f.get(f"{W}dirty") == "true" for f in body.iter(f"{W}fldChar"))
    # the body starts on a new page, so its first lines cannot pass for more entries
    first = next(p for p in paragraphs if style_of(p) == "Heading1")
    assert first.find(f"{W}pPr/{W}pageBreakBefore") is not None
    # and the contents after the title page: two page breaks, no more
    assert toc_heading.find(f"{W}pPr/{W}pageBreakBefore") is not None
    assert sum(1 for _ in body.iter(f"{W}pageBreakBefore")) == 2


@pytest.mark.parametrize("ed", EDITIONS)
def test_footer_page_number_a4(seed_dir, ed):
    path = docx(seed_dir, ed)
    body = readback.docx_xml(path)
    sect = body.find(f"{W}body/{W}sectPr")
    size = sect.find(f"{W}pgSz")
    assert (size.get(f"{W}w"), size.get(f"{W}h")) == ("11906", "16838")  # A4 in twips
    assert sect.find(f"{W}lnNumType") is None  # line numbers only in review copies
    ref = sect.find(f"{W}footerReference")
    rels = readback.docx_xml(path, "word/_rels/document.xml.rels")
    target = next(r.get("Target") for r in rels if r.get("Id") == ref.get(f"{R}id"))
    footer = readback.docx_xml(path, f"word/{target}")
    fields = [i.text.strip() for i in footer.iter(f"{W}instrText")]
    fields += [f.get(f"{W}instr").strip() for f in footer.iter(f"{W}fldSimple")]
    assert "PAGE" in fields


@pytest.mark.parametrize("ed", EDITIONS)
def test_named_east_asian_fonts_and_sizes(seed_dir, ed):
    path = docx(seed_dir, ed)
    styles = readback.docx_xml(path, "word/styles.xml")
    default = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    fonts = default.find(f"{W}rFonts")
    assert fonts.get(f"{W}eastAsia") == BODY_FONT[ed]
    assert fonts.get(f"{W}ascii")  # a named Latin font, not a theme reference
    assert not any(k.endswith("Theme") for k in fonts.attrib)
    assert default.find(f"{W}sz").get(f"{W}val") == "21"  # 五号 10.5 pt
    by_id = {s.get(f"{W}styleId"): s for s in styles.iter(f"{W}style")}
    for sid in ("Heading1", "Heading2", "Heading3", "Title"):
        f = by_id[sid].find(f"{W}rPr/{W}rFonts")
        assert f.get(f"{W}eastAsia") == HEADING_FONT[ed], sid
    # no style slants CJK text (the fonts have no italics: Word would fake them); pandoc's
    # own syntax-highlighting styles (…Tok) are for code, which is Latin
    slanted = [k for k, s in by_id.items() if s.find(f"{W}rPr/{W}i") is not None]
    assert not [k for k in slanted if not k.endswith("Tok")]
    table = readback.docx_xml(path, "word/fontTable.xml")
    alt = {
        f.get(f"{W}name"): f.find(f"{W}altName").get(f"{W}val")
        for f in table.iter(f"{W}font")
        if f.find(f"{W}altName") is not None
    }
    for name in (BODY_FONT[ed], HEADING_FONT[ed]):
        assert NOTO[ed] in alt[name], alt


def styles_by_id(path: Path) -> dict[str, etree._Element]:
    styles = readback.docx_xml(path, "word/styles.xml")
    return {s.get(f"{W}styleId"): s for s in styles.iter(f"{W}style")}


def inherited(by_id: dict[str, etree._Element], sid: str, path: str) -> etree._Element | None:
    """The ``path`` element (e.g. w:pPr/w:jc) of style ``sid`` or of the first style it is
    based on that has one, as Word resolves it."""
    while sid in by_id:
        found = by_id[sid].find(path)
        if found is not None:
            return found
        based = by_id[sid].find(f"{W}basedOn")
        sid = based.get(f"{W}val") if based is not None else ""
    return None


def on(e: etree._Element | None) -> bool:
    """An OOXML on/off property: present and not switched off."""
    return e is not None and e.get(f"{W}val", "true") not in ("false", "0", "off")


@pytest.mark.parametrize("ed", EDITIONS)
def test_body_text_justified_and_han_latin_spacing_by_word(seed_dir, ed):
    path = docx(seed_dir, ed)
    by_id = styles_by_id(path)
    body = readback.docx_xml(path)
    prose = [p for p in body.iter(f"{W}p") if style_of(p) in ("BodyText", "FirstParagraph")]
    assert len(prose) > 20
    for p in prose:
        jc = p.find(f"{W}pPr/{W}jc")  # none set on the paragraph: its style's
        jc = jc if jc is not None else inherited(by_id, style_of(p), f"{W}pPr/{W}jc")
        assert jc is not None and jc.get(f"{W}val") == "both", text(p)[:20]
    assert inherited(by_id, "FootnoteText", f"{W}pPr/{W}jc").get(f"{W}val") == "both"
    # code is not justified (its spaces are the author's), nor table cells and tight list
    # items (a short line before an address that cannot break would be spread out)
    assert inherited(by_id, "Normal", f"{W}pPr/{W}jc") is None
    assert inherited(by_id, "Compact", f"{W}pPr/{W}jc").get(f"{W}val") == "left"
    # Han-Latin spacing is Word's own (autoSpaceDE: letters, autoSpaceDN: digits), for
    # every paragraph; no space character was put into the text for it
    styles = readback.docx_xml(path, "word/styles.xml")
    defaults = styles.find(f"{W}docDefaults/{W}pPrDefault/{W}pPr")
    assert on(defaults.find(f"{W}autoSpaceDE")) and on(defaults.find(f"{W}autoSpaceDN"))
    offs = [e for e in styles.iter(f"{W}autoSpaceDE", f"{W}autoSpaceDN") if not on(e)]
    offs += [e for e in body.iter(f"{W}autoSpaceDE", f"{W}autoSpaceDN") if not on(e)]
    assert not offs
    words = "".join(text(p) for p in prose)
    assert "2024年" in words and "2024 年" not in words


@pytest.fixture(scope="module")
def dated(tmp_path_factory) -> Path:
    """A source whose front matter has a subtitle, an author and a date with a time, built
    twice with the same SOURCE_DATE_EPOCH (every edition)."""
    folder = tmp_path_factory.mktemp("dated")
    src = folder / "dated.md"
    src.write_text(DATED, "utf-8")
    for out in ("one", "two"):
        cmd = [sys.executable, "-m", "publish", "build", str(src), "--out", str(folder / out)]
        env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
        proc = subprocess.run(
            [*cmd, "--formats", "docx", "--quiet"], capture_output=True, text=True, env=env
        )
        assert proc.returncode == 0, proc.stderr
    return folder


@pytest.mark.parametrize("ed", EDITIONS)
def test_title_page_has_edition_label_and_source_date(dated, seed_dir, ed):
    path = dated / "one" / "dated" / f"dated.{ed}.docx"
    paragraphs = list(readback.docx_xml(path).iter(f"{W}p"))
    page = [(style_of(p), text(p)) for p in paragraphs[:5]]
    assert [s for s, _ in page] == ["Title", "Subtitle", "Edition", "Author", "Date"]
    assert page[2][1] == EDITION_LABEL[ed]
    assert page[4][1] == "2026年3月31日"  # from the front matter, in Chinese, no time
    # the title page is a page of its own: the contents starts the next one
    toc = next(p for p in paragraphs if style_of(p) == "TOCHeading")
    assert toc.find(f"{W}pPr/{W}pageBreakBefore") is not None
    assert "Edition" in styles_by_id(path)
    # with the title a third of the way down (over 50 mm above it), not at the page's top
    drop = paragraphs[0].find(f"{W}pPr/{W}spacing").get(f"{W}before")
    assert int(drop) > 50 / 25.4 * 1440
    # the seed has no date: none is printed (not the build day)
    seed = [style_of(p) for p in readback.docx_xml(docx(seed_dir, ed)).iter(f"{W}p")][:3]
    assert seed == ["Title", "Edition", "TOCHeading"]


def test_docx_builds_reproducible(dated):
    for ed in EDITIONS:
        one = (dated / "one" / "dated" / f"dated.{ed}.docx").read_bytes()
        assert one == (dated / "two" / "dated" / f"dated.{ed}.docx").read_bytes(), ed
    core = readback.docx_xml(dated / "one" / "dated" / "dated.zh-Hans.docx", "docProps/core.xml")
    assert core.findtext("{http://purl.org/dc/terms/}modified") == "2023-11-14T22:13:20Z"


@pytest.mark.parametrize("ed", EDITIONS)
def test_custom_properties_hold_nothing_of_the_build(seed_dir, ed):
    props = readback.docx_xml(docx(seed_dir, ed), "docProps/custom.xml")
    values = {p.get("name"): "".join(p.itertext()) for p in props}
    # no path of the build machine (citeproc's CSL file), no citeproc switches, nothing empty
    assert not {"csl", "link-citations", "references", "bibliography"} & set(values), values
    assert all(v.strip() for v in values.values()), values
    assert not [v for v in values.values() if "/" in v or "\\" in v or ".csl" in v], values


def colour(by_id: dict[str, etree._Element], run: etree._Element, para: str) -> str:
    """The colour Word gives ``run`` in a paragraph of style ``para``: its own, else its
    character style's (and what that is based on), else the paragraph style's, else auto."""
    own = run.find(f"{W}rPr/{W}color")
    if own is not None:
        return own.get(f"{W}val")
    rstyle = run.find(f"{W}rPr/{W}rStyle")
    for sid in ([rstyle.get(f"{W}val")] if rstyle is not None else []) + [para]:
        found = inherited(by_id, sid, f"{W}rPr/{W}color")
        if found is not None:
            return found.get(f"{W}val")
    return "auto"


@pytest.mark.parametrize("ed", EDITIONS)
def test_citation_digits_and_brackets_one_colour(seed_dir, ed):
    path = docx(seed_dir, ed)
    by_id = styles_by_id(path)
    marks = 0
    for p in readback.docx_xml(path).iter(f"{W}p"):
        for link in p.iter(f"{W}hyperlink"):
            if not (link.get(f"{W}anchor") or "").startswith("ref-"):
                continue
            before, after = link.getprevious(), link.getnext()
            assert text(before).endswith("[") and text(after).startswith("]")
            colours = {colour(by_id, r, style_of(p)) for r in link.iter(f"{W}r")}
            colours |= {colour(by_id, before, style_of(p)), colour(by_id, after, style_of(p))}
            assert len(colours) == 1, colours
            marks += 1
    assert marks == SEED_CITATIONS
    # a web address in the references keeps the link colour
    assert inherited(by_id, "Hyperlink", f"{W}rPr/{W}color").get(f"{W}val") not in (None, "auto")


@pytest.mark.parametrize("ed", EDITIONS)
def test_title_in_properties_matches_title_paragraph(seed_dir, ed):
    path = docx(seed_dir, ed)
    core = readback.docx_xml(path, "docProps/core.xml")
    title = core.findtext("{http://purl.org/dc/elements/1.1/}title")
    first = next(readback.docx_xml(path).iter(f"{W}p"))
    assert title and title == text(first)


@pytest.mark.parametrize("ed", EDITIONS)
def test_citations_link_to_bookmarked_reference_entries(seed_dir, ed):
    body = readback.docx_xml(docx(seed_dir, ed)).find(f"{W}body")
    # bookmarks on a reference entry: right before a Bibliography paragraph
    entries = {}
    kids = list(body)
    for e, nxt in zip(kids, kids[1:], strict=False):
        if e.tag == f"{W}bookmarkStart" and nxt.tag == f"{W}p" and style_of(nxt) == "Bibliography":
            entries[e.get(f"{W}name")] = text(nxt)
    assert len(entries) == len(readback.refs_docx(docx(seed_dir, ed)))
    links = [
        h
        for p in body.iter(f"{W}p")
        if style_of(p) != "Bibliography"
        for h in p.iter(f"{W}hyperlink")
        if h.get(f"{W}anchor")
    ]
    cites = [h for h in links if h.get(f"{W}anchor") in entries]
    assert len(cites) == SEED_CITATIONS
    for h in cites:
        assert h.find(f"{W}r/{W}rPr/{W}vertAlign").get(f"{W}val") == "superscript"
        # the mark is the entry's number: [n] in the text, [n] opening the entry
        assert entries[h.get(f"{W}anchor")].startswith(f"[{text(h)}]")


@pytest.mark.parametrize("ed", EDITIONS)
def test_table_caption_numbered_once_by_a_seq_field(seed_dir, ed):
    body = readback.docx_xml(docx(seed_dir, ed)).find(f"{W}body")
    kids = [k for k in body if k.tag in (f"{W}p", f"{W}tbl")]
    tables = [i for i, k in enumerate(kids) if k.tag == f"{W}tbl"]
    assert tables
    for n, i in enumerate(tables, 1):
        caption = kids[i - 1]
        assert style_of(caption) == "TableCaption"
        assert text(caption).startswith(f"表 {n} ")
        assert not re.search(r"表 ?\d.*表 ?\d", text(caption))  # not "表 1: 表 1 …"
        instr = " ".join(i.text for i in caption.iter(f"{W}instrText"))
        assert instr.split()[:2] == ["SEQ", "Table"]
        assert kids[i].find(f"{W}tblPr/{W}tblStyle").get(f"{W}val") == "Table"


def test_three_line_table_style(seed_dir):
    styles = readback.docx_xml(docx(seed_dir, "zh-Hans"), "word/styles.xml")
    table = next(s for s in styles.iter(f"{W}style") if s.get(f"{W}styleId") == "Table")
    borders = {b.tag.removeprefix(W): b.get(f"{W}val") for b in table.find(f".//{W}tblBorders")}
    assert borders["top"] == borders["bottom"] == "single"
    assert {borders[e] for e in ("left", "right", "insideH", "insideV")} <= {"nil", "none"}
    head = table.find(f"{W}tblStylePr[@{W}type='firstRow']/{W}tcPr/{W}tcBorders/{W}bottom")
    assert head.get(f"{W}val") == "single"


@pytest.fixture(scope="module")
def small_review(tmp_path_factory) -> Path:
    """A small source with math, built with --review."""
    folder = tmp_path_factory.mktemp("review")
    src = folder / "formula.md"
    src.write_text(
        "# 公式测试\n\n## 1 质能方程\n\n爱因斯坦的质能方程 $E=mc^2$ 说明质量与能量等价。\n\n"
        "$$\\sum_{i=1}^{n} i = \\frac{n(n+1)}{2}$$\n",
        "utf-8",
    )
    proc = run_cli(
        "build",
        str(src),
        "--out",
        str(folder / "out"),
        "--formats",
        "docx",
        "--editions",
        "zh-Hans",
        "--review",
        "--quiet",
    )
    assert proc.returncode == 0, proc.stderr
    # the reviewers' copy, named apart from the readers' DOCX
    return folder / "out" / "formula" / "formula.zh-Hans.review.docx"


def test_review_adds_line_numbers_margin_and_tracking(small_review, seed_dir):
    sect = readback.docx_xml(small_review).find(f"{W}body/{W}sectPr")
    assert sect.find(f"{W}lnNumType").get(f"{W}countBy") == "1"
    plain = readback.docx_xml(docx(seed_dir, "zh-Hans")).find(f"{W}body/{W}sectPr")
    right = int(sect.find(f"{W}pgMar").get(f"{W}right"))
    assert right > int(plain.find(f"{W}pgMar").get(f"{W}right")) + 1000
    settings = readback.docx_xml(small_review, "word/settings.xml")
    assert settings.find(f"{W}trackRevisions") is not None


def test_math_is_native_word_equations(small_review):
    body = readback.docx_xml(small_review)
    assert len(list(body.iter(f"{M}oMath"))) == 2
    assert len(list(body.iter(f"{M}oMathPara"))) == 1  # the display equation
    assert "$" not in "".join(t.text or "" for t in body.iter(f"{W}t"))


# -- a reviewed copy: a comment, an insertion and a deletion, as Word writes them ----------
COMMENTS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:comments xmlns:w="{W_NS}"><w:comment w:id="7" w:author="审稿人" w:date="2025-01-02T03:04:05Z"
w:initials="S"><w:p><w:r><w:t>请补充数据来源</w:t></w:r></w:p></w:comment></w:comments>"""


def _w(tag: str, **attrs: str) -> etree._Element:
    e = etree.Element(f"{W}{tag}")
    for k, v in attrs.items():
        e.set(f"{W}{k}", v)
    return e


def reviewed_copy(path: Path, target: Path) -> dict[str, str]:
    """Comment the first run of the paragraph on long contexts, delete one of its bold
    runs, insert a phrase at its end. Returns what was commented, deleted and inserted."""
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    body = etree.fromstring(parts["word/document.xml"])
    p = next(p for p in body.iter(f"{W}p") if text(p).startswith("长上下文处理是"))
    runs = [r for r in p.findall(f"{W}r") if text(r)]
    first = runs[0]
    first.addprevious(_w("commentRangeStart", id="7"))
    first.addnext(_w("commentRangeEnd", id="7"))
    ref = _w("r")
    ref.append(_w("commentReference", id="7"))
    p.find(f"{W}commentRangeEnd").addnext(ref)
    gone = next(r for r in runs if r.find(f"{W}rPr/{W}b") is not None)
    done = {"comment": text(first), "delete": text(gone), "insert": "（待核实）"}
    deletion = _w("del", id="8", author="校对", date="2025-01-02T03:04:05Z")
    gone.addprevious(deletion)
    deletion.append(gone)
    for t in gone.iter(f"{W}t"):
        t.tag = f"{W}delText"
    insertion = _w("ins", id="9", author="校对", date="2025-01-02T03:04:05Z")
    run = _w("r")
    t = _w("t")
    t.text = "（待核实）"
    run.append(t)
    insertion.append(run)
    p.append(insertion)
    parts["word/document.xml"] = etree.tostring(body, xml_declaration=True, encoding="UTF-8")
    parts["word/comments.xml"] = COMMENTS.encode("utf-8")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return done


def test_publish_review_lists_comments_and_changes(seed_dir, tmp_path):
    reviewed = tmp_path / "reviewed.docx"
    done = reviewed_copy(docx(seed_dir, "zh-Hans"), reviewed)
    proc = run_cli("review", str(reviewed), "--source", str(SEED))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 3, proc.stdout
    # the paragraph's line in the source, found independently
    line = next(
        n for n, s in enumerate(SEED.read_text("utf-8").splitlines(), 1) if "长上下文处理是" in s
    )
    by_kind = {ln.split(": ", 2)[1].split(" ")[0]: ln for ln in lines}
    assert set(by_kind) == {"comment", "delete", "insert"}
    for ln in lines:
        assert ln.startswith(f"{SEED}:{line}: "), ln
    assert "(审稿人, 2025-01-02): 请补充数据来源" in by_kind["comment"]
    assert f"[{done['comment'][:10]}" in by_kind["comment"]
    assert f"(校对, 2025-01-02): {done['delete']}" in by_kind["delete"]
    assert f"[-{done['delete']}]" in by_kind["delete"]
    assert f"[+{done['insert']}]" in by_kind["insert"]
    # without the source: the section heading, as the author numbered it
    proc = run_cli("review", str(reviewed))
    assert proc.returncode == 0, proc.stderr
    assert all(": 2.1 Transformer" in ln for ln in proc.stdout.splitlines()), proc.stdout


def test_publish_review_unreviewed_and_missing(seed_dir, tmp_path):
    proc = run_cli("review", str(docx(seed_dir, "zh-Hans")))
    assert proc.returncode == 0 and proc.stdout == "", proc.stdout
    proc = run_cli("review", str(tmp_path / "nope.docx"))
    assert proc.returncode == 2  # a usage error: the command named no file (issue 21)
    assert proc.stderr.count("\n") == 1 and "nope.docx" in proc.stderr
    proc = run_cli("review", str(SEED))
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "not a DOCX" in proc.stderr


# -- LibreOffice opens and prints each edition ---------------------------------------------
@pytest.fixture(scope="module")
def printed(seed_dir, small_review, tmp_path_factory) -> Path:
    """The seed's three DOCX editions and the small one with equations, printed to PDF by
    LibreOffice (one run; its own profile, so it never waits on another soffice)."""
    if shutil.which("soffice") is None:
        pytest.skip(
            "LibreOffice not installed (Debian: libreoffice-writer-nogui and "
            "libreoffice-math-nogui; scripts/sysdeps.sh installs them)"
        )
    tmp = tmp_path_factory.mktemp("soffice")
    files = [str(docx(seed_dir, ed)) for ed in EDITIONS] + [str(small_review)]
    proc = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(tmp / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp / "pdf"),
            *files,
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return tmp / "pdf"


CHAPTER1 = "2024"  # the first chapter's title begins "1 2024年…" in every edition
DOCX_HEADS = {
    "zh-Hans": ["2神经网络架构创新", "4.3边缘设备上的推理进展"],
    "zh-Hant-TW": ["2神經網路架構創新", "4.3邊緣裝置上的推理進展"],
    "zh-Hant-HK": ["2神經網絡架構創新", "4.3邊緣設備上的推理進展"],
}


@pytest.mark.parametrize("ed", EDITIONS)
def test_libreoffice_opens_and_prints(printed, seed_dir, ed):
    import pymupdf

    pdf = printed / f"nn-llm-2024.{ed}.pdf"
    assert pdf.is_file()
    title = readback.docx_xml(docx(seed_dir, ed), "docProps/core.xml").findtext(
        "{http://purl.org/dc/elements/1.1/}title"
    )
    with pymupdf.open(pdf) as doc:
        pages = [page.get_text() for page in doc]
        width, height = doc[0].rect.width, doc[0].rect.height
        links = [
            (page.number, ln)
            for page in doc
            for ln in page.get_links()
            if ln["kind"] == pymupdf.LINK_GOTO
        ]
        # the title page (title and edition), the contents, then the first chapter
        assert len(doc[0].search_for(CHAPTER1)) == 1 and EDITION_LABEL[ed] in pages[0]
        assert len(doc[1].search_for(CHAPTER1)) == 1  # the chapter's entry
        assert doc[2].search_for(CHAPTER1)
    contents = [ln for n, ln in links if n == 1]
    jumps = [ln["page"] for n, ln in links if n > 1]
    # LibreOffice shows the contents' entries (it does not update fields), linked
    toc_text = "".join(pages[1][: pages[1].find(REFERENCES[ed]) + 4].split())
    assert "".join(CONTENTS[ed].split()) in toc_text and contents
    for head in DOCX_HEADS[ed]:
        assert "".join(head.split()) in toc_text, head
    assert round(width) == 595 and round(height) == 842  # A4 in points
    assert len(pages) >= 3
    flat = "".join("".join(p.split()) for p in pages)
    assert "".join(title.split()) in flat
    assert REFERENCES[ed] in flat and "表1" in flat
    # the footer's PAGE field, printed as each page's number, below its text
    for n, page in enumerate(pages, 1):
        assert page.split()[-1] == str(n), (n, page[-80:])
    # every citation still jumps to its entry, on the pages after the references heading
    refs_page = max(i for i, p in enumerate(pages) if REFERENCES[ed] in "".join(p.split()))
    assert len(jumps) == SEED_CITATIONS
    assert all(j >= refs_page for j in jumps), (refs_page, jumps)
    fonts = readback.pdf_fonts(pdf)
    assert any("CJK" in f or BODY_FONT[ed] in f for f in fonts), fonts


def test_libreoffice_prints_equations_and_line_numbers(printed):
    import pymupdf

    with pymupdf.open(printed / "formula.zh-Hans.review.pdf") as doc:
        body = doc[2]  # after the title page and the contents
        text = "".join(body.get_text().split())
        # review copy: the lines numbered 1, 2, 3… in the left margin (22 mm = 62 pt)
        margin = [w[4] for w in body.get_text("words") if w[2] < 62]
    assert "E=mc2" in text  # the inline equation, superscript flattened
    assert "∑" in text  # the display one
    # (numbered on from the title page's lines: one count through the document)
    start = int(margin[0]) if margin and margin[0].isdigit() else 0
    assert start > 1 and margin == [str(n) for n in range(start, start + len(margin))], margin
    assert len(margin) >= 3


def test_a_report_without_headings_has_no_contents(tmp_path):
    src = tmp_path / "plain.md"
    src.write_text("---\ntitle: 短文\n---\n\n只有一段正文，没有标题。\n")
    out = build(src, tmp_path / "out", "docx", "zh-Hans")
    body = readback.docx_xml(out / "plain.zh-Hans.docx")
    styles = [style_of(p) for p in body.iter(f"{W}p")]
    assert "TOCHeading" not in styles and not list(body.iter(f"{W}instrText"))
    assert "只有一段正文" in "".join(t.text or "" for t in body.iter(f"{W}t"))
