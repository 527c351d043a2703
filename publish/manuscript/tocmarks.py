"""Contents markers: where an editor or a site generator draws the document's contents.

``[TOC]`` (Typora, Python-Markdown, many Chinese blog editors), ``@[TOC](文章目录)``
(CSDN's editor), ``[[toc]]`` (VuePress), ``[[_TOC_]]`` (GitLab, Azure DevOps), ``${toc}``,
and kramdown's ``* TOC`` over ``{:toc}``. pandoc prints each as text ("@TOC", "[TOC]"),
where the author meant the contents each edition makes itself (its own contents page,
navigation document or list). The marker's line is blanked before parsing (line numbers
stay true) and kept in ``Document.removed``; one ``toc-marker`` note gives the lines.
"""

from __future__ import annotations

import re

from publish.document import Document
from publish.lines import scan

MARKER = re.compile(
    r"^ {0,3}(?:@?\[toc\](?:\([^()\n]*\))?|\[\[_?toc_?\]\]|\$\{toc\}|\{:\s*toc\s*\})[ \t]*$",
    re.IGNORECASE,
)
# kramdown: a one-item list whose item is replaced by the contents, marked {:toc}
KRAMDOWN_ITEM = re.compile(r"^ {0,3}(?:[-*+]|1\.)[ \t]+\S.{0,20}$")
KRAMDOWN_IAL = re.compile(r"^ {0,3}\{:\s*toc\s*\}[ \t]*$", re.IGNORECASE)


def toc_markers(doc: Document) -> None:
    """Text level, before parsing: see module."""
    if "toc" not in doc.text.lower():
        return
    lines = doc.text.split("\n")
    found: list[int] = []
    for ln in scan(lines):
        if ln.code or ln.front or not MARKER.match(ln.text):
            continue
        n = ln.n
        if KRAMDOWN_IAL.match(ln.text) and n > 0 and KRAMDOWN_ITEM.match(lines[n - 1]):
            found.append(n - 1)  # the list item the contents stand in for
        found.append(n)
    if not found:
        return
    for n in found:
        doc.removed.append({"where": "toc-marker", "line": n + 1, "text": lines[n]})
        lines[n] = ""
    doc.text = "\n".join(lines)
    doc.info(
        "toc-marker",
        f"{len(found)} contents marker line(s) ([TOC], @[TOC]…) left out: each edition "
        "makes its own contents",
        found[0] + 1,
        lines=[n + 1 for n in found[:50]],
    )
