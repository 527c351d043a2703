"""The orchestrator: read → clean → cite → editions → writers, for every source, make-style.

1. Plan, parsing nothing: hash what shapes each output (:mod:`publish.build.cache`) and
   compare with the build state. An output whose inputs and file are unchanged is up to
   date: it is neither rebuilt nor rewritten, so its time stays and make's logic holds.
2. Parse each source that has work, once, and hand one job per output to a pool of worker
   processes, PDFs first (the slowest: the cores stay busy to the end). A worker makes an
   edition once and keeps it for the other formats it writes, and sets WeasyPrint's fonts
   up once.
3. Record each output in the state as it finishes, then write the reports, the manifest
   and the download page, each only if its bytes changed. Every file is written to a
   temporary name in its folder and renamed into place; the folder is locked for the build.

Stopping: the first Ctrl-C starts no more jobs and gives the running ones a moment
(``GRACE``) to finish their files; a second Ctrl-C, SIGTERM, or the end of that moment
kills the workers. Either way the temporary files are removed and the state, reports,
manifest and download page then describe what is on disk. With ``--strict`` every file is
written to a folder inside DIR (``.publish-stage-*``) and moved into place only when the
build passes: a build that fails leaves DIR as it was.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from publish import styles
from publish.build import cache, worker
from publish.build import report as reports
from publish.build.lock import locked
from publish.build.progress import Progress
from publish.config import EDITIONS, FORMATS, Config, front_options, stem_of
from publish.document import Diagnostic, Document, Metadata
from publish.errors import BuildError, SourceError

if TYPE_CHECKING:
    from concurrent.futures import Future

# Seconds the first Ctrl-C gives running jobs to finish their files: the clean-up and
# Python's own exit then take 0.1-0.7 s (the latter on a loaded machine), inside the 2 s
# a stop may take.
GRACE = 0.8
STAGE = ".publish-stage-"  # --strict's folder inside DIR, moved into place on success


@dataclass
class Job:
    """One output to build, and why."""

    source: Path
    stem: str
    code: str
    fmt: str
    path: Path
    rel: str  # path relative to the output folder: the key in the state and the manifest
    inputs: dict[str, str]
    reason: str


@dataclass
class Plan:
    """One source: its inputs (None if it cannot be read: parsing will say why) and jobs."""

    source: Path
    stem: str
    inputs: dict[str, str] | None
    jobs: list[Job]


@dataclass
class BuildResult:
    documents: list[Document] = field(default_factory=list)
    built: list[str] = field(default_factory=list)  # outputs written, relative to the folder
    current: list[str] = field(default_factory=list)  # outputs asked for and already up to date
    planned: list[Job] = field(default_factory=list)  # what needed building (or would, dry run)

    @property
    def warnings(self) -> list[tuple[Document, Diagnostic]]:
        return [(d, x) for d in self.documents for x in d.warnings]


def prepare(
    source: Path,
    reader: str | None = None,
    domain: str | None = None,
    defaults: dict[str, str] | None = None,
    today: bool = False,
    truncated: str = "note",
) -> Document:
    """Every stage before the editions, once per source; ``reader`` (``--from``) and
    ``domain`` (``--domain``) override the source's own ``from:`` and ``domain:``, which
    override publish.toml's (``defaults``)."""
    from publish import manuscript, reading
    from publish.ast import run_filters
    from publish.editions.source import settle
    from publish.manuscript.truncation import editor_note
    from publish.reading.parse import front_matter
    from publish.references import Citations

    doc = reading.read(source, stem_of(source))
    front = front_matter(doc.text) if defaults else {}
    reader = reader or (None if "from" in front else (defaults or {}).get("from"))
    domain = domain or (None if "domain" in front else (defaults or {}).get("domain"))
    if reader:
        doc.reader = reader
    manuscript.clean_text(doc)
    reading.parse(doc)
    manuscript.clean_ast(doc)
    settle(doc, domain or "")  # script (the text's, not lang's), region, vocabulary domain
    if today and not doc.meta.date:  # --date today: the build day, only when asked
        from publish import pandoc
        from publish.ast import meta_value

        doc.meta.date = time.strftime("%Y-%m-%d", time.gmtime(pandoc.build_time()))
        doc.ast["meta"]["date"] = meta_value(doc.meta.date)
    run_filters([Citations()], doc)
    # --truncated: an editor's note in the source's script (the editions convert it), or
    # stop; after the references stage, which repairs a citation cut off at the very end
    editor_note(doc, truncated)
    return doc


# -- planning ---------------------------------------------------------------------------


def edition_options(config: Config, code: str) -> dict[str, Any]:
    # Quotes only change Traditional editions (editions/convert.py): --keep-quotes leaves
    # the zh-Hans outputs up to date.
    return {"quotes": config.quotes} if code != "zh-Hans" else {}


def edition_inputs(config: Config, inputs: dict[str, str], code: str) -> dict[str, str]:
    return {**inputs, "options": cache.options_digest(edition_options(config, code))}


def output_inputs(config: Config, inputs: dict[str, str], code: str, fmt: str) -> dict[str, str]:
    options = {**edition_options(config, code), "writer": config.writer_options.get(fmt, {})}
    return {**inputs, "options": cache.options_digest(options)}


def plan(config: Config, state: cache.State, env: dict[str, str]) -> list[Plan]:
    plans = []
    for source in config.sources:
        stem = stem_of(source)
        try:
            inputs: dict[str, str] | None = cache.source_inputs(source, config.glossary, env)
            if config.reader:  # --from changes every output of the source
                inputs["reader"] = config.reader
            if config.domain:  # and so does --domain
                inputs["domain"] = config.domain
            if config.today or config.truncated != "note":  # and --date, --truncated
                inputs["front"] = f"{config.today}/{config.truncated}"
            if config.defaults:  # and publish.toml's paper, from and domain
                inputs["defaults"] = cache.options_digest(config.defaults)
        except (OSError, SourceError):  # the reading stage says why
            inputs = None
        src = state.sources.get(stem, {})
        shown = src.get("doc", {}).get("pictures", [])  # as the last build found them
        pictures = (
            "pictures changed"
            if src and cache.pictures_digest(source, shown) != src.get("pictures")
            else ""
        )
        jobs = []
        for code in config.editions:
            for fmt in config.formats:
                rel = cache.output_rel(stem, code, fmt, config.review and fmt == "docx")
                path = config.out / rel
                want = output_inputs(config, inputs, code, fmt) if inputs else {}
                reason = _reason(config, state, src, rel, path, inputs, want, code, pictures)
                if reason:
                    jobs.append(Job(source, stem, code, fmt, path, rel, want, reason))
        plans.append(Plan(source, stem, inputs, jobs))
    return plans


def _reason(
    config: Config,
    state: cache.State,
    src: dict[str, Any],
    rel: str,
    path: Path,
    inputs: dict[str, str] | None,
    want: dict[str, str],
    code: str,
    pictures: str = "",
) -> str:
    """Why the output needs building; "" when it is up to date. ``pictures``: why the
    source's pictures make it out of date, "" when they do not."""
    if inputs is None:
        return "source cannot be read"
    if config.force:
        return "--force"
    rec = state.outputs.get(rel)
    if rec is None:
        return "not built before"
    changed = cache.why(rec["inputs"], want)
    if changed:
        return changed
    stat = cache.stat_of(path)
    if stat is None:
        return "file missing"
    if list(stat) != rec["stat"] or rec.get("edited"):
        return "file changed since it was built"
    if pictures:
        return pictures
    edition = src.get("editions", {}).get(code, {})
    if src.get("inputs") != inputs or edition.get("inputs") != edition_inputs(config, inputs, code):
        return "build state incomplete"
    return ""


# -- running ----------------------------------------------------------------------------


def build(config: Config, log: Callable[[str], None] | None = None) -> BuildResult:
    """Bring every output ``config`` asks for up to date (see the module's docstring)."""
    styles.use(config.styles, config.csl)  # before the workers fork: they inherit it
    env = cache.environment()
    _refuse_link(config.out / cache.STATE)
    if config.dry_run:
        plans = plan(config, cache.State(config.out), env)
        result = BuildResult(planned=[j for p in plans for j in p.jobs])
        for job in result.planned:
            print(f"would build {job.path}: {job.reason}", flush=True)
        if not result.planned and not config.quiet:
            _say(log, f"nothing to build: {len(_asked(config))} outputs up to date in {config.out}")
        return result
    with locked(config.out, None if config.quiet else lambda m: _say(log, m)):
        # Read after locking: a build that held the lock may just have finished the work.
        _refuse_link(config.out / cache.STATE)
        state = cache.State(config.out)
        stems = [stem_of(s) for s in config.sources]
        _sweep(config.out, stems)
        plans = plan(config, state, env)
        todo = [j for p in plans for j in p.jobs]
        progress = Progress(len(todo), config.quiet, log)
        result = BuildResult(planned=todo)
        stage = Path(tempfile.mkdtemp(prefix=STAGE, dir=config.out)) if config.strict else None
        root = stage or config.out  # where this build writes
        if stage is not None:
            state.path = stage / cache.STATE
        stop = _Stop()
        started = time.time_ns()
        try:
            with stop.handling():
                try:
                    _run(config, state, plans, progress, result, stop, root)
                except BaseException:
                    progress.close()
                    if stage is None:
                        # The first failure is the one to report, whatever this one meets.
                        with suppress(Exception):
                            _settle(config, state, plans, result, root, started, env)
                    raise
                progress.close()
                _settle(config, state, plans, result, root, started, env)
                if stage is not None and not stop.stopping and not result.warnings:
                    _publish(stage, config.out, state)
            if stop.stopping:
                raise KeyboardInterrupt
        finally:
            if stage is not None:
                shutil.rmtree(stage, ignore_errors=True)
        built = set(result.built)
        result.current = [rel for rel in _asked(config) if rel not in built]
        return result  # the command line sums it up (cli.summary)


def _settle(
    config: Config,
    state: cache.State,
    plans: list[Plan],
    result: BuildResult,
    root: Path,
    started: int,
    env: dict[str, str],
) -> None:
    """After the jobs, however they ended: no temporary file left, the state, reports,
    manifest and download page describing the files on disk."""
    _sweep(root, [p.stem for p in plans])
    _drop_unrecorded(result.planned, state, root, started)
    _forget_missing(config.out, root, state)
    state.save()
    result.documents = _write_reports(config, state, plans, root)
    from publish.build import site

    site.write(root, state, env["styles"])
    state.save()


def _refuse_link(path: Path) -> None:
    # Read and replaced by every build: a link would take publish outside the folder.
    if path.is_symlink():
        raise BuildError(
            f"{path}: is a symbolic link; remove it (publish does not write through links)"
        )


class _Stop:
    """Ctrl-C and SIGTERM during a build. The handler raises KeyboardInterrupt only where
    that is safe (while a source parses, or a one-worker job runs); elsewhere (recording
    an output, handing out a job) it only notes the stop, which the build checks next."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.stopping = False  # no new jobs
        self.aborted = False  # workers killed
        self.at = 0.0  # when the stop came (time.monotonic)
        self.live = False  # the handler may raise
        self.pool: worker.Pool | worker.Inline | None = None

    def handle(self, signum: int, frame: Any) -> None:
        if os.getpid() != self.pid:
            return  # a worker just forked, before it set its own handlers
        if signum != signal.SIGINT or self.stopping:
            self.aborted = True
            if self.pool is not None:
                self.pool.kill()
        if not self.stopping:
            self.stopping, self.at = True, time.monotonic()
            if self.live:
                self.live = False
                raise KeyboardInterrupt

    def check(self) -> None:
        if self.stopping:
            raise KeyboardInterrupt

    @contextmanager
    def interruptible(self) -> Iterator[None]:
        self.check()
        self.live = True
        try:
            yield
        finally:
            self.live = False

    @contextmanager
    def handling(self) -> Iterator[None]:
        """SIGTERM (a CI timeout, ``kill``) ends the build as a second Ctrl-C does. SIGKILL
        cannot be caught: the workers die with the build, the lock goes with it, and the
        next build removes the temporary files left (``_sweep``)."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = {s: signal.signal(s, self.handle) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)


def _say(log: Callable[[str], None] | None, line: str) -> None:
    (log or (lambda s: print(s, file=sys.stderr, flush=True)))(line)


def _asked(config: Config) -> list[str]:
    return [
        cache.output_rel(stem, code, fmt, config.review and fmt == "docx")
        for stem in map(stem_of, config.sources)
        for code in config.editions
        for fmt in config.formats
    ]


def _run(
    config: Config,
    state: cache.State,
    plans: list[Plan],
    progress: Progress,
    result: BuildResult,
    stop: _Stop,
    root: Path,
) -> None:
    todo = result.planned
    if not todo:
        return
    workers = max(1, min(config.jobs, len(todo)))
    formats = {j.fmt for j in todo}
    pool = worker.start(workers, "pdf" in formats, formats)
    stop.pool = pool
    pending: dict[Future, Job] = {}
    progress.start()

    def collect() -> None:
        """Record the jobs that finished; raise the first error (none once stopping)."""
        errors: list[BaseException] = []
        for fut in [f for f in pending if f.done()]:
            job = pending.pop(fut)
            if fut.cancelled():
                continue
            exc = fut.exception()
            if exc is None:
                done_job = fut.result()
                _record(config, state, job, done_job, root)
                result.built.append(job.rel)
                progress.finished(str(job.path), done_job["seconds"])
            elif isinstance(exc, worker.WorkerDied):
                errors.append(BuildError(f"{job.path}: a worker process died (out of memory?)"))
            else:
                errors.append(exc)
        if errors and not stop.stopping:
            raise errors[0]

    glossary = None
    # Names this build's documents in the workers' edition caches (an in-process build
    # must never reuse an edition of an earlier build: its Document is another object).
    build_id = f"{os.getpid()}.{time.monotonic_ns()}"
    try:
        for p in plans:
            if not p.jobs:
                continue
            with stop.interruptible():
                doc = prepare(
                    p.source,
                    config.reader,
                    config.domain,
                    config.defaults,
                    today=config.today,
                    truncated=config.truncated,
                )
            # front matter's paper: over publish.toml's, under the command line's
            doc_config = config.for_document(front_options(doc))
            if glossary is None:
                from publish.editions import load_glossary

                glossary = load_glossary(config.glossary)
            assert p.inputs is not None  # prepare raised otherwise
            _record_source(config, state, p, doc)
            state.save()
            token = (build_id, p.stem)
            # PDFs first: they take longest, and the small jobs fill in around them. Each
            # edition is made as its first job is handed out, so the first PDF starts
            # while the other editions are made.
            for job in sorted(p.jobs, key=lambda j: j.fmt != "pdf"):
                # One worker runs the job right here: Ctrl-C interrupts it (``atomic``
                # removes its temporary file).
                inline: AbstractContextManager[None] = (
                    stop.interruptible() if pool.inline else nullcontext()
                )
                with stop.interruptible():
                    made = worker.edition(doc, token, job.code, glossary, config.quotes)
                with inline:
                    fut = pool.submit(
                        worker.job,
                        made,
                        job.fmt,
                        root / job.rel,
                        doc_config.writer_options.get(job.fmt, {}),
                    )
                pending[fut] = job
                pool.wait(0)
                collect()
                stop.check()
        while pending:
            # A short timeout: a signal handler that does not raise is seen within it.
            pool.wait(0.1)
            collect()
            stop.check()
        stop.check()
    except BaseException as exc:
        interrupted = isinstance(exc, KeyboardInterrupt)
        if not stop.stopping:  # an error: a Ctrl-C from now on kills the workers
            stop.stopping, stop.at = True, time.monotonic()
        pool.stop()
        if interrupted and not stop.aborted:
            progress.stopping(pool.running())
        # An error lets running jobs finish their (complete) files; a Ctrl-C gives them
        # until GRACE after it, then they are killed (the temporary files are swept).
        deadline = stop.at + GRACE if interrupted else math.inf
        while pool.running() and not stop.aborted and time.monotonic() < deadline:
            pool.wait(max(0.0, min(0.05, deadline - time.monotonic())))
            collect()
        if pool.running():
            pool.kill()
        pool.shutdown()
        collect()  # what the killed workers had sent back before they died
        raise
    finally:
        pool.shutdown()
        stop.pool = None


def _record_source(config: Config, state: cache.State, p: Plan, doc: Document) -> None:
    """The document's part of the report, kept so that later builds need not parse."""
    assert p.inputs is not None
    old = state.sources.get(p.stem, {})
    editions = {
        code: e
        for code, e in old.get("editions", {}).items()
        if e.get("inputs") == edition_inputs(config, p.inputs, code)
    }
    state.sources[p.stem] = {
        "source": str(p.source),
        "inputs": p.inputs,
        "doc": reports.doc_data(doc),
        "diagnostics": [d.as_json() for d in doc.diagnostics],
        "editions": editions,
    }
    names = state.sources[p.stem]["doc"]["pictures"]
    state.sources[p.stem]["pictures"] = cache.pictures_digest(p.source, names)


def _record(
    config: Config, state: cache.State, job: Job, done: dict[str, Any], root: Path
) -> None:
    path = root / job.rel  # --strict: the staged file, moved into place with its time
    stat = cache.stat_of(path)
    if stat is None:
        raise BuildError(f"{job.path}: the {job.fmt} writer reported success but wrote nothing")
    state.outputs[job.rel] = {
        "inputs": job.inputs,
        "source": str(job.source),
        "edition": job.code,
        "format": job.fmt,
        "bytes": stat[0],
        "stat": list(stat),
        "sha256": cache.file_digest(path),
        "pages": done["info"].get("pages"),
        "diagnostics": done["diagnostics"],
    }
    src = state.sources[job.stem]
    assert src["inputs"] is not None
    src["editions"][job.code] = {
        "inputs": edition_inputs(config, src["inputs"], job.code),
        "title": done["title"],
        "label": done["label"],
        "phrases": done["phrases"],
        "card": done.get("card", {}),  # the download page's author, date, abstract
        "diagnostics": done["edition_diagnostics"],
    }
    state.save()


def _forget_missing(out: Path, root: Path, state: cache.State) -> None:
    """Outputs deleted since they were built leave the state (and so the manifest); ones
    changed by hand are listed as they are now, and rebuilt when next asked for. An output
    this build staged (``root``, --strict) is looked at there."""
    for rel, rec in list(state.outputs.items()):
        path = root / rel if (root / rel).exists() else out / rel
        stat = cache.stat_of(path)
        if stat is None:
            del state.outputs[rel]
        elif list(stat) != rec["stat"] and rec.get("edited") != list(stat):
            rec.update(bytes=stat[0], sha256=cache.file_digest(path), edited=list(stat))


def _drop_unrecorded(jobs: list[Job], state: cache.State, root: Path, since: int) -> None:
    """A new output a worker wrote but never reported (killed between the two) is
    removed: the state knows nothing of it, so the manifest could not list it."""
    for job in jobs:
        path = root / job.rel
        if job.rel not in state.outputs:
            with suppress(OSError):
                if path.stat().st_mtime_ns >= since:
                    path.unlink()


def _sweep(out: Path, stems: list[str]) -> None:
    """Temporary files a killed build left (``.name.XXXX.tmp``, see writers/common.py
    ``atomic``) and a --strict build's staging folder: under the lock no other build is
    writing them."""
    for folder in [out, *(out / s for s in stems)]:
        if folder.is_dir():
            for tmp in folder.glob(".*.tmp"):
                tmp.unlink(missing_ok=True)
    for stage in out.glob(STAGE + "*"):
        if stage.is_dir() and not stage.is_symlink():
            shutil.rmtree(stage, ignore_errors=True)


def _publish(stage: Path, out: Path, state: cache.State) -> None:
    """Move what a --strict build wrote from ``stage`` into ``out``: the outputs and
    reports, then the manifest and download page, the build state last (a build killed
    half-way through redoes what the state does not list). Same-folder renames keep each
    file's time, which the state recorded. A report or page with the bytes already in
    place is left alone, as the unstaged build leaves it."""
    state_file = stage / cache.STATE
    files = sorted(
        (p for p in stage.rglob("*") if p.is_file()),
        key=lambda p: (p == state_file, p.parent == stage, p.as_posix()),
    )
    for path in files:
        rel = path.relative_to(stage).as_posix()
        target = out / rel
        if rel not in state.outputs and path != state_file:
            with suppress(OSError):
                if target.read_bytes() == path.read_bytes():
                    continue
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)


def _write_reports(
    config: Config, state: cache.State, plans: list[Plan], root: Path
) -> list[Document]:
    """Each source's report and phrase pages (rewritten only when they change, into
    ``root``), and the source as a Document carrying the diagnostics of the outputs asked
    for."""
    docs = []
    for p in plans:
        src = state.sources.get(p.stem)
        if src is None or p.inputs is None or src.get("inputs") != p.inputs:
            continue
        editions = {}
        diagnostics = list(src["diagnostics"])
        asked = list(src["diagnostics"])
        for code in EDITIONS:
            e = src["editions"].get(code)
            if not e or e["inputs"] != edition_inputs(config, p.inputs, code):
                continue
            editions[code] = e
            diagnostics += e["diagnostics"]
            if code in config.editions:
                asked += e["diagnostics"]
            for fmt, review in [(f, False) for f in FORMATS] + [("docx", True)]:
                rec = state.outputs.get(cache.output_rel(p.stem, code, fmt, review))
                if rec and {k: v for k, v in rec["inputs"].items() if k != "options"} == p.inputs:
                    diagnostics += rec["diagnostics"]
                    if code in config.editions and fmt in config.formats:
                        asked += rec["diagnostics"]
        data = reports.data(src["doc"], diagnostics, editions)
        key = cache.digest(json.dumps(data, sort_keys=True).encode())
        folder = config.out / p.stem
        files = [folder / f"{p.stem}.report.json"]
        files += [folder / reports.review_name(p.stem, c) for c in editions]
        if src.get("report") != key or not all(f.is_file() for f in files):
            reports.write(data, root / p.stem)
            src["report"] = key
        doc = Document(source=p.source, stem=p.stem, meta=Metadata(title=src["doc"]["title"]))
        doc.parts = [(p.source.parent / f, a, b) for f, a, b in src["doc"].get("chapters", [])]
        doc.diagnostics = [Diagnostic(**d) for d in asked]
        docs.append(doc)
    return docs


# -- workers ----------------------------------------------------------------------------


def stderr_line(doc: Document, d: Diagnostic) -> str:
    return f"{doc.where(d.line)}: {d.severity}: {d.message} [{d.code}]"
