"""Callouts: the boxed notes of GitHub, Obsidian, GitBook, VuePress and Docusaurus.

Written as::

    > [!NOTE]                 GitHub alert (NOTE, TIP, IMPORTANT, WARNING, CAUTION)
    ::: {.callout-tip}        Quarto
    > [!summary]- 标题         Obsidian callout (any type; "-"/"+" folds it)
    {% hint style="info" %}   GitBook hint, closed by {% endhint %}
    {% note info %}           Hexo note, closed by {% endnote %}
    ::: tip 标题               VuePress / VitePress / Docusaurus (also :::tip[标题])
    !!! note "标题"            MkDocs / Python-Markdown admonition, its body indented four
                              spaces ("???" folds it: pymdownx.details)
    === "Python"              MkDocs Material content tab, its body indented: each tab a
                              box titled with its label, one after the other, as printed
    ?> 文字 / !> 文字          docsify tip and warning: one paragraph

every one becomes a ``Div`` with classes ``callout`` and ``callout-<kind>``, whose first
block is its title (the author's, else the kind's name in Chinese, converted with the rest
of the edition): styled as a box in HTML, EPUB and print, a titled indented block in DOCX.

Two steps. Before pandoc reads the text (:func:`callout_syntax`), each form is rewritten
on its own line, so line numbers stay true: GitBook and VuePress fences become pandoc
fenced divs; an Obsidian/GitHub marker line becomes a titled span ended by a hard line
break (east_asian_line_breaks would otherwise join the title to the first line of the
body). A MkDocs admonition or tab becomes such a callout first: ``> [!note] 标题``, its
body dedented and quoted (a quote needs no closing line; one with text right under its
body, which the quote would take in, is left as written). After reading (:func:`callouts`),
a quote that opens with that span becomes the Div. Code is never touched, except
Jekyll's ``{% raw %}``/``{% endraw %}``, which only tell Jekyll to print what is between
them as written, in code too: they go everywhere.
"""

from __future__ import annotations

import html
import re
from typing import Any

from publish import ast
from publish.ast import Element, classes, elements, lists
from publish.document import Document
from publish.lines import scan
from publish.manuscript.rawhtml import is_raw_html

# Titles of the kinds, in Simplified Chinese (the editions convert them).
TITLES = {
    "note": "注意",
    "tip": "提示",
    "important": "重要",
    "warning": "警告",
    "caution": "小心",
    "abstract": "摘要",
    "info": "信息",
    "todo": "待办",
    "success": "成功",
    "question": "问题",
    "failure": "失败",
    "danger": "危险",
    "bug": "缺陷",
    "example": "示例",
    "quote": "引述",
    "details": "详情",
}
# Other names of the same kinds (Obsidian's aliases, GitBook's and VuePress's names).
ALIASES = {"summary": "abstract", "tldr": "abstract", "hint": "tip", "check": "success"}
ALIASES |= {"done": "success", "help": "question", "faq": "question", "attention": "warning"}
ALIASES |= {"fail": "failure", "missing": "failure", "error": "danger", "cite": "quote"}
ALIASES |= {"tabs": "details", "spoiler": "details", "warn": "warning", "notice": "note"}
# Yuque's (语雀) boxes: :::tips, and its coloured ones :::color1 … :::color5
ALIASES |= {"tips": "tip"} | {f"color{n}": "note" for n in range(1, 6)}

# The quote marks before a line ("> > "): possessive, so "> " × 500 is read in one pass.
MARKER = re.compile(r"^((?:[ ]{0,3}>[ ]?)++)\[!([A-Za-z][\w-]{0,30})\]([+-]?)[ \t]*(.*)$")
QUOTED = re.compile(r"^((?:[ ]{0,3}>[ ]?)++)(.*)$")
# The same inside a list item, indented as its content is (Obsidian: a callout under a
# bullet, four spaces in); only where a list item's line is above (else it is code).
NESTED_MARKER = re.compile(r"^([ \t]*(?:>[ ]?)++)\[!([A-Za-z][\w-]{0,30})\]([+-]?)[ \t]*(.*)$")
NESTED_QUOTED = re.compile(r"^([ \t]*(?:>[ ]?)++)(.*)$")
LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+\S")
HINT = re.compile(r"""^\s*\{%-?\s*hint\s+style=["']?(\w+)["']?\s*-?%\}\s*$""")
ENDHINT = re.compile(r"^\s*\{%-?\s*end(?:hint|note)\s*-?%\}\s*$")
# Hexo's note tag: {% note info %}, {% note blue 'fas fa-bullhorn' %}, {% note %}.
NOTE = re.compile(r"^\s*\{%-?\s*note(?:\s+([\w-]+))?[^%\n]*-?%\}\s*$")
# Hexo's note colours, as the kinds they stand for in its themes.
COLOURS = {"blue": "info", "green": "success", "orange": "warning", "yellow": "warning"}
COLOURS |= {"red": "danger", "pink": "note", "purple": "note", "default": "note"}
COLOURS |= {"primary": "note", "gray": "note", "grey": "note"}
TABS = {"code-group-item", "tab", "code-tab", "tabs-item"}
COLONS = re.compile(r"^[ ]{0,3}(:{3,})[ \t]*([A-Za-z][\w-]*)(?:\[(.*)\]|[ \t]+(.*?))?[ \t]*$")
# A line that starts a block of its own (it cannot go on with a paragraph).
BLOCK_START = re.compile(r"^\s{0,3}(?:[-*+]\s|\d{1,9}[.)]\s|#{1,6}\s|>|```|~~~|\||<)")
# MkDocs (Python-Markdown) admonitions, folding ones (pymdownx.details) and Material's
# content tabs: the marker line; the body is what is indented four spaces under it.
ADMONITION = re.compile(r'^(!!!|\?\?\?\+?)[ \t]*([\w-]+)(?:[ \t]+[\w-]+)*(?:[ \t]+"(.*)")?[ \t]*$')
LINK = re.compile(r"\[[^\[\]\n]*\]\([^()\s]*\)")
TAB = re.compile(r'^===[!+]?[ \t]+"(.*)"[ \t]*$')
BODY = ("    ", "\t")
# docsify's one-paragraph tip (?>) and warning (!>).
DOCSIFY = re.compile(r"^ {0,3}([?!])>[ \t]+(\S.*)$")
JEKYLL_RAW = re.compile(r"\{%-?\s*(?:end)?raw\s*-?%\}")


def kind_of(name: str) -> str | None:
    name = name.lower()
    name = ALIASES.get(name, name)
    return name if name in TITLES else None


def callout_syntax(doc: Document) -> None:
    """Text level, before parsing (see module)."""
    lines = doc.text.split("\n")
    found = _indented_blocks(lines)  # first: as Obsidian callouts, read on below
    for ln in scan(lines):
        text = JEKYLL_RAW.sub("", ln.text)
        if text != ln.text and not text.strip():
            text = ""
        if ln.code or ln.front:
            lines[ln.n] = text
            continue
        new = _rewrite(text, lines, ln.n)
        if new is not None:
            found += 1
            text = new
        lines[ln.n] = text
    if found:
        doc.text = "\n".join(lines)


def _indented_blocks(lines: list[str]) -> int:
    """MkDocs admonitions and content tabs in ``lines``, rewritten in place as the
    Obsidian callouts they are (``> [!note] 标题``, the body quoted), nested ones too: a
    quote needs no closing line, so the text keeps its lines. How many."""
    found = 0
    info = scan(lines)
    for n in range(len(lines)):
        if info[n].code or info[n].front:
            continue
        adm, tab = ADMONITION.match(lines[n]), TAB.match(lines[n])
        if not (adm or tab):
            continue
        end = n + 1  # past the body: indented lines, and blank lines between them
        while end < len(lines) and (not lines[end].strip() or lines[end].startswith(BODY)):
            end += 1
        last = end - 1
        while last > n and not lines[last].strip():
            last -= 1
        if last == n or (end < len(lines) and last + 1 == end):
            # No body ("!!! warning do not" is words), or text right under the body,
            # which a quote would take in
            continue
        if adm:
            marker, name, title = adm.groups()
            kind = kind_of(name) or "note"
            if title is None and kind_of(name) is None:
                title = name  # "!!! 例题": MkDocs titles it with its type
            fold = "-" if marker == "???" else "+" if marker == "???+" else ""
        else:
            kind, title, fold = "details", tab.group(1) if tab else "", ""
        body = [_dedent(x) for x in lines[n + 1 : last + 1]]
        found += 1 + _indented_blocks(body)
        lines[n] = f"> [!{kind}]{fold} {title or ''}".rstrip()
        lines[n + 1 : last + 1] = [f"> {x}".rstrip() for x in body]
        info = scan(lines)
    return found


def _dedent(line: str) -> str:
    if line.startswith("\t"):
        return line[1:]
    return line[4:] if line.startswith("    ") else line.lstrip(" ")


def _in_list_item(lines: list[str], n: int) -> bool:
    """Line ``n`` (indented) goes on with a list item: the nearest line above it that is
    indented less is that item's first line (blank lines and deeper lines between)."""
    depth = len(lines[n]) - len(lines[n].lstrip(" \t"))
    for k in range(n - 1, max(-1, n - 200), -1):
        line = lines[k]
        if not line.strip():
            continue
        if len(line) - len(line.lstrip(" \t")) < depth:
            return LIST_ITEM.match(line) is not None
    return False


def _rewrite(text: str, lines: list[str], n: int) -> str | None:
    m = DOCSIFY.match(text)
    if m:  # a quote that opens with the kind's title: the paragraph is its body
        kind = "tip" if m.group(1) == "?" else "warning"
        return f'> [{TITLES[kind]}]{{.callout-title kind="{kind}"}} {m.group(2)}'
    m = MARKER.match(text)
    quoted = QUOTED
    if m is None and text[:1] in " \t" and _in_list_item(lines, n):
        m, quoted = NESTED_MARKER.match(text), NESTED_QUOTED
    if m:
        quote, name, fold, title = m.groups()
        kind = kind_of(name) or "note"
        attrs = f'.callout-title kind="{kind}"' + (f' fold="{fold}"' if fold else "")
        title = _escaped(title.strip())
        span = f"{quote}[{title}]{{{attrs}}}"
        nxt = quoted.match(lines[n + 1]) if n + 1 < len(lines) else None
        more = nxt is not None and nxt.group(1).count(">") == quote.count(">")
        # a hard break only where the next line goes on with the same paragraph: before a
        # list, heading, fence or table the paragraph ends, and "\\" would print
        goes_on = more and nxt and nxt.group(2).strip() and not BLOCK_START.match(nxt.group(2))
        return span + ("\\" if goes_on else "")
    m = HINT.match(text)
    if m:
        kind = kind_of(m.group(1)) or "info"
        return f"::: {{.callout .callout-{kind}}}"
    m = NOTE.match(text)
    if m:
        name = (m.group(1) or "note").lower()
        kind = kind_of(COLOURS.get(name, name)) or "note"
        return f"::: {{.callout .callout-{kind}}}"
    if ENDHINT.match(text):
        return ":::"
    m = COLONS.match(text)
    if m:
        kind = kind_of(m.group(2))
        title = (m.group(3) or m.group(4) or "").strip().replace('"', "&quot;")
        if kind is None:
            if not title:
                return None  # "::: name": pandoc's own div, as it reads it
            # "::: code-group-item npm" (a VuePress tab), "::: demo 标题": pandoc reads a
            # fence of one name only, and printed the line; a box titled with its words
            kind = "details" if m.group(2).lower() in TABS else "note"
        attr = f' title="{title}"' if title else ""
        return f"{m.group(1)} {{.callout .callout-{kind}{attr}}}"
    return None


def _escaped(title: str) -> str:
    """A title's brackets escaped for the span it goes in, but a Markdown link's (MkDocs
    titles link to the problem they set)."""
    out, at = [], 0
    for m in LINK.finditer(title):
        out.append(re.sub(r"([\[\]])", r"\\\1", title[at : m.start()]) + m.group())
        at = m.end()
    return "".join(out) + re.sub(r"([\[\]])", r"\\\1", title[at:])


def callouts(doc: Document) -> None:
    """After parsing: quotes that open with a callout marker, pandoc's GitHub alerts and
    the fenced callouts become one shape (see module)."""
    made: dict[str, int] = {}
    # Innermost first: a callout in a callout is made before the outer one takes its
    # blocks into a list of its own.
    for lst in reversed(lists(doc.ast.get("blocks", []), _has_candidate)):
        for i, block in enumerate(lst):
            div = _from_quote(block) or _from_fenced(block)
            if div is not None:
                lst[i] = div
                kind = classes(div)[1].removeprefix("callout-")
                made[kind] = made.get(kind, 0) + 1
    if made:
        doc.info(
            "callouts",
            "callouts set as boxes: " + ", ".join(f"{k} ×{v}" for k, v in sorted(made.items())),
            kinds=made,
        )


# <details><summary>标题</summary> … </details> (a README's folded part) and Notion's
# <aside>💡 … </aside> around Markdown: each tag is a raw HTML block of its own (a blank
# line ends one), the Markdown between them pandoc's blocks, and HTML's reading dropped the
# tags, so a summary printed as a bare line; together they are a box, the summary its title.
OPEN_BOX = re.compile(
    r"^\s*<(details|aside)\b[^>]*>\s*(?:<summary\b[^>]*>(.*?)</summary>)?(.*)$", re.S | re.I
)
CLOSE_BOX = re.compile(r"^(.*?)</(details|aside)>\s*$", re.S | re.I)


def html_boxes(doc: Document) -> None:
    """After parsing, before :func:`callouts`: see :data:`OPEN_BOX`."""
    made = sum(_boxes(lst) for lst in lists(doc.ast.get("blocks", []), _has_raw_block))
    if made:
        doc.info("html-boxes", f"{made} <details>/<aside> part(s) set as boxes")


def _raw(x: Any) -> str:
    return ast.text(x) if is_raw_html(x) and x["t"] == "RawBlock" else ""


def _has_raw_block(lst: list[Any]) -> bool:
    return any(map(_raw, lst))


def _boxes(lst: list[Any]) -> int:
    """The boxes made in ``lst`` (a box's own body, boxes in it too)."""
    made, i = 0, 0
    while i < len(lst):
        m = OPEN_BOX.match(_raw(lst[i]))
        j = _closing(lst, i, m.group(1).lower()) if m and not CLOSE_BOX.match(m.group(3)) else None
        if m is None or j is None:
            i += 1
            continue
        close = CLOSE_BOX.match(_raw(lst[j]))
        assert close is not None
        body = [ast.RawBlock("html", x.strip()) for x in (m.group(3),) if x.strip()]
        body += lst[i + 1 : j]
        body += [ast.RawBlock("html", x.strip()) for x in (close.group(1),) if x.strip()]
        made += 1 + _boxes(body)
        title = html.unescape(re.sub(r"<[^>]+>", "", m.group(2) or "")).strip()
        kv = [["title", title]] if title else []
        lst[i : j + 1] = [ast.Div(body, ast.make_attr("", ["callout", "callout-note"], kv))]
        i += 1
    return made


def _closing(lst: list[Any], i: int, tag: str) -> int | None:
    """Where the ``tag`` opened at ``lst[i]`` closes in ``lst`` (None: nowhere)."""
    depth = 0
    for j in range(i + 1, len(lst)):
        inner = _raw(lst[j])
        if (o := OPEN_BOX.match(inner)) and o.group(1).lower() == tag:
            depth += 1
        elif (c := CLOSE_BOX.match(inner)) and c.group(2).lower() == tag:
            if depth == 0:
                return j
            depth -= 1
    return None


def _has_candidate(lst: list[Any]) -> bool:
    return any(isinstance(x, dict) and x.get("t") in ("BlockQuote", "Div") for x in lst)


def _div(kind: str, title: list[Element], body: list[Element], fold: str = "") -> Element:
    attrs = [["fold", fold]] if fold else []
    heading = ast.Para([ast.Strong(title or _words(TITLES[kind]))])
    head = ast.Div([heading], ast.make_attr("", ["callout-title"]))
    return ast.Div([head, *body], ast.make_attr("", ["callout", f"callout-{kind}"], attrs))


def _words(text: str) -> list[Element]:
    return [ast.Str(text)]


def _from_quote(block: Element) -> Element | None:
    if block["t"] != "BlockQuote" or not ast.blocks_of(block):
        return None
    first, *more = ast.blocks_of(block)
    if first["t"] not in ("Para", "Plain") or not ast.inlines_of(first):
        return None
    span, *rest = ast.inlines_of(first)
    if span["t"] != "Span" or "callout-title" not in classes(span):
        return None
    kv = dict(ast.attributes(span))
    kind = kind_of(kv.get("kind", "")) or "note"
    while rest and rest[0]["t"] in ("LineBreak", "SoftBreak", "Space"):
        rest = rest[1:]
    body = ([{"t": first["t"], "c": rest}] if rest else []) + more
    return _div(kind, ast.inlines_of(span), body, kv.get("fold", ""))


def _from_fenced(block: Element) -> Element | None:
    if block["t"] != "Div":
        return None
    names, content = classes(block), ast.blocks_of(block)
    # ours ({.callout .callout-tip}) or Quarto's ({.callout-tip}); not one made already
    kinds = [kind_of(c[8:]) for c in names if c.startswith("callout-")]
    if not ("callout" in names or any(kinds)) or any(
        b["t"] == "Div" and "callout-title" in classes(b) for b in content[:1]
    ):
        return None
    kind = next((k for k in kinds if k), "note")
    kv = dict(ast.attributes(block))
    title = kv.get("title", "")
    words = _words(title) if title else []
    div = _div(kind, words, content, kv.get("fold", ""))
    ast.set_ident(div, ast.ident(block))
    return div


def callout_kinds(tree: dict[str, Any]) -> list[str]:
    """The kinds of the callouts in ``tree`` (for tests and the writers)."""
    return [
        c.removeprefix("callout-")
        for e in elements(tree.get("blocks", []))
        if e["t"] == "Div" and "callout" in classes(e)
        for c in classes(e)
        if c.startswith("callout-")
    ]
