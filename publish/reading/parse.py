"""Read a source file into a :class:`Document` and parse it with pandoc."""

from __future__ import annotations

from pathlib import Path

from publish import pandoc
from publish.document import Document
from publish.errors import SourceError
from publish.reading.decode import decode

MAX_BYTES = 50 * 1024 * 1024  # a report is never this big; beyond it, say so instead of swapping


def read(source: Path, stem: str) -> Document:
    """Reading stage, part 1: fills ``text`` and ``encoding``."""
    name = str(source)
    try:
        if source.is_dir():
            raise SourceError(f"{name}: is a folder; give the Markdown file inside it")
        size = source.stat().st_size
        if size > MAX_BYTES:
            raise SourceError(
                f"{name}: {size // 2**20} MiB is too big for a report (limit "
                f"{MAX_BYTES // 2**20} MiB); split it into several sources"
            )
        data = source.read_bytes()
    except FileNotFoundError:
        raise SourceError(f"{name}: no such file; check the path") from None
    except PermissionError:
        raise SourceError(f"{name}: permission denied; make the file readable") from None
    except OSError as exc:
        raise SourceError(f"{name}: cannot read the file ({exc.strerror})") from None
    doc = Document(source=source, stem=stem)
    doc.text, doc.encoding = decode(data, name)
    doc.info("encoding-detected", f"read as {doc.encoding}", encoding=doc.encoding)
    return doc


def parse(doc: Document) -> None:
    """Reading stage, part 2: fills ``ast`` from ``text`` (after text-level clean-up)."""
    doc.ast, warnings = pandoc.read_markdown(doc.text, str(doc.source))
    for w in warnings:
        doc.warn("pandoc-warning", w)
