"""The EPUB 3 edition, written by pandoc."""

from __future__ import annotations

import uuid
from pathlib import Path

from publish import pandoc
from publish.document import Edition
from publish.styles import STYLES
from publish.writers.common import atomic


def identifier(edition: Edition) -> str:
    """Stable across rebuilds: derived from the source name and the edition."""
    return "urn:uuid:" + str(
        uuid.uuid5(uuid.NAMESPACE_URL, f"publish:{edition.doc.stem}:{edition.code}")
    )


def write(edition: Edition, path: Path) -> dict:
    ast = dict(edition.ast)
    meta = dict(ast["meta"])
    meta["identifier"] = {"t": "MetaString", "c": identifier(edition)}
    ast["meta"] = meta
    with atomic(path) as tmp:
        _, warnings = pandoc.convert(
            ast,
            "epub3",
            [
                "-o",
                str(tmp),
                "--toc",
                "--toc-depth=3",
                "--split-level=1",
                "--mathml",
                "--css",
                str(STYLES / "epub.css"),
                "--resource-path",
                str(edition.doc.source.parent),
            ],
            f"{edition.doc.source} (epub)",
        )
    for w in warnings:
        edition.doc.warn("pandoc-warning", f"{edition.code} epub: {w}")
    return {}
