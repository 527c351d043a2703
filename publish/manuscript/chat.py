"""Chat around the report: an assistant's preamble before it and sign-off after it.

Decision on outlines: an outline inside the preamble ("报告的主要内容如下：" and a list) is
removed with the rest of the preamble, never published, but it is kept in
``Document.outline`` so the truncation check can compare what was promised with what came.
"""

from __future__ import annotations

import re

from publish.document import Document

# How an assistant starts talking to the user, in Chinese and English.
OPENERS = re.compile(
    r"^\s*(?:好的|好，|当然|當然|没问题|沒問題|明白|收到|以下是|下面是|接下来|接下來|"
    r"我将|我將|我会|我會|我已|根据您|根據您|为您|為您|让我|讓我|"
    r"Sure\b|Okay\b|OK\b|Certainly\b|Of course\b|Here is\b|Here's\b|Below is\b|I will\b|I'll\b)",
    re.IGNORECASE,
)
# How an assistant signs off.
CLOSERS = re.compile(
    r"^\s*(?:希望(?:这|這|以上|本)|如需|如果您(?:需要|有|想)|如有(?:任何|其他|需要)|"
    r"如您|欢迎|歡迎|需要我|是否需要|要不要我|"
    r"I hope\b|Let me know\b|Feel free\b|If you (?:need|want|have)\b)",
    re.IGNORECASE,
)
HEADING = re.compile(r"^(#{1,6})\s+\S")
# A code fence line (``` or ~~~, indented at most 3): shared by the text-level checks.
FENCE = re.compile(r"^\s{0,3}(```+|~~~+)")  # group 1: the whole mark, for its length
RULE = re.compile(r"^\s{0,3}([-*_])(?:\s*\1){2,}\s*$")
OUTLINE_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(?:\*\*(.+?)\*\*|(.+?))(?:[:：]|$)")


def _front_matter_end(lines: list[str]) -> int:
    """Index of the first line after a YAML front matter block (0 if none)."""
    if lines and lines[0].strip() == "---":
        for i in range(1, len(lines)):
            if lines[i].strip() in ("---", "..."):
                return i + 1
    return 0


def _headings(lines: list[str], start: int) -> list[int]:
    """Indexes of ATX heading lines outside code fences."""
    out, fenced = [], False
    for i in range(start, len(lines)):
        if FENCE.match(lines[i]):
            fenced = not fenced
        elif not fenced and HEADING.match(lines[i]):
            out.append(i)
    return out


def _blank(doc: Document, lines: list[str], lo: int, hi: int, where: str) -> None:
    removed = "\n".join(lines[lo:hi]).strip("\n")
    doc.removed.append({"where": where, "line": lo + 1, "text": removed})
    for i in range(lo, hi):
        lines[i] = ""
    first = next((ln.strip() for ln in lines_of(removed) if ln.strip()), "")
    label = "preamble" if where == "preamble" else "closing chatter"
    doc.warn(
        "preamble-removed",
        f"removed the assistant's {label} (lines {lo + 1}-{hi}): {first[:40]}…",
        lo + 1,
        where=where,
        text=removed,
    )


def lines_of(text: str) -> list[str]:
    return text.split("\n")


def remove_chat(doc: Document) -> None:
    lines = lines_of(doc.text)
    start = _front_matter_end(lines)
    heads = _headings(lines, start)
    if not heads:
        return
    first = heads[0]
    before = [ln for ln in lines[start:first] if ln.strip()]
    if before and OPENERS.match(before[0]):
        doc.outline = [
            (m.group(1) or m.group(2)).strip() for ln in before if (m := OUTLINE_ITEM.match(ln))
        ]
        _blank(doc, lines, start, first, "preamble")
    # Closing chatter: paragraphs after the last rule or the last block that speak to the user.
    tail = len(lines)
    while tail > first and not lines[tail - 1].strip():
        tail -= 1
    para_start = tail
    while para_start > first and lines[para_start - 1].strip():
        para_start -= 1
    last = "\n".join(lines[para_start:tail])
    if para_start > first and CLOSERS.match(last) and not FENCE.match(last):
        lo = para_start
        # take a rule right above it too
        j = lo - 1
        while j > first and not lines[j].strip():
            j -= 1
        if RULE.match(lines[j]):
            lo = j
        _blank(doc, lines, lo, tail, "closing")
    doc.text = "\n".join(lines)
