"""What shaped each output, as hashes, and the state file that remembers them.

An output is up to date when everything that shaped it hashes the same as when it was built
and the file is still the one that build wrote (same size and modification time). Inputs
are hashed before anything is parsed, so a build with nothing to do reads a few small files
and stops. This module imports nothing heavy for the same reason.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any

from publish import __version__
from publish.styles import STYLES

STATE = ".publish-state.json"
FORMAT = 1  # the state file's own format; another number means "start afresh"
PACKAGE = Path(__file__).resolve().parent.parent
SIDECARS = (".refs.yaml", ".refs.yml", ".refs.json")

# Input names as the user knows them, for --dry-run's "why".
NAMES = {
    "source": "source",
    "sidecar": "references sidecar",
    "glossary": "glossary",
    "styles": "styles",
    "publish": "publish",
    "packages": "installed packages",
    "pandoc": "pandoc",
    "epoch": "SOURCE_DATE_EPOCH",
    "options": "options",
    "edition": "edition",
}


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def tree_digest(root: Path, suffixes: tuple[str, ...] = ()) -> str:
    """Every file under ``root`` (names and bytes), in a fixed order. Caches, editor
    back-ups and hidden files are not part of it."""
    h = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if (
            not path.is_file()
            or "__pycache__" in rel
            or any(part.startswith(".") for part in rel.split("/"))
            or rel.endswith("~")
            or (suffixes and not rel.endswith(suffixes))
        ):
            continue
        h.update(rel.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def _packages() -> str:
    """The installed distributions and their versions (WeasyPrint, OpenCC, …): the names
    of the ``*.dist-info`` folders on the path, which carry the versions. One listing per
    folder, far cheaper than asking importlib.metadata for each package."""
    names = []
    for entry in sys.path:
        p = Path(entry or ".")
        if p.name in ("site-packages", "dist-packages") and p.is_dir():
            names += sorted(n for n in os.listdir(p) if n.endswith(".dist-info"))
    names.append(sys.version)
    return digest("\n".join(names).encode())


def _pandoc() -> str:
    """The bundled pandoc's identity (path, size, time): changes whenever pandoc does,
    without running it."""
    import importlib.util

    spec = importlib.util.find_spec("pypandoc")
    candidate = Path(spec.origin).parent / "files" / "pandoc" if spec and spec.origin else None
    if candidate is None or not candidate.is_file():
        from publish import pandoc

        candidate = Path(pandoc.binary())
    st = candidate.stat()
    return digest(f"{candidate}\0{st.st_size}\0{st.st_mtime_ns}".encode())


def environment() -> dict[str, str]:
    """Inputs every output shares: styles, publish's own code and version, the Python
    packages and pandoc it runs on, and SOURCE_DATE_EPOCH (dates in EPUB and DOCX)."""
    return {
        "styles": tree_digest(STYLES),
        "publish": digest(__version__.encode() + tree_digest(PACKAGE, (".py",)).encode()),
        "packages": _packages(),
        "pandoc": _pandoc(),
        "epoch": os.environ.get("SOURCE_DATE_EPOCH", ""),
    }


def source_inputs(source: Path, glossary: Path | None, env: dict[str, str]) -> dict[str, str]:
    """Inputs of everything made from one source (its report, every edition)."""
    sidecars = [source.with_name(source.stem + ext) for ext in SIDECARS]
    return {
        "source": file_digest(source),
        "sidecar": digest(b"".join(file_digest(p).encode() for p in sidecars if p.is_file())),
        "glossary": file_digest(glossary) if glossary else "",
        **env,
    }


def options_digest(value: Any) -> str:
    return digest(json.dumps(value, sort_keys=True, default=str).encode())


def key(inputs: dict[str, str]) -> str:
    return options_digest(inputs)


def why(old: dict[str, str] | None, new: dict[str, str]) -> str:
    """Why an output with recorded inputs ``old`` needs building for inputs ``new``."""
    if old is None:
        return "not built before"
    changed = [NAMES.get(k, k) for k in new if old.get(k) != new[k]]
    changed += [NAMES.get(k, k) for k in old if k not in new]
    return ", ".join(changed) + " changed" if changed else ""


def stat_of(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


class State:
    """``DIR/.publish-state.json``: per output what shaped it and what it is (size, time,
    SHA-256, pages, diagnostics); per source what the report needs (so a build with
    nothing to do need not parse anything). Written atomically after every finished output:
    a build killed half-way keeps what it finished."""

    def __init__(self, out: Path) -> None:
        self.path = out / STATE
        self.outputs: dict[str, dict[str, Any]] = {}
        self.sources: dict[str, dict[str, Any]] = {}
        self.site: dict[str, str] = {}  # what the download page was made from
        self._saved = b""
        try:
            self._saved = self.path.read_bytes()
            data = json.loads(self._saved)
        except (OSError, ValueError):
            return  # none yet, or unreadable: everything is built afresh
        if isinstance(data, dict) and data.get("format") == FORMAT:
            self.outputs = data.get("outputs") or {}
            self.sources = data.get("sources") or {}
            self.site = data.get("site") or {}

    def dumps(self) -> bytes:
        data = {
            "format": FORMAT,
            "outputs": self.outputs,
            "sources": self.sources,
            "site": self.site,
        }
        return (json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode()

    def save(self) -> None:
        """Write the state if it changed (a build with nothing to do writes nothing)."""
        data = self.dumps()
        if data != self._saved:
            from publish.writers.common import write_bytes

            write_bytes(self.path, data)
            self._saved = data
