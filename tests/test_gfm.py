"""Sources read as GitHub, Typora, Obsidian and VS Code show them (issue 15): CommonMark/GFM
by default, callouts, task lists, headings inside blocks, HTML blocks, and the author's own
list of sources printed once. Each source is small and written for its test."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

from lxml import etree

from publish import ast
from publish.ast import classes, elements, stringify
from publish.document import Document
from tests import readback
from tests.conftest import build, run_cli
from tests.test_manuscript import codes, doc_of

W = readback.W


def heads(doc: Document) -> list[tuple[int, str]]:
    return [
        (e["c"][0], stringify(e["c"][2])) for e in elements(doc.ast["blocks"]) if e["t"] == "Header"
    ]


def html_text(page: Path) -> str:
    return "".join(readback.html_doc(page).xpath("//main")[0].itertext())


def test_dashes_then_a_heading_are_a_rule_and_a_heading(tmp_path):
    """pandoc's Markdown read `------------` over `# http协议` as a multiline table that
    took in the rest of the document."""
    doc = doc_of(
        tmp_path,
        "# 网络笔记\n\n开头。\n\n------------\n# http协议\n\n正文一。\n\n## 请求\n\n正文二。\n\n"
        "------------\n# tcp协议\n\n正文三。\n",
    )
    assert heads(doc) == [(1, "http协议"), (2, "请求"), (1, "tcp协议")]
    assert not [e for e in elements(doc.ast["blocks"]) if e["t"] == "Table"]
    assert doc.meta.title == "网络笔记"


def test_obsidian_lines_are_not_link_definitions(tmp_path):
    doc = doc_of(
        tmp_path,
        "# 模型\n\n- [[OpenVLA-OFT]]: 7B autoregressive 模型\n- [[π0|Pi-Zero]]: 流匹配\n\n"
        "见 [[OpenVLA-OFT]]。\n",
    )
    text = stringify(doc.ast["blocks"])
    assert "OpenVLA-OFT: 7B autoregressive 模型" in text
    assert "Pi-Zero: 流匹配" in text and "[[" not in text
    assert not [
        e for e in elements(doc.ast["blocks"]) if e["t"] == "Link" and "OpenVLA" in e["c"][2][0]
    ]


CALLOUTS = """# 报告

## 一

> [!NOTE]
> GitHub 的提示内容

> [!summary]- 本节摘要
> 第一行内容
> 第二行内容

{% hint style="warning" %}
GitBook 的警告
{% endhint %}

::: tip 自定义标题
VuePress 的提示
:::

:::danger
Docusaurus 的危险
:::

::: {.callout-important}
Quarto 的要点
:::

```html
{% raw %}<p>{{ 模板 }}</p>{% endraw %}
> [!NOTE] 代码里的不是提示
```
"""


def test_callouts_of_every_flavour_are_boxes(tmp_path):
    doc = doc_of(tmp_path, CALLOUTS)
    divs = [e for e in elements(doc.ast["blocks"]) if e["t"] == "Div" and "callout" in e["c"][0][1]]
    kinds = [c for d in divs for c in d["c"][0][1] if c.startswith("callout-")]
    assert kinds == [
        "callout-note",
        "callout-abstract",
        "callout-warning",
        "callout-tip",
        "callout-danger",
        "callout-important",
    ]
    titles = [stringify(d["c"][1][0]) for d in divs]
    assert titles == ["注意", "本节摘要", "警告", "自定义标题", "危险", "重要"]
    # the title is its own line, not joined to the body (east_asian_line_breaks)
    assert stringify(divs[1]["c"][1][1:]) == "第一行内容第二行内容"
    (code,) = [e for e in elements(doc.ast["blocks"]) if e["t"] == "CodeBlock"]
    assert code["c"][1] == "<p>{{ 模板 }}</p>\n> [!NOTE] 代码里的不是提示"
    text = stringify(doc.ast["blocks"])
    assert "[!" not in text and "{%" not in text and ":::" not in text
    assert "callouts" in codes(doc)


def test_mkdocs_admonitions_tabs_and_docsify_tips_are_boxes(tmp_path):
    """MkDocs (OI Wiki, Material sites) and docsify: the body is indented under the marker
    and printed as code, the marker as text; now boxes, nested ones too, with their titles
    and every word; line numbers kept. Not a box: no body ("!!! warning do not" is words),
    a marker in code, a body with text right under it (no line to close on)."""
    src = (
        "# 文档\n\n"
        '!!! note "注意事项"\n    这是**提示**。\n\n    第二段。\n\n正文继续。\n\n'
        '???+ tip "可折叠"\n    外层。\n\n    !!! warning\n        内层警告。\n\n'
        "!!! 例题\n    有 $N$ 个数。\n    \n    输入：\n\n"
        '???+note "[洛谷 P1387](https://www.luogu.com.cn/problem/P1387) [难]"\n    找出正方形。\n\n'
        '=== "C++"\n\n    ```cpp\n    int main() {}\n    ```\n\n'
        '=== "Python"\n\n    ```python\n    print(1)\n    ```\n\n'
        "?> docsify 的提示\n\n!> docsify 的警告\n\n"
        "!!! warning do not\n\n"
        "```\n!!! note\n    代码\n```\n\n"
        "!!! info\n    紧接\n没有空行的正文\n\n"
        "最后一行。"
    )
    doc = doc_of(tmp_path, src)
    divs = [e for e in doc.ast["blocks"] if e["t"] == "Div"]
    kinds = [classes(d)[1] for d in divs]
    assert kinds == [
        "callout-note", "callout-tip", "callout-note", "callout-note", "callout-details",
        "callout-details", "callout-tip", "callout-warning",
    ]  # fmt: skip
    titles = [stringify(d["c"][1][0]) for d in divs]
    assert titles == [
        "注意事项", "可折叠", "例题", "洛谷 P1387 [难]", "C++", "Python", "提示", "警告"
    ]  # fmt: skip
    (link,) = [e for e in elements(divs[3]["c"][1][0]) if e["t"] == "Link"]
    assert link["c"][2][0] == "https://www.luogu.com.cn/problem/P1387"
    assert stringify(divs[2]["c"][1][1:]) == "有 N 个数。输入："
    assert stringify(divs[0]["c"][1][1:]) == "这是提示。第二段。"
    inner = [e for e in elements(divs[1]["c"][1]) if e["t"] == "Div" and "callout" in classes(e)]
    assert [classes(d)[1] for d in inner] == ["callout-warning"]
    assert stringify(inner[0]["c"][1][1:]) == "内层警告。"
    (cpp,) = [e for e in elements(divs[4]) if e["t"] == "CodeBlock"]
    assert cpp["c"][1] == "int main() {}" and "cpp" in cpp["c"][0][1]
    assert stringify(divs[6]["c"][1][1:]) == "docsify 的提示"
    text = stringify(doc.ast["blocks"])
    assert "!!! warning do not" in text and "紧接" in text and "没有空行的正文" in text
    codes_ = [e["c"][1] for e in elements(doc.ast["blocks"]) if e["t"] == "CodeBlock"]
    assert "!!! note\n    代码" in codes_
    assert doc.line_of("正文继续") == src.split("\n").index("正文继续。") + 1 == 8
    assert doc.line_of("最后一行") == src.count("\n") + 1


def test_a_container_with_a_name_and_words_is_a_titled_box(tmp_path):
    """VuePress 2's code groups (":::: code-group" around "::: code-group-item npm") and
    any "::: name words": pandoc reads a fence of one name only and printed the line; each
    item is now a box titled with its label, its code block inside."""
    doc = doc_of(
        tmp_path,
        "# 安装\n\n:::: code-group\n::: code-group-item npm\n```bash\nnpm install vuepress\n```\n"
        ":::\n::: code-group-item yarn\n```bash\nyarn add vuepress\n```\n:::\n::::\n\n"
        "::: demo 示例标题\n示例正文。\n:::\n",
    )
    divs = [e for e in elements(doc.ast["blocks"]) if e["t"] == "Div" and "callout" in classes(e)]
    assert [classes(d)[1] for d in divs] == ["callout-details", "callout-details", "callout-note"]
    assert [stringify(d["c"][1][0]) for d in divs] == ["npm", "yarn", "示例标题"]
    assert ":::" not in stringify(doc.ast["blocks"]) and "示例正文" in stringify(divs[2])
    codes_ = [e["c"][1] for e in elements(divs[0]) if e["t"] == "CodeBlock"]
    assert codes_ == ["npm install vuepress"]


def test_a_callout_inside_a_list_item_is_a_box(tmp_path):
    """Obsidian's callout under a bullet, indented four spaces (corpus real-docs/23, with
    an unknown kind, NODE, which Obsidian shows as a note); the same lines at the top
    level after a paragraph are an indented code block and stay one."""
    doc = doc_of(
        tmp_path,
        "# 语言\n\n- **汇编语言**：直接对应机器指令。\n\n"
        "    > [!NODE] 参考书目\n    > 《汇编语言》第四版\n\n- 第二项\n\n"
        "普通段落。\n\n    > [!NOTE] 代码\n",
    )
    items = doc.ast["blocks"][0]["c"]
    boxes = [e for e in elements(items) if e["t"] == "Div" and "callout" in e["c"][0][1]]
    assert len(boxes) == 1 and stringify(boxes[0]) == "参考书目《汇编语言》第四版"
    assert "[!" not in stringify(items)
    code = doc.ast["blocks"][-1]
    assert code["t"] == "CodeBlock" and "[!NOTE]" in code["c"][1]


def test_callouts_print_in_every_format_in_the_editions_script(tmp_path):
    src = tmp_path / "c.md"
    src.write_text(CALLOUTS, "utf-8")
    out = build(src, tmp_path / "o", "html,docx,epub", "zh-Hant-TW")
    page = readback.html_doc(out / "c.zh-Hant-TW.html")
    boxes = page.xpath("//div[contains(@class,'callout ')]")
    assert len(boxes) == 6
    first = "".join(boxes[0].xpath(".//div[@class='callout-title']//text()")).strip()
    assert first == "注意"
    assert "".join(boxes[1].xpath(".//div[@class='callout-title']//text()")).strip() == "本節摘要"
    body = readback.docx_xml(out / "c.zh-Hant-TW.docx")
    text = "".join(t.text or "" for t in body.iter(f"{W}t"))
    assert "警告" in text and "GitBook 的警告" in text and text.count("[!") == 1  # the code's
    bold = [
        "".join(t.text or "" for t in r.iter(f"{W}t"))
        for r in body.iter(f"{W}r")
        if r.find(f"{W}rPr/{W}b") is not None
    ]
    assert "本節摘要" in bold
    files = readback.epub_files(out / "c.zh-Hant-TW.epub")
    xhtml = b"".join(v for k, v in files.items() if k.endswith(".xhtml")).decode()
    assert xhtml.count('class="callout callout-') == 6


def test_task_lists_keep_their_state_in_every_format(tmp_path):
    src = tmp_path / "t.md"
    src.write_text("# 清单\n\n## 待办\n\n- [ ] 未完成的事\n- [x] 已完成的事\n", "utf-8")
    out = build(src, tmp_path / "o", "html,docx", "zh-Hans")
    page = readback.html_doc(out / "t.zh-Hans.html")
    boxes = page.xpath("//ul[@class='task-list']//input[@type='checkbox']")
    assert [b.get("checked") is not None for b in boxes] == [False, True]
    with zipfile.ZipFile(out / "t.zh-Hans.docx") as z:
        numbering = etree.fromstring(z.read("word/numbering.xml"))
        body = etree.fromstring(z.read("word/document.xml"))
    marks = {}
    for num in numbering.iter(f"{W}num"):
        abstract = num.find(f"{W}abstractNumId").get(f"{W}val")
        for a in numbering.iter(f"{W}abstractNum"):
            if a.get(f"{W}abstractNumId") == abstract:
                lvl = a.find(f"{W}lvl/{W}lvlText")
                marks[num.get(f"{W}numId")] = lvl.get(f"{W}val") if lvl is not None else ""
    state = {}
    for p in body.iter(f"{W}p"):
        text = "".join(t.text or "" for t in p.iter(f"{W}t"))
        num = p.find(f"{W}pPr/{W}numPr/{W}numId")
        if num is not None and "的事" in text:
            state[text] = marks[num.get(f"{W}val")]
    assert state == {"未完成的事": "☐", "已完成的事": "☒"}


def test_a_heading_inside_a_list_or_quote_is_not_a_chapter(tmp_path):
    doc = doc_of(
        tmp_path,
        "- 第一项\n\n  ### 项内的标题\n\n  说明。\n\n> ## 引文里的标题\n> 引文。\n\n"
        "# 真正的第一章\n\n正文。\n\n# 第二章\n\n正文。\n",
    )
    assert heads(doc) == [(1, "真正的第一章"), (1, "第二章")]
    assert doc.meta.title != "项内的标题"
    strong = [stringify(e) for e in elements(doc.ast["blocks"]) if e["t"] == "Strong"]
    assert "项内的标题" in strong and "引文里的标题" in strong
    assert "heading-nested" in codes(doc)


def test_bold_next_to_chinese_punctuation_is_bold(tmp_path):
    doc = doc_of(
        tmp_path,
        "# 标题\n\n部署**「阅后即焚」订阅策略**完成，**“引号”**也行，**普通粗体**照旧。\n\n"
        "`**代码里**` 不动。\n",
    )
    strong = [stringify(e) for e in elements(doc.ast["blocks"]) if e["t"] == "Strong"]
    assert strong == ["「阅后即焚」订阅策略", "“引号”", "普通粗体"]
    first, code = doc.ast["blocks"]
    assert "**" not in stringify(first)
    assert [e["c"][1] for e in elements(code) if e["t"] == "Code"] == ["**代码里**"]


def test_emphasis_next_to_chinese_punctuation_is_emphasis(tmp_path):
    """``*编译器（Compiler）*是`` (corpus real-docs/23): CommonMark does not close ``*``
    after "）" before a Han character, so the asterisks printed, or emphasis ran on to
    the next ``*``; a bullet's ``*`` and note markers ``]*`` stay what they are."""
    doc = doc_of(
        tmp_path,
        "# 语言\n\n*编译器（Compiler）*是程序，称为*源代码（source code）*的文本。\n\n"
        "* 列表项 *强调* 照旧\n\n[修正的条文]* 与 [另一条]* 是标记。\n",
    )
    emph = [stringify(e) for e in elements(doc.ast["blocks"]) if e["t"] == "Emph"]
    assert emph == ["编译器（Compiler）", "源代码（source code）", "强调"]
    first, bullets, markers = doc.ast["blocks"][-3:]
    assert "*" not in stringify(first) and bullets["t"] == "BulletList"
    assert stringify(markers).count("*") == 2


def test_markdown_right_after_a_line_of_html_is_markdown(tmp_path):
    """A picture centred by a line of HTML, then a list with no blank line between (a
    Jekyll post, corpus real-docs/53): the list is a list and its escaped "<" a "<",
    where CommonMark kept it in the HTML block (its "- **" printed, the text from "<" to
    the next ">" read as a tag and lost). HTML inside a paragraph stays inline."""
    doc = doc_of(
        tmp_path,
        "# 拥塞\n\n"
        '<center><img src="x.png" width="70%"></center>\n'
        "- **(4)** 此时cwnd\\<ssthresh，处于慢启动状态。\n"
        "- **(5)** 此时cwnd\\>ssthresh，处于拥塞避免状态。\n\n"
        "<details>\n<summary>详情</summary>\n\n内容。\n\n</details>\n- **step-1** 下一步\n\n"
        "段落文字\n<span>行内</span>\n继续。\n",
    )
    lists = [e for e in elements(doc.ast["blocks"]) if e["t"] == "BulletList"]
    items = [stringify(item) for lst in lists for item in lst["c"]]
    assert items == [
        "(4) 此时cwnd<ssthresh，处于慢启动状态。",
        "(5) 此时cwnd>ssthresh，处于拥塞避免状态。",
        "step-1 下一步",
    ]
    assert "**" not in stringify(doc.ast["blocks"])
    inline = [e["c"][1] for e in elements(doc.ast["blocks"]) if e["t"] == "RawInline"]
    assert inline == ["<span>", "</span>"]
    assert "html-block-ended" in codes(doc)


def test_markdown_right_after_html_over_several_lines_is_markdown(tmp_path):
    """An HTML table or a <details> over several lines, then a list on the next line
    (pandoc-made and Jekyll sources, corpus real-docs/40 and 53): the table stays whole,
    the list is a list, and a link's words after it are kept (they were lost); HTML that
    leaves an element open runs on to the blank line, as CommonMark reads it."""
    doc = doc_of(
        tmp_path,
        "# 表\n\n<table>\n<tr><td>甲</td><td>乙</td></tr>\n</table>\n"
        "- AV block：传导变慢\n  - 按阻滞部位分类\n\n"
        "<details>\n    <summary>展开</summary>\n"
        '    <center><img src="x.png"></center>\n</details>\n'
        "- 参考[前一章](http://localhost:4000/a/#六慢启动)中对慢启动的介绍。\n\n"
        "<div>\n<p>段落\n没有关闭\n",
    )
    kinds = [b["t"] for b in doc.ast["blocks"]]
    # the <center> around the picture is a centred block of its own
    assert kinds == ["Table", "BulletList", "Plain", "Div", "BulletList", "Div"], kinds
    assert classes(doc.ast["blocks"][3]) == ["align-center"]
    table, av, _, _, ref, _ = doc.ast["blocks"]
    assert stringify(table).endswith("甲乙")
    assert stringify(av) == "AV block：传导变慢按阻滞部位分类"
    assert stringify(ref) == "参考前一章中对慢启动的介绍。"


def test_a_comment_after_a_line_of_html_stays_hidden(tmp_path):
    """A README's "<div id=top></div>" then a comment over several lines (a note to the
    maintainers): the comment's text printed; a list right after the comment is a list."""
    doc = doc_of(
        tmp_path,
        '# 说明\n\n<div id="top"></div>\n<!--\n*** 注释甲，不应显示。\n-->\n\n正文一。\n\n'
        "<div>盒子</div>\n<!--\n注释乙\n-->\n- 列表项\n\n正文二。\n",
    )
    text = stringify(doc.ast["blocks"])
    assert "注释" not in text and "***" not in text, text
    assert [b["t"] for b in doc.ast["blocks"]][-2:] == ["BulletList", "Para"]
    assert "盒子" in text and "列表项" in text


def test_html_blocks_become_native_tables_figures_and_citations(tmp_path):
    src = tmp_path / "h.md"
    src.write_text(
        "# 报告\n\n正文[[1]](https://a.example/x)。\n\n"
        '<table><tr><th colspan="2">合并表头</th></tr><tr><td>甲</td><td>乙</td></tr></table>\n\n'
        '<div align="center">\n<p>图注<a href="https://a.example/x">[1]</a>'
        ' <a href="https://b.example/y">[2]</a></p>\n</div>\n',
        "utf-8",
    )
    out = build(src, tmp_path / "o", "html,docx", "zh-Hans")
    body = readback.docx_xml(out / "h.zh-Hans.docx")
    cells = ["".join(t.text or "" for t in tc.iter(f"{W}t")) for tc in body.iter(f"{W}tc")]
    assert cells == ["合并表头", "甲", "乙"]  # the DOCX used to drop raw HTML
    report = json.loads((out / "h.report.json").read_text("utf-8"))
    assert [r["url"] for r in report["references"]] == [
        "https://a.example/x",
        "https://b.example/y",
    ]


def test_one_reference_per_cited_address_fragment_included(tmp_path):
    src = tmp_path / "f.md"
    src.write_text(
        "# 报告\n\n脚注一[[1]](https://a.example/book.html#FTN.AEN14695)，"
        "脚注二[[2]](https://a.example/book.html#FTN.AEN14727)，"
        "维基[[3]](https://zh.wikipedia.org/wiki/X#cite_note-1)"
        "[[4]](https://zh.wikipedia.org/wiki/X#cite_note-2)，"
        "高亮[[5]](https://c.example/p#:~:text=abc)与[[5]](https://c.example/p)。"
        "重复[[1]](https://a.example/book.html#FTN.AEN14695)[[1]](https://a.example/book.html#FTN.AEN14695)"
        "[[2]](https://a.example/book.html#FTN.AEN14727)。\n",
        "utf-8",
    )
    out = build(src, tmp_path / "o", "html", "zh-Hans")
    report = json.loads((out / "f.report.json").read_text("utf-8"))
    assert len(report["references"]) == 5
    marks = [
        "".join(s.itertext())
        for s in readback.html_doc(out / "f.zh-Hans.html").xpath("//span[@class='citation']")
    ]
    assert marks[-1] == "[1,2]"  # each number once per mark
    assert all(len(set(re.findall(r"\d+", m))) == len(re.findall(r"\d+", m)) for m in marks)


LISTS = """# 报告

正文引用[[1]](https://a.example/x)与[[2]](https://b.example/y)，Bing[3](https://c.example/z)。

**Learn more:**

1. [C 站的标题](https://c.example/z)
2. [未引用的页面](https://d.example/w)

## 参考资料

本文参考了以下资料：

[1] [甲的标题](https://a.example/x)
[2] 乙的标题. https://b.example/y
[3] 某书. 北京: 某出版社, 2020.

## 参考文献

- [乙的另一个名字](https://b.example/y)
"""


def test_the_authors_own_lists_of_sources_print_once(tmp_path):
    src = tmp_path / "s.md"
    src.write_text(LISTS, "utf-8")
    out = build(src, tmp_path / "o", "html,docx", "zh-Hans")
    report = json.loads((out / "s.report.json").read_text("utf-8"))
    refs = [(r["url"], r["title"]) for r in report["references"]]
    assert refs == [
        ("https://a.example/x", "甲的标题"),
        ("https://b.example/y", "乙的另一个名字"),  # the last list's title wins
        ("https://c.example/z", "C 站的标题"),
        ("https://d.example/w", "未引用的页面"),  # uncited: listed after, not lost
    ]
    text = html_text(out / "s.zh-Hans.html")
    assert text.count("甲的标题") == 1 and "Learn more" not in text
    assert "某书. 北京: 某出版社, 2020." in text and "[3] 某书" not in text  # kept, unnumbered
    assert "本文参考了以下资料" in text
    page = readback.html_doc(out / "s.zh-Hans.html")
    assert len(page.xpath("//div[@id='refs']/div")) == 4
    assert len(readback.refs_docx(out / "s.zh-Hans.docx")) == 4
    listed = [d for d in report["diagnostics"] if d["code"] == "references-listed"]
    assert len(listed) == 3


def test_pandoc_markdown_on_request(tmp_path):
    """`from: markdown` in the front matter, or --from markdown, reads pandoc's Markdown."""
    text = "# 标题\n\n术语\n:   定义\n\n<div>\n\n## 在 div 里\n\n</div>\n\nH~2~O 与 2^10^\n"
    doc = doc_of(tmp_path, "---\nfrom: markdown\n---\n" + text)
    kinds = {e["t"] for e in elements(doc.ast["blocks"])}
    assert {"Subscript", "Superscript"} <= kinds
    doc = doc_of(tmp_path, text)  # CommonMark: no sub/superscript ("5~10" is a range)
    assert not {"Subscript", "Superscript"} & {e["t"] for e in elements(doc.ast["blocks"])}
    src = tmp_path / "p.md"
    src.write_text(text, "utf-8")
    out = tmp_path / "o"
    proc = run_cli("build", str(src), "--from", "markdown", "--out", str(out), "--formats", "html")
    assert proc.returncode == 0, proc.stderr
    assert readback.html_doc(out / "p" / "p.zh-Hans.html").xpath("//sub")
    proc = run_cli("build", str(src), "--from", "rst", "--out", str(out))
    assert proc.returncode == 2 and "--from rst" in proc.stderr


def test_a_note_that_calls_itself_reads_at_once(tmp_path):
    """pandoc's CommonMark reader never ended on a note calling itself (corpus 44: a
    tab-indented paragraph after a note's line belongs to the note)."""
    src = tmp_path / "n.md"
    src.write_text(
        "# 注\n\n正文[^1]，又[^2]。\n\n[^1]: 参见《光学》\n\n\t另外，见上[^1]。\n\n"
        "[^2]: 甲[^3]\n\n[^3]: 乙[^2]\n",
        "utf-8",
    )
    out = build(src, tmp_path / "o", "html", "zh-Hans")
    text = html_text(out / "n.zh-Hans.html")
    assert "另外，见上[^1]。" in text and "参见《光学》" in text
    # (a note called only from inside another note is left out by pandoc's CommonMark
    # reader; the cycle's closing call prints as written)
    assert "甲" in text


def test_typora_indented_paragraphs_are_paragraphs(tmp_path):
    """Typora indents with a zero-width space and a tab; without the space the tab made
    the paragraph a code block."""
    doc = doc_of(tmp_path, "# 标题\n\n\u200b\t势垒贯穿是一维散射问题。\n\n> \u200b\t引文。\n")
    assert [b["t"] for b in doc.ast["blocks"]] == ["Para", "BlockQuote"]
    assert stringify(doc.ast["blocks"][0]) == "势垒贯穿是一维散射问题。"


def test_broken_front_matter_is_repaired_not_fatal(tmp_path):
    doc = doc_of(
        tmp_path,
        "---\n -layout:     post   # 布局\ntitle:      我是标题  # 标题\ntags:\n    - CS\n"
        "---\n\n正文。\n",
    )
    assert doc.meta.title == "我是标题"
    (d,) = [d for d in doc.diagnostics if d.code == "front-matter-repaired"]
    assert d.severity == "warning" and d.line is not None


def test_toml_front_matter_is_the_documents_metadata(tmp_path):
    """Hugo's and Zola's +++ front matter printed as a paragraph; now read as YAML's is,
    line for line (a [table]'s keys are not the document's)."""
    src = (
        '+++\ntitle = "TOML 前言的文章"\ndate = 2024-05-01\ntags = ["a", "b"]\n'
        'description = """\n多行\n"""\n[params]\nauthor = "不是作者"\n+++\n\n正文。\n'
    )
    doc = doc_of(tmp_path, src)
    assert doc.meta.title == "TOML 前言的文章"
    assert doc.meta.date.startswith("2024-05-01") and doc.meta.author == []
    assert stringify(doc.ast["blocks"]) == "正文。"
    assert doc.line_of("正文。") == src.split("\n").index("正文。") + 1
    assert "front-matter-toml" in codes(doc)
    bad = doc_of(tmp_path, '+++\ntitle = "坏的"\ndate = = 1\n+++\n\n正文。\n', "bad.md")
    assert bad.meta.title == "坏的" and stringify(bad.ast["blocks"]) == "正文。"
    (d,) = [d for d in bad.diagnostics if d.code == "front-matter-repaired"]
    assert d.severity == "warning"


def test_contents_markers_leave_no_text(tmp_path):
    """[TOC] (Typora), @[TOC](目录) (CSDN), [[toc]] (VuePress), [[_TOC_]] (GitLab),
    kramdown's "* TOC" over {:toc}: each edition makes its own contents; the marker
    printed as "@TOC" or "[TOC]". Kept in the report; code keeps them."""
    src = (
        "# 标题\n\n@[TOC](文章目录)\n\n[TOC]\n\n[[toc]]\n\n[[_TOC_]]\n\n* 目录\n{:toc}\n\n"
        "正文提到 [TOC] 这个写法。\n\n```\n[TOC]\n```\n"
    )
    doc = doc_of(tmp_path, src)
    text = stringify(doc.ast["blocks"])
    assert text == "正文提到 [TOC] 这个写法。", text
    (code,) = [e for e in elements(doc.ast["blocks"]) if e["t"] == "CodeBlock"]
    assert code["c"][1] == "[TOC]"
    removed = [r["text"] for r in doc.removed if r["where"] == "toc-marker"]
    assert removed == ["@[TOC](文章目录)", "[TOC]", "[[toc]]", "[[_TOC_]]", "* 目录", "{:toc}"]
    (d,) = [d for d in doc.diagnostics if d.code == "toc-marker"]
    assert d.line == 3 and d.severity == "info"


def test_formula_pictures_become_formulas(tmp_path):
    doc = doc_of(
        tmp_path,
        "# 群\n\n设 ![[公式]](https://www.zhihu.com/equation?tex=a%2Cb+%5Cin+G) 为元素。\n\n"
        "![](https://latex.codecogs.com/svg.latex?x%5E2)\n",
    )
    maths = [e["c"] for e in elements(doc.ast["blocks"]) if e["t"] == "Math"]
    assert maths == [[{"t": "InlineMath"}, "a,b \\in G"], [{"t": "DisplayMath"}, "x^2"]]
    assert "math-from-image" in codes(doc)


def test_notion_link_cards_show_their_address(tmp_path):
    """Notion exports a link card as a paragraph ``[bookmark](url)`` (corpus real-docs/27):
    the word alone left the print edition's reader no address; a word in a sentence that
    links stays as written."""
    doc = doc_of(
        tmp_path,
        "# PE\n\n[bookmark](https://kabeor.cn/PE文件结构图)\n\n"
        "[link_preview](https://github.com/horsicq/XPEViewer/)\n\n"
        "正文里的[bookmark](https://a.example/x)一词。\n",
    )
    shown = [stringify(b) for b in doc.ast["blocks"][-3:]]
    assert shown == [
        "https://kabeor.cn/PE文件结构图",
        "https://github.com/horsicq/XPEViewer/",
        "正文里的bookmark一词。",
    ]


def test_hexo_code_and_quote_blocks_are_code_and_quotes(tmp_path):
    """{% codeblock lang:python %} printed its code as one paragraph (indentation and line
    breaks gone); {% blockquote 作者, 出处 %} as a paragraph starting with the author. Now a
    code block, and a quote with its attribution on a line of its own; line numbers kept."""
    src = (
        "# 代码\n\n{% codeblock Array.map lang:python %}\ndef f(x):\n    if x > 0:\n"
        "        return x * 2\n{% endcodeblock %}\n\n"
        "{% blockquote 鲁迅, 《故乡》 %}\n其实地上本没有路，走的人多了，也便成了路。\n"
        "{% endblockquote %}\n\n{% code %}\nprint(1)\n{% endcode %}\n\n正文。\n"
    )
    doc = doc_of(tmp_path, src)
    kinds = [b["t"] for b in doc.ast["blocks"]]
    assert kinds == ["CodeBlock", "BlockQuote", "CodeBlock", "Para"], kinds
    code, quote, plain, _ = doc.ast["blocks"]
    assert code["c"][1] == "def f(x):\n    if x > 0:\n        return x * 2"
    assert "python" in code["c"][0][1] and plain["c"][1] == "print(1)"
    inlines = quote["c"][0]["c"]
    assert any(e["t"] == "LineBreak" for e in inlines)
    assert stringify(quote) == "其实地上本没有路，走的人多了，也便成了路。 ——鲁迅, 《故乡》"
    assert doc.line_of("正文。") == src.split("\n").index("正文。") + 1
    assert "{%" not in stringify(doc.ast["blocks"])


def test_hexo_tags_print_what_they_show(tmp_path):
    doc = doc_of(
        tmp_path,
        "# 文档\n\n{% note blue 'fas fa-bullhorn' %}\n主题说明。\n{% endnote %}\n\n"
        "见 {% post_link Butterfly-文档-一 ' 🚀 快速开始' %} 一文。\n\n"
        "{% tabs demo %}\n\n第一个标签的内容。\n\n{% endtabs %}\n\n`{% raw %}` 之外 `{% keep %}`\n",
    )
    divs = [e for e in elements(doc.ast["blocks"]) if e["t"] == "Div"]
    (box,) = [e for e in divs if "callout" in e["c"][0][1]]
    assert "callout-info" in box["c"][0][1] and "主题说明" in stringify(box)
    text = stringify(doc.ast["blocks"])
    assert "见 🚀 快速开始 一文。" in text and "第一个标签的内容。" in text
    assert "{% keep %}" in text  # code is as written
    assert "{% tabs" not in text and "post_link" not in text
    (warn,) = [d for d in doc.diagnostics if d.code == "liquid-tag"]
    assert "{% tabs demo %}" in warn.data["tags"]


def test_a_delimiter_row_with_other_cells_still_makes_a_table(tmp_path):
    doc = doc_of(
        tmp_path,
        "# 表\n\n| 类型| 功能名称 |读写权限|\n|--|--|\n| 布尔 | 开关 | 可读 |\n\n"
        "```\n| a | b |\n|--|\n```\n",
    )
    (table,) = [e for e in elements(doc.ast["blocks"]) if e["t"] == "Table"]
    assert "类型功能名称读写权限" in stringify(table).replace(" ", "")
    assert "table-repaired" in codes(doc)
    (code,) = [e for e in elements(doc.ast["blocks"]) if e["t"] == "CodeBlock"]
    assert code["c"][1] == "| a | b |\n|--|"


def test_a_table_right_under_a_line_of_text_is_a_table(tmp_path):
    """As GitHub, VS Code and Typora show it (AI drafts write "如下：" and the table on the
    next line; corpus real-docs/17, 40, 51): a table under a paragraph line or a list item;
    not in a quote or a code block, nor one with a list right under it (the blank line
    after that list keeps it apart from what follows). Lines after the table keep their
    numbers."""
    doc = doc_of(
        tmp_path,
        "# 表\n\n以下是对比：\n| 模型 | 参数 |\n|---|---|\n| GPT-4o | 1T |\n\n"
        "后文。\n\n- 项目\n  - 评估风险。\n| 因子 | 分数 |\n|----|----|\n| C | 1 |\n\n"
        "> 引用\n> | a | b |\n> |---|---|\n\n"
        "```\n说明\n| c | d |\n|---|---|\n```\n\n"
        "又如：\n| e | f |\n|---|---|\n- 紧接的列表\n\n"
        "结尾：\n| x | y |\n|---|---|\n| 1 | 2 |",
    )
    kinds = [b["t"] for b in doc.ast["blocks"]]
    assert kinds == [
        "Para", "Table", "Para", "BulletList", "Table", "BlockQuote", "CodeBlock", "Para",
        "BulletList", "Para", "Table",
    ], kinds  # fmt: skip
    blocks = [{}, *doc.ast["blocks"]]  # the heading is the title
    assert stringify(blocks[1]) == "以下是对比："
    assert "GPT-4o" in stringify(blocks[2]) and "|" not in stringify(blocks[2])
    assert stringify(blocks[3]) == "后文。"
    assert "|" in stringify(blocks[6]) and "|" in stringify(blocks[8])  # left as written
    assert stringify(blocks[9]) == "紧接的列表" and stringify(blocks[10]) == "结尾："
    (note,) = [d for d in doc.diagnostics if d.code == "table-after-line"]
    assert note.line == 4 and "3 table(s)" in note.message
    original = (tmp_path / "t.md").read_text("utf-8")
    assert doc.line_of("后文。") == 8 == original.split("\n").index("后文。") + 1
    assert doc.line_of("结尾") == original.split("\n").index("结尾：") + 1
    assert doc.text.count("\n") == original.count("\n") + 1  # only the last table's


def test_a_list_entry_that_says_more_keeps_its_words(tmp_path):
    src = tmp_path / "d.md"
    src.write_text(
        "# 报告\n\n见[[1]](https://github.com/a/b)。\n\n## 参考资料\n\n"
        "1. **a/b**: [sub.go](https://github.com/a/b) (Star: 26) —— 标头解析实现。\n",
        "utf-8",
    )
    out = build(src, tmp_path / "o", "html", "zh-Hans")
    report = json.loads((out / "d.report.json").read_text("utf-8"))
    assert report["references"][0]["title"] == "a/b: sub.go (Star: 26) —— 标头解析实现"


def test_marks_with_no_source_anywhere_print_as_numbers(tmp_path):
    doc = doc_of(tmp_path, "# 影评\n\n票房超过140亿元[[4]]，工序拆解[[4,21]]。\n")
    text = stringify(doc.ast["blocks"])
    assert text == "票房超过140亿元[4]，工序拆解[4,21]。"
    (warn,) = [d for d in doc.diagnostics if d.code == "citation-without-url"]
    assert warn.line == 3


def test_domain_on_the_command_line(tmp_path):
    """--domain (issue 17): general prose keeps 執行 out of a power plant in zh-Hant-TW."""
    src = tmp_path / "d.md"
    src.write_text("# 电厂\n\n程序员编写程序，电厂运行正常。\n", "utf-8")
    out = tmp_path / "o"
    for domain in ("technical", "general"):
        proc = run_cli(
            "build", str(src), "--out", str(out), "--formats", "html",
            "--editions", "zh-Hant-TW", "--domain", domain, "--quiet",
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        report = json.loads((out / "d" / "d.report.json").read_text("utf-8"))
        (d,) = [d for d in report["diagnostics"] if d["code"] == "domain"]
        assert domain in d["message"] and "--domain" in d["message"]
    proc = run_cli("build", str(src), "--out", str(out), "--domain", "legal")
    assert proc.returncode == 2 and "--domain legal" in proc.stderr


def test_a_callout_title_over_a_list_prints_no_backslash(tmp_path):
    doc = doc_of(tmp_path, "# 笔记\n\n> [!note] 规则 vs 规范\n> - **规则**：必须\n> - 规范：建议\n")
    divs = [e for e in elements(doc.ast["blocks"]) if e["t"] == "Div"]
    (box,) = [e for e in divs if "callout" in e["c"][0][1]]
    assert stringify(box["c"][1][0]) == "规则 vs 规范"
    assert "\\" not in stringify(box) and box["c"][1][-1]["t"] == "BulletList"


def test_highlights_and_shortcodes_print_as_their_authors_see_them(tmp_path):
    doc = doc_of(
        tmp_path,
        "# 笔记\n\n需要==强制执行==的要求，a == b 不是。\n\n"
        '{{< figure id="t1" title="表 1-1. 比较" class="w-full my-4" >}}\n\n'
        "{% btn '/posts/4aa8abbe/',📌 主题配置 %}\n\n`==代码==`\n",
    )
    marks = [stringify(e) for e in elements(doc.ast["blocks"]) if e["t"] == "Span"]
    assert marks == ["强制执行"]
    text = stringify(doc.ast["blocks"])
    assert "a == b 不是" in text and "==代码==" in text
    assert "表 1-1. 比较" in text and "w-full" not in text and "{{<" not in text
    assert "📌 主题配置" in text and "/posts/" not in text
    assert "highlight" in codes(doc)


def test_a_hugo_figure_without_a_picture_captions_the_table_under_it(tmp_path):
    """A book's {{< figure id=… title="表 1-1. …" >}} over its table (corpus real-docs/46):
    the table's caption, numbered as the others (it printed as a line of text above a
    table captioned "表 1" alone); one over no table stays its words, in italics."""
    doc = doc_of(
        tmp_path,
        "# 数据\n\n"
        '{{< figure id="tab_oltp" title="表 1-1. 比较_OLTP_与*分析*" class="w-full my-4" >}}\n\n'
        "| 属性 | OLTP |\n|---|---|\n| 读取 | 点查询 |\n\n"
        '{{< figure id="fig_x" caption="图 1-2. 无图" >}}\n\n结尾。\n',
    )
    (table,) = [e for e in elements(doc.ast["blocks"]) if e["t"] == "Table"]
    assert stringify(ast.caption_blocks(table)) == "表 1 比较_OLTP_与*分析*"
    text = stringify(doc.ast["blocks"])
    assert "图 1-2. 无图" in text and "{{<" not in text and "w-full" not in text
    assert "表 1-1" not in text.replace(stringify(ast.caption_blocks(table)), "")
    emph = [stringify(e) for e in elements(doc.ast["blocks"]) if e["t"] == "Emph"]
    assert emph == ["图 1-2. 无图"]


def test_theme_components_print_the_words_they_show(tmp_path):
    doc = doc_of(
        tmp_path,
        '# 文学\n\n<VPCard  title="尚书"  desc="最早的历史文献汇编。"background="rgba(1)" />\n\n'
        '<VPCard title="孟子" desc="语录体散文。" background="x" />\n\n'
        '新功能 <Badge text="新" type="tip"/> 上线。\n\n'
        '<Tabs>\n<TabItem value="a" label="本地">\n\n本地的做法。\n\n</TabItem>\n</Tabs>\n\n'
        '`<VPCard title="代码" />`\n',
    )
    text = stringify(doc.ast["blocks"])
    assert "尚书 —— 最早的历史文献汇编。" in text and "孟子 —— 语录体散文。" in text
    assert "新功能 新 上线。" in text and "本地的做法。" in text and "本地" in text
    assert "background" not in text.replace('<VPCard title="代码" />', "")
    assert '<VPCard title="代码" />' in text  # code as written
    assert "component" in codes(doc)


def test_a_fence_holding_a_shorter_fence_is_one_block(tmp_path):
    """A ```` block showing a ``` line is one code block: no false source-truncated, and
    the text steps leave what is inside it alone (issue 18)."""
    doc = doc_of(
        tmp_path,
        "# 代码\n\n````markdown\n```python\n  - 不是列表\n```\n````\n\n正文 \\*\\*粗\\*\\* 完。\n",
    )
    assert "source-truncated" not in codes(doc)
    (code,) = [e for e in elements(doc.ast["blocks"]) if e["t"] == "CodeBlock"]
    assert code["c"][1] == "```python\n  - 不是列表\n```"
    strong = [stringify(e) for e in elements(doc.ast["blocks"]) if e["t"] == "Strong"]
    assert strong == ["粗"]


def test_a_source_card_gives_its_title(tmp_path):
    """An assistant's source card (corpus 01): "标题：…" beside "原始 URL：…" titles the
    reference, instead of the bare domain."""
    doc = doc_of(
        tmp_path,
        "# 日报\n\n见[[1]](https://cloud.example/blog/agent)与[[2]](https://other.example/x)。\n\n"
        "## 1. 发布\n\n- **标题**：Introducing Agent Platform  \n"
        "- **原始 URL**：https://cloud.example/blog/agent  \n- **来源日期**：2026-04-22\n\n"
        "## 2. 无标题\n\n- 原始 URL：https://other.example/x\n",
    )
    assert [r.title for r in doc.references] == ["Introducing Agent Platform", None]


def test_html_block_links_keep_every_allowed_scheme(tmp_path):
    """An HTML block is balanced by the sanitiser's own rules: a mailto: link in it stays
    a link (a second, narrower nh3 call used to drop it)."""
    doc = doc_of(tmp_path, '# 联系\n\n<p>写信给<a href="mailto:a@b.example">我们</a>。</p>\n')
    targets = [e["c"][2][0] for e in elements(doc.ast["blocks"]) if e["t"] == "Link"]
    assert targets == ["mailto:a@b.example"]


def test_html_alignment_is_kept(tmp_path):
    """A README's <p align="center"> (its logo, title, badges) and <p align="right">
    (返回顶部): nh3 drops align and pandoc a <p>'s class, so both printed flush left."""
    import pymupdf

    src = tmp_path / "readme.md"
    src.write_text(
        '# 项目\n\n<p align="center">\n  <b>居中的项目简介</b>\n</p>\n\n'
        '<div align="center">居中的一行</div>\n\n<center>旧式居中</center>\n\n'
        '<p align="right">返回顶部</p>\n\n<p>普通段落，左对齐。</p>\n',
        "utf-8",
    )
    doc = doc_of(tmp_path, src.read_text("utf-8"), "readme.md")
    divs = [(classes(d), stringify(d)) for d in doc.ast["blocks"] if d["t"] == "Div"]
    assert divs == [
        (["align-center"], "居中的项目简介"),
        (["align-center"], "居中的一行"),
        (["align-center"], "旧式居中"),
        (["align-right"], "返回顶部"),
    ], divs
    folder = build(src, tmp_path / "o", "pdf", "zh-Hans")
    with pymupdf.open(folder / "readme.zh-Hans.pdf") as pdf:
        page = next(p for p in pdf if "居中的一行" in p.get_text())
        mid = page.rect.width / 2
        spans = {w[4]: (w[0], w[2]) for w in page.get_text("words")}
        width = page.rect.width
    for text in ("居中的项目简介", "居中的一行", "旧式居中"):
        x0, x1 = spans[text]
        assert abs((x0 + x1) / 2 - mid) < 3, (text, x0, x1, mid)
    assert spans["返回顶部"][1] > width - 80  # at the right margin
    assert spans["普通段落，左对齐。"][0] < mid - 100


def test_yuque_boxes_are_boxes(tmp_path):
    """Yuque (语雀) exports: :::tips and its coloured :::color1…5 printed as paragraphs
    with their colons."""
    doc = doc_of(tmp_path, "# 语雀\n\n:::tips\n提示内容。\n:::\n\n:::color2\n彩色块内容。\n:::\n")
    kinds = [c for d in doc.ast["blocks"] if d["t"] == "Div" for c in classes(d)[1:]]
    assert kinds == ["callout-tip", "callout-note"]
    assert ":::" not in stringify(doc.ast["blocks"])


def test_obsidian_pictures_comments_and_block_ids(tmp_path):
    """![[图.png|300]] printed "300" and ![[图.png]] its file name, the picture beside the
    note; %%comments%%, which Obsidian never shows, were published; " ^k3x9a1" printed."""
    import base64

    png = base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
    )
    (tmp_path / "架构图.png").write_bytes(png)
    src = (
        "# 读书笔记\n\n核心观点：复利来自长期坚持。 ^k3x9a1\n\n![[架构图.png|300]]\n\n"
        "![[架构图.png]]\n\n正文%%行内的私下备注%%继续。面积是 10 ^2\n\n"
        "%%\n多行的\n私下备注\n%%\n\n`%%代码里的%%` 和 ^k3x9a1 在代码里。\n\n"
        "%%timeit 是 Jupyter 的命令。\n\n结尾。%%没有闭合的不是备注\n"
    )
    doc = doc_of(tmp_path, src)
    text = stringify(doc.ast["blocks"])
    assert "私下备注" not in text and "多行的" not in text and "^k3x9a1" not in text.split("和")[0]
    # a %% that nothing closes, and Jupyter's %%timeit, stay text
    assert "%%timeit 是 Jupyter 的命令。" in text and "%%没有闭合的不是备注" in text
    assert "核心观点：复利来自长期坚持。" in text and "面积是 10 ^2" in text
    assert "%%代码里的%%" in text and "结尾。" in text
    pictures = [e for e in elements(doc.ast["blocks"]) if e["t"] == "Image"]
    assert len(pictures) == 2 and all(ast.url(p).startswith("data:image/png") for p in pictures)
    assert dict(ast.attributes(pictures[0])).get("width") == "300px"
    removed = [r["line"] for r in doc.removed if r["where"] == "obsidian-comment"]
    assert removed[0] == src.split("\n").index("正文%%行内的私下备注%%继续。面积是 10 ^2") + 1
    assert doc.line_of("结尾。") == src.count("\n")


def test_mdbook_includes_read_their_files(tmp_path):
    """An mdBook chapter's listings by reference ({{#include ../listings/main.rs}}, a part
    by lines or anchor): pandoc printed the directive. Inside the book (book.toml) only; a
    file outside it stays as written, with a warning."""
    book = tmp_path / "book"
    (book / "src").mkdir(parents=True)
    (book / "book.toml").write_text("[book]\n", "utf-8")
    (book / "listings").mkdir()
    (book / "listings" / "main.rs").write_text(
        'fn main() {\n    // ANCHOR: here\n    println!("你好");\n    // ANCHOR_END: here\n}\n',
        "utf-8",
    )
    (tmp_path / "secret.txt").write_text("不应读到\n", "utf-8")
    src = book / "src" / "ch01.md"
    src.write_text(
        "# 控制流\n\n```rust\n{{#rustdoc_include ../listings/main.rs}}\n```\n\n"
        "```rust\n{{#include ../listings/main.rs:here}}\n```\n\n"
        "```text\n{{#include ../listings/main.rs:1:1}}\n```\n\n"
        "```text\n{{#include ../../secret.txt}}\n```\n",
        "utf-8",
    )
    from publish.build import prepare

    doc = prepare(src)
    codes_ = [e["c"][1] for e in elements(doc.ast["blocks"]) if e["t"] == "CodeBlock"]
    assert codes_[0] == 'fn main() {\n    println!("你好");\n}'
    assert codes_[1] == '    println!("你好");'
    assert codes_[2] == "fn main() {"
    assert codes_[3] == "{{#include ../../secret.txt}}"
    (d,) = [d for d in doc.diagnostics if d.code == "include-not-read"]
    assert "secret.txt" in d.message and d.line == 16
    folder = build(src, tmp_path / "o", "html", "zh-Hans")
    page = folder / "ch01.zh-Hans.html"
    assert "不应读到" not in page.read_text("utf-8") and "你好" in page.read_text("utf-8")
    # a listing is an input: editing it makes the chapter out of date
    report = (folder / "ch01.report.json").read_text("utf-8")
    assert "../listings/main.rs" in report and str(tmp_path) not in report
    listing = book / "listings" / "main.rs"
    listing.write_text(listing.read_text("utf-8").replace("你好", "再见"), "utf-8")
    build(src, tmp_path / "o", "html", "zh-Hans")
    assert "再见" in page.read_text("utf-8")


def test_logseq_pages_read_as_logseq_shows_them(tmp_path):
    """A Logseq page: its opening title:: and tags:: properties printed as a paragraph (and
    no title was found), a block's id:: line printed its id, a block reference ((id))
    printed the id, where Logseq shows the block's text; Logseq's outline stays a list."""
    block = "64a1b2c3-1111-2222-3333-444455556666"
    src = (
        "title:: 学习笔记\ntags:: 机器学习, 笔记\n\n- ## 第一部分\n\t- 这是第一条笔记\n"
        f"\t  id:: {block}\n\t- 引用 (({block}))\n\t- 另一页的 ((aaaaaaaa-1111-2222-3333-"
        "444455556666)) 块\n\t  collapsed:: true\n\t- 作者:: 张三\n- 结尾。\n"
    )
    doc = doc_of(tmp_path, src)
    assert doc.meta.title == "学习笔记"
    text = stringify(doc.ast["blocks"])
    assert "::" not in text.replace("作者:: 张三", "") and "((" not in text
    assert "引用 这是第一条笔记" in text and "另一页的 块" in text
    assert "作者:: 张三" in text  # not Logseq's own: shown, as Obsidian's Dataview shows it
    lists = [b for b in doc.ast["blocks"] if b["t"] == "BulletList"]
    assert len(lists) == 1 and len(lists[0]["c"]) == 2  # one outline, two top blocks
    said = {d.code for d in doc.diagnostics}
    assert {"page-properties", "attribute-lines", "block-reference-unresolved"} <= said
    assert doc.line_of("结尾。") == src.count("\n")


def test_attribute_lines_are_not_text(tmp_path):
    """kramdown's attribute lists on their own line ({: .note}, {: #id}; SiYuan's export
    puts {: id="…" updated="…"} under every block) printed as text, quotes curled; a list
    with one under each item stays one list."""
    src = (
        '# 思源笔记\n{: id="20230101120000-abcdefg" updated="20230102"}\n\n这是段落。\n'
        '{: id="20230101120001-hijklmn"}\n\n* 第一项\n  {: id="20230101120002-opqrstu"}\n'
        "* 第二项\n{: .note}\n\n> 引用\n{: #quote}\n\n```\n{: id=\"在代码里\"}\n```\n\n结尾。\n"
    )
    doc = doc_of(tmp_path, src)
    text = stringify(doc.ast["blocks"])
    assert "{:" not in text.replace('{: id="在代码里"}', "") and "id=" not in text.split("{")[0]
    code = [ast.text(e) for e in elements(doc.ast["blocks"]) if e["t"] == "CodeBlock"]
    assert code == ['{: id="在代码里"}']  # code as written
    lists = [b for b in doc.ast["blocks"] if b["t"] == "BulletList"]
    assert len(lists) == 1 and len(lists[0]["c"]) == 2
    assert "这是段落。" in text and "引用" in text
    assert doc.line_of("结尾。") == src.count("\n")


def test_details_and_asides_around_markdown_are_boxes(tmp_path):
    """<details><summary>安装步骤</summary> … </details> (a README's folded part) and
    Notion's <aside>💡 … </aside> around Markdown: the summary printed as a bare line and
    the part ran on into the text; each is a box now, the summary its title, nested ones
    too. A <details> nothing closes stays as it was."""
    from publish.manuscript.callouts import callout_kinds

    src = (
        "# 折叠\n\n<details>\n<summary><b>点击</b> 安装步骤</summary>\n\n折叠的内容。\n\n"
        "```bash\npip install x\n```\n\n</details>\n\n<aside>\n💡 提示框。\n\n</aside>\n\n"
        "<details><summary>外层</summary>\n\n外层内容\n\n<details>\n<summary>内层</summary>\n\n"
        "内层内容\n\n</details>\n\n</details>\n\n<details>\n<summary>没有闭合</summary>\n\n正文。\n"
    )
    doc = doc_of(tmp_path, src)
    assert callout_kinds(doc.ast) == ["note"] * 4
    boxes = [e for e in elements(doc.ast["blocks"]) if e["t"] == "Div" and "callout" in classes(e)]
    titles = [stringify(ast.blocks_of(b)[0]) for b in boxes]
    assert titles == ["点击 安装步骤", "注意", "外层", "内层"]
    assert "折叠的内容。" in stringify(boxes[0]) and "提示框" in stringify(boxes[1])
    assert "内层内容" in stringify(boxes[3]) and "内层内容" in stringify(boxes[2])
    outside = [b for b in doc.ast["blocks"] if not (b["t"] == "Div" and b in boxes)]
    assert "没有闭合" in stringify(outside) and "正文。" in stringify(outside)


def test_hugo_shortcodes_and_chunk_fences_read_as_markdown(tmp_path):
    """A Hugo post's {{< admonition tip "标题" >}} … {{< /admonition >}} (FixIt), {{% notice
    warning %}} (Learn), {{% alert title="注意" color="warning" %}} (Docsy) printed their
    quoted words run into the body; {{< figure >}} lost its picture, {{< youtube >}} and
    {{< bilibili >}} vanished, {{< link >}} lost its address. R Markdown's and Quarto's
    ```{r echo=FALSE} gave a code block of class "{r"."""
    import base64

    from publish.manuscript.callouts import callout_kinds

    png = base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
    )
    (tmp_path / "a.png").write_bytes(png)
    src = (
        '# 短代码\n\n{{< admonition tip "小技巧" >}}\n这是**提示**。\n{{< /admonition >}}\n\n'
        "{{% notice warning %}}\n注意安全。\n{{% /notice %}}\n\n"
        '{{% alert title="注意" color="warning" %}}\n慎用。\n{{% /alert %}}\n\n'
        '{{< figure src="a.png" title="架构图" >}}\n\n{{< youtube w7Ft2ymGmfc >}}\n\n'
        "{{< bilibili BV1xx411c7mD >}}\n\n"
        '{{< link href="https://example.com" content="示例网站" >}}\n\n'
        "```{r echo=FALSE}\nsummary(cars)\n```\n\n```{python}\n#| echo: false\nprint(1)\n```\n\n"
        "``` js{4}\nlet a = 1\n```\n\n"
        "```\n{{< admonition tip >}}\n```\n\n结尾。\n"
    )
    doc = doc_of(tmp_path, src)
    assert callout_kinds(doc.ast) == ["tip", "warning", "warning"]
    boxes = [e for e in elements(doc.ast["blocks"]) if e["t"] == "Div" and "callout" in classes(e)]
    assert [stringify(ast.blocks_of(b)[0]) for b in boxes][::2] == ["小技巧", "注意"]
    assert "这是提示。" in stringify(boxes[0]) and "慎用。" in stringify(boxes[2])
    pictures = [e for e in elements(doc.ast["blocks"]) if e["t"] == "Image"]
    assert len(pictures) == 1 and stringify(pictures[0]) == "架构图"
    links = [ast.url(e) for e in elements(doc.ast["blocks"]) if e["t"] == "Link"]
    assert links == [
        "https://www.youtube.com/watch?v=w7Ft2ymGmfc",
        "https://www.bilibili.com/video/BV1xx411c7mD",
        "https://example.com",
    ]
    code = [(classes(e), ast.text(e)) for e in elements(doc.ast["blocks"]) if e["t"] == "CodeBlock"]
    assert code == [
        (["r"], "summary(cars)"),
        (["python"], "#| echo: false\nprint(1)"),
        (["js"], "let a = 1"),  # VuePress's lines to highlight: its class was "js{4}"
        ([], "{{< admonition tip >}}"),  # code as written
    ]
    assert doc.line_of("结尾。") == src.count("\n")
