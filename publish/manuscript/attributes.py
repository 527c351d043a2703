"""Attribute lines an editor keeps beside the text and never shows.

- kramdown's attribute lists on a line of their own: ``{: .note}``, ``{: #intro}`` (Jekyll),
  ``{: id="20230101120000-abcdefg" updated="…"}`` (SiYuan's Markdown export puts one under
  every block). pandoc printed them as text, their straight quotes curled.
- Logseq's properties, ``key:: value``. Those that open the page (``title:: 学习笔记``,
  ``tags:: 笔记``) are its metadata: read as the YAML front matter pandoc reads, or, with
  no room for it, a ``title::`` as the page's level-1 heading. Logseq's own properties of
  a block (``id:: 64a1…``, ``collapsed:: true``, ``heading:: 2``…) are not text; other
  ``key:: value`` lines in the body stay (Obsidian's Dataview shows them).
- Logseq's block references, ``((64a1b2c3-…))``: the block's text, as Logseq shows it;
  one to a block of another page is left out, said in a warning (its text is not here).

Every line keeps its place (line numbers stay true): a hidden line inside a list item or a
paragraph becomes an empty HTML comment, which neither ends the item nor loosens the list
as a blank line would; code is left alone.
"""

from __future__ import annotations

import json
import re

from publish.document import Document
from publish.lines import scan

IAL = re.compile(r"^[ \t]*(?:>[ \t]*)*\{:(?![ \t]*toc[ \t]*\})[^{}\n]*\}[ \t]*$", re.IGNORECASE)
PAGE_PROPERTY = re.compile(r"^([A-Za-z][\w.-]*)::(?:[ \t]+(.*?))?[ \t]*$")
PROPERTY = re.compile(r"^[ \t]*(?:[-*][ \t]+)?([A-Za-z][\w.-]*)::(?:[ \t]+(.*?))?[ \t]*$")
# Logseq's own block properties: what the outliner keeps about a block, never its text
LOGSEQ_KEYS = re.compile(
    r"id|collapsed|heading|background-color|template|template-including-parent"
    r"|(?:logseq|hl|ls|query)[.-][\w.-]+",
    re.IGNORECASE,
)
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
REFERENCE = re.compile(rf"\(\(({UUID})\)\)", re.IGNORECASE)
BLOCK = re.compile(r"^[ \t]*[-*][ \t]+(.*)$")
HIDDEN = "<!-- -->"  # a line that is no text, where a blank line would end the block


def attribute_lines(doc: Document) -> None:
    """Text level, before parsing: see module."""
    if "{:" not in doc.text and "::" not in doc.text and "((" not in doc.text:
        return
    lines = doc.text.split("\n")
    info = scan(lines, nested=True)
    hidden = 0
    top = _page_properties(lines) if not info[0].front else 0
    blocks: dict[str, str] = {}
    for n in range(top, len(lines)):
        line = lines[n]
        if info[n].code or info[n].front:
            continue
        m = PROPERTY.match(line)
        if IAL.match(line) or (m and LOGSEQ_KEYS.fullmatch(m.group(1))):
            if m and m.group(1).lower() == "id" and m.group(2):
                blocks[m.group(2).strip().lower()] = _block_text(lines, n)
            lead = re.match(r"[ \t>]*", line).group()  # type: ignore[union-attr]
            lines[n] = lead + HIDDEN if n and lines[n - 1].strip() else ""
            hidden += 1
    missing = 0

    def resolve(m: re.Match[str]) -> str:
        nonlocal missing
        text = blocks.get(m.group(1).lower())
        if text is None:
            missing += 1
            return ""
        return text

    for n, line in enumerate(lines):
        if "((" in line and not info[n].code:
            lines[n] = REFERENCE.sub(resolve, line)
    text = "\n".join(lines)
    if text == doc.text:
        return
    doc.text = text
    if top:
        doc.info("page-properties", f"{top} page property line(s) (key:: value): metadata", 1)
    if hidden:
        doc.info("attribute-lines", f"{hidden} attribute line(s) ({{: …}}, id:: …) left out")
    if missing:
        doc.warn(
            "block-reference-unresolved",
            f"{missing} block reference(s) ((…)) name a block of another page and are left "
            "out: publish that page too, or write the text in",
        )


def _page_properties(lines: list[str]) -> int:
    """Logseq's page properties at the top, rewritten in place as YAML front matter (or a
    title heading); returns how many lines they took."""
    props: dict[str, str] = {}
    k = 0
    while k < len(lines) and (m := PAGE_PROPERTY.match(lines[k])):
        props[m.group(1).lower()] = m.group(2) or ""
        k += 1
    if not props:
        return 0
    room = k + (k == len(lines) or not lines[k].strip())
    if room >= 3:  # ---, the mapping on one line (JSON, which YAML reads), ---
        lines[0], lines[1] = "---", json.dumps(props, ensure_ascii=False)
        lines[2 : room - 1] = [""] * (room - 3)
        if room - 1 < len(lines):
            lines[room - 1] = "---"
        else:
            lines.append("---")
        return k
    title = props.get("title", "").strip()
    for n in range(k):
        lines[n] = ""
    if title:
        lines[0] = f"# {title}"
    return k


def _block_text(lines: list[str], n: int) -> str:
    """The text of the Logseq block whose property is on line ``n``: its bullet's line."""
    for back in range(n - 1, -1, -1):
        m = BLOCK.match(lines[back])
        if m:
            return m.group(1).strip()
    return ""
