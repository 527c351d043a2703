"""What the HTML-based writers share: pandoc's HTML body and TOC, and the page template."""

from __future__ import annotations

import functools
import json
import os
import re
import secrets
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
from markupsafe import Markup

from publish import __version__, pandoc
from publish import ast as node
from publish import styles as style_files
from publish.ast import elements, meta_list, meta_text
from publish.document import Edition
from publish.writers import citations, dates, spacing

BODY_MARK = "<!-- publish:body -->"


@contextmanager
def atomic(path: Path) -> Iterator[Path]:
    """A temporary path in ``path``'s folder, renamed onto ``path`` only when the block
    ends without error: readers never see a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_bytes(path: Path, data: bytes) -> None:
    with atomic(path) as tmp:
        tmp.write_bytes(data)


def html_parts(
    edition: Edition, extra: list[str] | None = None, joined: bool = False, sections: bool = True
) -> tuple[str, str]:
    """The edition's TOC and body as HTML fragments, from pandoc; ``joined``: Han–Latin
    gaps as characters (print, see spacing.py), not spans; ``sections``: each heading and
    what follows it in a ``<section>`` (the heading's id on it), else headings carry their
    ids themselves."""
    args = [
        "--standalone",
        "--template",
        str(style_files.path("pandoc/templates/parts.html")),
        "--toc",
        "--toc-depth=3",
        *(["--section-divs"] if sections else []),
        "--wrap=none",
        *(extra or ["--mathml"]),
    ]
    # Entries link back to their first citation, as in the EPUB (a private copy of the AST).
    ast = json.loads(json.dumps(edition.ast))
    citations.link_both_ways(ast, edition.labels["back"], role=False)
    spacing.mark(ast["blocks"], joined)  # Han–Latin gaps: CSS margins (styles/base.css)
    restore = _stand_ins(ast)
    out, warnings = pandoc.convert(ast, "html5", args, f"{edition.doc.source} (html)")
    for w in warnings:
        edition.doc.warn("pandoc-warning", f"{edition.code} html: {w}")
    toc, _, body = restore(out.decode("utf-8")).partition(BODY_MARK)
    return toc.strip(), body.strip()


_DATA_SRC = re.compile(r'src="(data:[^"]+)"')


def _stand_ins(ast: dict[str, Any]) -> Callable[[str], str]:
    """Each embedded picture's ``data:`` address replaced by a short token, in ``ast``;
    returns what puts the addresses back into pandoc's output, as they were. pandoc's
    HTML writer takes about 200 times a picture's size in memory to carry its address
    through (a 20 MB picture: 4.3 GB). A token ends in "-", so that no token is the start
    of another (the 2nd picture's of the 23rd's: replaced one after the other, that left
    a "3" after the 2nd picture's address in the 23rd's place, an image no reader can
    decode); all are put back in one pass."""
    key = secrets.token_hex(4)
    tokens: dict[str, int] = {}  # address -> its number

    def token(uri: str) -> str:
        return f"publish-picture-{key}-{tokens.setdefault(uri, len(tokens))}-"

    for e in elements(ast["blocks"]):
        if e["t"] == "Image" and node.url(e).startswith("data:"):
            node.set_url(e, token(node.url(e)))
        elif e["t"] in ("RawInline", "RawBlock") and "data:" in node.text(e):
            node.set_text(e, _DATA_SRC.sub(lambda m: f'src="{token(m.group(1))}"', node.text(e)))
    uris = list(tokens)
    found = re.compile(rf"publish-picture-{key}-(\d+)-")
    return lambda text: found.sub(lambda m: uris[int(m.group(1))], text)


class _Compiled(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept in the user's cache, as Python keeps its bytecode: each
    process of a build compiled the templates it filled (the page, the cover, the download
    page: 0.01-0.03 s each). Jinja checks each against its template's source and its own
    version; a cache that cannot be read or written is only slower."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with suppress(OSError, ValueError, EOFError):
            super().load_bytecode(bucket)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with suppress(OSError):
            super().dump_bytecode(bucket)


def _compiled() -> jinja2.BytecodeCache | None:
    from publish.stamp import user_cache

    folder = user_cache() / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return None
    return _Compiled(str(folder))


@functools.cache
def _env(folders: tuple[Path, ...]) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        bytecode_cache=_compiled(),
    )
    env.globals["logo"] = style_files.logo  # logo(): a project's logo, for its title pages
    env.filters["spaced"] = spacing.html  # Han–Latin gaps in text a template prints
    return env


def css(*names: str) -> str:
    # custom.css last: a project's additions win (publish/styles/__init__.py)
    return "\n".join(style_files.path(n).read_text("utf-8") for n in (*names, "custom.css"))


def render_page(edition: Edition, toc: str, body: str, styles: list[str], **context: object) -> str:
    """The page template filled in; ``context`` adds to or overrides what it is given."""
    # The edition's metadata, converted to its script (the Document's is the source's).
    meta = edition.ast["meta"]
    author = meta.get("author")
    authors = [author] if author else []
    if author and author["t"] == "MetaList":
        authors = meta_list(author)
    given: dict[str, object] = {
        "lang": edition.code,
        "title": edition.title,
        "subtitle": meta_text(meta.get("subtitle")),
        "authors": [meta_text(a) for a in authors],
        "date": dates.printed_date(edition),  # 2026年3月31日, or "" when the source has none
        "created": "",
        "title_lines": [],  # the cover title broken into lines (pdf.py), else one
        "head_title": "",  # the title as the print page's running head (pdf.py), else whole
        "part": "all",  # the print edition lays out "front" (cover, contents) and "body" apart
        "labels": edition.labels,
        "version": __version__,
        "css": Markup(css(*styles)),
        "toc": Markup(toc),
        "body": Markup(body),
    }
    page = _env(style_files.search("templates")).get_template("page.html.j2")
    return page.render({**given, **context})


def render(template: str, **context: object) -> str:
    return _env(style_files.search("templates")).get_template(template).render(**context)


def w3c_date(edition: Edition) -> str:
    """The source's date as a W3C date (what EPUB's dc:date must be), else the build
    time (what pandoc itself would put); pandoc leaves dc:date empty for a date it cannot
    parse, such as "2024年12月"."""
    m = re.search(
        r"(\d{4})(?:\s*[年\-/.]\s*(\d{1,2})(?:\s*[月\-/.]\s*(\d{1,2}))?)?",
        unicodedata.normalize("NFKC", edition.doc.meta.date),
    )
    if m:
        year, month, day = m.group(1), m.group(2), m.group(3)
        if month and 1 <= int(month) <= 12:
            if day and 1 <= int(day) <= 31:
                return f"{year}-{int(month):02d}-{int(day):02d}"
            return f"{year}-{int(month):02d}"
        return year
    return time.strftime("%Y-%m-%d", time.gmtime(pandoc.build_time()))  # pandoc takes no time
