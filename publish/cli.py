"""``publish``: the command line. Errors are one line; tracebacks only with ``--debug``."""

from __future__ import annotations

import argparse
import atexit
import contextlib
import errno
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from publish import __version__, stamp
from publish.errors import BuildError, PublishError, StrictError, UsageError

if TYPE_CHECKING:
    from publish.config import Config

# What to do about a fault of the file system, by errno (the line names the path).
FAULTS = {
    errno.ENOSPC: "no space left on the device; free some space and build again",
    errno.EDQUOT: "disk quota exceeded; free some space and build again",
    errno.EROFS: "read-only file system; build into another --out",
    errno.EACCES: "permission denied; make it writable, or build into another --out",
    errno.EPERM: "operation not permitted; make it writable, or build into another --out",
    errno.ENOTDIR: "a part of the path is a file, not a folder; build into another --out",
    errno.EISDIR: "is a folder where publish writes a file; move it away",
    errno.ELOOP: "a symlink loop (or a symlink where none may be); fix or remove the link",
    errno.ENAMETOOLONG: "the name is too long; use a shorter path",
    errno.EMFILE: "too many open files; raise the limit (ulimit -n) or build fewer at once",
}
FULL = 1 << 20  # a build that fails with less than this free where it writes ran out of room


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # No abbreviations: `--form` is a mistake to point out, not a guess at --formats
        # (and a new option would change what an old abbreviation meant).
        super().__init__(*args, **{"allow_abbrev": False, **kwargs})

    def error(self, message: str) -> None:  # one line, exit 2
        # prog is "publish" or "publish build" (however the program was started)
        command = " ".join(["publish", *self.prog.split()[1:]])
        raise UsageError(f"{message}{self._suggestion(message)} (see `{command} --help`)")

    def _suggestion(self, message: str) -> str:
        """`` (did you mean --formats?)`` for a misspelt option or command."""
        from publish.project import suggest

        m = re.search(r"unrecognized arguments: (\S+)|invalid choice: '([^']*)'", message)
        if m is None:
            return ""
        word = m.group(1) or m.group(2)
        options: list[str] = []
        commands: list[str] = []
        for action in self._actions:
            options += [o for o in action.option_strings if o.startswith("--")]
            if isinstance(action, argparse._SubParsersAction):
                commands += list(action.choices)
                for sub in action.choices.values():
                    options += [o for a in sub._actions for o in a.option_strings]
        if word.startswith("-"):
            return suggest(word.split("=")[0], sorted(set(options)))
        return suggest(word, commands)


def parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="publish", description="Chinese Markdown reports to EPUB, DOCX, PDF and HTML editions."
    )
    p.add_argument("--version", action="version", version=f"publish {__version__}")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)
    b = sub.add_parser("build", help="build editions of one or more sources")
    b.add_argument("sources", nargs="*", metavar="SOURCE")
    b.add_argument(
        "-o", "--out", metavar="DIR", help="output folder (default dist, beside publish.toml)"
    )
    b.add_argument("--formats", metavar="LIST", help="pdf,epub,docx,html (default all)")
    b.add_argument("--editions", metavar="LIST", help="zh-Hans,zh-Hant-TW,zh-Hant-HK (default all)")
    b.add_argument("--glossary", metavar="FILE", help="TOML glossary on top of the project default")
    b.add_argument("--strict", action="store_true", help="any warning fails the build (exit 1)")
    b.add_argument("--jobs", type=int, metavar="N", help="parallel workers (default: cores)")
    b.add_argument("--paper", metavar="SIZE", help="PDF page size: A4 (default), B5 or A5")
    b.add_argument(
        "--from",
        dest="reader",
        metavar="FLAVOUR",
        help="read sources as commonmark (GFM, the default) or markdown (pandoc's own); "
        "overrides a source's front matter `from:`",
    )
    b.add_argument(
        "--domain",
        metavar="DOMAIN",
        help="technical or general: software senses of words (程式, 執行) in the Traditional "
        "editions or not; overrides front matter `domain:` (default: decided from the text)",
    )
    b.add_argument(
        "--date",
        choices=["today"],
        help="today: date a source that gives none with the build day (default: no date)",
    )
    b.add_argument(
        "--truncated",
        metavar="WHAT",
        help="a source that looks cut off: note (default: an editor's note says where it "
        "stops and what is missing), fail (a build error) or ignore",
    )
    b.add_argument(
        "--styles", metavar="DIR", help="a folder of style files that replace bundled ones"
    )
    b.add_argument("--csl", metavar="FILE", help="a CSL style for the reference lists")
    b.add_argument(
        "--toc",
        action=argparse.BooleanOptionalAction,
        help="a table of contents in every format (default); --no-toc: none",
    )
    b.add_argument(
        "--project",
        metavar="FILE",
        help="the project file (default: the nearest publish.toml here or above)",
    )
    b.add_argument("--quiet", action="store_true", help="no progress lines or summary")
    b.add_argument("--keep-quotes", action="store_true", help="keep “” in Traditional editions")
    b.add_argument(
        "--review",
        action="store_true",
        help="DOCX for reviewers: line numbers, wide right margin, changes tracked",
    )
    b.add_argument(
        "--embed-fonts",
        action="store_true",
        help="EPUB carries the edition's fonts, subset to the characters used",
    )
    b.add_argument(
        "--force", action="store_true", help="rebuild every output, even those up to date"
    )
    b.add_argument(
        "--dry-run", action="store_true", help="list what would be built and why; build nothing"
    )
    b.add_argument("--debug", action="store_true", help="show tracebacks")
    r = sub.add_parser(
        "refs", help="write SOURCE's references sidecar (<stem>.refs.yaml) to fill in"
    )
    r.add_argument("source", metavar="SOURCE")
    r.add_argument("--force", action="store_true", help="overwrite an existing sidecar")
    r.add_argument(
        "--fetch",
        action="store_true",
        help="fill empty fields from the cited pages (the only command that uses the "
        "network); filled fields are listed under `fetched:` for review",
    )
    r.add_argument("--dry-run", action="store_true", help="print the changes; write nothing")
    r.add_argument("--debug", action="store_true", help="show tracebacks")
    v = sub.add_parser(
        "review", help="list the comments and tracked changes in a reviewed DOCX, one a line"
    )
    v.add_argument("docx", metavar="FILE.docx")
    v.add_argument("--source", metavar="SOURCE", help="the Markdown source, to give line numbers")
    v.add_argument(
        "--glossary-out",
        metavar="FILE",
        help="turn the tracked replacements in a Traditional edition into glossary entries, "
        "added to FILE (for build --glossary)",
    )
    v.add_argument("--debug", action="store_true", help="show tracebacks")
    w = sub.add_parser(
        "preview", help="serve SOURCE's HTML edition on 127.0.0.1, rebuilt and reloaded on save"
    )
    w.add_argument(
        "source", nargs="?", metavar="SOURCE", help="default: what publish.toml lists"
    )
    w.add_argument("--port", type=int, default=8000, metavar="N", help="port (default 8000)")
    w.add_argument(
        "--edition", default="zh-Hans", metavar="CODE", help="zh-Hans (default), zh-Hant-TW, ..."
    )
    w.add_argument("--debug", action="store_true", help="show tracebacks")
    return p


def _build(args: argparse.Namespace) -> int:
    from publish.build import build
    from publish.build.build import stderr_line
    from publish.build.cache import guard
    from publish.config import load_config, stem_of

    stamp.start()
    config = load_config(
        args.sources,
        out=args.out,
        formats=args.formats,
        editions=args.editions,
        glossary=args.glossary,
        jobs=args.jobs,
        paper=args.paper,
        reader=args.reader,
        domain=args.domain,
        csl=args.csl,
        styles=args.styles,
        toc=args.toc,
        project_file=args.project,
        find_project=True,
        truncated=args.truncated,
        today=args.date == "today",
        strict=args.strict,
        quiet=args.quiet,
        debug=args.debug,
        quotes=not args.keep_quotes,
        review=args.review,
        embed_fonts=args.embed_fonts,
        force=args.force,
        dry_run=args.dry_run,
    )
    for note in config.notes:  # the configuration's warnings, before the build's lines
        print(note, file=sys.stderr)
    if config.strict and config.notes:  # before building: a failed --strict writes nothing
        raise StrictError(
            f"--strict: {len(config.notes)} warning(s) about the configuration; fix them or "
            "drop --strict"
        )
    _check_out(config.out)
    guard(config.out, [stem_of(s) for s in config.sources])
    try:
        result = build(config, log=lambda line: print(line, file=sys.stderr))
    except (BuildError, OSError) as exc:
        # pandoc or WeasyPrint failing on a full disk say something else ("could not load
        # translations"): name the real cause when the folder has no room left.
        free = _free(config.out)
        if free is not None and free < FULL:
            raise BuildError(
                f"{config.out}: no space left on the device ({free >> 10} KiB free); free "
                "some space and build again"
            ) from exc
        raise
    except ValueError as exc:  # a NUL (%00) in an address: pathlib refuses such a path
        if "null byte" not in str(exc):
            raise
        names = ", ".join(str(s) for s in config.sources)
        raise BuildError(
            f"{names}: an address (a picture's or a link's) holds a NUL byte (%00); remove "
            "it and build again"
        ) from exc
    said = [stderr_line(doc, d) for doc, d in result.warnings]
    for line in said:
        print(line, file=sys.stderr)
    warnings = len(result.warnings) + len(config.notes)
    if config.strict and warnings:
        raise StrictError(f"--strict: {warnings} warning(s); fix them or drop --strict")
    if not config.quiet and not config.dry_run:
        print(summary(config, result.built, result.current, warnings), file=sys.stderr)
    if not config.dry_run and not config.force:
        # What this command prints when run again with nothing changed (publish/stamp.py).
        again = [*config.notes, *said]
        if not config.quiet:
            again.append(summary(config, [], [*result.built, *result.current], warnings))
        stamp.save(config.out, args.argv, again)
    return 0


def summary(config: Config, built: list[str], current: list[str], warnings: int) -> str:
    """The build's last line: what was made or found up to date, the warnings, and
    where the download page is."""
    from publish.build.site import INDEX

    page = config.out / INDEX
    if not built:
        made = f"nothing to build: {len(current)} outputs up to date in {config.out}"
    else:
        made = f"done: {len(built)} output{'s' * (len(built) != 1)} built"
        made += f", {len(current)} up to date" if current else ""
    said = f"{warnings} warning{'s' * (warnings != 1)}"
    return f"{made}; {said}; download page: {page}" if page.is_file() else f"{made}; {said}"


def _check_out(out: Path) -> None:
    """An output folder that cannot be made: a file where a folder of its path should be."""
    for folder in [out, *out.parents]:
        if folder.exists():
            if not folder.is_dir():
                raise BuildError(
                    f"--out {out}: {folder} is a file, not a folder; build into another --out"
                )
            return


def _free(out: Path) -> int | None:
    """Bytes free to an ordinary user on the file system of ``out`` (or its nearest
    existing parent); None when that cannot be told."""
    for folder in [out, *out.parents]:
        try:
            st = os.statvfs(folder)
        except OSError:
            continue
        return st.f_bavail * st.f_frsize
    return None


def _fault(exc: BaseException) -> str | None:
    """One line for a fault of the machine rather than of publish: the file system (full,
    read-only, a file in a folder's place, a symlink loop) or a path holding a NUL byte."""
    if isinstance(exc, OSError) and exc.errno in FAULTS:
        where = exc.filename or exc.filename2
        return f"{where}: {FAULTS[exc.errno]}" if where else FAULTS[exc.errno]
    text = str(exc)
    # Python 3.11's Path.resolve says so with a RuntimeError (3.13: OSError ELOOP).
    if isinstance(exc, RuntimeError) and text.startswith("Symlink loop from "):
        return f"{text.removeprefix('Symlink loop from ').strip(chr(39))}: {FAULTS[errno.ELOOP]}"
    if isinstance(exc, ValueError) and "null byte" in text:
        return (
            "a path in a source (a picture's or a link's address?) holds a NUL byte; remove "
            "it and build again"
        )
    return None


def _refs(args: argparse.Namespace) -> int:
    from publish.build import prepare
    from publish.config import source_problem
    from publish.references import refresh

    source = Path(args.source)
    problem = source_problem(source)
    if problem:
        raise UsageError(f"SOURCE {source}: {problem}")
    doc = prepare(source)
    out = refresh.run(source, doc.references, args.fetch, args.dry_run, args.force)
    for line in out.lines:
        print(line, file=sys.stderr)
    if args.dry_run:
        print(out.diff or "no changes", end="" if out.diff else "\n")
    elif out.written:
        print(f"wrote {out.written} ({len(doc.references)} references)", file=sys.stderr)
    else:
        print("the sidecar is up to date: nothing written", file=sys.stderr)
    return 0  # a page that failed is reported above; its entry is kept as it was


def _preview(args: argparse.Namespace) -> int:
    from publish.preview import preview

    source = Path(args.source) if args.source else None
    return preview(source, edition=args.edition, port=args.port)


def _review(args: argparse.Namespace) -> int:
    import zipfile

    from publish.config import source_problem
    from publish.review import read_review

    source = Path(args.source) if args.source else None
    # Files the command names: missing or of the wrong kind is a usage error (exit 2).
    docx = Path(args.docx)
    if not docx.is_file():
        raise UsageError(f"{docx}: no such file; give the .docx the reviewer sent back")
    if not zipfile.is_zipfile(docx):
        raise UsageError(f"{docx}: not a DOCX file (give the .docx the reviewer sent back)")
    problem = source_problem(source) if source else None
    if problem:
        raise UsageError(f"--source {source}: {problem}")
    if args.glossary_out:
        from publish.review import learn_glossary

        out = Path(args.glossary_out)
        learned, skipped = learn_glossary(docx, out, source)
        for e in learned:
            print(f"{out}: {e.key} → {e.value} (the edition had {e.was})")
        for line in skipped:
            print(f"not mapped: {line}", file=sys.stderr)
        return 0
    for line in read_review(docx, source):
        print(line)
    return 0


def run() -> NoReturn:
    """The command line (``publish``, ``python -m publish``): :func:`main`, then out.

    When main returns, every output is written, closed and in place; what the interpreter
    would still do is free what the build loaded, object by object: OpenCC's dictionaries
    alone took 0.07 s, the whole teardown 0.11 s of a 2.2 s build of the seed (measured).
    So what the interpreter must still do is done (threads not marked daemon finish, the
    exit handlers run: logging, temporary folders, coverage), what was printed is flushed,
    and the process ends there."""
    code = main()
    threading = sys.modules.get("threading")
    for thread in threading.enumerate() if threading else ():
        if not thread.daemon and thread is not threading.current_thread():
            thread.join()  # as the interpreter would: a thread not marked daemon finishes
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        # a reader that stopped reading, a closed stream: as at the interpreter's own exit
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    debug = "--debug" in argv
    if argv[:1] == ["build"] and stamp.replay(argv):
        return 0  # the same command, and not one file it read or wrote changed since
    try:
        args = parser().parse_args(argv)
        args.argv = argv
        if args.command is None:
            raise UsageError("no command; try `publish build SOURCE...` (see `publish --help`)")
        commands = {"build": _build, "refs": _refs, "review": _review, "preview": _preview}
        return commands[args.command](args)
    except PublishError as exc:
        if debug:
            raise
        print(f"publish: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("publish: interrupted; outputs already written are complete", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: still one line unless --debug
        if debug:
            raise
        fault = _fault(exc)
        if fault:
            print(f"publish: error: {fault}", file=sys.stderr)
            return 1
        print(
            f"publish: internal error: {type(exc).__name__}: {exc} (rerun with --debug and "
            "report it)",
            file=sys.stderr,
        )
        return 1
