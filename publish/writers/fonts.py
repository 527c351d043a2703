"""The edition's fonts, subset to the characters a book uses (``--embed-fonts``).

A reader without CJK fonts (many e-ink readers, some phone apps) shows boxes; embedding
whole Noto CJK faces would add 60-100 MB. Each face is cut to the characters set in it,
found by walking the AST the way the stylesheet assigns faces (styles/epub.css): serif
for text, sans for headings, table heads, captions and emphasis, bold where the CSS asks.
The Noto CJK files are TrueType collections holding every region's face (JP, KR, SC, TC,
HK): the face is picked from the collection by its family name.
"""

from __future__ import annotations

import functools
import io
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from publish import styles
from publish.errors import BuildError


@functools.cache
def css_families(code: str) -> dict[str, list[str]]:
    """The font families styles/fonts.css gives edition ``code``, by role (``serif``,
    ``sans``, ``mono``), in the order the stylesheet tries them."""
    css = styles.path("fonts.css").read_text("utf-8")
    block = re.search(r"html:lang\(" + re.escape(code) + r"\)\s*\{(.*?)\}", css, re.S)
    roles = re.findall(r"--(\w+):\s*([^;]*);", block.group(1)) if block else []
    return {role: re.findall(r'"([^"]+)"', value) for role, value in roles}


@dataclass(frozen=True)
class Face:
    family: str
    bold: bool

    def file_name(self, ext: str) -> str:
        return f"{self.family.replace(' ', '')}-{'Bold' if self.bold else 'Regular'}.{ext}"


def faces_used(ast: dict[str, Any], code: str, extra: dict[str, str]) -> dict[Face, set[str]]:
    """Each face edition ``code``'s book sets text in (the first serif and sans family
    fonts.css names), with the characters it sets. ``extra`` is text pandoc adds around
    the AST (title page, contents title), by role: "heading", "text"."""
    names = {role: css_families(code)[role][0] for role in ("serif", "sans")}
    used: dict[tuple[str, bool], set[str]] = {}

    def add(text: str, sans: bool, bold: bool) -> None:
        chars = {c for c in text if not c.isspace()}
        if chars:
            used.setdefault(("sans" if sans else "serif", bold), set()).update(chars)

    def walk(value: Any, sans: bool, bold: bool) -> None:
        if isinstance(value, list):
            for item in value:
                walk(item, sans, bold)
            return
        if not isinstance(value, dict):
            return
        if "t" not in value:  # a metadata map
            for item in value.values():
                walk(item, sans, bold)
            return
        t, c = value["t"], value.get("c")
        if t == "Str":
            add(c, sans, bold)
        elif t in ("Code", "CodeBlock"):
            add(c[1], True, bold)  # monospace first; CJK in code falls back to the sans
        elif t == "Math":
            add(c[1], sans, bold)
        elif t == "Header":
            walk(c[2], True, True)
        elif t == "Emph":
            walk(c, True, bold)
        elif t == "Strong":
            walk(c, sans, True)
        elif t == "Span" and "table-label" in c[0][1]:
            walk(c[1], sans, True)
        elif t == "Table":
            walk(c[1], True, bold)  # caption
            walk(c[3], True, True)  # head: th
            walk(c[4:], sans, bold)
        elif t == "Figure":
            walk(c[1], True, bold)
            walk(c[2], sans, bold)
        elif t == "DefinitionList":
            for term, defs in c:
                walk(term, sans, True)
                walk(defs, sans, bold)
        else:
            walk(c, sans, bold)

    walk(ast["blocks"], False, False)
    for role, text in extra.items():
        add(text, True, role == "heading")
    return {
        Face(names[style], bold): chars
        for (style, bold), chars in sorted(used.items(), key=lambda kv: (kv[0][0], kv[0][1]))
    }


@functools.cache
def locate(family: str, bold: bool) -> tuple[Path, int]:
    """The file holding ``family`` in that weight, and the face's index in it (by name)."""
    from fontTools.ttLib import TTCollection, TTFont

    fc = shutil.which("fc-list")
    style = "Bold" if bold else "Regular"
    files: list[str] = []
    if fc:
        out = subprocess.run(
            [fc, "-f", "%{file}\n", f":family={family}:style={style}"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        files = sorted({ln for ln in out.splitlines() if ln.strip()})
    for name in files:
        path = Path(name)
        collection = path.suffix.lower() in (".ttc", ".otc")
        with TTCollection(str(path), lazy=True) if collection else TTFont(str(path)) as f:
            for index, font in enumerate(f.fonts if collection else [f]):
                names = font["name"]
                fam = names.getDebugName(16) or names.getDebugName(1)
                sub = names.getDebugName(17) or names.getDebugName(2)
                if fam == family and sub == style:
                    return path, index
    raise BuildError(
        f"--embed-fonts: font {family} {style} not found; install it (Debian: fonts-noto-cjk)"
    )


def subset(face: Face, chars: set[str]) -> bytes:
    """``face`` cut to ``chars`` (those it has), as WOFF2 (WOFF when brotli is missing)."""
    from fontTools import subset as fts
    from fontTools.ttLib import TTFont

    path, index = locate(face.family, face.bold)
    # recalcTimestamp off: the same characters give the same bytes (reproducible builds)
    options = fts.Options()
    options.flavor = "woff2" if _has_brotli() else "woff"
    options.name_IDs = ["*"]  # keep the licence and the family name
    options.notdef_outline = True
    buf = io.BytesIO()
    with TTFont(str(path), fontNumber=index, lazy=True, recalcTimestamp=False) as font:
        sub = fts.Subsetter(options)
        sub.populate(text="".join(sorted(chars)))
        sub.subset(font)
        font.flavor = options.flavor
        font.save(buf)
    return buf.getvalue()


@functools.cache
def _has_brotli() -> bool:
    try:
        import brotli  # noqa: F401
    except ImportError:
        return False
    return True


def font_format() -> tuple[str, str]:
    """(file extension, CSS format name) of the subsets this machine writes."""
    return ("woff2", "woff2") if _has_brotli() else ("woff", "woff")
