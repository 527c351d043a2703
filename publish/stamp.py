"""The no-op's short cut: a stamp per output folder, in the user's cache.

A build with nothing to do hashes every input (sources, styles, publish's own code) and
compares the hashes with the build state: correct, but most of its 0.08 s is Python
importing the build to do so. As make, ninja and git's index do, a stamp remembers what
each file *looked like* (type, size, modification and change times, inode) when the last
successful build of the same command read it, the files that build left in the folder, and
the lines it would print had there been nothing to do. Run again, the same command (same
arguments, folder, Python and SOURCE_DATE_EPOCH) finds every file looking the same: nothing
can have changed, so it prints those lines and stops, importing nothing but this module.
Any difference (a saved source, a sidecar added, an output edited, a package upgraded,
publish itself changed) and the full check runs as before, then stamps afresh.

What a build reads to decide is watched where it is read, *before* reading it
(:func:`watch`: publish/build/cache.py for inputs, publish/project.py for publish.toml),
so an edit made while the build runs shows as a difference. A file changed within
:data:`RACY` of being looked at might change again within the same timestamp tick unseen
(git's "racily clean" entries): a build that read one writes no stamp.

Stamps live in the user's cache (``~/.cache/publish/stamps``), not in the output folder:
they name local paths (the sources, Python's), which a published folder should not carry.
"""

from __future__ import annotations

import json
import os
import stat
import sys
import time
import zlib
from pathlib import Path

# publish's own files in an output folder (the build's modules take their names from here,
# which imports nothing of theirs)
STATE = ".publish-state.json"  # the build state (publish/build/cache.py): always looked at
LOCK = ".publish.lock"  # rewritten by every build, the no-op too: not part of the stamp
FORMAT = 1
KEEP = 8  # commands remembered per folder (a Makefile's pdf, epub and all targets)
FOLDERS = 256  # output folders remembered; the least recently stamped are forgotten
RACY = 2_000_000_000  # ns: FAT's 2 s timestamps are the coarsest a folder may have
ENV = ("SOURCE_DATE_EPOCH",)  # the environment a build reads (pandoc's dates)
MAX = 4 << 20  # a stamp this big was not written by publish

Look = list[int] | None

_seen: dict[str, tuple[Look, int]] = {}  # path: how it looked, when it was looked at


def look(path: str | Path) -> Look:
    """How ``path`` looks: its type, size and times, and its inode (None when absent);
    a symbolic link and what it leads to both."""
    try:
        st = os.lstat(path)
    except (OSError, ValueError):
        return None
    got = [st.st_mode, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
    if stat.S_ISLNK(st.st_mode):
        got += look_through(path)
    return got


def look_through(path: str | Path) -> list[int]:
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return [-1]
    return [st.st_mode, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def start() -> None:
    """A build begins: forget what an earlier one in this process looked at."""
    _seen.clear()


def watch(path: str | Path) -> None:
    """``path`` is about to be read (or found missing) to decide what to build."""
    key = os.path.abspath(path)
    if key not in _seen:
        _seen[key] = (look(key), time.time_ns())


def request(argv: list[str]) -> dict[str, object]:
    """What else, beside the files, decides what a command does."""
    return {
        "argv": list(argv),
        "cwd": os.getcwd(),
        "env": {k: os.environ.get(k) for k in ENV},
        "python": [sys.executable, sys.version],
    }


def out_of(argv: list[str]) -> str:
    """The output folder ``argv`` names (``--out``; dist by default). A publish.toml's
    ``out`` is not read here: such a build is stamped in its folder, and the short cut
    simply does not find it."""
    for i, arg in enumerate(argv):
        if arg == "--out" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--out="):
            return arg.removeprefix("--out=")
    return "dist"


def replay(argv: list[str]) -> bool:
    """True when the last successful run of ``argv`` into its folder still holds: its
    lines are printed again (standard error) and there is nothing to do. False on any
    doubt (the full check decides), never an error: a folder gone, a cache unreadable."""
    try:
        return _replay(argv)
    except (OSError, ValueError, TypeError):
        return False


def _replay(argv: list[str]) -> bool:
    runs = _read(path_for(Path(out_of(argv))))
    want = request(argv)
    for run in runs:
        if run.get("request") != want:
            continue
        files, lines = run.get("files"), run.get("lines")
        if not (isinstance(files, list) and isinstance(lines, list)):
            return False
        if not all(isinstance(f, list) and len(f) == 2 and isinstance(f[0], str) for f in files):
            return False
        if not any(f[0].endswith(os.sep + STATE) for f in files):
            return False  # not one a build wrote: it always looks at its state
        if any(look(path) != seen for path, seen in files):
            return False
        sys.stderr.write("".join(f"{line}\n" for line in lines if isinstance(line, str)))
        return True
    return False


def save(out: Path, argv: list[str], lines: list[str]) -> bool:
    """Stamp ``out`` for ``argv``, which has just built it and would print ``lines`` if run
    again with nothing changed. False (and no stamp for it) when an input it read was
    changed too recently to be vouched for, or the stamp cannot be written (the build
    has succeeded either way: the next one runs the full check)."""
    try:
        return _save(out, argv, lines)
    except (OSError, ValueError, TypeError):
        return False


def _save(out: Path, argv: list[str], lines: list[str]) -> bool:
    path = path_for(out)
    files: dict[str, Look] = {}
    for name, (seen, when) in _seen.items():
        if seen is not None and max(seen[2::5]) > when - RACY:  # the link's, its target's
            _forget(path, argv)
            return False
        files[name] = seen
    for folder, dirs, names in os.walk(out):
        dirs.sort()
        files[os.path.abspath(folder)] = look(folder)
        for name in sorted(names):
            if folder == str(out) and name == LOCK:
                continue
            p = os.path.abspath(os.path.join(folder, name))
            files[p] = look(p)
    run = {"request": request(argv), "files": sorted(files.items()), "lines": lines}
    others = [r for r in _read(path) if r.get("request") != run["request"]]
    _write(path, [run, *others][:KEEP])
    return True


def user_cache() -> Path:
    """publish's folder in the user's cache: ``$XDG_CACHE_HOME/publish``, else
    ``~/.cache/publish`` (a relative XDG_CACHE_HOME is ignored, as the XDG spec says)."""
    home = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(home):
        home = str(Path.home() / ".cache")
    return Path(home) / "publish"


def path_for(out: Path) -> Path:
    key = os.path.abspath(out).encode("utf-8", "surrogateescape")
    return user_cache() / "stamps" / f"{zlib.crc32(key):08x}{zlib.adler32(key):08x}.json"


def _forget(path: Path, argv: list[str]) -> None:
    """Drop ``argv``'s entry: an older one must not outlive the build that replaced it."""
    runs = _read(path)
    kept = [r for r in runs if r.get("request") != request(argv)]
    if kept != runs:
        _write(path, kept)


def _read(path: Path) -> list[dict[str, object]]:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK)
    except (OSError, ValueError):
        return []
    try:
        with os.fdopen(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                return []
            data = json.loads(f.read(MAX + 1)[:MAX] or b"{}")
    except (OSError, ValueError):  # unreadable, cut short or not JSON: no stamp
        return []
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return []
    runs = data.get("runs")
    return [r for r in runs if isinstance(r, dict)] if isinstance(runs, list) else []


def _write(path: Path, runs: list[dict[str, object]]) -> None:
    """Written whole or not at all (a temporary file renamed into place); the oldest
    folders' stamps forgotten beyond :data:`FOLDERS`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.dumps({"format": FORMAT, "runs": runs}, ensure_ascii=False).encode()
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    stamps = sorted(path.parent.glob("*.json"), key=lambda p: (look(p) or [0, 0, 0])[2])
    for old in stamps[:-FOLDERS]:
        old.unlink(missing_ok=True)
