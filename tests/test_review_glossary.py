"""`publish review reviewed.zh-Hant-TW.docx --glossary-out FILE` (issue 17, item 8): a
reviewer's tracked replacements in a Traditional edition become glossary entries keyed by
the source's words; what cannot be mapped is listed. The entries then change the build."""

from __future__ import annotations

import copy
import tomllib
import zipfile
from pathlib import Path

from lxml import etree

from publish.editions.glossary import read_glossary
from tests import readback
from tests.conftest import build, run_cli

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
SOURCE = "---\ndomain: technical\n---\n\n# 能源\n\n新版本已经发布。电厂的运行很稳定，网络也通了。\n"


def _w(tag: str, **attrs: str) -> etree._Element:
    e = etree.Element(f"{W}{tag}")
    for k, v in attrs.items():
        e.set(f"{W}{k}", v)
    return e


def replace(body: etree._Element, old: str, new: str | None, n: int) -> None:
    """Track a replacement of ``old`` by ``new`` (None: a deletion only) in the run that
    holds it, as Word writes one: the run split, w:del around the old text, w:ins after."""
    t = next(t for t in body.iter(f"{W}t") if t.text and old in t.text)
    run = t.getparent()
    before, after = t.text.split(old, 1)
    t.text = before
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    gone = copy.deepcopy(run)
    gone.find(f"{W}t").tag = f"{W}delText"
    gone.find(f"{W}delText").text = old
    deletion = _w("del", id=str(n), author="校對", date="2025-03-04T05:06:07Z")
    deletion.append(gone)
    rest = copy.deepcopy(run)
    rest.find(f"{W}t").text = after
    run.addnext(deletion)
    last = deletion
    if new is not None:
        added = copy.deepcopy(run)
        added.find(f"{W}t").text = new
        insertion = _w("ins", id=str(n + 1), author="校對", date="2025-03-04T05:06:07Z")
        insertion.append(added)
        deletion.addnext(insertion)
        last = insertion
    last.addnext(rest)


def reviewed(docx: Path, target: Path, changes: list[tuple[str, str | None]]) -> Path:
    with zipfile.ZipFile(docx) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    body = etree.fromstring(parts["word/document.xml"])
    for n, (old, new) in enumerate(changes):
        replace(body, old, new, 10 * n + 1)
    parts["word/document.xml"] = etree.tostring(body, xml_declaration=True, encoding="UTF-8")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return target


def test_replacements_become_glossary_entries_that_change_the_build(tmp_path):
    src = tmp_path / "energy.md"
    src.write_text(SOURCE, "utf-8")
    folder = build(src, tmp_path / "a", "docx", "zh-Hant-TW")
    docx = folder / "energy.zh-Hant-TW.docx"
    text = "".join(t.text or "" for t in readback.docx_xml(docx).iter(f"{W}t"))
    assert "新版本已經釋出。電廠的執行很穩定，網路也通了。" in text  # s2twp's software senses
    # the reviewer: 釋出 → 發布, 執 → 運 (half a word), a deletion alone, a sentence rewritten
    copy_ = reviewed(
        docx,
        tmp_path / "energy.zh-Hant-TW.docx",
        [
            ("釋出", "發布"),
            ("執", "運"),
            ("也", None),
            ("網路", "網路與電網都已經連上並且測試通過了"),
        ],
    )
    out = tmp_path / "learned.toml"
    proc = run_cli("review", str(copy_), "--glossary-out", str(out), "--source", str(src))
    assert proc.returncode == 0, proc.stderr
    terms = tomllib.loads(out.read_text("utf-8"))["terms"]
    assert {k: v["zh-Hant-TW"] for k, v in terms.items()} == {"发布": "發布", "运行": "運行"}
    assert "校對, 2025-03-04: 執行 → 運行" in terms["运行"]["note"]
    assert "发布 → 發布" in proc.stdout and "运行 → 運行" in proc.stdout
    skipped = [ln for ln in proc.stderr.splitlines() if ln.startswith("not mapped: ")]
    assert len(skipped) == 2, proc.stderr
    assert any("deletion of 也: not a replacement" in ln for ln in skipped)
    assert any("not a change of one word" in ln for ln in skipped)
    assert read_glossary(out).terms["运行"] == {"zh-Hant-TW": "運行"}
    # the learned glossary gives the reviewer's words in the next build
    again = build(src, tmp_path / "b", "html", "zh-Hant-TW", "--glossary", str(out))
    page = readback.html_doc(again / "energy.zh-Hant-TW.html").xpath("//main")[0].text_content()
    assert "新版本已經發布。電廠的運行很穩定" in page


def test_without_the_source_and_merged_into_an_existing_file(tmp_path):
    src = tmp_path / "energy.md"
    src.write_text(SOURCE.replace("网络也通了", "默认设置也改了"), "utf-8")
    docx = build(src, tmp_path / "a", "docx", "zh-Hant-TW") / "energy.zh-Hant-TW.docx"
    changes = [("執行", "運行"), ("預設", "默認")]
    copy_ = reviewed(docx, tmp_path / "energy.zh-Hant-TW.docx", changes)
    out = tmp_path / "g.toml"
    out.write_text('[terms]\n"内存" = { "zh-Hant-HK" = "記憶體" }\n[keep]\nwords = ["某产品"]\n')
    proc = run_cli("review", str(copy_), "--glossary-out", str(out))
    assert proc.returncode == 0, proc.stderr
    # 執行 is 执行's own characters and OpenCC's word for 运行: a reviewer corrects the latter
    # 預設 is OpenCC's word for both 缺省 and 默认: without the source it cannot say which
    assert "缺省 or 默认 each convert to 預設; give --source" in proc.stderr
    g = read_glossary(out)
    assert g.terms == {"内存": {"zh-Hant-HK": "記憶體"}, "运行": {"zh-Hant-TW": "運行"}}
    assert g.keep == {"某产品"}
    proc = run_cli("review", str(copy_), "--glossary-out", str(out), "--source", str(src))
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    assert read_glossary(out).terms["默认"] == {"zh-Hant-TW": "默認"}


def test_refuses_a_simplified_copy_and_an_unnamed_one(tmp_path):
    src = tmp_path / "energy.md"
    src.write_text(SOURCE, "utf-8")
    docx = build(src, tmp_path / "a", "docx", "zh-Hans") / "energy.zh-Hans.docx"
    proc = run_cli("review", str(docx), "--glossary-out", str(tmp_path / "g.toml"))
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1
    assert "learns from a Traditional edition" in proc.stderr
    plain = tmp_path / "reviewed.docx"
    plain.write_bytes(docx.read_bytes())
    proc = run_cli("review", str(plain), "--glossary-out", str(tmp_path / "g.toml"))
    assert proc.returncode == 2 and "cannot tell which edition" in proc.stderr
    assert not (tmp_path / "g.toml").exists()
