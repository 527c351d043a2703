"""Pages a publisher would ship (issue 20), read back from the outputs: Han–Latin gaps
made by layout (no character in the text), paragraphs by indent alone on a text block of
whole characters, table columns by content, the cover's date, the editor's note on a
truncated source."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pymupdf
import pytest

from tests import readback
from tests.conftest import EDITIONS, build, run_cli

RAW = pymupdf.TEXT_INHIBIT_SPACES  # the text as written: a margin reads as no character
HAN = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[0-9A-Za-z%]")

PAGES_MD = """---
title: 大模型推理加速的工程实践——从算子融合到编译器优化
date: 2026-03-31 05:00:00 +0800
---

# 1 2024年的Transformer架构

2024年，78%的企业部署了大模型，其中的55%有专门团队。GPT-4o与Gemini 1.5在长上下文处理上\
各有所长，A100的显存为80GB，推理成本下降了约40%左右，这一趋势在未来几年仍将持续并且不断加快，\
影响到整个产业链的上下游。

第二段紧接着第一段，只有首行缩进，没有额外的段间距。这一段也写得足够长，足以排成两行以上，\
好让测试量出行距与段距是否相同，这一段也写得足够长，足以排成两行以上，好让测试量出行距。

**一句话总结**\\
这一段的第一行只有五个字，后面是很长的一句话，用来确认短行不会被拉开字距，后面是很长的一句话。

结果:

- 第一项

| 创新方向 | 技术特点 | 代表模型 | 性能提升 |
|---|---|---|---|
| 注意力机制优化 | 降低计算复杂度，提高效率 | Linear Transformer, Sparse Transformer | \
处理速度提升30-50% |
| 长上下文处理 | 扩展上下文长度，增强记忆能力 | GPT-4o, Gemini 1.5 | 支持百万级token处理 |
| 多模态适配 | 统一处理多种模态数据 | GPT-4o, Pixtral 12B | 跨模态理解能力显著增强 |

## 1.1 Transformer架构的演进

正文。
"""


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("pages")
    src = tmp / "pages.md"
    src.write_text(PAGES_MD, "utf-8")
    return build(src, tmp / "out", "pdf,html", ",".join(EDITIONS))


def chars(page: pymupdf.Page) -> list[list[dict]]:
    """Each text line of ``page`` as its characters (with their boxes and sizes)."""
    out = []
    for block in page.get_text("rawdict", flags=RAW)["blocks"]:
        for line in block.get("lines", []):
            row = [dict(c, size=s["size"]) for s in line["spans"] for c in s["chars"]]
            out.append(row)
    return out


def gaps(path, left: str, right: str) -> list[float]:
    """The gaps (in em) between ``left`` and ``right`` characters standing side by side on a
    line, wherever the text reads ``left + right``."""
    found = []
    with pymupdf.open(path) as doc:
        for page in doc:
            for row in chars(page):
                for a, b in zip(row, row[1:], strict=False):
                    if a["c"] == left and b["c"] == right:
                        found.append((b["bbox"][0] - a["bbox"][2]) / b["size"])
    return found


def test_han_latin_gap_is_a_margin_not_a_character(pages):
    """A quarter em between Han and Western text, body and headings alike, and around %
    on both sides; the text as written holds no space there (search, copy)."""
    path = pages / "pages.zh-Hans.pdf"
    with pymupdf.open(path) as doc:
        text = "".join(p.get_text(flags=RAW) for p in doc)
    for written in ("2024年，78%的企业", "的55%有", "GPT-4o与Gemini", "A100的", "80GB，"):
        assert written in text, written
    assert "1 2024年的Transformer架构" in text  # the heading, in contents and body
    for left, right in (("4", "年"), ("%", "的"), ("的", "5"), ("与", "G"), ("的", "T")):
        measured = gaps(path, left, right)
        assert measured and all(0.2 <= g <= 0.45 for g in measured), (left, right, measured)
    # none between Western text and CJK punctuation, nor inside Han text
    assert all(g < 0.1 for g in gaps(path, "B", "，"))
    assert all(g < 0.15 for g in gaps(path, "企", "业"))


def test_bookmarks_and_heads_carry_the_headings_own_characters(pages):
    path = pages / "pages.zh-Hans.pdf"
    titles = [o.title for o in readback.pdf(path).outline if not isinstance(o, list)]
    assert "1 2024年的Transformer架构" in titles
    heads = [head for head, _ in readback.pdf_margins(path)]
    assert any("2024年的Transformer架构" in h for h in heads), heads


def test_html_wraps_western_runs_and_spaces_them_by_css(pages):
    page = readback.html_doc(pages / "pages.zh-Hans.html")
    runs = page.xpath('//span[contains(@class, "latin")]')
    assert {"2024", "78%", "55%", "Transformer"} <= {r.text_content() for r in runs}
    body = page.xpath("//main")[0].text_content() if page.xpath("//main") else ""
    text = page.text_content()
    assert "78%的企业" in text and "2024年" in text and "2024 年" not in (body or text)
    css = "".join(page.xpath("//style/text()"))
    assert ".latin.gap-start" in css and ".latin.gap-end" in css


def test_paragraphs_by_indent_alone_on_a_grid_of_whole_characters(pages):
    """The line pitch across a paragraph break equals the pitch inside a paragraph, and a
    full line is 44 characters of 10.5 pt (462 pt) from the left margin."""
    with pymupdf.open(pages / "pages.zh-Hans.pdf") as doc:
        page = next(p for p in doc if "第二段紧接着" in p.get_text(flags=RAW))
        rows = [r for r in chars(page) if r and abs(r[0]["size"] - 10.5) < 0.2]
    texts = ["".join(c["c"] for c in r) for r in rows]
    first = next(i for i, t in enumerate(texts) if t.startswith("2024年，78%"))
    last = next(i for i, t in enumerate(texts) if t.endswith("量出行距。") or t == "行距。")
    tops = [rows[i][0]["origin"][1] for i in range(first, last + 1)]
    pitches = [b - a for a, b in zip(tops, tops[1:], strict=False)]
    # one pitch, across the paragraph break too: no space between paragraphs
    assert len(pitches) >= 3 and max(pitches) - min(pitches) < 0.6, pitches
    lefts = [r[0]["bbox"][0] for r in rows]
    rights = [r[-1]["bbox"][2] for r in rows]
    left = min(lefts)
    assert abs(left - 66.6) < 0.5
    assert abs(max(rights) - left - 44 * 10.5) < 1.0, max(rights) - left


def test_short_lines_are_not_letter_spaced(pages):
    """A line cut short by a hard break or a paragraph's end keeps its characters' own
    advance ("一句话总结", "结果:"), where justification spread them over the line."""
    with pymupdf.open(pages / "pages.zh-Hans.pdf") as doc:
        rows = [r for p in doc for r in chars(p)]
    for words in ("一句话总结", "结果:"):
        row = next(r for r in rows if "".join(c["c"] for c in r) == words)
        spread = [b["bbox"][0] - a["bbox"][2] for a, b in zip(row, row[1:], strict=False)]
        assert max(spread) < 0.5, (words, spread)


def test_table_columns_fit_their_words(pages):
    """Short cells print whole (no "长上下文处" / "理"); columns are not all one width."""
    with pymupdf.open(pages / "pages.zh-Hans.pdf") as doc:
        page = next(p for p in doc if "创新方向" in p.get_text(flags=RAW))
        lines = page.get_text(flags=RAW).split("\n")
        heads = {w: page.search_for(w)[0] for w in ("创新方向", "技术特点", "代表模型", "性能提升")}
    for cell in ("注意力机制优化", "长上下文处理", "多模态适配"):
        assert cell in lines, cell
    xs = sorted(r.x0 for r in heads.values())
    widths = {round(b - a) for a, b in zip(xs, xs[1:], strict=False)}
    assert len(widths) > 1, widths


@pytest.mark.parametrize("ed", EDITIONS)
def test_cover_date_in_chinese_from_the_source(pages, ed):
    with pymupdf.open(pages / f"pages.{ed}.pdf") as doc:
        cover = doc[0].get_text(flags=RAW)
    assert "2026年3月31日" in cover and "2026-03-31" not in cover and "+0800" not in cover
    html = readback.html_doc(pages / f"pages.{ed}.html").text_content()
    assert "2026年3月31日" in html and "05:00:00" not in html


def test_cover_title_keeps_its_dash_whole(pages):
    with pymupdf.open(pages / "pages.zh-Hans.pdf") as doc:
        lines = [ln for ln in doc[0].get_text(flags=RAW).split("\n") if ln.strip()]
    assert not any(ln.endswith("—") and not ln.endswith("——") for ln in lines), lines
    assert not any(ln.startswith(("—", "：")) for ln in lines), lines


def test_no_date_without_one_the_build_day_when_asked(tmp_path):
    src = tmp_path / "nodate.md"
    src.write_text("# 没有日期的报告\n\n## 一\n\n正文。\n", "utf-8")
    out = build(src, tmp_path / "a", "pdf", "zh-Hans")
    with pymupdf.open(out / "nodate.zh-Hans.pdf") as doc:
        assert not re.search(r"\d{4}年\d{1,2}月", doc[0].get_text(flags=RAW))
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1775000000"}  # 2026-03-31 23:33 UTC
    args = ["build", str(src), "--out", str(tmp_path / "b"), "--quiet", "--formats", "pdf"]
    args += ["--editions", "zh-Hant-TW", "--date", "today"]
    proc = subprocess.run(
        [sys.executable, "-m", "publish", *args], capture_output=True, text=True, env=env
    )
    assert proc.returncode == 0, proc.stderr
    with pymupdf.open(tmp_path / "b" / "nodate" / "nodate.zh-Hant-TW.pdf") as doc:
        assert "2026年3月31日" in doc[0].get_text(flags=RAW)


# -- a truncated source -------------------------------------------------------------------

CUT_MD = """好的，我将为您撰写一份关于大模型推理成本的详细报告。报告的主要内容如下：

- **背景与动机**：推理成本的来源。
- **方法与实现**：我们的做法。
- **评估与展望**：结果与后续工作。

接下来，我将开始撰写报告正文：

-------

# 大模型推理成本报告

## 背景与动机

大模型的推理成本在过去一年下降明显，但是部署到边缘设备时，仍然受到显存和功耗的限制，因此
"""


def test_truncated_source_gets_an_editors_note_in_every_format(tmp_path):
    src = tmp_path / "cut.md"
    src.write_text(CUT_MD, "utf-8")
    out = build(src, tmp_path / "out", "pdf,html,docx,epub", "zh-Hans,zh-Hant-TW")
    with pymupdf.open(out / "cut.zh-Hant-TW.pdf") as doc:
        text = "".join(p.get_text(flags=RAW) for p in doc)
    note = text[text.index("編者注") :]
    assert "中斷" in note and "方法與實現" in note and "評估與展望" in note
    assert "部署到邊緣設備時" in note or "功耗的限制，因此" in note  # where it stops
    html = readback.html_doc(out / "cut.zh-Hans.html")
    (div,) = html.xpath('//div[contains(@class, "editor-note")]')
    assert "编者注" in div.text_content() and "方法与实现" in div.text_content()
    docx = "".join(readback.docx_xml(out / "cut.zh-Hans.docx").itertext())
    assert "编者注" in docx and "评估与展望" in docx
    epub = b"".join(readback.epub_files(out / "cut.zh-Hant-TW.epub").values())
    assert "編者注".encode() in epub
    report = json.loads((out / "cut.report.json").read_text("utf-8"))
    assert report["truncated"]["note"] is True
    assert report["truncated"]["missing"] == ["方法与实现", "评估与展望"]


def test_truncated_ignore_and_fail(tmp_path):
    src = tmp_path / "cut.md"
    src.write_text(CUT_MD, "utf-8")
    out = build(src, tmp_path / "a", "html", "zh-Hans", "--truncated", "ignore")
    assert not readback.html_doc(out / "cut.zh-Hans.html").xpath('//div[@class="editor-note"]')
    report = json.loads((out / "cut.report.json").read_text("utf-8"))
    assert report["truncated"]["note"] is False and report["truncated"]["reasons"]
    proc = run_cli("build", str(src), "--out", str(tmp_path / "b"), "--truncated", "fail")
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    error = [ln for ln in lines if "cut off" in ln and "--truncated" in ln]
    assert error and "cut.md" in error[0] and "Traceback" not in proc.stderr
    proc = run_cli("build", str(src), "--out", str(tmp_path / "c"), "--truncated", "maybe")
    assert proc.returncode == 2 and "--truncated" in proc.stderr


def test_whole_source_is_not_flagged(tmp_path):
    src = tmp_path / "whole.md"
    src.write_text("# 完整的报告\n\n## 一\n\n这是一份完整的报告，结尾有句号。\n", "utf-8")
    out = build(src, tmp_path / "out", "html", "zh-Hans")
    assert json.loads((out / "whole.report.json").read_text("utf-8"))["truncated"] == {}
    assert "编者注" not in readback.html_doc(out / "whole.zh-Hans.html").text_content()


def test_no_line_is_one_character_alone(pages, seed_dir):
    """A paragraph's or a cell's last line is never one Han character alone ("提高效" /
    "率"): its last two are kept together."""
    lone = re.compile(r"[\u4e00-\u9fff][。，、；：！？）」』”’.,;:!?)]*")
    found = []
    for path in [pages / "pages.zh-Hans.pdf", *sorted(seed_dir.glob("*.pdf"))]:
        with pymupdf.open(path) as doc:
            for page in doc:
                for row in chars(page):
                    text = "".join(c["c"] for c in row).strip()
                    if lone.fullmatch(text):
                        found.append((path.name, page.number, text))
    assert not found


def test_captions_stay_with_their_tables_and_pictures():
    """print.css keeps a table's caption with its first rows and a figure's picture with
    its caption, wherever the page breaks: the print page's own styles, a short text
    pushed down a line at a time past a page's foot (a typographer's review found "表 6" at
    the foot of a page, its table on the next)."""
    import weasyprint

    from publish.writers.common import css

    rows = "".join(f"<tr><td>行{i}</td><td>数值{i}</td></tr>" for i in range(6))
    para = "<p>" + "正文内容。" * 90 + "</p>"
    apart = {"table": 0, "figure": 0}
    styles = css("fonts.css", "base.css", "print.css")
    for k in range(40):
        page = (
            f"<html lang=zh-Hans><meta charset=utf-8><style>{styles}</style>"
            f"<main>{para * 5}{'<p>短。</p>' * k}<table><caption>表六的标题</caption>{rows}"
            f"</table>{para}{'<p>短。</p>' * k}<figure><div style='height:90mm;background:#999'>"
            "</div><figcaption>图一的说明</figcaption></figure></main></html>"
        )
        doc = pymupdf.open(stream=weasyprint.HTML(string=page).write_pdf(), filetype="pdf")
        texts = [p.get_text() for p in doc]
        on = {w: next(i for i, t in enumerate(texts) if w in t) for w in ("表六", "行0", "图一")}
        box = next(
            i for i, p in enumerate(doc)
            if any(d.get("fill") and d["rect"].height > 200 for d in p.get_drawings())
        )  # fmt: skip
        apart["table"] += on["表六"] != on["行0"]
        apart["figure"] += box != on["图一"]
    assert apart == {"table": 0, "figure": 0}
