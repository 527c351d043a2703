"""The DOCX edition, written by pandoc with a reference document from ``styles/``."""

from __future__ import annotations

from pathlib import Path

from publish import pandoc
from publish.document import Edition
from publish.styles import STYLES
from publish.writers.common import atomic


def reference_doc(edition: Edition) -> Path | None:
    p = STYLES / f"reference-{edition.region}.docx"
    return p if p.is_file() else None


def write(edition: Edition, path: Path) -> dict:
    ast = dict(edition.ast)
    meta = dict(ast["meta"])
    # Word knows zh-CN / zh-TW / zh-HK, not BCP 47 script subtags.
    meta["lang"] = {"t": "MetaString", "c": edition.docx_lang}
    ast["meta"] = meta
    ref = reference_doc(edition)
    with atomic(path) as tmp:
        _, warnings = pandoc.convert(
            ast,
            "docx",
            [
                "-o",
                str(tmp),
                "--toc",
                "--toc-depth=3",
                "--resource-path",
                str(edition.doc.source.parent),
                *(["--reference-doc", str(ref)] if ref else []),
            ],
            f"{edition.doc.source} (docx)",
        )
    for w in warnings:
        edition.doc.warn("pandoc-warning", f"{edition.code} docx: {w}")
    return {}
