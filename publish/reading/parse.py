"""Read a source file into a :class:`Document` and parse it with pandoc."""

from __future__ import annotations

import contextlib
import datetime
import json
import re
from pathlib import Path
from typing import Any

from publish import pandoc, project
from publish.document import Document
from publish.errors import SourceError
from publish.reading import book
from publish.reading.decode import decode

MAX_BYTES = 50 * 1024 * 1024  # a report is never this big; beyond it, say so instead of swapping


def read(source: Path, stem: str) -> Document:
    """Reading stage, part 1: fills ``text`` and ``encoding`` (for a book, the chapters'
    texts joined, and ``parts``: reading/book.py)."""
    doc = Document(source=source, stem=stem)
    if project.is_book(source):
        texts = []
        for chapter in book.chapters(source):
            text, doc.encoding = decode(_bytes(chapter), str(chapter))
            texts.append((chapter, text))
        doc.text, doc.parts = book.join(texts)
    else:
        doc.text, doc.encoding = decode(_bytes(source), str(source))
    toml_front_matter(doc)
    repair_front_matter(doc)
    doc.reader = reader_of(doc)
    doc.info("encoding-detected", f"read as {doc.encoding}", encoding=doc.encoding)
    return doc


def _bytes(source: Path) -> bytes:
    name = str(source)
    try:
        if source.is_dir():
            raise SourceError(f"{name}: is a folder; give the Markdown file inside it")
        size = source.stat().st_size
        if size > MAX_BYTES:
            raise SourceError(
                f"{name}: {size // 2**20} MiB is too big for a report (limit "
                f"{MAX_BYTES // 2**20} MiB); split it into several sources"
            )
        return source.read_bytes()
    except FileNotFoundError:
        raise SourceError(f"{name}: no such file; check the path") from None
    except PermissionError:
        raise SourceError(f"{name}: permission denied; make the file readable") from None
    except OSError as exc:
        raise SourceError(f"{name}: cannot read the file ({exc.strerror})") from None


# YAML front matter: the first line "---", up to a line "---" or "...".
FRONT = re.compile(r"\A(?:\ufeff)?---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)


TITLE_BLOCK = re.compile(r"\A(?:\ufeff)?% \S")


def front_matter(text: str) -> dict[str, Any]:
    """The source's YAML front matter as data ({} when there is none or it is not a map;
    pandoc reports a malformed block itself)."""
    m = FRONT.match(text)
    if m is None:
        return {}
    import yaml  # here: PyYAML's import (13 ms) is for documents with front matter

    try:
        data = yaml.safe_load(m.group(1) or "")
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


# A top-level "key: value" line of a front matter YAML cannot read (" -layout: post  # 注").
LOOSE_KEY = re.compile(r"^\s{0,3}-?\s*([A-Za-z_][\w-]*)\s*:\s*(.*?)\s*(?:\s#.*)?$")


# Hugo's and Zola's TOML front matter: between two "+++" lines.
TOML_FRONT = re.compile(r"\A(?:\ufeff)?\+\+\+[ \t]*\n(.*?\n)?\+\+\+[ \t]*(?:\n|\Z)", re.S)
TOML_KEY = re.compile(r"^\s*([A-Za-z_][\w-]*)\s*=")


def toml_front_matter(doc: Document) -> None:
    """TOML front matter (Hugo, Zola: ``+++`` lines around ``title = "…"``) as the YAML
    front matter pandoc reads, line for line: ``+++`` becomes ``---``, each top-level key
    ``key: value`` on its own line (its value as JSON, which YAML reads), every other line
    (a table such as ``[params]``, a value's further lines) blank. TOML that does not
    parse keeps its one-line ``key = value`` entries (``front-matter-repaired``)."""
    m = TOML_FRONT.match(doc.text)
    if m is None:
        return
    import tomllib

    body = m.group(1) or ""
    lines = body.split("\n")
    try:
        data = tomllib.loads(body)
        problem = ""
    except tomllib.TOMLDecodeError as exc:
        data, problem = {}, str(exc)
        for line in lines:
            km = TOML_KEY.match(line)
            if km:
                with contextlib.suppress(tomllib.TOMLDecodeError):
                    data.update(tomllib.loads(line))
    kept = []
    top = True  # before the first [table]: keys there are the document's own
    for line in lines:
        if line.lstrip().startswith("["):
            top = False
        km = TOML_KEY.match(line) if top else None
        value = data.get(km.group(1)) if km else None
        if km and isinstance(value, (str, int, float, bool, list, datetime.date)):
            kept.append(f"{km.group(1)}: {json.dumps(value, ensure_ascii=False, default=str)}")
        else:
            kept.append("")
    end = m.end() - m.group(0).endswith("\n")  # the line after keeps its own newline
    doc.text = "---\n" + "\n".join(kept) + "---" + doc.text[end:]
    if problem:
        doc.warn(
            "front-matter-repaired",
            f"the TOML front matter does not parse ({problem}); its one-line key = value "
            "entries are read, the rest left out: fix the TOML",
            1,
        )
    else:
        doc.info("front-matter-toml", "TOML front matter (+++) read as the document's metadata", 1)


def repair_front_matter(doc: Document) -> None:
    """Front matter that YAML cannot read would stop pandoc, and the whole build with it
    (a blog's template with a stray " -layout:" line). Its plain ``key: value`` lines are
    kept, each as valid YAML on its own line (line numbers stay true); any other line is
    blanked. One ``front-matter-repaired`` warning gives YAML's complaint."""
    m = FRONT.match(doc.text)
    if m is None or not m.group(1):
        return
    import yaml

    try:
        yaml.safe_load(m.group(1))
        return
    except yaml.YAMLError as exc:
        problem = str(exc).splitlines()[0]
        mark = getattr(exc, "problem_mark", None)
    lines = m.group(1).split("\n")
    kept: list[str] = []
    for line in lines:
        km = LOOSE_KEY.match(line)
        value = km.group(2) if km else ""
        if km and value and not value.startswith(("|", ">", "[", "{", "&", "*", "!")):
            kept.append(f"{km.group(1)}: {json.dumps(value, ensure_ascii=False)}")
        else:
            kept.append("")
    start = m.start(1)
    doc.text = doc.text[:start] + "\n".join(kept) + doc.text[m.end(1) :]
    doc.warn(
        "front-matter-repaired",
        f"the front matter is not valid YAML ({problem}); its plain key: value lines are "
        "read, the rest left out: fix the YAML",
        (mark.line + 2) if mark is not None else 1,
    )


def reader_of(doc: Document, default: str = pandoc.DEFAULT_READER) -> str:
    """The Markdown flavour to read ``doc`` as: front matter ``from:`` (``commonmark`` or
    ``gfm``, the default; ``markdown`` for pandoc's own), else ``default``."""
    value = front_matter(doc.text).get("from")
    if value is None:
        if TITLE_BLOCK.match(doc.text):
            # "% Title" on the first line is pandoc's own title block: written for pandoc
            doc.info(
                "reader-detected",
                "read as pandoc's Markdown: the source opens with a pandoc title block "
                "(% title); say `from: commonmark` in front matter to read it as GitHub does",
                1,
            )
            return "markdown"
        return default
    name = str(value).strip().lower()
    if name not in pandoc.READERS:
        doc.warn(
            "reader-unknown",
            f"front matter from: {value!r} is not a Markdown flavour publish reads; "
            f"reading it as {default} (choose {', '.join(sorted(pandoc.READERS))})",
            doc.line_of("from:"),
        )
        return default
    return name


def parse(doc: Document) -> None:
    """Reading stage, part 2: fills ``ast`` from ``text`` (after text-level clean-up), read
    as ``doc.reader`` (decided by :func:`read`)."""
    doc.ast, warnings = pandoc.read_markdown(doc.text, str(doc.source), doc.reader)
    for w in warnings:
        doc.warn("pandoc-warning", w)
