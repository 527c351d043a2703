"""publish/writers/cff.py: the CIDs of a CFF font's glyphs, read from its charset."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.t2CharStringPen import T2CharStringPen
from fontTools.ttLib import TTFont

from publish.writers import cff

NOTO = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")


@pytest.fixture(scope="module")
def noto() -> Iterator[TTFont]:
    if not NOTO.exists():
        pytest.skip("fonts-noto-cjk not installed")
    with TTFont(NOTO, fontNumber=0, lazy=True) as font:
        yield font


def test_a_noto_cjk_face_names_each_glyph_by_its_own_id(noto):
    table = noto.reader["CFF "]
    gids = [0, 1, 2, 104, 30000, 65534]
    assert cff.of(table, gids) == gids
    names = noto["CFF "].cff.topDictIndex[0].charset  # fontTools, the slow way
    assert [int(names[g][3:]) if g else 0 for g in gids] == gids


def test_a_glyph_beyond_the_font_has_no_cid(noto):
    assert cff.of(noto.reader["CFF "], [0, 65535]) is None


def _cid_font(cids: list[int]) -> bytes:
    """A CID-keyed CFF table whose glyph i (i ≥ 1) has CID cids[i - 1]."""
    names = [".notdef", *(f"cid{c:05d}" for c in cids)]
    fb = FontBuilder(1000, isTTF=False)
    fb.setupGlyphOrder(names)
    pen = T2CharStringPen(500, None)
    pen.moveTo((0, 0))
    pen.lineTo((100, 0))
    pen.lineTo((100, 100))
    pen.closePath()
    fb.setupCFF("Test", {"FullName": "Test"}, {n: pen.getCharString() for n in names}, {})
    font = fb.font
    top = font["CFF "].cff.topDictIndex[0]
    top.ROS = ("Adobe", "Identity", 0)  # CID-keyed: compiled with a CID charset and FDs
    top.CIDCount = max(cids) + 1
    from fontTools.cffLib import FDArrayIndex, FDSelect, FontDict

    fd = FontDict()
    fd.setCFF2(False)
    fd.Private = top.Private
    fd.Private.parent = fd
    top.FDArray = FDArrayIndex()
    top.FDArray.append(fd)
    top.FDSelect = FDSelect()
    top.FDSelect.gidArray = [0] * len(names)
    top.FDSelect.format = 0
    top.charset = names
    buf = io.BytesIO()
    font.save(buf)
    return TTFont(io.BytesIO(buf.getvalue())).reader["CFF "]


def test_a_font_whose_cids_are_not_its_glyph_ids():
    table = _cid_font([5, 3, 9, 10, 11])
    assert cff.of(table, [0, 1, 2, 3, 5]) == [0, 5, 3, 9, 11]
    assert cff.holds(table, [0, 3, 5, 11])
    assert not cff.holds(table, [0, 4])


def test_a_name_keyed_font_has_no_cids():
    fb = FontBuilder(1000, isTTF=False)
    fb.setupGlyphOrder([".notdef", "A"])
    pen = T2CharStringPen(500, None)
    fb.setupCFF(
        "Test", {"FullName": "Test"}, {".notdef": pen.getCharString(), "A": pen.getCharString()}, {}
    )
    buf = io.BytesIO()
    fb.font.save(buf)
    table = TTFont(io.BytesIO(buf.getvalue())).reader["CFF "]
    assert cff.of(table, [0, 1]) is None
    assert not cff.holds(table, [0])


@pytest.mark.parametrize("junk", [b"", b"\x01", b"\x02\x00\x04\x04", b"\x01\x00\x04\x04\xff\xff"])
def test_junk_is_no_font(junk):
    assert cff.of(junk, [0]) is None
    assert not cff.holds(junk, [0])
