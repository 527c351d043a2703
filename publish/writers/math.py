"""TeX math for the print edition: WeasyPrint draws no MathML, so each formula becomes an
SVG picture (``ziamath``: pure Python, STIX Two Math), carried as a ``data:`` image.

Sizes are in ``em`` of the surrounding text (the SVG is drawn at :data:`SIZE` px = 1 em),
and an inline formula sits on the text's baseline (``vertical-align`` by its depth below
the baseline). The TeX stays as the picture's ``alt`` text, never on the page. A formula
ziamath cannot draw is written as plain text by pandoc (Unicode letters and symbols), with
a ``math-unreadable`` warning.
"""

from __future__ import annotations

import base64
import functools
import re
import warnings
from collections import deque
from dataclasses import dataclass
from html import escape
from typing import Any

from publish import ast as node
from publish import pandoc
from publish.ast import Element, elements
from publish.document import Document

SIZE = 16.0  # px drawn per em
VIEWBOX = re.compile(r'viewBox="([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+)"')


# Text inside a formula (\text{anomaly\_degree}): ziamath draws its escapes as written,
# backslash and all; TeX, MathJax and pandoc's MathML print the character.
TEXT_ARG = re.compile(r"(\\(?:text|textrm|textit|textbf|mathrm|operatorname)\s*\{)([^{}]*)\}")
TEXT_ESCAPE = re.compile(r"\\([_%&#$])")


def _text_escapes(tex: str) -> str:
    return TEXT_ARG.sub(lambda m: m.group(1) + TEXT_ESCAPE.sub(r"\1", m.group(2)) + "}", tex)


def _no_empty_rows(tex: str) -> str:
    """``tex`` with each run of ``\\\\`` (blank between them) as one: an empty row, which
    ``\\\\\\\\`` makes (a Markdown source escaping its backslashes twice, as Zhihu's
    exports do), gave ziamath a box 20,000 em high (0.13) and the formula printed wrong."""
    if tex.count(LINE_BREAK) < 2:
        return tex
    out: list[str] = []
    for tok in tokens(tex):
        if tok == LINE_BREAK:
            while out and not out[-1].strip():
                out.pop()  # the blank since the last row's end
            if out and out[-1] == LINE_BREAK:
                continue
        out.append(tok)
    return untokens(out)


@functools.lru_cache(maxsize=4096)
def svg_img(tex: str, display: bool) -> str | None:
    """``<img>`` HTML for one formula, or None when ziamath cannot draw it."""
    ziamath = _ziamath()
    try:
        svg = ziamath.Latex(_no_empty_rows(_text_escapes(tex)), size=SIZE, inline=not display).svg()
    except Exception:  # ziamath raises many kinds on TeX it cannot parse
        return None
    m = VIEWBOX.search(svg)
    if m is None:
        return None
    _, top, width, height = (float(v) for v in m.groups())
    if width <= 0 or height <= 0:  # a box ziamath got wrong: set as text instead
        return None
    depth = height + top  # below the baseline (y = 0)
    style = f"width:{width / SIZE:.3f}em;height:{height / SIZE:.3f}em"
    if not display:
        style += f";vertical-align:{-depth / SIZE:.3f}em"
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    kind = "display" if display else "inline"
    return (
        f'<span class="math {kind}"><img class="math-svg" alt="{escape(tex)}" '
        f'style="{style}" src="data:image/svg+xml;base64,{data}"></span>'
    )


def typeset(ast: dict[str, Any], doc: Document, what: str) -> None:
    """Every Math element of ``ast`` (an edition's private copy) drawn as SVG."""
    failed: list[tuple[Element, str]] = []  # and the characters the math font has not
    stack: list[Any] = [ast["blocks"]]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            for i, elem in enumerate(item):
                if isinstance(elem, dict) and elem.get("t") == "Math":
                    tex = node.text(elem)
                    display = node.math_kind(elem) == "DisplayMath"
                    lacking = [c for c in dict.fromkeys(tex) if ord(c) > 127 and not _drawn(c)]
                    img = _with_words(tex, display) if lacking else svg_img(tex, display)
                    if img is None:
                        failed.append((elem, "".join(lacking)))
                    else:
                        item[i] = node.RawInline("html", img)
                else:
                    stack.append(elem)
        elif isinstance(item, dict):
            stack.append(node.content(item) if "t" in item else list(item.values()))
    if failed:
        _as_text(failed, ast["pandoc-api-version"], doc, what)


# Commands whose argument is text, not math: Chinese in one is set as the page's text.
TEXT_COMMANDS = {"\\text", "\\textrm", "\\mbox", "\\textnormal", "\\mathrm"}


def _with_words(tex: str, display: bool) -> str | None:
    """A formula holding words the math font has not (``速度 = \\frac{s}{t}``, ``(取
    A^2=1)``, ``\\text{其中}``), when they stand at its top level (not inside a fraction's
    braces or an environment): its math drawn in pieces and its words set between them as
    the page's text, in the text's fonts, as MathJax sets them. None otherwise."""
    pieces = _pieces(tex)
    if pieces is None or not any(words for words, _ in pieces):
        return None
    out = []
    for words, piece in pieces:
        if words:
            out.append(f'<span class="math-words">{escape(piece)}</span>')
            continue
        # inline pictures, on the words' baseline; a display formula's in display style
        img = svg_img(f"\\displaystyle {piece}" if display else piece, False)
        if img is None:
            return None
        out.append(img)
    kind = "display" if display else "inline"
    return f'<span class="math {kind} pieces">{"".join(out)}</span>'


def _pieces(tex: str) -> list[tuple[bool, str]] | None:
    """``tex`` as (words?, piece) in order: runs of characters the math font lacks at the
    formula's top level, and :data:`TEXT_COMMANDS`' arguments there holding one, are
    words; the rest math (blank pieces dropped). None when such a character sits deeper."""
    toks = tokens(tex)
    pieces: list[tuple[bool, list[str]]] = []

    def add(words: bool, tok: str) -> None:
        if pieces and pieces[-1][0] == words:
            pieces[-1][1].append(tok)
        else:
            pieces.append((words, [tok]))

    depth = envs = 0
    i = 0
    while i < len(toks):
        tok = toks[i]
        if depth == 0 and envs == 0 and tok in TEXT_COMMANDS:
            j = i + 1
            while j < len(toks) and not toks[j].strip():
                j += 1
            if j < len(toks) and toks[j] == "{":
                level, k = 0, j
                while k < len(toks):
                    level += (toks[k] == "{") - (toks[k] == "}")
                    if level == 0:
                        break
                    k += 1
                inner = untokens(toks[j + 1 : k])
                if any(ord(c) > 127 and not _drawn(c) for c in inner):
                    add(True, TEXT_ESCAPE.sub(r"\1", inner))
                    i = k + 1
                    continue
        if len(tok) == 1 and ord(tok) > 127 and not _drawn(tok):
            if depth or envs:
                return None
            add(True, tok)
        else:
            add(False, tok)
            depth, envs = _nested(tok, depth, envs)
        i += 1
    out = [(words, "".join(p) if words else untokens(p)) for words, p in pieces]
    return [(words, piece) for words, piece in out if piece.strip()]


def _ziamath() -> Any:
    with warnings.catch_warnings():
        # ziamath 0.13 finds its font with importlib.resources.path (deprecated in 3.11),
        # as its module is first imported: by whichever of svg_img and _math_font runs first
        warnings.simplefilter("ignore", DeprecationWarning)
        import ziamath

    return ziamath


@functools.cache
def _math_font() -> frozenset[int]:
    """The code points of ziamath's math font (STIX Two Math): it draws CJK text in a
    formula (``\\text{速度}``) as empty boxes, so such a formula is set as text instead."""
    from importlib.resources import files

    from fontTools.ttLib import TTFont

    _ziamath()
    fonts = (files("ziamath") / "fonts").iterdir()
    path = next(p for p in fonts if p.name.endswith((".otf", ".ttf")))
    with path.open("rb") as f:
        return frozenset(TTFont(f, lazy=True)["cmap"].getBestCmap())


def _drawn(ch: str) -> bool:
    return ord(ch) in _math_font()


def _as_text(
    formulas: list[tuple[Element, str]], api: list[int], doc: Document, what: str
) -> None:
    """Formulas ziamath cannot draw (each with the characters the font lacks), as pandoc's
    plain-text rendering (one run for all)."""
    blocks = [node.Para([dict(f)]) for f, _ in formulas]
    tree = {"pandoc-api-version": api, "meta": {}, "blocks": blocks}
    out, _ = pandoc.convert(tree, "plain", ["--wrap=none"], f"{what} (math)")
    texts = out.decode("utf-8").strip("\n").split("\n\n")
    for i, (f, lacking) in enumerate(formulas):
        tex = node.text(f)
        text = texts[i].strip() if len(texts) == len(formulas) else tex
        if "\\" in text or "$" in text:  # pandoc kept the TeX: say it in words instead
            text = readable(tex)
        f.clear()
        f.update(node.Code(text, node.make_attr("", ["math-text"])))
        why = f"the math font has no {lacking}" if lacking else "it could not be typeset"
        doc.warn("math-unreadable", f"{what}: a formula is shown as text ({why}): {tex}")


def readable(tex: str) -> str:
    """TeX as plain text (pylatexenc), for a formula nothing can draw: ``\\frac{a+b}{c}``
    as (a+b)/c, ``\\text{距离}`` as 距离, ``\\times`` as ×; never the TeX itself."""
    try:
        return _latex2text().latex_to_text(tex).strip() or tex
    except Exception:  # pylatexenc gives up on some broken TeX: drop the commands instead
        return re.sub(r"\\[a-zA-Z]+\*?|[{}$]", "", tex).strip()


@functools.cache
def _latex2text() -> Any:
    from pylatexenc.latex2text import (
        LatexNodes2Text,
        MacroTextSpec,
        get_default_latex_context_db,
    )

    def frac(n: Any, l2tobj: Any) -> str:
        a, b = (l2tobj.nodelist_to_text([x]).strip() for x in n.nodeargd.argnlist[-2:])
        return f"{_parenthesized(a)}/{_parenthesized(b)}"

    db = get_default_latex_context_db()
    fracs = [MacroTextSpec(name, simplify_repl=frac) for name in ("frac", "dfrac", "tfrac")]
    db.add_context_category("publish", prepend=True, macros=fracs)
    return LatexNodes2Text(math_mode="text", latex_context=db)


def _parenthesized(term: str) -> str:
    """``term`` in parentheses when it is more than one symbol's worth (a − b, 2x + 1)."""
    return f"({term})" if re.search(r"[-+−±×·/ ]", term) else term


# -- TeX macros ---------------------------------------------------------------------------
# ``\newcommand``, ``\def``… are expanded here, within bounds, before any writer sees a
# formula: texmath (pandoc's math writer, for definitions inside a formula) expands without
# any. Ten macros each repeating the one before ten times, 235 bytes, expand to 10^10
# characters and never finish; ziamath takes seconds on a few thousand characters.
# A definition holds for the formulas after it, as in MathJax, which GitHub, Obsidian and
# Typora show math with ("$\newcommand{\R}{\mathbb{R}}$" once at the top).
MAX_GROWTH = 2_000  # characters a formula may gain by its macros
MAX_TOTAL_GROWTH = 100_000  # characters all the formulas of a report may gain
TOKEN = re.compile(r"\\[a-zA-Z]+\s*|\\.|#[1-9#]|.", re.S)
WORD = re.compile(r"\\[a-zA-Z]+")
NEWCOMMANDS = {"\\newcommand", "\\renewcommand", "\\providecommand"}
DEFS = {"\\def", "\\gdef", "\\edef", "\\xdef"}
DEFINERS = NEWCOMMANDS | DEFS | {"\\let", "\\DeclareMathOperator"}
# Names MathJax and KaTeX give commands of TeX's (an author writes them as Typora, VS
# Code's preview or a blog shows them), which pandoc's texmath does not know (\bold{x}
# and $\R$ printed as their TeX) or reads otherwise (\lang as ⟪, not ⟨): KaTeX's
# macros.js, the names that are not TeX's own.
BUILT_IN = {
    "\\bold": "\\mathbf", "\\Bbb": "\\mathbb", "\\bm": "\\boldsymbol",
    "\\lang": "\\langle", "\\rang": "\\rangle",
    "\\R": "\\mathbb{R}", "\\N": "\\mathbb{N}", "\\Z": "\\mathbb{Z}",
    "\\reals": "\\mathbb{R}", "\\Reals": "\\mathbb{R}", "\\natnums": "\\mathbb{N}",
    "\\cnums": "\\mathbb{C}", "\\Complex": "\\mathbb{C}",
    "\\empty": "\\emptyset", "\\isin": "\\in", "\\infin": "\\infty",
    "\\larr": "\\leftarrow", "\\rarr": "\\rightarrow", "\\lrarr": "\\leftrightarrow",
    "\\harr": "\\leftrightarrow", "\\uarr": "\\uparrow", "\\darr": "\\downarrow",
    "\\Larr": "\\Leftarrow", "\\lArr": "\\Leftarrow", "\\Rarr": "\\Rightarrow",
    "\\rArr": "\\Rightarrow", "\\Lrarr": "\\Leftrightarrow", "\\lrArr": "\\Leftrightarrow",
    "\\Harr": "\\Leftrightarrow", "\\hArr": "\\Leftrightarrow", "\\Uarr": "\\Uparrow",
    "\\uArr": "\\Uparrow", "\\Darr": "\\Downarrow", "\\dArr": "\\Downarrow",
    "\\real": "\\Re", "\\image": "\\Im", "\\alef": "\\aleph", "\\alefsym": "\\aleph",
    "\\weierp": "\\wp", "\\thetasym": "\\vartheta",
    "\\sub": "\\subset", "\\sube": "\\subseteq", "\\supe": "\\supseteq",
    "\\and": "\\land", "\\or": "\\lor", "\\bull": "\\bullet", "\\exist": "\\exists",
    "\\plusmn": "\\pm", "\\Dagger": "\\ddagger", "\\sect": "\\S",
    "\\clubs": "\\clubsuit", "\\diamonds": "\\diamondsuit", "\\hearts": "\\heartsuit",
    "\\spades": "\\spadesuit",
}  # fmt: skip


class MacroError(Exception):
    """A formula's macros cannot be expanded: the reason, for the warning."""


@dataclass
class Macro:
    params: int
    body: list[str]
    default: list[str] | None = None  # the first argument's, when it is optional


def tokens(tex: str) -> list[str]:
    """TeX tokens: control words without the spaces after them, control symbols, ``#n``
    and single characters."""
    return [t.rstrip() if t[0] == "\\" and t[1:2].isalpha() else t for t in TOKEN.findall(tex)]


def untokens(toks: list[str]) -> str:
    """The TeX of ``toks``: a space after a control word only where a letter follows."""
    out: list[str] = []
    word = False
    for t in toks:
        if word and t[:1].isascii() and t[:1].isalpha():
            out.append(" ")
        out.append(t)
        word = WORD.fullmatch(t) is not None
    return "".join(out)


def expand_macros(doc: Document) -> None:
    """Every formula of ``doc.ast`` with its macros expanded: those defined before it, in
    document order, in a formula or in raw TeX (pandoc's Markdown keeps a definition on a
    line of its own as raw TeX), and its own; definitions are removed from formulas. A
    formula whose expansion passes :data:`MAX_GROWTH`, or the report's
    :data:`MAX_TOTAL_GROWTH`, or that cannot be read (a missing argument, an endless macro)
    is shown as its TeX, with a ``math-expansion`` warning."""
    macros = {name: Macro(0, tokens(command)) for name, command in BUILT_IN.items()}
    budget = MAX_TOTAL_GROWTH
    for elem in elements(doc.ast.get("blocks", [])):
        t = elem["t"]
        if t in ("RawBlock", "RawInline") and node.raw_format(elem) in ("tex", "latex"):
            if "\\" in node.text(elem):
                _define_all(tokens(node.text(elem)), macros)
        elif t == "Math":
            tex = node.text(elem)
            toks = tokens(tex)
            out = tex
            if any(tok in macros or tok in DEFINERS for tok in toks):
                try:
                    out = untokens(_expand(toks, macros, len(tex) + min(MAX_GROWTH, budget)))
                except MacroError as exc:
                    _as_source(elem, doc, tex, str(exc))
                    continue
                budget -= max(0, len(out) - len(tex))
                toks = tokens(out)
            if LINE_BREAK in toks:
                out = stacked(toks) or out
            if out == tex:
                continue
            node.set_text(elem, out)
            if not out.strip():  # only definitions: nothing to show, as MathJax shows it
                elem.clear()
                elem.update(node.Span([]))


LINE_BREAK = "\\\\"


def _nested(tok: str, depth: int, envs: int) -> tuple[int, int]:
    """The brace depth and the environments open after ``tok``."""
    if tok == "{":
        return depth + 1, envs
    if tok == "}":
        return max(0, depth - 1), envs
    if tok == BEGIN:
        return depth, envs + 1
    if tok == END:
        return depth, max(0, envs - 1)
    return depth, envs
# Environments whose rows \\ separates; a formula's own \\ elsewhere is a line break.
BEGIN, END = "\\begin", "\\end"


def stacked(toks: list[str]) -> str | None:
    """A formula whose lines are separated by ``\\\\`` outside any environment (MathJax
    and KaTeX, in Typora, Obsidian or a blog, break the line there) as one environment
    that pandoc's texmath reads: ``aligned`` when its lines align at ``&``, else
    ``gathered`` (centred lines); a ``\\\\`` ending the formula is dropped. texmath
    could not read it (``unexpected control sequence \\\\``) and the formula printed as
    its TeX. None when every ``\\\\`` is inside braces or an environment."""
    depth = envs = 0
    breaks: list[int] = []
    align = False
    for i, tok in enumerate(toks):
        if depth == 0 and envs == 0:
            if tok == LINE_BREAK:
                breaks.append(i)
            elif tok == "&":
                align = True
        depth, envs = _nested(tok, depth, envs)
    if not breaks:
        return None
    body = list(toks)
    while body and (body[-1] == LINE_BREAK or not body[-1].strip()):
        body.pop()  # a last \\\\ opens no line
    if LINE_BREAK not in body:
        return untokens(body)
    env = "aligned" if align else "gathered"
    return f"{BEGIN}{{{env}}}{untokens(body)}{END}{{{env}}}"


def _as_source(elem: Element, doc: Document, tex: str, why: str) -> None:
    elem.clear()
    elem.update(node.Code(tex, node.make_attr("", ["math-text"])))
    shown = tex if len(tex) <= 80 else tex[:77] + "…"
    doc.warn(
        "math-expansion",
        f"a formula is shown as its TeX: {why}: {shown}",
        doc.line_of(tex),
        tex=tex[:500],
    )


def _define_all(toks: list[str], macros: dict[str, Macro]) -> None:
    """The definitions in raw TeX (what pandoc's reader would have applied); others
    skipped."""
    queue = deque(toks)
    while queue:
        tok = queue.popleft()
        if tok in DEFINERS:
            try:
                _define(tok, queue, macros)
            except MacroError:
                continue


def _define(definer: str, queue: deque[str], macros: dict[str, Macro]) -> None:
    """Read one definition after ``definer`` off ``queue`` into ``macros``."""
    _skip_spaces(queue)
    star = bool(queue) and queue[0] == "*"
    if star:
        queue.popleft()
    if definer == "\\let":
        name = _name(queue)
        _skip_spaces(queue)
        if queue and queue[0] == "=":
            queue.popleft()
        _skip_spaces(queue)
        if not queue:
            raise MacroError("\\let without a second name")
        other = queue.popleft()
        macros[name] = macros.get(other) or Macro(0, [other])
        return
    name = _name(queue)
    if definer == "\\DeclareMathOperator":
        head = ["\\operatorname", *(["*"] if star else []), "{"]
        macros[name] = Macro(0, [*head, *_group(queue), "}"])
        return
    params, default = 0, None
    if definer in DEFS:
        while queue and queue[0] != "{":
            if queue.popleft() != f"#{params + 1}":
                raise MacroError(f"{name} has delimited parameters")
            params += 1
    else:
        _skip_spaces(queue)
        if queue and queue[0] == "[":
            queue.popleft()
            count = "".join(_until_bracket(queue)).strip()
            if not count.isdigit() or not 0 <= int(count) <= 9:
                raise MacroError(f"{name} has a bad number of arguments")
            params = int(count)
            _skip_spaces(queue)
            if queue and queue[0] == "[":
                queue.popleft()
                default = _until_bracket(queue)
    body = _group(queue)
    if definer == "\\providecommand" and name in macros:
        return
    macros[name] = Macro(params, body, default)


def _name(queue: deque[str]) -> str:
    """A macro's name: ``\\name`` or ``{\\name}``."""
    _skip_spaces(queue)
    if queue and queue[0] == "{":
        inner = _group(queue)
        inner = [t for t in inner if not t.isspace()]
        if len(inner) == 1 and inner[0].startswith("\\"):
            return inner[0]
    elif queue and queue[0].startswith("\\"):
        return queue.popleft()
    raise MacroError("a definition names no macro")


def _skip_spaces(queue: deque[str]) -> None:
    while queue and queue[0].isspace():
        queue.popleft()


def _group(queue: deque[str]) -> list[str]:
    """The tokens of the ``{…}`` group at the head of ``queue``, braces removed."""
    _skip_spaces(queue)
    if not queue or queue[0] != "{":
        raise MacroError("a definition has no {body}")
    queue.popleft()
    return _until_close(queue)


def _until_close(queue: deque[str]) -> list[str]:
    """Tokens up to the ``}`` that closes a group already opened (taken off ``queue``)."""
    out: list[str] = []
    depth = 0
    while queue:
        tok = queue.popleft()
        if tok == "}":
            if depth == 0:
                return out
            depth -= 1
        elif tok == "{":
            depth += 1
        out.append(tok)
    raise MacroError("a { is never closed")


def _until_bracket(queue: deque[str]) -> list[str]:
    """Tokens up to the ``]`` that ends an optional argument (not one inside braces)."""
    out: list[str] = []
    depth = 0
    while queue:
        tok = queue.popleft()
        if tok == "]" and depth == 0:
            return out
        depth += (tok == "{") - (tok == "}")
        out.append(tok)
    raise MacroError("a [ is never closed")


def _argument(queue: deque[str]) -> list[str]:
    _skip_spaces(queue)
    if not queue:
        raise MacroError("a macro is missing an argument")
    if queue[0] == "{":
        queue.popleft()
        return _until_close(queue)
    return [queue.popleft()]


def _expand(toks: list[str], macros: dict[str, Macro], limit: int) -> list[str]:
    """``toks`` with every macro of ``macros`` expanded and the definitions in them
    added to ``macros`` and removed; :class:`MacroError` once the result would pass ``limit``
    characters or the expansion runs that many steps (an endless macro)."""
    queue = deque(toks)
    out: list[str] = []
    size = steps = 0
    while queue:
        tok = queue.popleft()
        if tok in DEFINERS:
            _define(tok, queue, macros)
            continue
        macro = macros.get(tok)
        if macro is None:
            out.append(tok)
            size += len(tok)
            if size > limit:
                raise MacroError(f"its macros expand to over {limit} characters")
            continue
        steps += 1
        if steps > limit or len(queue) > 4 * limit:
            raise MacroError(f"its macros expand more than {limit} times or without end")
        args: list[list[str]] = []
        if macro.default is not None:
            _skip_spaces(queue)
            if queue and queue[0] == "[":
                queue.popleft()
                args.append(_until_bracket(queue))
            else:
                args.append(macro.default)
        while len(args) < macro.params:
            args.append(_argument(queue))
        body: list[str] = []
        for t in macro.body:
            if len(t) == 2 and t[0] == "#" and t[1].isdigit():
                if int(t[1]) > len(args):
                    raise MacroError(f"{tok} uses an argument it does not take")
                body.extend(args[int(t[1]) - 1])
            else:
                body.append("#" if t == "##" else t)
        queue.extendleft(reversed(body))
    return out
