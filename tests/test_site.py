"""The readers' download page (index.html) and the editors' page (editors.html), read back
as a reader and an editor would: the page's text and links with lxml, and the pages drawn
by headless Chromium (screenshots, and printed to PDF to read what is visible)."""

from __future__ import annotations

import functools
import hashlib
import http.server
import json
import os
import re
import shutil
import subprocess
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import urlopen

import pymupdf
import pytest
from lxml import html as lhtml

from publish.build.site import size
from publish.build.verify import main as verify
from tests.conftest import run_cli

FIRST = """---
title: 城市更新调查报告
author: [王小明, 李华]
date: 2024-03-01
abstract: 本报告调查了三座城市的旧区改造，比较了资金来源与居民意见。
---

# 城市更新调查报告

## 一、背景

城市更新是近年来的重要议题，本报告从资金、规划与居民三个方面展开讨论，并给出建议[1]。

[1]: https://example.com/a "来源"
"""

SECOND = """# 软件开发效率研究

## 概述

本研究以问卷和访谈的方式了解软件开发团队的效率，发现代码审查和自动化测试最能提升质量[1]，而会议过多最拖慢进度。

第二段不应出现在摘要里。

[1]: https://example.com/b
"""

EDITIONS = ("zh-Hans", "zh-Hant-TW")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two reports, PDF, DOCX and HTML in two editions, then a reviewers' DOCX of one."""
    src = tmp_path_factory.mktemp("src")
    out = tmp_path_factory.mktemp("site")
    (src / "city.md").write_text(FIRST, "utf-8")
    (src / "dev.md").write_text(SECOND, "utf-8")
    sources = [str(src / "city.md"), str(src / "dev.md")]
    common = ["--out", str(out), "--editions", ",".join(EDITIONS), "--quiet"]
    proc = run_cli("build", *sources, *common, "--formats", "pdf,docx,html")
    assert proc.returncode == 0, proc.stderr
    proc = run_cli("build", sources[0], *common, "--formats", "docx", "--review")
    assert proc.returncode == 0, proc.stderr
    return out


def page(path: Path) -> lhtml.HtmlElement:
    return lhtml.fromstring(path.read_bytes())


def outputs(out: Path) -> list[dict]:
    return json.loads((out / "manifest.json").read_text("utf-8"))["outputs"]


def section(tree: lhtml.HtmlElement, code: str) -> lhtml.HtmlElement:
    (found,) = tree.xpath(f'//section[@id="{code}"]')
    assert found.get("lang") == code
    return found


def text(el: lhtml.HtmlElement) -> str:
    return re.sub(r"\s+", " ", el.text_content())


def test_review_docx_beside_the_docx_and_listed_apart(site: Path) -> None:
    names = {p.name for p in (site / "city").iterdir()}
    assert {"city.zh-Hans.docx", "city.zh-Hans.review.docx", "city.zh-Hant-TW.review.docx"} <= names
    assert (site / "city" / "city.zh-Hans.docx").read_bytes() != (
        site / "city" / "city.zh-Hans.review.docx"
    ).read_bytes()
    paths = {r["path"] for r in outputs(site)}
    assert "city/city.zh-Hans.review.docx" in paths and "city/city.zh-Hans.docx" in paths
    assert verify([str(site)]) == 0


def test_reader_page_one_language_at_a_time(site: Path) -> None:
    tree = page(site / "index.html")
    hans, tw = section(tree, "zh-Hans"), section(tree, "zh-Hant-TW")
    # the default section comes last (so `:target ~ .default` can hide it)
    assert [s.get("id") for s in tree.xpath("//section")] == ["zh-Hant-TW", "zh-Hans"]
    assert "default" in hans.get("class") and "default" not in tw.get("class")
    h, t = text(hans), text(tw)
    assert "报告下载" in h and "報告下載" not in h
    assert "報告下載" in t and "报告下载" not in t
    # no label in both scripts: each section's words are its own
    for word in ("网页", "适合打印", "城市更新调查报告", "软件开发效率研究"):
        assert word in h and word not in t
    for word in ("網頁", "適合列印", "城市更新調查報告", "軟體開發效率研究"):
        assert word in t and word not in h
    # the switch names each language once, in its own script
    names = [a.text_content() for a in hans.xpath(".//nav//a")]
    assert names == ["简体中文", "繁體中文（臺灣）"]
    assert hans.xpath('.//nav//a[@aria-current]')[0].get("href") == "#zh-Hans"


def test_reader_page_cards(site: Path) -> None:
    tree = page(site / "index.html")
    h, t = text(section(tree, "zh-Hans")), text(section(tree, "zh-Hant-TW"))
    assert "作者：王小明、李华" in h and "日期：2024年3月1日" in h
    assert "本报告调查了三座城市的旧区改造，比较了资金来源与居民意见。" in h
    assert "本報告調查了三座城市的舊區改造" in t
    # no abstract in the front matter: the opening of the first paragraph, without [1]
    assert "发现代码审查和自动化测试最能提升质量，而会议过多最拖慢进度。" in h
    assert "第二段" not in h and "质量[1]" not in h
    # a report with no author or date says nothing of them
    (card,) = [a for a in section(tree, "zh-Hans").xpath(".//article") if "软件" in text(a)]
    assert not card.xpath('.//*[@class="byline"]')


def test_reader_page_formats_and_sizes(site: Path) -> None:
    tree = page(site / "index.html")
    rows = {r["path"]: r for r in outputs(site)}
    body = text(tree)
    hrefs = tree.xpath("//a/@href")
    for path, r in rows.items():
        review = path.endswith(".review.docx")
        assert (path in hrefs) != review, path
        assert r["sha256"] not in body  # hashes are for the editors' page
    for a in tree.xpath('//ul[@class="formats"]//a'):
        r = rows[unquote(a.get("href"))]
        shown = text(a)
        assert size(r["bytes"]) in shown
        kb = re.search(r"(\d+) KB", shown)
        if kb:  # KB of 1000 bytes, as the label says
            assert int(kb.group(1)) == max(1, round(r["bytes"] / 1000))
        if r["pages"]:
            assert f"{r['pages']} 页" in shown or f"{r['pages']} 頁" in shown
    assert not [h for h in hrefs if h.endswith((".phrases.html", ".report.json"))]
    assert "editors.html" not in hrefs


def test_cover_thumbnails_reproducible(site: Path) -> None:
    tree = page(site / "index.html")
    covers = tree.xpath('//img[@class="cover"]/@src')
    assert len(covers) == 4  # two reports, two editions
    first = site / unquote(covers[0])
    before = first.read_bytes()
    assert pymupdf.Pixmap(str(first)).width == 240
    first.unlink()
    src = json.loads((site / ".publish-state.json").read_text("utf-8"))["sources"]["city"]
    proc = run_cli(
        "build", src["source"], "--out", str(site), "--editions", ",".join(EDITIONS),
        "--formats", "pdf", "--quiet",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert first.read_bytes() == before  # drawn again, the same bytes


def test_editors_page(site: Path) -> None:
    tree = page(site / "editors.html")
    body = text(tree)
    hrefs = {unquote(h) for h in tree.xpath("//a/@href")}
    for r in outputs(site):
        assert r["path"] in hrefs and r["sha256"] in body and str(r["bytes"]) in body
    for stem in ("city", "dev"):
        assert f"{stem}/{stem}.report.json" in hrefs
        for code in EDITIONS:
            assert f"{stem}/{stem}.{code}.phrases.html" in hrefs
    assert "index.html" in hrefs
    assert "（审校版）" in body
    assert json.loads((site / "manifest.json").read_text("utf-8"))["editors"] == "editors.html"


# -- in a browser ----------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium not installed (scripts/sysdeps.sh installs it)"
)


def chromium(tmp: Path, url: str, *args: str) -> None:
    assert CHROMIUM is not None
    proc = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
            f"--user-data-dir={tmp / 'profile'}",
            *args,
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]


def visible(tmp: Path, url: str, *args: str) -> str:
    """The text Chromium shows (printed to PDF, read back)."""
    pdf = tmp / "shown.pdf"
    pdf.unlink(missing_ok=True)
    chromium(tmp, url, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", *args)
    with pymupdf.open(pdf) as doc:
        return "".join(p.get_text() for p in doc)


def screenshot(tmp: Path, url: str, name: str, width: int = 1100, height: int = 900) -> Path:
    png = tmp / name
    chromium(tmp, url, f"--screenshot={png}", f"--window-size={width},{height}")
    pix = pymupdf.Pixmap(str(png))
    assert (pix.width, pix.height) == (width, height)
    # drawn, not blank: the commonest colour (the background) is not all of it
    assert pix.color_topusage()[0] < 0.97
    return png


def without_scripts(page: Path) -> Path:
    """The page with its scripts taken out: what a reader with scripts off gets."""
    tree = lhtml.fromstring(page.read_bytes())
    for s in tree.xpath("//script"):
        s.getparent().remove(s)
    copy = page.with_name("noscript." + page.name)
    copy.write_bytes(lhtml.tostring(tree, doctype="<!DOCTYPE html>", encoding="utf-8"))
    return copy


@needs_chromium
def test_pages_in_chromium(site: Path, tmp_path: Path) -> None:
    index = (site / "index.html").as_uri()
    shots = [
        screenshot(tmp_path, index, "index.png"),
        screenshot(tmp_path, index + "#zh-Hant-TW", "index-tw.png"),
        screenshot(tmp_path, index, "index-narrow.png", width=420, height=900),
        screenshot(tmp_path, (site / "editors.html").as_uri(), "editors.png", height=1400),
    ]
    assert len({hashlib.sha256(p.read_bytes()).hexdigest() for p in shots}) == 4
    keep = os.environ.get("PUBLISH_SHOTS")  # a folder to keep them in, to look at
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        for p in shots:
            shutil.copy(p, Path(keep) / p.name)


@needs_chromium
def test_language_switch_without_scripts(site: Path, tmp_path: Path) -> None:
    bare = without_scripts(site / "index.html").as_uri()
    default, hans, tw = (visible(tmp_path, bare + h) for h in ("", "#zh-Hans", "#zh-Hant-TW"))
    for shown in (default, hans):
        assert "报告下载" in shown and "報告下載" not in shown and "城市更新调查报告" in shown
    assert "報告下載" in tw and "报告下载" not in tw and "城市更新調查報告" in tw


@needs_chromium
def test_optional_script_opens_the_browsers_language(site: Path, tmp_path: Path) -> None:
    index = (site / "index.html").as_uri()
    shown = visible(tmp_path, index, "--accept-lang=zh-TW,zh", "--virtual-time-budget=3000")
    assert "報告下載" in shown and "报告下载" not in shown
    shown = visible(tmp_path, index, "--accept-lang=en-US,en", "--virtual-time-budget=3000")
    assert "报告下载" in shown


def local_links(page: Path) -> list[str]:
    tree = lhtml.fromstring(page.read_bytes())
    ids = set(tree.xpath("//@id"))
    found = []
    for ref in tree.xpath("//@href | //@src"):
        parts = urlsplit(ref)
        assert not parts.scheme and not parts.netloc and not ref.startswith("/"), ref
        if not parts.path:
            assert parts.fragment in ids, ref
            continue
        found.append(parts.path)
    return found


def test_every_link_resolves_on_disk_and_served(site: Path) -> None:
    links = {p: local_links(site / p) for p in ("index.html", "editors.html")}
    for refs in links.values():
        for ref in refs:
            assert (site / unquote(ref)).is_file(), ref

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    handler = functools.partial(Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        for name, refs in links.items():
            for ref in [name, *refs]:
                with urlopen(base + ref, timeout=10) as resp:
                    assert resp.status == 200, ref
                    assert resp.read(), ref
    finally:
        server.shutdown()
        server.server_close()


def test_a_report_missing_a_language(tmp_path: Path) -> None:
    """One report in two editions, one in Simplified only: the Traditional section names
    the second and links to the language it has; verify passes."""
    (tmp_path / "a.md").write_text("# 甲报告\n\n甲的正文。\n", "utf-8")
    (tmp_path / "b.md").write_text("# 乙报告\n\n乙的正文。\n", "utf-8")
    out = tmp_path / "out"
    for name, formats, editions in (
        ("a.md", "html,epub", "zh-Hans,zh-Hant-TW"),
        ("b.md", "html", "zh-Hans"),
    ):
        proc = run_cli(
            "build", str(tmp_path / name), "--out", str(out), "--formats", formats,
            "--editions", editions, "--quiet",
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
    tw = section(page(out / "index.html"), "zh-Hant-TW")
    # no PDF: the cover is the EPUB's own cover image, made small
    (cover,) = tw.xpath('.//img[@class="cover"]/@src')
    assert cover == "a/a.zh-Hant-TW.cover.png"
    assert pymupdf.Pixmap(str(out / cover)).width == 240
    (missing,) = tw.xpath('.//p[@class="missing"]')
    assert "乙报告" in text(tw) and "本報告暫無臺灣繁體中文版" in text(missing)
    assert missing.xpath(".//a/@href") == ["#zh-Hans"]
    assert verify([str(out)]) == 0


def test_verify_finds_what_is_wrong_with_the_pages(site: Path, tmp_path: Path) -> None:
    from publish.build import verify as check

    out = tmp_path / "copy"
    shutil.copytree(site, out, symlinks=True)
    rows = check.manifest(out)[0]
    assert check.index(out, rows) == []
    index = (out / "index.html").read_text("utf-8")
    planted = index.replace(
        "</main>",
        '<a href="city/city.zh-Hans.review.docx">x</a><a href="#nowhere">y</a>'
        '<script src="x.js"></script><a href="city/city.report.json">z</a></main>',
    )
    (out / "index.html").write_text(planted, "utf-8")
    editors = (out / "editors.html").read_text("utf-8")
    (out / "editors.html").write_text(editors.replace("dev/dev.report.json", "dev/gone.json"))
    found = "\n".join(check.index(out, rows))
    assert "links the reviewers' DOCX city/city.zh-Hans.review.docx" in found
    assert "'#nowhere': no such id" in found
    assert "<script> (the page must stand alone)" in found
    assert "city.report.json, which is for the editors' page" in found
    assert "'dev/gone.json' does not resolve" in found
    assert "editors.html: no link to dev/dev.report.json" in found
