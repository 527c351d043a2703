"""Print's Han–Latin gaps and ties as characters (spacing.GAP, spacing.TIE), not spans: where
they go in the AST, that text measures ignore them, that the patched layout widens only
the gap, and that a reader of the PDF (text, bookmarks) never meets them."""

from __future__ import annotations

import pymupdf
import pytest

from publish.ast import Code, Para, Plain, Str, Strong, classes, elements, stringify, text
from publish.writers import pdf, spacing
from publish.writers.spacing import GAP, TIE
from tests import readback
from tests.conftest import build


def para(*inlines):
    return Para(list(inlines))


def texts(blocks):
    return [text(e) for e in elements(blocks) if e["t"] == "Str"]


def spans(blocks):
    return [classes(e) for e in elements(blocks) if e["t"] == "Span"]


def test_joined_gaps_are_characters_beside_each_western_run():
    blocks = [para(Str("在2024年，GPT-4o与"), Strong([Str("Gemini")]), Str("发布"))]
    spacing.mark(blocks, joined=True)
    assert not spans(blocks)
    assert texts(blocks) == [f"在{GAP}2024{GAP}年，GPT-4o{GAP}与", f"{GAP}Gemini{GAP}", "发布"]
    # the text as written, once the joiners are taken out
    assert stringify(blocks).replace(GAP, "") == "在2024年，GPT-4o与Gemini发布"


def test_joined_gaps_leave_punctuation_and_code_as_before():
    blocks = [para(Str("（CNN）和"), Code("pip"), Str("安装"))]
    spacing.mark(blocks, joined=True)
    assert texts(blocks)[0] == "（CNN）和"  # no gap between Western text and CJK punctuation
    # inline code keeps its span (a box of its own either way)
    assert spans(blocks) == [["latin", "gap-start", "gap-end"]]


def test_margins_mode_is_unchanged():
    blocks = [para(Str("在2024年"))]
    spacing.mark(blocks)
    assert GAP not in "".join(texts(blocks))
    assert spans(blocks) == [["han-latin"], ["latin", "gap-start", "gap-end"]]


def test_a_tie_is_not_counted_as_width():
    assert pdf._em(f"统一处理多种模态数{TIE}据") == pdf._em("统一处理多种模态数据") == 10


def cite(n: str):
    return {"t": "Cite", "c": [[], [Str(f"[{n}]")]]}


def test_ties_keep_the_last_two_characters_and_citation_marks(tmp_path):
    blocks = [para(Str("降低了门槛"), cite("1"), Str("。其后提高效率。"))]
    joined = [para(Str("降低了门槛"), cite("1"), Str("。其后提高效率。"))]
    pdf._keep_marks_with_text(joined, joined=True)
    pdf._no_lone_last_character(joined, joined=True)
    assert texts(joined)[0] == f"降低了门槛{TIE}"
    assert texts(joined)[-1] == f"{TIE}。其后提高效{TIE}率。"
    assert not spans(joined)
    # without the patched layout: nobr spans, as before
    pdf._keep_marks_with_text(blocks, joined=False)
    pdf._no_lone_last_character(blocks, joined=False)
    assert spans(blocks) == [["nobr"], ["nobr"]]


def test_a_short_cell_with_a_tie_is_still_kept_on_one_line():
    cell = [Plain([Str(f"统一处理多种模态数{TIE}据")])]
    table = _table([[cell, [Plain([Str("短")])]]])
    pdf._short_cells_whole([table], 44)
    assert ["nobr"] in spans([table])


def _table(rows):
    def c(blocks):
        return [["", [], []], {"t": "AlignDefault"}, 1, 1, blocks]

    body_rows = [[["", [], []], [c(b) for b in row]] for row in rows]
    return {
        "t": "Table",
        "c": [
            ["", [], []],
            [None, []],
            [[{"t": "AlignDefault"}, {"t": "ColWidthDefault"}]] * 2,
            [["", [], []], []],
            [[["", [], []], 0, [], body_rows]],
            [["", [], []], []],
        ],
    }


@pytest.fixture(scope="module")
def joined_pdf(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("joined")
    src = tmp / "j.md"
    src.write_text(
        "---\ntitle: 连接符\n---\n\n# 2024年的GPT-4o\n\n"
        "在2024年，GPT-4o与Gemini先后发布，研究人员降低了门槛[^1]。其后提高效率。\n\n"
        "[^1]: 见2024年的报告。\n",
        "utf-8",
    )
    build(src, tmp / "out", "pdf", "zh-Hans")
    return tmp / "out" / "j" / "j.zh-Hans.pdf"


def test_a_reader_never_meets_a_joiner(joined_pdf):
    text = readback.pdf_text(joined_pdf)
    assert "在2024年，GPT-4o与Gemini先后发布" in text.replace("\n", "")
    with pymupdf.open(joined_pdf) as doc:
        raw = "".join(p.get_text() for p in doc)
        outline = [title for _, title, *_ in doc.get_toc()]
    assert GAP not in raw and TIE not in raw
    assert "2024年的GPT-4o" in outline[0]
    assert not any(GAP in t or TIE in t for t in outline)


def test_the_gap_prints_a_quarter_em(joined_pdf):
    with pymupdf.open(joined_pdf) as doc:
        found = []
        for page in doc:
            for block in page.get_text("rawdict", flags=pymupdf.TEXT_INHIBIT_SPACES)["blocks"]:
                for line in block.get("lines", []):
                    chars = [dict(c, size=s["size"]) for s in line["spans"] for c in s["chars"]]
                    for a, b in zip(chars, chars[1:], strict=False):
                        if (a["c"], b["c"]) in (("在", "2"), ("4", "年"), ("o", "与"), ("的", "G")):
                            found.append((b["bbox"][0] - a["bbox"][2]) / b["size"])
    assert len(found) >= 6  # body, note, heading, contents
    assert all(0.24 <= g <= 0.27 for g in found), found


