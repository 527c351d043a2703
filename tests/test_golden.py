"""Golden files for the writers, compared on normalised content: the HTML body, the EPUB's
chapters and nav (XHTML), the DOCX's document.xml (indented), the PDF's text per page.

Regenerate after an intended change with ``make golden`` (sets PUBLISH_REGENERATE=1) and
review the diff like code.
"""

from __future__ import annotations

import os
import re

import pytest
from lxml import etree

from tests import readback
from tests.conftest import ROOT, run_cli

GOLDEN = ROOT / "tests" / "golden"
SOURCE = ROOT / "tests" / "fixtures" / "golden.md"
REGENERATE = os.environ.get("PUBLISH_REGENERATE") == "1"
EDITIONS = ("zh-Hans", "zh-Hant-TW")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("golden")
    editions = ",".join(EDITIONS)
    proc = run_cli(
        "build",
        str(SOURCE),
        "--out",
        str(out),
        "--editions",
        editions,
        "--quiet",
        env={"SOURCE_DATE_EPOCH": "1733011200"},  # the build's, not this process's
    )
    assert proc.returncode == 0, proc.stderr
    return out / "golden"


def _pretty(data: bytes) -> str:
    parser = etree.XMLParser(remove_blank_text=True)
    return etree.tostring(etree.fromstring(data, parser), pretty_print=True, encoding="unicode")


def normalised(path) -> str:
    if path.suffix == ".html":
        text = path.read_text("utf-8")
        return text[text.index("<main>") : text.index("</main>") + 7] + "\n"
    if path.suffix == ".epub":
        files = readback.epub_files(path)
        parts = [
            f"== {name}\n{_pretty(data)}"
            for name, data in sorted(files.items())
            if name.endswith(".xhtml") and "cover" not in name
        ]
        return "".join(parts)
    if path.suffix == ".docx":
        return _pretty(etree.tostring(readback.docx_xml(path)))
    text = readback.pdf_text(path)
    text = re.sub(r"\.{4,}", "……", text)  # TOC leaders: their length is the font's business
    return re.sub(r"[ \t]+\n", "\n", text)


@pytest.mark.parametrize("ed", EDITIONS)
@pytest.mark.parametrize("fmt", ["html", "epub", "docx", "pdf"])
def test_golden(built, ed, fmt):
    got = normalised(built / f"golden.{ed}.{fmt}")
    golden = GOLDEN / f"golden.{ed}.{fmt}.txt"
    if REGENERATE:  # written, not compared: a skip, never a pass
        golden.write_text(got, "utf-8")
        pytest.skip(f"{golden.name} regenerated: review `git diff tests/golden` and commit it")
    if not golden.exists():
        golden.write_text(got, "utf-8")
        pytest.fail(f"{golden.name} was missing and has been written; review and commit it")
    assert got == golden.read_text("utf-8"), f"{golden.name} differs: `make golden` if intended"
