"""Images (issue 3, item 8): paths resolve relative to the source file, a missing image keeps
its description, paths cannot leave the source's folder, and the picture reaches all four
formats."""

from __future__ import annotations

import base64
import json
import os
import struct
import zipfile
import zlib
from pathlib import Path

import pymupdf
import pytest

from publish.manuscript import images
from tests import readback
from tests.conftest import run_cli


def png(width: int = 12, height: int = 8, note: bytes = b"") -> bytes:
    """A small red PNG; ``note`` goes into a tEXt chunk (to find its bytes again)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    head = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    text = chunk(b"tEXt", b"Comment\x00" + note) if note else b""
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", head)
        + text
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return make_folder(tmp_path)


def make_folder(tmp_path: Path) -> Path:
    src = tmp_path / "report"
    (src / "img").mkdir(parents=True)
    (src / "img" / "a.png").write_bytes(png())
    (src / "img" / "b c.png").write_bytes(png(5, 5))
    (src / "notes.txt").write_text("not a picture")
    (tmp_path / "outside.png").write_bytes(png(3, 3))
    (src / "out.png").symlink_to(tmp_path / "outside.png")
    (src / "in.png").symlink_to(src / "img" / "a.png")
    return src


@pytest.mark.parametrize(
    ("target", "code"),
    [
        ("img/a.png", ""),
        ("img/b%20c.png", ""),  # a URL-encoded name
        ("img/b c.png", ""),
        ("./img/../img/a.png?raw=1#x", ""),  # ".." that stays inside is fine
        ("in.png", ""),  # a symlink to a file inside
        ("missing.png", "image-missing"),
        ("../outside.png", "resource-refused"),
        ("img/../../outside.png", "resource-refused"),
        ("out.png", "resource-refused"),  # a symlink pointing out
        ("/etc/passwd", "resource-refused"),
        ("file:///etc/passwd", "resource-refused"),
        ("notes.txt", "resource-refused"),  # not an image
        ("https://example.com/a.png", "resource-refused"),
        ("data:text/html;base64,PHNjcmlwdD4=", "resource-refused"),
    ],
)
def test_resolve(folder: Path, target: str, code: str) -> None:
    found = images.resolve(target, folder)
    assert found.code == code, found
    if not code:
        assert found.uri and found.uri.startswith("data:image/png;base64,")
        assert base64.b64decode(found.uri.split(",", 1)[1]).startswith(b"\x89PNG")
    else:
        assert found.uri is None and found.reason


def test_remote_image_is_marked_remote(folder: Path) -> None:
    assert images.resolve("https://example.com/a.png", folder).remote
    assert not images.resolve("missing.png", folder).remote


def test_too_big(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(images, "MAX_BYTES", 10)
    assert images.resolve("img/a.png", folder).code == "resource-refused"


def test_svg_keeps_drawing_loses_scripts_and_links() -> None:
    svg = b"""<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">
  <defs><linearGradient id="g"/></defs>
  <script>alert(1)</script>
  <rect width="10" height="10" fill="url(#g)" onclick="x()"/>
  <image xlink:href="file:///etc/passwd" href="http://127.0.0.1:9/x.png"/>
  <style>@import url(http://127.0.0.1:9/s.css);</style>
  <foreignObject><div>html</div></foreignObject>
</svg>"""
    clean = images.clean_svg(svg)
    assert clean is not None
    text = clean.decode()
    assert 'fill="url(#g)"' in text and "<rect" in text
    for gone in ("script", "onclick", "passwd", "127.0.0.1", "@import", "foreignObject"):
        assert gone not in text
    assert images.clean_svg(b"<svg><unclosed></svg>") is None
    xxe = b'<!DOCTYPE s [<!ENTITY e SYSTEM "file:///etc/passwd">]><svg>&e;</svg>'
    assert b"root:" not in (images.clean_svg(xxe) or b"")


SOURCE = """# 图片

正文第一段。

![本地图片](img/a.png)

行内 <img src="img/b%20c.png" alt="原始图片"> 图。

![缺失的图片](img/none.png)

![外面的图片](../outside.png)
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp_path = tmp_path_factory.mktemp("images")
    folder = make_folder(tmp_path)
    (folder / "图片 报告.md").write_text(SOURCE, "utf-8")
    out = tmp_path / "out"
    # from another working directory: paths resolve relative to the source, not the cwd
    proc = run_cli(
        "build", str(folder / "图片 报告.md"), "--out", str(out), "--editions", "zh-Hans",
        "--jobs", "1", cwd=Path("/"),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return out / "图片-报告"


def output(built: Path, fmt: str) -> Path:
    return built / f"图片-报告.zh-Hans.{fmt}"


def test_pictures_reach_every_format(built: Path) -> None:
    epub = readback.epub_files(output(built, "epub"))
    assert len([n for n in epub if n.endswith(".png")]) == 3  # the two, and the cover
    with zipfile.ZipFile(output(built, "docx")) as z:
        assert len([n for n in z.namelist() if n.startswith("word/media/")]) == 2
    html = readback.html_doc(output(built, "html"))
    srcs = html.xpath("//img/@src")
    assert len(srcs) == 2 and all(s.startswith("data:image/png;base64,") for s in srcs)
    with pymupdf.open(output(built, "pdf")) as pdf:
        assert len({img[0] for page in pdf for img in page.get_images()}) == 2


def test_missing_picture_keeps_its_description(built: Path) -> None:
    chapters = readback.epub_xhtml(output(built, "epub"))
    texts = {
        "html": readback.html_doc(output(built, "html")).text_content(),
        "pdf": readback.pdf_text(output(built, "pdf")),
        "epub": "".join("".join(t.itertext()) for t in chapters),
        "docx": "".join(readback.docx_xml(output(built, "docx")).itertext()),
    }
    for fmt, text in texts.items():
        assert "缺失的图片" in text, fmt
        assert "外面的图片" in text, fmt
        assert text.count("缺失的图片") == 1, fmt  # once: not as picture and caption
    report = json.loads((built / "图片-报告.report.json").read_text("utf-8"))
    found = {(d["code"], d["line"]) for d in report["diagnostics"]}
    assert ("image-missing", 9) in found
    assert ("resource-refused", 11) in found


def test_symlink_out_of_the_folder_is_not_followed(folder: Path) -> None:
    assert os.path.islink(folder / "out.png")
    assert images.resolve("out.png", folder).code == "resource-refused"


def test_html_pictures_pass_pandoc_as_tokens_and_come_back_whole(tmp_path):
    """pandoc's HTML writer took ~200× a picture's size in memory to carry its data:
    address; it now carries a token, and the address goes back in afterwards."""
    from tests.conftest import build

    data = png(64, 48)
    (tmp_path / "a.png").write_bytes(data)
    src = tmp_path / "p.md"
    src.write_text(
        "# 图\n\n![一](a.png)\n\n![二](a.png)\n\n<p><img src=\"a.png\" alt=\"三\"></p>\n", "utf-8"
    )
    out = build(src, tmp_path / "o", "html,pdf", "zh-Hans")
    html = (out / "p.zh-Hans.html").read_text("utf-8")
    uri = "data:image/png;base64," + base64.b64encode(data).decode()
    assert html.count(f'src="{uri}"') == 3 and "publish-picture-" not in html
