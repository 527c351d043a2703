"""The build configuration: typed, checked as a whole (every problem reported, then stop)."""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from publish.errors import UsageError

FORMATS = ("pdf", "epub", "docx", "html")
EDITIONS = ("zh-Hans", "zh-Hant-TW", "zh-Hant-HK")
PAPERS = ("A4", "B5", "A5")  # CSS page sizes (B5 is ISO B5, 176 × 250 mm)


@dataclass(frozen=True)
class Config:
    sources: tuple[Path, ...]
    out: Path = Path("dist")
    formats: tuple[str, ...] = FORMATS
    editions: tuple[str, ...] = EDITIONS
    glossary: Path | None = None
    strict: bool = False
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    quiet: bool = False
    debug: bool = False
    force: bool = False
    dry_run: bool = False
    quotes: bool = True  # Traditional editions use 「」『』
    review: bool = False  # DOCX for reviewers: line numbers, wide right margin, track changes
    embed_fonts: bool = False  # EPUB carries the edition's fonts, subset to the text
    paper: str = "A4"  # the PDF's page size, one of PAPERS

    @property
    def writer_options(self) -> dict[str, dict[str, object]]:
        """Keyword arguments for each format's writer, beyond the edition and path."""
        options: dict[str, dict[str, object]] = {}
        if self.paper != "A4":
            options["pdf"] = {"paper": self.paper}
        if self.review:
            options["docx"] = {"review": True}
        if self.embed_fonts:
            options["epub"] = {"embed_fonts": True}
        return options


def _choices(
    value: str | None, allowed: tuple[str, ...], what: str, problems: list[str]
) -> tuple[str, ...]:
    if value is None:
        return allowed
    items = [v.strip() for v in value.split(",") if v.strip()]
    bad = [v for v in items if v not in allowed]
    if bad or not items:
        problems.append(
            f"--{what}: unknown {', '.join(bad) or '(empty)'}; choose from {','.join(allowed)}"
        )
    # keep the canonical order so outputs and the manifest are stable
    return tuple(a for a in allowed if a in items)


def load_config(
    sources: list[str],
    out: str = "dist",
    formats: str | None = None,
    editions: str | None = None,
    glossary: str | None = None,
    jobs: int | None = None,
    paper: str | None = None,
    **flags: bool,
) -> Config:
    problems: list[str] = []
    if not sources:
        problems.append("no SOURCE given; name one or more Markdown files")
    fmts = _choices(formats, FORMATS, "formats", problems)
    eds = _choices(editions, EDITIONS, "editions", problems)
    paths = tuple(Path(s) for s in sources)
    for s, p in zip(sources, paths, strict=True):
        if p.is_dir():
            problems.append(f"SOURCE {s}: is a folder; name the Markdown files in it ({p}/*.md)")
    stems = [stem_of(p) for p in paths]
    for s in {s for s in stems if stems.count(s) > 1}:
        problems.append(f"two sources share the output name {s!r}; rename one of them")
    gpath = Path(glossary) if glossary else None
    if gpath is not None and not gpath.is_file():
        problems.append(f"--glossary {glossary}: no such file")
    if jobs is not None and jobs < 1:
        problems.append(f"--jobs {jobs}: give 1 or more")
    size = (paper or "A4").upper()
    if size not in PAPERS:
        problems.append(f"--paper {paper}: unknown paper size; choose from {'|'.join(PAPERS)}")
    out_path = Path(out)
    if out_path.exists() and not out_path.is_dir():
        problems.append(f"--out {out}: exists and is not a folder")
    if problems:
        raise UsageError("; ".join(problems))
    return Config(
        sources=paths,
        out=out_path,
        formats=fmts,
        editions=eds,
        glossary=gpath,
        jobs=jobs or os.cpu_count() or 1,
        paper=size,
        **flags,
    )


def stem_of(source: Path) -> str:
    """A safe output name from the source's name: letters (any script), digits, ``.-_``;
    everything else (spaces, shell metacharacters, separators) becomes ``-``."""
    name = unicodedata.normalize("NFC", source.name)
    for ext in (".markdown", ".md", ".txt"):
        if name.lower().endswith(ext):
            name = name[: -len(ext)]
            break
    stem = re.sub(r"-{2,}", "-", re.sub(r"[^\w.-]+", "-", name)).strip("-.")
    return stem[:100] or "report"
