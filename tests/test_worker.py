"""The build's workers (publish/build/worker.py): each edition made once per build, in the
parent before the workers fork, and the collector's thresholds raised only while a PDF is
laid out."""

from __future__ import annotations

import gc
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
    worker.prime(pool, doc, token, CODES, glossary, True)
    assert made == CODES
    for code in CODES:
        for fmt in ("html", "epub"):
            done = pool.submit(
                worker.job, doc, token, code, fmt, tmp_path / f"x.{code}.{fmt}", glossary, True, {}
            ).result()
            assert done["label"]
    assert made == CODES  # no edition made again for a job
    assert (tmp_path / "x.zh-Hant-HK.epub").stat().st_size > 1000


def editions_held() -> list[tuple]:
    return list(worker._EDITIONS)


def test_forked_workers_start_with_the_editions(doc, made):
    pool = worker.Pool(2, pdf=False)
    try:
        pool.ready()
        token = ("test-fork", doc.stem)
        worker.prime(pool, doc, token, CODES, load_glossary(None), True)
        futures = [pool.submit(editions_held) for _ in range(2)]
        while any(not f.done() for f in futures):
            pool.wait(0.1)
        for fut in futures:
            assert {k[2] for k in fut.result() if k[:2] == token} == set(CODES)
        # once forked, a later source's editions are the workers' to make
        worker.prime(pool, doc, ("test-later", doc.stem), CODES, load_glossary(None), True)
        assert made == CODES
        assert gc.get_freeze_count() == 0  # the parent's collector is as it was
    finally:
        pool.shutdown()


def test_collector_thresholds_are_raised_only_for_layout():
    was = gc.get_threshold()
    with worker._collector(layout=True):
        assert gc.get_threshold() == worker.LAYOUT_GC
    assert gc.get_threshold() == was
    with worker._collector(layout=False):
        assert gc.get_threshold() == was
