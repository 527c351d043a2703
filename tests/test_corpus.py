"""Real documents from ../shared/corpus: every one builds into every edition and format, with
the same reference list in every format, and its faults reported."""

from __future__ import annotations

import json
from urllib.parse import unquote

import pytest

from tests import readback
from tests.conftest import CORPUS, EDITIONS, run_cli

REPORTS = sorted((CORPUS / "real-reports").glob("[0-9]*.md")) if CORPUS.exists() else []
SOURCES = [*REPORTS, CORPUS / "pandoc" / "testsuite.md"]
HEADING = {"zh-Hans": "参考文献", "zh-Hant-TW": "參考文獻", "zh-Hant-HK": "參考文獻"}

pytestmark = pytest.mark.skipif(not REPORTS, reason="../shared/corpus not present")


@pytest.fixture(scope="module")
def corpus_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus")
    proc = run_cli("build", *map(str, SOURCES), "--out", str(out), "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    return out


def report(out, stem):
    return json.loads((out / stem / f"{stem}.report.json").read_text())


@pytest.mark.parametrize("src", SOURCES, ids=lambda p: p.stem[:12])
def test_every_output_built(corpus_out, src):
    stem = src.stem
    for ed in EDITIONS:
        for fmt in ("pdf", "epub", "docx", "html"):
            path = corpus_out / stem / f"{stem}.{ed}.{fmt}"
            assert path.stat().st_size > 1000, path


@pytest.mark.parametrize("src", REPORTS, ids=lambda p: p.stem[:12])
def test_same_references_in_every_format(corpus_out, src):
    stem = src.stem
    n = len(report(corpus_out, stem)["references"])
    for ed in EDITIONS:
        base = corpus_out / stem / f"{stem}.{ed}"
        lists = {
            "html": readback.refs_html(base.parent / f"{base.name}.html"),
            "epub": readback.refs_epub(base.parent / f"{base.name}.epub"),
            "docx": readback.refs_docx(base.parent / f"{base.name}.docx"),
            "pdf": readback.refs_pdf(base.parent / f"{base.name}.pdf", HEADING[ed]) if n else [],
        }
        urls = {k: [unquote(u) for u in readback.ref_urls(v)] for k, v in lists.items()}
        assert len(urls["html"]) == n
        for fmt in ("epub", "docx", "pdf"):
            assert urls[fmt] == urls["html"], (ed, fmt)


def test_faults_are_reported(corpus_out):
    def codes(stem):
        return {d["code"] for d in report(corpus_out, stem)["diagnostics"]}

    assert "preamble-removed" in codes("03-joyagent-fracdiff-patent-report-truncated")
    assert "source-truncated" in codes("03-joyagent-fracdiff-patent-report-truncated")
    assert "reference-url-truncated" in codes("03-joyagent-fracdiff-patent-report-truncated")
    assert "reference-url-repaired" in codes("04-joyagent-fracdiff-search-result-truncated")
    assert "preamble-removed" in codes("07-perm-rubrics-single-source-cites")
    r07 = report(corpus_out, "07-perm-rubrics-single-source-cites")
    assert len(r07["references"]) == 1  # one source cited 24 times
    # complete documents are not called truncated
    for stem in (
        "06-flowercloud-research-escaped-bold",
        "08-zhtw-ai-pacing-blog",
        "12-drools-footnotes-wikilink",
    ):
        assert "source-truncated" not in codes(stem), stem


def test_tracking_parameters_do_not_split_a_source(corpus_out):
    refs = report(corpus_out, "10-zhtw-amd-ryzen-ai-readme")["references"]
    hosts = [r["url"] for r in refs if "gemma-3" in r["url"]]
    assert len(hosts) == 1


def test_wikilinks_and_footnotes_survive(corpus_out):
    stem = "12-drools-footnotes-wikilink"
    html = (corpus_out / stem / f"{stem}.zh-Hans.html").read_text()
    assert "[[规则引擎]]" in html
    assert 'role="doc-noteref"' in html and 'role="doc-endnotes"' in html
