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
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from publish.build import cache, worker
from publish.build import report as reports
from publish.build.lock import locked
from publish.build.progress import Progress
from publish.config import EDITIONS, FORMATS, Config, stem_of
from publish.document import Diagnostic, Document, Metadata
from publish.errors import BuildError


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


def prepare(source: Path) -> Document:
    """Every stage before the editions, once per source."""
    from publish import manuscript, reading
    from publish.ast import run_filters
    from publish.editions.source import settle
    from publish.references import Citations

    doc = reading.read(source, stem_of(source))
    manuscript.clean_text(doc)
    reading.parse(doc)
    manuscript.clean_ast(doc)
    settle(doc)  # script (the text's, not lang's), region, vocabulary domain
    run_filters([Citations()], doc)
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
        except OSError:
            inputs = None
        src = state.sources.get(stem, {})
        jobs = []
        for code in config.editions:
            for fmt in config.formats:
                rel = f"{stem}/{stem}.{code}.{fmt}"
                path = config.out / rel
                want = output_inputs(config, inputs, code, fmt) if inputs else {}
                reason = _reason(config, state, src, rel, path, inputs, want, code)
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
) -> str:
    """Why the output needs building; "" when it is up to date."""
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
    edition = src.get("editions", {}).get(code, {})
    if src.get("inputs") != inputs or edition.get("inputs") != edition_inputs(config, inputs, code):
        return "build state incomplete"
    return ""


# -- running ----------------------------------------------------------------------------


def build(config: Config, log: Callable[[str], None] | None = None) -> BuildResult:
    """Bring every output ``config`` asks for up to date (see the module's docstring)."""
    env = cache.environment()
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
        state = cache.State(config.out)
        _sweep(config.out, [stem_of(s) for s in config.sources])
        plans = plan(config, state, env)
        todo = [j for p in plans for j in p.jobs]
        progress = Progress(len(todo), config.quiet, log)
        result = BuildResult(planned=todo)
        try:
            with _terminate_as_interrupt():
                _run(config, state, plans, progress, result)
        finally:
            progress.close()
            _forget_missing(config.out, state)
            state.save()
        result.documents = _write_reports(config, state, plans)
        from publish.build import site

        site.write(config.out, state, env["styles"])
        state.save()
        built = set(result.built)
        result.current = [rel for rel in _asked(config) if rel not in built]
        if not config.quiet and not result.built:
            _say(log, f"nothing to build: {len(result.current)} outputs up to date in {config.out}")
        return result


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM (a CI timeout, ``kill``) ends the build as Ctrl-C does: temporary files
    removed, finished outputs recorded. SIGKILL cannot be caught: the next build removes
    what it left (``_sweep``)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _say(log: Callable[[str], None] | None, line: str) -> None:
    (log or (lambda s: print(s, file=sys.stderr, flush=True)))(line)


def _asked(config: Config) -> list[str]:
    return [
        f"{stem}/{stem}.{code}.{fmt}"
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
) -> None:
    todo = result.planned
    if not todo:
        return
    workers = max(1, min(config.jobs, len(todo)))
    pool = worker.start(workers, any(j.fmt == "pdf" for j in todo))
    pending: dict[Future, Job] = {}
    progress.start()

    def finish(block: bool) -> None:
        while pending:
            done, _ = wait(list(pending), timeout=None if block else 0, return_when=FIRST_COMPLETED)
            if not done:
                return
            errors = []
            for fut in done:
                job = pending.pop(fut)
                try:
                    done_job = fut.result()
                except BrokenProcessPool:
                    errors.append(BuildError(f"{job.path}: a worker process died (out of memory?)"))
                    continue
                except BaseException as exc:  # noqa: BLE001 - re-raised below, after recording
                    errors.append(exc)
                    continue
                _record(config, state, job, done_job)
                result.built.append(job.rel)
                progress.finished(str(job.path), done_job["seconds"])
            if errors:
                raise errors[0]

    glossary = None
    # Names this build's documents in the workers' edition caches (an in-process build
    # must never reuse an edition of an earlier build: its Document is another object).
    build_id = f"{os.getpid()}.{time.monotonic_ns()}"
    try:
        for p in plans:
            if not p.jobs:
                continue
            doc = prepare(p.source)
            if glossary is None:
                from publish.editions import load_glossary

                glossary = load_glossary(config.glossary)
            assert p.inputs is not None  # prepare raised otherwise
            _record_source(config, state, p, doc)
            state.save()
            token = (build_id, p.stem)
            # PDFs first: they take longest, and the small jobs fill in around them.
            for job in sorted(p.jobs, key=lambda j: j.fmt != "pdf"):
                fut = pool.submit(
                    worker.job,
                    doc,
                    token,
                    job.code,
                    job.fmt,
                    job.path,
                    glossary,
                    config.quotes,
                    config.writer_options.get(job.fmt, {}),
                )
                pending[fut] = job
                finish(block=False)
        finish(block=True)
    finally:
        # Running jobs end (their files complete); queued ones are dropped. Outputs that
        # did finish are recorded, so the next build does not redo them.
        pool.shutdown(wait=True, cancel_futures=True)
        for fut, job in list(pending.items()):
            if fut.done() and not fut.cancelled() and fut.exception() is None:
                _record(config, state, job, fut.result())
                result.built.append(job.rel)


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


def _record(config: Config, state: cache.State, job: Job, done: dict[str, Any]) -> None:
    stat = cache.stat_of(job.path)
    if stat is None:
        raise BuildError(f"{job.path}: the {job.fmt} writer reported success but wrote nothing")
    state.outputs[job.rel] = {
        "inputs": job.inputs,
        "source": str(job.source),
        "edition": job.code,
        "format": job.fmt,
        "bytes": stat[0],
        "stat": list(stat),
        "sha256": cache.file_digest(job.path),
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
        "diagnostics": done["edition_diagnostics"],
    }
    state.save()


def _forget_missing(out: Path, state: cache.State) -> None:
    """Outputs deleted since they were built leave the state (and so the manifest); ones
    changed by hand are listed as they are now, and rebuilt when next asked for."""
    for rel, rec in list(state.outputs.items()):
        path = out / rel
        stat = cache.stat_of(path)
        if stat is None:
            del state.outputs[rel]
        elif list(stat) != rec["stat"] and rec.get("edited") != list(stat):
            rec.update(bytes=stat[0], sha256=cache.file_digest(path), edited=list(stat))


def _sweep(out: Path, stems: list[str]) -> None:
    """Temporary files a killed build left (``.name.XXXX.tmp``, see writers/common.py
    ``atomic``): under the lock no other build is writing them."""
    for folder in [out, *(out / s for s in stems)]:
        if folder.is_dir():
            for tmp in folder.glob(".*.tmp"):
                tmp.unlink(missing_ok=True)


def _write_reports(config: Config, state: cache.State, plans: list[Plan]) -> list[Document]:
    """Each source's report and phrase pages (rewritten only when they change), and the
    source as a Document carrying the diagnostics of the outputs asked for."""
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
            for fmt in FORMATS:
                rec = state.outputs.get(f"{p.stem}/{p.stem}.{code}.{fmt}")
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
            reports.write(data, folder)
            src["report"] = key
        doc = Document(source=p.source, stem=p.stem, meta=Metadata(title=src["doc"]["title"]))
        doc.diagnostics = [Diagnostic(**d) for d in asked]
        docs.append(doc)
    return docs


# -- workers ----------------------------------------------------------------------------


def stderr_line(doc: Document, d: Diagnostic) -> str:
    where = f"{doc.source}:{d.line}" if d.line else str(doc.source)
    return f"{where}: {d.severity}: {d.message} [{d.code}]"
