"""Active content out, before any writer: raw HTML through ``nh3``, attributes and links of
pandoc's own elements checked.

- Raw HTML: pandoc splits it into pieces (``<a href=…>``, the Markdown inside, ``</a>``),
  which no sanitiser can judge one by one (``<td>`` alone is dropped, ``<a>`` alone gets
  closed at once). The pieces among the same siblings are put back together with a marker
  where each of pandoc's own elements stands, cleaned by nh3 as one fragment, and split
  again at the markers: tags stay balanced, and each element returns to its place. Kept:
  text markup, tables, figures, links to ``http(s)``/``mailto``/relative addresses, and
  ``style`` with plain properties only; gone: ``script``, ``style``, ``iframe``, ``object``,
  ``embed``, forms, ``svg``/``math`` (with their content), event handlers, any other URL
  scheme. ``<img>`` is checked as a Markdown image is (``images.py``).
- pandoc's elements: event handlers, URL-bearing attributes, ``rel`` (WeasyPrint would
  attach the linked file to the PDF) and ``style`` that loads anything are removed; a link
  that :func:`publish.links.safe` refuses (``javascript:``, ``vbscript:``, ``data:``,
  ``file:``…, also behind a control character or a tab) becomes its text.
- Raw content of any other format (``{=openxml}``, ``{=revealjs}``, ``{=latex}``…): only
  HTML is accepted, and only through nh3. pandoc's Markdown reads ``\\foo`` commands as raw
  TeX, which no writer but LaTeX prints: inline, that is text the author sees in every
  preview (``C:\\Windows``), so it stays as text; a ``\\begin{align}`` block is a formula.
  Every other raw block (a ``\\begin{tabular}`` too) or inline is dropped with a
  ``raw-dropped`` warning: an HTML-family writer (revealjs, s5, slidy) would pass it
  unsanitised, and Word acts on raw OpenXML fields.
"""

from __future__ import annotations

import re
import secrets
from html import escape, unescape
from typing import Any

import nh3

from publish import ast, links
from publish.ast import Element, attr, elements, inlines_from_text, is_element, lists, short
from publish.document import Document
from publish.manuscript.images import MISSING_CLASS, Images, resolve

RAW_FORMATS = ("html", "html4", "html5")
# Raw formats whose content is text an author typed (pandoc's Markdown reads \cmd as TeX).
RAW_TEXT_FORMATS = ("tex", "latex")
# A raw TeX block that is a formula (pandoc's Markdown reads \begin{align} as raw TeX).
MATH_ENV = re.compile(
    r"^\s*\\begin\{(equation|align|alignat|gather|multline|eqnarray|flalign)\*?\}"
    r"[\s\S]*\\end\{\1\*?\}\s*$"
)

TAGS = set(nh3.ALLOWED_TAGS) | {"section", "main", "tfoot", "caption", "summary", "details"}
# Removed with everything inside them (their content is code, or a frame's fallback).
DROP_WITH_CONTENT = {"script", "style", "template", "iframe", "object", "embed", "applet"}
DROP_WITH_CONTENT |= {"noscript", "noembed", "noframes", "textarea", "select", "title", "xmp"}
DROP_WITH_CONTENT |= {"svg", "math", "frameset", "plaintext"}
ATTRIBUTES = {
    "*": {"id", "class", "title", "lang", "dir", "style", "role"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "headers", "align"},
    "th": {"colspan", "rowspan", "headers", "scope", "align", "abbr"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "q": {"cite"},
    "blockquote": {"cite"},
    "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"},
    "time": {"datetime"},
    "data": {"value"},
    "col": {"span"},
    "colgroup": {"span"},
    "details": {"open"},
    "bdo": {"dir"},
}
# CSS properties a ``style`` may keep: none of them loads anything.
STYLE = {"color", "background-color", "font-weight", "font-style", "font-size", "font-variant"}
STYLE |= {"text-align", "text-decoration", "text-indent", "text-transform", "vertical-align"}
STYLE |= {"white-space", "width", "height", "max-width", "min-width", "display", "float"}
STYLE |= {"border", "border-color", "border-style", "border-width", "border-collapse"}
STYLE |= {"margin", "margin-top", "margin-right", "margin-bottom", "margin-left"}
STYLE |= {"padding", "padding-top", "padding-right", "padding-bottom", "padding-left"}
# Attributes of pandoc's elements that name an address, which a writer would put in HTML.
URL_ATTRS = {"href", "src", "srcset", "srcdoc", "action", "formaction", "background"}
URL_ATTRS |= {"poster", "data", "xlink:href", "cite", "longdesc", "usemap", "manifest"}
URL_ATTRS |= {"ping", "codebase", "classid", "archive", "lowsrc", "dynsrc", "rel"}
# Signs of active content in raw HTML, for the report.
ACTIVE = re.compile(
    r"<\s*(script|iframe|object|embed|applet|form|input|button|link|meta|base|style|svg|"
    r"math|frame|frameset)\b|\son[a-z]+\s*=|(?:java|vb)script:",
    re.IGNORECASE,
)
PRESENTATIONAL = re.compile(r"<\s*(?:style|link|meta)\b", re.IGNORECASE)
_RAWTEXT = "|".join(sorted(DROP_WITH_CONTENT - {"plaintext"}))
RAWTEXT_OPEN = re.compile(rf"<\s*({_RAWTEXT})\b[^>]*>", re.I)
RAWTEXT_CLOSE = re.compile(rf"<\s*/\s*({_RAWTEXT})\s*>", re.I)
PLAINTEXT = re.compile(r"<\s*/?\s*plaintext\b[^>]*>", re.I)
IMG = re.compile(r'<img((?:\s+[^\s=>]+(?:="[^"]*")?)*)\s*/?>')
ATTR = re.compile(r'([^\s=>]+)(?:="([^"]*)")?')


def is_raw_html(value: Any) -> bool:
    return (
        is_element(value)
        and value["t"] in ("RawBlock", "RawInline")
        and ast.raw_format(value).lower() in RAW_FORMATS
    )


class Sanitizer:
    """Manuscript stage (after :class:`Images`, whose warnings it shares)."""

    def __init__(self, doc: Document, images: Images) -> None:
        self.doc = doc
        self.images = images
        self.active: list[str] = []
        self.links: list[str] = []
        self.mark = "\ue000" + secrets.token_hex(4)
        self.marker = re.compile(re.escape(self.mark) + r"(\d+)\ue001")

    def run(self) -> None:
        tree = self.doc.ast
        self.other_raw()
        raw = _lists_with_raw_html([tree.get("blocks", []), tree.get("meta", {})])
        for lst in raw:
            self.siblings(lst)
        if raw:  # a paragraph that held nothing but removed HTML goes too
            for lst in lists([tree.get("blocks", [])], lambda lst: any(_empty(x) for x in lst)):
                lst[:] = [x for x in lst if not _empty(x)]
        for elem in elements([tree.get("blocks", []), tree.get("meta", {})]):
            a = attr(elem)
            if a is not None:
                a[2] = clean_attributes(a[2])
        for lst in _lists_with_links([tree.get("blocks", []), tree.get("meta", {})]):
            self.links_to_text(lst)
        self.report()

    # -- raw content of other formats ------------------------------------------------------
    def other_raw(self) -> None:
        """Raw TeX as its text; any other raw format but HTML dropped (see module)."""
        tree = self.doc.ast
        dropped: list[tuple[str, str]] = []
        for lst in lists([tree.get("blocks", []), tree.get("meta", {})], _has_other_raw):
            out: list[Any] = []
            for x in lst:
                if not _is_other_raw(x):
                    out.append(x)
                    continue
                fmt, text = ast.raw_format(x).lower(), ast.text(x)
                if fmt in RAW_TEXT_FORMATS and x["t"] == "RawInline":
                    out += inlines_from_text(text)
                elif fmt in RAW_TEXT_FORMATS and MATH_ENV.match(text):
                    out.append(ast.Para([ast.Math(text.strip(), display=True)]))
                else:
                    dropped.append((fmt, text))
            lst[:] = out
        if dropped:
            formats = sorted({f for f, _ in dropped})
            fmt, text = dropped[0]
            line = self.doc.line_of("{=" + fmt) or self.doc.line_of(text.strip()[:40])
            self.doc.warn(
                "raw-dropped",
                f"{len(dropped)} raw block(s) of format {', '.join(formats)} left out of every "
                "edition (only raw HTML is published, sanitised); write it as Markdown",
                line,
                formats=formats,
            )

    # -- raw HTML --------------------------------------------------------------------------
    def siblings(self, lst: list[Element]) -> None:
        """Clean the raw HTML among the siblings ``lst`` as one fragment (see module)."""
        at = [i for i, x in enumerate(lst) if is_raw_html(x)]
        first, last = at[0], at[-1]
        segment = lst[first : last + 1]
        kind = "RawBlock" if any(x["t"] == "RawBlock" for x in segment) else "RawInline"
        parts: list[str] = []
        inside: set[int] = set()  # siblings inside a raw-text element: removed with it
        later = _closers_after([ast.text(x) if is_raw_html(x) else "" for x in segment])
        open_: str | None = None
        for j, x in enumerate(segment):
            if not is_raw_html(x):
                parts.append(f"{self.mark}{j}\ue001")
                if open_:
                    inside.add(j)
                continue
            raw = ast.text(x)
            self.active += [m.group(0).strip() for m in ACTIVE.finditer(raw)]
            raw, open_ = _rawtext(raw, open_, later[j])
            parts.append(raw)
        clean = self.clean("".join(parts))
        pieces = self.marker.split(clean)
        out: list[Element] = []
        placed: set[int] = set()
        for k, piece in enumerate(pieces):
            if k % 2:
                j = int(piece)
                # an element of pandoc's own whose marker went missing comes back in order
                for miss in range(j):
                    if miss not in placed and miss not in inside and not is_raw_html(segment[miss]):
                        out.append(segment[miss])
                        placed.add(miss)
                if j not in placed:
                    out.append(segment[j])
                    placed.add(j)
            elif piece.strip():
                out.append(_as_image(piece, kind) or {"t": kind, "c": ["html", piece]})
        for miss, x in enumerate(segment):
            if miss not in placed and miss not in inside and not is_raw_html(x):
                out.append(x)
        lst[first : last + 1] = out

    def clean(self, html: str) -> str:
        return IMG.sub(self.image, clean(html))

    def image(self, m: re.Match[str]) -> str:
        attrs = {k: unescape(v or "") for k, v in ATTR.findall(m.group(1))}
        src = attrs.get("src", "")
        found = resolve(src, self.doc.source.parent) if src else None
        if found is not None and found.file is not None:
            self.doc.pictures.append(found.file)
        if found is not None and found.uri is not None:
            attrs["src"] = found.uri
            attrs.setdefault("alt", "")
            return "<img" + "".join(f' {k}="{escape(v)}"' for k, v in attrs.items()) + ">"
        if found is not None:
            self.images.warn(self.doc, src, found)
        alt = escape(attrs.get("alt", ""))
        if found is not None and found.remote:
            return f'<a href="{escape(src)}">{alt or escape(src)}</a>'
        return f'<span class="{MISSING_CLASS}">{alt}</span>' if alt else ""

    # -- links -----------------------------------------------------------------------------
    def links_to_text(self, lst: list[Element]) -> None:
        i = 0
        while i < len(lst):
            item = lst[i]
            if is_element(item) and item["t"] == "Link":
                target = links.safe(ast.url(item))
                if target is None:
                    self.links.append(ast.url(item))
                    lst[i : i + 1] = ast.inlines_of(item)
                    continue
                ast.set_url(item, target)
            i += 1

    def report(self) -> None:
        # A page's own CSS (a notebook's <style scoped> over each table it printed) is left
        # out as scripts are, but takes nothing a reader reads: said, not warned.
        styles = [a for a in self.active if PRESENTATIONAL.match(a)]
        if styles:
            self.doc.info(
                "html-style-dropped",
                "raw HTML's own styles (<style>, <link>, <meta>) left out: each edition "
                "has its own",
                self.doc.line_of(styles[0]),
            )
        active = [a for a in self.active if not PRESENTATIONAL.match(a)]
        if active:
            seen = list(dict.fromkeys(a.lower() for a in active))
            self.doc.warn(
                "html-sanitized",
                "raw HTML carried active content, removed from every edition: "
                + ", ".join(seen[:6])
                + (", …" if len(seen) > 6 else ""),
                self.doc.line_of(active[0]),
                removed=seen[:50],
            )
        if self.links:
            seen = list(dict.fromkeys(short(repr(u)[1:-1]) for u in self.links))
            self.doc.warn(
                "link-refused",
                "links to addresses no reader should follow (javascript:, data:, file:…) "
                "became plain text: " + ", ".join(seen[:3]) + (", …" if len(seen) > 3 else ""),
                self.doc.line_of(self.links[0]),
                targets=seen[:50],
            )


def clean(html: str) -> str:
    """``html`` as nh3 leaves it under this module's rules: allowed tags, attributes and
    link schemes only, and balanced (a tag left open is closed, a stray closer dropped)."""
    return nh3.clean(
        _aligned(html),
        tags=TAGS,
        clean_content_tags=DROP_WITH_CONTENT,
        attributes=ATTRIBUTES,
        attribute_filter=_filter,
        url_schemes=set(links.SCHEMES | {"data"}),
        filter_style_properties=STYLE,
        link_rel=None,
        strip_comments=True,
    )


# Block tags whose align= a README centres with (``<p align="center">``, ``<h1 align=…>``,
# ``<div align=…>``), and ``<center>``.
ALIGN_TAG = re.compile(r"<(/?)(p|div|h[1-6]|center)\b([^<>]*)>", re.IGNORECASE)
ALIGN_ATTR = re.compile(r"""\salign\s*=\s*["']?(center|right)["']?""", re.IGNORECASE)
CLASS_ATTR = re.compile(r"""(\sclass\s*=\s*["'])""", re.IGNORECASE)


def _aligned(html: str) -> str:
    """``align="center"`` (or right) as the class ``align-center`` the styles centre by
    (base.css, print.css): the attribute is gone from HTML5 and nh3 drops it, and pandoc
    keeps a ``<div>``'s class but no ``<p>``'s, so such a ``<p>`` is a ``<div>`` (its
    closing tag too), as is ``<center>``."""
    if ALIGN_ATTR.search(html) is None and "<center" not in html.lower():
        return html  # read once more by htmlblocks.py: its classes need nothing
    stack: list[bool] = []  # for each <p> open: whether it became a <div>

    def tag(m: re.Match[str]) -> str:
        close, name, attrs = m.group(1), m.group(2).lower(), m.group(3)
        if name == "center":
            return "</div>" if close else f'<div class="align-center"{attrs}>'
        if close:
            if name == "p" and stack:
                return "</div>" if stack.pop() else m.group(0)
            return m.group(0)
        a = ALIGN_ATTR.search(attrs)
        if name == "p":
            stack[:] = [a is not None]  # a <p> closes the one before it
        if a is None:
            return m.group(0)
        cls = f"align-{a.group(1).lower()}"
        attrs = ALIGN_ATTR.sub("", attrs)
        if CLASS_ATTR.search(attrs):
            attrs = CLASS_ATTR.sub(lambda c: f"{c.group(1)}{cls} ", attrs, count=1)
        else:
            attrs = f' class="{cls}"{attrs}'
        return f"<{'div' if name == 'p' else m.group(2)}{attrs}>"

    return ALIGN_TAG.sub(tag, html)


def _filter(tag: str, attr: str, value: str) -> str | None:
    """nh3's attribute callback: ``data:`` only for an image (checked by :meth:`image`)."""
    if value.strip().lower().startswith("data:") and not (tag == "img" and attr == "src"):
        return None
    if attr == "style" and not style_ok(value):
        return None
    return value


def _closers_after(raws: list[str]) -> list[set[str]]:
    """For each piece, the raw-text elements a later piece closes."""
    out: list[set[str]] = [set() for _ in raws]
    seen: set[str] = set()
    for j in range(len(raws) - 1, -1, -1):
        out[j] = set(seen)
        seen |= {m.group(1).lower() for m in RAWTEXT_CLOSE.finditer(raws[j])}
    return out


def _rawtext(raw: str, open_: str | None, later: set[str]) -> tuple[str, str | None]:
    """Track an element whose content nh3 removes (``<script>``, ``<iframe>``…) across the
    pieces: returns the piece and the element still open after it. One that no piece
    closes is closed at once, and an unclosed comment too, so that neither can swallow
    the rest of the document; ``<plaintext>`` (which nothing closes) goes."""
    raw = PLAINTEXT.sub("", raw)
    if raw.count("<!--") > raw.count("-->"):
        raw += "-->"
    pos = 0
    while True:
        if open_:
            close = re.search(rf"<\s*/\s*{open_}\s*>", raw[pos:], re.I)
            if close is None:
                return raw, open_
            pos += close.end()
            open_ = None
        m = RAWTEXT_OPEN.search(raw, pos)
        if m is None:
            return raw, None
        name = m.group(1).lower()
        pos = m.end()
        if re.search(rf"<\s*/\s*{name}\s*>", raw[pos:], re.I) or name in later:
            open_ = name
        else:
            raw = raw[:pos] + f"</{name}>" + raw[pos:]
            pos += len(name) + 3


def _as_image(piece: str, kind: str) -> Element | None:
    """A piece that is one picture, as pandoc's own Image (DOCX drops raw HTML)."""
    m = IMG.fullmatch(piece.strip())
    if m is None:
        return None
    attrs = {k: unescape(v or "") for k, v in ATTR.findall(m.group(1))}
    if not attrs.get("src", "").startswith("data:image/"):
        return None
    alt = attrs.get("alt", "")
    size = [[k, attrs[k]] for k in ("width", "height") if attrs.get(k, "").isdigit()]
    ident = attrs.get("id", "")
    classes = attrs.get("class", "").split()
    inlines = [{"t": "Str", "c": w} if w else {"t": "Space"} for w in _words(alt)]
    image = {"t": "Image", "c": [[ident, classes, size], inlines, [attrs["src"], ""]]}
    return {"t": "Plain", "c": [image]} if kind == "RawBlock" else image


def _words(text: str) -> list[str]:
    """Words and the spaces between them ("" stands for a space)."""
    out: list[str] = []
    for i, word in enumerate(text.split()):
        out += ["", word] if i else [word]
    return out


def style_ok(css: str) -> bool:
    low = css.lower()
    return not any(s in low for s in ("url(", "expression(", "@import", "\\", "behavior"))


def clean_style(css: str) -> str:
    """A ``style`` value with the allowed properties only (nh3's CSS filter)."""
    out = nh3.clean(
        f'<span style="{escape(css)}"></span>',
        tags={"span"},
        attributes={"span": {"style"}},
        filter_style_properties=STYLE,
    )
    m = re.search(r'style="([^"]*)"', out)
    value = unescape(m.group(1)) if m else ""
    return value if style_ok(value) else ""


def clean_attributes(kv: list[list[str]]) -> list[list[str]]:
    """pandoc attributes without event handlers, addresses or styles that load anything."""
    out = []
    for k, v in kv:
        name = k.lower()
        if name.startswith("on") or name in URL_ATTRS:
            continue
        if name == "style":
            v = clean_style(v)
            if not v:
                continue
        out.append([k, v])
    return out


def _lists_with_raw_html(value: Any) -> list[list[Any]]:
    return lists(value, lambda lst: any(is_raw_html(x) for x in lst))


def _is_other_raw(value: Any) -> bool:
    return (
        is_element(value)
        and value["t"] in ("RawBlock", "RawInline")
        and ast.raw_format(value).lower() not in RAW_FORMATS
    )


def _has_other_raw(lst: list[Any]) -> bool:
    return any(_is_other_raw(x) for x in lst)


def _lists_with_links(value: Any) -> list[list[Any]]:
    return lists(value, lambda lst: any(is_element(x) and x["t"] == "Link" for x in lst))


def _empty(value: Any) -> bool:
    return is_element(value) and value["t"] in ("Plain", "Para") and not ast.inlines_of(value)


def sanitize(doc: Document, images: Images) -> None:
    """Manuscript stage: the whole AST (blocks and metadata) made safe for every writer."""
    Sanitizer(doc, images).run()


RAW_A = re.compile(r"^\s*(?:<a\b[^>]*>|</a\s*>)\s*$", re.I)


def unlink_headings(doc: Document) -> None:
    """Raw ``<a href>…</a>`` inside a heading keeps its text and loses the link: the
    heading is itself the target of the contents' and navigation's links, and a link
    inside a link is invalid in EPUB navigation and breaks the printed contents."""
    for e in elements(doc.ast["blocks"]):
        if e["t"] == "Header":
            ast.set_inlines(
                e,
                [
                    x
                    for x in ast.inlines_of(e)
                    if not (x["t"] == "RawInline" and RAW_A.match(ast.text(x)))
                ],
            )
