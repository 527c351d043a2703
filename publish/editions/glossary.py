"""The glossary: ``[terms]`` override OpenCC per edition, ``[keep] words`` never change.

Shape (TOML)::

    [terms]
    "范式" = { "zh-Hant-TW" = "範式", "zh-Hant-HK" = "範式" }
    [keep]
    words = ["飞桨"]

The project default (``styles/glossary.toml``) is read first; ``--glossary FILE`` entries
are added on top and win.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from publish.errors import UsageError
from publish.styles import STYLES

DEFAULT = STYLES / "glossary.toml"
EDITION_CODES = ("zh-Hans", "zh-Hant-TW", "zh-Hant-HK")


@dataclass
class Glossary:
    terms: dict[str, dict[str, str]] = field(default_factory=dict)
    keep: set[str] = field(default_factory=set)
    files: list[Path] = field(default_factory=list)

    def merge(self, other: Glossary) -> None:
        for term, values in other.terms.items():
            self.terms.setdefault(term, {}).update(values)
        self.keep |= other.keep
        self.files += other.files


def read_glossary(path: Path) -> Glossary:
    """One glossary file; every problem in it is listed in one :class:`UsageError`."""
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise UsageError(f"{path}: glossary not found; check the --glossary path") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read the glossary ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: not valid TOML ({exc}); fix the glossary") from None
    problems: list[str] = []
    g = Glossary(files=[path])
    terms = data.get("terms", {})
    if not isinstance(terms, dict):
        problems.append("[terms] must be a table")
        terms = {}
    for term, values in terms.items():
        if not isinstance(values, dict):
            problems.append(
                f'term "{term}": give a table of editions, e.g. {{ "zh-Hant-TW" = "…" }}'
            )
            continue
        for ed, value in values.items():
            if ed not in EDITION_CODES:
                problems.append(
                    f'term "{term}": unknown edition "{ed}" (use {", ".join(EDITION_CODES)})'
                )
            elif not isinstance(value, str) or not value:
                problems.append(f'term "{term}": the {ed} value must be a non-empty string')
        g.terms[term] = {
            k: v for k, v in values.items() if k in EDITION_CODES and isinstance(v, str)
        }
    keep = data.get("keep", {}).get("words", []) if isinstance(data.get("keep", {}), dict) else None
    if not isinstance(keep, list) or not all(isinstance(w, str) and w for w in keep):
        problems.append("[keep] words must be a list of non-empty strings")
    else:
        g.keep = set(keep)
    unknown = set(data) - {"terms", "keep"}
    if unknown:
        problems.append(f"unknown section(s) {', '.join(sorted(unknown))} (use [terms] and [keep])")
    if problems:
        raise UsageError(f"{path}: " + "; ".join(problems))
    return g


def load_glossary(extra: Path | None) -> Glossary:
    g = read_glossary(DEFAULT)
    if extra is not None:
        g.merge(read_glossary(extra))
    return g
