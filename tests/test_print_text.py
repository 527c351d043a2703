"""Print typography of body text, read back from the seed's PDFs (issue 10, item 2): lines
flush on both margins, a quarter-em gap between Han and Western text (clreq), and text
that still copies out as the sentence that was written."""

from __future__ import annotations

import re
import statistics
from itertools import pairwise
from pathlib import Path

import pymupdf
import pytest

from publish.chars import CJK_CHARS
from publish.chars import HAN as HAN_CHARS
from publish.writers import justify, spacing
from tests import readback
from tests.conftest import EDITIONS

BODY_SIZE = 10.5  # 五号, print.css
CJK = re.compile(f"[{CJK_CHARS}]")
HAN = re.compile(f"[{HAN_CHARS}]")
# Western letters and digits (spacing.LATIN less %: the test reads words, not symbols)
LETTERS = spacing.LATIN.replace("%‰", "")
LATIN = re.compile(f"[{LETTERS}]")


def pdf_path(seed_dir: Path, ed: str) -> Path:
    return seed_dir / f"nn-llm-2024.{ed}.pdf"


def body_lines(page: pymupdf.Page) -> list[tuple[tuple[float, ...], list[dict]]]:
    """The lines of body text on ``page`` (serif at the body size; not headings, the
    reference list, tables or code), each as its bbox and its characters (with their
    size; superscript citation marks included), in reading order."""
    lines = []
    for block in page.get_text("rawdict")["blocks"]:
        for line in block.get("lines", []):
            spans = line["spans"]
            if not any(abs(s["size"] - BODY_SIZE) < 0.01 and "Serif" in s["font"] for s in spans):
                continue
            if any(s["size"] > BODY_SIZE + 0.01 for s in spans):
                continue
            chars = [{**c, "size": s["size"]} for s in spans for c in s["chars"] if c["c"].strip()]
            if chars:
                lines.append((line["bbox"], chars))
    return lines


def paragraph_lines(doc: pymupdf.Document) -> list[tuple[float, float, str]]:
    """(left, right, text) of every body line that its paragraph goes on after: the next
    body line on the page starts at the text block's left edge (a paragraph's first line
    is indented two characters) one line below. A page's last line is left out (its
    paragraph may end there)."""
    out = []
    for page in doc:
        lines = body_lines(page)
        left = min((bbox[0] for bbox, _ in lines), default=0)
        for (bbox, chars), (nbox, _) in pairwise(lines):
            below = 0 < nbox[1] - bbox[3] < BODY_SIZE
            if below and abs(nbox[0] - left) < 0.5 and bbox[0] - left < 2.5 * BODY_SIZE:
                x0 = min(c["bbox"][0] for c in chars)
                x1 = max(c["bbox"][2] for c in chars)
                out.append((x0, x1, "".join(c["c"] for c in chars)))
    return out


@pytest.mark.parametrize("ed", EDITIONS)
def test_body_lines_are_flush_on_both_margins(seed_dir, ed):
    with pymupdf.open(pdf_path(seed_dir, ed)) as doc:
        width = doc[0].rect.width
        lines = paragraph_lines(doc)
    assert len(lines) > 50
    left = min(x0 for x0, _, _ in lines)
    right = max(x1 for _, x1, _ in lines)
    assert abs(left - (width - right)) < 0.5  # the block is centred: the margins are the page's
    ragged = [(round(right - x1, 2), text) for _, x1, text in lines if abs(right - x1) > 0.5]
    assert not ragged, ragged[:5]
    # a line that is not a paragraph's first starts at the margin, not after a gap
    indented = [text for x0, _, text in lines if 0.5 < x0 - left < 1.5 * BODY_SIZE]
    assert not indented, indented[:5]


def boundary_gaps(doc: pymupdf.Document) -> list[tuple[float, str]]:
    """Gaps (in em) between a Han character and a Latin letter or digit beside it on a
    body line, with the pair, in either order (spaces in between are part of the gap)."""
    gaps = []
    for page in doc:
        for _, chars in body_lines(page):
            body = [c for c in chars if c["size"] == pytest.approx(BODY_SIZE, abs=0.01)]
            for a, b in pairwise(body):
                if (HAN.match(a["c"]) and LATIN.match(b["c"])) or (
                    LATIN.match(a["c"]) and HAN.match(b["c"])
                ):
                    gaps.append(((b["bbox"][0] - a["bbox"][2]) / BODY_SIZE, a["c"] + b["c"]))
    return gaps


@pytest.mark.parametrize("ed", EDITIONS)
def test_quarter_em_between_han_and_latin(seed_dir, ed):
    with pymupdf.open(pdf_path(seed_dir, ed)) as doc:
        gaps = boundary_gaps(doc)
    # the seed writes "在2024年", "AI技术": no space of its own in most of these
    assert len(gaps) > 50
    assert 0.24 <= statistics.median(g for g, _ in gaps) <= 0.3
    # every one has its gap (justification may widen it a little, never remove it)
    odd = [(round(g, 2), pair) for g, pair in gaps if not 0.2 <= g <= 0.5]
    assert not odd, odd[:5]


def body_paragraphs(seed_dir: Path, ed: str) -> list[str]:
    """The body paragraphs of the same edition as the HTML edition has them (no print
    transform there), without the reference list."""
    page = readback.html_doc(seed_dir / f"nn-llm-2024.{ed}.html")
    paras = page.xpath("//main//p[not(ancestor::*[@id='refs'])]")
    return [p.text_content() for p in paras if CJK.search(p.text_content())]


@pytest.mark.parametrize("ed", EDITIONS)
def test_text_reads_back_as_written(seed_dir, ed):
    """Copying out of the PDF gives the sentences as written: widening adds no characters,
    and the Han–Latin gap is a margin (publish/writers/spacing.py), no character: the text
    as drawn holds no space the source does not ("2024年" is found by a search)."""
    with pymupdf.open(pdf_path(seed_dir, ed)) as doc:
        # the text area, without running head and page number; the characters as drawn
        # (no space guessed from a gap)
        clip = [p.rect + (0, 80, 0, -80) for p in doc]
        pages = [
            p.get_text(clip=c, flags=pymupdf.TEXT_INHIBIT_SPACES)
            for p, c in zip(doc, clip, strict=True)
        ]
    text = "".join(pages)
    flat = re.sub(r"\n", "", text)
    paras = body_paragraphs(seed_dir, ed)
    assert len(paras) > 20
    for para in paras:
        # as written, spaces and all (a line may end at one of the author's spaces)
        assert re.sub(r"\s+", "", para) in re.sub(r"\s+", "", flat), para[:40]
        for word in re.findall(f"[{HAN_CHARS}][{LETTERS}]+|[{LETTERS}][{HAN_CHARS}]", para):
            assert word in flat, word
    # no space between two CJK characters, nor where Han meets Latin text unwritten
    assert not re.search(f"[{CJK_CHARS}] +[{CJK_CHARS}]", text)
    written = readback.html_doc(seed_dir / f"nn-llm-2024.{ed}.html").text_content()
    for m in re.finditer(f"[{HAN_CHARS}] +[{LETTERS}]|[{LETTERS}] +[{HAN_CHARS}]", text):
        assert m.group() in written, m.group()


def para(*inlines):
    return {"t": "Para", "c": list(inlines)}


def s(text):
    return {"t": "Str", "c": text}


SP = {"t": "Space"}


def test_widening_only_inside_inter_character(tmp_path):
    """WeasyPrint is wrapped once per process; outside the block it justifies as it always
    did (spaces only), so nothing else that lays out with it changes."""
    import weasyprint

    text = "深度学习作为人工智能领域的核心驱动力，延续了其迅猛发展的势头。" * 3
    page = (
        "<html lang=zh-Hans><style>@page { size: 120mm 60mm; margin: 10mm }"
        "body { margin: 0; font: 10.5pt 'Noto Serif CJK SC'; text-align: justify }"
        f"p {{ width: 81.3mm; margin: 0 }}</style><p>{text}</p></html>"
    )

    def first_line_end(path: Path) -> float:
        with pymupdf.open(path) as doc:
            line = doc[0].get_text("rawdict")["blocks"][0]["lines"][0]
        return max(c["bbox"][2] for s in line["spans"] for c in s["chars"])

    right = (10 + 81.3) * 72 / 25.4
    with justify.inter_character():
        weasyprint.HTML(string=page).write_pdf(tmp_path / "on.pdf")
    weasyprint.HTML(string=page).write_pdf(tmp_path / "off.pdf")
    assert first_line_end(tmp_path / "on.pdf") == pytest.approx(right, abs=0.3)
    assert right - first_line_end(tmp_path / "off.pdf") > 2  # 81.3 mm is 21.9 characters


def test_a_line_left_short_by_a_long_address_is_not_spread(tmp_path):
    """A label whose address goes to the next line ("原始 URL：" + a long URL that breaks
    only at its slashes) stays set close, flush at its start: justified, its few
    characters came out 2–4 em apart. Lines of prose around it are still justified."""
    import weasyprint

    url = "https://www.example.com/en/newsroom/press-releases/" + "-".join(["gartner"] * 12)
    prose = "深度学习作为人工智能领域的核心驱动力，延续了其迅猛发展的势头。" * 3
    page = (
        "<html lang=zh-Hant-TW><meta charset=utf-8><style>@page { size: 120mm 90mm; margin: 10mm }"
        "body { margin: 0; font: 10.5pt 'Noto Serif CJK TC'; text-align: justify }"
        f"p {{ width: 81.3mm; margin: 0 }}</style><p>原始 URL：<a class=uri href='{url}'>"
        f"{url}</a></p><p>{prose}</p></html>"
    )
    with justify.inter_character():
        weasyprint.HTML(string=page).write_pdf(tmp_path / "a.pdf")
    with pymupdf.open(tmp_path / "a.pdf") as doc:
        lines = [ln for b in doc[0].get_text("rawdict")["blocks"] for ln in b.get("lines", [])]
    chars = [c for ln in lines for s in ln["spans"] for c in s["chars"]]
    first = {c["c"]: c["bbox"] for c in chars[:3]}
    em = 10.5
    assert first["始"][0] - first["原"][0] < 1.2 * em, first  # the label set close
    right = (10 + 81.3) * 72 / 25.4
    ends = [max(c["bbox"][2] for s in ln["spans"] for c in s["chars"]) for ln in lines]
    assert ends[0] < right - em  # flush at its start, not spread to the margin
    # the prose's five lines, its last one apart, are justified to the margin
    assert all(e == pytest.approx(right, abs=0.3) for e in ends[-5:-1]), ends


def test_a_list_broken_by_code_goes_on_with_its_numbers(tmp_path):
    """Steps with a code block between them (GitHub: 1, 2, 3): the HTML keeps
    <ol start="2">, but WeasyPrint ignores start and printed 1., 1., 2.; pandoc numbers the
    DOCX itself."""
    from tests.conftest import build

    src = tmp_path / "steps.md"
    src.write_text(
        "# 步骤\n\n1. 第一步：安装\n```bash\npip install foo\n```\n2. 第二步：配置\n"
        "3. 第三步：运行\n\n正文。\n\n7) 第七步\n",
        "utf-8",
    )
    folder = build(src, tmp_path / "o", "pdf", "zh-Hans")
    with pymupdf.open(folder / "steps.zh-Hans.pdf") as doc:
        text = "".join(page.get_text() for page in doc[1:])  # the body, after the cover
    # the markers are drawn apart from the items' text (MuPDF reads them after it)
    assert re.findall(r"(?m)^(\d+)\.\s*$", text) == ["1", "2", "3", "7"], text


def test_a_table_too_wide_for_the_page_is_set_to_fit(tmp_path):
    """A notebook's data frame of fifteen columns: WeasyPrint cut it at the page's right
    edge (its last columns lost, content-lost warnings). Set smaller, its long words given
    places to break (after "_", not inside a figure), every column is on the page."""
    from tests.conftest import run_cli

    head = "| 日期 | " + " | ".join(f"free_sulfur_dioxide_{i:02}" for i in range(14)) + " |"
    rule = "|" + "---|" * 15
    row = "| 2024-01-01 | " + " | ".join(f"{0.99 + i / 1000:.4f}" for i in range(14)) + " |"
    src = tmp_path / "wide.md"
    src.write_text(f"# 宽表\n\n{head}\n{rule}\n{row}\n\n正文。\n", "utf-8")
    out = tmp_path / "o"
    proc = run_cli(
        "build", str(src), "--out", str(out), "--formats", "pdf", "--editions", "zh-Hans"
    )
    assert proc.returncode == 0 and "0 warnings" in proc.stderr, proc.stderr
    with pymupdf.open(out / "wide" / "wide.zh-Hans.pdf") as doc:
        page = next(p for p in doc if "0.9900" in p.get_text())
        words = page.get_text("words")
        text = page.get_text()
        width = page.rect.width
    assert all(f"{0.99 + i / 1000:.4f}" in text for i in range(14)), text  # figures whole
    assert "\u200b" not in text
    right = max(w[2] for w in words)
    assert right <= width - 60, (right, width)  # inside the right margin
