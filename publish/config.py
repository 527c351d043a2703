"""The build configuration: typed, checked as a whole (every problem reported, then stop)."""

from __future__ import annotations

import codecs
import json
import os
import re
import stat
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from publish import pandoc
from publish.editions.table import CODES
from publish.errors import UsageError

FORMATS = ("pdf", "epub", "docx", "html")
EDITIONS = CODES  # the edition table: publish/editions/table.py
PAPERS = ("A4", "B5", "A5")  # CSS page sizes (B5 is ISO B5, 176 × 250 mm)
# Markdown flavours --from takes: publish/pandoc.py's readers (CommonMark/GFM, pandoc's own).
READERS = tuple(pandoc.READERS)
# The editions' vocabulary domains (publish/editions/glossary.py sections): whether software
# senses of words (程式, 執行, 函式) apply.
DOMAINS = ("technical", "general")
MARKDOWN = (".md", ".markdown", ".txt")
# Files people pass by mistake, and what to do instead.
NOT_MARKDOWN = {
    ".toml": "TOML, not Markdown (a glossary goes with --glossary FILE)",
    ".json": "JSON, not Markdown",
    ".yaml": "YAML, not Markdown (a references sidecar <stem>.refs.yaml is read with its source)",
    ".yml": "YAML, not Markdown (a references sidecar <stem>.refs.yaml is read with its source)",
    ".html": "an HTML page, not Markdown",
    ".htm": "an HTML page, not Markdown",
    ".docx": "a Word document, not Markdown",
    ".pdf": "a PDF, not Markdown",
    ".epub": "an EPUB, not Markdown",
}
SNIFF = 1 << 20  # bytes read to tell what a source is; JSON and TOML are parsed if smaller


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
    reader: str | None = None  # --from: the Markdown flavour of every source (else each
    # source's front matter `from:`, else CommonMark)
    domain: str | None = None  # --domain: the vocabulary of every source (else front
    # matter `domain:`, else decided from the text)

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
    reader: str | None = None,
    domain: str | None = None,
    **flags: bool,
) -> Config:
    problems: list[str] = []
    if not sources:
        problems.append("no SOURCE given; name one or more Markdown files")
    fmts = _choices(formats, FORMATS, "formats", problems)
    eds = _choices(editions, EDITIONS, "editions", problems)
    paths = tuple(Path(s) for s in sources)
    for s, p in zip(sources, paths, strict=True):
        problem = source_problem(p)
        if problem:
            problems.append(f"SOURCE {s}: {problem}")
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
    if reader is not None and reader not in READERS:
        problems.append(
            f"--from {reader}: unknown Markdown flavour; choose from {'|'.join(READERS)}"
        )
    if domain is not None and domain not in DOMAINS:
        problems.append(f"--domain {domain}: unknown; choose from {'|'.join(DOMAINS)}")
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
        reader=reader,
        domain=domain,
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


def source_problem(path: Path) -> str | None:
    """Why ``path`` cannot be a source (no such file, a folder, not Markdown text by its
    extension or its bytes), with what to do; None if it can. Unreadable files pass: the
    reading stage says why (a build error, not a usage error)."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return "no such file; check the path"
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the name
        return f"cannot use this path ({getattr(exc, 'strerror', None) or exc})"
    if stat.S_ISDIR(st.st_mode):
        return f"is a folder; name the Markdown files in it ({path}/*.md)"
    if not stat.S_ISREG(st.st_mode):
        return "is not a regular file (a device or a pipe); give a Markdown file (.md)"
    ext = path.suffix.lower()
    if ext in NOT_MARKDOWN:
        return f"is {NOT_MARKDOWN[ext]}; give the report's Markdown file (.md)"
    try:
        with path.open("rb") as f:
            head = f.read(SNIFF + 1)
    except OSError:
        return None
    kind = _not_markdown(head, whole=len(head) <= SNIFF)
    if kind:
        return f"is {kind}; give the report's Markdown file (.md, .txt)"
    return None


def _not_markdown(head: bytes, whole: bool) -> str | None:
    """What the bytes are if clearly not Markdown text: binary, JSON, TOML or an HTML page."""
    if b"\0" in head and not _wide_text(head):
        return "binary (it holds NUL bytes), not text"
    text = head.decode("utf-8", "replace").lstrip("\ufeff \t\r\n")
    if re.match(r"(?i)<!doctype html|<html[\s>]", text):
        return "an HTML page, not Markdown"
    if not whole:
        return None
    if text[:1] in "{[":
        try:
            if isinstance(json.loads(text), dict | list):
                return "JSON, not Markdown"
        except (ValueError, RecursionError):
            pass
    # TOML when it parses and sets a value: Markdown parses as TOML only by accident
    # ("[TOC]" then "# 标题", a table and a comment), and then sets nothing.
    first = next((ln for ln in text.splitlines() if ln.strip() and ln[0] != "#"), "")
    if re.match(r"\s*(\[[^\]]+\]\s*$|[\w.\"'-]+\s*=)", first):
        try:
            if _sets_value(tomllib.loads(text)):
                return "TOML, not Markdown (a glossary goes with --glossary FILE)"
        except (ValueError, RecursionError):
            pass
    return None


def _wide_text(head: bytes) -> bool:
    """UTF-16 or UTF-32 text, whose NUL bytes are half its ASCII characters."""
    boms = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)
    if head.startswith(boms):
        return True
    from publish.reading.decode import _looks_utf16  # the reading stage's own test

    return _looks_utf16(head[: len(head) // 2 * 2]) is not None


def _sets_value(table: dict[str, object]) -> bool:
    todo: list[object] = [table]
    while todo:
        v = todo.pop()
        if isinstance(v, dict):
            todo += v.values()
        else:
            return True
    return False
