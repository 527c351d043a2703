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
            # The heading is the title page, not a chapter: take it out of the body.
            del blocks[h1[0]]
            if len(h1) == 1:
                # A single title heading: chapters move up a level, as pandoc's
                # --shift-heading-level-by=-1 does, so EPUB nav and DOCX Heading 1 are chapters.
                for e in elements(blocks):
                    if e["t"] == "Header" and e["c"][0] > 1:
                        e["c"][0] -= 1
        doc.info("title-from-heading", f"title taken from the first heading: {m.title}")
    if not m.title:
        m.title = doc.stem
        doc.warn(
            "title-missing", "no title (no YAML title, no level-1 heading); using the file name"
        )
    meta["title"] = meta_value(m.title)
