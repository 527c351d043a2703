"""Bounded time (issue 16): inputs that made a build superlinear finish, or fail in one line,
in time proportional to their size."""

from __future__ import annotations

import random
import re
import subprocess
import sys
import time
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from publish import hazards
from publish.document import Document
from publish.manuscript.texmath import tex_delimiters
from publish.manuscript.truncation import _dangling

MARKDOWN = "---\nfrom: markdown\n---\n\n"  # pandoc's own reader, the one with the hazards


def build(tmp: Path, text: str) -> tuple[subprocess.CompletedProcess[str], float]:
    src = tmp / "x.md"
    src.write_text(text, "utf-8")
    cmd = [sys.executable, "-m", "publish", "build", str(src), "--out", str(tmp / "o")]
    start = time.monotonic()
    proc = subprocess.run(
        [*cmd, "--formats", "html", "--editions", "zh-Hans", "--quiet"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    return proc, time.monotonic() - start


def test_tex_delimiters_in_linear_time() -> None:
    doc = Document(source=Path("x.md"), stem="x")
    doc.text = "\\[\n" * 50_000 + "\\(" * 200_000 + "\n\\(\\alpha\\) 与 \\(注\\)\n"
    start = time.monotonic()
    tex_delimiters(doc)
    assert time.monotonic() - start < 1.0
    assert doc.text.endswith("\n$\\alpha$ 与 \\(注\\)\n")


def test_cut_link_found_as_the_regex_did_in_linear_time() -> None:
    regex = re.compile(r"\[([^\[\]]*[^\[\]\d\s][^\[\]]*)\]\((\S*)$")
    rng = random.Random(7)
    tokens = ["[", "]", "(", ")", "](", "a", " ", "1", "文", "\n", "https://x", "[1]("]
    for _ in range(20_000):
        s = "".join(rng.choice(tokens) for _ in range(rng.randint(0, 12)))
        m = regex.search(s)
        assert _dangling(s) == ((m.start(), m.group(1), m.group(2)) if m else None), s
    start = time.monotonic()
    assert _dangling("见[文](" * 100_000 + " 后") is None  # the regex: minutes
    assert _dangling("见[文](https://a.example/x") == (1, "文", "https://a.example/x")
    assert time.monotonic() - start < 1.0


def test_brackets_pandoc_cannot_read_fail_at_once_naming_the_line(tmp_path: Path) -> None:
    """400 "[" that never close: pandoc's Markdown reader ran past its 120 s limit."""
    proc, took = build(tmp_path, MARKDOWN + "# 标题\n\n正文。\n\n" + "[文字" * 400 + "\n")
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1, proc.stderr
    assert "x.md:9: 400 “[” that never close in one paragraph" in proc.stderr
    assert took < 10


def test_stray_angle_brackets_and_ampersands_keep_their_text(tmp_path: Path) -> None:
    """30 "a<b" before 60 KB of text took pandoc about 10 s; escaped, they read at once
    and print as written."""
    body = "比较 a<b 与 x&y。\n\n" * 30 + ("这是一段很长的中文正文，" * 20 + "\n\n") * 250
    assert hazards.prepare(body, "markdown", "x") != body  # it is defused, not just fast
    proc, took = build(tmp_path, MARKDOWN + "# 标题\n\n" + body)
    assert proc.returncode == 0, proc.stderr
    html = (tmp_path / "o/x/x.zh-Hans.html").read_text("utf-8")
    assert html.count("比较 a&lt;b 与 x&amp;y。") == 30
    assert "\\" not in re.sub(r"<(script|style).*?</\1>", "", html, flags=re.S)
    assert took < 15


def test_commonmark_has_no_hazards_listed() -> None:
    text = "[" * 500 + "a<b" * 500
    assert hazards.prepare(text, "commonmark_x+east_asian_line_breaks", "x") is text


HAN = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工"
NASTY = [
    "<",
    "&entity",
    "![",
    "[[a](",
    "_",
    "[",
    "]",
    "](",
    "\\[",
    "\\(",
    "[[规则引擎]]",
    "`",
    "$",
    "*",
    "&amp;",
    "<b>",
    "a<b",
    "0123456789abcdef",
    " ",
    "\n",
    "\n\n",
]
piece = st.one_of(
    st.sampled_from(NASTY),
    st.text(alphabet=HAN + "，。", min_size=1, max_size=30),
    st.sampled_from(["[[3]](https://a.example/x)", "# 章\n\n", "- 项\n", "```\ncode<\n```\n"]),
)


@st.composite
def source(draw: st.DrawFn) -> str:
    """A random mixture, made large by repeating it: mostly small, sometimes ~1 MB."""
    parts = draw(st.lists(piece, min_size=1, max_size=40))
    times = draw(st.sampled_from([1, 1, 10, 100, 1000, 3000]))
    head = draw(st.sampled_from([MARKDOWN, ""]))
    return head + "# 标题\n\n" + "".join(parts) * times


@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    phases=[Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(text=source())
def test_any_source_builds_or_fails_cleanly_in_time(tmp_path: Path, text: str) -> None:
    proc, took = build(tmp_path, text)
    mb = len(text.encode()) / 2**20
    assert proc.returncode in (0, 1), proc.stderr
    if proc.returncode:
        assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert took < 3 + 15 * mb, f"{took:.1f} s for {mb:.2f} MB"
