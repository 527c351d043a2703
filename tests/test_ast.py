"""The AST layer: the identity pipeline keeps pandoc's JSON (as panflute tests it)."""

from __future__ import annotations

import copy
import json

import pytest

from publish import ast as A
from publish import pandoc
from publish.ast import Filter, elements, run_filters, stringify, walk
from publish.document import Document
from tests.conftest import CORPUS, SEED

SOURCES = [
    SEED,
    CORPUS / "pandoc" / "testsuite.md",
    *sorted((CORPUS / "real-reports").glob("[0-9]*.md")),
]


@pytest.mark.parametrize("src", [s for s in SOURCES if s.exists()], ids=lambda p: p.stem[:14])
def test_identity_pipeline_keeps_pandoc_json(src):
    ast, _ = pandoc.read_markdown(src.read_text("utf-8"), str(src))
    before = copy.deepcopy(ast)
    doc = Document(source=src, stem="x", ast=ast)
    run_filters([Filter()], doc)
    assert ast == before
    again, _ = pandoc.filter_json(ast, [], "round trip")
    assert again == before


def test_actions_replace_splice_and_delete():
    ast, _ = pandoc.read_markdown("一 *二* 三\n\n删掉\n", "t")

    def action(elem, doc):
        if elem["t"] == "Emph":
            return elem["c"]  # splice the children in place of the Emph
        if elem["t"] == "Para" and stringify(elem) == "删掉":
            return []
        if elem["t"] == "Str" and elem["c"] == "三":
            return {"t": "Str", "c": "3"}
        return None

    walk(ast["blocks"], action, None)
    assert [b["t"] for b in ast["blocks"]] == ["Para"]
    assert stringify(ast["blocks"]) == "一 二 3"
    assert not [e for e in elements(ast["blocks"]) if e["t"] == "Emph"]


def test_walk_is_children_first():
    ast, _ = pandoc.read_markdown("**粗*斜*体**\n", "t")
    seen = []
    walk(ast["blocks"], lambda e, d: seen.append(e["t"]), None)
    assert seen.index("Emph") < seen.index("Strong") < seen.index("Para")
    assert json.dumps(ast)  # still plain JSON


SAMPLE = (
    "# 标题 {#h .c k=v}\n\n"
    '一 *二 [链接](https://a.example/x "提示")* 三[^1] <https://b.example/> `代码` $x$\n\n'
    "[^1]: 注 **粗**\n\n"
    "| 甲 | 乙 |\n|---|---|\n| 1 | 2 |\n\n"
    "![图](p.png)\n\n"
    "```py\ncode\n```\n"
)


def _sample():
    ast, _ = pandoc.read_markdown(SAMPLE, "t")
    return ast


def _first(ast, kind):
    return next(e for e in elements(ast["blocks"]) if e["t"] == kind)


def test_accessors_read_pandocs_positions():
    ast = _sample()
    h = _first(ast, "Header")
    assert (A.level(h), A.ident(h), A.classes(h), A.attributes(h)) == (1, "h", ["c"], [["k", "v"]])
    assert A.stringify(A.inlines_of(h)) == "标题"
    link = _first(ast, "Link")
    assert (A.url(link), A.title(link)) == ("https://a.example/x", "提示")
    assert A.stringify(A.inlines_of(link)) == "链接"
    assert not A.shows_address(link)
    auto = [e for e in elements(ast["blocks"]) if e["t"] == "Link"][1]
    assert A.shows_address(auto)  # <https://…>: class "uri", text is the address
    assert A.text(_first(ast, "Code")) == "代码"
    assert A.text(_first(ast, "Math")) == "x" and A.math_kind(_first(ast, "Math")) == "InlineMath"
    block = _first(ast, "CodeBlock")
    assert A.text(block) == "code" and A.classes(block) == ["py"]
    assert A.stringify(A.blocks_of(_first(ast, "Note"))) == "注 粗"
    table = _first(ast, "Table")
    assert [A.stringify(A.cell_blocks(c)) for c in A.cells(table)] == ["甲", "乙", "1", "2"]
    assert len(A.head_rows(table)) == 1 and len(A.colspecs(table)) == 2
    image = _first(ast, "Image")
    assert A.url(image) == "p.png"


def test_setters_change_the_tree_pandoc_reads_back():
    ast = _sample()
    h = _first(ast, "Header")
    A.set_ident(h, "new")
    A.set_url(_first(ast, "Link"), "https://c.example/")
    A.set_text(_first(ast, "Str"), "题")
    html = pandoc.filter_json(ast, [], "t")[0]
    assert A.ident(_first(html, "Header")) == "new"
    assert A.url(_first(html, "Link")) == "https://c.example/"
    assert A.text(_first(html, "Str")) == "题"


def test_constructors_are_pandoc_json():
    para = A.Para([A.Str("字"), A.Space(), A.Link([A.Str("l")], "https://x.example/")])
    doc = {"pandoc-api-version": _sample()["pandoc-api-version"], "meta": {}, "blocks": [para]}
    again, _ = pandoc.filter_json(doc, [], "t")
    assert again["blocks"] == [para]


def test_places_reach_parents_and_siblings():
    ast = _sample()
    seen = {p.elem["t"]: p for p in A.places(ast["blocks"])}
    emph = seen["Emph"]
    assert emph.parent.elem["t"] == "Para" and emph.prev == {"t": "Space"}
    assert emph.siblings[emph.index] is emph.elem
    inner = next(p for p in A.places(ast["blocks"]) if p.elem["t"] == "Strong")
    assert inner.inside("Note") and not emph.inside("Note")
    assert [a["t"] for a in inner.ancestors()] == ["Para", "Note", "Para"]
    # skip: nothing under a note
    assert "Strong" not in {p.elem["t"] for p in A.places(ast["blocks"], skip=("Note",))}


def test_places_see_a_replacement_children():
    ast, _ = pandoc.read_markdown("*一* 二\n", "t")
    seen = []
    for p in A.places(ast["blocks"]):
        seen.append(p.elem["t"])
        if p.elem["t"] == "Emph":
            p.siblings[p.index] = A.Strong([A.Str("三")])
    assert seen == ["Para", "Emph", "Str", "Space", "Str"]
    assert A.stringify(ast["blocks"]) == "三 二"


def test_fresh_and_short():
    assert A.fresh("a", {"a", "a-2"}) == "a-3"
    assert A.short("x" * 61) == "x" * 59 + "…" and A.short("x" * 60) == "x" * 60


@pytest.mark.parametrize(
    ("markdown", "shows"),
    [
        ("<https://a.example/x>", True),  # pandoc's autolink: class uri
        ("<me@a.example>", True),  # class email
        ("[https://a.example/x](https://a.example/x)", True),  # its text is its address
        ("[见 https://a.example/](https://a.example/)", True),  # an address in its text
        ("[来源](https://a.example/x)", False),  # prose
        ("[a.example](https://a.example/)", False),  # a name, not the address
    ],
)
def test_shows_address_is_the_one_decision(markdown, shows):
    """Editions leave such text unconverted, quotes and Han-Latin spacing leave it alone."""
    ast, _ = pandoc.read_markdown(markdown + "\n", "t", "markdown")
    (link,) = [e for e in elements(ast["blocks"]) if e["t"] == "Link"]
    assert A.shows_address(link) is shows


def test_pandoc_writes_the_schema_the_node_layer_knows():
    """A pandoc upgrade that moves an element's fields fails here, not in a writer."""
    ast, _ = pandoc.read_markdown("x\n", "t")
    assert tuple(ast["pandoc-api-version"][:2]) == A.API
