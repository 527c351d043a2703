"""What shaped each output, as hashes, and the state file that remembers them.

An output is up to date when everything that shaped it hashes the same as when it was built
and the file is still the one that build wrote (same size and modification time). Inputs
are hashed before anything is parsed, so a build with nothing to do reads a few small files
and stops. This module imports nothing heavy for the same reason.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import stat
import sys
from pathlib import Path
from typing import Any

from publish import __version__, project, stamp, styles
from publish.editions.table import CODES
from publish.errors import BuildError
from publish.styles import STYLES

STATE = stamp.STATE
LOCK = stamp.LOCK  # checked here before publish/build/lock.py opens it
FORMAT = 1  # the state file's own format; another number means "start afresh"
MAX_STATE = 64 << 20  # a state this big was not written by a build; reading it would swap
DEPTH = 24  # the state's deepest real nesting is 6; deeper is not ours
# The only codes the build writes (config.EDITIONS and FORMATS; not imported: config is
# not needed for a no-op build's state).
EDITION_CODES = CODES  # the edition table (publish/editions/table.py)
FORMAT_NAMES = ("pdf", "epub", "docx", "html")
# config.stem_of's names: letters, digits, ".-_", not starting with "." or "-".
STEM = re.compile(r"(?!\.)(?!-)[\w.-]{1,100}")
PACKAGE = Path(__file__).resolve().parent.parent
SIDECARS = (".refs.yaml", ".refs.yml", ".refs.json")


def output_rel(stem: str, code: str, fmt: str, review: bool = False) -> str:
    """An output's path in the folder. The reviewers' DOCX (--review) is
    ``<stem>.<code>.review.docx``, beside the readers' DOCX rather than in its place."""
    return f"{stem}/{stem}.{code}.{'review.' if review else ''}{fmt}"


# Input names as the user knows them, for --dry-run's "why".
NAMES = {
    "source": "source",
    "sidecar": "references sidecar",
    "glossary": "glossary",
    "styles": "styles",
    "publish": "publish",
    "packages": "installed packages",
    "pandoc": "pandoc",
    "epoch": "SOURCE_DATE_EPOCH",
    "options": "options",
    "edition": "edition",
}


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_digest(path: Path) -> str:
    """SHA-256 of a file in the output folder: a regular file, never a symlink (one placed
    there could lead anywhere, /dev/zero would never end); OSError otherwise."""
    fd = open_regular(path)
    h = hashlib.sha256()
    with os.fdopen(fd, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _input_digest(path: Path) -> str:
    """SHA-256 of an input the user named (a source, sidecar or glossary may be a symlink)."""
    stamp.watch(path)
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def open_regular(path: Path) -> int:
    """A read descriptor on ``path`` if it is a regular file and not a symlink. Opened
    without following links and without blocking (a named pipe would wait for a writer),
    then checked: OSError naming the path otherwise."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise OSError(errno.ELOOP, "is a symlink", str(path)) from None
        raise
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(errno.EINVAL, "is not a regular file", str(path))
    return fd


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of ``path`` (see :func:`open_regular`), at most ``limit`` of them."""
    fd = open_regular(path)
    with os.fdopen(fd, "rb") as f:
        size = os.fstat(fd).st_size
        if size > limit:
            raise OSError(errno.EFBIG, f"is {size >> 20} MiB, over {limit >> 20} MiB", str(path))
        data = f.read(limit + 1)
    if len(data) > limit:  # grew while being read
        raise OSError(errno.EFBIG, f"is over {limit >> 20} MiB", str(path))
    return data


def inside(out: Path, rel: object) -> Path | None:
    """``out / rel`` when ``rel`` (read from a state file or a manifest, so anything) is a
    plain relative path that stays in ``out``: a string, no empty, ``.`` or ``..`` part,
    no NUL or backslash, and no symlink on the way (the build makes none). None
    otherwise. Whether the file itself is regular is checked where it is opened."""
    if not isinstance(rel, str) or not rel or "\0" in rel or "\\" in rel:
        return None
    parts = rel.split("/")
    if rel.startswith("/") or any(p in ("", ".", "..") for p in parts):
        return None
    path = out.joinpath(*parts)
    folder = out
    for part in parts[:-1]:
        folder = folder / part
        if folder.is_symlink():
            return None
    return path


def tree_digest(root: Path, suffixes: tuple[str, ...] = ()) -> str:
    """Every file under ``root`` (names and bytes), in a fixed order. Caches, editor
    back-ups and hidden files are not part of it."""
    h = hashlib.sha256()
    stamp.watch(root)
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if "__pycache__" in rel or any(part.startswith(".") for part in rel.split("/")):
            continue
        if path.is_dir():
            stamp.watch(path)  # a file added to it
        if not path.is_file() or rel.endswith("~") or (suffixes and not rel.endswith(suffixes)):
            continue
        stamp.watch(path)
        h.update(rel.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def _packages() -> str:
    """The installed distributions and their versions (WeasyPrint, OpenCC, …): the names
    of the ``*.dist-info`` folders on the path, which carry the versions. One listing per
    folder, far cheaper than asking importlib.metadata for each package."""
    names = []
    for entry in sys.path:
        p = Path(entry or ".")
        if p.name in ("site-packages", "dist-packages") and p.is_dir():
            stamp.watch(p)  # a package installed, removed or upgraded
            names += sorted(n for n in os.listdir(p) if n.endswith(".dist-info"))
    names.append(sys.version)
    return digest("\n".join(names).encode())


def _pandoc() -> str:
    """The bundled pandoc's identity (path, size, time): changes whenever pandoc does,
    without running it."""
    from publish import pandoc

    candidate = pandoc.bundled() or Path(pandoc.binary())
    stamp.watch(candidate)
    st = candidate.stat()
    return digest(f"{candidate}\0{st.st_size}\0{st.st_mtime_ns}".encode())


def environment() -> dict[str, str]:
    """Inputs every output shares: styles, publish's own code and version, the Python
    packages and pandoc it runs on, and SOURCE_DATE_EPOCH (dates in EPUB and DOCX)."""
    return {
        # a project's own styles folder (publish.toml) shapes every output too
        "styles": tree_digest(STYLES)
        + "".join(tree_digest(p) if p.is_dir() else _input_digest(p) for p in styles.inputs()),
        "publish": digest(__version__.encode() + tree_digest(PACKAGE, (".py",)).encode()),
        "packages": _packages(),
        "pandoc": _pandoc(),
        "epoch": os.environ.get("SOURCE_DATE_EPOCH", ""),
    }


def source_inputs(source: Path, glossary: Path | None, env: dict[str, str]) -> dict[str, str]:
    """Inputs of everything made from one source (its report, every edition); the
    pictures it shows are known only once it is read: :func:`pictures_digest`."""
    sidecars = [source.with_name(source.stem + ext) for ext in SIDECARS]
    for sidecar in sidecars:
        stamp.watch(sidecar)  # one added later makes a difference too
    files = [source]
    if project.is_book(source):  # a book: its project file and every chapter, in order
        # imported here: the reader, which book.py's package brings, is not needed to see
        # that nothing changed
        from publish.reading import book

        files += book.chapters(source)
    return {
        "source": digest(b"".join(_input_digest(f).encode() for f in files))
        if len(files) > 1
        else _input_digest(source),
        "sidecar": digest(b"".join(_input_digest(p).encode() for p in sidecars if p.is_file())),
        "glossary": _input_digest(glossary) if glossary else "",
        **env,
    }


def pictures_digest(source: Path, names: Any) -> str:
    """The pictures a source showed (or looked for), each name and its bytes ("" when
    missing): recorded after a build, compared before the next, so that a picture
    edited, added or removed rebuilds. Names come from the build state, which is not
    trusted: only text naming a file inside the source's folder (an mdBook's, for the
    listings it includes: project.files_root) is read."""
    from publish.project import files_root

    base = source.resolve().parent
    root = files_root(source)
    h = hashlib.sha256()
    for name in names if isinstance(names, list) else []:
        if not isinstance(name, str):
            continue
        stamp.watch(base / name)  # a link, and what it leads to
        path = (base / name).resolve()
        stamp.watch(path)
        ok = path.is_relative_to(root) and path.is_file()
        h.update(name.encode() + b"\0" + (_input_digest(path).encode() if ok else b"") + b"\0")
    return h.hexdigest()


def options_digest(value: Any) -> str:
    return digest(json.dumps(value, sort_keys=True, default=str).encode())


def why(old: dict[str, str] | None, new: dict[str, str]) -> str:
    """Why an output with recorded inputs ``old`` needs building for inputs ``new``."""
    if old is None:
        return "not built before"
    changed = [NAMES.get(k, k) for k in new if old.get(k) != new[k]]
    changed += [NAMES.get(k, k) for k in old if k not in new]
    return ", ".join(changed) + " changed" if changed else ""


def stat_of(path: Path) -> tuple[int, int] | None:
    """Size and time of an output; None if it is missing or not a regular file (a symlink
    put in its place is not the file the build wrote: it counts as missing, and rebuilding
    replaces the link itself, never what it points to)."""
    try:
        st = path.lstat()
    except (OSError, ValueError):
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    return st.st_size, st.st_mtime_ns


def guard(out: Path, stems: list[str]) -> None:
    """Refuse an output folder where the build would write through a symlink it did not
    make: a report's folder (outputs and the clean-up of temporary files would go wherever
    it points) or the lock file (opened for writing). BuildError naming it otherwise.
    Call before the build locks the folder."""
    for name in [LOCK, *stems]:
        path = out / name
        if path.is_symlink():
            target = os.readlink(path)
            raise BuildError(
                f"{path}: is a symlink (to {target}) that publish did not make; it never "
                "writes through one: remove the link, or build into another --out"
            )


class State:
    """``DIR/.publish-state.json``: per output what shaped it and what it is (size, time,
    SHA-256, pages, diagnostics); per source what the report needs (so a build with
    nothing to do need not parse anything). Written atomically after every finished output:
    a build killed half-way keeps what it finished."""

    def __init__(self, out: Path) -> None:
        self.path = out / STATE
        self.outputs: dict[str, dict[str, Any]] = {}
        self.sources: dict[str, dict[str, Any]] = {}
        self.site: dict[str, str] = {}  # what the download page was made from
        # What was read, as a build compares it before writing (its own copy: the build
        # changes the dictionaries above in place); None: nothing usable was read.
        self._read: Any = None
        self.problem = ""  # why the state file was ignored, if it was
        try:
            raw = read_regular(self.path, MAX_STATE)
            data = json.loads(raw)
        except FileNotFoundError:
            return  # the first build into this folder
        except OSError as exc:
            self._ignore(exc.strerror or str(exc))
            return
        except (ValueError, RecursionError):  # RecursionError: nested deeper than json goes
            self._ignore("not valid JSON")
            return
        if isinstance(data, dict) and _int(data.get("format")) and data["format"] != FORMAT:
            return  # another version's state: start afresh, as designed
        try:
            outputs, sources, site = _checked(data)
        except _Bad as exc:
            self._ignore(str(exc))
            return
        self.outputs, self.sources, self.site = outputs, sources, site
        self._read = json.loads(raw)

    def _ignore(self, why: str) -> None:
        """Build as if there were no state (every output is rebuilt), and say so once: a
        state file is only ever written by a build, so this one was damaged or planted."""
        self.problem = why
        print(
            f"{self.path}: warning: build state ignored ({why}); every output is rebuilt "
            "[state-ignored]",
            file=sys.stderr,
            flush=True,
        )

    def _data(self) -> dict[str, Any]:
        data = {"outputs": self.outputs, "sources": self.sources, "site": self.site}
        return {"format": FORMAT, **data}

    def dumps(self) -> bytes:
        text = json.dumps(self._data(), ensure_ascii=False, sort_keys=True, indent=1)
        return (text + "\n").encode()

    def save(self) -> None:
        """Write the state if it changed (a build with nothing to do writes nothing: it
        compares what it holds with what it read before it serialises anything)."""
        if self._data() == self._read:
            return
        from publish.writers.common import write_bytes

        data = self.dumps()
        write_bytes(self.path, data)
        self._read = json.loads(data)


# -- checking a state file read back --------------------------------------------------------


class _Bad(Exception):
    """The state file is not one a build wrote; the message says where."""


def _need(ok: bool, what: str) -> None:
    if not ok:
        raise _Bad(what)


def _int(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _opt_int(v: object) -> bool:
    return v is None or _int(v)


def _hashes(v: object, what: str) -> dict[str, str]:
    _need(isinstance(v, dict), f"{what} is not an object")
    assert isinstance(v, dict)
    _need(all(isinstance(x, str) for kv in v.items() for x in kv), f"{what}: not all text")
    return v


def _depth(value: object) -> int:
    """How deep ``value`` nests, without recursion (json.dumps would recurse as deep)."""
    deepest, todo = 0, [(value, 1)]
    while todo:
        v, d = todo.pop()
        deepest = max(deepest, d)
        if d > DEPTH:
            break
        if isinstance(v, dict):
            todo += [(x, d + 1) for x in v.values()]
        elif isinstance(v, list):
            todo += [(x, d + 1) for x in v]
    return deepest


def _diagnostics(v: object, what: str) -> None:
    _need(isinstance(v, list), f"{what} is not a list")
    assert isinstance(v, list)
    for d in v:
        _need(
            isinstance(d, dict)
            and set(d) <= {"code", "severity", "message", "line", "data"}
            and isinstance(d.get("code"), str)
            and d.get("severity") in ("info", "warning")
            and isinstance(d.get("message"), str)
            and _opt_int(d.get("line"))
            and isinstance(d.get("data", {}), dict),
            f"{what}: a malformed entry",
        )


def _phrases(v: object, what: str) -> None:
    _need(isinstance(v, list), f"{what} is not a list")
    assert isinstance(v, list)
    for p in v:
        _need(
            isinstance(p, dict)
            and isinstance(p.get("source"), str)
            and isinstance(p.get("result"), str)
            and _int(p.get("count"))
            and _opt_int(p.get("line"))
            and isinstance(p.get("kind"), str),
            f"{what}: a malformed entry",
        )


def _output(rel: object, rec: object) -> None:
    _need(isinstance(rec, dict), f"output {rel!r} is not an object")
    assert isinstance(rec, dict)
    code, fmt = rec.get("edition"), rec.get("format")
    _need(code in EDITION_CODES and fmt in FORMAT_NAMES, f"output {rel!r}: unknown edition")
    stem = rel.split("/")[0] if isinstance(rel, str) else ""
    # The only names the build gives outputs: anything else (../x, /etc/passwd) is planted.
    _need(
        bool(STEM.fullmatch(stem))
        and rel in (output_rel(stem, code, fmt), output_rel(stem, code, fmt, fmt == "docx")),
        f"output {rel!r} is not a name the build gives",
    )
    _hashes(rec.get("inputs"), f"output {rel!r}: inputs")
    stat_ = rec.get("stat")
    edited = rec.get("edited", [0, 0])
    _need(
        isinstance(rec.get("source"), str)
        and _int(rec.get("bytes"))
        and isinstance(stat_, list)
        and len(stat_) == 2
        and all(map(_int, stat_))
        and isinstance(edited, list)
        and len(edited) == 2
        and all(map(_int, edited))
        and isinstance(rec.get("sha256"), str)
        and bool(re.fullmatch(r"[0-9a-f]{64}", rec["sha256"]))
        and _opt_int(rec.get("pages")),
        f"output {rel!r}: a malformed field",
    )
    _diagnostics(rec.get("diagnostics"), f"output {rel!r}: diagnostics")


def _source(stem: object, src: object) -> None:
    _need(isinstance(stem, str) and bool(STEM.fullmatch(stem)), f"source {stem!r}: bad name")
    _need(isinstance(src, dict), f"source {stem!r} is not an object")
    assert isinstance(src, dict)
    what = f"source {stem!r}"
    _need(isinstance(src.get("source"), str), f"{what}: no source path")
    _hashes(src.get("inputs"), f"{what}: inputs")
    _need(isinstance(src.get("report", ""), str), f"{what}: report")
    _need(isinstance(src.get("pictures", ""), str), f"{what}: pictures")
    doc = src.get("doc")
    _need(isinstance(doc, dict), f"{what}: doc is not an object")
    assert isinstance(doc, dict)
    _need(doc.get("stem") == stem, f"{what}: doc names another stem")
    _need(
        all(isinstance(doc.get(k), str) for k in ("source", "publish", "encoding", "script"))
        and isinstance(doc.get("title"), str)
        and isinstance(doc.get("references", []), list),
        f"{what}: doc: a malformed field",
    )
    _diagnostics(src.get("diagnostics"), f"{what}: diagnostics")
    editions = src.get("editions")
    _need(isinstance(editions, dict), f"{what}: editions is not an object")
    assert isinstance(editions, dict)
    for code, e in editions.items():
        _need(code in EDITION_CODES and isinstance(e, dict), f"{what}: edition {code!r}")
        _hashes(e.get("inputs"), f"{what}: edition {code}: inputs")
        _need(
            isinstance(e.get("title"), str) and isinstance(e.get("label"), str),
            f"{what}: edition {code}: title",
        )
        _phrases(e.get("phrases"), f"{what}: edition {code}: phrases")
        _diagnostics(e.get("diagnostics"), f"{what}: edition {code}: diagnostics")


def _checked(
    data: object,
) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]], dict[str, str]]:
    """The state's outputs, sources and site, if ``data`` has exactly the shape a build
    writes; :class:`_Bad` naming the first thing that is not."""
    _need(isinstance(data, dict) and data.get("format") == FORMAT, "no format")
    assert isinstance(data, dict)
    _need(_depth(data) <= DEPTH, f"nested over {DEPTH} deep")
    outputs, sources = data.get("outputs"), data.get("sources")
    _need(isinstance(outputs, dict) and isinstance(sources, dict), "no outputs or sources")
    assert isinstance(outputs, dict) and isinstance(sources, dict)
    for rel, rec in outputs.items():
        _output(rel, rec)
    for stem, src in sources.items():
        _source(stem, src)
    return outputs, sources, _hashes(data.get("site", {}), "site")
