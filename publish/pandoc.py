"""Running the pandoc bundled with ``pypandoc-binary`` (no system pandoc is used).

Every run is sandboxed (``--sandbox``): pandoc then reads no file and no URL except the
files its command line names in the few options its sandbox lets through (in pandoc 3.9:
the reference doc, the EPUB metadata and the EPUB fonts). Measured with pandoc 3.9, and
what follows from it:

- Images: a path or URL in the AST cannot be fetched ("Could not fetch resource"); a
  ``data:`` URI can. The manuscript stage therefore checks every local image and embeds it
  as a ``data:`` URI (``publish/manuscript/images.py``); EPUB and DOCX unpack those into
  their media folders as they did the files.
- ``--css FILE`` and ``--epub-cover-image FILE`` are read inside the EPUB writer and
  refused; they are let through under options the sandbox does allow (:func:`_sandbox_files`).
- The data directory is not readable: our translations (styles/pandoc/translations exist
  only to silence pandoc's "Could not load translations" warning; outputs are identical
  without them) cannot load, so that warning is dropped when we do ship the translation.
- The sandbox has no clock and no environment: pandoc stamps EPUB and DOCX with
  1970-01-01 and ignores SOURCE_DATE_EPOCH. :func:`_finish_zip` puts back the time an
  unsandboxed pandoc would have written (SOURCE_DATE_EPOCH when set, else now).

Every run also has a time limit: pandoc's Markdown reader is exponential on some inputs
(nested ``[`` brackets, pandoc issue #1735) and quadratic on long lines of Chinese text
with punctuation and no spaces; a limit turns those into one clear error line instead of
a build that never ends. Long lines are broken before reading (:func:`_break_long_lines`),
which keeps the document the same and the reading linear.
"""

from __future__ import annotations

import functools
import io
import json
import os
import re
import sys
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

from publish.errors import BuildError, SourceError
from publish.lines import scan
from publish.styles import STYLES

# The Markdown readers, by the name a source or the command line gives (``from:``).
# Sources are written for GitHub, Typora, Obsidian and VS Code previews, which read
# CommonMark/GFM: that is the default. commonmark_x brings footnotes, pipe tables,
# $math$, attributes, fenced divs, task lists and GitHub alerts; on top of it:
# east_asian_line_breaks (a line break between two Han characters is not a space) and
# tex_math_gfm ($`x`$ and ```math blocks, as GitHub shows them). Left off: smart (quotes
# are curled by the manuscript stage, which knows Chinese text), subscript and
# superscript (GitHub has neither; "5~10 分钟，10~20 人" is a range, not a subscript),
# fancy_lists (GitHub has none, and in pandoc 3.9 it stops task lists from being read).
# pandoc's own Markdown stays available for sources written for it.
READERS = {
    "commonmark": "commonmark_x+east_asian_line_breaks+tex_math_gfm"
    "-smart-subscript-superscript-fancy_lists",
    "markdown": "markdown+east_asian_line_breaks-citations-smart",
}
READERS["gfm"] = READERS["commonmark"]
DEFAULT_READER = "commonmark"
READER = READERS[DEFAULT_READER]

DATA_DIR = STYLES / "pandoc"
# Seconds a run may take: a base plus an allowance per MB of input (reading a 3 MB table
# takes pandoc 1.5 s; the base absorbs a busy machine).
TIMEOUT_BASE = 120.0
TIMEOUT_PER_MB = 20.0
# Nesting (JSON levels) pandoc's AST may have; Python's json parser recurses once per level.
MAX_JSON_DEPTH = 200_000


class Timeout(BuildError):
    """pandoc ran past its time limit."""


@functools.cache
def bundled() -> Path | None:
    """The pandoc ``pypandoc-binary`` ships, found without importing pypandoc."""
    import importlib.util

    spec = importlib.util.find_spec("pypandoc")
    if spec is None or not spec.origin:
        return None
    path = Path(spec.origin).parent / "files" / ("pandoc.exe" if os.name == "nt" else "pandoc")
    return path if path.is_file() and os.access(path, os.X_OK) else None


@functools.cache
def binary() -> str:
    """The bundled pandoc, the one the build state names (build/cache.py), whatever else is
    on PATH. pypandoc's own search asks every pandoc it finds for its version and takes
    the newest: 0.07 CPU-s in every process that runs pandoc, and a system pandoc newer
    than the bundled one would have written outputs the state did not know. pypandoc
    searches only when nothing is bundled."""
    found = bundled()
    if found is not None:
        return str(found)
    import pypandoc

    return pypandoc.get_pandoc_path()


def run(args: list[str], data: bytes, what: str) -> tuple[bytes, list[str]]:
    """Run pandoc, sandboxed; return its output and warning lines. ``what`` names the job in
    errors."""
    extra, decoys = _sandbox_files(args)
    cmd = [binary(), "--data-dir", str(DATA_DIR), "--sandbox", *args, *extra]
    timeout = TIMEOUT_BASE + TIMEOUT_PER_MB * len(data) / 2**20
    import subprocess  # here: a build with nothing to do never runs pandoc

    try:
        proc = subprocess.run(
            cmd, input=data, capture_output=True, check=False, timeout=timeout, env=_env()
        )
    except subprocess.TimeoutExpired:
        raise Timeout(
            f"{what}: pandoc did not finish in {timeout:.0f} s; the source holds something "
            "pandoc reads very slowly"
        ) from None
    except OSError as exc:
        raise BuildError(f"{what}: cannot run pandoc ({exc}); reinstall with `make`") from None
    err = proc.stderr.decode("utf-8", "replace")
    if proc.returncode != 0:
        first = next((ln for ln in err.splitlines() if ln.strip()), f"exit {proc.returncode}")
        raise BuildError(f"{what}: pandoc failed: {first.removeprefix('[WARNING] ')}")
    to = _option(args, "-t") or ""
    out = _option(args, "-o")
    if out and to.startswith(("epub", "docx")):
        _finish_zip(Path(out), decoys)
    return proc.stdout, _warnings(err)


# The GHC runtime's allocation area for each run (pandoc is a Haskell program; its own
# default is 1 MB, with a 64 MB suggested heap): fewer collections, and less memory at
# peak. Measured with pandoc 3.9 (farm-bench, 8-10 runs each): the seed to DOCX or EPUB
# 0.10 → 0.08 CPU-s and 167 → 96 MB; citations of the ten-fold report 0.109 → 0.087 s, its
# reading 0.205 → 0.184 s; the same bytes out. 32 MB did as well, 16 and 128 MB worse.
# A GHCRTS the user set is kept; a pandoc built without RTS options ignores it and says
# so on stderr (that line is dropped, see _warnings).
RTS = "-A64m"


def _env() -> dict[str, str]:
    return {"GHCRTS": RTS, **os.environ}


def _option(args: list[str], name: str) -> str | None:
    return args[args.index(name) + 1] if name in args[:-1] else None


def _sandbox_files(args: list[str]) -> tuple[list[str], list[str]]:
    """Options that let the files an EPUB run reads (stylesheets, cover) through the
    sandbox, and the names of the decoy copies to remove from the book afterwards.

    pandoc 3.9's writer sandbox lets through the ``--reference-doc`` (which the EPUB writer
    ignores) and the ``--epub-embed-font`` files (which it packs as fonts): the first file
    goes as the reference doc, any other as a font, removed again by :func:`_finish_zip`."""
    if not (_option(args, "-t") or "").startswith("epub"):
        return [], []
    wanted = [args[i + 1] for i, a in enumerate(args[:-1]) if a in ("--css", "--epub-cover-image")]
    fonts = {Path(args[i + 1]).name for i, a in enumerate(args[:-1]) if a == "--epub-embed-font"}
    extra: list[str] = []
    decoys: list[str] = []
    if wanted and "--reference-doc" not in args:
        extra += ["--reference-doc", wanted.pop(0)]
    for f in wanted:
        if Path(f).name in fonts:
            raise BuildError(f"{f}: has the name of an embedded font; rename it")
        extra += ["--epub-embed-font", f]
        decoys.append(Path(f).name)
    return extra, decoys


def _warnings(stderr: str) -> list[str]:
    """pandoc's warnings, one per message (continuation lines joined), without the
    translation warnings the sandbox causes for languages we ship translations for."""
    messages: list[str] = []
    for line in stderr.splitlines():
        if not line.strip() or "GHCRTS" in line:  # a pandoc that takes no RTS options
            continue
        if line.startswith((" ", "\t")) and messages:
            messages[-1] += " " + line.strip()
        else:
            messages.append(line.removeprefix("[WARNING] "))
    out: list[str] = []
    shipped = False
    for m in messages:
        lang = TRANSLATIONS.match(m)
        if lang:
            shipped = (DATA_DIR / "translations" / f"{lang.group(1)}.yaml").is_file()
            if shipped:
                continue
        elif shipped and NO_TERM.match(m):
            continue
        out.append(m)
    return out


TRANSLATIONS = re.compile(r"^Could not load translations for (\S+)")
NO_TERM = re.compile(r"^The term \w+ has no translation defined\.$")


def loads(data: bytes | str, what: str) -> Any:
    """pandoc's JSON as Python. Deep nesting (hundreds of nested lists or quotes) is beyond
    the default recursion limit of Python's json parser: such a tree is parsed on a thread
    with a large stack; beyond :data:`MAX_JSON_DEPTH` it is a :class:`SourceError`. The
    manuscript stage then flattens what is too deep to lay out (``manuscript/shape.py``)."""
    try:
        return json.loads(data)
    except RecursionError:
        pass
    result: dict[str, Any] = {}

    def parse() -> None:
        try:
            result["ast"] = json.loads(data)
        except RecursionError:
            result["deep"] = True

    old_limit, old_stack = sys.getrecursionlimit(), threading.stack_size()
    try:
        threading.stack_size(1024 * 2**20)  # address space; only the pages used are touched
        sys.setrecursionlimit(max(old_limit, MAX_JSON_DEPTH + 1000))
        worker = threading.Thread(target=parse, name="publish-json")
        worker.start()
        worker.join()
    finally:
        threading.stack_size(old_stack)
        sys.setrecursionlimit(old_limit)
    if "ast" not in result:
        raise SourceError(
            f"{what}: nested more than {MAX_JSON_DEPTH // 2:,} levels deep (lists, quotes or "
            "HTML blocks inside each other); flatten it"
        )
    return result["ast"]


def read_markdown(
    text: str, what: str, reader: str = DEFAULT_READER
) -> tuple[dict[str, Any], list[str]]:
    """pandoc's AST of ``text``, read as ``reader`` (a key of :data:`READERS`)."""
    # patterns the reader is superlinear on: escaped, or an error naming the line, now
    # rather than a timeout minutes later (publish/hazards.py)
    from publish import hazards

    text = hazards.prepare(text, READERS[reader], what)
    broken = _break_long_lines(text)
    try:
        out, warnings = run(["-f", READERS[reader], "-t", "json"], broken.encode(), what)
    except Timeout as exc:
        raise SourceError(f"{exc}{hazards.culprit(text, READERS[reader])}") from None
    ast = loads(out, what)
    if broken is not text:
        _join_strs(ast["blocks"])
    return ast, warnings


def _join_strs(blocks: list[Any]) -> None:
    """One Str where a broken line made several (as pandoc reads the unbroken line)."""
    stack: list[Any] = [blocks]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            if any(_is_str(x) and _is_str(y) for x, y in zip(item, item[1:], strict=False)):
                joined: list[Any] = []
                run: list[str] = []
                for x in [*item, None]:
                    if _is_str(x):
                        run.append(x["c"])
                        continue
                    if run:
                        joined.append({"t": "Str", "c": "".join(run)})
                        run = []
                    if x is not None:
                        joined.append(x)
                item[:] = joined
            stack.extend(item)
        elif isinstance(item, dict):
            stack.append(item.get("c") if "t" in item else list(item.values()))


def _is_str(x: Any) -> bool:
    return isinstance(x, dict) and x.get("t") == "Str"


# pandoc reads a long line of Chinese text with punctuation and no spaces in quadratic time
# (480,000 characters: 8 s; 2.4 million: minutes). A line break after full-width punctuation
# before a Han character changes nothing in the document (east_asian_line_breaks drops it)
# and makes reading linear. Not inside code (fences, indented, `spans`), tables, headings.
LONG_LINE = 2000
_BREAK_AFTER = re.compile(r"(?<=[。！？；，、：）」』])(?=[\u3400-\u9fff\uf900-\ufaff])")


def _break_long_lines(text: str) -> str:
    if len(text) < LONG_LINE or all(len(ln) < LONG_LINE for ln in text.split("\n")):
        return text
    lines = text.split("\n")
    out: list[str] = []
    yaml = ""
    for i, ln in enumerate(scan(lines)):  # code and front matter as publish/lines.py sees them
        line = ln.text
        if ln.code or ln.front:
            pass
        elif yaml:  # YAML folds a line break into a space: leave metadata alone
            if line.rstrip() in ("---", "..."):
                yaml = ""
        elif (
            line.rstrip() == "---"
            and (i == 0 or not lines[i - 1].strip())
            and i + 1 < len(lines)
            and lines[i + 1].strip()
        ):
            yaml = line
        elif len(line) >= LONG_LINE and not line.startswith(("    ", "\t", "#", "|")):
            line = _break_line(line)
        out.append(line)
    return "\n".join(out)


def _break_line(line: str) -> str:
    if "|" in line[:200]:  # a table row without its leading pipe
        return line
    parts: list[str] = []
    start = 0
    for m in _BREAK_AFTER.finditer(line):
        head = line[start : m.start()]
        # never inside `code` or $math$: the count of both before the break is even
        if head.count("`") % 2 or head.count("$") % 2:
            continue
        parts.append(head)
        start = m.start()
    parts.append(line[start:])
    return "\n".join(parts)


def convert(ast: dict[str, Any], to: str, args: list[str], what: str) -> tuple[bytes, list[str]]:
    """Write ``ast`` with pandoc's ``to`` writer; output to stdout unless args say ``-o``."""
    data = json.dumps(ast, ensure_ascii=False).encode("utf-8")
    return run(["-f", "json", "-t", to, *args], data, what)


def filter_json(
    ast: dict[str, Any], args: list[str], what: str
) -> tuple[dict[str, Any], list[str]]:
    """JSON to JSON through pandoc (e.g. ``--citeproc``)."""
    out, warnings = convert(ast, "json", args, what)
    return loads(out, what), warnings


# What the sandbox's clock says, as pandoc writes it in EPUB and DOCX metadata.
_EPOCH_STAMP = b"1970-01-01T00:00:00Z"
_CLOCK_PARTS = re.compile(r"(\.opf|docProps/core\.xml)$")


def build_time() -> float:
    """What pandoc takes as now: SOURCE_DATE_EPOCH when set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return float(epoch) if epoch.isdigit() else time.time()


# An EPUB or DOCX in memory: its entries in order, and each entry's contents by name.
Zip = tuple[list[zipfile.ZipInfo], dict[str, bytes]]


def convert_zip(
    ast: dict[str, Any], to: str, args: list[str], what: str
) -> tuple[Zip, list[str]]:
    """An EPUB or DOCX (``args`` without ``-o``) for a writer that changes some parts and
    then writes the file once (:func:`write_zip`): pandoc's zip read from its output, with
    the build time and without the decoys, as :func:`_finish_zip` leaves a file."""
    out, warnings = convert(ast, to, args, what)
    _, decoys = _sandbox_files(["-t", to, *args])
    return _finished(out, decoys), warnings


def write_zip(path: Path, book: Zip, level: int | None = None) -> None:
    """``book`` written to ``path``: same entries, order, times and compression."""
    infos, data = book
    with zipfile.ZipFile(path, "w") as z:
        for info in infos:
            z.writestr(info, data[info.filename], compresslevel=level)


def _finish_zip(path: Path, decoys: list[str]) -> None:
    """After a sandboxed EPUB or DOCX run: the build time where pandoc's sandbox wrote time
    zero (metadata stamps, zip entry times), and the decoy font copies of
    :func:`_sandbox_files` gone (file and manifest item). Entries, order and compression
    otherwise unchanged."""
    if path.is_file():
        write_zip(path, _finished(path.read_bytes(), decoys))


def _finished(book: bytes, decoys: list[str]) -> Zip:
    now = time.gmtime(build_time())
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", now).encode()
    drop = {f"fonts/{name}" for name in decoys}
    with zipfile.ZipFile(io.BytesIO(book)) as z:
        infos = [i for i in z.infolist() if not i.filename.endswith(tuple(drop))]
        data = {i.filename: z.read(i) for i in infos}
    for info in infos:
        body = data[info.filename]
        if _CLOCK_PARTS.search(info.filename):
            body = body.replace(_EPOCH_STAMP, stamp)
        if drop and info.filename.endswith(".opf"):
            body = _drop_items(body, drop)
        info.date_time = max(tuple(now[:6]), (1980, 1, 1, 0, 0, 0))  # zip's first day
        data[info.filename] = body
    return infos, data


def _drop_items(opf: bytes, hrefs: set[str]) -> bytes:
    """The package file without the manifest items of ``hrefs`` (read with lxml)."""
    from lxml import etree

    root = etree.fromstring(opf)
    gone = [i for i in root.iter("{http://www.idpf.org/2007/opf}item") if i.get("href") in hrefs]
    for item in gone:
        before = item.getprevious()
        if before is not None:  # the item's line goes with it
            before.tail = item.tail
        item.getparent().remove(item)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8") if gone else opf
