"""No tofu: before layout, every character the print edition sets is checked against the
fonts that edition uses; a character none of them has is a ``glyph-missing`` warning with
the character and its source line (``--strict`` makes it fatal).

"The fonts that edition uses" are the families styles/fonts.css names for the edition's
language (serif, sans, mono) plus the fallbacks scripts/sysdeps.sh installs for what CJK
fonts lack (DejaVu for symbols, Noto Color Emoji; DejaVu Serif is also what fontconfig
gives the stylesheets' generic ``serif``). A character counts as covered when some style
of one of those families has the glyph: Pango draws a bold run's character from a regular
face that has it rather than print a box (corpus real-docs/41's 𝑓(𝑥), U+1D453, prints
from DejaVu Serif, which has no bold of it). Whatever else happens to be installed on the
build machine is not counted, so the check says the same on every machine that ran
``make``.
"""

from __future__ import annotations

import bisect
import functools
import html
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Iterator
from typing import Any

from publish.ast import elements
from publish.document import Edition
from publish.writers.fonts import css_families

FALLBACK = ("DejaVu Sans", "DejaVu Serif", "DejaVu Sans Mono", "Noto Color Emoji")
REPORTED = 20  # characters named one by one; the rest are counted

_TAG = re.compile(r"<[^>]*>")


def check(edition: Edition) -> list[str]:
    """Warn about each character of ``edition`` that no font of it has; return them."""
    texts = [edition.title, *edition.labels.values(), *_texts(edition.ast)]
    chars: set[str] = set()
    for text in texts:
        chars.update(text)
    fonts = _fonts(families(edition.code))
    if not fonts:  # no fontconfig to ask: say so rather than call every character missing
        edition.doc.info("glyphs-unchecked", f"{edition.code} pdf: fc-list found no fonts")
        return []
    bad = {ch for ch in chars if _needs_glyph(ch) and not _covered(fonts, ord(ch))}
    if not bad:
        return []
    missing = list(dict.fromkeys(ch for text in texts for ch in text if ch in bad))
    for ch in missing[:REPORTED]:
        name = unicodedata.name(ch, "unnamed")
        edition.doc.warn(
            "glyph-missing",
            f"{edition.code} pdf: no font of this edition has “{ch}” (U+{ord(ch):04X} {name}); "
            "it prints as an empty box: replace it, or install a font that has it",
            edition.doc.line_of(ch),
            char=ch,
        )
    if len(missing) > REPORTED:
        edition.doc.warn(
            "glyph-missing",
            f"{edition.code} pdf: {len(missing) - REPORTED} more characters no font has",
        )
    return missing


@functools.cache
def families(code: str) -> tuple[str, ...]:
    """The font families styles/fonts.css names for ``code``, then the fallbacks."""
    names = [n for role in css_families(code).values() for n in role]
    return tuple(dict.fromkeys([*names, *FALLBACK]))


# Weights no stylesheet sets: DejaVu Sans ExtraLight lacks symbols (☐ ☒) the others have.
LIGHT = re.compile(r"Light|Thin|Hairline", re.I)
Ranges = tuple[list[int], list[int]]  # sorted starts and ends of a font's code point ranges


@functools.cache
def _fonts(names: tuple[str, ...]) -> tuple[tuple[Ranges, ...], ...]:
    """For each of ``names`` installed, the code point ranges of each of its styles
    (fontconfig's charsets): a few bisections per character, where sets of every code
    point would cost 0.1 s to build per process."""
    if shutil.which("fc-list") is None:
        return ()
    out = subprocess.run(
        ["fc-list", "--format", "%{family}|%{style}|%{charset}\n"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    styles: dict[str, list[Ranges]] = {}
    for line in out.splitlines():
        fams, _, rest = line.partition("|")
        style, _, charset = rest.partition("|")
        if LIGHT.search(style):  # no stylesheet asks for these weights
            continue
        for fam in fams.split(","):
            if fam in names:
                styles.setdefault(fam, []).append(_ranges(charset))
    return tuple(tuple(v) for v in styles.values())


def _ranges(charset: str) -> Ranges:
    starts, ends = [], []
    for part in charset.split():
        lo, _, hi = part.partition("-")
        starts.append(int(lo, 16))
        ends.append(int(hi or lo, 16))
    return starts, ends


def _covered(fonts: tuple[tuple[Ranges, ...], ...], cp: int) -> bool:
    """Some style of some family has ``cp``."""

    def has(r: Ranges) -> bool:
        i = bisect.bisect_right(r[0], cp) - 1
        return i >= 0 and cp <= r[1][i]

    return any(has(r) for family in fonts for r in family)


def _needs_glyph(ch: str) -> bool:
    # Spaces, controls, format characters (ZWJ, ZWSP) and variation selectors draw nothing.
    if ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf", "Zs", "Zl", "Zp"):
        return False
    cp = ord(ch)
    return not (0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF)


def _texts(value: Any) -> Iterator[str]:
    """Every piece of text the page sets: words, code, raw HTML's text, metadata. Math is
    drawn from its own font (writers/math.py) and is not counted here."""
    for e in elements(value):
        t, c = e["t"], e.get("c")
        if t in ("Str", "MetaString"):
            yield c
        elif t in ("Code", "CodeBlock"):
            yield c[1]
        elif t in ("RawInline", "RawBlock") and c[0] == "html":
            yield html.unescape(_TAG.sub(" ", c[1]))
