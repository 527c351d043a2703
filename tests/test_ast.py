"""The AST layer: the identity pipeline keeps pandoc's JSON (as panflute tests it)."""

from __future__ import annotations

import copy
import json

import pytest

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
