"""Bounded memory (issue 16): pictures checked from their headers before anything decodes
them, a report's pictures within a budget, TeX macros expanded within bounds, and
``publish review`` refusing zip bombs and documents nested too deep. Each build runs in a
child process whose peak memory is read back from the kernel (``ru_maxrss``)."""

from __future__ import annotations

import base64
import io
import json
import os
import re
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

import pymupdf
import pytest
from PIL import Image

from publish import review
from publish.manuscript import images

# A build of a two-line report peaks at about 110 MB (HTML, DOCX) and 270 MB (PDF, with
# WeasyPrint); before these checks the pictures below took 0.45 to 4 GB.
PEAK_MB = 400

MEASURE = """
import resource, subprocess, sys
proc = subprocess.run(sys.argv[1:], capture_output=True, text=True, timeout=120)
sys.stdout.write(proc.stdout)
sys.stderr.write(proc.stderr)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024, file=sys.stderr)
sys.exit(proc.returncode)
"""


def measured(*args: str) -> tuple[int, str, int]:
    """``python -m publish ARGS`` in a fresh process: exit status, stderr and the peak
    resident memory in MB of the largest process it ran (the fresh parent sees only
    this command's processes)."""
    cmd = [sys.executable, "-c", MEASURE, sys.executable, "-m", "publish", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=180, check=False)
    *lines, peak = proc.stderr.rstrip("\n").split("\n")
    return proc.returncode, "\n".join(lines), int(peak)


def jpeg(width: int, height: int) -> bytes:
    """A real 8 × 8 JPEG whose frame header says ``width`` × ``height`` (633 bytes)."""
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, "JPEG")
    data = bytearray(out.getvalue())
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def png_gray(width: int, height: int) -> bytes:
    """A black grayscale PNG, compressed as far as zlib goes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    z = zlib.compressobj(9)
    row = bytes(width + 1)
    body = b"".join(z.compress(row) for _ in range(height)) + z.flush()
    head = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", head) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def laughs(levels: int) -> bytes:
    """An SVG whose every group draws the one before ten times: 10^levels rectangles."""
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'width="10" height="10"><defs><rect id="l0" width="1" height="1"/>'
    ]
    for i in range(1, levels):
        parts.append(f'<g id="l{i}">' + f'<use xlink:href="#l{i - 1}"/>' * 10 + "</g>")
    parts.append(f'</defs><use xlink:href="#l{levels - 1}"/></svg>')
    return "".join(parts).encode()


def report(folder: Path, body: str, name: str = "r.md") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / name
    source.write_text(f"# 报告\n\n正文。\n\n{body}\n", encoding="utf-8")
    return source


def build(source: Path, out: Path, formats: str) -> tuple[int, str, int]:
    return measured(
        "build", str(source), "--out", str(out), "--formats", formats, "--editions", "zh-Hans"
    )


# -- pictures ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "said"),
    [
        ("big.jpg", jpeg(65500, 65500), "the picture has 4,290 megapixels, more than 50"),
        ("big.png", png_gray(12000, 12000), "12000 × 12000 pixels is more than 50 megapixels"),
    ],
)
def test_huge_pictures_are_refused_from_their_header(
    tmp_path: Path, name: str, data: bytes, said: str
) -> None:
    source = report(tmp_path / "src", f"![流程图的说明]({name})")
    (source.parent / name).write_bytes(data)
    code, err, peak = build(source, tmp_path / "out", "pdf,docx")
    assert code == 0, err
    assert f"r.md:5: warning: image {name}: {said}" in err
    assert "[resource-refused]" in err
    assert "Decompression" not in err and "Traceback" not in err and "WeasyPrint" not in err
    assert peak < PEAK_MB, f"{peak} MB"
    with zipfile.ZipFile(tmp_path / "out" / "r" / "r.zh-Hans.docx") as z:
        assert not [n for n in z.namelist() if n.startswith("word/media/")]
        assert "流程图的说明" in z.read("word/document.xml").decode("utf-8")
    with pymupdf.open(tmp_path / "out" / "r" / "r.zh-Hans.pdf") as pdf:
        assert "流程图的说明" in "".join(page.get_text() for page in pdf)
        assert not any(page.get_images() for page in pdf)


def test_svg_of_nested_use_is_refused_quickly(tmp_path: Path) -> None:
    source = report(tmp_path / "src", "![示意图](laughs.svg)")
    (source.parent / "laughs.svg").write_bytes(laughs(9))  # 10^8 rectangles from 2 KB
    start = time.monotonic()
    code, err, peak = build(source, tmp_path / "out", "pdf")
    assert code == 0, err
    assert time.monotonic() - start < 30
    assert peak < PEAK_MB, f"{peak} MB"
    assert "r.md:5: warning: image laughs.svg: the SVG draws more than 100000 elements" in err
    with pymupdf.open(tmp_path / "out" / "r" / "r.zh-Hans.pdf") as pdf:
        assert "示意图" in "".join(page.get_text() for page in pdf)


def svg_file(folder: Path, body: str) -> str:
    svg = f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">{body}</svg>'
    (folder / "a.svg").write_text(svg, encoding="utf-8")
    return "a.svg"


def test_svg_checks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a plot's markers: one symbol drawn by thousands of <use>, as matplotlib writes them
    marker = '<defs><path id="m" d="M0 0h1v1z"/></defs>'
    points = "".join(f'<use xlink:href="#m" x="{i}" y="{i % 7}"/>' for i in range(5000))
    assert images.resolve(svg_file(tmp_path, marker + points), tmp_path).uri
    # a <use> inside the group it draws
    cycle = '<g id="g"><rect width="1" height="1"/><use href="#g"/></g>'
    found = images.resolve(svg_file(tmp_path, cycle), tmp_path)
    assert found.uri is None and "draws itself" in found.reason
    # a huge picture inside the SVG: WeasyPrint would decode it
    inner = base64.b64encode(jpeg(65500, 65500)).decode()
    holder = f'<image width="9" height="9" href="data:image/jpeg;base64,{inner}"/>'
    found = images.resolve(svg_file(tmp_path, holder), tmp_path)
    assert found.uri is None and found.reason.startswith("a picture inside the SVG: ")
    assert "megapixels" in found.reason
    # many elements; a big file
    monkeypatch.setattr(images, "MAX_SVG_ELEMENTS", 100)
    found = images.resolve(svg_file(tmp_path, "<g/>" * 101), tmp_path)
    assert found.uri is None and "more than 100 elements" in found.reason
    monkeypatch.setattr(images, "MAX_SVG_BYTES", 1000)
    found = images.resolve(svg_file(tmp_path, f"<desc>{'x' * 1000}</desc>"), tmp_path)
    assert found.uri is None and "too big" in found.reason


def test_a_damaged_picture_is_refused(tmp_path: Path) -> None:
    (tmp_path / "cut.png").write_bytes(png_gray(10, 10)[:20])
    found = images.resolve("cut.png", tmp_path)
    assert found.uri is None and "cannot be read" in found.reason


def test_one_picture_shown_forty_times_stops_at_the_budget(tmp_path: Path) -> None:
    folder = tmp_path / "src"
    folder.mkdir()
    noise = Image.frombytes("L", (1024, 1024), os.urandom(1024 * 1024))
    noise.save(folder / "noise.png")  # 1 MB that does not compress
    size = (folder / "noise.png").stat().st_size
    source = report(folder, "\n\n".join(f"![图 {i}](noise.png)" for i in range(40)))
    code, err, peak = build(source, tmp_path / "out", "html")
    assert code == 0, err
    html = (tmp_path / "out" / "r" / "r.zh-Hans.html").read_text(encoding="utf-8")
    shown = len(re.findall(r"<img [^>]*src=\"data:image/png", html))
    assert shown == 1 + images.MAX_REPEATED // size  # once, then repeats up to 10 MiB
    assert "图 39" in html  # a picture left out keeps its description
    assert len(html) < 1.4 * (shown + 1) * size  # base64 is 4/3 of the bytes
    assert err.count("warning: image noise.png: shown") == 1, err
    assert peak < 1000, f"{peak} MB"  # pandoc's HTML writer takes ~60 MB per MB of picture


# -- TeX macros ----------------------------------------------------------------------------

# ten macros, each the one before ten times: 10^10 characters from 362 bytes
BOMB = "\\newcommand{\\a}{xxxxxxxxxx}" + "".join(
    "\\newcommand{\\" + n + "}{" + ("\\" + p) * 10 + "}"
    for p, n in zip("abcdefghi", "bcdefghij", strict=True)
)


def test_macro_bomb_is_shown_as_its_tex(tmp_path: Path) -> None:
    body = (
        f"炸弹：${BOMB}\\j$\n\n"
        "定义：$\\newcommand{\\R}{\\mathbb{R}}$ 之后 $x \\in \\R^n$ 照常。\n\n"
        "$$\\def\\f#1#2{\\frac{#1}{#2}}\\f{a}{b}$$"
    )
    source = report(tmp_path / "src", body)
    start = time.monotonic()
    code, err, peak = build(source, tmp_path / "out", "html,pdf")
    assert code == 0, err
    assert time.monotonic() - start < 60
    assert peak < PEAK_MB, f"{peak} MB"
    warned = [ln for ln in err.splitlines() if "[math-expansion]" in ln]
    assert len(warned) == 1 and warned[0].startswith(f"{source}:5: warning: ")
    assert "expand to over" in warned[0]
    html = (tmp_path / "out" / "r" / "r.zh-Hans.html").read_text(encoding="utf-8")
    assert '<code class="math-text">\\newcommand{\\a}{xxxxxxxxxx}' in html
    assert "xxxxxxxxxxxxxxxxxxxx" not in html
    # the macros of the other formulas are expanded as MathJax would (ℝ is \mathbb{R})
    assert re.search(r"<msup><mi[^>]*>ℝ</mi><mi>n</mi></msup>", html)
    assert re.search("定义：(<span></span>)? 之后", html)  # only definitions: nothing shows
    assert "<mfrac>" in html
    with pymupdf.open(tmp_path / "out" / "r" / "r.zh-Hans.pdf") as pdf:
        text = "".join(page.get_text() for page in pdf)
    assert "\\newcommand{\\a}{xxxxxxxxxx}" in text.replace("\n", "")


# -- publish review ------------------------------------------------------------------------

DOCUMENT = (
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body>{}</w:body></w:document>"
)
CONTENT_TYPES = (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/></Types>'
)
RELS = (
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)


def docx(path: Path, body: str, extra: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS)
        z.writestr("word/document.xml", DOCUMENT.format(body))
        for name, data in (extra or {}).items():
            z.writestr(name, data, compresslevel=9)
    return path


def para(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def one_line_error(code: int, err: str, path: Path) -> str:
    assert code == 1, err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0], err
    return lines[0]


def test_review_refuses_a_zip_bomb(tmp_path: Path) -> None:
    zeros = bytes(2**24)
    with zipfile.ZipFile(tmp_path / "bomb.docx", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS)
        with z.open("word/document.xml", "w") as part:  # 256 MiB in about 250 KB
            for _ in range(16):
                part.write(zeros)
    assert (tmp_path / "bomb.docx").stat().st_size < 2**20
    code, err, peak = measured("review", str(tmp_path / "bomb.docx"))
    line = one_line_error(code, err, tmp_path / "bomb.docx")
    assert "unpacks to 256 MiB (over 200 MiB)" in line
    assert peak < 200, f"{peak} MB"


def test_review_refuses_a_part_packed_too_tight(tmp_path: Path) -> None:
    path = docx(tmp_path / "tight.docx", para("正文"), {"word/media/x.bin": bytes(50 * 2**20)})
    code, err, peak = measured("review", str(path))
    line = one_line_error(code, err, path)
    assert "word/media/x.bin packs 50 MiB over 100 times" in line
    assert peak < 200, f"{peak} MB"


def test_review_reads_no_further_than_a_part_declares(tmp_path: Path) -> None:
    """A part whose header says 1 KB but which unpacks to 40 MB: pandoc never sees it."""
    path = docx(tmp_path / "lying.docx", para("正文"), {"word/media/x.bin": bytes(40 * 2**20)})
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("word/media/x.bin")
    local = info.header_offset
    data[local + 22 : local + 26] = struct.pack("<I", 1024)  # the local header's size
    central = data.index(b"PK\x01\x02", local)
    while data[central + 46 : central + 46 + len(info.filename)] != info.filename.encode():
        central = data.index(b"PK\x01\x02", central + 4)
    data[central + 24 : central + 28] = struct.pack("<I", 1024)  # the central directory's
    path.write_bytes(bytes(data))
    code, err, peak = measured("review", str(path))
    line = one_line_error(code, err, path)
    assert "damaged DOCX" in line
    assert peak < 200, f"{peak} MB"


def test_review_refuses_tables_nested_too_deep(tmp_path: Path) -> None:
    cell = para("最里面")
    for _ in range(200):
        cell = f"<w:tbl><w:tr><w:tc>{cell}</w:tc></w:tr></w:tbl>{para('')}"
    path = docx(tmp_path / "nested.docx", para("正文") + cell)
    code, err, _ = measured("review", str(path))
    line = one_line_error(code, err, path)
    assert "nested more than" in line and "tables or lists inside each other" in line


def test_review_still_reads_tables_a_few_deep(tmp_path: Path) -> None:
    cell = (
        '<w:p><w:r><w:t>旧文</w:t></w:r><w:ins w:id="1" w:author="审校" '
        'w:date="2024-01-01T00:00:00Z"><w:r><w:t>新增</w:t></w:r></w:ins></w:p>'
    )
    for _ in range(5):
        cell = f"<w:tbl><w:tr><w:tc>{cell}</w:tc></w:tr></w:tbl>{para('')}"
    path = docx(tmp_path / "tables.docx", cell)
    proc = subprocess.run(
        [sys.executable, "-m", "publish", "review", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "insert (审校, 2024-01-01): 新增 | at: 旧文[+新增]" in proc.stdout


def test_reader_is_linear_in_a_paragraph_of_many_changes() -> None:
    """50,000 tracked changes in one paragraph: each change's place was found by summing
    the paragraph so far (quadratic: minutes); now a running count."""
    ins = {"t": "Span", "c": [["", ["insertion"], [["author", "甲"]]], [{"t": "Str", "c": "增"}]]}
    dele = {"t": "Span", "c": [["", ["deletion"], [["author", "乙"]]], [{"t": "Str", "c": "删"}]]}
    inlines: list[object] = []
    for _ in range(25_000):
        inlines += [{"t": "Str", "c": "文字"}, ins, dele]
    reader = review.Reader()
    start = time.monotonic()
    reader.walk_blocks(json.loads(json.dumps([{"t": "Para", "c": inlines}])))
    assert time.monotonic() - start < 3
    assert len(reader.items) == 50_000
    last = reader.items[-1]
    assert (last.kind, last.text, last.start, last.end) == ("delete", "删", 74_999, 75_000)
