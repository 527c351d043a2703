"""The CIDs of a CID-keyed CFF font's glyphs, read from its charset.

Enough of the Compact Font Format (Adobe Technical Note #5176) for the PDF writer's font
subsetting (weasy.py, ``cid-subset``): the header, the Name and Top DICT INDEXes, the Top
DICT's operators and the charset. fontTools reads the same, but builds the name of every
glyph to do it: 30–50 ms for a Noto CJK face, where this reads the few ranges of its
charset (the subsetting it makes possible saves about 25 ms a face).
"""

from __future__ import annotations

import struct
from collections.abc import Iterator, Sequence

ROS = 1230  # 12 30: the first operator of a CID-keyed font's Top DICT
CHARSET = 15
CHARSTRINGS = 17


class Unreadable(ValueError):
    """Not a CFF table this module understands."""


def of(cff: bytes | memoryview, gids: Sequence[int]) -> list[int] | None:
    """The CID of each glyph id in ``gids`` (ascending), or None when ``cff`` is not a
    readable CID-keyed CFF table or a glyph id is beyond its glyphs."""
    try:
        charset, count = _top(memoryview(cff))
        out = []
        ranges = _ranges(memoryview(cff), charset, count)
        first, last, cid = 0, 0, 0  # glyph 0 is .notdef, CID 0
        for gid in gids:
            if gid >= count:
                return None
            while gid > last:
                first, cid, span = next(ranges)
                last = first + span
            out.append(cid + gid - first)
        return out
    except (Unreadable, struct.error, IndexError, StopIteration):
        return None


def holds(cff: bytes | memoryview, cids: Sequence[int]) -> bool:
    """Whether ``cff`` is a readable CID-keyed CFF table with a glyph for each CID in
    ``cids``, once each."""
    try:
        charset, count = _top(memoryview(cff))
        seen: set[int] = set()
        total = 0
        for first, cid, span in [(0, 0, 0), *_ranges(memoryview(cff), charset, count)]:
            seen.update(range(cid, cid + span + 1))
            total += span + 1
            if first + span >= count - 1:
                break
        return total == len(seen) and seen.issuperset(cids)
    except (Unreadable, struct.error, IndexError):
        return False


def _top(cff: memoryview) -> tuple[int, int]:
    """(charset offset, number of glyphs) of a CID-keyed font; raises Unreadable."""
    if len(cff) < 4 or cff[0] != 1:
        raise Unreadable("not CFF version 1")
    at = _skip_index(cff, cff[2])  # header, then the Name INDEX
    top = next(_entries(cff, at), None)
    if top is None:
        raise Unreadable("no Top DICT")
    ops = dict(_dict(top))
    if next(iter(ops), None) != ROS or CHARSET not in ops or CHARSTRINGS not in ops:
        raise Unreadable("not a CID-keyed font")
    charset, strings = ops[CHARSET][-1], ops[CHARSTRINGS][-1]
    count = struct.unpack_from(">H", cff, int(strings))[0]
    if charset < 3:  # the predefined charsets name glyphs, not CIDs
        raise Unreadable("predefined charset")
    return int(charset), count


def _ranges(cff: memoryview, at: int, count: int) -> Iterator[tuple[int, int, int]]:
    """(first glyph id, its CID, glyphs after it) of each run of consecutive CIDs, from
    glyph 1 on."""
    fmt = cff[at]
    gid, at = 1, at + 1
    while gid < count:
        if fmt == 0:
            cid = struct.unpack_from(">H", cff, at)[0]
            at, span = at + 2, 0
        elif fmt in (1, 2):
            cid = struct.unpack_from(">H", cff, at)[0]
            span = cff[at + 2] if fmt == 1 else struct.unpack_from(">H", cff, at + 2)[0]
            at += 3 if fmt == 1 else 4
        else:
            raise Unreadable(f"charset format {fmt}")
        yield gid, cid, span
        gid += span + 1


def _skip_index(cff: memoryview, at: int) -> int:
    """The offset just after the INDEX at ``at``."""
    count = struct.unpack_from(">H", cff, at)[0]
    if count == 0:
        return at + 2
    size = cff[at + 2]
    last = _offset(cff, at + 3 + count * size, size)
    return at + 3 + (count + 1) * size - 1 + last


def _entries(cff: memoryview, at: int) -> Iterator[memoryview]:
    count = struct.unpack_from(">H", cff, at)[0]
    if count == 0:
        return
    size = cff[at + 2]
    data = at + 3 + (count + 1) * size - 1  # offsets count from the byte before the data
    for i in range(count):
        lo = _offset(cff, at + 3 + i * size, size)
        hi = _offset(cff, at + 3 + (i + 1) * size, size)
        if not 1 <= lo <= hi or data + hi > len(cff):
            raise Unreadable("INDEX out of bounds")
        yield cff[data + lo : data + hi]


def _offset(cff: memoryview, at: int, size: int) -> int:
    if not 1 <= size <= 4:
        raise Unreadable(f"offset size {size}")
    return int.from_bytes(cff[at : at + size], "big")


def _dict(data: memoryview) -> Iterator[tuple[int, list[float]]]:
    """(operator, operands) of a DICT, in order; a two-byte operator 12 x is 1200 + x."""
    operands: list[float] = []
    i = 0
    while i < len(data):
        b = data[i]
        if b <= 21:
            if b == 12:
                b, i = 1200 + data[i + 1], i + 1
            yield b, operands
            operands, i = [], i + 1
        elif b == 28:
            operands.append(struct.unpack_from(">h", data, i + 1)[0])
            i += 3
        elif b == 29:
            operands.append(struct.unpack_from(">i", data, i + 1)[0])
            i += 5
        elif b == 30:  # a real number: nibbles up to 0xf; its value is not needed here
            i += 1
            while i < len(data) and 0xF not in (data[i] >> 4, data[i] & 0xF):
                i += 1
            operands.append(0.0)
            i += 1
        elif 32 <= b <= 246:
            operands.append(b - 139)
            i += 1
        elif 247 <= b <= 250:
            operands.append((b - 247) * 256 + data[i + 1] + 108)
            i += 2
        elif 251 <= b <= 254:
            operands.append(-(b - 251) * 256 - data[i + 1] - 108)
            i += 2
        else:
            raise Unreadable(f"DICT byte {b}")
