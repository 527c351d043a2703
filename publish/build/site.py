"""``manifest.json`` (every output with its hash) and ``index.html`` (the download page).

Both describe every output the build state knows in the folder, not only this run's: after
``make pdf`` then ``make epub`` they list the PDFs and the EPUBs. Rows come from the state
(hashes taken when each file was written), sorted by path, so the order is stable.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

from publish import __version__
from publish.build.cache import State, digest, stat_of
from publish.build.report import review_name, write_if_changed
from publish.config import EDITIONS, FORMATS

MANIFEST = "manifest.json"
INDEX = "index.html"
KEYS = ("path", "source", "edition", "format", "bytes", "sha256", "pages")
# What each format is for, in Simplified · Traditional.
KINDS = {
    "pdf": "打印 · 列印",
    "epub": "电子书 · 電子書",
    "docx": "Word 文档 · 文件",
    "html": "网页 · 網頁",
}


def rows(state: State) -> list[dict[str, Any]]:
    # The state keeps where the source lay on the build machine; the manifest names it.
    return [
        {**{k: rec.get(k) for k in KEYS}, "path": rel, "source": Path(rec["source"]).name}
        for rel, rec in sorted(state.outputs.items())
    ]


def _order(rec: dict[str, Any]) -> tuple[int, int]:
    return EDITIONS.index(rec["edition"]), FORMATS.index(rec["format"])


def reports(state: State) -> list[dict[str, Any]]:
    """Per source with outputs: title, report, and per edition its files and phrases."""
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
            files = {r["format"]: r for r in mine if r["edition"] == code}
            if not files:
                continue
            ed = src.get("editions", {}).get(code, {})
            editions.append(
                {
                    "code": code,
                    "label": ed.get("label", code),
                    "title": ed.get("title", src["doc"]["title"]),
                    "formats": files,
                    "review": f"{stem}/{review_name(stem, code)}",
                    "phrases": ed.get("phrases", []),
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
            }
        )
    return out


def href(rel: str) -> str:
    """A link to a file in the folder: its relative path, percent-encoded (a ":" in a
    name would otherwise read as a scheme, "javascript:"; "#", "?" and spaces would cut
    the path short)."""
    return quote(rel, safe="/")


def links(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """:func:`reports` with every path the page links to made an href."""
    found = copy.deepcopy(found)
    for r in found:
        r["report"] = href(r["report"])
        for e in r["editions"]:
            e["review"] = href(e["review"])
            for o in e["formats"].values():
                o["path"] = href(o["path"])
    return found


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
    }
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def write(out: Path, state: State, styles_key: str = "") -> list[Path]:
    """Write the manifest and the download page if they changed; returns what was written.
    The page is rendered only when what it shows (or the styles) changed."""
    written = []
    if write_if_changed(out / MANIFEST, manifest_bytes(state)):
        written.append(out / MANIFEST)
    context = {"reports": links(reports(state)), "version": __version__, "kinds": KINDS}
    key = digest(json.dumps([context, styles_key], sort_keys=True).encode())
    if state.site.get("index") != key or stat_of(out / INDEX) is None:
        from publish.writers.common import render

        page = render("index.html.j2", **context).encode("utf-8")
        if write_if_changed(out / INDEX, page):
            written.append(out / INDEX)
        state.site["index"] = key
    return written
