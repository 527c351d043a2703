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
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes

from lxml import etree

from publish.ast import Element, Filter, stringify
from publish.document import Document

MAX_BYTES = 20 * 2**20  # an image bigger than this is not a report's figure
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
            return _embed(file)
    return Resolved(None, "image-missing", "no such file next to the source")


def _embed(file: Path) -> Resolved:
    try:
        size = file.stat().st_size
        if size > MAX_BYTES:
            return Resolved(None, "resource-refused", f"{size // 2**20} MiB is too big an image")
        data = file.read_bytes()
    except OSError as exc:
        return Resolved(None, "image-missing", f"cannot read the file ({exc.strerror})")
    return _checked(data)


def _data_uri(target: str) -> Resolved:
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
    return _checked(raw)


def _checked(data: bytes) -> Resolved:
    kind = sniff(data)
    if kind is None:
        return Resolved(None, "resource-refused", "the file is not a PNG, JPEG, GIF, WebP or SVG")
    if kind == "image/svg+xml":
        clean = clean_svg(data)
        if clean is None:
            return Resolved(None, "resource-refused", "the SVG file cannot be read")
        data = clean
    return Resolved(f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}")


# SVG is a document: it may carry scripts, and links to files and addresses that a viewer
# (or WeasyPrint) would load. Only drawing stays.
_SVG_DROP = {"script", "foreignObject", "iframe", "embed", "object", "audio", "video"}
_LOCAL_URL = re.compile(r"url\(\s*['\"]?#", re.I)


def clean_svg(data: bytes) -> bytes | None:
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return None
    if root is None or etree.QName(root).localname != "svg":
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

    def action(self, elem: Element, doc: Document) -> Element | list[Element] | None:
        if elem["t"] == "Image":
            return self._image(elem, doc)
        if elem["t"] == "Figure":
            return _figure(elem)
        return None

    def _image(self, elem: Element, doc: Document) -> Element | None:
        attr, alt, (target, title) = elem["c"]
        found = resolve(target, doc.source.parent)
        if found.uri is not None:
            elem["c"][2][0] = found.uri
            return None
        self.warn(doc, target, found)
        text = alt or ([{"t": "Str", "c": title}] if title else [])
        if found.remote:
            link_attr = [attr[0], [REMOTE_CLASS], []]
            return {"t": "Link", "c": [link_attr, text or [_str(target)], [target, title]]}
        return missing(text, attr[0])

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
    return {"t": "Span", "c": [[ident, [MISSING_CLASS], []], text]}


def _str(text: str) -> Element:
    return {"t": "Str", "c": text}


def _figure(elem: Element) -> Element | None:
    """A figure whose only picture is gone: its caption once, as a paragraph (pandoc makes
    the caption from the description, which the missing picture already left in place)."""
    attr, (_, caption), body = elem["c"]
    spans: list[Element] = []
    for block in body:
        if block["t"] not in ("Plain", "Para"):
            return None
        for inline in block["c"]:
            if inline["t"] in ("Span", "Link") and {MISSING_CLASS, REMOTE_CLASS} & set(
                inline["c"][0][1]
            ):
                spans.append(inline)
            elif inline["t"] not in ("Space", "SoftBreak"):
                return None
    if not spans:
        return None
    text = [i for b in caption if b["t"] in ("Plain", "Para") for i in b["c"]]
    if stringify(text).strip() and stringify(text).strip() != stringify(spans).strip():
        spans.append({"t": "Space"})
        spans.extend(text)
    para = {"t": "Para", "c": spans}
    return {"t": "Div", "c": [attr, [para]]} if attr[0] else para
