"""TeX math for the print edition: WeasyPrint draws no MathML, so each formula becomes an
SVG picture (``ziamath``: pure Python, STIX Two Math), carried as a ``data:`` image.

Sizes are in ``em`` of the surrounding text (the SVG is drawn at :data:`SIZE` px = 1 em),
and an inline formula sits on the text's baseline (``vertical-align`` by its depth below
the baseline). The TeX stays as the picture's ``alt`` text, never on the page. A formula
ziamath cannot draw is written as plain text by pandoc (Unicode letters and symbols), with
a ``math-unreadable`` warning.
"""

from __future__ import annotations

import base64
import functools
import re
import warnings
from html import escape
from typing import Any

from publish import pandoc
from publish.ast import Element
from publish.document import Document

SIZE = 16.0  # px drawn per em
VIEWBOX = re.compile(r'viewBox="([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+)"')


@functools.lru_cache(maxsize=4096)
def svg_img(tex: str, display: bool) -> str | None:
    """``<img>`` HTML for one formula, or None when ziamath cannot draw it."""
    with warnings.catch_warnings():
        # ziamath 0.13 finds its font with importlib.resources.path (deprecated in 3.11)
        warnings.simplefilter("ignore", DeprecationWarning)
        import ziamath

    try:
        svg = ziamath.Latex(tex, size=SIZE, inline=not display).svg()
    except Exception:  # ziamath raises many kinds on TeX it cannot parse
        return None
    m = VIEWBOX.search(svg)
    if m is None:
        return None
    _, top, width, height = (float(v) for v in m.groups())
    depth = height + top  # below the baseline (y = 0)
    style = f"width:{width / SIZE:.3f}em;height:{height / SIZE:.3f}em"
    if not display:
        style += f";vertical-align:{-depth / SIZE:.3f}em"
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    kind = "display" if display else "inline"
    return (
        f'<span class="math {kind}"><img class="math-svg" alt="{escape(tex)}" '
        f'style="{style}" src="data:image/svg+xml;base64,{data}"></span>'
    )


def typeset(ast: dict[str, Any], doc: Document, what: str) -> None:
    """Every Math element of ``ast`` (an edition's private copy) drawn as SVG."""
    failed: list[Element] = []
    reasons: dict[int, str] = {}  # a formula's characters the math font has not
    stack: list[Any] = [ast["blocks"]]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            for i, elem in enumerate(item):
                if isinstance(elem, dict) and elem.get("t") == "Math":
                    kind, tex = elem["c"]
                    lacking = [c for c in dict.fromkeys(tex) if ord(c) > 127 and not _drawn(c)]
                    img = None if lacking else svg_img(tex, kind["t"] == "DisplayMath")
                    if img is None:
                        failed.append(elem)
                        reasons[id(elem)] = "".join(lacking)
                    else:
                        item[i] = {"t": "RawInline", "c": ["html", img]}
                else:
                    stack.append(elem)
        elif isinstance(item, dict):
            stack.append(item.get("c") if "t" in item else list(item.values()))
    if failed:
        _as_text(failed, ast["pandoc-api-version"], doc, what, reasons)


@functools.cache
def _math_font() -> frozenset[int]:
    """The code points of ziamath's math font (STIX Two Math): it draws CJK text in a
    formula (``\\text{速度}``) as empty boxes, so such a formula is set as text instead."""
    from importlib.resources import files

    from fontTools.ttLib import TTFont

    fonts = (files("ziamath") / "fonts").iterdir()
    path = next(p for p in fonts if p.name.endswith((".otf", ".ttf")))
    with path.open("rb") as f:
        return frozenset(TTFont(f, lazy=True)["cmap"].getBestCmap())


def _drawn(ch: str) -> bool:
    return ord(ch) in _math_font()


def _as_text(
    formulas: list[Element], api: list[int], doc: Document, what: str, reasons: dict[int, str]
) -> None:
    """Formulas ziamath cannot draw, as pandoc's plain-text rendering (one run for all)."""
    blocks = [{"t": "Para", "c": [dict(f)]} for f in formulas]
    ast = {"pandoc-api-version": api, "meta": {}, "blocks": blocks}
    out, _ = pandoc.convert(ast, "plain", ["--wrap=none"], f"{what} (math)")
    texts = out.decode("utf-8").strip("\n").split("\n\n")
    for i, f in enumerate(formulas):
        tex = f["c"][1]
        lacking = reasons.get(id(f), "")
        text = texts[i].strip() if len(texts) == len(formulas) else tex
        if "\\" in text or "$" in text:  # pandoc kept the TeX: say it in words instead
            text = readable(tex)
        f.clear()
        f.update({"t": "Code", "c": [["", ["math-text"], []], text]})
        why = f"the math font has no {lacking}" if lacking else "it could not be typeset"
        doc.warn("math-unreadable", f"{what}: a formula is shown as text ({why}): {tex}")


def readable(tex: str) -> str:
    """TeX as plain text (pylatexenc), for a formula nothing can draw: ``\\frac{a+b}{c}``
    as (a+b)/c, ``\\text{距离}`` as 距离, ``\\times`` as ×; never the TeX itself."""
    try:
        return _latex2text().latex_to_text(tex).strip() or tex
    except Exception:  # pylatexenc gives up on some broken TeX: drop the commands instead
        return re.sub(r"\\[a-zA-Z]+\*?|[{}$]", "", tex).strip()


@functools.cache
def _latex2text() -> Any:
    from pylatexenc.latex2text import (
        LatexNodes2Text,
        MacroTextSpec,
        get_default_latex_context_db,
    )

    def frac(n: Any, l2tobj: Any) -> str:
        a, b = (l2tobj.nodelist_to_text([x]).strip() for x in n.nodeargd.argnlist[-2:])
        return f"{_group(a)}/{_group(b)}"

    db = get_default_latex_context_db()
    fracs = [MacroTextSpec(name, simplify_repl=frac) for name in ("frac", "dfrac", "tfrac")]
    db.add_context_category("publish", prepend=True, macros=fracs)
    return LatexNodes2Text(math_mode="text", latex_context=db)


def _group(term: str) -> str:
    """``term`` in parentheses when it is more than one symbol's worth (a − b, 2x + 1)."""
    return f"({term})" if re.search(r"[-+−±×·/ ]", term) else term
