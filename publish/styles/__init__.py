"""Layout and typography: CSS, templates, reference DOCX and vocabulary, shipped as package
data beside this file (``publish/styles/``), so an installed wheel builds like a checkout.

A project overrides them file by file, never by copying the folder: a ``styles/`` folder
beside its ``publish.toml`` (or the one its ``styles =`` names) holding, say, ``fonts.css``
or ``templates/cover.svg.j2`` replaces just those files, for every format. The build sets
that folder once (:func:`use`), before its workers fork; every reader of a style file asks
:func:`path` (or :func:`search` for a folder of templates). ``custom.css``, empty here, is
read last by every CSS-styled format: a project's own holds its additions (colours,
margins, a page size) without replacing anything. A ``logo.svg`` or ``logo.png`` in the
project's styles goes on every title page (:func:`logo`).
"""

from __future__ import annotations

import base64
from pathlib import Path

STYLES = Path(__file__).resolve().parent
LOGOS = {"logo.svg": "image/svg+xml", "logo.png": "image/png", "logo.jpg": "image/jpeg"}

_override: Path | None = None  # the project's styles folder (see use)
_csl: Path | None = None  # the project's CSL style


def use(folder: Path | None, csl: Path | None = None) -> None:
    """Read style files from ``folder`` first, bundled ones for the rest (None: bundled
    only), and cite in the style ``csl`` (None: GB/T 7714 numeric). Set once per build,
    before workers start (they are forked, and inherit it)."""
    global _override, _csl
    _override = folder.resolve() if folder is not None else None
    _csl = csl.resolve() if csl is not None else None


def csl() -> Path | None:
    """The project's CSL style, if it names one."""
    return _csl


def override() -> Path | None:
    """The project's styles folder in use, if any."""
    return _override


def inputs() -> list[Path]:
    """The project's own style files and folder, which shape every output (the build's
    cache key holds their digest)."""
    return [p for p in (_override, _csl) if p is not None]


def path(name: str) -> Path:
    """The style file ``name`` (relative, ``/``-separated): the project's own when its
    styles folder has it, else the bundled one."""
    if _override is not None:
        mine = _override / name
        if mine.is_file():
            return mine
    return STYLES / name


def search(folder: str) -> tuple[Path, ...]:
    """Where to look for the files of ``folder`` (``templates``), the project's first."""
    own = (_override / folder,) if _override is not None and (_override / folder).is_dir() else ()
    return (*own, STYLES / folder)


def logo() -> str:
    """The project's logo as a ``data:`` address ("" when it has none): written into each
    page, so the HTML edition stays one file and the PDF's fetcher, which reads only
    bundled styles and the source's pictures, need not open the project's folder."""
    if _override is None:
        return ""
    for name, mime in LOGOS.items():
        p = _override / name
        if p.is_file():
            return f"data:{mime};base64,{base64.b64encode(p.read_bytes()).decode('ascii')}"
    return ""
