"""Make-style builds: what is rebuilt and what is left alone, crash safety, the lock, the
manifest, the download page and reproducible outputs.

Most builds here run in-process (one job, a small document, HTML and DOCX: pandoc only) to
stay fast; the crash, lock and progress tests run the command line in a subprocess.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from lxml import html as lhtml

from publish.build import build, cache, lock
from publish.config import load_config
from tests.conftest import ROOT, SEED, run_cli

TINY = """\
# 小型测试报告

## 一、背景

人工智能的发展很快，数据和网络是基础[[1]](https://example.com/a)。这个软件支持多种信息。

## 二、结论

作者说：“引号里的内容”很重要[[2]](https://example.org/b)。
"""
SMALL = "html,docx"


def tiny(folder: Path, name: str = "tiny.md", text: str = TINY) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, "utf-8")
    return path


def run(out: Path, *sources: Path, formats: str = SMALL, **flags):
    config = load_config(
        [str(s) for s in sources],
        out=str(out),
        formats=formats,
        glossary=flags.pop("glossary", None),
        editions=flags.pop("editions", None),
        jobs=flags.pop("jobs", 1),
        quiet=flags.pop("quiet", True),
        **flags,
    )
    return build(config)


def times(out: Path) -> dict[str, int]:
    """Modification time of every file in the folder but the lock, which each build takes."""
    return {
        p.relative_to(out).as_posix(): p.stat().st_mtime_ns
        for p in out.rglob("*")
        if p.is_file() and p.name != lock.LOCK
    }


def outputs(out: Path) -> set[str]:
    return {
        p.relative_to(out).as_posix()
        for p in out.glob("*/*.*")
        if p.suffix in (".pdf", ".epub", ".docx", ".html") and ".phrases." not in p.name
    }


def changed(before: dict[str, int], after: dict[str, int]) -> set[str]:
    return {k for k in after if before.get(k) != after[k]}


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- cache decisions --------------------------------------------------------------------


def test_unchanged_outputs_are_neither_rebuilt_nor_rewritten(tmp_path):
    src = tiny(tmp_path / "src")
    out = tmp_path / "out"
    first = run(out, src)
    assert len(first.built) == 6 and outputs(out) == set(first.built)
    before = times(out)
    assert {"manifest.json", "index.html", cache.STATE} <= set(before)
    again = run(out, src)
    assert again.built == [] and sorted(again.current) == sorted(first.built)
    assert times(out) == before  # outputs, reports, manifest, page and state untouched
    # the warnings of a skipped build are those of the build that made the files
    assert [d.code for d in again.documents[0].diagnostics] == [
        d.code for d in first.documents[0].diagnostics
    ]


def test_source_change_rebuilds_that_source_only(tmp_path):
    a = tiny(tmp_path / "src", "a.md")
    b = tiny(tmp_path / "src", "b.md")
    out = tmp_path / "out"
    run(out, a, b)
    before = times(out)
    a.write_text(TINY.replace("很快", "非常快"), "utf-8")
    result = run(out, a, b)
    assert {Path(r).parent.name for r in result.built} == {"a"}
    assert len(result.built) == 6
    touched = changed(before, times(out))
    assert not any(k.startswith("b/") for k in touched)
    assert "非常快" in (out / "a" / "a.zh-Hans.html").read_text("utf-8")


def test_sidecar_and_glossary_changes_rebuild(tmp_path):
    src = tiny(tmp_path / "src")
    glossary = tmp_path / "g.toml"
    glossary.write_text('[terms]\n"软件" = { "zh-Hant-TW" = "軟體" }\n', "utf-8")
    out = tmp_path / "out"
    run(out, src, glossary=str(glossary))
    assert "軟體" in (out / "tiny" / "tiny.zh-Hant-TW.html").read_text("utf-8")
    glossary.write_text('[terms]\n"软件" = { "zh-Hant-TW" = "軟件程式" }\n', "utf-8")
    result = run(out, src, glossary=str(glossary))
    assert len(result.built) == 6
    assert "軟件程式" in (out / "tiny" / "tiny.zh-Hant-TW.html").read_text("utf-8")
    src.with_name("tiny.refs.yaml").write_text(
        '"https://example.com/a":\n  title: 一篇文章\n', "utf-8"
    )
    assert len(run(out, src, glossary=str(glossary)).built) == 6


def test_styles_change_rebuilds_everything(tmp_path, monkeypatch, capsys):
    styles = tmp_path / "styles"
    shutil.copytree(cache.STYLES, styles, ignore=shutil.ignore_patterns("*.docx"))
    monkeypatch.setattr(cache, "STYLES", styles)
    src = tiny(tmp_path / "src")
    out = tmp_path / "out"
    run(out, src)
    assert run(out, src).built == []
    with (styles / "base.css").open("a") as f:
        f.write("\n/* a change */\n")
    run(out, src, dry_run=True)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 6 and all(ln.endswith(": styles changed") for ln in lines), lines
    assert len(run(out, src).built) == 6


def test_option_changes_rebuild_exactly_the_outputs_they_shape(tmp_path):
    src = tiny(tmp_path / "src")
    out = tmp_path / "out"
    run(out, src)
    assert "「引號" in (out / "tiny" / "tiny.zh-Hant-TW.html").read_text("utf-8")
    docx = {e: (out / "tiny" / f"tiny.{e}.docx").read_bytes() for e in ("zh-Hans", "zh-Hant-TW")}
    review = run(out, src, review=True)  # a DOCX-only option: the reviewers' copy, apart
    assert sorted(review.built) == [
        f"tiny/tiny.{e}.review.docx" for e in ("zh-Hans", "zh-Hant-HK", "zh-Hant-TW")
    ]
    assert all((out / "tiny" / f"tiny.{e}.docx").read_bytes() == b for e, b in docx.items())
    before = times(out)
    quotes = run(out, src, review=True, quotes=False)  # quotes: Traditional editions only
    assert {r.split(".")[1] for r in quotes.built} == {"zh-Hant-TW", "zh-Hant-HK"}
    assert len(quotes.built) == 4
    assert not any(
        "zh-Hans." in k for k in changed(before, times(out)) if k.endswith((".html", ".docx"))
    )
    assert "“引號" in (out / "tiny" / "tiny.zh-Hant-TW.html").read_text("utf-8")


def test_force_rebuilds_and_dry_run_builds_nothing(tmp_path, capsys):
    src = tiny(tmp_path / "src")
    out = tmp_path / "out"
    dry = run(out, src, dry_run=True)
    assert not out.exists()  # not even the folder
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(dry.planned) == 6
    assert all(re.fullmatch(r"would build \S+: not built before", ln) for ln in lines), lines
    run(out, src)
    before = times(out)
    run(out, src, dry_run=True, force=True)
    assert capsys.readouterr().out.count("\n") == 6
    assert times(out) == before
    forced = run(out, src, force=True)
    assert len(forced.built) == 6
    assert changed(before, times(out)) >= set(forced.built)


def test_missing_or_edited_output_is_rebuilt(tmp_path, capsys):
    src = tiny(tmp_path / "src")
    out = tmp_path / "out"
    run(out, src)
    gone = out / "tiny" / "tiny.zh-Hant-HK.docx"
    gone.unlink()
    edited = out / "tiny" / "tiny.zh-Hans.html"
    edited.write_text("edited by hand", "utf-8")
    run(out, src, dry_run=True)
    assert sorted(capsys.readouterr().out.splitlines()) == [
        f"would build {edited}: file changed since it was built",
        f"would build {gone}: file missing",
    ]
    assert sorted(run(out, src).built) == ["tiny/tiny.zh-Hans.html", "tiny/tiny.zh-Hant-HK.docx"]
    assert "edited by hand" not in edited.read_text("utf-8")


# -- crash safety and the lock ----------------------------------------------------------


def test_failing_writer_leaves_no_partial_file_and_next_build_finishes(tmp_path, monkeypatch):
    from publish import writers
    from publish.writers.common import atomic

    src = tiny(tmp_path / "src")
    out = tmp_path / "out"

    def broken(edition, path, **_):
        with atomic(path) as tmp:
            tmp.write_bytes(b"PK\x03\x04 half a file")
            raise RuntimeError("disk full")

    monkeypatch.setitem(writers.WRITERS, "docx", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        run(out, src)
    folder = out / "tiny"
    assert not list(out.rglob("*.tmp"))
    assert not list(folder.glob("*.docx"))
    finished = outputs(out)
    state = json.loads((out / cache.STATE).read_text("utf-8"))
    assert set(state["outputs"]) == finished  # what finished is recorded
    monkeypatch.undo()
    result = run(out, src)
    assert (
        set(result.built)
        == {
            f"tiny/tiny.{e}.{f}"
            for e in ("zh-Hans", "zh-Hant-TW", "zh-Hant-HK")
            for f in ("html", "docx")
        }
        - finished
    )
    assert len(outputs(out)) == 6


def complete(path: Path) -> bool:
    """The file reads as a whole file of its format."""
    data = path.read_bytes()
    if path.suffix == ".pdf":
        return data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    if path.suffix in (".epub", ".docx"):
        with zipfile.ZipFile(path) as z:
            return z.testzip() is None
    return data.rstrip().endswith(b"</html>")


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["KILL", "TERM"])
def test_killed_build_leaves_complete_files_and_next_build_finishes(tmp_path, sig):
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "publish", "build", str(SEED), "--out", str(out)]
    cmd += ["--formats", "pdf,docx,html", "--quiet"]
    err = (tmp_path / "stderr.txt").open("w")
    proc = subprocess.Popen(cmd, start_new_session=True, stderr=err)
    deadline = time.monotonic() + 60
    while not outputs(out) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    before = outputs(out)
    os.killpg(proc.pid, sig)  # the build, its workers and their pandoc runs, mid-way
    code = proc.wait(timeout=60)
    err.close()
    assert before and len(before) < 9, "the kill came too late to test anything"
    # (a stopped build removes a file a worker wrote but never reported: it may be gone)
    first = outputs(out)
    for rel in first:
        assert complete(out / rel), rel
    if sig == signal.SIGTERM:  # caught: ends as Ctrl-C does, cleaning up after itself
        assert code == 130
        assert "Traceback" not in (tmp_path / "stderr.txt").read_text()
        assert not list(out.rglob("*.tmp"))
        recorded = json.loads((out / cache.STATE).read_text("utf-8"))["outputs"]
        assert set(recorded) <= first
    again = run_cli(*cmd[3:])
    assert again.returncode == 0, again.stderr
    assert len(outputs(out)) == 9 and all(complete(out / r) for r in outputs(out))
    assert not list(out.rglob("*.tmp"))
    rows = json.loads((out / "manifest.json").read_text("utf-8"))["outputs"]
    assert {r["path"] for r in rows} == outputs(out)
    assert all(sha(out / r["path"]) == r["sha256"] for r in rows)


def test_second_build_waits_for_the_lock(tmp_path):
    src = tiny(tmp_path / "src")
    out = tmp_path / "out"
    log = tmp_path / "stderr.txt"
    with lock.locked(out), log.open("w") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "publish", "build", str(src), "--out", str(out)]
            + ["--formats", "html"],
            stderr=err,
        )
        deadline = time.monotonic() + 30
        while "waiting" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert f"waiting for another build into {out} (pid {os.getpid()})" in log.read_text()
        time.sleep(0.3)
        assert proc.poll() is None and not outputs(out)
    assert proc.wait(timeout=60) == 0, log.read_text()
    assert len(outputs(out)) == 3


def test_concurrent_builds_into_one_folder_both_land(tmp_path):
    """`make -j html docx`: two builds, one folder; the manifest lists both."""
    src = tiny(tmp_path / "src")
    out = tmp_path / "out"
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "publish", "build", str(src), "--out", str(out), "--quiet"]
            + ["--formats", fmt],
            stderr=subprocess.PIPE,
        )
        for fmt in ("html", "docx")
    ]
    for p in procs:
        assert p.wait(timeout=120) == 0, p.stderr.read() if p.stderr else ""
        if p.stderr:
            p.stderr.close()
    rows = json.loads((out / "manifest.json").read_text("utf-8"))["outputs"]
    assert {r["path"] for r in rows} == outputs(out) and len(rows) == 6
    assert all(sha(out / r["path"]) == r["sha256"] for r in rows)


# -- manifest, download page, progress ---------------------------------------------------


def test_manifest_describes_the_files(seed_out):
    data = json.loads((seed_out / "manifest.json").read_text("utf-8"))
    rows = data["outputs"]
    assert len(rows) == 12 and [r["path"] for r in rows] == sorted(r["path"] for r in rows)
    assert {r["path"] for r in rows} == outputs(seed_out)
    for r in rows:
        assert set(r) == {"path", "source", "edition", "format", "bytes", "sha256", "pages"}
        path = seed_out / r["path"]
        assert not Path(r["path"]).is_absolute()
        assert path.stat().st_size == r["bytes"] and sha(path) == r["sha256"]
        assert r["source"].endswith("nn-llm-2024.md")
        assert path.name.endswith(f".{r['edition']}.{r['format']}")
        if r["format"] == "pdf":
            import pymupdf

            with pymupdf.open(path) as pdf:
                assert r["pages"] == pdf.page_count > 1
        else:
            assert r["pages"] is None


def test_manifest_keeps_outputs_of_earlier_builds(tmp_path):
    src = tiny(tmp_path / "src")
    out = tmp_path / "out"
    run(out, src, formats="docx")
    run(out, src, formats="html")
    rows = json.loads((out / "manifest.json").read_text("utf-8"))["outputs"]
    assert {r["format"] for r in rows} == {"docx", "html"} and len(rows) == 6
    (out / "tiny" / "tiny.zh-Hans.docx").unlink()
    run(out, src, formats="html")
    rows = json.loads((out / "manifest.json").read_text("utf-8"))["outputs"]
    assert len(rows) == 5 and {r["path"] for r in rows} == outputs(out)


def _page_targets(out, name):
    tree = lhtml.fromstring((out / name).read_bytes())
    targets = set()
    for ref in tree.xpath("//a/@href"):
        parts = urlsplit(ref)
        assert not parts.scheme and not parts.netloc and not ref.startswith("/"), ref
        if not parts.path:  # #zh-Hant-TW: the readers' page's own sections
            continue
        target = out / unquote(parts.path)
        assert target.is_file(), ref
        targets.add(target.relative_to(out).as_posix())
    return tree, targets


def test_download_page_links_every_output_and_stands_alone(seed_out):
    tree, targets = _page_targets(seed_out, "index.html")
    assert tree.get("lang", "").startswith("zh")
    assert outputs(seed_out) <= targets
    # no script loaded from a file, no stylesheet, no frame; pictures are the folder's own
    assert not tree.xpath("//script[@src] | //link[@rel='stylesheet'] | //iframe")
    assert all((seed_out / unquote(s)).is_file() for s in tree.xpath("//img/@src"))
    assert "http" not in "".join(tree.xpath("//style/text()"))
    text = tree.text_content()
    assert "2024年神经网络与大模型技术发展综合研究报告" in text  # the report's title
    assert str(SEED.parent) not in text  # the build machine's folders are not published
    # The editors' page: hashes, the source by its name, the phrase review list.
    tree, targets = _page_targets(seed_out, "editors.html")
    assert outputs(seed_out) <= targets
    assert {
        f"nn-llm-2024/nn-llm-2024.{e}.phrases.html" for e in ("zh-Hans", "zh-Hant-TW", "zh-Hant-HK")
    } <= targets
    assert not tree.xpath("//script | //link[@rel='stylesheet'] | //img | //iframe")
    text = tree.text_content()
    assert "nn-llm-2024.md" in text and str(SEED.parent) not in text
    for r in json.loads((seed_out / "manifest.json").read_text("utf-8"))["outputs"]:
        assert r["sha256"] in text
    report = json.loads((seed_out / "nn-llm-2024" / "nn-llm-2024.report.json").read_text())
    first = report["editions"]["zh-Hant-TW"]["phrases"][0]
    assert first["source"] in text and first["result"] in text  # the phrase review list


def test_progress_lines_and_quiet(tmp_path):
    src = tiny(tmp_path / "src")
    # titled references: an untitled one would be a reference-incomplete warning
    src.with_name("tiny.refs.yaml").write_text(
        "references:\n  - url: https://example.com/a\n    title: 甲\n"
        "  - url: https://example.org/b\n    title: 乙\n",
        "utf-8",
    )
    proc = run_cli("build", str(src), "--out", str(tmp_path / "a"), "--formats", SMALL)
    assert proc.returncode == 0, proc.stderr
    built = [ln for ln in proc.stderr.splitlines() if ln.startswith("built ")]
    assert len(built) == 6
    assert all(re.fullmatch(r"built \S+ \(\d+\.\d s\)", ln) for ln in built), built
    assert "\r" not in proc.stderr and "\x1b" not in proc.stderr  # not a terminal
    quiet = run_cli("build", str(src), "--out", str(tmp_path / "b"), "--formats", SMALL, "--quiet")
    assert quiet.returncode == 0 and quiet.stderr == ""
    noop = run_cli("build", str(src), "--out", str(tmp_path / "a"), "--formats", SMALL)
    assert "nothing to build: 6 outputs up to date" in noop.stderr
    assert not any(ln.startswith("built ") for ln in noop.stderr.splitlines())


def test_check_passes_on_a_build_and_finds_a_tampered_one(seed_out, tmp_path):
    from publish.build import verify

    assert verify.main([str(seed_out)]) == 0
    copy = tmp_path / "dist"
    shutil.copytree(seed_out, copy)
    page = copy / "nn-llm-2024" / "nn-llm-2024.zh-Hans.html"
    page.write_bytes(page.read_bytes().replace(b"<html", b"<HTML", 1))  # same size
    (copy / "nn-llm-2024" / "nn-llm-2024.zh-Hans.docx").unlink()
    problems = verify.verify(copy)
    assert any("zh-Hans.html: SHA-256 differs" in p for p in problems), problems
    assert any("zh-Hans.docx: in the manifest, not in the folder" in p for p in problems)
    assert any("zh-Hans.docx' does not resolve" in p for p in problems)


# -- reproducible outputs ---------------------------------------------------------------


def test_source_date_epoch_gives_identical_files(tmp_path):
    src = tiny(tmp_path / "src")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    digests = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}"
        proc = subprocess.run(
            [sys.executable, "-m", "publish", "build", str(src), "--out", str(out), "--quiet"]
            + ["--editions", "zh-Hant-TW", "--jobs", jobs],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 0, proc.stderr
        digests.append({r: sha(out / r) for r in sorted(outputs(out))})
    assert len(digests[0]) == 4
    assert digests[0] == digests[1]


def _png(path: Path, rgb: tuple[float, float, float]) -> None:
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page(width=40, height=20)
    page.draw_rect(page.rect, color=rgb, fill=rgb)
    page.get_pixmap().save(path)


def test_a_changed_or_new_picture_rebuilds(tmp_path: Path):
    """The pictures a source shows are inputs too: edited, added or removed, the outputs
    that show them are rebuilt (the source's own text has not changed)."""
    (tmp_path / "img").mkdir()
    _png(tmp_path / "img" / "a.png", (0, 0, 1))
    src = tmp_path / "r.md"
    src.write_text('# 图\n\n![甲](img/a.png)\n\n![乙](b.png)\n\n<img src="img/c.png" alt="丙">\n')
    out = tmp_path / "out"

    def run() -> str:
        proc = run_cli(
            "build",
            str(src),
            "-o",
            str(out),
            "--formats",
            "html",
            "--editions",
            "zh-Hans",
            "--dry-run",
        )
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    assert (
        run_cli(
            "build", str(src), "-o", str(out), "--formats", "html", "--editions", "zh-Hans"
        ).returncode
        == 0
    )
    report = json.loads((out / "r" / "r.report.json").read_text())
    assert report["pictures"] == ["b.png", "img/a.png", "img/c.png"]
    assert "would build" not in run()
    _png(tmp_path / "img" / "a.png", (1, 0, 0))  # edited
    assert "pictures changed" in run()
    _png(tmp_path / "img" / "a.png", (0, 0, 1))  # back as it was: up to date again
    assert "would build" not in run()
    _png(tmp_path / "b.png", (0, 1, 0))  # a missing picture appears
    assert "pictures changed" in run()
    (tmp_path / "b.png").unlink()
    _png(tmp_path / "img" / "c.png", (0, 1, 0))  # one in raw HTML too
    assert "pictures changed" in run()


def test_a_remade_pdf_leaves_its_thumbnail_current(tmp_path: Path):
    """A PDF remade with the same first page keeps its thumbnail's bytes, dated no older
    than the PDF: otherwise every later build, even one with nothing to do, drew it again."""
    src = tmp_path / "t.md"
    src.write_text("# 标题\n\n正文。\n", "utf-8")
    out = tmp_path / "out"
    args = ("build", str(src), "-o", str(out), "--formats", "pdf", "--editions", "zh-Hans")
    assert run_cli(*args).returncode == 0
    png = out / "t" / "t.zh-Hans.cover.png"
    first = png.read_bytes()
    time.sleep(0.05)
    assert run_cli(*args, "--force").returncode == 0
    pdf = out / "t" / "t.zh-Hans.pdf"
    assert png.read_bytes() == first
    assert png.stat().st_mtime_ns >= pdf.stat().st_mtime_ns


def test_the_download_page_flags_a_cut_off_source(tmp_path: Path):
    """A source that stops mid-way is said to on its card, in each edition's script; a
    whole one is not."""
    (tmp_path / "cut.md").write_text(
        "# 报告\n\n更多内容见[这篇文章](https://example.com/artic", "utf-8"
    )
    (tmp_path / "whole.md").write_text("# 报告二\n\n正文完整。\n", "utf-8")
    out = tmp_path / "out"
    proc = run_cli(
        "build", str(tmp_path / "cut.md"), str(tmp_path / "whole.md"), "-o", str(out),
        "--formats", "html", "--editions", "zh-Hans,zh-Hant-TW",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    page = lhtml.parse(str(out / "index.html")).getroot()
    flags = [
        (p.getparent().findtext("h2"), p.text_content())
        for p in page.xpath("//p[@class='truncated']")
    ]
    assert sorted(flags) == sorted(
        [
            ("报告", "注意：原稿在中途中断，部分内容缺失。"),
            ("報告", "注意：原稿在中途中斷，部分內容缺失。"),
        ]
    )


def test_pandoc_runs_with_a_larger_allocation_area_and_the_same_output(monkeypatch):
    """pandoc runs with GHC's allocation area at 64 MB (0.10 → 0.08 CPU-s and 167 → 96 MB
    for the seed to DOCX): the same JSON as with the runtime's defaults, and a GHCRTS
    the user set wins."""
    from publish import pandoc

    assert pandoc._env()["GHCRTS"] == pandoc.RTS == "-A64m"
    text = SEED.read_bytes()
    tuned, _ = pandoc.run(["-f", "commonmark_x", "-t", "json"], text, "seed")
    monkeypatch.setenv("GHCRTS", "-A1m")
    assert pandoc._env()["GHCRTS"] == "-A1m"
    plain, warnings = pandoc.run(["-f", "commonmark_x", "-t", "json"], text, "seed")
    assert tuned == plain and not warnings
    monkeypatch.setenv("GHCRTS", "-Ax")  # refused by the runtime: pandoc's own error
    with pytest.raises(Exception, match="RTS option"):
        pandoc.run(["-f", "commonmark_x", "-t", "json"], text, "seed")
