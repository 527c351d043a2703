"""Books: a publish.toml's chapters = [...] built as one document (reading/book.py), read
back from the outputs; warnings name the chapter's own file and line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pymupdf
import pytest

from publish.reading import book
from tests import readback
from tests.conftest import run_cli

INDEX = """---
title: 一本测试书
author: 张三
---

# 前言

本书有两章：见 @fig-one 和 @tbl-two。这里有一个注释[^1]。

[^1]: 前言的注释。
"""
FIRST = """# 第一章 {#sec-first}

![第一张图](a.png){#fig-one}

第一章的注释[^1]，引用[[1]](https://www.example.com/a)。

[^1]: 第一章的注释内容。

```python
print("这一章在代码里结束
"""
SECOND = """---
title: 第二章 结果
---

见 @fig-one 和 @sec-first。@fig-none 不存在。

| 年 | 量 |
|---|---|
| 1 | 2 |

: 数据 {#tbl-two}

第二章引用[[1]](https://www.example.com/b)和[[2]](https://www.example.com/a)。

![第二张图](a.png){#fig-two}
"""


def _png(path: Path) -> None:
    doc = pymupdf.open()
    page = doc.new_page(width=80, height=40)
    page.draw_rect(pymupdf.Rect(5, 5, 75, 35), color=(0, 0, 1), fill=(0.5, 0.7, 1))
    page.get_pixmap().save(path)


def project(folder: Path) -> Path:
    (folder / "chapters").mkdir(parents=True)
    _png(folder / "a.png")
    (folder / "publish.toml").write_text(
        'chapters = ["index.md", "chapters/*.md"]\neditions = ["zh-Hant-TW"]\n', "utf-8"
    )
    (folder / "index.md").write_text(INDEX, "utf-8")
    (folder / "chapters" / "01-first.md").write_text(FIRST, "utf-8")
    (folder / "chapters" / "02-second.md").write_text(SECOND, "utf-8")
    return folder


def test_join_keeps_each_chapters_lines_and_notes(tmp_path: Path):
    texts = [(Path("a.md"), INDEX), (Path("b.md"), FIRST), (Path("c.md"), SECOND)]
    text, parts = book.join(texts)
    assert [p[0].name for p in parts] == ["a.md", "b.md", "c.md"]
    lines = text.split("\n")
    # the line each part points at is the chapter's line it names
    for (path, first, at), (_, original) in zip(parts, texts, strict=True):
        if path.name == "c.md":  # its front matter gave way to its title as a heading
            assert lines[first - 1] == "# 第二章 结果"
            assert lines[first + 1] == original.split("\n")[at + 1]
        else:
            assert lines[first - 1] == original.split("\n")[at - 1]
    assert "[^c1-1]" in text and "[^c2-1]" in text and "[^1]" not in text
    assert text.count("title:") == 1  # the first chapter's front matter is the book's
    # chapter 1's open fence is closed before chapter 2 starts
    assert re.search(r'print\("这一章在代码里结束\n```\n', text)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    folder = project(tmp_path_factory.mktemp("book") / "my-book")
    proc = run_cli("build", "--formats", "html,docx,epub,pdf", cwd=folder)
    assert proc.returncode == 0, proc.stderr
    return folder, proc.stderr


def test_book_builds_into_one_document(built: tuple[Path, str]):
    folder, _ = built
    out = folder / "dist" / "my-book"
    html = readback.html_doc(out / "my-book.zh-Hant-TW.html")
    assert html.xpath("//h1[@class='title']")[0].text_content() == "一本測試書"
    toc = [a.text_content() for a in html.xpath("//nav[@id='TOC']//a")]
    assert toc[:3] == ["前言", "第一章", "第二章 結果"]
    # numbered across chapters, cross-references across chapters
    captions = [f.text_content().strip() for f in html.xpath("//figcaption")]
    assert captions == ["圖 1 第一張圖", "圖 2 第二張圖"]
    links = {a.get("href"): a.text_content() for a in html.xpath("//a[@class='crossref']")}
    assert links == {"#fig-one": "圖 1", "#tbl-two": "表 1", "#sec-first": "「第一章」"}
    # one note per chapter's [^1]; one reference list, numbered in order of first citation
    notes = [li.text_content() for li in html.xpath("//section[@id='footnotes']//li")]
    assert [n.rstrip("↩︎") for n in notes] == ["前言的註釋。", "第一章的註釋內容。"]
    assert readback.ref_urls(readback.refs_html(out / "my-book.zh-Hant-TW.html")) == [
        "https://www.example.com/a",
        "https://www.example.com/b",
    ]
    # the fence chapter 1 leaves open ends with it: chapter 2 is prose, not code
    (code,) = html.xpath("//pre")
    assert "第二章" not in code.text_content()
    for fmt in ("pdf", "epub", "docx"):
        text = _text(out / f"my-book.zh-Hant-TW.{fmt}")
        for words in ("前言", "第一章的註釋", "見 圖 1 和 「第一章」", "圖 2 第二張圖"):
            assert words in text, (fmt, words)


def _text(path: Path) -> str:
    if path.suffix == ".pdf":
        return readback.pdf_text(path)
    if path.suffix == ".epub":
        return "".join("".join(x.itertext()) for x in readback.epub_xhtml(path))
    xml = readback.docx_xml(path)
    return "".join(t.text or "" for t in xml.iter(f"{readback.W}t"))


def test_warnings_name_the_chapter_file_and_line(built: tuple[Path, str]):
    folder, stderr = built
    (line,) = [x for x in stderr.splitlines() if "crossref-unresolved" in x]
    assert line.startswith(f"{Path('chapters') / '02-second.md'}:5: warning: @fig-none") or (
        line.startswith(f"{folder / 'chapters' / '02-second.md'}:5: warning: @fig-none")
    ), line
    report = json.loads((folder / "dist" / "my-book" / "my-book.report.json").read_text())
    assert [c[0] for c in report["chapters"]] == [
        "index.md",
        "chapters/01-first.md",
        "chapters/02-second.md",
    ]


def test_a_changed_chapter_rebuilds_the_book(built: tuple[Path, str], tmp_path: Path):
    folder = project(tmp_path / "b2")
    assert run_cli("build", "--formats", "html", cwd=folder).returncode == 0
    again = run_cli("build", "--formats", "html", cwd=folder)
    assert again.returncode == 0 and "built" not in again.stderr
    chapter = folder / "chapters" / "02-second.md"
    chapter.write_text(chapter.read_text("utf-8").replace("不存在", "仍然不存在"), "utf-8")
    third = run_cli("build", "--formats", "html", cwd=folder)
    assert third.returncode == 0 and "built" in third.stderr
    html = (folder / "dist" / "b2" / "b2.zh-Hant-TW.html").read_text("utf-8")
    assert "仍然不存在" in html
