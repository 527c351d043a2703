"""Worker processes: each writes the outputs it is given, from editions the build makes once
in its own process (the orchestrator is build.py).

The pool forks one process as it starts, before the build reads its first source: it
imports WeasyPrint and PyMuPDF and sets the fonts up (in parallel with the build's parsing,
on the other core), then forks the workers from itself, so that the import is paid once
and its pages are shared, where each worker imported it on its own (0.43 CPU-s a worker,
with three processes on two cores while the build parsed). It then only waits for them.
No worker loads what only the build needs: OpenCC's dictionaries and jieba's (about 80 MB)
stay in the build's process, and each job brings its edition with it (pickled, about
0.1 MB for the seed). A worker's memory is what writing takes.

The pool is publish's own rather than ``ProcessPoolExecutor``, for stopping: a job goes to
a worker only when that worker is idle, so nothing is queued inside a worker that a Ctrl-C
would still let run (the executor sent one job ahead to each, and a killed worker could
leave its feeder thread blocked on a full pipe for good). The forked process leads its own
process group, which its workers and their pandoc runs share, so the terminal's Ctrl-C
reaches only the build, which decides, and killing the group ends them all. A worker's end
is seen as the end of its pipe, which no other process holds. They die with the build: the
kernel signals each process when its parent dies (``PR_SET_PDEATHSIG``), and a watchdog
thread checks the parent too (other systems, or a worker stuck in C code).
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import gc
import os
import signal
import sys
import threading
import time
import traceback
from collections import OrderedDict, deque
from collections.abc import Callable, Collection, Iterator
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from publish.document import Document, channel
from publish.errors import BuildError

if TYPE_CHECKING:
    from concurrent.futures import Future


class Made(NamedTuple):
    """An edition, made in the build's process, as a job receives it."""

    edition: Any
    said: list[dict[str, Any]]  # diagnostics while it was made, as JSON
    # The source as this edition prints it (fidelity.source: converted as the edition
    # was), which the check of each output reads: made here, so that no worker loads OpenCC.
    source: Any


# Per worker process: WeasyPrint's font configuration. In the build's process: the
# editions made so far.
_FONTS: Any = None
_FONTS_LOCK = threading.Lock()
_EDITIONS: OrderedDict[tuple[Any, ...], Made] = OrderedDict()
_KEEP = 6  # editions kept (two sources' worth)
_PR_SET_PDEATHSIG = 1  # linux/prctl.h


class WorkerDied(Exception):
    """A worker process ended while it had a job (killed, or out of memory)."""


class RemoteTraceback(Exception):
    """The worker's traceback, as the cause of the error it sent back (shown by --debug)."""

    def __str__(self) -> str:
        return str(self.args[0])


def start(workers: int, pdf: bool, formats: Collection[str] | None = None) -> Pool | Inline:
    """A pool of ``workers`` processes (or this process alone, for one), for jobs of
    ``formats`` (default: all)."""
    if workers <= 1:
        if pdf:
            # WeasyPrint's import and font set-up (0.5 s) run while the source parses,
            # which is mostly waiting for pandoc.
            threading.Thread(target=_warm_up, args=(True, True, formats), daemon=True).start()
        return Inline()
    return Pool(workers, pdf, formats)


def _future() -> Future:
    # Imported here: concurrent.futures brings logging, and a build with nothing to do
    # never hands out a job.
    from concurrent.futures import Future

    return Future()


class _Worker:
    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.job: Future | None = None
        self.alive = True  # until its pipe ends


class Pool:
    """Worker processes, forked as the pool is made (see the module's doc). Runs in the
    parent's main thread: jobs are handed out and results read in :meth:`wait`."""

    inline = False

    def __init__(self, workers: int, pdf: bool, formats: Collection[str] | None = None) -> None:
        self.size, self.pdf, self.formats = workers, pdf, formats
        self.workers: list[_Worker] = []
        self.queue: deque[tuple[Future, Callable[..., Any], tuple[Any, ...]]] = deque()
        self._fork()

    def _fork(self) -> None:
        import multiprocessing

        # What the parent holds leaves the collector's generations: a worker's collections
        # neither walk it nor write to its pages, which stay shared with the parent.
        gc.freeze()
        method = "fork" if sys.platform == "linux" else None
        context = multiprocessing.get_context(method)
        pipes = [context.Pipe() for _ in range(self.size)]
        mine, theirs = [p[0] for p in pipes], [p[1] for p in pipes]
        self.origin = context.Process(
            target=_origin,
            args=(theirs, mine, os.getpid(), self.pdf, self.formats),
            daemon=True,
        )
        self.origin.start()
        gc.unfreeze()  # the parent's own collections go on as before
        with suppress(OSError):  # as the child does itself: whichever comes first
            os.setpgid(self.origin.pid, self.origin.pid)
        for end in theirs:
            end.close()  # so a dead worker reads as EOF here, never as a hang
        self.workers = [_Worker(end) for end in mine]

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        fut = _future()
        self.queue.append((fut, fn, args))
        self._dispatch()
        return fut

    def _dispatch(self) -> None:
        for w in self.workers:
            if self.queue and w.job is None and w.alive:
                fut, fn, args = self.queue.popleft()
                try:
                    w.conn.send((fn, args))
                except OSError:  # the worker is gone: the job goes to another
                    w.alive = False
                    self.queue.appendleft((fut, fn, args))
                    continue
                except Exception as exc:  # noqa: BLE001 - the job's error, as the executor did
                    # The job does not pickle (nested too deep…): nothing was sent, since
                    # it is pickled whole before the first byte goes.
                    if fut.set_running_or_notify_cancel():
                        fut.set_exception(exc)
                    continue
                fut.set_running_or_notify_cancel()
                w.job = fut
        if self.queue and not any(w.alive for w in self.workers):
            while self.queue:  # no worker left to run them
                self.queue.popleft()[0].set_exception(WorkerDied("no worker process left"))

    def running(self) -> int:
        return sum(w.job is not None for w in self.workers)

    def wait(self, timeout: float | None) -> None:
        """Read what the busy workers sent back (waiting up to ``timeout`` s for one), and
        hand queued jobs to the idle ones."""
        from multiprocessing.connection import wait

        busy = {w.conn: w for w in self.workers if w.job is not None}
        for ready in wait(list(busy), timeout) if busy else []:
            self._receive(busy[ready])
        self._dispatch()

    def _receive(self, w: _Worker) -> None:
        assert w.job is not None
        try:
            ok, value, tb = w.conn.recv()
        except (EOFError, OSError):
            self._died(w)
            return
        fut, w.job = w.job, None
        if ok:
            fut.set_result(value)
        else:
            value.__cause__ = RemoteTraceback(tb)
            fut.set_exception(value)

    def _died(self, w: _Worker) -> None:
        w.alive = False
        if w.job is not None:
            w.job.set_exception(WorkerDied("a worker process ended"))
            w.job = None

    def stop(self) -> None:
        """Drop the jobs no worker has started."""
        while self.queue:
            self.queue.popleft()[0].cancel()

    def kill(self) -> None:
        """End every worker and its pandoc runs at once (safe in a signal handler)."""
        pid = self.origin.pid
        if pid is None:
            return
        for end in (os.killpg, os.kill):
            # OSError: not yet its own group leader, or gone already
            with suppress(OSError):
                end(pid, signal.SIGKILL)

    def shutdown(self) -> None:
        """Idle workers are told to exit; all are waited for (killed if one is busy)."""
        self.stop()
        for w in self.workers:
            if w.job is None and w.alive:
                with suppress(OSError):
                    w.conn.send(None)
        if self.running():
            self.kill()
        self.origin.join()  # which waits for its workers: their CPU time is counted
        for w in self.workers:
            # A result sent just before the worker was killed is still in the pipe: its
            # file is complete and in place, so it is recorded rather than lost.
            if w.job is not None and w.conn.poll():
                self._receive(w)
            self._died(w)
            w.conn.close()
        self.workers = []


def _origin(
    theirs: list[Any], mine: list[Any], parent: int, pdf: bool, formats: Collection[str] | None
) -> None:
    """The pool's first process: imports what the jobs need once, forks the workers from
    itself, and waits for them (so the build's accounting counts their time)."""
    for end in mine:
        end.close()  # the build's ends: each worker then holds its own pipe alone
    os.setpgid(0, 0)  # first: _stop kills this process's group
    _guard(parent)
    _warm_up(pdf, True, formats)
    if pdf:  # each PDF is read back, and its thumbnail drawn, with PyMuPDF (0.07 s import)
        with suppress(ImportError):
            import pymupdf  # noqa: F401
    gc.freeze()  # what the import made stays out of the workers' collections
    me = os.getpid()
    for i, conn in enumerate(theirs):
        if os.fork() == 0:
            try:
                for other in theirs[:i] + theirs[i + 1 :]:
                    other.close()
                _guard(me)  # the origin's pid, not getppid(): it may be gone already
                _serve(conn, me)
            finally:
                os._exit(0)  # never the origin's exit handlers
    for end in theirs:
        end.close()
    threading.Thread(target=_watch, args=(parent,), daemon=True).start()
    with suppress(ChildProcessError):
        while True:
            os.wait()


def _serve(conn: Any, parent: int) -> None:
    """A worker's life: jobs from ``conn`` until told to stop or ``parent`` is gone."""
    threading.Thread(target=_watch, args=(parent,), daemon=True).start()
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        fn, args = msg
        try:
            reply = (True, fn(*args), "")
        except BaseException as exc:  # noqa: BLE001 - sent to the parent, which raises it
            reply = (False, exc, "".join(traceback.format_exception(exc)))
        try:
            conn.send(reply)
        except OSError:
            return  # the parent is gone
        except Exception as exc:  # noqa: BLE001 - a value that does not pickle
            what = f"{type(reply[1]).__name__}: {reply[1]}" if not reply[0] else "its result"
            conn.send((False, BuildError(f"a job could not send back {what} ({exc})"), reply[2]))
        _drop_font_pages()  # after the reply: the build hands out the next job meanwhile


FONT_FILES = (".ttc", ".otf", ".ttf")
_MADV_DONTNEED = 4  # linux/mman.h


def _drop_font_pages() -> None:
    """The pages of font files a job read are let go before the next job: each edition
    reads other glyphs of the same Noto CJK collections (its region's forms), and a
    worker that wrote two PDFs held the pages of both, 35 MB more than one. The files are
    mapped read-only, so a page let go is read again from the page cache if needed."""
    if sys.platform != "linux":
        return
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            spans = [
                line.split()[0]
                for line in maps
                if line.rstrip().endswith(FONT_FILES) and line.split()[1].startswith("r-")
            ]
        libc = _libc()
        libc.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
        for span in spans:
            start, end = (int(x, 16) for x in span.split("-"))
            libc.madvise(start, end - start, _MADV_DONTNEED)
    except (OSError, ValueError, AttributeError):
        return  # memory stays as it was: nothing is wrong with the output


@functools.cache
def _libc() -> Any:
    """The C library this process runs on (Linux: prctl, madvise)."""
    return ctypes.CDLL(None, use_errno=True)


def _guard(parent: int) -> None:
    """This process ends when ``parent`` does (signalled by the kernel where it can be,
    else by the watchdog). Ctrl-C is the build's to handle: it lets running jobs finish for
    a moment and records them; the pool's own group keeps the terminal's Ctrl-C out."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop)
    if sys.platform == "linux":
        with suppress(OSError, AttributeError):  # else the watchdog still notices
            _libc().prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the signal was set up
        _stop(signal.SIGTERM, None)


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.25)
    _stop(signal.SIGTERM, None)


def _stop(signum: int, frame: Any) -> None:
    """The pool's processes and their pandoc runs end now (they share one group); the build
    that owns the folder removes the temporary files they leave (``build._sweep``)."""
    os.killpg(os.getpgid(0), signal.SIGKILL)


def _warm_up(pdf: bool, fonts: bool, formats: Collection[str] | None = None) -> None:
    """The writers of ``formats`` (default: all) imported (WeasyPrint too for PDFs, and its
    fonts set up if ``fonts``) before the first job needs them. A failure here is left to
    that job, which reports it as one line (a thread or a pool initializer would print a
    traceback)."""
    try:
        from publish.config import FORMATS
        from publish.writers import WRITERS

        for fmt in FORMATS if formats is None else formats:
            if fmt in FORMATS:
                WRITERS[fmt]  # noqa: B018 - imported on first use

        if pdf and fonts:
            _font_config()
        elif pdf:
            _import_weasyprint()
    except Exception:  # noqa: BLE001 - reported by the job that needs it
        return


def _import_weasyprint() -> Any:
    try:
        from publish.writers import weasy

        weasyprint = weasy.load()  # its C declarations from publish's cache, when there
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


def edition(doc: Document, token: tuple[Any, ...], code: str, glossary: Any, quotes: bool) -> Made:
    """The edition ``code`` of ``doc``, made once per build in the build's process and sent
    to the jobs of its formats (each worker made its own before: five for the seed's three,
    each worker loading OpenCC as well)."""
    from publish import fidelity
    from publish.editions import make_edition

    k = (*token, code, quotes)
    if k in _EDITIONS:
        _EDITIONS.move_to_end(k)
        return _EDITIONS[k]
    with channel() as heard:
        made = make_edition(doc, code, glossary, quotes=quotes)
    _EDITIONS[k] = Made(made, [d.as_json() for d in heard], fidelity.source(doc, code, glossary))
    while len(_EDITIONS) > _KEEP:
        _EDITIONS.popitem(last=False)
    return _EDITIONS[k]


def job(made: Made, fmt: str, path: Path, options: dict[str, Any]) -> dict[str, Any]:
    """One output of the edition in ``made`` (runs in a worker process), checked once
    written (publish/fidelity.py)."""
    from publish import fidelity
    from publish.build import site
    from publish.writers import WRITERS

    edition, edition_diagnostics = made.edition, made.said
    code = edition.code
    kwargs = dict(options)
    problems: dict[str, str] = {}
    if fmt == "pdf":
        from publish.writers import weasy

        kwargs["font_config"] = _font_config()
        problems = weasy.apply()
    with channel() as heard:  # this output's own diagnostics
        for name, why in problems.items():  # the PDF is correct, but ragged or memory-hungry
            edition.doc.warn(
                "weasyprint-patch", f"{code} pdf: WeasyPrint left stock ({name}): {why}"
            )
        start = time.perf_counter()
        with _collector(fmt == "pdf"):
            info = WRITERS[fmt](edition, path, **kwargs) or {}
        seconds = time.perf_counter() - start
    opened = site.open_pdf(path) if fmt == "pdf" else None
    try:
        if fmt == "pdf":  # the download page's thumbnail, here in parallel (about 30 ms)
            site.draw_cover(path, fmt, opened)
        # Read the output back: text of the source missing from it, or markup shown as text.
        found = fidelity.check_output(edition.doc, path, code, src=made.source, pdf=opened)
    finally:
        if opened is not None:
            opened.close()
    return {
        "info": info,
        "seconds": seconds,
        "diagnostics": [d.as_json() for d in [*heard, *found]],
        "edition_diagnostics": edition_diagnostics,
        "title": edition.title,
        "label": edition.labels["edition"],
        "phrases": edition.phrases,
        "card": site.card(edition),  # author, date, abstract for the download page
    }


# The collector's thresholds while WeasyPrint lays out and draws a PDF. It makes millions
# of small objects that live until the page is written, so with Python's (700, 10, 10) the
# collector ran about 800 times on the ten-fold report, walking the growing box tree
# again and again: 18 % of the PDF's CPU (5.06 → 4.24 s with (10000, 10, 10), one run
# each in a warm process on a machine at load 7-9; (50000, 20, 20) gave 4.10 s but 17 %
# more peak memory, this 10 %).
LAYOUT_GC = (10_000, 10, 10)


@contextlib.contextmanager
def _collector(layout: bool) -> Iterator[None]:
    """While a PDF is laid out: the thresholds above, and what the process held before
    (modules, the document and its editions) frozen, so that the layout's full
    collections never walk it: in the build's own process, the ten-fold report's body
    was laid out in 1.70 s instead of the 1.49 s it takes in a process holding WeasyPrint
    alone. A pool worker's imports stay frozen as its origin froze them."""
    if not layout:
        yield
        return
    was, frozen = gc.get_threshold(), gc.get_freeze_count()
    gc.freeze()
    gc.set_threshold(*LAYOUT_GC)
    try:
        yield
    finally:
        gc.set_threshold(*was)
        if not frozen:
            gc.unfreeze()


class Inline:
    """A stand-in for a pool with one worker: each job runs in this process as it is
    submitted (no fork cost), so a Ctrl-C interrupts it where it is."""

    inline = True

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        fut = _future()
        fut.set_running_or_notify_cancel()
        try:
            fut.set_result(fn(*args))
        except Exception as exc:
            fut.set_exception(exc)
        return fut

    def running(self) -> int:
        return 0

    def wait(self, timeout: float | None) -> None:
        return None

    def stop(self) -> None:
        return None

    def kill(self) -> None:
        return None

    def shutdown(self) -> None:
        return None
