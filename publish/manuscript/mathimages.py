"""Formulas published as pictures by a web service: the TeX is in the address.

Zhihu stores every formula as ``https://www.zhihu.com/equation?tex=…``, and notes clipped
from it (or written for a GitHub README) carry them as images: ``![[公式]](https://www.zhihu.com/equation?tex=a%2Bb)``.
publish fetches nothing, so such a picture would print as a link; its address, though,
holds the formula. It becomes that formula (``Math``), drawn like any other, in the
place the picture stood (display math when the picture stood alone in its paragraph).
One ``math-from-image`` note counts them.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from publish.ast import Math, elements, inlines_of, url
from publish.document import Document

# Services that draw TeX given in their address: host, path, and where the TeX is.
SERVICES: dict[tuple[str, str], str] = {
    ("www.zhihu.com", "/equation"): "tex",
    ("zhihu.com", "/equation"): "tex",
    ("render.githubusercontent.com", "/render/math"): "math",
    ("chart.googleapis.com", "/chart"): "chl",
    ("math.now.sh", "/"): "from",
    ("latex.codecogs.com", ""): "",  # …/svg.latex?<tex> or …/png.image?<tex>
}
MAX_TEX = 2000  # longer is not a formula someone clipped


def tex_of(url: str) -> str | None:
    """The TeX an equation-image address carries, or None for any other address."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    for (h, path), key in SERVICES.items():
        if host != h or not parts.path.startswith(path):
            continue
        if key:
            values = parse_qs(parts.query).get(key)
            tex = values[0] if values else None
        else:  # codecogs: the whole query is the formula
            tex = unquote(parts.query) if parts.query else None
        if tex and len(tex) <= MAX_TEX and tex.strip():
            return tex.strip()
    return None


def math_images(doc: Document) -> None:
    """Manuscript stage, before the images are checked: see module."""
    count = 0
    for e in elements(doc.ast.get("blocks", [])):
        if e["t"] not in ("Para", "Plain"):
            continue
        inlines: list[Any] = inlines_of(e)
        alone = len([x for x in inlines if x["t"] not in ("Space", "SoftBreak")]) == 1
        for i, x in enumerate(inlines):
            if x["t"] != "Image":
                continue
            tex = tex_of(url(x))
            if tex is None:
                continue
            inlines[i] = Math(tex, display=alone)
            count += 1
    if count:
        doc.info(
            "math-from-image",
            f"{count} formula picture(s) of an equation service (zhihu.com/equation…) set as "
            "the formulas their addresses hold",
        )
