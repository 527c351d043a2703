"""Active content (issue 16): one allow-list for raw content, one link policy judged as a
browser parses an address, a checked references sidecar, and front matter that cannot
reach an output's head, title page or properties."""

from __future__ import annotations

import json
import re
import zipfile
from html import unescape
from pathlib import Path

import pytest

from publish import links
from tests.conftest import build, run_cli

PORT = "127.0.0.1:9"  # an address that must appear in no output


def _texts(folder: Path) -> dict[str, str]:
    """Every output's text, the files inside EPUB and DOCX zips one by one."""
    out: dict[str, str] = {}
    for f in sorted(folder.iterdir()):
        if f.suffix in (".epub", ".docx"):
            with zipfile.ZipFile(f) as z:
                for name in z.namelist():
                    out[f"{f.name}!{name}"] = z.read(name).decode("utf-8", "replace")
        elif f.suffix in (".html", ".json"):
            out[f.name] = f.read_text("utf-8")
    return out


def _hrefs(html: str) -> list[str]:
    """Link addresses as a browser reads them (entities decoded, then WHATWG's clean-up)."""
    return [links.parse(unescape(h)) for h in re.findall(r'\bhref="([^"]*)"', html)]


@pytest.mark.parametrize(
    "target",
    [
        "javascript:alert(1)",
        "\x01javascript:alert(1)",
        " \x00JavaScript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "vbscript:x",
        "data:text/html,<script>",
        "file:///etc/passwd",
        "ms-word:ofe|u|http://x",
        "https://a.example/\x01x",
    ],
)
def test_link_policy_refuses_what_a_browser_would_run(target: str) -> None:
    assert links.safe(target) is None


@pytest.mark.parametrize(
    ("target", "kept"),
    [
        ("https://a.example/x?y=1#z", "https://a.example/x?y=1#z"),
        (" https://a.example/\n", "https://a.example/"),
        ("#section-2", "#section-2"),
        ("chapter.html", "chapter.html"),
        ("C:\\notes\\a.md", "C:\\notes\\a.md"),  # a drive letter, not a scheme
        ("mailto:a@b.example", "mailto:a@b.example"),
    ],
)
def test_link_policy_keeps_ordinary_addresses(target: str, kept: str) -> None:
    assert links.safe(target) == kept


def test_doi_forms() -> None:
    assert links.doi("10.1000/xyz123") == "10.1000/xyz123"
    assert links.doi("https://doi.org/10.1000/xyz123") == "10.1000/xyz123"
    assert links.doi("doi:10.1000/a(b)") == "10.1000/a(b)"
    assert links.doi("javascript://%0aalert(1)") is None
    assert links.doi("10.1000/x\x01y") is None


RAW = f"""# 报告

正文[点我](&#x01;javascript:alert(1))，[另一个](java&#x0A;script:alert(2))，[好链接](https://a.example/x)。

```{{=openxml}}
<w:r><w:fldSimple w:instr='INCLUDEPICTURE "http://{PORT}/x"'/></w:r>
```

```{{=revealjs}}
<script>fetch("http://{PORT}/r")</script>
```

```{{=s5}}
<img src=x onerror="fetch('http://{PORT}/s')">
```

行内 `<b onclick=x>粗</b>`{{=slidy}} 与 `\\\\input{{/etc/passwd}}`{{=latex}} 之后。

路径 C:\\Windows\\explorer.exe 要照原样印出。
"""


def test_raw_content_of_other_formats_never_reaches_an_output(tmp_path: Path) -> None:
    src = tmp_path / "raw.md"
    src.write_text(RAW, "utf-8")
    proc = run_cli(
        "build", str(src), "--out", str(tmp_path / "o"), "--formats", "html,epub,docx",
        "--editions", "zh-Hans",
    )
    assert proc.returncode == 0, proc.stderr
    texts = _texts(tmp_path / "o" / "raw")
    for name, text in texts.items():
        if name.endswith(".json"):
            continue
        assert PORT not in text, name
        assert "INCLUDEPICTURE" not in text, name
        assert not re.search(r"<script|onerror|onclick", text, re.I), name
        for href in _hrefs(text):
            assert links.safe(href) is not None, (name, href)
    docx = texts["raw.zh-Hans.docx!word/_rels/document.xml.rels"]
    assert "javascript" not in docx.lower()
    html = texts["raw.zh-Hans.html"]
    assert "https://a.example/x" in _hrefs(html)
    # what the author typed as TeX commands prints as typed
    assert "C:\\Windows\\explorer.exe" in unescape(re.sub(r"<[^>]+>", "", html))
    # one warning names the formats and the first line
    line = RAW.split("\n").index("```{=openxml}") + 1
    assert re.search(
        rf"raw\.md:{line}: warning: 4 raw block\(s\) of format openxml, revealjs, s5, slidy "
        r".*\[raw-dropped\]",
        proc.stderr,
    ), proc.stderr
    assert "[link-refused]" in proc.stderr
    assert "\\x01javascript:alert(1)" in proc.stderr


FRONT = f"""---
title: "标题 ![x](http://{PORT}/t.png)"
author:
  - "![头像](http://{PORT}/a.png)张三"
  - name: 李四
    affiliation: 某大学
header-includes: |
  ```{{=revealjs}}
  <script>fetch("http://{PORT}/h")</script>
  ```
highlighting-css: "@import url(http://{PORT}/x.css);"
bibliography: /etc/passwd
citation-abbreviations: ../../../etc/hostname
csl: /etc/passwd
include-before: "<script>1</script>"
abstract: |
  摘要正文。

  ```{{=slidy}}
  <img src=x onerror="fetch('http://{PORT}/a')">
  ```
layout: post
tags: [a, b]
---

# 一

正文。
"""


def test_front_matter_carries_no_active_content(tmp_path: Path) -> None:
    src = tmp_path / "front.md"
    src.write_text(FRONT, "utf-8")
    proc = run_cli(
        "build", str(src), "--out", str(tmp_path / "o"), "--formats", "html,epub,docx",
        "--editions", "zh-Hant-TW",
    )
    assert proc.returncode == 0, proc.stderr
    assert "passwd" not in proc.stderr and "hostname" not in proc.stderr
    texts = _texts(tmp_path / "o" / "front")
    for name, text in texts.items():
        assert PORT not in text, name
        assert not re.search(r"<script|onerror|@import|root:x:0", text, re.I), name
    title_page = texts["front.zh-Hant-TW.epub!EPUB/text/title_page.xhtml"]
    assert "張三" in title_page and "李四" in title_page
    assert "<img" not in title_page
    assert "摘要正文" in title_page  # the abstract itself is kept
    custom = texts.get("front.zh-Hant-TW.docx!docProps/custom.xml", "")
    for key in ("highlighting-css", "bibliography", "csl", "layout", "tags", "header-includes"):
        assert f'name="{key}"' not in custom
    assert re.search(
        r"front\.md:\d+: warning: front matter keys .*bibliography, citation-abbreviations, "
        r"csl, header-includes, highlighting-css, include-before.*\[metadata-refused\]",
        proc.stderr,
    ), proc.stderr
    report = json.loads((tmp_path / "o" / "front" / "front.report.json").read_text("utf-8"))
    ignored = [d for d in report["diagnostics"] if d["code"] == "metadata-ignored"]
    assert ignored and ignored[0]["data"]["keys"] == ["layout", "tags"]


def test_sidecar_values_are_checked(tmp_path: Path) -> None:
    src = tmp_path / "r.md"
    src.write_text(
        "# 报告\n\n正文[[1]](https://a.example/x)与[[2]](https://b.example/y)。\n", "utf-8"
    )
    (tmp_path / "r.refs.yaml").write_text(
        "references:\n"
        "  - url: https://a.example/x\n"
        '    title: "<script>alert(1)</script>真实标题"\n'
        '    DOI: "javascript://%0aalert(1)"\n'
        "    issued: 2024-01-02\n"
        "    author: [{family: 张, given: 三}]\n"
        "  - url: https://b.example/y\n"
        '    DOI: "https://doi.org/10.1000/xyz123"\n'
        '    URL: "javascript:alert(2)"\n'
        "    publisher: {evil: 1}\n"
        '  - url: "javascript:alert(3)"\n'
        "    title: 不该出现\n",
        "utf-8",
    )
    out = build(src, tmp_path / "o", "html,docx", "zh-Hans")
    html = (out / "r.zh-Hans.html").read_text("utf-8")
    hrefs = _hrefs(html)
    assert all(links.safe(h) is not None for h in hrefs), hrefs
    assert "https://doi.org/10.1000/xyz123" in hrefs
    assert "真实标题" in html and "<script" not in html and "alert(" not in html
    assert "2024" in html and "张" in html
    report = json.loads((out / "r.report.json").read_text("utf-8"))
    refused = [d for d in report["diagnostics"] if d["code"] == "reference-field-refused"]
    assert len(refused) == 1 and len(refused[0]["data"]["refused"]) == 3


def test_docx_properties_hold_no_machine_path(tmp_path: Path) -> None:
    src = tmp_path / "c.md"
    src.write_text("# 报告\n\n正文[[1]](https://a.example/x)。\n", "utf-8")
    out = build(src, tmp_path / "o", "docx", "zh-Hans")
    with zipfile.ZipFile(out / "c.zh-Hans.docx") as z:
        names = z.namelist()
        props = z.read("docProps/custom.xml").decode() if "docProps/custom.xml" in names else ""
        body = b"".join(z.read(n) for n in names).decode("utf-8", "replace")
    assert "site-packages" not in body and ".csl" not in body
    assert 'name="references"' not in props and 'name="link-citations"' not in props


def test_no_output_holds_a_path_of_the_build_machine(seed_out: Path) -> None:
    """Every file of a full build, inside EPUB and DOCX zips and in the PDFs' text and
    metadata, names no folder of the machine that built it (issue 16, item 7)."""
    import sys

    import pymupdf

    from tests.conftest import ROOT

    paths = {str(ROOT), sys.prefix, str(Path.home()) + "/", "site-packages", "/tmp/"}
    for f in sorted(seed_out.rglob("*")):
        if not f.is_file() or f.name == "stderr.txt" or f.name.startswith("."):  # state: ours
            continue
        if f.suffix in (".epub", ".docx"):
            with zipfile.ZipFile(f) as z:
                parts = {n: z.read(n).decode("utf-8", "replace") for n in z.namelist()}
        elif f.suffix == ".pdf":
            with pymupdf.open(f) as pdf:
                meta = json.dumps(pdf.metadata, ensure_ascii=False)
                parts = {"text": "".join(p.get_text() for p in pdf), "meta": meta}
                parts |= {f"xref{x}": pdf.xref_object(x) for x in range(1, pdf.xref_length())}
        else:
            parts = {"": f.read_bytes().decode("utf-8", "replace")}
        for name, text in parts.items():
            for p in paths:
                assert p not in text, (f.name, name, p)
