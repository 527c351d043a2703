"""Obsidian's own syntax that pandoc would print as written.

- ``![[架构图.png]]``, ``![[架构图.png|300]]``: a picture of the vault, embedded (its width
  kept): pandoc's reader saw a wikilink, and the wikilink step printed "架构图.png" or
  "300". Written as ``![](<架构图.png>){width=300px}`` before parsing; the picture is then
  found, embedded or reported missing as any other. Embeds of notes (``![[周报#进展]]``)
  stay wikilinks (their text).
- ``%%私下备注%%`` (inline, or from a line starting ``%%`` to the next ``%%``): a comment
  Obsidian never shows, and an author writes what is not for readers in it. Left out,
  kept in ``Document.removed`` (``obsidian-comment``, info); it was published. A ``%%``
  that nothing closes, or Jupyter's ``%%timeit``, stays text.
- ``核心观点。 ^k3x9a1``: a block's identifier, for links into it; not text.

Line numbers stay true; code is left alone.
"""

from __future__ import annotations

import re

from publish.document import Document
from publish.lines import scan

PICTURE = re.compile(
    r"!\[\[([^\[\]|\n]+?\.(?:png|jpe?g|gif|svg|webp|bmp|avif|tiff?))"
    r"(?:\|(\d{1,4})(?:x(\d{1,4}))?|\|[^\[\]\n]*)?\]\]",
    re.IGNORECASE,
)
COMMENT = re.compile(r"%%.*?%%")
OPENER = re.compile(r"^[ \t]*%%(?![A-Za-z])")
# a letter in it: "面积 10 ^2" at a line's end is not one
_ID = r"\^(?=[A-Za-z0-9-]*[A-Za-z])[A-Za-z0-9-]{2,40}[ \t]*$"
BLOCK_ID = re.compile(rf"(?<=\S)[ \t]+{_ID}|^[ \t]*{_ID}")


def obsidian_syntax(doc: Document) -> None:
    """Text level, before parsing: see module."""
    if "![[" not in doc.text and "%%" not in doc.text and "^" not in doc.text:
        return
    lines = doc.text.split("\n")
    info = scan(lines, nested=True)
    comments: list[tuple[int, str]] = []
    pictures = 0
    block = None  # the line a %% comment over several lines opened on
    for n, line in enumerate(lines):
        if info[n].code or info[n].front:
            continue
        if block is not None:
            comments.append((n + 1, line))
            if "%%" in line:
                lines[n] = line.split("%%", 1)[1]
                block = None
            else:
                lines[n] = ""
            continue
        parts = line.split("`")
        for k in range(0, len(parts), 2):  # even parts are outside inline code
            for m in COMMENT.finditer(parts[k]):
                comments.append((n + 1, m.group()))
            parts[k] = COMMENT.sub("", parts[k])
            parts[k], found = PICTURE.subn(_picture, parts[k])
            pictures += found
            if k == 0 and OPENER.match(parts[k]) and "%%" in "\n".join(lines[n + 1 :]):
                # a line that starts with %% opens a comment a later line closes (not
                # Jupyter's %%timeit, and never one that nothing closes: it would hide
                # everything after it)
                head, rest = parts[k].split("%%", 1)
                comments.append((n + 1, "%%" + rest + "`".join(["", *parts[k + 1 :]])))
                parts, block = [*parts[:k], head], n
                break
        line = "`".join(parts)
        if "^" in line and not line.lstrip().startswith(("|", ">", "$")):
            line = BLOCK_ID.sub("", line)
        lines[n] = line
    text = "\n".join(lines)
    if text == doc.text:
        return
    doc.text = text
    for line, what in comments:
        doc.removed.append({"where": "obsidian-comment", "line": line, "text": what})
    if comments:
        doc.info(
            "obsidian-comment",
            f"{len({n for n, _ in comments})} line(s) of Obsidian comments (%%…%%) left "
            "out: Obsidian never shows them",
            comments[0][0],
        )
    if pictures:
        doc.info("obsidian-picture", f"{pictures} embedded picture(s) (![[…]]) read as pictures")


def _picture(m: re.Match[str]) -> str:
    target, width, height = m.group(1).strip(), m.group(2), m.group(3)
    size = []
    if width:
        size.append(f"width={width}px")
    if height:
        size.append(f"height={height}px")
    return f"![](<{target}>)" + ("{" + " ".join(size) + "}" if size else "")
