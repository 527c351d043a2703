"""The WeasyPrint patches (publish/writers/weasy.py): they apply to the WeasyPrint installed,
fail loudly here when its internals move, change no byte of a PDF, and do what they are for."""

from __future__ import annotations

import contextlib
import inspect
import shutil
import tracemalloc
from pathlib import Path

import pytest

from publish.writers import justify, weasy

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "nn-llm-2024.md"


def test_every_patch_applies_to_the_weasyprint_installed():
    assert weasy.apply() == {}


def test_weasyprint_internals_are_where_the_patches_expect_them():
    """What each patch relies on, read from WeasyPrint's own source (unwrapped): when this
    fails, WeasyPrint changed; re-read weasy.py's patches against it."""
    import weasyprint
    from weasyprint.layout import inline
    from weasyprint.pdf import fonts
    from weasyprint.text import line_break

    assert int(weasyprint.__version__.split(".")[0]) in weasy.SUPPORTED
    init = inspect.getsource(inspect.unwrap(fonts.Font.__init__))
    assert "self.file_content = get_hb_object_data(self.hb_face)" in init
    assert "self.hb_face = " in init
    # the HarfBuzz subsetter reads the face, not the copy, and replaces the copy
    subset = inspect.getsource(fonts.Font._harfbuzz_subset)
    assert "hb_subset_or_fail(self.hb_face" in subset
    assert subset.count("self.file_content") == 1  # written, never read
    assert "self.file_content = file_content" in subset
    count = inspect.unwrap(inline.count_expandable_spaces)
    assert list(inspect.signature(count).parameters) == ["box"]
    assert "count_expandable_spaces(line)" in inspect.getsource(inline)
    set_text = inspect.unwrap(line_break.Layout.set_text)
    assert list(inspect.signature(set_text).parameters) == ["self", "text", "justify"]
    assert "justification_spacing" in inspect.getsource(set_text)
    import pydyf

    assert "zlib.compressobj(level=9)" in inspect.getsource(pydyf)
    # cid-subset: a CFF font is embedded as /OpenType, read as CIDFontType0 by CID
    embed = inspect.getsource(inspect.unwrap(fonts.build_fonts_dictionary))
    assert "if font.type == 'otf':" in embed and "'Subtype': '/OpenType'" in embed
    vector = inspect.getsource(fonts._build_vector_font_dictionary)
    assert 'FontFile{3 if font.type == "otf" else 2}' in vector
    assert 'CIDFontType{0 if font.type == "otf" else 2}' in vector
    assert "HB_SUBSET_FLAGS_RETAIN_GIDS" in subset


def test_pdf_streams_are_compressed_at_zlibs_default_level():
    """pydyf asks for level 9; the patch gives it 6 (13 % faster to write, 1.2 % larger)."""
    import zlib

    import pydyf

    weasy.apply()
    data = (Path(__file__).resolve().parent.parent / "seeds" / "nn-llm-2024.md").read_bytes() * 3

    def packed(obj):
        return obj.compress(data) + obj.flush()

    got = packed(pydyf.zlib.compressobj(level=9))
    assert got == packed(zlib.compressobj(6)) != packed(zlib.compressobj(9))
    assert zlib.decompress(got) == data


def test_page_references_are_built_once_for_each_page_count():
    """WeasyPrint reads them once for each structure element and link (quadratic: 1.0 of
    the 40-fold report's 17.4 CPU-s); the same tuple comes back until a page is added."""
    import pydyf

    weasy.apply()
    assert "self.pages['Kids'][::3]" in inspect.getsource(pydyf)
    pdf = pydyf.PDF()
    for _ in range(3):
        pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    refs = pdf.page_references
    assert refs is pdf.page_references
    assert refs == tuple(f"{n} 0 R".encode() for n in pdf.pages["Kids"][::3])
    pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    assert pdf.page_references[:3] == refs and len(pdf.page_references) == 4


def chapters(targets: bool) -> str:
    """Six chapters on A6, each with its running head; ``targets``: each ends with a link
    that prints the page of the next chapter (target-counter)."""
    return (
        "<html lang=zh-Hans><style>@page { size: A6; @top-right { content: element(head, "
        "start) } } .head { position: running(head) } body { font: 10pt 'Noto Serif CJK SC' }"
        "a.to::after { content: ' 见第 ' target-counter(attr(href), page) ' 页' }</style>"
        + "".join(
            f"<div class=head>第{i}章</div><h1 id=c{i}>第{i}章</h1>"
            + "<p>人工智能的发展很快，数据和网络是基础。</p>" * 12
            + (f"<p><a class=to href='#c{(i + 1) % 6}'>下一章</a></p>" if targets else "")
            for i in range(6)
        )
        + "</html>"
    )


def test_a_page_is_laid_out_once_when_its_running_head_first_appears(monkeypatch):
    """WeasyPrint laid every page on which a running element first appears out twice
    (for GCPM notes, which take room on their page; a running head only fills a margin
    box): 9 of the ten-fold report's 45 pages, and the second time it dropped the notes
    carried over from the page before (tests/test_corpus_docs.py)."""
    import weasyprint
    from weasyprint.layout import page

    weasy.apply()
    made: list[int] = []
    real = page.make_page

    def counting(*args, **kwargs):
        made.append(args[4])  # page_number
        return real(*args, **kwargs)

    monkeypatch.setattr(page, "make_page", counting)
    doc = weasyprint.HTML(string=chapters(targets=False)).render()
    assert len(doc.pages) > 6 and sorted(made) == list(range(1, len(doc.pages) + 1))
    heads = _margin_texts(doc)
    assert heads[0] == "第0章" and heads[-1] == "第5章" and len(set(heads)) == 6


def test_page_numbers_looked_up_are_filled_in_beside_running_heads():
    """A page whose target-counter() waits for a later page is still laid out again."""
    import weasyprint

    weasy.apply()
    doc = weasyprint.HTML(string=chapters(targets=True)).render()
    numbers = {}
    for number, sheet in enumerate(doc.pages, start=1):
        for anchor in sheet.anchors:
            numbers.setdefault(anchor, number)
    text = "".join(_boxes_text(sheet._page_box) for sheet in doc.pages)
    for i in range(6):
        assert f"下一章 见第 {numbers[f'c{(i + 1) % 6}']} 页" in text
    assert numbers["c5"] > 6


def _boxes_text(box) -> str:
    return "".join(getattr(b, "text", "") for b in box.descendants())


def _margin_texts(doc) -> list[str]:
    from weasyprint.formatting_structure import boxes

    return [
        _boxes_text(b)
        for sheet in doc.pages
        for b in sheet._page_box.children
        if isinstance(b, boxes.MarginBox) and _boxes_text(b)
    ]


def test_an_unknown_weasyprint_version_is_left_stock(monkeypatch):
    import weasyprint

    monkeypatch.setattr(weasyprint, "__version__", "71.0")
    problems = weasy._apply.__wrapped__()
    assert set(problems) == set(weasy.PATCHES)
    assert all("this is 71.0" in why for why in problems.values())


CJK_PAGE = (
    "<html lang=zh-Hans><style>body { font: 10.5pt 'Noto Serif CJK SC' }"
    "h1 { font: bold 16pt 'Noto Sans CJK SC' }</style>"
    "<h1>深度学习</h1><p>" + "人工智能领域的核心驱动力。" * 20 + "</p></html>"
)


def _peak_mb(tmp_path: Path, lazy: bool, monkeypatch: pytest.MonkeyPatch) -> float:
    import weasyprint

    monkeypatch.setattr(weasy, "LAZY_FONTS", lazy)
    weasy.apply()
    doc = weasyprint.HTML(string=CJK_PAGE).render()
    tracemalloc.start()
    try:
        doc.write_pdf(tmp_path / f"{lazy}.pdf")
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def test_writing_a_pdf_does_not_copy_whole_cjk_fonts(tmp_path, monkeypatch):
    eager = _peak_mb(tmp_path, False, monkeypatch)
    lazy = _peak_mb(tmp_path, True, monkeypatch)
    # two Noto CJK faces (serif and sans) of 19-27 MB each are copied without the patch
    assert eager > 35
    assert lazy < 10, (lazy, eager)
    assert (tmp_path / "True.pdf").read_bytes() == (tmp_path / "False.pdf").read_bytes()


MIXED_PAGE = CJK_PAGE.replace(
    "</p>", "<span style=\"font-family: 'DejaVu Sans'\">Transformer GPT-4o</span></p>"
)


def _fonts(path: Path) -> dict[str, str]:
    """{font name: how its file is embedded} of a PDF."""
    import pymupdf

    out = {}
    with pymupdf.open(path) as doc:
        for xref in range(1, doc.xref_length()):
            if doc.xref_get_key(xref, "Type")[1] != "/FontDescriptor":
                continue
            name = doc.xref_get_key(xref, "FontName")[1].split("+", 1)[-1]
            for key in ("FontFile2", "FontFile3"):
                ref = doc.xref_get_key(xref, key)
                if ref[0] == "xref":
                    sub = doc.xref_get_key(int(ref[1].split()[0]), "Subtype")[1]
                    out[name] = key if sub == "null" else f"{key} {sub}"
    return out


def _drawn(path: Path, tmp_path: Path) -> list[bytes]:
    """Every page as poppler (pdftoppm, 100 dpi) and MuPDF draw it."""
    import subprocess

    import pymupdf

    stem = tmp_path / path.stem
    subprocess.run(["pdftoppm", "-r", "100", str(path), str(stem)], check=True)
    pages = [p.read_bytes() for p in sorted(tmp_path.glob(f"{path.stem}-*.ppm"))]
    with pymupdf.open(path) as doc:
        pages += [page.get_pixmap(dpi=100).samples for page in doc]
    return pages


def _cjk_pdf(tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch, on: bool) -> Path:
    import weasyprint

    monkeypatch.setattr(weasy, "CID_SUBSET", on)
    weasy.apply()
    path = tmp_path / f"{name}.pdf"
    weasyprint.HTML(string=MIXED_PAGE).write_pdf(path)
    return path


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_cjk_fonts_carry_the_glyphs_used_and_draw_the_same(tmp_path, monkeypatch):
    """A Noto CJK face is embedded as a bare CFF of the glyphs used (stock WeasyPrint: every
    glyph id up to the highest used, about 0.8 MB a face), and every page draws the same in
    poppler and MuPDF: poppler reads an OpenType-wrapped CID font by glyph id, and drew
    the wrong glyphs when the font was embedded renumbered but wrapped."""
    import pymupdf

    ours = _cjk_pdf(tmp_path, "ours", monkeypatch, True)
    stock = _cjk_pdf(tmp_path, "stock", monkeypatch, False)
    embedded, was = _fonts(ours), _fonts(stock)
    cjk = [name for name in embedded if "CJK" in name]
    assert len(cjk) == 2 and set(embedded) == set(was)
    assert all(embedded[n] == "FontFile3 /CIDFontType0C" for n in cjk), embedded
    assert all(was[n] == "FontFile3 /OpenType" for n in cjk), was
    assert embedded["DejaVu-Sans"] == was["DejaVu-Sans"] == "FontFile2"  # TrueType: stock
    assert ours.stat().st_size * 3 < stock.stat().st_size, (ours.stat(), stock.stat())
    assert _drawn(ours, tmp_path) == _drawn(stock, tmp_path)
    with pymupdf.open(ours) as a, pymupdf.open(stock) as b:
        assert [p.get_text() for p in a] == [p.get_text() for p in b]
        assert "深度学习" in a[0].get_text() and "GPT-4o" in a[0].get_text()


def test_a_cjk_font_whose_cids_are_not_its_glyph_ids_is_left_to_weasyprint(tmp_path, monkeypatch):
    from publish.writers import cff

    stock = _cjk_pdf(tmp_path, "stock", monkeypatch, False)
    monkeypatch.setattr(cff, "of", lambda table, gids: [g + 1 for g in gids])
    ours = _cjk_pdf(tmp_path, "ours", monkeypatch, True)
    assert ours.read_bytes() == stock.read_bytes()


@pytest.fixture(scope="module")
def seed_edition():
    from publish.build import prepare
    from publish.editions import load_glossary, make_edition

    return make_edition(prepare(SEED), "zh-Hant-TW", load_glossary(None))


def test_the_seed_pdf_is_the_same_bytes_with_and_without_the_font_patch(
    seed_edition, tmp_path, monkeypatch
):
    from publish.writers import pdf

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    out = {}
    for lazy in (True, False):
        monkeypatch.setattr(weasy, "LAZY_FONTS", lazy)
        path = tmp_path / f"{lazy}.pdf"
        pdf.write(seed_edition, path)
        out[lazy] = path.read_bytes()
    assert len(out[True]) > 100_000
    assert out[True] == out[False]


def test_a_patch_that_cannot_apply_is_a_warning(seed_edition, tmp_path, monkeypatch):
    """The PDF is still written (ragged), and the build says why, once, for that PDF."""
    from publish.build import worker
    from publish.editions import load_glossary

    glossary = load_glossary(None)
    monkeypatch.setattr(weasy, "apply", lambda: {"justify": "count_expandable_spaces is gone"})
    with justify.inter_character() as on:
        assert on is False
    made = worker.edition(seed_edition.doc, ("t", "seed"), "zh-Hans", glossary, True)
    done = worker.job(made, "pdf", tmp_path / "x.pdf", {})
    said = [d for d in done["diagnostics"] if d["code"] == "weasyprint-patch"]
    assert len(said) == 1 and "count_expandable_spaces is gone" in said[0]["message"]
    assert (tmp_path / "x.pdf").stat().st_size > 100_000


LOAD = """
from publish.writers import weasy
print(type(weasy.load().text.ffi.ffi).__name__)
"""


def _load(cache: Path) -> str:
    """The class of the ``ffi`` WeasyPrint was given, in a fresh process using ``cache``."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    done = subprocess.run(
        [sys.executable, "-c", LOAD], env=env, capture_output=True, text=True, check=True
    )
    assert done.stderr == ""
    return done.stdout.strip()


def test_weasyprint_declarations_come_from_the_cache_after_the_first_import(tmp_path):
    """The first import parses WeasyPrint's C declarations and caches cffi's out-of-line
    module (and prints nothing); the next imports read it; a damaged cache is ignored."""
    assert _load(tmp_path) == "FFI"  # cffi's own, parsing
    cached = list((tmp_path / "publish").glob("weasyprint-ffi-*.py"))
    assert len(cached) == 1 and "_cffi_backend.FFI(" in cached[0].read_text("utf-8")
    assert _load(tmp_path) == "Prebuilt"
    cached[0].write_text("this is not Python", "utf-8")
    assert _load(tmp_path) == "FFI"
    # read as data, never run: a file that would do anything else is not used
    planted = tmp_path / "ran"
    cached[0].write_text(f"ffi = _cffi_backend.FFI(open({str(planted)!r}, 'w'))\n", "utf-8")
    assert _load(tmp_path) == "FFI"
    assert not planted.exists()


def test_a_pdf_is_the_same_with_the_prebuilt_declarations(tmp_path):
    from tests.conftest import run_cli

    src = tmp_path / "a.md"
    src.write_text("# 标题\n\n在2024年，GPT-4o发布[^1]。\n\n[^1]: 注。\n", "utf-8")
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache"), "SOURCE_DATE_EPOCH": "1700000000"}
    out = {}
    for run in ("cold", "warm"):
        args = ["--out", str(tmp_path / run), "--formats", "pdf", "--editions", "zh-Hant-HK"]
        done = run_cli("build", str(src), *args, "--quiet", env=env)
        assert done.returncode == 0, done.stderr
        out[run] = (tmp_path / run / "a" / "a.zh-Hant-HK.pdf").read_bytes()
    assert list((tmp_path / "cache" / "publish").glob("weasyprint-ffi-*.py"))
    assert out["cold"] == out["warm"]


LATER = """
import sys
from publish.writers import weasy
weasy.load()
import weasyprint.pdf.fonts as fonts
print(sorted(m for m in weasy.LATER if m in sys.modules))
print(type(fonts.subset).__name__)
import fontTools.subset as real
print(type(real).__name__, fonts.subset.Subsetter is real.Subsetter)
try:
    fonts.instantiateVariableFont(None, {})
except Exception as exc:
    print(type(exc).__module__ == "builtins")
print(type(sys.modules["fontTools.varLib.instancer"]).__name__)
"""


def test_fonttools_fall_backs_are_imported_at_first_use():
    """WeasyPrint's import leaves fontTools' subsetter and instancer out (its fall-backs
    alone use them); the names it holds reach the real modules when used, and any other
    importer gets the real modules."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", LATER], capture_output=True, text=True, check=True)
    assert done.stdout.split("\n")[:5] == ["[]", "_Later", "module True", "True", "module"]


# -- memory: pseudo-styles, style-maps, let-go --------------------------------------------

STYLED_PAGE = (
    "<html lang=zh-Hans><style>"
    "body { font: 10.5pt 'Noto Serif CJK SC' } li::marker { color: #a00 }"
    ".fn { float: footnote } p.mark::after { content: '†' } h2::before { content: '§ ' }"
    "a[id]::before { content: '→'; -weasy-anchor: attr(id) }"
    "</style><h2>标题</h2>"
    + "".join(
        f"<p class=mark>第{i}段，<q>引文</q><span class=fn>脚注{i}。</span>"
        f"<a id=a{i}>锚</a>人工智能。</p><ul><li>甲</li><li>乙</li></ul>"
        for i in range(40)
    )
    + "<ol start=3><li>丙</li></ol></html>"
)


def _styled_pdf(tmp_path: Path, name: str, once: bool = True) -> bytes:
    import weasyprint

    weasy.apply()
    doc = weasyprint.HTML(string=STYLED_PAGE).render(pdf_variant="pdf/ua-1")
    path = tmp_path / f"{name}.pdf"
    with weasy.written_once() if once else contextlib.nullcontext():
        doc.write_pdf(path, pdf_variant="pdf/ua-1")
    return path.read_bytes()


def test_pseudo_element_styles_are_made_when_asked(tmp_path, monkeypatch):
    """The stylesheet gives every element a ::marker, ::footnote-call … cascade (six
    styles an element, 0.9 kB each); only list items and footnotes ask for them."""
    from weasyprint import css

    made: list[object] = []
    init = css.ComputedStyle.__init__

    def counting(self, parent_style, cascaded, pseudo_type, *args, **kwargs):
        made.append(pseudo_type)
        init(self, parent_style, cascaded, pseudo_type, *args, **kwargs)

    monkeypatch.setattr(css.ComputedStyle, "__init__", counting)
    out = {}
    for on in (True, False):
        monkeypatch.setattr(weasy, "LATER_PSEUDO", on)
        made.clear()
        out[on] = (_styled_pdf(tmp_path, str(on)), sum(p is not None for p in made))
    (ours, pseudo), (stock, stock_pseudo) = out[True], out[False]
    assert ours == stock  # markers, footnote calls, quotes, ::before/::after, anchors
    assert pseudo * 4 < stock_pseudo, (pseudo, stock_pseudo)
    text = _pdf_text(tmp_path / "True.pdf")
    assert "§ 标题" in text and "脚注39。" in text and "†" in text and "→锚" in text


def _pdf_text(path: Path) -> str:
    import pymupdf

    with pymupdf.open(path) as doc:
        return "".join(page.get_text() for page in doc)


def test_a_laid_out_documents_style_map_is_emptied(tmp_path, monkeypatch):
    """Every box holds its own style; the map of every element's style (and of every
    pseudo-element's cascade) sat in a reference cycle until a full collection."""
    from weasyprint import css

    maps: list[object] = []
    init = css.StyleFor.__init__

    def kept(self, *args, **kwargs):
        maps.append(self)
        init(self, *args, **kwargs)

    monkeypatch.setattr(css.StyleFor, "__init__", kept)
    out = {}
    for on in (True, False):
        monkeypatch.setattr(weasy, "RELEASE_STYLES", on)
        maps.clear()
        out[on] = _styled_pdf(tmp_path, str(on))
        assert maps and all(bool(m._computed_styles) is not on for m in maps)
    assert out[True] == out[False]


def test_pages_let_go_of_their_boxes_once_written(tmp_path):
    """While the print writer writes its document (the only time it does), each page's
    content stream is packed as it is drawn and its boxes are let go once tagged; the
    file is the same byte for byte."""
    import weasyprint

    weasy.apply()
    doc = weasyprint.HTML(string=STYLED_PAGE).render(pdf_variant="pdf/ua-1")
    assert len(doc.pages) > 1 and all(p._page_box.children for p in doc.pages)
    with weasy.written_once():
        ours = doc.write_pdf(pdf_variant="pdf/ua-1")
    assert all(p._page_box.children == () for p in doc.pages)
    stock = _styled_pdf(tmp_path, "stock", once=False)
    assert ours == stock
    stock_doc = weasyprint.HTML(string=STYLED_PAGE).render(pdf_variant="pdf/ua-1")
    stock_doc.write_pdf(pdf_variant="pdf/ua-1")
    assert all(p._page_box.children for p in stock_doc.pages)  # outside: untouched


def test_the_seed_pdf_is_the_same_bytes_with_and_without_the_memory_patches(
    seed_edition, tmp_path, monkeypatch
):
    from publish.writers import pdf

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    path = tmp_path / "ours.pdf"
    pdf.write(seed_edition, path)
    ours = path.read_bytes()
    monkeypatch.setattr(weasy, "LATER_PSEUDO", False)
    monkeypatch.setattr(weasy, "RELEASE_STYLES", False)
    monkeypatch.setattr(weasy, "written_once", contextlib.nullcontext)
    pdf.write(seed_edition, path)
    assert path.read_bytes() == ours


def test_justified_text_boxes_make_their_pango_layouts_once(seed_edition, tmp_path, monkeypatch):
    """Justifying a line gave each text box a Pango layout that was let go at once and made
    again to draw it: now made when drawn only, and the PDF is the same byte for byte."""
    from weasyprint.text import line_break

    from publish.writers import pdf

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    made = []
    real = line_break.Layout.setup
    monkeypatch.setattr(
        line_break.Layout, "setup", lambda self, style: made.append(1) or real(self, style)
    )
    path = tmp_path / "seed.pdf"
    pdf.write(seed_edition, path)
    ours, held = path.read_bytes(), len(made)
    monkeypatch.setattr(weasy, "HELD_LAYOUTS", False)
    made.clear()
    pdf.write(seed_edition, path)
    assert path.read_bytes() == ours
    assert held < len(made) - 100  # a layout for every justified text box, made for nothing


def test_pango_contexts_and_font_descriptions_are_made_once(seed_edition, tmp_path, monkeypatch):
    """Each text box's layout had a new Pango context and font description, made for its
    line and again to draw it; now one of each per direction and language, and per font.
    The PDF is the same byte for byte; the patch runs only over the code it repeats."""
    import hashlib

    from weasyprint.text import fonts, line_break

    from publish.writers import pdf

    weasy.apply()
    assert hashlib.sha256(
        inspect.getsource(inspect.unwrap(line_break.Layout.setup)).encode()
    ).hexdigest()[:16] == weasy.SETUP_SOURCE
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    made = []
    real = fonts.get_font_description
    monkeypatch.setattr(fonts, "get_font_description", lambda s: made.append(1) or real(s))
    path = tmp_path / "seed.pdf"
    pdf.write(seed_edition, path)
    ours, reused = path.read_bytes(), len(made)
    monkeypatch.setattr(weasy, "PANGO_REUSE", False)
    made.clear()
    monkeypatch.setattr(line_break, "get_font_description", fonts.get_font_description)
    pdf.write(seed_edition, path)
    assert path.read_bytes() == ours
    assert reused < 40 < len(made)
