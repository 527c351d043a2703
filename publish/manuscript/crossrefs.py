"""Numbered figures and equations, and Quarto's cross-references to figures, tables,
sections and equations.

Quarto's syntax, in both readers (neither parses ``@`` as a citation here):

- a figure: ``![caption](a.png){#fig-id}``, or a ``::: {#fig-id}`` div whose last paragraph
  is the caption; pandoc's own figures (``--from markdown``) count too;
- a table: ``: caption {#tbl-id}`` after it, or a ``{#tbl-id}`` at the end of its "表：…"
  caption line, or a ``::: {#tbl-id}`` div around it (``captions.py`` numbers tables);
- a section: ``# 标题 {#sec-id}``;
- an equation: ``$$ … $$ {#eq-id}``.

``@fig-id`` / ``[@fig-id]`` become links reading "图 N", "表 N", "式 (N)", or the section's
title in quotes (sections are not numbered); "如图 @fig-id 所示" reads "如图 N 所示" (the
word is not said twice), as does ``-@fig-id``. Numbers are given here, once, in document
order, so every format and edition shows the same ones (the editions stage makes 图 圖).
A reference to no such label stays as written, with a ``crossref-unresolved`` warning.
"""

from __future__ import annotations

import re
from typing import Any

from publish.ast import (
    BLOCKS,
    Link,
    Plain,
    Space,
    Span,
    Str,
    blocks_of,
    caption_blocks,
    classes,
    elements,
    ident,
    inlines_of,
    lists,
    make_attr,
    math_kind,
    set_caption_blocks,
    set_ident,
    set_inlines,
    stringify,
    text,
)
from publish.document import Document

KINDS = ("fig", "tbl", "sec", "eq")
# "@fig-a", "[@fig-a]"; not "a@fig-a.com". The id ends on a letter or digit, so "见 @fig-a。"
# and "@fig-a." leave the full stop outside.
REF = re.compile(
    r"(\[)?(-)?(?<![A-Za-z0-9_.@])@"
    r"((?:fig|tbl|sec|eq)-[A-Za-z0-9_](?:[A-Za-z0-9_.:-]*[A-Za-z0-9_])?)(?(1)\])"
)
# What a reference prints before its number. Chinese authors often write the word
# themselves ("如图 @fig-a 所示", "见 @eq-b 式", Quarto's own advice being `-@fig-a`): the
# word is left out when the text beside the reference already says it, or with "-@".
PREFIX = {"fig": "图", "tbl": "表", "eq": "式", "sec": ""}
SAID = {"图": "图圖", "圖": "图圖", "表": "表", "式": "式"}
Targets = dict[str, tuple[str, str]]  # label -> (word, number): ("图", "2")
LABEL = re.compile(r"\{#((?:fig|tbl|sec|eq)-[^\s}]+)\}")
CAPTION_NUMBER = re.compile(r"^\s*(?:表格?|Table)\s*(\d+(?:[.-]\d+)*)")


def _label(inline: dict[str, Any], kind: str) -> str | None:
    """The ``{#kind-id}`` an inline carries: a wrapper span (commonmark_x's attributes on
    nothing) or the literal text (pandoc markdown leaves it as a Str)."""
    if inline["t"] == "Span":
        name = ident(inline)
        if name.startswith(kind + "-") and not stringify(inlines_of(inline)).strip():
            return name
    elif inline["t"] == "Str":
        m = LABEL.fullmatch(text(inline))
        if m and m.group(1).startswith(kind + "-"):
            return m.group(1)
    return None


def _trim(inlines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    while inlines and inlines[-1]["t"] in ("Space", "SoftBreak"):
        inlines = inlines[:-1]
    while inlines and inlines[0]["t"] in ("Space", "SoftBreak"):
        inlines = inlines[1:]
    return inlines


def _figure(name: str, caption: list[Any], content: list[Any]) -> dict[str, Any]:
    plain = [Plain(caption)] if caption else []
    return {"t": "Figure", "c": [make_attr(name), [None, plain], content]}


def _as_figure(block: dict[str, Any]) -> dict[str, Any] | None:
    """A paragraph of one picture labelled ``#fig-…``, or a ``#fig-…`` div, as a Figure."""
    if block["t"] == "Para":
        inl = _trim(inlines_of(block))
        if len(inl) == 1 and inl[0]["t"] == "Image" and ident(inl[0]).startswith("fig-"):
            image = inl[0]
            name = ident(image)
            set_ident(image, "")  # the figure carries it
            return _figure(name, list(inlines_of(image)), [Plain([image])])
    elif block["t"] == "Div" and ident(block).startswith("fig-"):
        body = blocks_of(block)
        last = body[-1] if body else None
        has_picture = any(e["t"] == "Image" for e in elements(body))
        caption = last and last["t"] == "Para" and len(body) > 1
        if has_picture and caption and not any(e["t"] == "Image" for e in elements(last)):
            for image in elements(body[:-1]):
                if image["t"] == "Image" and not stringify(inlines_of(image)).strip():
                    set_inlines(image, [dict(x) for x in inlines_of(last)])  # its description
            return _figure(ident(block), inlines_of(last), body[:-1])
        if has_picture:
            return _figure(ident(block), [], body)
    return None


def _table_label(blocks: list[Any], i: int) -> None:
    """Move a ``{#tbl-…}`` from the paragraph after (``: caption {#tbl-id}``) or before (an
    italic "表：… {#tbl-id}" line) table ``blocks[i]`` onto the table."""
    table = blocks[i]
    for j in (i + 1, i - 1):
        if not 0 <= j < len(blocks) or blocks[j]["t"] not in ("Para", "Plain"):
            continue
        para = inlines_of(blocks[j])
        marked = (inlines_of(e) for e in para if e["t"] in ("Emph", "Strong"))
        for holder in [para, *marked]:
            for k, inline in enumerate(holder):
                name = _label(inline, "tbl")
                if not name:
                    continue
                del holder[k]
                set_ident(table, name)
                words = _trim(para)
                if j == i + 1 and words and words[0]["t"] == "Str" and text(words[0]) == ":":
                    # pandoc markdown's table caption, which CommonMark reads as a paragraph
                    set_caption_blocks(table, [Plain(_trim(words[1:]))])
                    del blocks[j]
                return


def crossref_targets(doc: Document) -> None:
    """Before table captions: labelled pictures and ``#fig-`` divs become figures, table
    labels move onto their tables, a ``#tbl-`` div around one table is opened."""
    for blocks in lists(doc.ast.get("blocks", []), _is_blocks):
        i = 0
        while i < len(blocks):
            block = blocks[i]
            figure = _as_figure(block)
            if figure is not None:
                blocks[i] = figure
            elif block["t"] == "Div" and ident(block).startswith("tbl-"):
                tables = [b for b in blocks_of(block) if b["t"] == "Table"]
                if len(tables) == 1 and not ident(tables[0]):
                    set_ident(tables[0], ident(block))
                    set_ident(block, "")
            elif block["t"] == "Table":
                _table_label(blocks, i)
                # by identity: index() compares by value, and two equal tables looped forever
                i = next(k for k, b in enumerate(blocks) if b is block)
            i += 1


def _is_blocks(items: list[Any]) -> bool:
    return bool(items) and all(isinstance(x, dict) and x.get("t") in BLOCKS for x in items)


def _equations(doc: Document, targets: Targets) -> None:
    """Number each labelled display formula: its label becomes "(N)" beside it."""
    n = 0
    for inlines in lists(doc.ast.get("blocks", []), _has_display_math):
        for k in range(len(inlines)):
            if inlines[k].get("t") != "Math" or math_kind(inlines[k]) != "DisplayMath":
                continue
            at = k + 1
            while at < len(inlines) and inlines[at]["t"] in ("Space", "SoftBreak"):
                at += 1
            name = _label(inlines[at], "eq") if at < len(inlines) else None
            if not name:
                continue
            n += 1
            number = Span([Str(f"({n})")], make_attr(name, ["equation-number"]))
            inlines[k + 1 : at + 1] = [Space(), number]
            targets[name] = ("式", f"({n})")


def _has_display_math(items: list[Any]) -> bool:
    return any(isinstance(x, dict) and x.get("t") == "Math" for x in items)


def _figure_word(doc: Document) -> str:
    """图, or 圖 in a Traditional text: a Traditional edition of a Traditional source is
    not converted, and printed the Simplified 图 (a Taiwan blog's "图 1")."""
    from publish.editions.script import detect_script

    return "圖" if detect_script(doc.text) == "Hant" else "图"


def _number_figures(doc: Document, targets: Targets) -> None:
    """"图 N" before each figure's caption, as tables have "表 N"."""
    word = _figure_word(doc)
    n = 0
    for fig in elements(doc.ast.get("blocks", [])):
        if fig["t"] != "Figure":
            continue
        name, caption = ident(fig), caption_blocks(fig)
        if not caption and not name.startswith("fig-"):
            continue
        n += 1
        label = Span([Str(word), Space(), Str(str(n))], make_attr("", ["figure-label"]))
        if caption and caption[0]["t"] in ("Plain", "Para"):
            set_inlines(caption[0], [label, Space(), *inlines_of(caption[0])])
        else:
            set_caption_blocks(fig, [Plain([label]), *caption])
        if name:
            targets[name] = (word, str(n))


def _tables(doc: Document, targets: Targets) -> None:
    """Each table's number, as ``captions.py`` wrote it (its "表 N" label, or the author's
    own number)."""
    for table in elements(doc.ast.get("blocks", [])):
        if table["t"] != "Table" or not ident(table):
            continue
        caption = caption_blocks(table)
        number = next(
            (
                stringify(inlines_of(e)).split()[-1]
                for e in elements(caption)
                if e["t"] == "Span" and "table-label" in classes(e)
            ),
            None,
        )
        if number is None:
            m = CAPTION_NUMBER.match(stringify(caption))
            number = m.group(1) if m else None
        if number is not None:
            targets[ident(table)] = ("表", number)


def _sections(doc: Document, targets: Targets) -> None:
    for h in elements(doc.ast.get("blocks", [])):
        if h["t"] == "Header" and ident(h).startswith("sec-"):
            targets[ident(h)] = ("", f"“{stringify(inlines_of(h)).strip()}”")


def crossrefs(doc: Document) -> None:
    """After identifiers are final: number figures and equations, then turn every
    ``@kind-id`` in the text into a link to its target."""
    targets: Targets = {}
    _number_figures(doc, targets)
    _tables(doc, targets)
    _sections(doc, targets)
    _equations(doc, targets)
    missing: list[str] = []
    blocks = doc.ast.get("blocks", [])
    linked = [inlines_of(e) for e in elements(blocks) if e["t"] == "Link"]  # no links in links
    for inlines in lists(blocks, _has_ref):
        if any(inlines is x for x in linked):
            continue
        out: list[Any] = []
        for k, inline in enumerate(inlines):
            if inline.get("t") != "Str" or "@" not in text(inline):
                out.append(inline)
                continue
            words, at = text(inline), 0
            for m in REF.finditer(words):
                name = m.group(3)
                if name not in targets:
                    missing.append(name)
                    continue
                if m.start() > at:
                    out.append(Str(words[at : m.start()]))
                word, number = targets[name]
                before = words[at : m.start()] or _text_before(out)
                after = words[m.end() :] or _text_after(inlines, k)
                said = SAID.get(word, "")
                if m.group(2) or (said and (before[-1:] in said or after[:1] in said)):
                    word = ""  # "如图 1 所示", not "如图 图 1 所示"
                shown = [Str(word), Space(), Str(number)] if word else [Str(number)]
                out.append(Link(shown, f"#{name}", a=make_attr("", ["crossref"])))
                at = m.end()
            if at < len(words):
                out.append(Str(words[at:]))
        inlines[:] = out
    for name in dict.fromkeys(missing):
        doc.warn(
            "crossref-unresolved",
            f"@{name}: no figure, table, section or equation is labelled {{#{name}}}; "
            "it stays as written (label the target, or fix the reference)",
            doc.line_of("@" + name),
        )


def _text_before(out: list[Any]) -> str:
    """The text just before the end of ``out``, across the spaces between."""
    for inline in reversed(out):
        if inline["t"] == "Str":
            return text(inline)
        if inline["t"] not in ("Space", "SoftBreak"):
            return ""
    return ""


def _text_after(inlines: list[Any], k: int) -> str:
    """The text just after ``inlines[k]``, across the spaces between."""
    for inline in inlines[k + 1 :]:
        if inline["t"] == "Str":
            return text(inline)
        if inline["t"] not in ("Space", "SoftBreak"):
            return ""
    return ""


def _has_ref(items: list[Any]) -> bool:
    """An inline list (not inside a link or code) with an ``@kind-`` in its text."""
    return any(
        isinstance(x, dict) and x.get("t") == "Str" and "@" in text(x) and REF.search(text(x))
        for x in items
    )
