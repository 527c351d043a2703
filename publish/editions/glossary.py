"""The glossary: ``[terms]`` override OpenCC per edition, ``[keep] words`` never change.

Shape (TOML)::

    [terms]
    "范式" = { "zh-Hant-TW" = "範式", "zh-Hant-HK" = "範式" }
    [general]
    "运行" = { "zh-Hant-TW" = "運行", note = "a power plant runs: 運行, not 執行" }
    [keep]
    words = ["某产品"]

Entries under ``[technical]`` or ``[general]`` apply only to documents of that domain,
and there win over ``[terms]``; ``note`` says where an entry comes from. The vocabulary tables
(``styles/vocabulary/*.toml``: Hong Kong and Taiwan words, proper names) are read first,
then the project default (``styles/glossary.toml``); ``--glossary FILE`` entries are added
on top and win.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from publish import styles
from publish.config import DOMAINS
from publish.editions.table import CODES
from publish.errors import UsageError
from publish.styles import STYLES

DEFAULT = STYLES / "glossary.toml"
VOCABULARY = STYLES / "vocabulary"
EDITION_CODES = CODES


@dataclass
class Glossary:
    terms: dict[str, dict[str, str]] = field(default_factory=dict)
    keep: set[str] = field(default_factory=set)
    files: list[Path] = field(default_factory=list)
    # entries for one domain only: domain -> term -> edition -> value; in a document of
    # that domain they win over ``terms``
    by_domain: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)  # term -> its source or reason

    def merge(self, other: Glossary) -> None:
        for term, values in other.terms.items():
            self.terms.setdefault(term, {}).update(values)
            for entries in self.by_domain.values():  # a later file's word is final
                bound = entries.get(term, {})
                for edition in values:
                    bound.pop(edition, None)
                if term in entries and not bound:
                    del entries[term]
        for domain, entries in other.by_domain.items():
            for term, values in entries.items():
                self.by_domain.setdefault(domain, {}).setdefault(term, {}).update(values)
        self.notes.update(other.notes)
        self.keep |= other.keep
        self.files += other.files

    def for_edition(self, edition: str, domain: str) -> dict[str, str]:
        """term -> value in ``edition`` for a document of ``domain``."""
        out = {t: v[edition] for t, v in self.terms.items() if edition in v}
        for t, v in self.by_domain.get(domain, {}).items():
            if edition in v:
                out[t] = v[edition]
        return out


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
    for section in ("terms", *DOMAINS):
        terms = data.get(section, {})
        if not isinstance(terms, dict):
            problems.append(f"[{section}] must be a table")
            continue
        target = g.terms if section == "terms" else g.by_domain.setdefault(section, {})
        for term, values in terms.items():
            if not isinstance(values, dict):
                problems.append(
                    f'term "{term}": give a table of editions, e.g. {{ "zh-Hant-TW" = "…" }}'
                )
                continue
            if isinstance(values.get("note"), str):
                g.notes[term] = values["note"]
            for ed, value in values.items():
                if ed == "note":
                    continue
                if ed not in EDITION_CODES:
                    problems.append(
                        f'term "{term}": unknown edition "{ed}" (use {", ".join(EDITION_CODES)})'
                    )
                elif not isinstance(value, str) or not value:
                    problems.append(f'term "{term}": the {ed} value must be a non-empty string')
            target[term] = {
                k: v for k, v in values.items() if k in EDITION_CODES and isinstance(v, str)
            }
    keep = data.get("keep", {}).get("words", []) if isinstance(data.get("keep", {}), dict) else None
    if not isinstance(keep, list) or not all(isinstance(w, str) and w for w in keep):
        problems.append("[keep] words must be a list of non-empty strings")
    else:
        g.keep = set(keep)
    unknown = set(data) - {"terms", "keep", *DOMAINS}
    if unknown:
        problems.append(
            f"unknown section(s) {', '.join(sorted(unknown))} "
            "(use [terms], [technical], [general] and [keep])"
        )
    if problems:
        raise UsageError(f"{path}: " + "; ".join(problems))
    return g


def load_glossary(extra: Path | None) -> Glossary:
    g = Glossary()
    # a project's styles/ may replace any of these files (publish/styles/__init__.py)
    for table in sorted(VOCABULARY.glob("*.toml")):
        g.merge(read_glossary(styles.path(f"vocabulary/{table.name}")))
    g.merge(read_glossary(styles.path(DEFAULT.name)))
    if extra is not None:
        g.merge(read_glossary(extra))
    return g
