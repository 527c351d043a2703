"""The project file, ``publish.toml``: every build option in one place, found as Quarto finds
``_quarto.yml`` (the nearest one in the current folder or a folder above it).

Precedence, highest first: the command line, a source's front matter (per document:
``paper``, ``from``, ``domain``), the project file, publish's defaults. Paths in the file
(sources, chapters, out, glossary, csl, styles) are relative to the file's folder. A key
publish does not know is a warning naming the file, the line and the nearest known key;
a bad value is a usage error, every one reported at once with the others
(:func:`publish.config.load_config`).

A book is a ``chapters = [...]`` list: parsed and checked here like ``sources``; building
it is the build's business.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from publish import stamp

NAME = "publish.toml"

# Each key and the type of its value. Lists of choices also take one comma-separated string
# (as on the command line).
KEYS: dict[str, type | tuple[type, ...]] = {
    "sources": (list, str),
    "chapters": list,
    "out": str,
    "formats": (list, str),
    "editions": (list, str),
    "paper": str,
    "glossary": str,
    "csl": str,
    "domain": str,
    "from": str,
    "styles": str,
    "toc": bool,
    "date": str,  # "today": a source without a date is dated the build day
    "truncated": str,  # note, fail or ignore: what a source that looks cut off gets
    "strict": bool,
    "jobs": int,
    "keep-quotes": bool,
    "review": bool,
    "embed-fonts": bool,
}
PATHS = ("out", "glossary", "csl", "styles")  # resolved against the project's folder


@dataclass
class Project:
    """A project file read and its keys type-checked (the values are checked by config)."""

    path: Path
    values: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)  # key -> line in the file
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def root(self) -> Path:
        return self.path.parent

    def where(self, key: str) -> str:
        """``publish.toml:4`` for a key's line, for messages."""
        line = self.lines.get(key)
        return f"{self.path}:{line}" if line else str(self.path)

    def path_of(self, key: str) -> Path | None:
        value = self.values.get(key)
        return self.root / value if isinstance(value, str) else None

    def files(self, key: str, problems: list[str]) -> list[Path]:
        """The files ``sources`` or ``chapters`` name: globs expanded (sorted), in order;
        a glob that matches nothing is a problem."""
        value = self.values.get(key)
        if value is None:
            return []
        items = [v.strip() for v in value.split(",")] if isinstance(value, str) else value
        found: list[Path] = []
        for item in items:
            if any(c in item for c in "*?["):
                matches = sorted(self.root.glob(item))
                if not matches:
                    problems.append(f"{self.where(key)}: {key}: {item} matches no file")
                found += matches
            else:
                found.append(self.root / item)
        return found


def is_book(source: Path) -> bool:
    """A project file given as the source: the book its ``chapters`` list."""
    return source.name == NAME


def files_root(source: Path) -> Path:
    """The folder whose files a source may read beside its pictures: an mdBook's (the
    nearest folder above it holding book.toml: its listings live beside src/), else the
    source's own. Resolved."""
    folder = source.resolve().parent
    for up in (folder, *folder.parents):
        if (up / "book.toml").is_file():
            return up
    return folder


def find(start: Path | None = None) -> Path | None:
    """The nearest ``publish.toml`` in ``start`` (default: the current folder) or above."""
    folder = (start or Path.cwd()).resolve()
    for candidate in (folder, *folder.parents):
        path = candidate / NAME
        stamp.watch(path)  # one added later changes the build
        if path.is_file():
            # relative to the current folder ("../publish.toml"), as messages show it
            return Path(os.path.relpath(path)) if start is None else path
    return None


def suggest(word: str, choices: list[str] | tuple[str, ...], cutoff: float = 0.6) -> str:
    """`` (did you mean X?)`` when a choice is close to ``word``, else ""."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=cutoff)
    if not close:
        close = [c for c in choices if c.lower() == word.lower()]
    return f" (did you mean {close[0]}?)" if close else ""


def load(path: Path) -> Project:
    """Read ``path``: syntax and type problems, and unknown keys, collected on the result."""
    project = Project(path)
    stamp.watch(path)
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        project.problems.append(f"{path}: cannot read it ({exc}); fix or remove the file")
        return project
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        project.problems.append(f"{path}: not valid TOML ({exc}); fix it")
        return project
    project.lines = _lines(text)
    for key, value in data.items():
        want = KEYS.get(key)
        if want is None:
            what = "table" if isinstance(value, dict) else "key"
            project.warnings.append(
                f"{project.where(key)}: warning: unknown {what} {key!r}, ignored"
                f"{suggest(key, list(KEYS))} [config-unknown-key]"
            )
            continue
        types = want if isinstance(want, tuple) else (want,)
        # TOML's true is not an int here, nor 4 a bool
        ok = isinstance(value, types) and not (isinstance(value, bool) and bool not in types)
        if ok and isinstance(value, list) and not all(isinstance(v, str) for v in value):
            ok = False
        if not ok:
            names = " or ".join(_TYPE_NAMES[t] for t in types)
            project.problems.append(f"{project.where(key)}: {key} must be {names}; got {value!r}")
            continue
        project.values[key] = value
    return project


_TYPE_NAMES = {
    list: "a list of strings",
    str: "a string",
    bool: "true or false",
    int: "a whole number",
}
_KEY_LINE = re.compile(r"""^\s*(?:"([^"]+)"|'([^']+)'|([\w-]+))\s*=|^\s*\[+\s*([\w.-]+)""")


def _lines(text: str) -> dict[str, int]:
    """Each top-level key's (or table's) first line: tomllib keeps no positions."""
    lines: dict[str, int] = {}
    table = False
    for number, line in enumerate(text.splitlines(), start=1):
        m = _KEY_LINE.match(line)
        if m is None:
            continue
        if m.group(4):  # [table]: keys below it belong to it
            table = True
            lines.setdefault(m.group(4).split(".")[0], number)
        elif not table:
            lines.setdefault(next(g for g in m.groups()[:3] if g), number)
    return lines
