"""The phrase review list a reviewer acts on (issue 17, item 7): whole words, every line and
the sentence, a glossary line to paste, character variants apart, and regional words left
unchanged; read back from report.json and the review page."""

from __future__ import annotations

import json
import tomllib

from publish.editions.convert import Converter
from publish.editions.glossary import load_glossary, read_glossary
from tests import readback
from tests.conftest import build

GLOSSARY = load_glossary(None)


def rows(folder, stem, code):
    report = json.loads((folder / f"{stem}.report.json").read_text("utf-8"))
    return report["editions"][code]["phrases"], folder / report["editions"][code]["review"]


def test_every_line_the_sentence_and_a_glossary_line_to_paste(tmp_path):
    src = tmp_path / "mem.md"
    src.write_text(
        "# 内存\n\n第一段说内存很贵。\n\n第二段：内存优化\n很重要。\n\n第三段还是内存。\n", "utf-8"
    )
    folder = build(src, tmp_path / "out", "html", "zh-Hant-TW")
    found, page = rows(folder, "mem", "zh-Hant-TW")
    mem = next(p for p in found if p["source"] == "内存")
    assert mem["result"] == "記憶體" and mem["count"] == 4
    assert mem["lines"] == [1, 3, 5, 8] and mem["line"] == 1
    assert mem["entry"] == '"内存" = { "zh-Hant-TW" = "記憶體" }'
    assert tomllib.loads("[terms]\n" + mem["entry"])["terms"]["内存"] == {"zh-Hant-TW": "記憶體"}
    opt = next(p for p in found if p["source"] == "优化")
    # the sentence as the edition reads it: Chinese lines are joined
    assert opt["lines"] == [5] and opt["sentence"] == "第二段：内存优化很重要。"
    assert mem["sentence"] == "内存"  # the first occurrence's: the heading
    tree = readback.html_doc(page)
    row = next(tr for tr in tree.xpath("//tbody/tr") if tr[0].text_content() == "内存")
    cells = [td.text_content() for td in row]
    assert cells[1] == "記憶體" and cells[3] == "1, 3, 5, 8"
    assert "内存" in cells[4] and row.xpath(".//mark")  # the sentence, the word marked
    assert row.xpath(".//code")[0].text == mem["entry"]


def test_a_pasted_line_with_a_corrected_value_changes_the_edition(tmp_path):
    src = tmp_path / "doc.md"
    src.write_text("# 标题\n\n这是内存。\n", "utf-8")
    first = build(src, tmp_path / "a", "html", "zh-Hant-TW")
    [mem] = [p for p in rows(first, "doc", "zh-Hant-TW")[0] if p["source"] == "内存"]
    glossary = tmp_path / "g.toml"
    glossary.write_text("[terms]\n" + mem["entry"].replace("記憶體", "內存") + "\n", "utf-8")
    assert read_glossary(glossary).terms == {"内存": {"zh-Hant-TW": "內存"}}
    again = build(src, tmp_path / "b", "html", "zh-Hant-TW", "--glossary", str(glossary))
    text = readback.html_doc(again / "doc.zh-Hant-TW.html").xpath("//main")[0].text_content()
    assert "這是內存。" in text


def test_character_variants_have_their_own_section(tmp_path):
    c = Converter("zh-Hant-HK", "s2hk", GLOSSARY)
    c.text("为了用户，政府发布服务器。")
    kinds = {p["source"]: p["kind"] for p in c.review()}
    # 用户 → 用戶 and 发布 → 發布 only change characters; 服务器 → 伺服器 is a word
    assert kinds == {"用户": "variant", "发布": "variant", "服务器": "glossary"}
    assert [p["kind"] for p in c.review()] == ["glossary", "variant", "variant"]  # apart
    src = tmp_path / "hk.md"
    src.write_text("# 标题\n\n为了用户，政府发布服务器。\n", "utf-8")
    folder = build(src, tmp_path / "out", "html", "zh-Hant-HK")
    tree = readback.html_doc(rows(folder, "hk", "zh-Hant-HK")[1])
    [first, variants] = tree.xpath("//table")
    assert [tr[0].text_content() for tr in first.xpath("tbody/tr")] == ["服务器"]
    assert tree.xpath("//h2[@id='variants']")[0].text == "字形改動"
    assert {tr[0].text_content() for tr in variants.xpath("tbody/tr")} == {"用户", "发布"}


def test_mainland_words_left_in_a_traditional_edition_are_listed(tmp_path):
    # a Hong Kong source's Taiwan edition (t2tw: characters only) keeps its words
    c = Converter("zh-Hant-TW", "t2tw", GLOSSARY)
    assert c.text("這台服務器的軟件默認使用內存。") == "這台服務器的軟件默認使用內存。"
    left = {p["source"]: p for p in c.review()}
    assert {k: p["result"] for k, p in left.items()} == {
        "服務器": "伺服器",
        "軟件": "軟體",
        "默認": "預設",
        "內存": "記憶體",
    }
    assert all(p["kind"] == "unchanged" for p in left.values())
    assert left["服務器"]["entry"] == '"服務器" = { "zh-Hant-TW" = "伺服器" }'
    # whole words only: 體內存在 holds no 內存, and words inside a replacement are its own
    c = Converter("zh-Hant-TW", "t2tw", GLOSSARY)
    c.text("體內存在抗體。")
    assert c.review() == []
    c = Converter("zh-Hant-TW", "s2twp", GLOSSARY)
    c.text("阿里云开发者社区发布循环神经网络。")
    assert not [p for p in c.review() if p["kind"] == "unchanged"]


def test_taiwan_words_left_in_a_simplified_edition_are_listed(tmp_path):
    src = tmp_path / "cn.md"
    src.write_text("# 标题\n\n这台伺服器的软体在史丹佛测试，核心数据很整齐。\n", "utf-8")
    folder = build(src, tmp_path / "out", "html", "zh-Hans")
    found, page = rows(folder, "cn", "zh-Hans")
    left = {p["source"]: p["result"] for p in found if p["kind"] == "unchanged"}
    # 核心 and 整合-like words both places write are not listed
    assert left == {"伺服器": "服务器", "软体": "软件", "史丹佛": "斯坦福"}
    assert all(p["lines"] == [3] for p in found)
    tree = readback.html_doc(page)
    assert tree.xpath("//h2[@id='unchanged']")[0].text == "未改动的地区用词"
