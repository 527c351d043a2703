"""Making an edition's AST safe for an XHTML container (EPUB), before pandoc writes it.

An EPUB is a closed box of XML files: every identifier unique in its file, every link
either absolute or to something inside the book, every image inside the book, every
element well-formed XML and allowed by the HTML schema. Markdown is none of these by
nature (pandoc's own test suite breaks each rule), so this pass repairs what the EPUB
cannot carry and says what it changed:

- identifiers: made unique, and kept clear of pandoc's own (``footnotes``, ``fn1``…), once,
  by the manuscript stage (``manuscript/ids.py``); here they are only read, and attributes
  the XHTML schema does not allow are written as ``data-``;
- links: the one link policy (``publish/links.py``, already applied to the manuscript by
  its sanitiser) and what an EPUB adds to it: absolute URLs and links to an identifier in
  the book stay; a relative address, an empty one or an unknown fragment cannot resolve
  inside the book: the text stays, without the link;
- images: a local file in an EPUB core image format stays (pandoc packs it); a missing
  file or another format becomes its description; a remote image becomes a link to it
  (an EPUB has no remote images, and fetching at build time is neither offline nor
  reproducible);
- raw HTML (sanitised once, by ``manuscript/rawhtml.py``): tokenised and written back as
  XHTML: void elements closed, entities as characters, attributes quoted, obsolete and
  unknown elements mapped or unwrapped, what XHTML in an EPUB cannot hold dropped,
  attributes kept only when the schema allows them; tags opened and never closed (or
  closed and never opened) among the same siblings are balanced, so a chapter file is
  always well-formed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from publish import ast as node
from publish import links
from publish.ast import Element, elements, stringify
from publish.manuscript.rawhtml import ATTRIBUTES as SANITISER_ATTRIBUTES
from publish.manuscript.rawhtml import DROP_WITH_CONTENT, is_raw_html

CORE_IMAGES = {".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".gif": "gif", ".svg": "svg"}
CORE_IMAGES |= {".webp": "webp"}
DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|gif|svg\+xml|webp)[;,]", re.IGNORECASE)
# Characters a URL cannot hold as they are (EPUBCheck: "not a valid URL").
URL_UNSAFE = re.compile(r'[\s"<>\\^`{|}]')

# Attributes (besides id and class) an AST element's HTML may carry as they are.
KV_ATTRS = {"title", "lang", "dir", "hidden", "role", "style", "epub:type", "translate"}
KV_ELEMENT_ATTRS = {
    "Link": {"rel", "hreflang", "type", "target"},
    "Image": {"width", "height"},  # pandoc turns these into CSS
    "Header": {"number"},  # pandoc's own, for its numbering; not written when unnumbered
}


@dataclass
class Report:
    """What the pass changed, for the user (one line per kind)."""

    unlinked: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    remote_images: list[str] = field(default_factory=list)
    dropped_html: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = []
        if self.unlinked:
            out.append(
                f"{len(self.unlinked)} link(s) to addresses outside the book kept as text: "
                + _sample(self.unlinked)
            )
        if self.images:
            out.append(
                f"{len(self.images)} image(s) not found or not in an EPUB image format, "
                "shown as their description: " + _sample(self.images)
            )
        if self.remote_images:
            out.append(
                f"{len(self.remote_images)} remote image(s) shown as links (an EPUB holds no "
                "remote images): " + _sample(self.remote_images)
            )
        if self.dropped_html:
            out.append("raw HTML an EPUB cannot hold was removed: " + _sample(self.dropped_html))
        return out


def _sample(items: list[str], n: int = 3, width: int = 60) -> str:
    seen = list(dict.fromkeys(" ".join(i.split()) or "(empty)" for i in items))
    short = [s if len(s) <= width else s[: width - 1] + "…" for s in seen[:n]]
    return ", ".join(short) + (", …" if len(seen) > n else "")


def prepare(ast: dict[str, Any], base: Path) -> Report:
    """Repair ``ast`` in place for an EPUB; ``base`` is the folder relative images are in."""
    report = Report()
    ids = _identifiers(ast)
    _links_and_images(ast["blocks"], ids, base, report)
    _raw_html(ast["blocks"], ids, base, report)
    return report


# -- identifiers -------------------------------------------------------------------------
def _identifiers(ast: dict[str, Any]) -> set[str]:
    """The identifiers in the book (unique already: ``manuscript/ids.py``); each element's
    attributes as the schema allows them."""
    seen: set[str] = set()
    for elem in elements(ast["blocks"]):
        attr = node.attr(elem)
        if attr is None:
            continue
        node.set_attributes(elem, _kv(elem["t"], node.attributes(elem)))
        if node.ident(elem):
            seen.add(node.ident(elem))
    return seen


def _kv(kind: str, kv: list[list[str]]) -> list[list[str]]:
    """Attributes as pandoc will write them, kept only when the element may carry them in
    XHTML (event handlers and styles that load anything are gone already: the manuscript's
    sanitiser). Any other name becomes data-NAME, as pandoc does for names it does not
    know."""
    allowed = KV_ATTRS | KV_ELEMENT_ATTRS.get(kind, set())
    out = []
    for k, v in kv:
        if not XML_NAME.match(k):
            continue
        if k in allowed or k.startswith(("data-", "aria-")):
            out.append([k, v])
        elif XML_NAME.match("data-" + k) and ":" not in k:
            out.append(["data-" + k, v])
    return out


# -- links and images --------------------------------------------------------------------
def link_ok(target: str, ids: set[str]) -> str | None:
    """``target`` as it can stay in the EPUB, or None when it cannot resolve there."""
    if target.startswith("#"):
        frag = unquote(target[1:])
        return "#" + frag if frag in ids else None
    clean = links.safe(target)
    if clean is None or links.scheme(clean) is None:  # relative: nothing in the book
        return None
    return URL_UNSAFE.sub(lambda c: quote(c.group(), safe=""), clean)


def image_ok(target: str, base: Path) -> bool:
    if DATA_IMAGE.match(target):
        return True
    if links.scheme(target) is not None or target.startswith("/"):
        return False
    path = base / unquote(target.split("#")[0].split("?")[0])
    return path.suffix.lower() in CORE_IMAGES and path.is_file()


def _links_and_images(blocks: list[Element], ids: set[str], base: Path, report: Report) -> None:
    for lst in _inline_lists(blocks):
        for i, elem in enumerate(lst):
            if elem["t"] == "Link":
                target = node.url(elem)
                fixed = link_ok(target, ids)
                if fixed is None:
                    report.unlinked.append(target)
                    lst[i] = node.Span(node.inlines_of(elem), node.attr(elem))
                else:
                    node.set_url(elem, fixed)
            elif elem["t"] == "Image":
                target, title = node.url(elem), node.title(elem)
                if image_ok(target, base):
                    continue
                text = node.inlines_of(elem) or ([node.Str(title)] if title else [])
                remote = link_ok(target, ids) if links.scheme(target) is not None else None
                if remote is not None:
                    report.remote_images.append(target)
                    lst[i] = node.Link(text or [node.Str(target)], remote, title, node.attr(elem))
                else:
                    report.images.append(target)
                    span_attr = node.make_attr(node.ident(elem), ["image-missing"])
                    lst[i] = node.Span(text, span_attr)


def _inline_lists(value: Any):
    """Every list that holds inline elements, outermost first (so replacements are seen
    before their children are visited)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            if any(isinstance(x, dict) and x.get("t") in ("Link", "Image") for x in item):
                yield item
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            stack.append(node.content(item) if "t" in item else list(item.values()))


# -- raw HTML ----------------------------------------------------------------------------
VOID = {"area", "br", "col", "hr", "img", "wbr"}
ALLOWED = {
    # flow
    "address", "article", "aside", "blockquote", "details", "summary", "div", "dl", "dt",
    "dd", "figure", "figcaption", "footer", "header", "hgroup", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "main", "nav", "ol", "ul", "li", "p", "pre", "section", "table", "caption",
    "colgroup", "col", "thead", "tbody", "tfoot", "tr", "td", "th",
    # phrasing
    "a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "data", "dfn", "del", "em", "i",
    "ins", "kbd", "mark", "q", "rp", "rt", "ruby", "s", "samp", "small", "span", "strong",
    "sub", "sup", "time", "u", "var", "wbr", "img",
}  # fmt: skip
RENAME = {"center": "div", "font": "span", "big": "span", "strike": "s", "tt": "code"}
RENAME |= {"acronym": "abbr", "blink": "span", "marquee": "span", "listing": "pre"}
# Dropped with everything inside them: what the sanitiser drops (none is left after it),
# and what an EPUB's XHTML cannot hold.
DROP = DROP_WITH_CONTENT | {"audio", "video", "canvas", "form", "input", "button", "head"}
DROP |= {"meta", "link", "base", "frame"}
GLOBAL_ATTRS = {"id", "class", "title", "lang", "dir", "hidden", "role", "epub:type"}
# The sanitiser's allow-list (raw HTML has been through it already), less what XHTML5 in an
# EPUB does not allow: presentational ``align``.
ELEMENT_ATTRS = {
    tag: names - {"align"} for tag, names in SANITISER_ATTRIBUTES.items() if tag != "*"
}
BOOLEAN = {"hidden", "reversed", "open"}
NUMBER = {"width", "height", "colspan", "rowspan", "start", "span", "value"}
XML_NAME = re.compile(r"^[A-Za-z_][\w.-]*(:[A-Za-z_][\w.-]*)?$")
BLOCKS = {
    "address", "article", "aside", "blockquote", "details", "div", "dl", "figure", "footer",
    "header", "hgroup", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "main", "nav", "ol", "ul",
    "p", "pre", "section", "table",
}  # fmt: skip
PHRASING = {
    "a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "data", "dfn", "del", "em", "i",
    "ins", "kbd", "mark", "q", "rp", "rt", "ruby", "s", "samp", "small", "span", "strong",
    "sub", "sup", "time", "u", "var", "wbr", "img",
}  # fmt: skip
# Elements whose content is phrasing only: a block of pandoc's own closes them.
PHRASING_ONLY = (PHRASING - {"a", "del", "ins"}) | {"p", "h1", "h2", "h3", "h4", "h5", "h6"}
PHRASING_ONLY |= {"pre", "dt", "summary", "caption"}
# pandoc blocks written without a block element of their own
INLINE_BLOCKS = {"Plain", "RawBlock", "RawInline"}
# HTML's optional end tags: opening the key closes an open element named in the value,
# looking down the stack no further than the stop elements.
CLOSES = {
    "li": ({"li"}, {"ul", "ol"}),
    "dt": ({"dt", "dd"}, {"dl"}),
    "dd": ({"dt", "dd"}, {"dl"}),
    "tr": ({"tr", "td", "th"}, {"table", "thead", "tbody", "tfoot"}),
    "td": ({"td", "th"}, {"tr", "table"}),
    "th": ({"td", "th"}, {"tr", "table"}),
    "thead": ({"thead", "tbody", "tfoot", "tr", "td", "th"}, {"table"}),
    "tbody": ({"thead", "tbody", "tfoot", "tr", "td", "th"}, {"table"}),
    "tfoot": ({"thead", "tbody", "tfoot", "tr", "td", "th"}, {"table"}),
}


@dataclass
class Token:
    kind: str  # "start", "end", "text"
    name: str = ""
    attrs: list[tuple[str, str]] = field(default_factory=list)
    text: str = ""
    keep: bool = True

    def xml(self) -> str:
        if not self.keep:
            return ""
        if self.kind == "text":
            return escape(self.text, quote=False)
        if self.kind == "end":
            return f"</{self.name}>"
        attrs = "".join(f' {k}="{escape(v)}"' for k, v in self.attrs)
        return f"<{self.name}{attrs}{' /' if self.name in VOID else ''}>"


class _Tokenizer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tokens: list[Token] = []
        self.dropped: list[str] = []
        self._skip: list[str] = []  # open elements whose content is dropped

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, closed=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, closed=True)

    def _start(self, tag: str, attrs: list[tuple[str, str | None]], closed: bool) -> None:
        if self._skip:
            if tag == self._skip[-1] and not closed:
                self._skip.append(tag)
            return
        if tag in DROP:
            self.dropped.append(f"<{tag}>")
            if not closed and tag not in VOID:
                self._skip.append(tag)
            return
        name = RENAME.get(tag, tag)
        if name not in ALLOWED:
            return
        clean = [(k, "" if v is None else v) for k, v in attrs]
        self.tokens.append(Token("start", name, clean))
        if closed and name not in VOID:
            self.tokens.append(Token("end", name))

    def handle_endtag(self, tag: str) -> None:
        if self._skip:
            if tag == self._skip[-1]:
                self._skip.pop()
            return
        name = RENAME.get(tag, tag)
        if name in ALLOWED and name not in VOID:
            self.tokens.append(Token("end", name))

    def handle_data(self, data: str) -> None:
        if not self._skip and data:
            self.tokens.append(Token("text", text=data))


def _tokens(raw: str) -> tuple[list[Token], list[str]]:
    t = _Tokenizer()
    t.feed(raw)
    t.close()
    return t.tokens, t.dropped


def _raw_html(blocks: list[Element], ids: set[str], base: Path, report: Report) -> None:
    # Every list of siblings that holds raw HTML, balanced on its own: a tag opened in one
    # list and closed in another would cross pandoc's own elements.
    # A list of inlines outside a Plain is phrasing content (inside <p>, <h2>, <em>…):
    # block-level tags there are dropped, their text kept.
    lists = []
    stack: list[tuple[Any, str]] = [(blocks, "")]
    while stack:
        item, parent = stack.pop()
        if isinstance(item, list):
            if any(is_raw_html(x) for x in item):
                lists.append((item, parent))
            stack.extend((x, parent) for x in item)
        elif isinstance(item, dict):
            if "t" in item:
                stack.append((node.content(item), item["t"]))
            else:
                stack.extend((x, parent) for x in item.values())
    for lst, parent in lists:
        inline = any(is_raw_html(x) and x["t"] == "RawInline" for x in lst)
        context = ("phrasing" if parent != "Plain" else "inline") if inline else "block"
        _balance(lst, ids, base, report, context)


def _balance(lst: list[Element], ids: set[str], base: Path, report: Report, context: str) -> None:
    """Balance the raw HTML tags among the siblings ``lst`` (``context``: "block", or
    "inline", or "phrasing" when the list's parent only takes phrasing content)."""
    phrasing = context == "phrasing"
    out: list[Element] = []
    open_: list[Token] = []
    kind = "RawInline"

    def close_all() -> None:
        if open_:
            closers = "".join(f"</{t.name}>" for t in reversed(open_))
            out.append({"t": kind, "c": ["html", closers]})
            open_.clear()

    for elem in lst:
        if not is_raw_html(elem):
            if elem.get("t") == "Header":  # pandoc opens a section here
                close_all()
            elif context == "block" and elem.get("t") not in INLINE_BLOCKS:
                # a block of pandoc's own (<p>, <ul>…) cannot go inside <p> or <span>
                at = next((i for i, t in enumerate(open_) if t.name in PHRASING_ONLY), None)
                if at is not None:
                    closers = "".join(f"</{t.name}>" for t in reversed(open_[at:]))
                    out.append(node.RawBlock("html", closers))
                    del open_[at:]
            out.append(elem)
            continue
        kind = elem["t"]
        tokens, dropped = _tokens(node.text(elem))
        report.dropped_html.extend(dropped)
        fixed: list[Token] = []
        for tok in tokens:
            if tok.kind != "text" and phrasing and tok.name not in PHRASING:
                continue
            if tok.kind == "start":
                _close_implied(tok.name, open_, fixed)
                if tok.name == "img":
                    fixed.extend(_image_tag(tok, ids, base, report))
                    continue
                tok.attrs = _attrs(tok.name, tok.attrs, ids, report)
                fixed.append(tok)
                if tok.name not in VOID:
                    open_.append(tok)
            elif tok.kind == "end":
                names = [t.name for t in open_]
                if tok.name not in names:
                    continue  # closes nothing opened here
                while open_[-1].name != tok.name:
                    fixed.append(Token("end", open_.pop().name))
                open_.pop()
                fixed.append(tok)
            else:
                fixed.append(tok)
        text = "".join(t.xml() for t in fixed)
        if text.strip():
            out.append({"t": elem["t"], "c": ["html", text]})
    close_all()
    lst[:] = out


def _close_implied(name: str, open_: list[Token], fixed: list[Token]) -> None:
    if name in BLOCKS and open_ and open_[-1].name == "p":
        fixed.append(Token("end", open_.pop().name))
    rule = CLOSES.get(name)
    if not rule:
        return
    closes, stops = rule
    for i in range(len(open_) - 1, -1, -1):
        if open_[i].name in stops:
            return
        if open_[i].name in closes:
            while len(open_) > i:
                fixed.append(Token("end", open_.pop().name))
            return


def _attrs(
    name: str, attrs: list[tuple[str, str]], ids: set[str], report: Report
) -> list[tuple[str, str]]:
    allowed = GLOBAL_ATTRS | ELEMENT_ATTRS.get(name, set())
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for k, v in attrs:
        k = "lang" if k == "xml:lang" else k
        if k in seen or not XML_NAME.match(k):
            continue
        if not (k in allowed or k.startswith(("aria-", "data-"))) or k.startswith("data-xml"):
            continue
        if k in BOOLEAN:
            v = k
        elif k in NUMBER and not v.strip().isdigit():
            continue
        elif k == "id":
            v = v.strip()
            if not v or any(c.isspace() for c in v):
                continue
            ids.add(v)  # unique already (manuscript/ids.py reads raw HTML's ids too)
        elif k == "dir" and v not in ("ltr", "rtl", "auto"):
            continue
        elif k == "href":
            fixed = link_ok(v.strip(), ids)
            if fixed is None:
                report.unlinked.append(v)
                continue
            v = fixed
        seen.add(k)
        out.append((k, v))
    return out


def _image_tag(tok: Token, ids: set[str], base: Path, report: Report) -> list[Token]:
    attrs = dict(tok.attrs)
    src = (attrs.get("src") or "").strip()
    alt = attrs.get("alt") or ""
    if src and image_ok(src, base):
        tok.attrs = _attrs("img", tok.attrs, ids, report)
        if "alt" not in dict(tok.attrs):
            tok.attrs.append(("alt", ""))
        return [tok]
    report.images.append(src)
    return [Token("text", text=alt)] if alt else []


def has_images(ast: dict[str, Any]) -> tuple[bool, bool]:
    """(the document has images, every one has a description)."""
    found = described = False
    all_described = True
    for elem in elements(ast["blocks"]):
        if elem["t"] == "Image":
            found = True
            described = bool(stringify(node.inlines_of(elem)).strip())
        elif is_raw_html(elem) and "<img" in node.text(elem):
            found = True
            described = bool(re.search(r'\balt="[^"]+"', node.text(elem)))
        else:
            continue
        all_described = all_described and described
    return found, found and all_described
