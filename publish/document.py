"""The document model shared by every stage.

A :class:`Document` is filled stage by stage; each field says which stage fills it.
An :class:`Edition` is one converted copy of the document's AST (editions stage),
which every writer reads. No writer keeps its own copy of the logic.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from publish.editions.table import spec

Severity = Literal["info", "warning", "error"]
AST = dict[str, Any]


@dataclass(frozen=True)
class Diagnostic:
    """Something a stage did or suspects. ``code`` values are stable (see README)."""

    code: str
    severity: Severity
    message: str
    line: int | None = None
    data: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "line": self.line,
        }
        if self.data:
            out["data"] = self.data
        return out


@dataclass
class Reference:
    """One cited source (references stage). ``numbers`` are the author's own numbers."""

    id: str
    url: str
    site: str
    numbers: list[str] = field(default_factory=list)
    title: str | None = None
    csl: dict[str, Any] = field(default_factory=dict)  # extra CSL-JSON fields from the sidecar
    cut: bool = False  # the source cuts its URL short and cites no full form of it
    cited: bool = True  # False: listed in the source's own list of sources, never cited


@dataclass
class Metadata:
    """Document metadata (manuscript stage: YAML front matter, else the first level-1 heading)."""

    title: str = ""
    subtitle: str = ""
    author: list[str] = field(default_factory=list)
    date: str = ""
    lang: str = ""  # the source's own language tag, if it declares one


@dataclass
class Document:
    """One source on its way through the pipeline."""

    source: Path  # cli: the file as given
    stem: str  # cli: safe output name derived from the source name
    text: str = ""  # reading: decoded, normalised Markdown
    encoding: str = ""  # reading: detected encoding
    reader: str = "commonmark"  # reading: the Markdown flavour (pandoc.READERS)
    script: Literal["Hans", "Hant"] = "Hans"  # editions: the script the source is written in
    region: str = ""  # editions: "TW" or "HK" for a Traditional source, when known
    ast: AST = field(default_factory=dict)  # reading (pandoc), rewritten by manuscript + references
    meta: Metadata = field(default_factory=Metadata)  # manuscript
    references: list[Reference] = field(default_factory=list)  # references
    removed: list[dict[str, Any]] = field(default_factory=list)  # manuscript: text cut out, kept
    outline: list[str] = field(default_factory=list)  # manuscript: chapters a preamble promised
    diagnostics: list[Diagnostic] = field(default_factory=list)  # every stage
    tables: int = 0  # manuscript: numbered table captions
    quotes: int = 0  # manuscript: straight double-quote pairs in Chinese text made curly
    citations: int = 0  # references: citation marks in the text
    pictures: list[Path] = field(default_factory=list)  # manuscript: files read or looked for
    # reading, for a book: (chapter file, first line in ``text``, its line in the chapter)
    parts: list[tuple[Path, int, int]] = field(default_factory=list)

    def line_of(self, needle: str) -> int | None:
        """The source line where ``needle`` first stands in ``text`` (None if nowhere)."""
        at = self.text.find(needle) if needle else -1
        return self.text.count("\n", 0, at) + 1 if at >= 0 else None

    def where(self, line: int | None) -> str:
        """``file:line`` for a line of ``text``: the chapter's file and line in a book."""
        path, at = self.source, line
        for chapter, first, chapter_line in self.parts:
            if line is not None and line >= first:
                path, at = chapter, line - first + chapter_line
        return f"{path}:{at}" if at else str(path)

    def warn(self, code: str, message: str, line: int | None = None, **data: Any) -> None:
        self._add(Diagnostic(code, "warning", message, line, data))

    def info(self, code: str, message: str, line: int | None = None, **data: Any) -> None:
        self._add(Diagnostic(code, "info", message, line, data))

    def _add(self, diagnostic: Diagnostic) -> None:
        self.diagnostics.append(diagnostic)
        heard = _CHANNEL.get()
        if heard is not None:
            heard.append(diagnostic)

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity != "info"]


@dataclass
class Edition:
    """One language edition of a document (editions stage); what every writer reads."""

    code: str  # zh-Hans, zh-Hant-TW, zh-Hant-HK
    doc: Document
    ast: AST  # converted copy, bibliography included
    title: str
    labels: dict[str, str]  # fixed words in the edition's script: contents, references, table
    phrases: list[dict[str, Any]] = field(default_factory=list)  # phrase changes for review

    @property
    def script(self) -> str:
        return spec(self.code).script

    @property
    def region(self) -> str:
        """The CJK fonts' region (SC, TC, HK): the edition table's ``fonts``."""
        return spec(self.code).fonts

    @property
    def docx_lang(self) -> str:
        return spec(self.code).locale


# What a piece of work (a writer's output, an edition) reports, apart from what other work
# in the same process reports: a context variable, so each thread or task hears its own.
_CHANNEL: ContextVar[list[Diagnostic] | None] = ContextVar("diagnostics", default=None)


@contextmanager
def channel() -> Iterator[list[Diagnostic]]:
    """The diagnostics any document reports inside the block, in this thread (they go to
    the document's own list as well)."""
    heard: list[Diagnostic] = []
    token = _CHANNEL.set(heard)
    try:
        yield heard
    finally:
        _CHANNEL.reset(token)
