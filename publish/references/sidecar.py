"""``<stem>.refs.yaml`` (or ``.json``) next to the source: what the author knows about each
reference (title, author, issued, container-title, …, as CSL-JSON fields), keyed by URL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from publish.document import Document, Reference
from publish.errors import SourceError
from publish.references.urls import normalize


def path_for(source: Path) -> Path | None:
    for ext in (".refs.yaml", ".refs.yml", ".refs.json"):
        p = source.with_name(source.stem + ext)
        if p.is_file():
            return p
    return None


def load(doc: Document) -> dict[str, dict[str, Any]]:
    """Entries by normalised URL. A malformed file is a :class:`SourceError`."""
    p = path_for(doc.source)
    if p is None:
        return {}
    try:
        text = p.read_text("utf-8")
        data = json.loads(text) if p.suffix == ".json" else yaml.safe_load(text)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise SourceError(f"{p}: cannot read the references file ({first}); fix it") from None
    entries = data.get("references", []) if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise SourceError(f"{p}: expected a list under `references:`; see `publish refs`")
    out: dict[str, dict[str, Any]] = {}
    for entry in entries:
        if isinstance(entry, dict) and entry.get("url"):
            fields = {k: v for k, v in entry.items() if v not in (None, "")}
            out[normalize(str(entry["url"]))] = fields
    return out


def template(refs: list[Reference]) -> str:
    """The sidecar for the author to fill in: every reference with number, URL and site."""
    lines = [
        "# References of this report, in the order they are first cited.",
        "# Fill in what you know (title, author, issued, container-title); leave the rest empty.",
        "# Entries are matched by url; numbers are for your orientation only.",
        "references:",
    ]
    for n, ref in enumerate(refs, 1):
        lines += [
            f"  - number: {n}",
            f"    url: {json.dumps(ref.url, ensure_ascii=False)}",
            f"    site: {json.dumps(ref.site, ensure_ascii=False)}",
            f"    title: {json.dumps(ref.title or '', ensure_ascii=False)}",
        ]
    return "\n".join(lines) + "\n"
