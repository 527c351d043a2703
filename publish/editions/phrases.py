"""Which phrases a phrase-level OpenCC config changed, for the reviewer's list.

OpenCC's phrase configs are their character-level twin plus one more dictionary step
(``s2twp`` = ``s2tw`` + TWPhrases; ``s2hk`` = ``s2t`` + HK variants). Where the two outputs
differ, the dictionary entry that made the difference is looked up, so the list says
"数据 → 資料", not a character diff. The ``.ocd2`` dictionaries are dumped to text once with
the ``opencc_dict`` tool that ships in the wheel.
"""

from __future__ import annotations

import difflib
import functools
import os
import subprocess
import tempfile
from pathlib import Path

import opencc

# phrase config -> (character-level twin, dictionaries of the extra step)
EXTRA = {
    "s2twp": ("s2tw", ("TWPhrases",)),
    "s2hk": ("s2t", ("HKVariantsPhrases", "HKVariants")),
}
LONGEST = 12  # no dictionary key is longer than this many characters


def _clib() -> Path:
    return Path(opencc.__file__).parent / "clib"


@functools.cache
def dictionary(name: str) -> dict[str, str]:
    """An OpenCC dictionary as {key: first value}; empty if it cannot be read."""
    clib = _clib()
    tool = clib / "bin" / "opencc_dict"
    src = clib / "share" / "opencc" / f"{name}.ocd2"
    if not tool.exists() or not src.exists():
        return {}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"{name}.txt"
        proc = subprocess.run(
            [str(tool), "-i", str(src), "-o", str(out), "-f", "ocd2", "-t", "text"],
            capture_output=True,
            check=False,
            env={**os.environ, "LC_ALL": "C.UTF-8"},
        )
        if proc.returncode != 0 or not out.exists():
            return {}
        entries = {}
        for line in out.read_text("utf-8").splitlines():
            key, _, values = line.partition("\t")
            if key and values:
                entries[key] = values.split(" ")[0]
        return entries


@functools.cache
def extra_dictionary(config: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for name in reversed(EXTRA.get(config, ("", ()))[1]):
        merged.update(dictionary(name))  # earlier dictionaries win, as in short_circuit
    return merged


def changes(config: str, src: str, base: str, full: str) -> list[tuple[str, str]]:
    """(source phrase, result) for every place where ``full`` differs from ``base``."""
    if base == full:
        return []
    words = extra_dictionary(config)
    aligned = len(base) == len(src)
    out: list[tuple[str, str]] = []
    done = 0  # base[:done] is explained already
    sm = difflib.SequenceMatcher(None, base, full, autojunk=False)
    raw = [(i1, i2, j1) for op, i1, i2, j1, _ in sm.get_opcodes() if op != "equal"]
    merged = _hunks(base, full)
    for i1, i2, j1 in raw:
        if i1 < done or (i1 == i2 and i1 == done and out):
            continue
        hit = _entry(words, base, full, i1, i2, j1)
        if hit:
            s, e, value = hit
            out.append((src[s:e] if aligned else base[s:e], value))
            done = e
            continue
        # No dictionary entry explains it: show the whole changed region around it.
        m1, m2, n1, n2 = next(h for h in merged if h[0] <= i1 and i2 <= h[1])
        if m2 - m1 <= 1 and m1 > 0:  # one character alone says little: show its neighbour
            m1, n1 = m1 - 1, n1 - 1
        out.append((src[m1:m2] if aligned else base[m1:m2], full[n1:n2]))
        done = max(m2, i1 + 1)
    return out


def _hunks(base: str, full: str) -> list[tuple[int, int, int, int]]:
    """Changed regions; two changes one character apart are one region ("集群" → "叢集"
    is an insertion and a deletion to difflib)."""
    sm = difflib.SequenceMatcher(None, base, full, autojunk=False)
    merged: list[list[int]] = []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            continue
        if merged and i1 - merged[-1][1] <= 1 and j1 - merged[-1][3] <= 1:
            merged[-1][1], merged[-1][3] = i2, j2
        else:
            merged.append([i1, i2, j1, j2])
    return [(a, b, c, d) for a, b, c, d in merged]


def _entry(
    words: dict[str, str], base: str, full: str, i1: int, i2: int, j1: int
) -> tuple[int, int, str] | None:
    """The longest dictionary key around base[i1:i2] whose value stands in ``full``."""
    best = None
    for s in range(max(0, i1 - LONGEST), i1 + 1):
        for e in range(max(i2, s + 1), min(len(base), s + LONGEST) + 1):
            value = words.get(base[s:e])
            if value is None:
                continue
            start = j1 - (i1 - s)
            fits = start >= 0 and full[start : start + len(value)] == value
            if fits and (best is None or e - s > best[1] - best[0]):
                best = (s, e, value)
    return best
