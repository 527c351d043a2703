"""Generated Markdown through the whole pipeline (issue 8, item 7): citations, tables, code
fences, raw HTML (hostile too), mixed scripts, a cut-off end. Whatever comes, the build
succeeds, no active content reaches an edition, the reference list is the same in every
format, and (in one EPUBCheck run over all of them) every EPUB is valid."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from publish.cli import main
from tests import readback
from tests.conftest import EDITIONS
from tests.test_security import _active

HEADING = {"zh-Hans": "参考文献", "zh-Hant-TW": "參考文獻", "zh-Hant-HK": "參考文獻"}
BUILT_EPUBS: list[Path] = []  # filled by the property test, checked by the EPUBCheck test

HANS = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工"
HANT = "體臺灣這個們說時間會對發學開關點還過種樣當實現經濟歷與為從東"
OTHER = ["Transformer", "GPU", "2024", "3.14", "привет", "مرحبا", "かな", "한국", "😀", "α"]
PUNCT = "，。！？：；「」（）、"
RAW_HTML = [
    "<b>粗体</b>",
    '<span style="color:red" onclick="x()">红</span>',
    "<script>alert(1)</script>",
    '<a href="javascript:alert(1)">脚本</a>',
    '<img src="missing.png" alt="缺图">',
    '<iframe src="http://127.0.0.1:9/"></iframe>',
    "<details><summary>摘要</summary>细节</details>",
    "<table><tr><td>格</td></tr></table>",
    '<div class="box">盒子',
    "</div>",
    "<br>",
    "<!-- 注释 -->",
    '<a href="https://example.com/x">[9]</a>',
    "<style>p { background: url(http://127.0.0.1:9/) }</style>",
]


def url(n: int) -> str:
    return f"https://example.com/ref/{n}"


words = st.one_of(
    st.text(alphabet=HANS, min_size=1, max_size=12),
    st.text(alphabet=HANT, min_size=1, max_size=8),
    st.sampled_from(OTHER),
)
citation = st.integers(1, 12).map(lambda n: f"[[{n}]]({url(n)})")
phrase = st.lists(
    st.one_of(words, words, citation, st.sampled_from(PUNCT)), min_size=1, max_size=12
).map("".join)
cell = st.text(alphabet=HANS + HANT + "0123456789abc ", min_size=1, max_size=6).map(str.strip)


@st.composite
def table(draw: st.DrawFn) -> str:
    cols = draw(st.integers(1, 4))
    rows = draw(st.lists(st.lists(cell, min_size=cols, max_size=cols), min_size=1, max_size=5))
    head = "| " + " | ".join(f"列{i}" for i in range(cols)) + " |"
    lines = [head, "|" + "---|" * cols]
    lines += ["| " + " | ".join(c or "-" for c in row) + " |" for row in rows]
    caption = draw(st.sampled_from(["", "*表：生成的表格*\n\n"]))
    return caption + "\n".join(lines)


fence = st.builds(
    lambda lang, code: f"```{lang}\n{code}\n```",
    st.sampled_from(["", "python", "html"]),
    st.text(alphabet=HANS + "abc(){}<>$\\[]=; \n", max_size=40),
)
block = st.one_of(
    phrase,
    phrase,
    phrase.map(lambda p: "## " + p[:30].replace("[", "").replace("]", "")),
    table(),
    fence,
    st.sampled_from(RAW_HTML),
    st.lists(phrase, min_size=1, max_size=4).map(lambda xs: "\n".join("- " + x for x in xs)),
    phrase.map(lambda p: "> " + p),
    st.builds(lambda a, b: f"{a} $x^{{2}} + {b}$ 。", words, st.integers(0, 9)),
)


@st.composite
def document(draw: st.DrawFn) -> tuple[str, str]:
    title = draw(st.text(alphabet=HANS, min_size=2, max_size=10))
    blocks = draw(st.lists(block, min_size=1, max_size=8))
    text = f"# {title}\n\n" + "\n\n".join(blocks) + "\n"
    if draw(st.booleans()):  # cut off somewhere in the last block
        cut = draw(st.integers(0, len(blocks[-1])))
        text = text[: len(text) - 1 - len(blocks[-1]) + cut]
    return text, draw(st.sampled_from(EDITIONS))


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("property")


@settings(
    max_examples=8,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: each example is a full build
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(doc=document())
def test_generated_markdown_builds_everywhere_alike(workdir: Path, doc: tuple[str, str]) -> None:
    text, edition = doc
    n = len(list(workdir.glob("*.md")))
    source = workdir / f"gen{n}.md"
    source.write_text(text, "utf-8")
    out = workdir / "out"
    code = main(["build", str(source), "--out", str(out), "--editions", edition, "--quiet"])
    assert code == 0, text
    folder = out / source.stem
    base = folder / f"{source.stem}.{edition}"
    report = json.loads((folder / f"{source.stem}.report.json").read_text("utf-8"))
    refs = len(report["references"])
    lists = {
        "html": readback.refs_html(Path(f"{base}.html")),
        "epub": readback.refs_epub(Path(f"{base}.epub")),
        "docx": readback.refs_docx(Path(f"{base}.docx")),
        "pdf": readback.refs_pdf(Path(f"{base}.pdf"), HEADING[edition]) if refs else [],
    }
    urls = {k: [unquote(u) for u in readback.ref_urls(v)] for k, v in lists.items()}
    assert len(urls["html"]) == refs, text
    for fmt in ("epub", "docx", "pdf"):
        assert urls[fmt] == urls["html"], (fmt, text)
    assert _active(readback.html_doc(Path(f"{base}.html"))) == [], text
    BUILT_EPUBS.append(Path(f"{base}.epub"))


@pytest.fixture(scope="module")
def built_epubs(workdir: Path) -> list[Path]:
    """The EPUBs the property test built; run here when it did not run first (this test
    alone, or the other deselected)."""
    if not BUILT_EPUBS:
        test_generated_markdown_builds_everywhere_alike(workdir)
    return list(BUILT_EPUBS)


def test_generated_epubs_pass_epubcheck(built_epubs: list[Path]) -> None:
    from publish.check import check

    assert built_epubs
    problems = {p.name: [str(m) for m in msgs] for p, msgs in check(built_epubs).items() if msgs}
    assert problems == {}
