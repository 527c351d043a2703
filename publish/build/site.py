"""``manifest.json`` (every output with its hash), ``index.html`` (the download page, for
readers) and ``editors.html`` (hashes, warnings, build reports and phrase review, for
the team).

All three describe every output the build state knows in the folder, not only this run's:
after ``make pdf`` then ``make epub`` they list the PDFs and the EPUBs. Rows come from the
state (hashes taken when each file was written), sorted by path, so the order is stable.

The readers' page shows one language at a time: one section per edition, the one named in
the address (``index.html#zh-Hant-TW``) shown by CSS ``:target``, the default one
otherwise, so it works offline and without scripts; a tiny optional script only picks
the reader's language from the browser on a first visit. Each report has a cover
thumbnail: the PDF's first page (else the EPUB's cover image), drawn by PyMuPDF to a
small PNG (``<stem>.<edition>.cover.png``), redrawn only when that output changes.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

from publish import __version__
from publish.build.cache import State, digest, stat_of
from publish.build.report import review_name, write_if_changed
from publish.config import EDITIONS, FORMATS
from publish.editions.table import CODES, spec

MANIFEST = "manifest.json"
INDEX = "index.html"
EDITORS = "editors.html"
KEYS = ("path", "source", "edition", "format", "bytes", "sha256", "pages")
COVER_WIDTH = 240  # pixels: shown 120 CSS pixels wide, sharp on a 2x screen (about 20 KB)
ABSTRACT = 160  # characters of a first paragraph standing in for a missing abstract

# The readers' page in each edition's own words. A language's name is written once, in
# its own script (how language switchers read), never doubled.
TYPES = {
    "pdf": "application/pdf",
    "epub": "application/epub+zip",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html",
}
REVIEW = ".review.docx"  # the reviewers' DOCX (--review): on the editors' page only


def _words(code: str) -> dict[str, Any]:
    """The download page's words in edition ``code``'s script: the edition table's labels."""
    label = spec(code).labels
    return {
        "name": label["language"],
        "heading": label["site_heading"],
        "intro": label["site_intro"],
        "author": label["author"],
        "date": label["date"],
        "pages": label["pages_n"],
        "cover": label["cover"],
        "missing": label["site_missing"],
        "truncated": label["site_truncated"],
        "formats": {f: (label[f"format_{f}"], label[f"format_{f}_note"]) for f in TYPES},
    }


WORDS: dict[str, dict[str, Any]] = {code: _words(code) for code in CODES}


def size(n: int) -> str:
    """Bytes as a reader counts them: KB and MB of 1000 (what file managers on macOS and
    phones show), one decimal from 1 MB on; never "0 KB"."""
    if n >= 999_500:  # not "1000 KB"
        return f"{n / 1_000_000:.1f} MB"
    return f"{max(1, round(n / 1000))} KB"


def card(edition: Any) -> dict[str, str]:
    """What the download page says about one edition of a report besides its title:
    author(s), date and abstract, in the edition's script (the worker sends it back with
    each output; see build/worker.py). The abstract is front matter's ``abstract:`` (or
    ``description:``), else the opening of the first paragraph of the text."""
    from publish.ast import meta_text
    from publish.writers.dates import printed_date

    meta = edition.ast.get("meta", {})
    author = meta.get("author")
    authors = author["c"] if author and author["t"] == "MetaList" else [author] if author else []
    abstract = meta_text(meta.get("abstract") or meta.get("description")).strip()
    if not abstract:
        abstract = _opening(edition.ast.get("blocks", []))
    return {
        "author": "、".join(t for a in authors if (t := meta_text(a).strip())),
        "date": printed_date(edition),
        "abstract": _shorten(abstract),
    }


def _opening(blocks: list[Any]) -> str:
    """The first paragraph of running text (a heading, a list, a table or a one-line
    caption is not an abstract), looking inside sections (Divs) but nothing else."""
    from publish.ast import blocks_of, kind, stringify

    for b in blocks:
        if kind(b) == "Div":
            found = _opening(blocks_of(b) or [])
            if found:
                return found
        elif kind(b) == "Para":
            text = stringify(b).strip()
            if len(text) >= 24:
                return text
    return ""


def _shorten(text: str) -> str:
    # citation marks ([1], [2-4]) point into a text the abstract is cut from
    text = re.sub(r"\[\d+(?:\s*[-–,，、]\s*\d+)*\]", "", text)
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= ABSTRACT:
        return text
    cut = text[:ABSTRACT]
    end = max(cut.rfind(p) for p in "。！？；")
    return cut[: end + 1] if end >= ABSTRACT // 2 else cut.rstrip("，、：,; ") + "……"


def rows(state: State) -> list[dict[str, Any]]:
    # The state keeps where the source lay on the build machine; the manifest names it.
    return [
        {**{k: rec.get(k) for k in KEYS}, "path": rel, "source": Path(rec["source"]).name}
        for rel, rec in sorted(state.outputs.items())
    ]


def _order(rec: dict[str, Any]) -> tuple[int, int, bool]:
    return EDITIONS.index(rec["edition"]), FORMATS.index(rec["format"]), is_review(rec["path"])


def is_review(rel: str) -> bool:
    return rel.endswith(REVIEW)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def reports(state: State) -> list[dict[str, Any]]:
    """Per source with outputs: title, report, and per edition its files (the readers'
    ``formats``, the reviewers' DOCX apart), card, phrases and warnings."""
    out = []
    for stem, src in sorted(state.sources.items()):
        mine = sorted(
            (r for r in rows(state) if r["path"].startswith(f"{stem}/")),
            key=lambda r: _order(r),
        )
        if not mine:
            continue
        editions = []
        for code in EDITIONS:
            files = [r for r in mine if r["edition"] == code]
            if not files:
                continue
            ed = src.get("editions", {}).get(code, {})
            given = ed.get("card") if isinstance(ed.get("card"), dict) else {}
            editions.append(
                {
                    "code": code,
                    "label": ed.get("label", code),
                    "title": ed.get("title", src["doc"]["title"]),
                    "card": {k: _text(given.get(k)) for k in ("author", "date", "abstract")},
                    "formats": {r["format"]: r for r in files if not is_review(r["path"])},
                    "reviews": [r for r in files if is_review(r["path"])],
                    "files": files,
                    "review": f"{stem}/{review_name(stem, code)}",
                    "phrases": ed.get("phrases", []),
                    # the source stops mid-way (report.json "truncated"): said on the card
                    "truncated": bool(src["doc"].get("truncated")),
                }
            )
        out.append(
            {
                "stem": stem,
                "source": Path(src["source"]).name,
                "file": Path(src["source"]).name,
                "title": src["doc"]["title"],
                "report": f"{stem}/{stem}.report.json",
                "editions": editions,
                "warnings": _warnings(state, stem, src),
            }
        )
    return out


def _warnings(state: State, stem: str, src: dict[str, Any]) -> list[dict[str, Any]]:
    """Every warning the report of ``stem`` holds (the source's, its editions', its
    outputs'), each once, in the order of the source's lines."""
    found = list(src.get("diagnostics", []))
    for e in src.get("editions", {}).values():
        found += e.get("diagnostics", [])
    for rel, rec in sorted(state.outputs.items()):
        if rel.startswith(f"{stem}/"):
            found += rec.get("diagnostics", [])
    seen = set()
    out = []
    for d in found:
        key = (d.get("code"), d.get("line"), d.get("message"))
        if d.get("severity") != "info" and key not in seen:
            seen.add(key)
            out.append(d)
    return sorted(out, key=lambda d: (d.get("line") or 0, d.get("code") or ""))


def href(rel: str) -> str:
    """A link to a file in the folder: its relative path, percent-encoded (a ":" in a
    name would otherwise read as a scheme, "javascript:"; "#", "?" and spaces would cut
    the path short)."""
    return quote(rel, safe="/")


def links(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """:func:`reports` with every path the pages link to made an href."""
    found = copy.deepcopy(found)
    for r in found:
        r["report"] = href(r["report"])
        for e in r["editions"]:
            e["review"] = href(e["review"])
            for o in e["files"]:
                o["href"] = href(o["path"])
                o["size"] = size(o["bytes"])
    return found


def cover_rel(stem: str, code: str) -> str:
    return f"{stem}/{stem}.{code}.cover.png"


def covers(root: Path, found: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Each edition's cover thumbnail, ``{cover rel: {width, height}}``: the PDF's first
    page, which the worker draws beside the PDF as soon as it is written
    (:func:`draw_cover`, in parallel, so an interrupted build has nothing left to draw),
    else the EPUB's cover image. A thumbnail older than its output is drawn again here;
    one whose edition has no PDF or EPUB any more is removed. PyMuPDF draws the same
    pixels from the same file and its PNG holds no time: a rebuild writes the same bytes."""
    made: dict[str, dict[str, int]] = {}
    for r in found:
        for e in r["editions"]:
            rel = cover_rel(r["stem"], e["code"])
            for fmt in ("pdf", "epub"):
                o = e["formats"].get(fmt)
                source = _find(root, o["path"]) if o else None
                if source is None:
                    continue
                png = _find(root, rel)
                if png is not None and png.stat().st_mtime_ns >= source.stat().st_mtime_ns:
                    size = _png_size(png)
                    if size:
                        made[rel] = {"width": size[0], "height": size[1]}
                        break
                drawn = _draw(source, fmt, source.with_name(Path(rel).name))
                if drawn:
                    made[rel] = {"width": drawn[0], "height": drawn[1]}
                    break
        for png in (root / r["stem"]).glob("*.cover.png"):
            if f"{r['stem']}/{png.name}" not in made and not png.is_symlink():
                png.unlink(missing_ok=True)
    return made


def draw_cover(output: Path, fmt: str, opened: Any = None) -> None:
    """The worker's part: a PDF's thumbnail, drawn as soon as the PDF is written;
    ``opened``: the PDF, open in PyMuPDF already."""
    name = re.sub(r"\.(pdf|epub)$", ".cover.png", output.name)
    if name != output.name:
        _draw(output, fmt, output.with_name(name), opened)


def open_pdf(path: Path) -> Any:
    """``path`` open in PyMuPDF, for the thumbnail and the read-back check to share; None
    when PyMuPDF is missing or cannot read it (each then says so in its own way)."""
    try:
        import pymupdf

        return pymupdf.open(path)
    except Exception:  # noqa: BLE001 - a damaged file: the check reports it
        return None


def _find(root: Path, rel: str) -> Path | None:
    """A file of the folder: in ``root``, or, when ``root`` is a --strict build's stage
    inside the folder, in the folder itself (an output this build did not remake)."""
    for folder in (root, root.parent) if root.name.startswith(".publish-stage") else (root,):
        if stat_of(folder / rel) is not None:
            return folder / rel
    return None


def _png_size(path: Path) -> tuple[int, int] | None:
    head = path.read_bytes()[:24]
    if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def _draw(path: Path, fmt: str, png: Path, opened: Any = None) -> tuple[int, int] | None:
    try:
        import pymupdf
    except ImportError:
        return None
    try:
        if fmt == "epub":
            found = _epub_cover(path)
            if found is None:
                return None
            doc = pymupdf.open(stream=found[0], filetype=found[1])
        else:
            doc = opened if opened is not None else pymupdf.open(path)
        with contextlib.nullcontext(doc) if doc is opened else doc:
            page = doc[0]
            zoom = COVER_WIDTH / page.rect.width
            pix = page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), alpha=False)
            data = pix.tobytes("png")
    except Exception:  # a damaged file: the page shows the title instead of a cover
        return None
    if not write_if_changed(png, data):
        # The same picture from a remade PDF: dated as current, or every build after this
        # one would find it older than the PDF and draw it again (measured: pymupdf's
        # import and three draws, a third of a build with nothing to do).
        when = path.stat().st_mtime_ns
        if png.stat().st_mtime_ns < when:
            os.utime(png, ns=(when, when))
    return pix.width, pix.height


MAX_COVER = 32 << 20  # an EPUB's cover image bigger than this is not read


def _epub_cover(path: Path) -> tuple[bytes, str] | None:
    """The cover image an EPUB names (``properties="cover-image"``) and its type."""
    import posixpath
    import zipfile

    from lxml import etree

    with zipfile.ZipFile(path) as z:
        container = etree.fromstring(z.read("META-INF/container.xml"))
        opf = container.xpath("//*[local-name()='rootfile']/@full-path")[0]
        package = etree.fromstring(z.read(opf))
        hrefs = package.xpath(
            "//*[local-name()='item'][contains(concat(' ', @properties, ' '), ' cover-image ')]"
            "/@href"
        )
        if not hrefs:
            return None
        name = posixpath.normpath(posixpath.join(posixpath.dirname(opf), hrefs[0]))
        if z.getinfo(name).file_size > MAX_COVER:
            return None
        return z.read(name), posixpath.splitext(name)[1].lstrip(".").lower()


def manifest_bytes(state: State) -> bytes:
    data = {
        "publish": __version__,
        "outputs": rows(state),
        "reports": [
            {
                "stem": r["stem"],
                "source": r["source"],
                "title": r["title"],
                "report": r["report"],
                "reviews": {e["code"]: e["review"] for e in r["editions"]},
            }
            for r in reports(state)
        ],
        "editors": EDITORS,  # hashes, warnings, build reports and phrase review
    }
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def languages(found: list[dict[str, Any]]) -> list[str]:
    """The editions any report has, zh-Hans first (the page's default) when present."""
    have = {e["code"] for r in found for e in r["editions"]}
    return [c for c in EDITIONS if c in have] or [EDITIONS[0]]


def write(out: Path, state: State, styles_key: str = "") -> list[Path]:
    """Write the manifest and both pages if they changed; returns what was written.
    A page is rendered only when what it shows (or the styles) changed."""
    written = []
    if write_if_changed(out / MANIFEST, manifest_bytes(state)):
        written.append(out / MANIFEST)
    found = reports(state)
    for key in [k for k in state.site if k.startswith("cover:")]:  # kept there until 0e36c81
        del state.site[key]
    drawn = covers(out, found)
    shown = links(found)
    for r in shown:
        for e in r["editions"]:
            cover = drawn.get(cover_rel(r["stem"], e["code"]))
            e["cover"] = {**cover, "href": href(cover_rel(r["stem"], e["code"]))} if cover else None
    langs = languages(shown)
    context = {
        "reports": shown,
        "version": __version__,
        "langs": langs,
        "default": langs[0],
        "words": {c: WORDS[c] for c in langs},
        "headings": [WORDS[c]["heading"] for c in langs],
        "types": TYPES,
        "index": INDEX,
    }
    key = digest(json.dumps([context, styles_key], sort_keys=True).encode())
    pages = {"index": INDEX, "editors": EDITORS}
    if state.site.get("index") != key or any(stat_of(out / p) is None for p in pages.values()):
        from publish.writers.common import render

        for name, page in pages.items():
            text = render(f"{name}.html.j2", **context).encode("utf-8")
            if write_if_changed(out / page, text):
                written.append(out / page)
        state.site["index"] = key
    return written
