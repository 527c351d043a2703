"""Title and metadata: YAML front matter when present, else the first level-1 heading."""

from __future__ import annotations

from publish.ast import elements, meta_text, meta_value, stringify
from publish.document import Document


def _authors(value: dict | None) -> list[str]:
    if value is None:
        return []
    if value["t"] == "MetaList":
        return [meta_text(v) for v in value["c"] if meta_text(v)]
    text = meta_text(value)
    return [text] if text else []


def take_metadata(doc: Document) -> None:
    meta = doc.ast["meta"]
    m = doc.meta
    m.title = meta_text(meta.get("title")).strip()
    m.subtitle = meta_text(meta.get("subtitle")).strip()
    m.author = _authors(meta.get("author"))
    m.date = meta_text(meta.get("date")).strip()
    m.lang = meta_text(meta.get("lang")).strip()
    blocks = doc.ast["blocks"]
    h1 = [i for i, b in enumerate(blocks) if b["t"] == "Header" and b["c"][0] == 1]
    if not m.title and h1:
        m.title = stringify(blocks[h1[0]]["c"][2]).strip()
        if h1[0] == 0 or all(b["t"] in ("Para", "HorizontalRule") for b in blocks[: h1[0]]):
            # The heading is the title page, not a chapter: take it out of the body. Its
            # notes (the title is plain text) go on, called at the end of the first
            # paragraph after it.
            notes = [e for e in elements(blocks[h1[0]]["c"][2]) if e["t"] == "Note"]
            del blocks[h1[0]]
            if notes:
                _keep_notes(doc, notes, h1[0])
            if len(h1) == 1:
                # A single title heading: chapters move up a level, as pandoc's
                # --shift-heading-level-by=-1 does, so EPUB nav and DOCX Heading 1 are chapters.
                for e in elements(blocks):
                    if e["t"] == "Header" and e["c"][0] > 1:
                        e["c"][0] -= 1
        doc.info("title-from-heading", f"title taken from the first heading: {m.title}")
    _chapters_at_level_one(doc)
    if not m.title:
        m.title = doc.stem
        doc.warn(
            "title-missing", "no title (no YAML title, no level-1 heading); using the file name"
        )
    meta["title"] = meta_value(m.title)


def _keep_notes(doc: Document, notes: list[dict], at: int) -> None:
    blocks = doc.ast["blocks"]
    para = next((b for b in blocks[at:] if b["t"] in ("Para", "Plain")), None)
    if para is None:
        para = {"t": "Para", "c": []}
        blocks.insert(at, para)
    para["c"] += notes
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
    top = min((e["c"][0] for e in heads), default=1)
    if top > 1:
        for e in heads:
            e["c"][0] -= top - 1
        doc.info(
            "headings-shifted",
            f"the highest heading is level {top}: every heading moves up {top - 1} "
            "level(s), so chapters are level 1",
        )
