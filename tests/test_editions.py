"""Editions: what converts, what never does, the glossary, the review list, OpenCC golden."""

from __future__ import annotations

import json
import re

import pytest

from publish.editions.convert import Converter
from publish.editions.glossary import Glossary, load_glossary, read_glossary
from publish.errors import UsageError
from tests import readback
from tests.conftest import CORPUS, ROOT, build

FIXTURES = ROOT / "tests" / "fixtures"


def main_html(path) -> str:
    text = path.read_text("utf-8")
    return text[text.index("<main>") : text.index("</main>")]


@pytest.fixture(scope="module")
def fixture_out(tmp_path_factory):
    glossary = str(FIXTURES / "glossary-example.toml")
    out = tmp_path_factory.mktemp("ed")
    return build(FIXTURES / "editions.md", out, "html,epub,docx", None, "--glossary", glossary)


def test_human_text_converts_per_edition(fixture_out):
    hans = main_html(fixture_out / "editions.zh-Hans.html")
    tw = main_html(fixture_out / "editions.zh-Hant-TW.html")
    hk = main_html(fixture_out / "editions.zh-Hant-HK.html")
    assert "软件在有限内存条件下优化数据" in hans
    assert "軟體在有限記憶體條件下最佳化資料" in tw  # Taiwan phrasing (s2twp)
    assert "軟件在有限記憶體條件下優化數據" in hk  # Hong Kong words (s2hk + vocabulary)
    assert "<h1>第一章 循環神經網路</h1>" in tw  # glossary beats OpenCC's 迴圈神經網路
    assert "研究範式" in tw and "研究範式" in hk
    for text in (hans, tw, hk):
        assert "飞桨框架" in text  # kept word, in every edition
    # quotation marks the Traditional way
    assert "「這是『關鍵』問題。」" in tw and "“这是‘关键’问题。”" in hans


def test_code_urls_math_attributes_never_convert(fixture_out):
    pages = [
        main_html(fixture_out / f"editions.{e}.html")
        for e in ("zh-Hans", "zh-Hant-TW", "zh-Hant-HK")
    ]
    for html in pages:
        assert "<code>数据 = 软件()</code>" in html
        assert 'href="https://example.com/数据/软件?q=优化"' in html
        assert "https://example.org/软件" in html
        assert '软件 <span class="op">=</span> <span class="st">&quot;数据&quot;</span>' in html
        assert '<annotation encoding="application/x-tex">数据 + 1</annotation>' in html
        assert 'title="数据"' in html
        assert 'id="第一章-循环神经网络"' in html  # identifiers stay: links keep working
    code = [re.findall(r"<code>.*?</code>", p) for p in pages]
    assert code[0] == code[1] == code[2]


def test_docx_and_epub_editions_convert_too(fixture_out):
    tw_docx = readback.docx_xml(fixture_out / "editions.zh-Hant-TW.docx")
    text = "".join(t.text or "" for t in tw_docx.iter(f"{readback.W}t"))
    assert "軟體在有限記憶體條件下最佳化資料" in text and "数据 = 软件()" in text
    xhtml = b"".join(readback.epub_files(fixture_out / "editions.zh-Hant-HK.epub").values())
    assert "軟件在有限記憶體條件下優化數據".encode() in xhtml


def test_review_list_in_report_and_page(fixture_out, seed_dir):
    report = json.loads((seed_dir / "nn-llm-2024.report.json").read_text())
    tw = report["editions"]["zh-Hant-TW"]["phrases"]
    data = next(p for p in tw if p["source"] == "数据")
    assert data["result"] == "資料" and data["count"] >= 8 and data["line"] == 20
    assert {"source", "result", "count", "line"} <= set(data)
    # the glossary's corrections are listed, OpenCC's wrong phrases are not produced
    assert any(p["source"] == "循环神经网络" and p["result"] == "循環神經網路" for p in tw)
    assert not any(p["result"] == "迴圈神經網路" for p in tw)
    page = (seed_dir / report["editions"]["zh-Hant-TW"]["review"]).read_text()
    assert "数据" in page and "資料" in page
    # the page's own words in the edition's script
    assert "<th>次數</th>" in page and "詞彙表" in page and "次数" not in page
    # zh-Hans of a Simplified source changes no word (a reference's organisation named in
    # Traditional characters may have its characters normalised: variant rows only)
    hans = report["editions"]["zh-Hans"]["phrases"]
    assert all(p["kind"] == "variant" and len(p["source"]) == 1 for p in hans), hans


def test_seed_editions_read_in_their_script(seed_dir):
    hans = main_html(seed_dir / "nn-llm-2024.zh-Hans.html")
    tw = main_html(seed_dir / "nn-llm-2024.zh-Hant-TW.html")
    hk = main_html(seed_dir / "nn-llm-2024.zh-Hant-HK.html")
    assert "神经网络" in hans and "神經網路" in tw and "神經網絡" in hk
    assert "記憶體條件" in tw and "記憶體模組件" not in tw  # glossary fix of 内存条件
    for ed in ("zh-Hant-TW", "zh-Hant-HK"):
        doc = readback.html_doc(seed_dir / f"nn-llm-2024.{ed}.html")
        text = doc.xpath("//main")[0].text_content()  # text only: ids and URLs never convert
        assert not re.search("[们这说软数据网络]", text.replace("nn-llm", ""))
    # labels in the edition's script
    assert "参考文献" in hans and "參考文獻" in tw and "參考文獻" in hk
    urls = [re.findall(r'href="(http[^"]+)"', h) for h in (hans, tw, hk)]
    assert urls[0] == urls[1] == urls[2] and len(urls[0]) >= 20


def test_no_translation_warning_leaks(seed_out):
    assert "translation" not in (seed_out / "stderr.txt").read_text().lower()


@pytest.mark.parametrize(("edition", "config"), [("zh-Hant-TW", "s2twp"), ("zh-Hant-HK", "s2hk")])
def test_opencc_golden(edition, config):
    # The converter applies OpenCC's phrase dictionary itself (word-aware, no diff): with no
    # glossary it must still give OpenCC's own golden output, paragraph for paragraph.
    golden = CORPUS / "opencc-golden"
    if not golden.exists():
        pytest.skip("OpenCC golden files not present")
    source = (golden / "us_constitution_zhs.txt").read_text("utf-8")
    want = (golden / f"us_constitution_zhs.{config}.txt").read_text("utf-8")
    conv = Converter(edition, config, Glossary(), quotes=False)
    got = [conv.text(p) for p in source.split("\n")]
    # ...but where OpenCC read one of its phrases across the end of a word (之一 + 出席:
    # 之一齣席, a 齣 of opera): the converter reads its character-level phrases within
    # words. The default glossary gives back the one word that then comes out worse
    # (复议: 復議, test_vocabulary_changes_to_the_golden_text_are_table_entries).
    changed = set()
    for src, a, b in zip(source.split("\n"), want.split("\n"), got, strict=True):
        assert len(a) == len(b)
        changed |= {(src[k - 2 : k + 3], a[k - 2 : k + 3], b[k - 2 : k + 3])
                    for k in range(len(a)) if a[k] != b[k]}  # fmt: skip
    assert changed == {
        ("之一出席议", "之一齣席議", "之一出席議"),
        ("进行复议。", "進行復議。", "進行複議。"),
        ("进行复议，", "進行復議，", "進行複議，"),
        ("度，并为统", "度，併為統", "度，並為統"),
        ("认为准予进", "認為準予進", "認為准予進"),
        ("分合并组成", "分合並組成", "分合併組成"),
        ("意后制定。", "意後製定。", "意後制定。"),
    }


@pytest.mark.parametrize(("edition", "config"), [("zh-Hant-TW", "s2twp"), ("zh-Hant-HK", "s2hk")])
def test_opencc_phrases_apply_within_words(edition, config):
    """OpenCC's character-level phrases, read across the end of a word, chose a
    character's wrong Traditional form (OpenCC's s2tw on this text: 資金鍊, 併為, 和麵臨,
    當週圍, 一箇中央, 一齣席, 是隻能): 资金 + 链断裂 (金链, a gold chain), 并 + 为, 和 +
    面临 (和面, kneading dough), 当 + 周围 (当周, this week), 一个 + 中央 (个中), 之一 +
    出席 (一出, an act of opera), 不是 + 只能 (是只). No glossary here: the converter
    itself reads them word by word."""
    conv = Converter(edition, config, Glossary(), quotes=False, domain="general")
    text = (
        "因资金链断裂，他并为此和面临困难的人交谈；当周围的人都采用一个中央系统时，"
        "三分之一出席议员同意合并，不是只能等待。"
    )
    assert conv.text(text) == (
        "因資金鏈斷裂，他並為此和面臨困難的人交談；當周圍的人都採用一個中央系統時，"
        "三分之一出席議員同意合併，不是只能等待。"
    )


def test_vocabulary_changes_to_the_golden_text_are_table_entries():
    # With the vocabulary, the golden text differs from OpenCC's only at table entries.
    golden = CORPUS / "opencc-golden"
    if not golden.exists():
        pytest.skip("OpenCC golden files not present")
    source = (golden / "us_constitution_zhs.txt").read_text("utf-8")
    conv = Converter("zh-Hant-HK", "s2hk", load_glossary(None), quotes=False, domain="general")
    conv.text(source)
    rows = {(p["source"], p["result"]) for p in conv.review()}
    assert rows == {
        ("宾夕法尼亚", "賓夕凡尼亞"),
        ("弗吉尼亚", "維珍尼亞"),
        ("发布", "發布"),
        ("复议", "復議"),  # OpenCC's own, as its golden text has it (test_opencc_golden)
    }


def test_default_quotes_differ_only_in_quotation_marks():
    conv = Converter("zh-Hant-TW", "s2twp", load_glossary(None))
    keep = Converter("zh-Hant-TW", "s2twp", load_glossary(None), quotes=False)
    text = "他说：“可以”，‘好’。It’s fine."
    assert keep.text(text) == "他說：“可以”，‘好’。It’s fine."
    assert conv.text(text) == "他說：「可以」，『好』。It’s fine."


def test_glossary_errors_are_listed(tmp_path):
    bad = tmp_path / "g.toml"
    bad.write_text('[terms]\n"a" = { "zh-TW" = "b" }\n"c" = "d"\n[keep]\nwords = "x"\n')
    with pytest.raises(UsageError) as err:
        read_glossary(bad)
    msg = str(err.value)
    assert "zh-TW" in msg and '"c"' in msg and "[keep]" in msg


def test_traditional_source_is_detected_and_passed_through(tmp_path):
    src = CORPUS / "real-reports" / "10-zhtw-amd-ryzen-ai-readme.md"
    if not src.exists():
        pytest.skip("corpus not present")
    folder = build(src, tmp_path, "html")
    report = json.loads((folder / "10-zhtw-amd-ryzen-ai-readme.report.json").read_text())
    assert report["script"] == "Hant"
    tw = main_html(folder / "10-zhtw-amd-ryzen-ai-readme.zh-Hant-TW.html")
    hans = main_html(folder / "10-zhtw-amd-ryzen-ai-readme.zh-Hans.html")
    assert "推論加速引擎" in tw  # the source's own text, untouched
    assert "推论加速引擎" in hans
    rows = report["editions"]["zh-Hant-TW"]["phrases"]
    assert [p for p in rows if p["kind"] != "unchanged"] == []  # nothing changed
    # but a mainland word the Taiwan author wrote is listed for review: 輸入端口 (line 164)
    port = next(p for p in rows if p["source"] == "端口")
    assert port["result"] == "埠" and 164 in port["lines"] and "輸入端口" in port["sentence"]
    assert port["entry"] == ""  # a glossary cannot change a source already in its script


def test_a_taiwan_sources_hong_kong_edition_takes_hong_kong_forms(tmp_path):
    """裡 and 著 are Taiwan's forms; Hong Kong writes 裏 and 着 (說 as 説). t2hk alone left
    them as they were; the Taiwan edition is the source as written."""
    from publish.ast import stringify
    from publish.build import prepare
    from publish.editions import make_edition

    src = tmp_path / "tw.md"
    src.write_text("# 說明\n\n這裡有人活著，他說著話，心裡想著未來。\n", "utf-8")
    doc = prepare(src)
    assert (doc.script, doc.region) == ("Hant", "TW")
    glossary = load_glossary(None)
    hk = stringify(make_edition(doc, "zh-Hant-HK", glossary).ast["blocks"])
    tw = stringify(make_edition(doc, "zh-Hant-TW", glossary).ast["blocks"])
    assert hk == "這裏有人活着，他説着話，心裏想着未來。"
    assert tw == "這裡有人活著，他說著話，心裡想著未來。"


def test_stray_traditional_characters_are_normalised_and_listed():
    conv = Converter("zh-Hans", "t2s", load_glossary(None))
    assert conv.text("深度学习與数据") == "深度学习与数据"
    assert [(p["source"], p["result"], p["kind"]) for p in conv.review()] == [
        ("與", "与", "variant")
    ]


def test_text_next_to_a_wikilink_converts_once_and_in_place(tmp_path):
    # A wikilink's text is a Str next to the text around it; the words after it were
    # shifted one place and the last kept its Simplified source (corpus 08 and 12).
    src = tmp_path / "wiki.md"
    src.write_text(
        "# 测试\n\n实现的开源[[规则引擎]]，组合了 Guvnor 和 jBPM 插件。程序代码在这里。\n"
    )
    out = build(src, tmp_path / "out", "html")
    expected = {
        "zh-Hans": "实现的开源规则引擎，组合了 Guvnor 和 jBPM 插件。程序代码在这里。",
        "zh-Hant-TW": "實現的開源規則引擎，組合了 Guvnor 和 jBPM 外掛。程式碼在這裡。",
        "zh-Hant-HK": "實現的開源規則引擎，組合了 Guvnor 和 jBPM 插件。程式碼在這裏。",
    }
    for ed, text in expected.items():
        page = readback.html_doc(out / f"wiki.{ed}.html")
        [para] = [p.text_content() for p in page.iter("p") if "Guvnor" in p.text_content()]
        assert para == text


def test_text_inside_raw_html_converts_but_not_its_code(tmp_path):
    # A missing picture inside an HTML <figure> shows its description, which is raw HTML
    # (corpus 08: the Simplified edition printed it in Traditional characters).
    src = tmp_path / "raw.md"
    src.write_text(
        '# 测试\n\n<figure>\n  <img src="gone.png" alt="软件内存示意图">\n</figure>\n\n'
        "<div>原始 HTML 里的软件，<code>软件 = 1</code>。</div>\n"
    )
    out = build(src, tmp_path / "out", "html", "zh-Hant-TW")
    page = main_html(out / "raw.zh-Hant-TW.html")
    assert '<span class="image-missing">軟體記憶體示意圖</span>' in page
    assert "原始 HTML 裡的軟體，<code>软件 = 1</code>。" in page


def test_simplified_edition_of_a_traditional_source_uses_simplified_quotes(tmp_path):
    src = tmp_path / "tw.md"
    src.write_text("---\nlang: zh-Hant-TW\n---\n\n# 標題\n\n他說「做不到『這件事』」。\n")
    out = build(src, tmp_path / "out", "html", "zh-Hans,zh-Hant-TW")
    assert "他说“做不到‘这件事’”。" in main_html(out / "tw.zh-Hans.html")
    assert "他說「做不到『這件事』」。" in main_html(out / "tw.zh-Hant-TW.html")


def test_glossary_corrects_the_phrase_conversions_found_wrong(seed_dir, tmp_path):
    for ed in ("zh-Hant-TW", "zh-Hant-HK"):
        page = main_html(seed_dir / f"nn-llm-2024.{ed}.html")
        assert "更複雜" in page and "更復雜" not in page  # OpenCC's 更复 phrase
    src = tmp_path / "tw.md"
    text = "入侵指標與核心數字，政策執行與發文排程。"
    src.write_text(f"---\nlang: zh-Hant-TW\n---\n\n# 標題\n\n{text}\n")
    out = build(src, tmp_path / "out", "html", "zh-Hans")
    assert "入侵指标与核心数字，政策执行与发文排程。" in main_html(out / "tw.zh-Hans.html")


def test_one_edition_table_is_what_every_stage_reads():
    # issue 18, item 5: the editions are listed once (publish/editions/table.py)
    from publish import config
    from publish.build import verify
    from publish.editions import LABELS
    from publish.editions import glossary as glossary_module
    from publish.editions.script import CONFIGS
    from publish.editions.table import CODES, TABLE
    from publish.styles import STYLES

    assert config.EDITIONS == CODES == glossary_module.EDITION_CODES
    assert CODES == ("zh-Hans", "zh-Hant-TW", "zh-Hant-HK")
    assert verify.REGIONS == {"zh-Hans": "SC", "zh-Hant-TW": "TC", "zh-Hant-HK": "HK"}
    assert CONFIGS[("Hans", "")] == {"zh-Hans": "t2s", "zh-Hant-TW": "s2twp", "zh-Hant-HK": "s2hk"}
    assert CONFIGS[("Hant", "TW")]["zh-Hant-TW"] is None  # a Taiwan source passes through
    # every label a template asks for, in every edition, in the edition's own script
    used = set()
    for template in (STYLES / "templates").glob("*.j2"):
        used |= set(re.findall(r"labels\.(\w+)", template.read_text("utf-8")))
    used.discard("get")
    for spec in TABLE:
        assert used <= set(LABELS[spec.code]), (spec.code, used - set(LABELS[spec.code]))
        assert (STYLES / spec.reference_docx).is_file()
        assert spec.font_stack.startswith(f"'Noto Sans CJK {spec.fonts}'")
    assert LABELS["zh-Hant-HK"]["variants"] == "字形改動"
    assert LABELS["zh-Hans"]["variants"] == "字形改动"
