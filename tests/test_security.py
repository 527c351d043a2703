"""Hostile and broken input (issue 8): no network, no file from outside the source's
folder, no active content in any edition, and no crash on enormous, deep or cut-off
sources."""

from __future__ import annotations

import base64
import json
import re
import socketserver
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pymupdf
import pytest

from publish import pandoc
from publish.document import Document
from publish.errors import SourceError
from publish.manuscript import shape
from publish.styles import STYLES
from publish.writers import pdf as pdf_writer
from tests import readback
from tests.conftest import run_cli
from tests.test_images import png

SECRET = "TOPSECRET-7c1e9a"  # in a file next to the source that nothing may publish
OUTSIDE = "OUTSIDE-SECRET-52d0"  # in a picture outside the source's folder
PASSWD = "root:x:0:0"


class Listener:
    """A TCP server on 127.0.0.1 that records every connection made to it."""

    def __init__(self) -> None:
        hits: list[tuple[str, int]] = []

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                hits.append(self.client_address)
                self.request.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n")

        self.hits = hits
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


def hostile_source(folder: Path, url: str) -> Path:
    """A report that points at the listener and at local files in every way we know."""
    folder.mkdir(parents=True)
    outside = folder.parent / "outside"
    outside.mkdir()
    (outside / "secret.png").write_bytes(png(note=OUTSIDE.encode()))
    (folder / "secret.txt").write_text(SECRET)
    (folder / "pic.png").write_bytes(png())
    (folder / "link.png").symlink_to(outside / "secret.png")
    (folder / "evil.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20">'
        f'<image href="{url}/svg-image.png" width="5" height="5"/>'
        f'<image href="file://{folder}/secret.txt"/><script>alert(1)</script>'
        '<rect width="20" height="20" fill="blue"/></svg>'
    )
    text = f"""# 恶意输入

正文 ![远程图片]({url}/remote.png) ![本地图片](pic.png) ![矢量图](evil.svg)
![秘密](secret.txt) ![外面](../outside/secret.png) ![链接](link.png)
![绝对](/etc/passwd) ![文件](file:///etc/passwd) ![ftp](ftp://127.0.0.1:{url[-5:]}/x.png)

<img src="{url}/raw.png" alt="原始远程"> <img src="secret.txt" alt="原始秘密">
<link rel="stylesheet" href="{url}/style.css">
<link rel="attachment" href="file:///etc/passwd">
<style>@import url({url}/import.css); body {{ background: url({url}/bg.png); }}</style>
<script src="{url}/script.js"></script><script>fetch("{url}/fetch")</script>
<iframe src="{url}/frame"></iframe><object data="{url}/object"></object>
<embed src="{url}/embed"><video src="{url}/video"></video><audio src="{url}/audio"></audio>
<form action="{url}/form"><input name="q"></form>
<span style="background-image:url({url}/span.png)" onmouseover="x()">悬停</span>

<a href="javascript:alert(1)">脚本链接</a> <a rel="attachment" href="secret.txt">附件</a>
<a href="{url}/page" onclick="steal()">普通链接</a> <svg><use href="{url}/use#x"/></svg>

[假链接](javascript:alert(1)) [数据链接](data:text/html;base64,PHNjcmlwdD4=)
[文件链接](file:///etc/passwd) [附件](secret.txt){{rel=attachment}} [网页]({url}/md-link)

::: {{style="background:url({url}/div.png)" onclick="x()"}}
带属性的块
:::

```{{=html}}
<img src="x" onerror="alert(1)"><base href="{url}/">
```
"""
    source = folder / "report.md"
    source.write_text(text, "utf-8")
    return source


@pytest.fixture(scope="module")
def hostile(listener: Listener, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    source = hostile_source(root / "src", listener.url)
    out = root / "out"
    proc = run_cli("build", str(source), "--out", str(out), "--editions", "zh-Hans", "--jobs", "1")
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    return out / "report"


def test_no_connection_is_attempted(hostile: Path, listener: Listener) -> None:
    time.sleep(0.2)  # a connection in flight would be counted by now
    assert listener.hits == []


def _everything(path: Path) -> str:
    """All the bytes of an output as a user could get at them, decoded leniently."""
    data = path.read_bytes()
    parts = [data]
    if path.suffix in (".epub", ".docx"):
        with zipfile.ZipFile(path) as z:
            parts += [z.read(n) for n in z.namelist()]
    if path.suffix == ".pdf":
        with pymupdf.open(path) as doc:
            parts += [doc.embfile_get(i) for i in range(doc.embfile_count())]
            parts += [page.get_text().encode() for page in doc]
            parts += [json.dumps(page.get_links(), default=str).encode() for page in doc]
    text = "\n".join(p.decode("utf-8", "replace") for p in parts)
    for m in re.finditer(r"data:[\w/+.-]+;base64,([A-Za-z0-9+/=]+)", text):
        text += base64.b64decode(m.group(1)).decode("utf-8", "replace")
    return text


def test_no_secret_in_any_output(hostile: Path) -> None:
    outputs = sorted(hostile.iterdir())
    assert {p.suffix for p in outputs} >= {".pdf", ".epub", ".docx", ".html", ".json"}
    for path in outputs:
        text = _everything(path)
        for secret in (SECRET, OUTSIDE, PASSWD):
            assert secret not in text, (path.name, secret)


def test_pdf_has_no_attachments_and_no_local_links(hostile: Path) -> None:
    with pymupdf.open(hostile / "report.zh-Hans.pdf") as doc:
        assert doc.embfile_count() == 0
        for page in doc:
            assert not [a for a in page.annots() if a.type[1] == "FileAttachment"]
            for link in page.get_links():
                assert "file" not in link and not link.get("uri", "").startswith("file:"), link


def _active(tree) -> list[str]:
    found = []
    body = "//*[local-name()='body']"
    for name in ("script", "iframe", "object", "embed", "form", "input", "link", "base", "style"):
        found += [f"<{name}>" for _ in tree.xpath(f"{body}//*[local-name()='{name}']")]
    for elem in tree.iter():
        if not isinstance(elem.tag, str):
            continue
        for key, value in elem.attrib.items():
            key = key.lower().rsplit("}", 1)[-1]
            low = value.strip().lower()
            if key.startswith("on"):
                found.append(f"{key}=")
            if key in ("href", "src") and low.startswith(("javascript:", "vbscript:", "data:text")):
                found.append(f"{key}={value[:20]}")
            if key == "style" and "url(" in low:
                found.append("style url(")
            if key == "rel" and "attachment" in low:
                found.append("rel=attachment")
    return found


def test_no_active_content_in_html_or_epub(hostile: Path) -> None:
    html = readback.html_doc(hostile / "report.zh-Hans.html")
    assert _active(html) == []
    for chapter in readback.epub_xhtml(hostile / "report.zh-Hans.epub"):
        assert _active(chapter) == []
    # the words stay
    text = html.text_content()
    for words in ("普通链接", "脚本链接", "假链接", "带属性的块", "远程图片", "原始秘密"):
        assert words in text


def test_what_was_refused_is_reported(hostile: Path) -> None:
    report = json.loads((hostile / "report.report.json").read_text("utf-8"))
    codes = {d["code"] for d in report["diagnostics"]}
    assert {"resource-refused", "html-sanitized", "link-refused"} <= codes
    refused = " ".join(d["message"] for d in report["diagnostics"])
    for what in ("secret.txt", "../outside/secret.png", "link.png", "/etc/passwd", "remote.png"):
        assert what in refused, what
    # the legitimate picture is there, once per format (beside the EPUB's own cover)
    files = readback.epub_files(hostile / "report.zh-Hans.epub")
    opf = next(v for k, v in files.items() if k.endswith(".opf")).decode()
    (cover,) = re.findall(r'<item properties="cover-image"[^>]*href="([^"]+)"', opf)
    pictures = [n for n in files if n.endswith(".png") and not n.endswith(cover)]
    assert len(pictures) == 1, pictures


def test_pdf_fetcher_serves_pictures_only(listener: Listener, tmp_path: Path) -> None:
    """WeasyPrint with our fetcher, on HTML the manuscript stage would never let through."""
    import weasyprint

    folder = tmp_path / "src"
    source = hostile_source(folder, listener.url)
    doc = Document(source=source, stem="report")
    page = f"""<html><head>
<link rel="attachment" href="file:///etc/passwd">
<link rel="stylesheet" href="{listener.url}/style.css">
<link rel="stylesheet" href="secret.txt">
<style>@import url("{listener.url}/import.css"); p {{ background: url(ftp://127.0.0.1/x) }}</style>
</head><body><p>正文</p>
<img src="{listener.url}/img.png" alt="远程图片说明">
<img src="pic.png" alt="本地"><img src="link.png" alt="符号链接"><img src="secret.txt" alt="秘密">
<img src="evil.svg" alt="矢量"><a rel="attachment" href="secret.txt">附件</a>
<img src="file:///etc/passwd" alt="系统文件"><img src="gopher://127.0.0.1/x" alt="地鼠">
</body></html>"""
    fetch = pdf_writer.fetcher(doc, pictures=folder, files=STYLES)
    out = tmp_path / "x.pdf"
    weasyprint.HTML(string=page, base_url=str(folder), url_fetcher=fetch).write_pdf(out)
    time.sleep(0.2)
    assert listener.hits == []
    text = _everything(out)
    for secret in (SECRET, OUTSIDE, PASSWD):
        assert secret not in text
    with pymupdf.open(out) as pdf:
        assert pdf.embfile_count() == 0
        shown = {img[0] for p in pdf for img in p.get_images()}
        assert len(shown) == 1  # pic.png only
        assert "远程图片说明" in pdf[0].get_text()  # a refused picture shows its description
    refused = {d.data["url"] for d in doc.diagnostics if d.code == "resource-refused"}
    for part in ("/etc/passwd", "style.css", "import.css", "img.png", "secret.txt", "link.png"):
        assert any(part in url for url in refused), part
    assert not any(url.endswith("pic.png") for url in refused)


# -- size and shape ----------------------------------------------------------------------
def test_deep_nesting_builds_flattened(tmp_path: Path) -> None:
    n = 500
    text = "# 深\n\n" + "> " * n + "引用最深处\n\n"
    text += "".join("  " * i + "- 项\n" for i in range(60)) + "  " * 60 + "- 列表最深处\n\n"
    text += "<div>\n" * 300 + "\n区块最深处\n\n" + "</div>\n" * 300 + "\n"
    text += "*_" * 200 + "强调最深处" + "_*" * 200 + "\n"
    source = tmp_path / "deep.md"
    source.write_text(text, "utf-8")
    proc = run_cli("build", str(source), "--out", str(tmp_path / "out"), "--editions", "zh-Hans")
    assert proc.returncode == 0, proc.stderr
    assert "nesting-flattened" in proc.stderr and "Traceback" not in proc.stderr
    # (a run of 400 "_*" marks CommonMark leaves as text sets the words one to a line)
    body = readback.pdf_text(tmp_path / "out" / "deep" / "deep.zh-Hans.pdf").replace("\n", "")
    html = readback.html_doc(tmp_path / "out" / "deep" / "deep.zh-Hans.html").text_content()
    for words in ("引用最深处", "列表最深处", "区块最深处", "强调最深处"):
        assert words in body and words in html


def test_flattening_keeps_every_word_in_order() -> None:
    ast, _ = pandoc.read_markdown("> " * 80 + "甲\n\n" + "*" * 1 + "乙*\n", "t")
    doc = Document(source=Path("t.md"), stem="t", ast=ast)
    before = readback_text(ast)
    shape.flatten_deep(doc)
    assert readback_text(ast) == before
    assert [d.code for d in doc.diagnostics] == ["nesting-flattened"]
    depth, stack = 0, [(ast["blocks"], 0)]
    while stack:
        value, d = stack.pop()
        depth = max(depth, d)
        if isinstance(value, list):
            stack += [(v, d) for v in value]
        elif isinstance(value, dict) and "t" in value:
            stack.append((value.get("c"), d + 1))
    assert depth <= shape.MAX_BLOCKS + shape.MAX_INLINES + 3


def test_walk_handles_any_depth(monkeypatch) -> None:
    from publish import ast as pandoc_ast

    deep: list = []
    inner = deep
    for _ in range(5000):
        nxt: list = []
        inner.append({"t": "BlockQuote", "c": nxt})
        inner = nxt
    inner.append({"t": "Para", "c": [{"t": "Str", "c": "底"}]})
    seen: list[str] = []

    def action(elem: dict, doc: object) -> list | None:
        seen.append(elem["t"])
        return [] if elem["t"] == "Str" else None

    pandoc_ast.walk(deep, action, None)
    assert seen[:2] == ["Str", "Para"] and len(seen) == 5002 and inner[0]["c"] == []
    # the explicit stack does what the recursion does: splices, deletions, order
    seed, _ = pandoc.read_markdown("# 标题\n\n一 *二* **三** [四](https://x.org)\n\n- 五\n", "t")
    results = []
    for level in (100, 0):
        monkeypatch.setattr(pandoc_ast, "DEEP", level)
        tree = json.loads(json.dumps(seed))
        order: list[str] = []

        def splice(elem: dict, doc: object, order: list[str] = order) -> list | None:
            order.append(elem["t"])
            return elem["c"] if elem["t"] in ("Emph", "Strong") else None

        pandoc_ast.walk(tree, splice, None)
        results.append((tree, order))
    assert results[0] == results[1]


def readback_text(ast: dict) -> str:
    from publish.ast import stringify

    return stringify(ast["blocks"]).replace(" ", "")


def test_long_line_reads_in_linear_time() -> None:
    """pandoc alone reads 480,000 characters of unspaced Chinese in 8 s and 2.4 million in
    minutes (quadratic); broken at sentence ends, it reads them in about a second."""
    text = "# 长\n\n" + "中文句子，包含一些文字。" * 60_000  # 720,000 characters, one line
    start = time.perf_counter()
    ast, _ = pandoc.read_markdown(text, "long.md")
    assert time.perf_counter() - start < 30
    para = ast["blocks"][1]
    assert para["t"] == "Para" and para["c"] == [{"t": "Str", "c": text[5:]}]


def test_long_paragraph_is_laid_out_in_pieces() -> None:
    text = "长段落的一句话，" * 10 + "。"
    inlines = [{"t": "Str", "c": text * 100}]
    blocks = [{"t": "Para", "c": inlines}]
    pdf_writer._cut_long_paragraphs(blocks)
    div = blocks[0]
    assert div["t"] == "Div" and "long-paragraph" in div["c"][0][1]
    pieces = [p["c"][0]["c"] for p in div["c"][1]]
    assert "".join(pieces) == text * 100
    assert all(p.endswith("。") for p in pieces[:-1])
    assert max(map(len, pieces)) < pdf_writer.PIECE + len(text)


def test_exponential_brackets_stop_with_one_line_error(monkeypatch) -> None:
    monkeypatch.setattr(pandoc, "TIMEOUT_BASE", 2.0)
    monkeypatch.setattr(pandoc, "TIMEOUT_PER_MB", 0.0)
    text = "# 括号\n\n正文\n\n" + "[" * 40 + "x" + "]" * 40 + "\n"
    start = time.perf_counter()
    with pytest.raises(SourceError) as err:
        pandoc.read_markdown(text, "brackets.md", "markdown")  # CommonMark reads it at once
    assert time.perf_counter() - start < 10
    message = str(err.value)
    assert "\n" not in message and "brackets.md" in message
    assert "brackets.md:5: [brackets] nested up to 40 deep" in message


def test_many_citations_and_a_long_url_build(tmp_path: Path) -> None:
    cites = "".join(f"第{i}句[[{i}]](https://example.com/p/{i})。" for i in range(1, 801))
    url = "https://example.com/" + "a" * 20_000
    table = "| 列 | 值 |\n|---|---|\n" + "".join(f"| {i} | 值{i} |\n" for i in range(2000))
    source = tmp_path / "big.md"
    source.write_text(f"# 大\n\n{cites}\n\n见 <{url}> 。\n\n{table}", "utf-8")
    out = tmp_path / "out"
    proc = run_cli(
        "build", str(source), "--out", str(out), "--editions", "zh-Hans", "--formats", "html,epub"
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads((out / "big" / "big.report.json").read_text("utf-8"))
    assert len(report["references"]) == 800
    assert len(readback.refs_html(out / "big" / "big.zh-Hans.html")) == 800


# -- truncated at the end of the file ----------------------------------------------------
CUT = {
    "table": "| 列一 | 列二 |\n|---|---|\n| 1 | 2 |\n| 3",
    "fence": "```python\nprint('未完')\n",
    "link": "更多内容见[这篇文章](https://example.com/artic",
    "tag": '更多内容见<a href="https://example.com/artic',
}
REASON = {"table": "inside a table", "fence": "inside a code block", "link": "inside a link"}
REASON["tag"] = "inside an HTML tag"


def test_truncated_structures_build_and_are_reported(tmp_path: Path) -> None:
    sources = []
    for name, tail in CUT.items():
        path = tmp_path / f"cut-{name}.md"
        path.write_text(f"# 截断\n\n完整的第一段。\n\n{tail}", "utf-8")
        sources.append(str(path))
    out = tmp_path / "out"
    proc = run_cli(
        "build", *sources, "--out", str(out), "--editions", "zh-Hans", "--formats", "html,pdf"
    )
    assert proc.returncode == 0, proc.stderr
    for name in CUT:
        stem = f"cut-{name}"
        report = json.loads((out / stem / f"{stem}.report.json").read_text("utf-8"))
        reasons = [d["message"] for d in report["diagnostics"] if d["code"] == "source-truncated"]
        assert any(REASON[name] in r for r in reasons), (name, reasons)
        html = readback.html_doc(out / stem / f"{stem}.zh-Hans.html").text_content()
        pdf = readback.pdf_body_text(out / stem / f"{stem}.zh-Hans.pdf")
        for text in (html, pdf):
            assert "完整的第一段" in text
            assert "```" not in text and "<a" not in text and "](" not in text
