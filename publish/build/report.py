"""``<stem>.report.json`` (everything done and suspected) and the phrase review pages.

The report is assembled from what the build state keeps (:mod:`publish.build.cache`): the
document's own part (:func:`doc_data`, made once when the source is parsed), each edition's
title and phrase changes, and every diagnostic. So a report can be rewritten, after a build
that only touched some outputs, without parsing the source again.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import Any

from publish import __version__
from publish.build.cache import PACKAGE, read_regular
from publish.document import Document
from publish.errors import BuildError
from publish.project import files_root

# A report is at most this big; a bigger file in its place is not one to compare with.
MAX_REPORT = 64 << 20


def doc_data(doc: Document) -> dict[str, Any]:
    """What the report says about the document itself (no diagnostics, no editions)."""
    return {
        "source": doc.source.name,  # the file, not where it lay on the build machine
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
        # a source that looks cut off: why, the promised chapters missing, whether the
        # editions carry an editor's note (--truncated); {} for a whole source
        "truncated": _truncated(doc),
        # the picture files read (or looked for), beside the source: a change rebuilds
        "pictures": sorted({_name(doc, f) for f in doc.pictures}),
        # a book's chapters (reading/book.py): file beside publish.toml, first line, its line
        **(
            {"chapters": [[_name(doc, f), first, at] for f, first, at in doc.parts]}
            if doc.parts
            else {}
        ),
    }


def _truncated(doc: Document) -> dict[str, Any]:
    # imported here: the manuscript package pulls in every step and writer, 0.26 s that a
    # build with nothing to do (which imports this module) does not need, measured
    from publish.manuscript.truncation import truncated

    return truncated(doc)


def _name(doc: Document, chapter: Path) -> str:
    """A chapter's file as the project names it (never the build machine's full path)."""
    folder = doc.source.resolve().parent
    path = chapter.resolve()
    try:
        return path.relative_to(folder).as_posix()
    except ValueError:
        pass
    try:  # a listing an mdBook chapter includes, beside src/: ../listings/main.rs
        path.relative_to(files_root(doc.source))
        return Path(os.path.relpath(path, folder)).as_posix()
    except ValueError:
        return chapter.name


def data(
    doc: dict[str, Any], diagnostics: list[dict[str, Any]], editions: dict[str, Any]
) -> dict[str, Any]:
    """The report: ``doc`` from :func:`doc_data`, every diagnostic, and per edition its
    title and phrase changes."""
    head = {k: doc[k] for k in ("source", "stem", "publish", "encoding", "script", "title")}
    report = {
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
    # An older state kept the source's full path; a message may name a file by its full
    # path (a picture next to the source, a library's own file in a warning).
    local = _unplace(_places(Path(doc["source"])))
    report["source"] = Path(doc["source"]).name
    return local(report)


def _places(source: Path) -> list[tuple[str, str]]:
    """Folders of the build machine a report must not name, each with what stands for it:
    the source's folder (its files are named relative to it), the project, the Python
    installation (venv, site-packages), the working folder and the home folder; longest
    first, the first named winning for one folder."""
    found = [
        (source.absolute().parent, ""),
        (PACKAGE.parent, "<publish>"),
        (Path(sys.prefix), "<python>"),
        (Path(sys.base_prefix), "<python>"),
        (Path.cwd(), ""),
        (Path.home(), "~"),
    ]
    places: dict[str, str] = {}
    for folder, name in found:
        for form in (str(folder), os.path.realpath(folder)):
            if len(Path(form).parts) > 1:  # never "/" itself
                places.setdefault(form, name)
    return sorted(places.items(), key=lambda p: -len(p[0]))


# What may stand right before or after a path in a message (not a letter, digit or "/":
# "/root" inside "https://a.example/root/x" is not the home folder).
_EDGE = "\\s\"'()\\[\\]<>=:,，：（）。、"


def _unplace(places: list[tuple[str, str]]) -> Any:
    """A function replacing each place in every string of a JSON value."""
    alternatives = [f"({re.escape(p)})(?:/|(?![^{_EDGE}]))" for p, _ in places]
    pattern = re.compile(f"(?<![^{_EDGE}])(?:{'|'.join(alternatives) or '(?!)'})")

    def sub(m: re.Match[str]) -> str:
        name = places[m.lastindex - 1][1] if m.lastindex else ""
        if m.group(0).endswith("/"):
            return f"{name}/" if name else ""  # the source's folder: names relative to it
        return name or "."

    def walk(v: Any) -> Any:
        if isinstance(v, str):
            return pattern.sub(sub, v)
        if isinstance(v, list):
            return [walk(x) for x in v]
        if isinstance(v, dict):
            return {k: walk(x) for k, x in v.items()}
        return v

    return walk


def review_name(stem: str, code: str) -> str:
    return f"{stem}.{code}.phrases.html"


def write(report: dict[str, Any], folder: Path) -> list[Path]:
    """The report and each edition's phrase review page, each written only if its bytes
    changed (atomically); returns the files written."""
    from publish.editions import LABELS
    from publish.writers.common import render

    stem = report["stem"]
    if folder.is_symlink():
        raise BuildError(
            f"{folder}: is a symlink that publish did not make; it never writes through one: "
            "remove the link, or build into another --out"
        )
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
        # Never through a symlink, nor from a device (/dev/zero never ends): such a file is
        # not the one written before, and the rename below replaces it, not its target.
        if read_regular(path, max(len(data), MAX_REPORT)) == data:
            return False
    except OSError:
        pass
    from publish.writers.common import write_bytes

    write_bytes(path, data)
    return True
