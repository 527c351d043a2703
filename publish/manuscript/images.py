"""Images: found next to the source, checked, and carried inside the document.

An image path resolves relative to the source file and must stay inside the source's
folder once resolved (``..``, absolute paths and symlinks pointing out are refused: a
report must not be able to publish the build machine's files). A file that passes is
embedded as a ``data:`` URI: pandoc runs sandboxed and reads no file (``publish/pandoc.py``),
WeasyPrint fetches nothing for it, and the HTML edition stays one self-contained page.
What fails keeps its description (alt text) in place of the picture, with a warning:
``image-missing`` for a file that is not there, ``resource-refused`` for one that may not
be used. A remote image is never fetched (no network at build time): it becomes a link to
the image, its description as the link's text.

Memory is bounded before anything decodes a picture (pandoc, WeasyPrint and Pillow only
ever see pictures that passed): a 60-byte JPEG may declare 65,500 × 65,500 pixels, which
the PDF and DOCX writers would allocate (4 GB), and an SVG of ``<use>`` elements each
drawing the one before ten times is a "billion laughs". A raster picture's size is read
from its header (Pillow's ``Image.open`` reads only that) and refused past
:data:`MAX_PIXELS`; an SVG is refused past :data:`MAX_SVG_BYTES`,
:data:`MAX_SVG_ELEMENTS`, or :data:`MAX_SVG_DRAWN` elements once every ``<use>`` is
followed, and its own embedded pictures are checked the same way. The HTML edition
carries a picture once per place it is shown, so a report's pictures, each counted every
time, stop at :data:`MAX_TOTAL` (one 3 MB picture shown 40 times made a 153 MB page).
"""

from __future__ import annotations

import base64
import dataclasses
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, unquote_to_bytes

from lxml import etree

from publish import ast
from publish.ast import Element, Filter, stringify
from publish.document import Document

MAX_BYTES = 20 * 2**20  # an image bigger than this is not a report's figure
MAX_PIXELS = 50_000_000  # 200 MB decoded as RGBA; a print photo is a few megapixels
MAX_TOTAL = 50 * 2**20  # bytes of all a report's pictures, each counted every time shown
MAX_REPEATED = 10 * 2**20  # of which pictures shown again (the HTML and DOCX carry each time)
MAX_SVG_BYTES = 5 * 2**20
MAX_SVG_ELEMENTS = 50_000
MAX_SVG_DRAWN = 100_000  # elements once every <use> is followed (a plot's markers are uses)
MAX_NESTED = 2  # pictures inside an SVG inside an SVG…
PILLOW = {"image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF", "image/webp": "WEBP"}
SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
DATA = re.compile(r"^data:([\w.+-]+/[\w.+-]+)?((?:;[\w.+-]+=[^;,]*)*)(;base64)?,(.*)$", re.S)
REMOTE = {"http", "https", "ftp", "ftps"}
MISSING_CLASS = "image-missing"  # the span that stands for a picture not shown
REMOTE_CLASS = "image-remote"  # the link that stands for a remote picture


@dataclass
class Resolved:
    """An image target checked: ``uri`` to use, or why not (``code``, ``reason``)."""

    uri: str | None
    code: str = ""
    reason: str = ""
    remote: bool = False
    size: int = 0  # bytes of the picture
    file: Path | None = None  # the file read, or looked for (the build's inputs: cache.py)


def sniff(data: bytes) -> str | None:
    """The image type of ``data`` by its first bytes (not by the file's name)."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<svg", b"<?xml", b"<!--", b"<!doctype svg")) and b"<svg" in data[:4096]:
        return "image/svg+xml"
    return None


def resolve(target: str, base: Path) -> Resolved:
    """Check an image ``target`` written in a source whose folder is ``base``."""
    target = target.strip()
    m = SCHEME.match(target)
    if m and m.group(1).lower() == "data":
        return _data_uri(target)
    if m and len(m.group(1)) > 1:  # "C:" is a Windows drive, not a scheme
        scheme = m.group(1).lower()
        if scheme in REMOTE:
            return Resolved(None, "resource-refused", "a remote image is not fetched", True)
        return Resolved(None, "resource-refused", f"{scheme}: addresses are not read")
    path = target.split("#", 1)[0].split("?", 1)[0]
    if not path:
        return Resolved(None, "image-missing", "the image has no file name")
    if path.startswith(("/", "\\")) or m:
        return Resolved(None, "resource-refused", "an absolute path is not read")
    root = base.resolve()
    for candidate in dict.fromkeys((path, unquote(path))):
        file = (base / candidate).resolve()
        if not file.is_relative_to(root):
            return Resolved(None, "resource-refused", "the path leads out of the source's folder")
        if file.is_file():
            return dataclasses.replace(_embed(file), file=file)
    return Resolved(
        None, "image-missing", "no such file next to the source", file=(base / path).resolve()
    )


def _embed(file: Path) -> Resolved:
    try:
        size = file.stat().st_size
        if size > MAX_BYTES:
            return Resolved(None, "resource-refused", f"{size // 2**20} MiB is too big an image")
        data = file.read_bytes()
    except OSError as exc:
        return Resolved(None, "image-missing", f"cannot read the file ({exc.strerror})")
    return _checked(data)


def _data_uri(target: str, nested: int = 0) -> Resolved:
    m = DATA.match(target)
    if not m:
        return Resolved(None, "resource-refused", "a malformed data: address")
    try:
        raw = base64.b64decode(m.group(4), validate=False) if m.group(3) else None
    except ValueError:
        raw = None
    if raw is None:
        raw = unquote_to_bytes(m.group(4))
    if len(raw) > MAX_BYTES:
        return Resolved(None, "resource-refused", "too big an image")
    return _checked(raw, nested)


def _checked(data: bytes, nested: int = 0) -> Resolved:
    kind = sniff(data)
    if kind is None:
        return Resolved(None, "resource-refused", "the file is not a PNG, JPEG, GIF, WebP or SVG")
    why = _svg_problem(data, nested) if kind == "image/svg+xml" else _raster_problem(data, kind)
    if why:
        return Resolved(None, "resource-refused", why)
    if kind == "image/svg+xml":
        clean = clean_svg(data)
        if clean is None:
            return Resolved(None, "resource-refused", "the SVG file cannot be read")
        data = clean
    uri = f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"
    return Resolved(uri, size=len(data))


def _raster_problem(data: bytes, kind: str) -> str | None:
    """Why a PNG, JPEG, GIF or WebP may not be decoded, from its header alone."""
    from PIL import Image  # imported when a report has pictures: it takes 50 ms

    with warnings.catch_warnings():
        # Pillow warns of a "DecompressionBomb" past 89 megapixels; MAX_PIXELS is lower
        warnings.simplefilter("ignore")
        try:
            with Image.open(io.BytesIO(data), formats=[PILLOW[kind]]) as im:
                width, height = im.size
        except Image.DecompressionBombError as exc:  # past 179 megapixels
            m = re.search(r"\((\d+) pixels\)", str(exc))
            count = f"{int(m.group(1)) // 10**6:,} megapixels, " if m else ""
            return f"the picture has {count}more than {MAX_PIXELS // 10**6} megapixels"
        except Exception:  # Pillow raises many kinds on a damaged header
            return "the picture cannot be read (a damaged file?)"
    if width * height > MAX_PIXELS:
        return (
            f"{width} × {height} pixels is more than {MAX_PIXELS // 10**6} megapixels; "
            "scale the picture down"
        )
    return None


# SVG is a document: it may carry scripts, and links to files and addresses that a viewer
# (or WeasyPrint) would load. Only drawing stays.
_SVG_DROP = {"script", "foreignObject", "iframe", "embed", "object", "audio", "video"}
_LOCAL_URL = re.compile(r"url\(\s*['\"]?#", re.I)


def _parse_svg(data: bytes) -> Any:
    """The SVG's root element, or None when it is not an SVG lxml reads (lxml without
    ``huge_tree`` also stops at 256 levels of nesting)."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return None
    if root is None or etree.QName(root).localname != "svg":
        return None
    return root


def _svg_problem(data: bytes, nested: int) -> str | None:
    """Why an SVG may not be drawn: too big, too many elements, too much drawn once its
    ``<use>`` elements are followed, a ``<use>`` that draws itself, a refused picture in
    it."""
    if len(data) > MAX_SVG_BYTES:
        return f"an SVG of {len(data) // 2**10} KiB is too big (over {MAX_SVG_BYTES // 2**20} MiB)"
    root = _parse_svg(data)
    if root is None:
        return None  # clean_svg says it cannot be read
    elems = [e for e in root.iter() if isinstance(e.tag, str)]
    if len(elems) > MAX_SVG_ELEMENTS:
        return f"the SVG has more than {MAX_SVG_ELEMENTS} elements"
    drawn = _drawn(root, elems)
    if drawn is None:
        return "the SVG has a <use> that draws itself"
    if drawn > MAX_SVG_DRAWN:
        return f"the SVG draws more than {MAX_SVG_DRAWN} elements through its <use> elements"
    for e in elems:
        for value in (e.get("href"), e.get(XLINK_HREF)):
            if value and value.strip().startswith("data:"):
                if nested >= MAX_NESTED:
                    return "the SVG holds pictures inside pictures too deep"
                inner = _data_uri(value.strip(), nested + 1)
                if inner.uri is None:
                    return f"a picture inside the SVG: {inner.reason}"
    return None


XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


def _drawn(root: Any, elems: list[Any]) -> int | None:
    """How many elements the SVG draws, each ``<use>`` counting what it draws (None: a
    ``<use>`` that draws itself). Iterative, each element counted once, capped just past
    :data:`MAX_SVG_DRAWN`: a chain of uses may be as deep as the file is long."""
    ids: dict[str, Any] = {}
    for e in elems:
        ident = e.get("id")
        if ident:
            ids.setdefault(ident, e)

    def parts(e: Any) -> list[Any]:
        out = [c for c in e if isinstance(c.tag, str)]
        if etree.QName(e).localname == "use":
            ref = (e.get("href") or e.get(XLINK_HREF) or "").strip()
            if ref.startswith("#") and ref[1:] in ids:
                out.append(ids[ref[1:]])
        return out

    # elems keeps every element's Python proxy alive, so an element is the same key here
    count: dict[Any, int] = {}
    path: set[Any] = set()  # elements being counted: reaching one again is a cycle
    stack: list[tuple[Any, list[Any] | None]] = [(root, None)]
    while stack:
        e, deps = stack.pop()
        if deps is not None:
            count[e] = min(MAX_SVG_DRAWN + 1, 1 + sum(count[d] for d in deps))
            path.discard(e)
            continue
        if e in count:
            continue
        if e in path:
            return None
        path.add(e)
        deps = parts(e)
        stack.append((e, deps))
        stack.extend((d, None) for d in deps if d not in count)
    return count[root]


def clean_svg(data: bytes) -> bytes | None:
    root = _parse_svg(data)
    if root is None:
        return None
    for elem in list(root.iter()):
        if not isinstance(elem.tag, str):  # comments, processing instructions
            if elem.getparent() is not None:
                elem.getparent().remove(elem)
            continue
        name = etree.QName(elem).localname
        if name in _SVG_DROP or (name == "style" and _external(elem.text or "")):
            elem.getparent().remove(elem)
            continue
        for key, value in list(elem.attrib.items()):
            if _unsafe_attr(etree.QName(key).localname.lower(), value):
                del elem.attrib[key]
    return etree.tostring(root, encoding="utf-8", xml_declaration=True)


def _unsafe_attr(name: str, value: str) -> bool:
    """An event handler, a link out of the drawing, or CSS that loads something."""
    if name.startswith("on"):
        return True
    if name in ("href", "src"):
        return not value.strip().startswith(("#", "data:image/"))
    return _external(value)


def _external(css: str) -> bool:
    """CSS that loads something other than a fragment of the same SVG."""
    low = css.lower()
    return "@import" in low or low.count("url(") > len(_LOCAL_URL.findall(css))


class Images(Filter):
    """Manuscript stage: every Markdown image checked, embedded or replaced (see module)."""

    def __init__(self) -> None:
        self.warned: set[str] = set()
        self.found: dict[str, Resolved] = {}  # each target read and checked once
        self.shown = 0  # bytes of the pictures embedded so far, each time it is shown
        self.repeated = 0  # of which pictures shown a second time or more
        self.times: dict[str, int] = {}  # times each target is shown

    def action(self, elem: Element, doc: Document) -> Element | list[Element] | None:
        if elem["t"] == "Image":
            return self._image(elem, doc)
        if elem["t"] == "Figure":
            return _figure(elem)
        return None

    def _image(self, elem: Element, doc: Document) -> Element | None:
        alt, target, title = ast.inlines_of(elem), ast.url(elem), ast.title(elem)
        found = self.found.get(target) or resolve(target, doc.source.parent)
        if target not in self.found and found.file is not None:
            doc.pictures.append(found.file)
        self.found[target] = found
        if found.uri is not None:
            found = self._budget(target, found)
        if found.uri is not None:
            ast.set_url(elem, found.uri)
            return None
        self.warn(doc, target, found)
        text = alt or ([ast.Str(title)] if title else [])
        if found.remote:
            link_attr = ast.make_attr(ast.ident(elem), [REMOTE_CLASS])
            return ast.Link(text or [ast.Str(target)], target, title, link_attr)
        return missing(text, ast.ident(elem))

    def _budget(self, target: str, found: Resolved) -> Resolved:
        """``found``, or a refusal once the report's pictures pass :data:`MAX_TOTAL`, or
        its pictures shown again :data:`MAX_REPEATED`."""
        times = self.times.get(target, 0)
        again = found.size if times else 0
        if self.repeated + again > MAX_REPEATED:
            reason = (
                f"shown {times} times already (each time carries the whole picture; "
                f"repeats stop at {MAX_REPEATED // 2**20} MiB)"
            )
            return Resolved(None, "resource-refused", reason)
        if self.shown + found.size > MAX_TOTAL:
            reason = (
                f"the report's pictures pass {MAX_TOTAL // 2**20} MiB in all (each counted "
                "every time it is shown)"
            )
            return Resolved(None, "resource-refused", reason)
        self.times[target] = times + 1
        self.shown += found.size
        self.repeated += again
        return found

    def warn(self, doc: Document, target: str, found: Resolved) -> None:
        if target in self.warned:
            return
        self.warned.add(target)
        shown = target if len(target) <= 80 else target[:77] + "…"
        what = "is shown as a link" if found.remote else "is left out; its description stays"
        doc.warn(
            found.code,
            f"image {shown}: {found.reason}; the picture {what}",
            doc.line_of(target),
            target=target[:500],
        )


def missing(text: list[Element], ident: str = "") -> Element:
    """The span that stands for a picture not shown: its description."""
    return ast.Span(text, ast.make_attr(ident, [MISSING_CLASS]))


def _figure(elem: Element) -> Element | None:
    """A figure whose only picture is gone: its caption once, as a paragraph (pandoc makes
    the caption from the description, which the missing picture already left in place)."""
    caption, body = ast.caption_blocks(elem), ast.blocks_of(elem)
    spans: list[Element] = []
    for block in body:
        if block["t"] not in ("Plain", "Para"):
            return None
        for inline in ast.inlines_of(block):
            if inline["t"] in ("Span", "Link") and {MISSING_CLASS, REMOTE_CLASS} & set(
                ast.classes(inline)
            ):
                spans.append(inline)
            elif inline["t"] not in ("Space", "SoftBreak"):
                return None
    if not spans:
        return None
    text = [i for b in caption if b["t"] in ("Plain", "Para") for i in ast.inlines_of(b)]
    if stringify(text).strip() and stringify(text).strip() != stringify(spans).strip():
        spans.append({"t": "Space"})
        spans.extend(text)
    para = ast.Para(spans)
    return ast.Div([para], ast.attr(elem)) if ast.ident(elem) else para
