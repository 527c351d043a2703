"""TeX math (issue 3, item 7): typeset in every format, MathML in EPUB and HTML, Word
equations in DOCX, SVG drawn by ziamath in the PDF; no TeX source visible anywhere."""

from __future__ import annotations

import re
from pathlib import Path

import pymupdf
import pytest

from publish.ast import elements, math_kind, text
from publish.build import prepare
from publish.document import Document
from publish.writers import math
from tests import readback
from tests.conftest import CORPUS, run_cli

M = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"
MATHML = "{http://www.w3.org/1998/Math/MathML}"
TEX = re.compile(r"\\[a-zA-Z]+|\$|\^\{|_\{")

FIXTURE = r"""# 公式

质能关系 $E=mc^2$，分数 $\frac{a}{b}$ 与求和 $\sum_{i=1}^{n} i^2$ 都在行内。

$$\Gamma(z) = \int_0^\infty t^{z-1} e^{-t}\,dt$$

十二个下标（第 1 个公式的图片地址曾是第 10 个的开头）：
$a_{1}$、$a_{2}$、$a_{3}$、$a_{4}$、$a_{5}$、$a_{6}$、
$a_{7}$、$a_{8}$、$a_{9}$、$a_{10}$、$a_{11}$、$a_{12}$。

矩阵与根式：

$$\begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix} \sqrt{x^2 + y^2}$$
"""


def sources(tmp: Path) -> list[Path]:
    fixture = tmp / "math.md"
    fixture.write_text(FIXTURE, "utf-8")
    found = sorted((CORPUS / "real-reports").glob("0[34]-*.md")) if CORPUS.exists() else []
    return [fixture, *found]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    tmp = tmp_path_factory.mktemp("math")
    srcs = sources(tmp)
    out = tmp / "out"
    proc = run_cli("build", *map(str, srcs), "--out", str(out), "--editions", "zh-Hans")
    assert proc.returncode == 0, proc.stderr
    return out, srcs


def formulas(source: Path) -> int:
    """Formulas in the document as published (the preamble removed, for instance)."""
    return sum(1 for e in elements(prepare(source).ast["blocks"]) if e["t"] == "Math")


def out_path(out: Path, source: Path, fmt: str) -> Path:
    return out / source.stem / f"{source.stem}.zh-Hans.{fmt}"


def test_every_formula_reaches_the_writers_as_math(tmp_path: Path) -> None:
    """The manuscript stage keeps each formula of the fixture as one Math element, inline
    or display as written, its TeX as the author wrote it (no macros to expand)."""
    tree = prepare(sources(tmp_path)[0]).ast
    found = [(math_kind(e), text(e)) for e in elements(tree["blocks"]) if e["t"] == "Math"]
    assert found == [
        ("InlineMath", "E=mc^2"),
        ("InlineMath", r"\frac{a}{b}"),
        ("InlineMath", r"\sum_{i=1}^{n} i^2"),
        ("DisplayMath", r"\Gamma(z) = \int_0^\infty t^{z-1} e^{-t}\,dt"),
        *[("InlineMath", f"a_{{{i}}}") for i in range(1, 13)],
        ("DisplayMath", r"\begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix} \sqrt{x^2 + y^2}"),
    ]


def _text_outside_math(tree) -> str:
    for m in tree.iter(f"{MATHML}math", "math"):
        m.getparent().remove(m) if m.getparent() is not None else None
    return "".join(tree.itertext())


def test_html_and_epub_have_mathml(built) -> None:
    out, srcs = built
    for src in srcs:
        n = formulas(src)
        assert n >= 3, src.name  # the fixture has five, the corpus files some: never vacuous
        html = readback.html_doc(out_path(out, src, "html"))
        assert len(html.xpath("//math")) == n, src.name
        assert not TEX.search(_text_outside_math(html)), src.name
        chapters = readback.epub_xhtml(out_path(out, src, "epub"))
        assert sum(len(t.findall(f".//{MATHML}math")) for t in chapters) == n, src.name
        for tree in chapters:
            assert not TEX.search(_text_outside_math(tree)), src.name


def test_docx_has_word_equations(built) -> None:
    out, srcs = built
    for src in srcs:
        body = readback.docx_xml(out_path(out, src, "docx"))
        assert len(list(body.iter(f"{M}oMath"))) == formulas(src), src.name
        words = "".join(t.text or "" for t in body.iter(f"{readback.W}t"))
        assert not TEX.search(words), src.name


def test_pdf_draws_formulas_and_shows_no_tex(built) -> None:
    out, srcs = built
    for src in srcs:
        path = out_path(out, src, "pdf")
        text = readback.pdf_text(path)
        assert not TEX.search(text), (src.name, TEX.search(text))
        with pymupdf.open(path) as pdf:
            drawn = sum(len(page.get_drawings()) for page in pdf)
        # every formula is drawn as glyph outlines: several paths each
        assert drawn >= 3 * formulas(src), src.name
    # the words around the formulas are there
    assert "质能关系" in readback.pdf_text(out_path(out, srcs[0], "pdf"))


def test_inline_sits_on_the_baseline_display_does_not() -> None:
    inline = math.svg_img(r"\frac{a}{b}", False)
    display = math.svg_img(r"\frac{a}{b}", True)
    assert inline and display
    assert "vertical-align:-" in inline and "vertical-align" not in display
    assert 'class="math inline"' in inline and 'class="math display"' in display
    assert 'alt="\\frac{a}{b}"' in inline
    assert "<svg" not in inline  # carried as a data: URI, its ids cannot clash
    assert re.search(r'src="data:image/svg\+xml;base64,', inline)


def test_a_formula_ziamath_cannot_draw_becomes_text(monkeypatch) -> None:
    monkeypatch.setattr(math, "svg_img", lambda tex, display: None)
    ast = {
        "pandoc-api-version": [1, 23, 1],
        "meta": {},
        "blocks": [
            {"t": "Para", "c": [{"t": "Math", "c": [{"t": "InlineMath"}, r"\alpha+\beta"]}]}
        ],
    }
    doc = Document(source=Path("x.md"), stem="x")
    math.typeset(ast, doc, "x.md")
    code = ast["blocks"][0]["c"][0]
    assert code["t"] == "Code" and code["c"][1].split() == ["α", "+", "β"]
    assert [d.code for d in doc.diagnostics] == ["math-unreadable"]


def test_cjk_in_a_formula_is_set_as_text_not_boxes(tmp_path) -> None:
    """STIX Two Math has no CJK: ziamath would draw 距离 as empty boxes. Words at a
    formula's top level (``\\text{距离}``, ``(取A^2=1)``, ``…,固有频率``) are set as the page's
    text between the formula's pieces, drawn as pictures; a formula with CJK deeper (in a
    fraction) is set as text, with a warning naming the characters."""
    src = tmp_path / "cjk.md"
    src.write_text(
        "# 公式\n\n速度 $v = \\text{距离} / t$ 与 $E=mc^2$，取值 $Re=R^2,(取A^2=1)$ 之后。\n\n"
        "$$U(x)=\\frac{k}{2}x^2,\\quad k=\\mu\\omega_{0}^2,固有频率$$\n\n"
        "$$v=\\frac{\\text{距离}}{\\text{时间} + 1}$$\n",
        "utf-8",
    )
    out = tmp_path / "out"
    proc = run_cli(
        "build", str(src), "--out", str(out), "--formats", "pdf", "--editions", "zh-Hans"
    )
    assert proc.returncode == 0, proc.stderr
    unreadable = [line for line in proc.stderr.splitlines() if "math-unreadable" in line]
    assert len(unreadable) == 1 and "距离时间" in unreadable[0], proc.stderr  # the fraction
    path = out / "cjk" / "cjk.zh-Hans.pdf"
    text = readback.pdf_body_text(path)
    for words in ("速度", "距离", "取", "之后", "固有频率"):
        assert words in text, (words, text)
    assert re.search(r"v\s*=\s*距离\s*/\s*\(时间\s*\+\s*1\)", text), text  # in words
    assert "\\" not in text and "$" not in text  # never the TeX
    with pymupdf.open(path) as pdf:
        drawn = sum(len(page.get_drawings()) for page in pdf)
    assert drawn >= 3 * 5  # v =, / t, E=mc², Re=R²,(, A²=1), U(x)=…: glyph outlines


def test_escapes_in_formula_text_print_their_character() -> None:
    """`\\text{anomaly\\_degree}` printed a backslash in the PDF only (ziamath drew the
    escape as written); TeX, MathJax and the MathML editions print "anomaly_degree"."""
    from publish.writers import math

    assert math._text_escapes(r"\text{anomaly\_degree} = \mathrm{a\%b} + \_") == (
        r"\text{anomaly_degree} = \mathrm{a%b} + \_"
    )
    def picture(tex: str) -> str:
        img = math.svg_img(tex, False)
        assert img is not None
        return re.search(r'src="([^"]+)"', img).group(1)

    assert picture(r"\text{anomaly\_degree}") == picture(r"\text{anomaly_degree}")
    assert picture(r"\text{anomaly\_degree}") != picture(r"\text{anomaly\backslash degree}")


LINES = r"""# 多行公式

行内两行 $E=h\nu=\hbar\omega\\ p=\frac{h}{\lambda}=\hbar k$，尾随换行 $f(x)=\int c\,dx\\$。

$$\frac{\partial\Psi}{\partial t}=-\frac{i}{\hbar}E\Psi\\ \nabla^2\Psi=-\frac{p^2}{\hbar^2}\Psi$$

$$a &= b \\ c &= d$$

$$\begin{gathered}i\hbar\partial_t\psi=\hat{H}\psi\\\\-i\hbar\partial_t\psi^{*}=\psi^{*}\hat{H}\end{gathered}$$

期望值 $\lang x \rang$，实数集 $\R^n$，箭头 $a \rarr b$，空集 $\empty$。
"""


def test_formulas_of_several_lines_and_katex_names_convert(tmp_path: Path) -> None:
    r"""Lines split by ``\\`` outside an environment (MathJax and KaTeX break the line
    there) and KaTeX's own names (\lang, \R, \rarr, \empty) reach every format as math:
    pandoc printed their TeX ("Could not convert TeX math"), or read \lang as ⟪. An empty
    row (``\\\\``, a source escaping its backslashes twice) draws in the PDF (ziamath gave
    it a box 20,000 em high, which WeasyPrint refused)."""
    src = tmp_path / "lines.md"
    src.write_text(LINES, "utf-8")
    out = tmp_path / "out"
    proc = run_cli("build", str(src), "--out", str(out), "--editions", "zh-Hans")
    assert proc.returncode == 0, proc.stderr
    assert "Could not convert" not in proc.stderr and "pdf-warning" not in proc.stderr
    n = formulas(src)
    html = readback.html_doc(out_path(out, src, "html"))
    assert len(html.xpath("//math")) == n == 9
    assert len(html.xpath("//math//mtable")) >= 4  # the stacked formulas: rows of a table
    shown = "".join(html.xpath("//math//text()"))
    assert "⟨" in shown and "⟩" in shown and "⟪" not in shown
    assert all(c in shown for c in "ℝ→∅")
    assert not TEX.search(_text_outside_math(html))
    body = readback.docx_xml(out_path(out, src, "docx"))
    assert len(list(body.iter(f"{M}oMath"))) == n
    assert not TEX.search("".join(t.text or "" for t in body.iter(f"{readback.W}t")))
    assert not TEX.search(readback.pdf_text(out_path(out, src, "pdf")))


def test_stacked_lines_only_outside_environments() -> None:
    toks = math.tokens
    assert math.stacked(toks(r"a\\b")) == r"\begin{gathered}a\\b\end{gathered}"
    assert math.stacked(toks(r"a&=b\\c&=d")) == r"\begin{aligned}a&=b\\c&=d\end{aligned}"
    assert math.stacked(toks(r"x=1\\")) == "x=1"  # a last break opens no line
    assert math.stacked(toks(r"\begin{cases}a\\b\end{cases}")) is None
    assert math.stacked(toks(r"\frac{a\\b}{c}")) is None
