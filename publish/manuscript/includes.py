"""mdBook's includes in code blocks: ``{{#include ../listings/main.rs}}``.

An mdBook chapter (the Rust book and its translations) shows its listings by reference:
a code block whose line is ``{{#include path}}`` or ``{{#rustdoc_include path}}``, with
an optional part of the file (``:5:10`` lines 5 to 10, ``:5:``, ``::10``, ``:5``, or
``:name``, the lines between ``ANCHOR: name`` and ``ANCHOR_END: name``). pandoc printed
the directive. Each is replaced by that part of the file, its ``ANCHOR`` lines left out.

Read only: a text file of at most :data:`MAX_BYTES` inside the book (the nearest folder
above the source holding ``book.toml``) or, for a source outside a book, inside the
source's own folder, checked on the resolved real path; anything else stays as written,
with an ``include-not-read`` warning naming it.
"""

from __future__ import annotations

import re
from pathlib import Path

from publish.ast import elements
from publish.document import Document
from publish.project import files_root

DIRECTIVE = re.compile(r"^[ \t]*\{\{#(?:include|rustdoc_include)[ \t]+([^}\s]+)[ \t]*\}\}[ \t]*$")
ANCHOR = re.compile(r"\bANCHOR(?:_END)?:\s*([\w-]+)")
MAX_BYTES = 1 << 20


def mdbook_includes(doc: Document) -> None:
    """Manuscript stage, after parsing: see module."""
    blocks = [
        e
        for e in elements(doc.ast.get("blocks", []))
        if e["t"] == "CodeBlock" and "{{#" in e["c"][1]
    ]
    if not blocks:
        return
    root = files_root(doc.source)
    refused: list[str] = []
    read = 0
    for block in blocks:
        lines = []
        for line in block["c"][1].split("\n"):
            m = DIRECTIVE.match(line)
            if m is None:
                lines.append(line)
                continue
            name, _, spec = m.group(1).partition(":")
            try:
                path = (doc.source.parent / name).resolve()
            except (OSError, RuntimeError, ValueError):  # a loop, a NUL byte
                path = None
            inside = path is not None and path.is_relative_to(root)
            if inside:
                # read or looked for, it is an input: a change to it rebuilds (cache.py)
                doc.pictures.append(path)
            part = _read(path, spec) if inside else None
            if part is None:
                refused.append(m.group(1))
                lines.append(line)
            else:
                lines.extend(part)
                read += 1
        block["c"][1] = "\n".join(lines)
    if read:
        doc.info("includes", f"{read} mdBook include(s) read into their code blocks")
    if refused:
        doc.warn(
            "include-not-read",
            f"{len(refused)} mdBook include(s) left as written: no such text file inside "
            "the book (the folder holding book.toml, else the source's): "
            + ", ".join(dict.fromkeys(refused[:5])),
            doc.line_of(refused[0]),
            paths=refused[:50],
        )


def _read(path: Path, part: str) -> list[str] | None:
    """The lines of ``path`` (inside the book, resolved), or the ``part`` after its ":"."""
    try:
        if not path.is_file() or path.stat().st_size > MAX_BYTES:
            return None
        lines = path.read_text("utf-8").split("\n")
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    if lines and lines[-1] == "":
        lines.pop()
    if part and not re.fullmatch(r"\d*(?::\d*)?", part):  # an anchor's name
        inside, keep = False, []
        for line in lines:
            m = ANCHOR.search(line)
            if m and m.group(1) == part:
                if "ANCHOR_END" in m.group(0):
                    break
                inside = True
                continue
            if inside and not m:
                keep.append(line)
        lines = keep
    elif part:
        a, _, b = part.partition(":")
        start = int(a) - 1 if a else 0
        end = (int(b) if b else len(lines)) if ":" in part else start + 1
        lines = lines[max(start, 0) : end]
    return [line for line in lines if not ANCHOR.search(line)]
