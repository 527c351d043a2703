"""The build's workers (publish/build/worker.py): each edition made once per build, in the
build's process, and sent with the jobs; workers that never load OpenCC or jieba; font
pages let go between jobs; the collector's thresholds raised only while a PDF is laid
out."""

from __future__ import annotations

import gc
import os
from pathlib import Path

import pytest

from publish.build import prepare, worker
from publish.editions import load_glossary

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CODES = ["zh-Hans", "zh-Hant-TW", "zh-Hant-HK"]


@pytest.fixture(scope="module")
def doc():
    return prepare(FIXTURES / "editions.md")


@pytest.fixture
def made(monkeypatch):
    """The codes of every edition made, in this process."""
    import publish.editions

    calls: list[str] = []
    real = publish.editions.make_edition

    def counting(doc, code, *args, **kwargs):
        calls.append(code)
        return real(doc, code, *args, **kwargs)

    monkeypatch.setattr(publish.editions, "make_edition", counting)
    return calls


def test_each_edition_is_made_once_and_shared_by_its_formats(doc, made, tmp_path):
    pool = worker.start(1, pdf=False)
    glossary = load_glossary(None)
    token = ("test-once", doc.stem)
    for code in CODES:
        for fmt in ("html", "epub"):
            edition = worker.edition(doc, token, code, glossary, True)
            done = pool.submit(worker.job, edition, fmt, tmp_path / f"x.{code}.{fmt}", {})
            assert done.result()["label"]
    assert made == CODES  # no edition made again for a job
    assert (tmp_path / "x.zh-Hant-HK.epub").stat().st_size > 1000


FORK_FIRST = """
import sys
from pathlib import Path
from publish.build import prepare, worker
from publish.editions import load_glossary

def loaded():  # jieba, and the converter with its OpenCC configurations (s2t alone: 27 MB)
    heavy = ("rjieba", "publish.editions.script", "publish.editions.convert")
    return sorted(m for m in sys.modules if m in heavy)

pool = worker.Pool(2, pdf=False)  # as the build does: before its first source is read
doc = prepare(Path(sys.argv[1]))
futures = []
for code in ("zh-Hans", "zh-Hant-TW", "zh-Hant-HK"):
    made = worker.edition(doc, ("t", doc.stem), code, load_glossary(None), True)
    futures.append(pool.submit(worker.job, made, "html", Path(sys.argv[2]) / (code + ".html"), {}))
futures += [pool.submit(loaded) for _ in range(2)]
while any(not f.done() for f in futures):
    pool.wait(0.1)
pool.shutdown()
print(all(f.result()["label"] for f in futures[:3]), bool(loaded()), futures[3].result(),
      futures[4].result())
"""


def test_workers_write_from_editions_made_here_and_never_load_the_converter(tmp_path):
    """The workers fork before the build reads a source, and write each output from the
    edition the build made and sent: the converter's OpenCC dictionaries and jieba's
    (about 80 MB) stay in the build's process."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", FORK_FIRST, str(FIXTURES / "editions.md"), str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split() == ["True", "True", "[]", "[]"], done.stderr


def rss_file_mb() -> int:
    status = Path("/proc/self/status").read_text().splitlines()
    return next(int(x.split()[1]) // 1024 for x in status if x.startswith("RssFile"))


def test_font_pages_are_let_go_between_jobs(tmp_path):
    """A worker that wrote a PDF holds its fonts' pages; after the job, they are let go
    (read again from the page cache when the next job needs them)."""
    from publish.build import prepare as prep

    doc = prep(Path(__file__).resolve().parent.parent / "seeds" / "nn-llm-2024.md")
    pool = worker.Pool(1, pdf=True)
    try:
        glossary = load_glossary(None)
        edition = worker.edition(doc, ("test-fonts", doc.stem), "zh-Hant-TW", glossary, True)
        first = pool.submit(worker.job, edition, "pdf", tmp_path / "a.pdf", {})
        after = pool.submit(rss_file_mb)
        while not after.done():
            pool.wait(0.1)
        assert first.result()["info"]["pages"] > 3
        # the four Noto CJK collections' pages alone were over 30 MB
        assert after.result() < 45
    finally:
        pool.shutdown()


def test_collector_thresholds_are_raised_only_for_layout():
    was = gc.get_threshold()
    with worker._collector(layout=True):
        assert gc.get_threshold() == worker.LAYOUT_GC
    assert gc.get_threshold() == was
    with worker._collector(layout=False):
        assert gc.get_threshold() == was


def _where() -> tuple[int, bool]:
    import sys

    return os.getppid(), "weasyprint" in sys.modules and "pymupdf" in sys.modules


def test_workers_are_forked_from_one_process_that_imported_weasyprint():
    """WeasyPrint and PyMuPDF are imported once, in the process the workers fork from
    (each worker imported them on its own before: 0.43 CPU-s a worker)."""
    pool = worker.Pool(2, pdf=True)
    try:
        # Two jobs at once, so that each worker runs one; the first job anywhere.
        jobs = [pool.submit(_where) for _ in range(2)]
        while not all(f.done() for f in jobs):
            pool.wait(0.1)
        (one, loaded), (other, loaded_too) = (f.result() for f in jobs)
        assert one == other == pool.origin.pid != os.getpid()
        assert loaded and loaded_too
    finally:
        pool.shutdown()
    assert pool.origin.exitcode == 0  # it waited for its workers, then ended


def test_a_pdfs_thumbnail_and_read_back_share_one_opening(doc, tmp_path, monkeypatch):
    """Opening a PDF in PyMuPDF reads its outline too (17 ms for a ten-fold report): the
    job opens it once for the download page's thumbnail and the read-back check."""
    import pymupdf

    opened = []
    real = pymupdf.open
    monkeypatch.setattr(pymupdf, "open", lambda *a, **k: opened.append(a) or real(*a, **k))
    made = worker.edition(doc, ("test-open", doc.stem), "zh-Hans", load_glossary(None), True)
    done = worker.job(made, "pdf", tmp_path / "x.zh-Hans.pdf", {})
    assert done["info"]["pages"] >= 2 and len(opened) == 1
    assert (tmp_path / "x.zh-Hans.cover.png").stat().st_size > 1000
    assert not [d for d in done["diagnostics"] if d["code"] == "content-lost"]
