"""Citation numbers written bare, as Gemini's Deep Research exports them.

Its reports cite by a number after a space, before the sentence's punctuation or at a
line's end (``观点 11，``, ``的数据资源或数据集 1。``, ``3, 12。``), and end with a numbered list
of the sources under ``引用的著作`` / ``Works cited`` (``1. 标题, 访问时间为 四月 20, 2025，
[https://…](https://…)``). pandoc printed the numbers as words of the sentence and the list
as a list of its own, beside no reference list.

Where a document ends with such a list (a heading the reference step knows as a list of
sources, then numbered lines each holding an address, most saying when the source was
read, as Gemini's do), each bare number from 1 to the
list's length, in the lines above it, becomes the citation ``[[n]](address)`` the reference
step reads (``references/collect.py``), which then takes the list as the source's own
(``references/listed.py``): one numbered list in every format, the titles the author's.
A number after a digit, a space inside a number, or one followed by a unit (``12%``, ``3 个``)
is not read; code is left alone; line numbers stay true.

Other assistants mark their citations themselves: DeepSeek's ``[citation:3]``, Kimi's
``[^2^]``. With such a list they are its citations too; without one (the sources stayed
in the chat) they are left out, kept in the report, and said in a warning, as ChatGPT's
are (``:contentReference[oaicite:5]{index=5}``, ``【6†L12-L20】``: its own sources only).
"""

from __future__ import annotations

import re

from publish.document import Document
from publish.lines import scan
from publish.references.listed import is_title

HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.*?)[ \t#]*$")
# the list's title as a bold line of its own (an export that wrote no heading)
LABEL = re.compile(r"^ {0,3}(?:\*\*|__)([^*_\n]{1,24}?)[:：]?(?:\*\*|__)[ \t]*$")
ENTRY = re.compile(r"^ {0,3}(\d{1,4})[.)][ \t]+\S")
ADDRESS = re.compile(r"\]\((https?://[^()\s]+(?:\([^()\s]*\)[^()\s]*)*)\)|(https?://[^\s<>()\]]+)")
# a space, one number or several ("3, 12"), then the sentence's punctuation or the line's end;
# not a figure's, table's, chapter's or step's own number (见图 1。, 第 3，, 步骤 2。)
BARE = re.compile(
    r"(?<=[^\s\d%.,:;(（\[【#*|图表第式例章节条步骤圖節條驟])[ \t](\d{1,3}(?:,[ \t]?\d{1,3})*)"
    r"(?=[，。；：！？、,.;:!?)）]|[ \t]*\|(?!\|)|[ \t]*$)"
)


READ = re.compile(r"访问时间|訪問時間|accessed", re.I)  # Gemini's "访问时间为 四月 20, 2025"
# Assistants' own markers: DeepSeek's [citation:3] (and [citation:1,4]), Kimi's [^2^]; and
# ChatGPT's, which name sources of its own only (the space after one goes with it):
# :contentReference[oaicite:5]{index=5}, 【6†L12-L20】.
MARKER = re.compile(
    r"\[citation:\s*(\d{1,3}(?:\s*,\s*\d{1,3})*)\]|\[\^(\d{1,3})\^\]"
    r"|(?::?contentReference\[oaicite:\d{1,4}\](?:\{index=\d{1,4}\})?|【\d{1,4}†[^】\n]{0,60}】)"
    r"[ \t]?"
)


def bare_citation_numbers(doc: Document) -> None:
    """Text level, before parsing: see module."""
    lines = doc.text.split("\n")
    info = scan(lines)
    start, sources = _sources(lines, info)
    _markers(doc, lines, info, sources)
    # Gemini's list says when it read each source: without that mark, a number before a
    # full stop is left as the author's number (排名前 10。)
    read = sum(bool(READ.search(lines[k])) for k in range(start, len(lines)))
    if not sources or read < len(sources) / 2:
        doc.text = "\n".join(lines)
        return
    made = 0

    def cite(m: re.Match[str]) -> str:
        nonlocal made
        numbers = [int(x) for x in re.split(r",[ \t]?", m.group(1))]
        if not all(n in sources for n in numbers):
            return m.group(0)
        made += len(numbers)
        return " " + "".join(f"[[{n}]](<{sources[n]}>)" for n in numbers)

    for n in range(start):
        if not (info[n].code or info[n].front) and not HEADING.match(lines[n]):
            lines[n] = BARE.sub(cite, lines[n])
    doc.text = "\n".join(lines)
    if made:
        doc.info(
            "bare-citations",
            f"{made} citation number(s) written bare (Gemini's 观点 11，) read as citations "
            f"of the list of sources at line {start + 1}",
            start + 1,
        )


def _sources(lines: list[str], info: list) -> tuple[int, dict[int, str]]:
    """The last list of sources: its heading's line, and {number: address}."""
    for n in range(len(lines) - 1, -1, -1):
        m = HEADING.match(lines[n]) or LABEL.match(lines[n])
        if m is None or info[n].code or not is_title(re.sub(r"[*_`]", "", m.group(1))):
            continue
        sources: dict[int, str] = {}
        for k in range(n + 1, len(lines)):
            line = lines[k]
            if HEADING.match(line):
                break
            entry = ENTRY.match(line)
            address = ADDRESS.search(line) if entry else None
            if entry and address:
                sources[int(entry.group(1))] = address.group(1) or address.group(2)
        # numbered from 1 with few gaps: a list of sources, not a list that holds links
        if len(sources) >= 2 and 1 in sources and len(sources) >= 0.8 * max(sources):
            return n, sources
        return 0, {}
    return 0, {}


def _markers(doc: Document, lines: list[str], info: list, sources: dict[int, str]) -> None:
    """DeepSeek's ``[citation:3]`` and Kimi's ``[^2^]``, copied from a chat with the
    sources left behind in it: citations of the document's own list of sources where it
    has one; else left out (they printed as written and led nowhere), kept in the report,
    and said in one warning."""
    dropped: list[tuple[int, str]] = []
    for n, line in enumerate(lines):
        if info[n].code or info[n].front or ("[" not in line and "【" not in line):
            continue

        def mark(m: re.Match[str], n: int = n) -> str:
            given = m.group(1) or m.group(2) or ""
            numbers = [int(x) for x in re.split(r"\s*,\s*", given)] if given else []
            if numbers and sources and all(k in sources for k in numbers):
                return "".join(f"[[{k}]](<{sources[k]}>)" for k in numbers)
            dropped.append((n + 1, m.group(0)))
            return ""

        lines[n] = MARKER.sub(mark, line)
    if not dropped:
        return
    for line, text in dropped:
        doc.removed.append({"where": "citation-marker", "line": line, "text": text})
    doc.warn(
        "citation-markers-dropped",
        f"{len(dropped)} citation marker(s) of a chat ({dropped[0][1]}…) name sources the "
        "document does not list: left out; add the sources as links, or a numbered list "
        "of them under a heading 参考资料",
        dropped[0][0],
    )
