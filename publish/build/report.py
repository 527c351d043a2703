"""``<stem>.report.json`` (everything done and suspected) and the phrase review pages.

The report is assembled from what the build state keeps (:mod:`publish.build.cache`): the
document's own part (:func:`doc_data`, made once when the source is parsed), each edition's
title and phrase changes, and every diagnostic. So a report can be rewritten, after a build
that only touched some outputs, without parsing the source again.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from publish import __version__
from publish.document import Document


def doc_data(doc: Document) -> dict[str, Any]:
    """What the report says about the document itself (no diagnostics, no editions)."""
    return {
        "source": str(doc.source),
        "stem": doc.stem,
        "publish": __version__,
        "encoding": doc.encoding,
        "script": doc.script,
        "title": doc.meta.title,
        "removed": doc.removed,
        "references": [
            {
                "number": n,
                "id": r.id,
                "url": r.url,
                "site": r.site,
                "title": r.title,
                "cited_as": r.numbers,
            }
            for n, r in enumerate(doc.references, 1)
        ],
        "citations": doc.citations,
        "tables": doc.tables,
    }


def data(
    doc: dict[str, Any], diagnostics: list[dict[str, Any]], editions: dict[str, Any]
) -> dict[str, Any]:
    """The report: ``doc`` from :func:`doc_data`, every diagnostic, and per edition its
    title and phrase changes."""
    head = {k: doc[k] for k in ("source", "stem", "publish", "encoding", "script", "title")}
    return {
        **head,
        "diagnostics": diagnostics,
        **{k: v for k, v in doc.items() if k not in head},
        "editions": {
            code: {
                "title": e["title"],
                "phrases": e["phrases"],
                "review": review_name(doc["stem"], code),
            }
            for code, e in editions.items()
        },
    }


def review_name(stem: str, code: str) -> str:
    return f"{stem}.{code}.phrases.html"


def write(report: dict[str, Any], folder: Path) -> list[Path]:
    """The report and each edition's phrase review page, each written only if its bytes
    changed (atomically); returns the files written."""
    from publish.editions import LABELS
    from publish.writers.common import render

    stem = report["stem"]
    files: dict[Path, bytes] = {}
    for code, e in report["editions"].items():
        page = render(
            "phrases.html.j2",
            lang=code,
            title=e["title"],
            code=code,
            labels=LABELS[code],
            phrases=e["phrases"],
            source=Path(report["source"]).name,
        )
        files[folder / e["review"]] = page.encode("utf-8")
    text = json.dumps(report, ensure_ascii=False, indent=2) + "\n"
    files[folder / f"{stem}.report.json"] = text.encode("utf-8")
    return [path for path, blob in files.items() if write_if_changed(path, blob)]


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` atomically unless ``path`` already holds exactly it (its time then
    stays, as make expects). True when written."""
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    from publish.writers.common import write_bytes

    write_bytes(path, data)
    return True
