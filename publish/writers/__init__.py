"""Writers, one per format. Each takes an :class:`Edition` and a target path, writes the
file atomically and returns what it knows about it (pages for the PDF).

``WRITERS[fmt]`` imports that format's writer on first use: the manuscript stage reads
``writers.math`` alone, a build's own process never writes (its workers do), so it never
loads lxml's and Jinja's writers (0.05 s of its start), and a PDF-only build never loads
the EPUB and DOCX writers (0.02 s)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

from publish.document import Edition

Writer = Callable[[Edition, Path], dict]

__all__ = ["WRITERS"]


class _Writers(dict[str, Writer]):
    """format (one of ``config.FORMATS``, each written by the module of its name) -> its
    writer, imported when first asked for."""

    def __missing__(self, fmt: str) -> Writer:
        from publish.config import FORMATS

        if fmt not in FORMATS:
            raise KeyError(fmt)
        write: Writer = importlib.import_module(f"{__name__}.{fmt}").write
        self[fmt] = write
        return write


WRITERS: dict[str, Writer] = _Writers()
