"""Components of Vue, MDX and site themes: ``<VPCard title="尚书" desc="…" />``, ``<Badge
text="新" />``, ``<Tabs>``/``<TabItem label="…">``.

VuePress, VitePress and Docusaurus draw them from their attributes; to an HTML sanitiser
they are unknown elements (dropped with their attributes: a card's title and description
are its whole text), and written without a space between attributes (``desc="…"background=``)
CommonMark does not even take them for HTML and prints the tag. Before parsing, each is
replaced on its line by what the reader of the site saw: the text of its title, label,
description or text attributes (a title in bold, the rest after a dash); a closing tag
goes. Only names that are not HTML's, capitalised as components are; code is left alone.
One ``component`` note counts them.
"""

from __future__ import annotations

import re

from publish.document import Document
from publish.lines import scan

# A component's tag: a capitalised name, attributes (quoted values may hold ">").
TAG = re.compile(
    r"</?([A-Z][A-Za-z0-9]*(?:\.[A-Z][A-Za-z0-9]*)?)\b((?:[^<>\"']|\"[^\"]*\"|'[^']*')*)>"
)
ATTR = re.compile(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|\{["'`]([^"'`]*)["'`]\})""")
TITLES = ("title", "label", "name", "header")
WORDS = ("desc", "description", "text", "content", "caption", "alt")


def _shown(m: re.Match[str]) -> str:
    if m.group(0).startswith("</"):
        return ""
    attrs = {k.lower(): a or b or c for k, a, b, c in ATTR.findall(m.group(2))}
    title = next((attrs[k].strip() for k in TITLES if attrs.get(k, "").strip()), "")
    words = [attrs[k].strip() for k in WORDS if attrs.get(k, "").strip()]
    parts = ([f"**{title}**"] if title else []) + words
    return " —— ".join(parts)


def components(doc: Document) -> None:
    """Text level, before parsing: see module."""
    if "<" not in doc.text:
        return
    lines = doc.text.split("\n")
    count = 0
    for ln in scan(lines):
        if ln.code or ln.front or "<" not in ln.text:
            continue
        text = ln.text

        def repl(m: re.Match[str], text: str = text) -> str:
            nonlocal count
            if text.count("`", 0, m.start()) % 2:  # inside `code`
                return m.group(0)
            count += 1
            return _shown(m)

        new = TAG.sub(repl, text)
        if new != text:
            lines[ln.n] = new
    if count:
        doc.text = "\n".join(lines)
        doc.info(
            "component",
            f"{count} site-theme component tag(s) (<VPCard>, <Badge>, <Tabs>…) printed as "
            "the words they show",
        )
