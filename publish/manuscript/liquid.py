"""Liquid (Jekyll) template tags: ``{% post_url 2026-08-26-x %}``, ``{{ '/a' | relative_url }}``.

A blog post copied from a Jekyll site carries tags its site generator would have run. publish
runs no templates, so nothing is executed and nothing disappears unsaid:

- in text, a tag prints what it would show of its own: its quoted arguments
  (``{% post_link slug '标题' %}`` → 标题), or nothing (``{% tabs x %}``);
- a link whose address is (or holds) a tag cannot lead anywhere: its text stays, without
  the link (pandoc would percent-encode the tag into ``%7B%%20post_url…``);
- an image whose address holds a tag has no file to show: its description stays, as for a
  missing picture, without claiming a file is missing;
- in raw HTML, an ``href``/``src`` holding a tag is dropped (the sanitiser then treats an
  ``<img>`` without ``src`` as a picture not shown, its ``alt`` kept).

Code and math are left alone. One ``liquid-tag`` warning lists the tags.
Runs before :class:`~publish.manuscript.images.Images`.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from publish import ast
from publish.ast import Element, elements, lists, short
from publish.document import Document
from publish.lines import scan
from publish.manuscript.images import missing

LIQUID_TAG = r"\{%-?[^%\n]{1,300}?-?%\}"  # {% … %}
TAG = re.compile(LIQUID_TAG + r"|\{\{-?[^{}\n]{1,300}?-?\}\}")  # and {{ … }}
RAW_ATTR = re.compile(r"""\s(href|src)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
RAW_FORMATS = ("html", "html4", "html5")


def _target_tag(target: str) -> str | None:
    m = TAG.search(unquote(target))
    return m.group(0) if m else None


def _raw(html: str, found: list[str]) -> str:
    def repl(m: re.Match[str]) -> str:
        value = m.group(2) if m.group(2) is not None else m.group(3)
        tag = TAG.search(value)
        if tag is None:
            return m.group(0)
        found.append(tag.group(0))
        return ""

    return RAW_ATTR.sub(repl, html)


SPACES = ("Space", "SoftBreak")


def _inline_text(lst: list[Element]) -> str:
    return "".join(
        ast.text(x) if x.get("t") == "Str" else " " if x.get("t") in SPACES else "\n" for x in lst
    )


# A link or image address holding a tag with spaces: CommonMark ends an address at a space,
# so ``[上一篇]({% post_url x %})`` would print as text; ``<…>`` lets it hold spaces.
TAG_ADDRESS = re.compile(rf"\]\(\s*([^()\s<>]*(?:{TAG.pattern})[^()\s<>]*)\s*\)")


# A tag's quoted arguments: what a Hexo/Jekyll tag prints ("{% post_link slug '标题' %}").
QUOTED_ARG = re.compile(r"'([^'\n]*)'|\"([^\"\n]*)\"")
# A Liquid/Hexo tag ({% … %}) or a Hugo shortcode ({{< … >}}, {{% … %}}).
BLOCK_TAG = re.compile(LIQUID_TAG + r"|\{\{<[^\n]{1,300}?>\}\}|\{\{%[^\n]{1,300}?%\}\}")
TAG_NAME = re.compile(r"\{[%{][<%]?-?\s*/?\s*(\w+)")
# key="value" arguments; only these keys name words a reader is shown.
NAMED_ARG = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"\n]*)"|'([^'\n]*)')""")
SHOWN_KEYS = {"title", "caption", "alt", "text", "desc", "description", "label", "name"}
# Positional arguments that are addresses or icon classes, not words.
NOT_WORDS = re.compile(r"^(?:/|https?:|\.{0,2}/|(?:fa[srbl]?|fa-\w+)(?:\s|$))")
# Tags whose arguments are file names, addresses or logic, never words to show.
SILENT = {"include", "include_relative", "render", "assign", "capture", "endcapture", "if"}
SILENT |= {"elsif", "else", "endif", "unless", "endunless", "for", "endfor", "case", "when"}
SILENT |= {"endcase", "comment", "endcomment", "link", "post_url", "asset_path", "cycle"}


def liquid_text(doc: Document) -> None:
    """Text level, before parsing.

    - A link address that holds a tag is written ``<…>``, so the link is read as a link
      (then cut loose by :func:`liquid_tags`).
    - Any other ``{% … %}`` tag (``{% post_link slug '标题' %}``, ``{% tabs x %}``,
      ``{% endgallery %}``) or Hugo shortcode (``{{< figure title="表 1-1" >}}``) prints
      what it would show of its own: its quoted arguments, or of named ones only a title,
      caption, alt or text; else nothing. The tag itself is the site generator's
      instruction, not the author's text; each is kept in ``Document.removed`` and named
      in the ``liquid-tag`` warning.
    """
    lines = doc.text.split("\n")
    changed = False
    for ln in scan(lines):
        if ln.code or ln.front or "{" not in ln.text:
            continue
        text = ln.text

        def wrap(m: re.Match[str], text: str = text) -> str:
            if text.count("`", 0, m.start()) % 2:  # inside `code`
                return m.group(0)
            return f"](<{m.group(1)}>)"

        text = TAG_ADDRESS.sub(wrap, text)
        addresses = [m.span() for m in re.finditer(r"\]\(<[^>\n]*>\)", text)]

        def words(
            m: re.Match[str], text: str = text, n: int = ln.n, addresses: list = addresses
        ) -> str:
            inside = any(a <= m.start() < b for a, b in addresses)
            if inside or text.count("`", 0, m.start()) % 2:
                return m.group(0)
            doc.removed.append({"where": "liquid-tag", "line": n + 1, "text": m.group(0)})
            name = TAG_NAME.match(m.group(0))
            if name and name.group(1).lower() in SILENT:
                return ""
            tag = m.group(0)
            named = NAMED_ARG.findall(tag)
            args = [a or b for k, a, b in named if k.lower() in SHOWN_KEYS]
            if not named:  # positional: {% post_link slug '标题' %}, {% btn url,文字 %}
                body = TAG_NAME.sub("", tag, count=1).rstrip("%}>").strip()
                if "," in body:
                    args = [a.strip().strip("'\"") for a in body.split(",")]
                else:
                    args = [a or b for a, b in QUOTED_ARG.findall(tag)]
                args = [a for a in args if not NOT_WORDS.match(a.strip())]
            return " ".join(a.strip() for a in args if a.strip())

        text = BLOCK_TAG.sub(words, text)
        if text != ln.text:
            lines[ln.n] = text
            changed = True
    if changed:
        doc.text = "\n".join(lines)


def liquid_tags(doc: Document) -> None:
    """Manuscript stage: Liquid tags kept as text, never run; their links and images cut
    loose (see module)."""
    found: list[str] = []
    blocks = doc.ast.get("blocks", [])
    for elem in elements(blocks):
        t = elem["t"]
        if t in ("RawBlock", "RawInline") and ast.raw_format(elem).lower() in RAW_FORMATS:
            if "{" in ast.text(elem):
                ast.set_text(elem, _raw(ast.text(elem), found))
        elif t in ("Para", "Plain") and any(x.get("t") == "Str" for x in ast.inlines_of(elem)):
            found += [m.group(0) for m in TAG.finditer(_inline_text(ast.inlines_of(elem)))]
    for lst in _lists_holding(blocks, ("Link", "Image")):
        i = 0
        while i < len(lst):
            item = lst[i]
            if item.get("t") in ("Link", "Image") and (tag := _target_tag(ast.url(item))):
                found.append(tag)
                if item["t"] == "Link":
                    lst[i : i + 1] = ast.inlines_of(item)
                    continue
                lst[i] = missing(ast.inlines_of(item), ast.ident(item))
            i += 1
    printed = [r for r in doc.removed if r["where"] == "liquid-tag"]
    found += [r["text"] for r in printed]
    if found:
        seen = list(dict.fromkeys(found))
        lines = [n for s in seen if (n := doc.line_of(s))] + [r["line"] for r in printed]
        doc.warn(
            "liquid-tag",
            f"{len(seen)} Liquid/Hexo template tag(s) are not run: a tag prints its quoted "
            "words or nothing, and links and images whose address holds one keep their text "
            "only: " + ", ".join(short(s) for s in seen[:3]) + (", …" if len(seen) > 3 else ""),
            min(lines, default=None),
            tags=seen[:50],
        )


def _lists_holding(value: object, kinds: tuple[str, ...]) -> list[list[Element]]:
    return lists(value, lambda lst: any(isinstance(x, dict) and x.get("t") in kinds for x in lst))


# -- Hexo's block tags ------------------------------------------------------------------------

# {% codeblock [title] [lang:xx] [url] … %} … {% endcodeblock %} ({% code %} too), on lines of
# their own; {% blockquote [author[, source]] [link] %} … {% endblockquote %}, {% pullquote %}.
CODE_OPEN = re.compile(r"^ {0,3}\{%-?\s*(?:codeblock|code)\b([^%\n]*?)-?%\}\s*$")
CODE_CLOSE = re.compile(r"^ {0,3}\{%-?\s*end(?:codeblock|code)\s*-?%\}\s*$")
QUOTE_OPEN = re.compile(r"^ {0,3}\{%-?\s*(?:blockquote|pullquote)\b([^%\n]*?)-?%\}\s*$")
QUOTE_CLOSE = re.compile(r"^ {0,3}\{%-?\s*end(?:blockquote|pullquote)\s*-?%\}\s*$")
LANG = re.compile(r"(?:^|\s)lang:([\w+#.-]+)")
# A line a hard break cannot end: one of a list, heading, fence, table or HTML.
PARA_ENDS = re.compile(r"^\s{0,3}(?:[-*+]\s|\d{1,9}[.)]\s|#{1,6}\s|>|```|~~~|\||<)")


def hexo_blocks(doc: Document) -> None:
    """Text level, before the other tags are read: Hexo's code and quote blocks as the
    Markdown they stand for, line for line. A ``{% codeblock lang:python %}`` body printed
    as a paragraph (its indentation and line breaks gone); it is a fenced code block. A
    ``{% blockquote 鲁迅, 《故乡》 %}`` body is a quote, its attribution on its closing line
    (where Hexo prints it, under the quote). Unclosed tags are left to :func:`liquid_text`."""
    if "{%" not in doc.text:
        return
    lines = doc.text.split("\n")
    info = scan(lines)
    made = 0
    n = 0
    while n < len(lines):
        if info[n].code or info[n].front:
            n += 1
            continue
        code, quote = CODE_OPEN.match(lines[n]), QUOTE_OPEN.match(lines[n])
        close = CODE_CLOSE if code else QUOTE_CLOSE if quote else None
        end = next((k for k in range(n + 1, len(lines)) if close and close.match(lines[k])), None)
        if close is None or end is None:
            n += 1
            continue
        if code:
            lang = LANG.search(code.group(1))
            fence = "````" if any("```" in x for x in lines[n + 1 : end]) else "```"
            lines[n] = fence + (lang.group(1) if lang else "")
            lines[end] = fence
        elif quote:
            args = [a for a in re.split(r"\s+(?=https?://)", quote.group(1).strip()) if a]
            who = args[0].strip() if args and not args[0].startswith("http") else ""
            lines[n] = ">"
            for k in range(n + 1, end):
                lines[k] = f"> {lines[k]}".rstrip()
            lines[end] = f"> ——{who}" if who else ""
            last = lines[end - 1][2:] if end - 1 > n else ""
            if who and last.strip() and not PARA_ENDS.match(last):
                lines[end - 1] += "\\"  # the attribution on a line of its own
        made += 1
        info = scan(lines)
        n = end + 1
    if made:
        doc.text = "\n".join(lines)
        doc.info("hexo-blocks", f"{made} Hexo code or quote block(s) read as Markdown")

# -- Hugo shortcodes and executable chunks, line for line --------------------------------

# {{< admonition tip "标题" >}} … {{< /admonition >}} (FixIt, LoveIt), {{% notice warning %}}
# (Learn, hugo-notice), {{< hint info >}} (Book), {{% alert title="注意" color="warning" %}}
# (Docsy, Blowfish), {{< callout type="info" >}} (Hextra): a box; the kind is the first
# word or type=/style=/color=, the title the quoted word or title=.
BOX_OPEN = re.compile(
    r"^ {0,3}\{\{([<%])\s*(admonition|notice|hint|alert|callout)\b(.*?)\s*[>%]\}\}\s*$", re.I
)
BOX_CLOSE = re.compile(
    r"^ {0,3}\{\{[<%]\s*/\s*(admonition|notice|hint|alert|callout)\s*[>%]\}\}\s*$", re.I
)
# {{< figure src="…" title="…" >}} (Hugo's own), {{< youtube ID >}}, {{< bilibili BV… >}},
# {{< link href="…" content="…" >}} (FixIt): a picture with its caption, a link.
SINGLE = re.compile(
    r"^( {0,3})\{\{[<%]\s*(figure|youtube|bilibili|link)\b(.*?)\s*[>%]\}\}\s*$", re.I
)
VIDEO = {
    "youtube": "https://www.youtube.com/watch?v={}",
    "bilibili": "https://www.bilibili.com/video/{}",
}
# ```{r echo=FALSE}, ```{python}: an R Markdown or Quarto chunk, the language in braces;
# ```js{4}, ``` html{2-3}: VuePress's and VitePress's lines to highlight, after the language
CHUNK = re.compile(
    r"^( {0,3})(`{3,}|~{3,})[ \t]*(?:\{([A-Za-z][\w+#.-]*)(?:[\s,][^{}]*)?\}"
    r"|([A-Za-z][\w+#.-]*)\{[\d,\s-]*\})[ \t]*$"
)


def hugo_shortcodes(doc: Document) -> None:
    """Text level, before :func:`liquid_text`: Hugo's boxes, figures, videos and links, and
    R Markdown's and Quarto's chunk fences, as the Markdown they stand for, line for line
    (see the constants above). A box nothing closes, and any other shortcode, are left to
    :func:`liquid_text` (their quoted words)."""
    if "{{" not in doc.text and "{" not in doc.text.replace("{{", ""):
        return
    from publish.manuscript.callouts import kind_of

    lines = doc.text.split("\n")
    info = scan(lines)
    made = 0
    for n, line in enumerate(lines):
        if info[n].front:
            continue
        if info[n].code:
            m = CHUNK.match(line) if info[n].fence else None  # a closing fence has no {…}
            if m:
                lines[n] = f"{m.group(1)}{m.group(2)}{(m.group(3) or m.group(4)).lower()}"
                made += 1
            continue
        if (m := BOX_OPEN.match(line)) is not None:
            end = next((k for k in range(n + 1, len(lines)) if BOX_CLOSE.match(lines[k])), None)
            if end is None or info[end].code:
                continue
            args = m.group(3)
            named = {k.lower(): a if a is not None else b for k, a, b in NAMED_ARG.findall(args)}
            plain = NAMED_ARG.sub("", args).split()
            word = named.get("type") or named.get("style") or named.get("color")
            word = word or next((w for w in plain if not w.startswith(('"', "'"))), "")
            kind = kind_of(word) or ("warning" if word.lower() == "danger" else "note")
            title = named.get("title") or next(
                (a or b for a, b in QUOTED_ARG.findall(NAMED_ARG.sub("", args))), ""
            )
            attr = f' title="{title.replace(chr(34), chr(39))}"' if title else ""
            lines[n] = f"::: {{.callout-{kind}{attr}}}"
            lines[end] = ":::"
            made += 1
        elif (m := SINGLE.match(line)) is not None:
            name, args = m.group(2).lower(), m.group(3)
            named = {k.lower(): a if a is not None else b for k, a, b in NAMED_ARG.findall(args)}
            plain = [w.strip("\"'") for w in NAMED_ARG.sub("", args).split()]
            words = named.get("caption") or named.get("title") or named.get("alt") or ""
            if name == "figure" and named.get("src"):
                lines[n] = f"{m.group(1)}![{_md(words)}](<{named['src']}>)"
            elif name == "figure" and words.strip():
                # No picture: the caption of what follows (a book's "表 1-1. …" over its
                # table), an italic line, which captions.py reads as a table's caption.
                lines[n] = f"{m.group(1)}*{_md(words.strip())}*"
            elif name in VIDEO and (named.get("id") or plain):
                lines[n] = f"{m.group(1)}<{VIDEO[name].format(named.get('id') or plain[0])}>"
            elif name == "link" and (named.get("href") or plain):
                href = named.get("href") or plain[0]
                words = named.get("content") or named.get("title") or href
                lines[n] = f"{m.group(1)}[{_md(words)}](<{href}>)"
            else:
                continue
            made += 1
    if made:
        doc.text = "\n".join(lines)
        doc.info("hugo-shortcodes", f"{made} Hugo shortcode(s) or chunk fence(s) read as Markdown")


def _md(words: str) -> str:
    """``words`` as a link's, picture's or emphasis' text: its brackets and emphasis
    markers escaped."""
    return re.sub(r"([\[\]*_])", r"\\\1", words)
