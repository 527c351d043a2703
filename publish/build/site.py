"""``manifest.json`` (every output with its hash) and ``index.html`` (the download page)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from publish import __version__
from publish.editions import LABELS
from publish.writers.common import render, write_bytes


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def entries(out: Path, result: Any) -> list[dict[str, Any]]:
    rows = []
    for o in result.outputs:
        p = Path(o["path"])
        rows.append(
            {
                "path": p.relative_to(out).as_posix(),
                "source": o["source"],
                "edition": o["edition"],
                "format": o["format"],
                "bytes": p.stat().st_size,
                "sha256": sha256(p),
                "pages": o.get("pages"),
            }
        )
    return sorted(rows, key=lambda r: r["path"])


def write(out: Path, result: Any) -> None:
    rows = entries(out, result)
    manifest = {"publish": __version__, "outputs": rows}
    write_bytes(
        out / "manifest.json", (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode()
    )
    reports = []
    for doc in result.documents:
        eds: dict[str, dict[str, Any]] = {}
        for r in rows:
            if r["path"].startswith(doc.stem + "/"):
                eds.setdefault(r["edition"], {})[r["format"]] = r
        reports.append(
            {
                "stem": doc.stem,
                "title": doc.meta.title,
                "report": f"{doc.stem}/{doc.stem}.report.json",
                "editions": [
                    {
                        "code": code,
                        "label": LABELS[code]["edition"],
                        "formats": fmts,
                        "review": f"{doc.stem}/{doc.stem}.{code}.phrases.html",
                    }
                    for code, fmts in eds.items()
                ],
            }
        )
    page = render("index.html.j2", reports=reports, version=__version__)
    write_bytes(out / "index.html", page.encode("utf-8"))
