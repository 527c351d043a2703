"""Manuscript clean-up: chat, title, captions, headings, truncation — small fixtures and
the seed, read back from the outputs."""

from __future__ import annotations

import copy
import importlib
import json
import re
from pathlib import Path

import pymupdf
import pytest

from publish import ast as node
from publish import pandoc
from publish.ast import elements, stringify
from publish.build import prepare
from publish.document import Document
from publish.manuscript import AST_STEPS, TEXT_STEPS, table_captions
from publish.manuscript.chat import remove_chat
from publish.writers import xhtml
from tests import readback
from tests.conftest import EDITIONS, SEED, build

CHAT = ("好的，我将根据您提供的知识库内容", "接下来，我将开始撰写报告正文", "报告的主要内容如下")


def doc_of(tmp_path: Path, text: str, name: str = "t.md") -> Document:
    src = tmp_path / name
    src.write_text(text, "utf-8")
    return prepare(src)


def codes(doc: Document) -> list[str]:
    return [d.code for d in doc.diagnostics]


def all_text(path: Path) -> str:
    if path.suffix == ".pdf":
        return readback.pdf_text(path)
    if path.suffix == ".html":
        return readback.html_doc(path).text_content()
    files = readback.epub_files(path) if path.suffix == ".epub" else None
    if files is not None:
        return "".join(
            "".join(readback.etree.fromstring(v).itertext())
            for k, v in files.items()
            if k.endswith(".xhtml")
        )
    return "".join(t.text or "" for t in readback.docx_xml(path).iter(f"{readback.W}t"))


@pytest.mark.parametrize("fmt", ["pdf", "epub", "docx", "html"])
def test_seed_chat_is_gone_everywhere(seed_dir, fmt):
    for ed in EDITIONS:
        text = all_text(seed_dir / f"nn-llm-2024.{ed}.{fmt}")
        for line in CHAT:
            assert line not in text
        assert "我將" not in text and "我将" not in text


def test_seed_report_keeps_what_was_removed(seed_dir):
    report = json.loads((seed_dir / "nn-llm-2024.report.json").read_text())
    removed = report["removed"]
    assert removed[0]["where"] == "preamble" and removed[0]["line"] == 1
    assert CHAT[0] in removed[0]["text"] and CHAT[1] in removed[0]["text"]
    truncated = [d for d in report["diagnostics"] if d["code"] == "source-truncated"]
    reasons = " ".join(d["message"] for d in truncated)
    assert "link" in reasons  # stops inside the [[23]] link
    assert "多模态技术的融合与创新" in reasons and "应用场景的拓展与深化" in reasons
    assert all(d["severity"] == "warning" for d in truncated)


def test_seed_ends_cleanly(seed_dir):
    html = readback.html_doc(seed_dir / "nn-llm-2024.zh-Hans.html")
    # the text's last paragraph (the editor's note on the cut-off source comes after it)
    last = html.xpath("//main//p[not(ancestor::div[contains(@class, 'editor-note')])]")[-1]
    text = last.text_content()
    assert text.endswith("笔记本电脑上运行[18]") and "(" not in text


@pytest.mark.parametrize("fmt", ["pdf", "epub", "docx", "html"])
def test_table_caption_numbered_in_every_format(seed_dir, fmt):
    for ed in EDITIONS:
        text = all_text(seed_dir / f"nn-llm-2024.{ed}.{fmt}")
        # (the print edition spaces Han from Latin: "2024 年 Transformer 架构")
        caption = r"表\s*1\s*2024\s*年\s*Transformer\s*架[构構]主要[创創]新方向比[较較]"
        assert re.search(caption, text), (
            ed,
            fmt,
        )
        assert "表：" not in text


def test_headings_keep_author_numbers_once(seed_dir):
    nav = readback.epub_files(seed_dir / "nn-llm-2024.zh-Hans.epub")
    # the entries' text (a Western run is a span of its own: spacing.py)
    navs = [
        "".join(readback.etree.fromstring(v).itertext())
        for k, v in nav.items()
        if k.endswith("nav.xhtml")
    ]
    assert "1 2024年深度学习与大模型发展概述" in navs[0]
    assert "2.1 Transformer架构的持续演进" in navs[0]
    docx = readback.docx_xml(seed_dir / "nn-llm-2024.zh-Hans.docx")
    heads = []
    for p in docx.iter(f"{readback.W}p"):
        style = p.find(f"{readback.W}pPr/{readback.W}pStyle")
        if style is not None and style.get(f"{readback.W}val", "").startswith("Heading"):
            heads.append("".join(t.text or "" for t in p.iter(f"{readback.W}t")))
    assert "1 2024年深度学习与大模型发展概述" in heads
    assert not any(re.match(r"^\d+(\.\d+)* \d+(\.\d+)* ", h) for h in heads)


def test_east_asian_line_breaks(tmp_path):
    doc = doc_of(tmp_path, "# 标题\n\n深度学习\n的发展。English\nwords here.\n")
    para = doc.ast["blocks"][0]
    text = "".join(e.get("c", " ") if e["t"] == "Str" else " " for e in para["c"])
    assert "深度学习的发展。" in text and "English words" in text


def test_yaml_front_matter_wins(tmp_path):
    doc = doc_of(
        tmp_path,
        "---\ntitle: 真正的标题\nauthor: [张三, 李四]\ndate: 2024-12-01\n---\n\n"
        "# 第一章\n\n正文。\n",
    )
    assert doc.meta.title == "真正的标题"
    assert doc.meta.author == ["张三", "李四"] and doc.meta.date == "2024-12-01"
    assert doc.ast["blocks"][0]["t"] == "Header"  # the H1 is a chapter, not the title


def test_title_from_single_h1_shifts_chapters(tmp_path):
    doc = doc_of(tmp_path, "# 报告\n\n## 1 引言\n\n正文。\n\n### 1.1 背景\n\n正文。\n")
    assert doc.meta.title == "报告"
    levels = [b["c"][0] for b in doc.ast["blocks"] if b["t"] == "Header"]
    assert levels == [1, 2]


def test_level_one_sections_after_an_opening_are_not_the_title(tmp_path):
    """A Yuque or Notion export, a lecture's notes: a line or two, then # 文档, # 小记…
    The first section was taken as the title and left the body (its subsections then sat
    under nothing). All stay sections; the title is the front matter's (Title: in any
    case), else the file's name, with a warning saying why."""
    doc = doc_of(
        tmp_path,
        "这是开场白。\n\n# 文档\n\n## 常用内容\n\n正文。\n\n# 小记\n\n正文。\n",
        "语雀入门.md",
    )
    heads = [(b["c"][0], stringify(b)) for b in doc.ast["blocks"] if b["t"] == "Header"]
    assert heads == [(1, "文档"), (2, "常用内容"), (1, "小记")]
    assert doc.meta.title == "语雀入门"
    (d,) = [d for d in doc.diagnostics if d.code == "title-missing"]
    assert "sections" in d.message
    doc = doc_of(tmp_path, "---\nTitle: 量子力学\n---\n\n开场。\n\n# 甲\n\n# 乙\n", "q.md")
    assert doc.meta.title == "量子力学" and "title-missing" not in codes(doc)
    # a changelog's releases at level 1 (standard-version): sections, the first too
    doc = doc_of(
        tmp_path,
        "# [1.3.0](https://x.example/c/v1.2.1...v1.3.0) (2025-07-12)\n\n* 新功能\n\n"
        "## [1.2.1](https://x.example/c) (2025-07-01)\n\n* 修复\n\n"
        "# [1.2.0](https://x.example/c) (2025-06-27)\n\n* 初版\n",
        "CHANGELOG.md",
    )
    assert doc.meta.title == "CHANGELOG"
    heads = [(b["c"][0], stringify(b)[:5]) for b in doc.ast["blocks"] if b["t"] == "Header"]
    assert heads == [(1, "1.3.0"), (2, "1.2.1"), (1, "1.2.0")]
    # one heading after an opening line is still the title, taken out of the body
    doc = doc_of(tmp_path, "开场。\n\n# 报告\n\n## 一\n\n正文。\n", "r.md")
    assert doc.meta.title == "报告"
    assert [b["c"][0] for b in doc.ast["blocks"] if b["t"] == "Header"] == [1]


def test_chapters_written_as_h2_become_level_one(tmp_path):
    doc = doc_of(
        tmp_path, "---\ntitle: 博客\n---\n\n## 第一章\n\n正文。\n\n### 小节\n\n## 第二章\n"
    )
    levels = [b["c"][0] for b in doc.ast["blocks"] if b["t"] == "Header"]
    assert levels == [1, 2, 1]
    assert "headings-shifted" in codes(doc)
    # already at level 1: nothing moves, nothing said
    doc = doc_of(tmp_path, "---\ntitle: 报告\n---\n\n# 第一章\n\n## 小节\n")
    assert [b["c"][0] for b in doc.ast["blocks"] if b["t"] == "Header"] == [1, 2]
    assert "headings-shifted" not in codes(doc)


def test_preamble_only_when_it_is_chat(tmp_path):
    doc = doc_of(tmp_path, "本报告讨论深度学习。\n\n# 标题\n\n正文。\n")
    assert "preamble-removed" not in codes(doc)
    doc = doc_of(tmp_path, "以下是为您整理的报告：\n\n# 标题\n\n正文。\n")
    assert "preamble-removed" in codes(doc)
    assert doc.removed[0]["text"] == "以下是为您整理的报告："


def test_closing_chatter_removed(tmp_path):
    doc = doc_of(
        tmp_path,
        "# 标题\n\n正文到此结束。\n\n---\n\n希望这份报告对您有所帮助！如需进一步分析，请告诉我。\n",
    )
    assert [r["where"] for r in doc.removed] == ["closing"]
    assert "希望" not in json.dumps(doc.ast, ensure_ascii=False)


@pytest.mark.parametrize(
    ("tail", "reason"),
    [
        ("```python\nprint(1)\n", "code block"),
        ("| a | b |\n|---|---|\n| 1 |", "table"),
        ("见[链接](https://example.com/a", "link"),
        ("这是一个很长的句子，说到这里的时候突然就停了下来没有说完", "sentence"),
    ],
)
def test_truncation_signals(tmp_path, tail, reason):
    doc = doc_of(tmp_path, f"# 标题\n\n正文。\n\n{tail}\n")
    found = [d for d in doc.diagnostics if d.code == "source-truncated"]
    assert found and reason in found[0].message


def test_complete_text_is_not_truncated(tmp_path):
    doc = doc_of(tmp_path, "# 标题\n\n正文写完了。\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert "source-truncated" not in codes(doc)


def test_dangling_plain_link_ends_cleanly(tmp_path):
    src = tmp_path / "d.md"
    src.write_text("# 标题\n\n正文。见[这篇文章](https://example.com/a-long-pa\n", "utf-8")
    page = build(src, tmp_path / "o", "html", "zh-Hans") / "d.zh-Hans.html"
    text = readback.html_doc(page).xpath("//main")[0].text_content()
    assert "](" not in text and "https://example.com/a-long-pa" not in text
    assert "这篇文章" in text


def test_seed_prepare_is_quiet_about_pandoc():
    doc = prepare(SEED)
    assert "pandoc-warning" not in codes(doc)
    assert doc.tables == 1 and doc.citations == 31


def test_remove_chat_keeps_line_numbers():
    doc = Document(source=SEED, stem="x", text=SEED.read_text())
    before = doc.text.count("\n")
    remove_chat(doc)
    assert doc.text.count("\n") == before


def test_wikilinks_print_as_their_label(tmp_path):
    src = tmp_path / "w.md"
    src.write_text(
        "# 标题\n\n## 规则引擎\n\n开源[[规则引擎]]，见 [[Drools 笔记|Drools 的笔记]]"
        "与[[12]]。\n\n```\n[[代码里的]]\n```\n",
        "utf-8",
    )
    page = build(src, tmp_path / "o", "html", "zh-Hans") / "w.zh-Hans.html"
    main = readback.html_doc(page).xpath("//main")[0]
    text = main.text_content()
    # a mark with no source anywhere prints as its number (citation-without-url)
    assert "开源规则引擎，见 Drools 的笔记与[12]。" in " ".join(text.split())
    assert "[[规则引擎]]" not in text and "Drools 笔记" not in text
    assert "[[代码里的]]" in text  # code is left alone
    (link,) = main.xpath('.//a[text()="规则引擎"]')  # a heading of the document: linked
    (target,) = main.xpath(f'.//*[@id="{link.get("href")[1:]}"]')
    assert target[0].text_content() == "规则引擎" and target[0].tag in ("h1", "h2")
    report = json.loads((page.parent / "w.report.json").read_text())
    (wiki,) = [d for d in report["diagnostics"] if d["code"] == "wikilink"]
    assert wiki["severity"] == "info" and wiki["line"] == 5 and "[[规则引擎]]" in wiki["message"]
    assert report["references"] == []


def test_liquid_tags_are_kept_as_text_not_run(tmp_path):
    doc = doc_of(
        tmp_path,
        "# 标题\n\n见[上一篇]({% post_url 2026-08-26-x %})。\n\n"
        "{% include note.html %}\n\n"
        '<figure><img src="{{ \'/assets/a.svg\' | relative_url }}" alt="图的说明"></figure>\n\n'
        "![另一张图]({{site.baseurl}}/b.png)\n",
    )
    body = json.dumps(doc.ast["blocks"], ensure_ascii=False)
    assert "上一篇" in body and "post_url" not in body and "%7B" not in body  # link: text only
    assert "{%" not in body and "include" not in body  # a tag prints its quoted words: none
    assert "relative_url" not in body and "图的说明" in body and "另一张图" in body
    assert "image-missing" not in codes(doc)  # no file was asked for
    (liquid,) = [d for d in doc.diagnostics if d.code == "liquid-tag"]
    assert liquid.severity == "warning" and liquid.line == 3
    assert "{% post_url 2026-08-26-x %}" in liquid.data["tags"]
    assert "{% include note.html %}" in liquid.data["tags"]
    assert {"where": "liquid-tag", "line": 5, "text": "{% include note.html %}"} in doc.removed


def test_duplicate_ids_made_unique(tmp_path):
    src = tmp_path / "d.md"
    src.write_text(
        '# 标题\n\n<hr id="bar" />\n\n正文[^1]。\n\n<hr id="bar" />\n\n'
        "# Footnotes\n\n见[脚注一节](#footnotes)。\n\n[^1]: 注。\n",
        "utf-8",
    )
    page = build(src, tmp_path / "o", "html", "zh-Hans") / "d.zh-Hans.html"
    html = readback.html_doc(page)
    ids = html.xpath("//@id")
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    (own,) = html.xpath('//a[text()="脚注一节"]')  # the author's link follows the heading
    assert html.xpath(f'//*[@id="{own.get("href")[1:]}"]/h1/text()') == ["Footnotes"]


def test_escaped_bold_markers_pair_up(tmp_path):
    doc = doc_of(
        tmp_path,
        "# 标题\n\n获取\\*\\*套餐用量**与**刷新时间\\*\\*展开。\n\n"
        "部署\\*\\*「阅后即焚」订阅策略\\*\\*——完。\n\n只有一个\\*\\*星号。\n\n"
        "`\\*\\*代码\\*\\*`\n",
    )
    paras = [stringify(b) for b in doc.ast["blocks"] if b["t"] == "Para"]
    strong = [stringify(e) for e in elements(doc.ast["blocks"]) if e["t"] == "Strong"]
    assert strong == ["套餐用量", "刷新时间", "「阅后即焚」订阅策略"]
    assert paras[2] == "只有一个**星号。"  # odd count: as written
    assert paras[3] == "\\*\\*代码\\*\\*"  # code: as written
    assert "bold-unescaped" in codes(doc)


def test_two_space_bullets_nest_under_numbered_item(tmp_path):
    doc = doc_of(
        tmp_path,
        "# 标题\n\n1. 第一项\n2. **角色定义冻结**：\n  - 质量项\n  - 约束项\n"
        "    - 更深一层\n3. 第三项\n",
    )
    (ol,) = [b for b in doc.ast["blocks"] if b["t"] == "OrderedList"]
    items = ol["c"][1]
    assert len(items) == 3
    sub = items[1][1]
    assert sub["t"] == "BulletList" and len(sub["c"]) == 2
    assert sub["c"][1][1]["t"] == "BulletList"  # the deeper bullet stays under its parent
    assert "list-nested" in codes(doc)


def test_math_in_backslash_delimiters_is_math(tmp_path):
    doc = doc_of(
        tmp_path,
        "# 标题\n\n其中 \\(n-1 < \\alpha < n\\)，定义为：\n\n"
        "\\[\nD^\\alpha f(t) = \\frac{1}{2}\n\\]\n\n"
        "一行 \\[ \\sum_i x_i \\] 与转义的\\[1\\]和\\(注\\)。\n\n`\\(代码\\)`\n",
    )
    maths = [(e["c"][0]["t"], e["c"][1]) for e in elements(doc.ast["blocks"]) if e["t"] == "Math"]
    assert maths == [
        ("InlineMath", "n-1 < \\alpha < n"),
        ("DisplayMath", "\nD^\\alpha f(t) = \\frac{1}{2}\n"),
        ("DisplayMath", "\\sum_i x_i"),
    ]
    text = stringify(doc.ast["blocks"])
    assert "[1]" in text and "(注)" in text and "\\(代码\\)" in text
    assert "math-delimiters" in codes(doc)


def test_math_with_spaces_inside_its_dollars_is_math(tmp_path):
    """$ E=MC^2 $ (Typora, Markdown Preview Enhanced, KaTeX read it; pandoc printed the
    TeX); prices with dollars, code and display math stay as they are."""
    doc = doc_of(
        tmp_path,
        "# 数学\n\n定义域：$y=\\tan x,x\\ne k\\pi \\quad y=\\cot x $。\n\n"
        "质能方程 $ E=MC^2 $ 很有名。价格从 $ 5 到 $ 10 不等。`$ x^2 $` 是代码。\n\n"
        "$$ a^2 + b^2 $$\n",
    )
    maths = [(e["c"][0]["t"], e["c"][1]) for e in elements(doc.ast["blocks"]) if e["t"] == "Math"]
    assert maths == [
        ("InlineMath", "y=\\tan x,x\\ne k\\pi \\quad y=\\cot x"),
        ("InlineMath", "E=MC^2"),
        ("DisplayMath", " a^2 + b^2 "),
    ], maths
    text = stringify(doc.ast["blocks"])
    assert "$ 5 到 $ 10" in text and "$ x^2 $" in text
    assert "math-spaced-dollars" in codes(doc)


def test_unclosed_div_does_not_swallow_the_chapters(tmp_path):
    text = (
        '# 报告\n\n## 第一章\n\n<div class="note" id="n1">\n\n提示文字。\n\n'
        "## 第二章\n\n正文二。\n\n## 第三章\n\n正文三。\n"
    )
    doc = doc_of(tmp_path, text)
    tops = [b["t"] for b in doc.ast["blocks"]]
    # CommonMark ends an HTML block at the blank line: the chapters were never inside
    assert tops.count("Header") == 3 and "div-unwrapped" not in codes(doc)
    assert {"t": "Div", "c": [["n1", ["note"], []], []]} in doc.ast["blocks"]  # anchor kept
    # pandoc's Markdown closes the div at the end of the file: it is opened again
    doc = doc_of(tmp_path, "---\nfrom: markdown\n---\n\n" + text)
    tops = [b["t"] for b in doc.ast["blocks"]]
    assert tops.count("Header") == 3 and "div-unwrapped" in codes(doc)
    assert {"t": "Div", "c": [["n1", ["note"], []], []]} in doc.ast["blocks"]
    # the EPUB has a file per chapter again
    src = tmp_path / "dv.md"
    src.write_text(text, "utf-8")
    files = readback.epub_files(build(src, tmp_path / "o", "epub", "zh-Hans") / "dv.zh-Hans.epub")
    assert len([n for n in files if re.search(r"text/ch\d+\.xhtml$", n)]) == 3
    # a div that holds no heading stays a div
    doc = doc_of(tmp_path, '# 报告\n\n## 一\n\n<div class="note">\n\n提示。\n\n</div>\n')
    assert "Div" in [b["t"] for b in doc.ast["blocks"]] and "div-unwrapped" not in codes(doc)


def test_empty_heading_is_left_out(tmp_path):
    """`##` alone (a draft cut off after it) would give a contents entry without text,
    which EPUB forbids."""
    doc = doc_of(tmp_path, "# 报告\n\n## 一\n\n正文。\n\n##\n")
    heads = [b for b in elements(doc.ast["blocks"]) if b["t"] == "Header"]
    assert [stringify(h["c"][2]) for h in heads] == ["一"]
    assert "heading-empty" in codes(doc)
    # one with an identifier leaves it for the links to it; the line is the heading's
    # (pandoc's CommonMark reader drops the attributes of an empty heading)
    doc = doc_of(
        tmp_path, "---\nfrom: markdown\n---\n# 报告\n\n## 一\n\n见[空](#only)。\n\n## {#only}\n"
    )
    assert {"t": "Div", "c": [["only", [], []], []]} in doc.ast["blocks"]
    assert [d.line for d in doc.diagnostics if d.code == "heading-empty"] == [10]


def test_raw_link_in_a_heading_keeps_its_text_only(tmp_path):
    """A link inside a heading would be a link inside the contents' link: EPUBCheck
    rejects the navigation, and the printed contents lost the number."""
    src = tmp_path / "h.md"
    src.write_text('# 报告\n\n## 方法 <a href="https://e.example/">外链</a>\n\n正文。\n', "utf-8")
    folder = build(src, tmp_path / "o", "pdf,epub", "zh-Hans")
    from publish.check import check

    assert {p.name: m for p, m in check([folder / "h.zh-Hans.epub"]).items() if m} == {}
    with pymupdf.open(folder / "h.zh-Hans.pdf") as pdf:
        assert "方法 外链\n1\n" in pdf[1].get_text()


@pytest.mark.parametrize("fmt", ["pdf", "epub", "docx", "html"])
def test_seed_straight_quotes_print_as_chinese_quotes(seed_dir, fmt):
    # The seed writes 行业升级的"新引擎" with typewriter quotes (line 24).
    marks = {"zh-Hans": "“新引擎”", "zh-Hant-TW": "「新引擎」", "zh-Hant-HK": "「新引擎」"}
    for ed, quoted in marks.items():
        text = all_text(seed_dir / f"nn-llm-2024.{ed}.{fmt}")
        assert quoted in text and '"新引擎"' not in text


def test_straight_quotes_in_chinese_text_pair_up(tmp_path):
    doc = doc_of(
        tmp_path,
        '# 标题里的"引号"\n\n'
        '他说"新引擎"和"**加粗的词**"，还有英文 "the bitter lesson" 一文。\n\n'
        '代码 `a="b"` 与 "带`代码`的引号" 都在。\n\n'
        '一个没有配对的"引号留着。\n\n'
        '前后有空格的" 引号 "留着。\n\n'
        'An English "quote" stays as written.\n',
    )
    assert doc.meta.title == "标题里的“引号”"  # the first heading, made the title
    text = [stringify(b) for b in doc.ast["blocks"]]
    assert text[0] == "他说“新引擎”和“加粗的词”，还有英文 “the bitter lesson” 一文。"
    assert 'a="b"' in text[1] and "“带代码的引号”" in text[1]  # code is never touched
    assert text[2] == '一个没有配对的"引号留着。'
    assert text[3] == '前后有空格的" 引号 "留着。'
    assert text[4] == 'An English "quote" stays as written.'
    assert doc.quotes == 5
    [note] = [d for d in doc.diagnostics if d.code == "quotes-curled"]
    assert note.severity == "info" and "5 pair" in note.message and note.line == 1


def test_quotes_that_are_not_quotation_marks_stay_straight(tmp_path):
    doc = doc_of(
        tmp_path,
        '# 标题\n\n设置 <code>name="值"</code> 即可，"这个"要弯。\n\n'
        '中文见 https://example.com/s?q="foo"&x="bar" 结束。\n\n'
        '中文 {% include "foo.html" %} 结束。\n\n'
        '屏幕 12"x24" 的纸。\n\n'
        '![图"说"明](gone.png)\n',
    )
    text = [stringify(b) for b in doc.ast["blocks"]]
    assert text[0] == '设置 name="值" 即可，“这个”要弯。'  # raw <code> is code
    assert text[1] == '中文见 https://example.com/s?q="foo"&x="bar" 结束。'
    assert text[2] == "中文 结束。"  # an include names a file: it prints nothing
    assert text[3] == '屏幕 12"x24" 的纸。'  # inch marks
    [image] = [e for e in elements(doc.ast["blocks"]) if e["t"] in ("Image", "Span")]
    assert "图“说”明" in stringify(image)  # a picture's description is a block of its own


def test_title_heading_keeps_its_note(tmp_path):
    doc = doc_of(tmp_path, "# 报告标题[^t]\n\n第一段。\n\n[^t]: 作者单位说明。\n")
    assert doc.meta.title == "报告标题"  # the note's text is not part of the title
    first = doc.ast["blocks"][0]
    assert first["t"] == "Para" and first["c"][-1]["t"] == "Note"
    assert stringify(first["c"][-1]["c"]) == "作者单位说明。"
    assert "title-note-moved" in codes(doc)


def test_quotes_in_line_blocks_and_definition_terms(tmp_path):
    doc = doc_of(tmp_path, '# 标题\n\n| 诗里的"一行"\n| 第二行\n\n"术语"一\n:   定义里的"词"。\n')
    text = [stringify(b) for b in doc.ast["blocks"]]
    assert "诗里的“一行”" in text[0]
    assert "“术语”一" in text[1] and "定义里的“词”。" in text[1]


def test_bare_addresses_become_links_and_nothing_else_does(tmp_path):
    doc = doc_of(
        tmp_path,
        "# 标题\n\n原始 URL：https://a.example/blog/x。另见（https://b.example/q）与 "
        "www.c.example/p, 以及 https://d.example/p_(x))。\n\n"
        "看 `https://code.example/` 和网址https://e.example/路径。\n\n"
        "引用[[4]](https://patents.goo",
    )
    targets = [e["c"][2][0] for e in elements(doc.ast["blocks"]) if e["t"] == "Link"]
    assert targets == [
        "https://a.example/blog/x",  # not the 。 after it
        "https://b.example/q",  # not the full-width bracket
        "http://www.c.example/p",  # nor the comma
        "https://d.example/p_(x)",  # its own brackets kept, the unopened one not
    ]
    text = stringify(doc.ast["blocks"])
    assert "网址https://e.example/路径。" in text  # runs into Han: left as text
    assert "https://code.example/" in text  # code is never linked
    # the cut citation at the end is still a citation, repaired by the references stage
    assert doc.citations == 1 and doc.references[0].cut


def test_bullets_right_under_a_line_are_a_list(tmp_path):
    # corpus 01: "**配套文档**  " then "- URL：…" lines printed their hyphens as text
    doc = doc_of(
        tmp_path,
        "# 标题\n\n**配套文档**  \n- URL：https://a.example/x  \n- 来源类型：官方  \n  续行\n\n"
        "正文 - 中间的连字符\n2024. 年份开头的一行\n",
    )
    head, bullets, other = doc.ast["blocks"]
    assert head["t"] == "Para" and stringify(head) == "配套文档"
    assert bullets["t"] == "BulletList"
    assert [stringify(item) for item in bullets["c"]] == [
        "URL：https://a.example/x",
        "来源类型：官方 续行",
    ]
    assert other["t"] == "Para" and stringify(other) == "正文 - 中间的连字符 2024. 年份开头的一行"
    # CommonMark reads it so itself; pandoc's Markdown needs the repair
    assert "list-after-line" not in codes(doc)
    doc = doc_of(
        tmp_path,
        "---\nfrom: markdown\n---\n\n# 标题\n\n**配套文档**  \n- URL：https://a.example/x  \n"
        "- 来源类型：官方\n",
    )
    assert [b["t"] for b in doc.ast["blocks"]] == ["Para", "BulletList"]
    assert "list-after-line" in codes(doc)


# -- each step on its own: a small tree in, the change it makes out ------------------------
def _module(name: str):
    """A manuscript module (the package re-exports some step functions under the name of
    their module, so ``import publish.manuscript.callouts`` would give the function)."""
    return importlib.import_module(f"publish.manuscript.{name}")


def parsed(text: str, reader: str = "commonmark") -> Document:
    doc = Document(source=Path("t.md"), stem="t", text=text, reader=reader)
    doc.ast, _ = pandoc.read_markdown(text, "t.md", reader)
    return doc


def _of(doc: Document, kind: str) -> list[dict]:
    return [e for e in elements(doc.ast["blocks"]) if e["t"] == kind]


def test_step_unique_ids_renames_later_and_reserved_ones_links_follow():
    doc = parsed("# A {#a}\n\n## A {#a}\n\n## F {#footnotes}\n\n[x](#footnotes)\n")
    _module("ids").unique_ids(doc)
    assert [node.ident(h) for h in _of(doc, "Header")] == ["a", "a-2", "footnotes-2"]
    assert [node.url(x) for x in _of(doc, "Link")] == ["#footnotes-2"]
    assert codes(doc) == ["id-renamed"]


def test_step_attributes_lose_handlers_addresses_and_loading_styles():
    kv = [["onclick", "x()"], ["style", "color:red;background:url(x)"], ["title", "t"]]
    kv += [["href", "javascript:x"]]
    assert _module("rawhtml").clean_attributes(kv) == [["style", "color:red"], ["title", "t"]]


def test_step_bare_address_becomes_a_link_without_its_punctuation():
    doc = parsed("见 https://a.example/x。\n")
    _module("autolinks").link_bare_urls(doc)
    (link,) = _of(doc, "Link")
    assert (node.url(link), node.classes(link), stringify(link)) == (
        "https://a.example/x",
        ["uri"],
        "https://a.example/x",
    )
    assert stringify(doc.ast["blocks"]) == "见 https://a.example/x。"


def test_step_fenced_callout_becomes_a_box():
    doc = parsed("::: {.callout-tip}\n内容\n:::\n")
    mod = _module("callouts")
    mod.callouts(doc)
    assert mod.callout_kinds(doc.ast) == ["tip"]
    assert "callouts" in codes(doc)


def test_step_caption_line_over_a_table_is_its_numbered_caption():
    doc = parsed("*表：收入*\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    table_captions(doc)
    (table,) = _of(doc, "Table")
    assert (node.ident(table), stringify(node.caption_blocks(table))) == ("tbl-1", "表 1 收入")
    assert [b["t"] for b in doc.ast["blocks"]] == ["Table"]  # the line is the caption now


def test_step_html_block_is_read_as_pandoc_blocks():
    doc = parsed("<table><tr><td>格</td></tr></table>\n")
    _module("htmlblocks").read_html_blocks(doc)
    assert [b["t"] for b in doc.ast["blocks"]] == ["Table"]
    assert stringify(doc.ast["blocks"]) == "格"


def test_step_link_to_a_liquid_tag_keeps_its_text():
    doc = parsed("见[上一篇](<{% post_url x %}>)。\n")
    _module("liquid").liquid_tags(doc)
    assert not _of(doc, "Link") and stringify(doc.ast["blocks"]) == "见上一篇。"
    assert codes(doc) == ["liquid-tag"]


def test_step_bullets_under_a_line_become_a_list_in_pandocs_markdown_only():
    doc = parsed("配套\n- 甲\n- 乙\n", "markdown")
    assert [b["t"] for b in doc.ast["blocks"]] == ["Para"]  # pandoc's Markdown: one paragraph
    _module("lists").bullets_after_lines(doc)
    assert [b["t"] for b in doc.ast["blocks"]] == ["Para", "BulletList"]
    assert [stringify(i) for i in node.items(_of(doc, "BulletList")[0])] == ["甲", "乙"]
    doc = parsed("配套\n- 甲\n- 乙\n", "commonmark")  # reads the list itself
    before = copy.deepcopy(doc.ast)
    _module("lists").bullets_after_lines(doc)
    assert doc.ast == before


def test_step_strong_spans_become_strong():
    mod = _module("markers")
    span = node.Span([node.Str("粗")], node.make_attr("", [mod.STRONG_CLASS]))
    doc = parsed("x\n")
    doc.ast["blocks"] = [node.Para([span])]
    mod.strong_spans(doc)
    assert doc.ast["blocks"] == [node.Para([node.Strong([node.Str("粗")])])]


def test_step_equation_picture_becomes_its_formula():
    doc = parsed("![公式](https://www.zhihu.com/equation?tex=a%2Bb)\n")
    _module("mathimages").math_images(doc)
    assert doc.ast["blocks"] == [node.Para([node.Math("a+b", display=True)])]
    assert codes(doc) == ["math-from-image"]


def test_step_single_h1_is_the_title_and_chapters_move_up():
    doc = parsed("# 标题\n\n## 一章\n\n正文\n")
    _module("metadata").take_metadata(doc)
    assert doc.meta.title == "标题"
    assert [(node.level(h), stringify(h)) for h in _of(doc, "Header")] == [(1, "一章")]


def test_step_straight_quotes_in_chinese_are_curled():
    doc = parsed('他说"你好"。\n')
    _module("quotes").curl_quotes(doc)
    assert stringify(doc.ast["blocks"]) == "他说“你好”。" and doc.quotes == 1


def test_step_wikilink_prints_its_label():
    doc = parsed("见 [[规则引擎|引擎]] 一节\n")
    _module("wikilinks").resolve_wikilinks(doc)
    assert stringify(doc.ast["blocks"]) == "见 引擎 一节" and codes(doc) == ["wikilink"]


def test_step_theme_component_prints_its_words():
    doc = parsed("x\n")
    doc.text = '<Badge text="新" type="tip" /> 功能\n'
    _module("components").components(doc)
    assert doc.text == "新 功能\n"


def test_step_pipe_table_with_a_short_rule_is_repaired():
    doc = parsed("x\n")
    doc.text = "| a | b |\n|---|\n| 1 | 2 |\n"
    _module("pipetables").repair_pipe_tables(doc)
    assert doc.text == "| a | b |\n| --- | --- |\n| 1 | 2 |\n" and codes(doc) == ["table-repaired"]


def test_steps_are_listed_once_in_order():
    steps = [s.__name__ for s in AST_STEPS]
    assert steps.index("take_metadata") < steps.index("unique_ids") < steps.index("crossrefs")
    assert steps[-1] == "check_truncation" and TEXT_STEPS[0].__name__ == "remove_chat"


# -- the EPUB's XHTML pass: what the manuscript decided, written as XHTML -------------------
def test_xhtml_keeps_the_manuscripts_identifiers_and_unlinks_what_leaves_the_book(tmp_path):
    doc = doc_of(tmp_path, "# 题\n\n## F {#footnotes}\n\n[他处](other.md) [锚](#footnotes)\n")
    tree = copy.deepcopy(doc.ast)
    report = xhtml.prepare(tree, tmp_path)
    assert [node.ident(h) for h in elements(tree["blocks"]) if h["t"] == "Header"] == [
        "footnotes-2"  # renamed once, by manuscript/ids.py; the writer renames nothing
    ]
    para = tree["blocks"][-1]
    assert [x["t"] for x in node.inlines_of(para)] == ["Span", "Space", "Link"]
    assert node.url(node.inlines_of(para)[2]) == "#footnotes-2"
    assert report.lines() == ["1 link(s) to addresses outside the book kept as text: other.md"]


def test_xhtml_remote_picture_becomes_a_link_to_it(tmp_path):
    tree, _ = pandoc.read_markdown("![远](https://a.example/p.png)\n", "t")
    report = xhtml.prepare(tree, tmp_path)
    (link,) = [e for e in elements(tree["blocks"]) if e["t"] == "Link"]
    assert (node.url(link), stringify(link)) == ("https://a.example/p.png", "远")
    assert "remote image" in report.lines()[0]


def test_a_channel_hears_only_its_own_work():
    """Writers' diagnostics reach their output's report through a channel of their own
    (publish.document.channel), not a slice of the shared list: two threads, one document."""
    import threading

    from publish.document import channel

    doc = Document(source=Path("t.md"), stem="t")
    heard: dict[str, list[str]] = {}
    ready = threading.Barrier(2)

    def work(name: str) -> None:
        with channel() as mine:
            ready.wait()  # both channels open at once
            for n in range(50):
                doc.warn(f"{name}-{n}", "x")
        heard[name] = [d.code for d in mine]

    threads = [threading.Thread(target=work, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert heard == {k: [f"{k}-{n}" for n in range(50)] for k in ("a", "b")}
    assert len(doc.diagnostics) == 100  # and the document keeps them all


def test_two_equal_tables_do_not_stop_the_cross_references(tmp_path):
    """crossref_targets found a table again by value: two equal tables looped forever
    (corpus real-docs/32 never finished building)."""
    table = "| a | b |\n|---|---|\n| 1 | 2 |\n"
    doc = doc_of(tmp_path, f"# 题\n\n{table}\n正文\n\n{table}")
    assert len(_of(doc, "Table")) == 2


def test_mathjax_names_of_tex_commands_are_typeset(tmp_path):
    """\\bold{x}, \\Bbb R, \\bm{\\theta}, as MathJax and KaTeX (Typora, a blog) show them:
    pandoc's texmath does not know them, and the formula printed as its TeX with a
    warning. An author's own definition of one of the names still wins."""
    from publish.ast import elements
    from publish.ast import text as node_text

    doc = doc_of(
        tmp_path,
        "# 优化\n\n迭代 $\\bold{x}_{k+1}=\\bold x_k$，集合 $\\Bbb R^n$ 与 $\\bm{\\theta}$。\n\n"
        "$$\\newcommand{\\bold}[1]{\\mathrm{#1}}\\bold{y}$$\n",
    )
    maths = [node_text(e) for e in elements(doc.ast["blocks"]) if e["t"] == "Math"]
    assert maths == [
        "\\mathbf{x}_{k+1}=\\mathbf x_k",
        "\\mathbb R^n",
        "\\boldsymbol{\\theta}",
        "\\mathrm{y}",
    ]
