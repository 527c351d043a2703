"""Worker processes: each makes an edition once, keeps it for the other formats it writes,
and sets WeasyPrint's font configuration up once (the orchestrator is build.py)."""

from __future__ import annotations

import signal
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

from publish.document import Document
from publish.errors import BuildError

# Per worker process: WeasyPrint's font configuration, and the editions made so far.
_FONTS: Any = None
_FONTS_LOCK = threading.Lock()
_EDITIONS: OrderedDict[tuple[Any, ...], tuple[Any, list[dict[str, Any]]]] = OrderedDict()
_KEEP = 6  # editions kept per worker (two sources' worth)


def start(workers: int, pdf: bool) -> Any:
    """A pool of ``workers`` processes (or this process alone, for one)."""
    if workers <= 1:
        if pdf:
            # WeasyPrint's import and font set-up (0.5 s) run while the source parses,
            # which is mostly waiting for pandoc.
            threading.Thread(target=_warm_up, args=(True, True), daemon=True).start()
        return _Inline()
    return _Pool(workers, pdf)


class _Pool:
    """Worker processes forked when the first job comes, from a parent that has imported
    every writer (WeasyPrint included, 0.5 s of CPU) in a thread while the first source
    parsed: each worker starts with it, where importing it in each worker cost that CPU
    once per worker."""

    def __init__(self, workers: int, pdf: bool) -> None:
        self.workers, self.pdf = workers, pdf
        self.pool: ProcessPoolExecutor | None = None
        self.warm = threading.Thread(target=_warm_up, args=(pdf, False), daemon=True)
        self.warm.start()

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        if self.pool is None:
            import multiprocessing

            self.warm.join()  # no thread may run while the parent forks
            # fork: workers start with publish and its writers imported.
            context = multiprocessing.get_context("fork") if sys.platform == "linux" else None
            self.pool = ProcessPoolExecutor(
                self.workers, context, initializer=_init_worker, initargs=(self.pdf,)
            )
        return self.pool.submit(fn, *args)

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        self.warm.join()
        if self.pool is not None:
            self.pool.shutdown(wait=wait, cancel_futures=cancel_futures)


def _warm_up(pdf: bool, fonts: bool) -> None:
    """The writers imported (WeasyPrint too for PDFs, and its fonts set up if ``fonts``)
    before the first job needs them. A failure here is left to that job, which reports it
    as one line (a thread or a pool initializer would print a traceback)."""
    try:
        import publish.writers  # noqa: F401

        if pdf and fonts:
            _font_config()
        elif pdf:
            _import_weasyprint()
    except Exception:  # noqa: BLE001 - reported by the job that needs it
        return


def _init_worker(pdf: bool) -> None:
    # Ctrl-C is the parent's to handle: it lets running jobs finish their (complete) files
    # and records them; a worker dying mid-job would only print a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # SIGTERM ends the job at once, through ``atomic``'s clean-up: no temporary file left.
    signal.signal(signal.SIGTERM, _stop)
    _warm_up(pdf, fonts=True)


def _stop(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)


def _import_weasyprint() -> Any:
    try:
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration
    except (ImportError, OSError) as exc:  # OSError: a system library (Pango) is missing
        raise BuildError(
            f"WeasyPrint cannot start ({exc}); run `make` to install its system libraries "
            "(Pango), or build without pdf (--formats epub,docx,html)"
        ) from None
    return weasyprint, FontConfiguration


def _font_config() -> Any:
    global _FONTS
    with _FONTS_LOCK:
        if _FONTS is None:
            _, font_configuration = _import_weasyprint()
            _FONTS = font_configuration()
    return _FONTS


def _edition(
    doc: Document, token: tuple[Any, ...], code: str, glossary: Any, quotes: bool
) -> tuple[Any, list[dict[str, Any]]]:
    """The edition ``code`` of ``doc``: made once per worker, shared by its formats."""
    from publish.editions import make_edition

    k = (*token, code, quotes)
    if k in _EDITIONS:
        _EDITIONS.move_to_end(k)
        return _EDITIONS[k]
    before = len(doc.diagnostics)
    edition = make_edition(doc, code, glossary, quotes=quotes)
    made = (edition, [d.as_json() for d in doc.diagnostics[before:]])
    _EDITIONS[k] = made
    while len(_EDITIONS) > _KEEP:
        _EDITIONS.popitem(last=False)
    return made


def job(
    doc: Document,
    token: tuple[Any, ...],
    code: str,
    fmt: str,
    path: Path,
    glossary: Any,
    quotes: bool,
    options: dict[str, Any],
) -> dict[str, Any]:
    """One output (runs in a worker process)."""
    from publish.writers import WRITERS

    edition, edition_diagnostics = _edition(doc, token, code, glossary, quotes)
    kwargs = dict(options)
    if fmt == "pdf":
        kwargs["font_config"] = _font_config()
    before = len(edition.doc.diagnostics)
    start = time.perf_counter()
    info = WRITERS[fmt](edition, path, **kwargs) or {}
    return {
        "info": info,
        "seconds": time.perf_counter() - start,
        "diagnostics": [d.as_json() for d in edition.doc.diagnostics[before:]],
        "edition_diagnostics": edition_diagnostics,
        "title": edition.title,
        "label": edition.labels["edition"],
        "phrases": edition.phrases,
    }


class _Inline:
    """A stand-in for a pool with one worker: run in this process (no fork cost)."""

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        fut: Future = Future()
        try:
            fut.set_result(fn(*args))
        except Exception as exc:
            fut.set_exception(exc)
        return fut

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        return None
