"""A book: the chapter files a ``publish.toml`` lists (``chapters = [...]``), read as one
document, so that it has one contents, one reference list, and figures, tables and notes
numbered across chapters (as bookdown and Quarto books do).

The book's source is its project file: its output name is the project folder's, its
inputs are the file and every chapter (build/cache.py). Chapters are joined in order:

- the first chapter's front matter is the book's (title, author, date…); a later
  chapter's front matter is dropped, its ``title`` kept as the chapter's heading when the
  chapter has none;
- a chapter that ends inside a code fence is closed there, so it cannot swallow the next;
- footnote labels are made the chapter's own (``[^1]`` of chapter 2 is ``[^c2-1]``),
  since two chapters that both say ``[^1]`` mean two notes.

Every line remembers its chapter and line (:attr:`Document.parts`), so a warning names
``chapters/02.md:14``, not a line of the joined text. Pictures are found relative to the
project folder.
"""

from __future__ import annotations

import re
from pathlib import Path

from publish import project
from publish.errors import SourceError
from publish.lines import OPEN, code_lines, front_matter_end, unclosed_fence

NOTE = re.compile(r"\[\^([^\]\s]+)\]")
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)*?\1")
HEADING = re.compile(r"^ {0,3}#\s", re.M)


def chapters(source: Path) -> list[Path]:
    """The chapter files of book ``source``, in order (a usage problem is an error)."""
    proj = project.load(source)
    problems = list(proj.problems)
    found = proj.files("chapters", problems)
    if problems or not found:
        raise SourceError(f"{source}: {'; '.join(problems) or 'chapters: none listed'}")
    return found


def stem(source: Path) -> str:
    """The book's output name: its project folder's name."""
    return source.resolve().parent.name


def _notes_own(text: str, n: int) -> str:
    """Footnote labels of chapter ``n`` made its own, outside code."""
    lines = text.split("\n")
    code = code_lines(lines)
    for i, line in enumerate(lines):
        if code[i] or "[^" not in line:
            continue
        parts = []
        at = 0
        for m in CODE_SPAN.finditer(line):  # inline code keeps its text
            parts.append(NOTE.sub(rf"[^c{n}-\1]", line[at : m.start()]))
            parts.append(m.group(0))
            at = m.end()
        parts.append(NOTE.sub(rf"[^c{n}-\1]", line[at:]))
        lines[i] = "".join(parts)
    return "\n".join(lines)


def _closed(text: str) -> str:
    """``text`` with a code fence it leaves open closed at its end."""
    lines = text.split("\n")
    opened = unclosed_fence(lines)
    if opened is None:
        return text
    m = OPEN.match(lines[opened])
    mark = m.group(1) if m else "```"
    return text.rstrip("\n") + "\n" + mark + "\n"


def join(texts: list[tuple[Path, str]]) -> tuple[str, list[tuple[Path, int, int]]]:
    """The book's text from its chapters' decoded texts, and its parts: for each chapter,
    (file, first line of the joined text, the chapter line that stands there)."""
    out: list[str] = []
    parts: list[tuple[Path, int, int]] = []
    line = 1
    for n, (path, text) in enumerate(texts, 1):
        skipped = 0
        lines = text.split("\n")
        end = front_matter_end(lines)  # the scanner's front matter (publish/lines.py)
        if end and n > 1:
            meta = _front("\n".join(lines[1 : end - 1]))
            skipped = end
            text = "\n".join(lines[end:])
            title = meta.get("title")
            if isinstance(title, str) and title.strip() and not HEADING.search(text):
                text = f"# {title.strip()}\n\n{text}"
                skipped -= 2
        body = _closed(_notes_own(text, n)).rstrip("\n") + "\n"
        parts.append((path, line, 1 + skipped))
        out.append(body)
        line += body.count("\n") + 1  # the blank line between chapters
    return "\n".join(out), parts


def _front(block: str) -> dict:
    import yaml  # here: an up-to-date check never reads a chapter's YAML

    try:
        data = yaml.safe_load(block)
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}
