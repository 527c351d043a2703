"""``<stem>.report.json`` (everything done and suspected) and the phrase review pages."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from publish import __version__
from publish.document import Document
from publish.editions import LABELS
from publish.writers.common import render, write_bytes


def data(doc: Document, editions: dict[str, Any]) -> dict[str, Any]:
    return {
        "source": str(doc.source),
        "stem": doc.stem,
        "publish": __version__,
        "encoding": doc.encoding,
        "script": doc.script,
        "title": doc.meta.title,
        "diagnostics": [d.as_json() for d in doc.diagnostics],
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
        "editions": {
            code: {
                "title": e["title"],
                "phrases": e["phrases"],
                "review": f"{doc.stem}.{code}.phrases.html",
            }
            for code, e in editions.items()
        },
    }


def write(doc: Document, editions: dict[str, Any], folder: Path, out: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for code, e in editions.items():
        page = render(
            "phrases.html.j2",
            lang=code,
            title=e["title"],
            code=code,
            labels=LABELS[code],
            phrases=e["phrases"],
            source=doc.source.name,
        )
        write_bytes(folder / f"{doc.stem}.{code}.phrases.html", page.encode("utf-8"))
    path = folder / f"{doc.stem}.report.json"
    text = json.dumps(data(doc, editions), ensure_ascii=False, indent=2) + "\n"
    write_bytes(path, text.encode("utf-8"))
    return path
