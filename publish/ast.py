"""The node layer: the one module that knows the shape of pandoc's JSON AST.

Elements stay pandoc's own dicts (``{"t": type, "c": content}``), so the tree goes back to
pandoc as it came; what sits at which position of ``"c"`` is known only here, through typed
accessors named as panflute names its attributes (``url``, ``title``, ``ident``,
``classes``, ``level``, ``text``, ``citations``…), the tables of containers
(:data:`INLINE_CONTAINERS`, :data:`BLOCK_CONTAINERS`, :data:`INLINES_AT`, :data:`ATTR_AT`)
and constructors (:func:`Str`, :func:`Para`, :func:`Link`…). No other module reads
``elem["c"][i]``.

Walking: :func:`walk` and :class:`Filter` (``(element, doc)`` actions, as panflute's
``run_filters``): ``prepare(doc)`` before the walk, ``action(elem, doc)`` for every element
(children first), ``finalize(doc)`` after it. An action returns ``None`` to keep the
element, an element to replace it, or a list of elements to splice in its place (``[]``
deletes it). :func:`elements` lists every element, parents first; :func:`places` does too,
each with its parent, the list it stands in and its index there (panflute's ``parent``,
``index``, ``prev``, ``next``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

Element = dict[str, Any]
Action = Callable[[Element, Any], Element | list[Element] | None]
Attr = list[Any]  # [identifier, [classes], [[key, value]]]

# -- the schema (pandoc-types 1.23) ------------------------------------------------------
API = (1, 23)  # the pandoc-api-version whose positions this module knows (tests/test_ast.py)
# Inline markup whose "c" is its inline list.
MARKUP = frozenset({"Emph", "Underline", "Strong", "Strikeout", "Superscript", "Subscript"})
MARKUP |= {"SmallCaps"}
# Inlines that hold inlines of the sentence around them (not a picture's description or a
# citation's printed form).
INLINE_CONTAINERS = MARKUP | {"Quoted", "Span", "Link"}
INLINES = INLINE_CONTAINERS | {"Str", "Space", "SoftBreak", "LineBreak", "Code", "Math"}
INLINES |= {"RawInline", "Cite", "Image", "Note"}
# Blocks that hold blocks (a table's cells, a figure's content and caption).
BLOCK_CONTAINERS = frozenset({"BlockQuote", "OrderedList", "BulletList", "DefinitionList"})
BLOCK_CONTAINERS |= {"Div", "Figure", "Table"}
BLOCKS = BLOCK_CONTAINERS | {"Plain", "Para", "LineBlock", "CodeBlock", "RawBlock", "Header"}
BLOCKS |= {"HorizontalRule"}
# Where an element keeps the inline list it holds directly: None for "c" itself.
INLINES_AT: dict[str, int | None] = {t: None for t in MARKUP | {"Para", "Plain"}}
INLINES_AT |= {"Header": 2, "Span": 1, "Quoted": 1, "Link": 1, "Image": 1, "Cite": 1}
INLINES_AT |= {"MetaInlines": None}
# Where an element keeps its blocks: None for "c" itself.
BLOCKS_AT: dict[str, int | None] = {"BlockQuote": None, "Note": None, "Div": 1, "Figure": 2}
BLOCKS_AT |= {"MetaBlocks": None}
# Where an element keeps its Attr.
ATTR_AT = {"Header": 1, "Div": 0, "Span": 0, "CodeBlock": 0, "Code": 0, "Link": 0}
ATTR_AT |= {"Image": 0, "Table": 0, "Figure": 0}
# Elements whose content is one string, and where it is ("c" itself for Str).
TEXT_AT: dict[str, int | None] = {"Str": None, "Code": 1, "CodeBlock": 1, "Math": 1}
TEXT_AT |= {"RawInline": 1, "RawBlock": 1}


def content(e: Element) -> Any:
    """What an element holds, whatever its type (None for Space and the like): for walks
    that go through every part of the tree without knowing its shape."""
    return e.get("c")


def kind(e: Any) -> str | None:
    """The type of element ``e`` ("Para", "Str"…), None for anything else."""
    return e.get("t") if isinstance(e, dict) else None


# -- attributes --------------------------------------------------------------------------
def attr(e: Element) -> Attr | None:
    """The Attr of ``e`` (the list itself: changes to it change the element), or None for
    an element without one."""
    at = ATTR_AT.get(e["t"])
    return e["c"][at] if at is not None else None


def ident(e: Element) -> str:
    """The identifier of ``e``; "" when it has none or cannot have one."""
    a = attr(e)
    return a[0] if a is not None else ""


def set_ident(e: Element, value: str) -> None:
    a = attr(e)
    if a is None:
        raise TypeError(f"a {e['t']} has no identifier")
    a[0] = value


def classes(e: Element) -> list[str]:
    """The classes of ``e`` (the list itself), [] for an element without attributes."""
    a = attr(e)
    return a[1] if a is not None else []


def attributes(e: Element) -> list[list[str]]:
    """The key-value attributes of ``e`` (the list itself), [] for one without."""
    a = attr(e)
    return a[2] if a is not None else []


def set_attributes(e: Element, kv: list[list[str]]) -> None:
    a = attr(e)
    if a is None:
        raise TypeError(f"a {e['t']} has no attributes")
    a[2] = kv


def make_attr(ident: str = "", classes: Iterable[str] = (), kv: Iterable[Any] = ()) -> Attr:
    return [ident, list(classes), [list(p) for p in kv]]


# -- content -----------------------------------------------------------------------------
def inlines_of(e: Element) -> list[Any] | None:
    """The inline list ``e`` holds directly (a paragraph's, a heading's, an emphasis', a
    link's text, a picture's description, a citation's printed form), or None."""
    if e["t"] not in INLINES_AT:
        return None
    at = INLINES_AT[e["t"]]
    return e["c"] if at is None else e["c"][at]


def set_inlines(e: Element, value: list[Any]) -> None:
    if e["t"] not in INLINES_AT:
        raise TypeError(f"a {e['t']} holds no inlines")
    at = INLINES_AT[e["t"]]
    if at is None:
        e["c"] = value
    else:
        e["c"][at] = value


def blocks_of(e: Element) -> list[Any] | None:
    """The block list ``e`` holds directly (a quote's, a div's, a note's, a figure's), or
    None (lists, tables: see :func:`items`, :func:`cells`)."""
    if e["t"] not in BLOCKS_AT:
        return None
    at = BLOCKS_AT[e["t"]]
    return e["c"] if at is None else e["c"][at]


def set_blocks(e: Element, value: list[Any]) -> None:
    if e["t"] not in BLOCKS_AT:
        raise TypeError(f"a {e['t']} holds no blocks")
    at = BLOCKS_AT[e["t"]]
    if at is None:
        e["c"] = value
    else:
        e["c"][at] = value


def text(e: Element) -> str:
    """The string of a Str, Code, CodeBlock, Math, RawInline or RawBlock."""
    at = TEXT_AT[e["t"]]
    return e["c"] if at is None else e["c"][at]


def set_text(e: Element, value: str) -> None:
    at = TEXT_AT[e["t"]]
    if at is None:
        e["c"] = value
    else:
        e["c"][at] = value


def raw_format(e: Element) -> str:
    """The format of a RawInline or RawBlock ("html", "tex"…), as written."""
    return e["c"][0]


def math_kind(e: Element) -> str:
    """ "InlineMath" or "DisplayMath"."""
    return e["c"][0]["t"]


def quote_kind(e: Element) -> str:
    """ "SingleQuote" or "DoubleQuote"."""
    return e["c"][0]["t"]


def level(e: Element) -> int:
    """A Header's level, 1 to 6."""
    return e["c"][0]


def set_level(e: Element, value: int) -> None:
    e["c"][0] = value


def target(e: Element) -> list[str]:
    """A Link's or Image's ``[url, title]`` (the list itself)."""
    return e["c"][2]


def url(e: Element) -> str:
    """A Link's or Image's address."""
    return e["c"][2][0]


def set_url(e: Element, value: str) -> None:
    e["c"][2][0] = value


def title(e: Element) -> str:
    """A Link's or Image's title ("" when none; pandoc writes "fig:" for old figures)."""
    return e["c"][2][1]


def set_title(e: Element, value: str) -> None:
    e["c"][2][1] = value


def citations(e: Element) -> list[dict[str, Any]]:
    """A Cite's citations (dicts: citationId, citationPrefix, citationSuffix,
    citationMode, citationNoteNum, citationHash), the list itself."""
    return e["c"][0]


def items(e: Element) -> list[list[Any]]:
    """A BulletList's or OrderedList's items, each a list of blocks."""
    return e["c"][1] if e["t"] == "OrderedList" else e["c"]


def list_attrs(e: Element) -> list[Any]:
    """An OrderedList's ``[start, style, delimiter]`` (style and delimiter as elements)."""
    return e["c"][0]


def definitions(e: Element) -> list[list[Any]]:
    """A DefinitionList's entries, each ``[term inlines, [definition blocks, …]]``."""
    return e["c"]


def lines_of(e: Element) -> list[list[Any]]:
    """A LineBlock's lines, each a list of inlines."""
    return e["c"]


# -- tables and figures ------------------------------------------------------------------
def caption(e: Element) -> list[Any]:
    """A Table's or Figure's caption: ``[short caption or None, blocks]``."""
    return e["c"][1]


def set_caption(e: Element, value: list[Any]) -> None:
    e["c"][1] = value


def caption_blocks(e: Element) -> list[Any]:
    """The blocks of a Table's or Figure's caption (the list itself)."""
    return e["c"][1][1]


def set_caption_blocks(e: Element, value: list[Any]) -> None:
    e["c"][1][1] = value


def colspecs(e: Element) -> list[Any]:
    """A Table's column specifications, ``[alignment, width]`` each."""
    return e["c"][2]


def table_head(e: Element) -> list[Any]:
    """A Table's head: ``[attr, rows]``."""
    return e["c"][3]


def table_bodies(e: Element) -> list[list[Any]]:
    """A Table's bodies: ``[attr, row head columns, head rows, rows]`` each."""
    return e["c"][4]


def table_foot(e: Element) -> list[Any]:
    """A Table's foot: ``[attr, rows]``."""
    return e["c"][5]


def head_rows(e: Element) -> list[list[Any]]:
    return table_head(e)[1]


def body_rows(body: list[Any], head: bool = False) -> list[list[Any]]:
    """The rows of a table body (its own head rows with ``head``)."""
    return body[2] if head else body[3]


def table_rows(e: Element) -> list[list[Any]]:
    """Every row of a Table, head, bodies (their head rows first) and foot, in order."""
    rows = list(head_rows(e))
    for body in table_bodies(e):
        rows += body[2] + body[3]
    return rows + list(table_foot(e)[1])


def row_cells(row: list[Any]) -> list[list[Any]]:
    """A row's cells: ``[attr, alignment, row span, column span, blocks]`` each."""
    return row[1]


def cell_blocks(cell: list[Any]) -> list[Any]:
    return cell[4]


def cell_span(cell: list[Any]) -> tuple[int, int]:
    """A cell's ``(rows, columns)`` span."""
    return cell[2], cell[3]


def cells(e: Element) -> list[list[Any]]:
    """Every cell of a Table, row by row."""
    return [cell for row in table_rows(e) for cell in row_cells(row)]


# -- constructors (pandoc's names) -------------------------------------------------------
def Para(inlines: list[Any]) -> Element:  # noqa: N802
    return {"t": "Para", "c": inlines}


def Plain(inlines: list[Any]) -> Element:  # noqa: N802
    return {"t": "Plain", "c": inlines}


def Span(inlines: list[Any], a: Attr | None = None) -> Element:  # noqa: N802
    return {"t": "Span", "c": [a or make_attr(), inlines]}


def Div(blocks: list[Any], a: Attr | None = None) -> Element:  # noqa: N802
    return {"t": "Div", "c": [a or make_attr(), blocks]}


def Link(  # noqa: N802
    inlines: list[Any], address: str, title: str = "", a: Attr | None = None
) -> Element:
    return {"t": "Link", "c": [a or make_attr(), inlines, [address, title]]}


def Header(level: int, inlines: list[Any], a: Attr | None = None) -> Element:  # noqa: N802
    return {"t": "Header", "c": [level, a or make_attr(), inlines]}


def RawInline(fmt: str, content: str) -> Element:  # noqa: N802
    return {"t": "RawInline", "c": [fmt, content]}


def RawBlock(fmt: str, content: str) -> Element:  # noqa: N802
    return {"t": "RawBlock", "c": [fmt, content]}


def Code(content: str, a: Attr | None = None) -> Element:  # noqa: N802
    return {"t": "Code", "c": [a or make_attr(), content]}


def CodeBlock(content: str, a: Attr | None = None) -> Element:  # noqa: N802
    return {"t": "CodeBlock", "c": [a or make_attr(), content]}


def Strong(inlines: list[Any]) -> Element:  # noqa: N802
    return {"t": "Strong", "c": inlines}


def Emph(inlines: list[Any]) -> Element:  # noqa: N802
    return {"t": "Emph", "c": inlines}


def Note(blocks: list[Any]) -> Element:  # noqa: N802
    return {"t": "Note", "c": blocks}


def Math(content: str, display: bool = False) -> Element:  # noqa: N802
    return {"t": "Math", "c": [{"t": "DisplayMath" if display else "InlineMath"}, content]}


def BlockQuote(blocks: list[Any]) -> Element:  # noqa: N802
    return {"t": "BlockQuote", "c": blocks}


def BulletList(entries: list[list[Any]]) -> Element:  # noqa: N802
    return {"t": "BulletList", "c": entries}


def SoftBreak() -> Element:  # noqa: N802
    return {"t": "SoftBreak"}


def LineBreak() -> Element:  # noqa: N802
    return {"t": "LineBreak"}


# -- names and messages ------------------------------------------------------------------
def fresh(name: str, taken: set[str]) -> str:
    """``name-2``, ``name-3``… the first not in ``taken``: a new identifier for a duplicate."""
    n = 2
    while f"{name}-{n}" in taken:
        n += 1
    return f"{name}-{n}"


def short(value: str, width: int = 60) -> str:
    """``value`` cut to ``width`` characters with an ellipsis, for a message."""
    return value if len(value) <= width else value[: width - 1] + "…"


class Filter:
    """Base class for transforms. Subclasses override what they need."""

    def prepare(self, doc: Any) -> None:  # noqa: B027 - optional hook
        pass

    def action(self, elem: Element, doc: Any) -> Element | list[Element] | None:
        return None

    def finalize(self, doc: Any) -> None:  # noqa: B027 - optional hook
        pass


def is_element(value: Any) -> bool:
    return isinstance(value, dict) and "t" in value


def walk(value: Any, action: Action, doc: Any) -> Any:
    """Apply ``action`` to every element under ``value``, children first; returns ``value``.

    Recursive while that is safe (it is the fastest), iterative below :data:`DEEP` levels:
    any depth of nesting is walked, without a RecursionError."""
    return _walk(value, action, doc, 0)


DEEP = 100  # levels walked by recursion; deeper, an explicit stack


def _walk(value: Any, action: Action, doc: Any, depth: int) -> Any:
    if depth > DEEP:
        return _walk_deep(value, action, doc)
    if isinstance(value, list):
        out: list[Any] = []
        changed = False
        for item in value:
            if is_element(item):
                _walk(item.get("c"), action, doc, depth + 1)
                result = action(item, doc)
                if result is None:
                    out.append(item)
                    continue
                changed = True
                if isinstance(result, list):
                    out.extend(result)
                else:
                    out.append(result)
            else:
                _walk(item, action, doc, depth + 1)
                out.append(item)
        if changed:
            value[:] = out
    elif isinstance(value, dict):
        if "t" in value:
            _walk(value.get("c"), action, doc, depth + 1)
        else:  # a metadata map
            for item in value.values():
                _walk(item, action, doc, depth + 1)
    return value


def _walk_deep(value: Any, action: Action, doc: Any) -> Any:
    """:func:`walk` with an explicit stack of the lists being walked."""
    stack: list[_Siblings] = []
    _enter(value, stack)
    while stack:
        frame = stack[-1]
        item = frame.pending
        if item is not None:  # its children are done: now the element itself
            frame.pending = None
            result = action(item, doc)
            if result is None:
                frame.out.append(item)
            else:
                frame.changed = True
                if isinstance(result, list):
                    frame.out.extend(result)
                else:
                    frame.out.append(result)
            continue
        items = frame.items
        i = frame.i
        if i == len(items):
            stack.pop()
            if frame.changed:
                items[:] = frame.out
            continue
        item = items[i]
        frame.i = i + 1
        if is_element(item):
            frame.pending = item
            _enter(item.get("c"), stack)
        else:
            frame.out.append(item)
            _enter(item, stack)
    return value


class _Siblings:
    """A list being walked: the next index, the items kept so far, the element waiting
    for its action (its children are on the stack above)."""

    __slots__ = ("items", "i", "out", "changed", "pending")

    def __init__(self, items: list[Any]) -> None:
        self.items = items
        self.i = 0
        self.out: list[Any] = []
        self.changed = False
        self.pending: Element | None = None


def _enter(value: Any, stack: list[_Siblings]) -> None:
    """Push the lists under ``value`` to be walked next, first one on top: ``value`` itself,
    an element's content, or every list in a metadata map, in order."""
    found: list[list[Any]] = []
    todo = [value]
    while todo:
        v = todo.pop()
        if isinstance(v, list):
            found.append(v)
        elif isinstance(v, dict):
            if "t" in v:
                todo.append(v.get("c"))
            else:  # a metadata map
                todo.extend(reversed(list(v.values())))
    stack.extend(_Siblings(x) for x in reversed(found))


def run_filters(filters: Iterable[Filter], doc: Any, ast: Element | None = None) -> None:
    """Run each filter's prepare, walk and finalize over ``ast`` (default ``doc.ast``)."""
    tree = doc.ast if ast is None else ast
    for f in filters:
        f.prepare(doc)
        walk(tree["blocks"], f.action, doc)
        f.finalize(doc)


def elements(value: Any, skip: tuple[str, ...] = ()) -> Iterator[Element]:
    """Every element under ``value``, parents before children; not under the elements
    whose type is in ``skip``."""
    # The walk every transform runs (some 45 times a build): an element's children go on
    # the stack as they are, text and numbers never do (30 % faster than pushing each
    # "c" whole to look at it later).
    stack = [value]
    pop, push, extend = stack.pop, stack.append, stack.extend
    while stack:
        item = pop()
        if isinstance(item, dict):
            kind = item.get("t")
            if kind is None:  # a metadata map
                extend(item.values())
                continue
            if kind in skip:
                continue
            yield item
            c = item.get("c")
            if isinstance(c, list):
                extend(c[::-1])
            elif isinstance(c, dict):
                push(c)
        elif isinstance(item, list):
            extend(item[::-1])


class Place:
    """Where an element stands: the element, the list holding it and its index there,
    and the place of the element around it (None at the top). panflute's ``parent``,
    ``index``, ``prev`` and ``next``, for pandoc's plain dicts."""

    __slots__ = ("elem", "siblings", "index", "parent")

    def __init__(
        self, elem: Element, siblings: list[Any], index: int, parent: Place | None
    ) -> None:
        self.elem = elem
        self.siblings = siblings
        self.index = index
        self.parent = parent

    @property
    def prev(self) -> Any:
        """The item before this one in its list, or None."""
        return self.siblings[self.index - 1] if self.index > 0 else None

    @property
    def next(self) -> Any:
        """The item after this one in its list, or None."""
        i = self.index + 1
        return self.siblings[i] if i < len(self.siblings) else None

    def ancestors(self) -> Iterator[Element]:
        """The elements around this one, nearest first."""
        p = self.parent
        while p is not None:
            yield p.elem
            p = p.parent

    def inside(self, *kinds: str) -> bool:
        """Whether an element of one of ``kinds`` is around this one."""
        return any(a["t"] in kinds for a in self.ancestors())


def places(value: Any, skip: tuple[str, ...] = ()) -> Iterator[Place]:
    """The :class:`Place` of every element under ``value`` that stands in a list, parents
    before children, in document order; not under the elements whose type is in ``skip``.
    An element's children are read after its place is yielded, so the caller may change
    what it holds (or replace it in ``siblings``: the new element's children are walked).
    Iterative: no depth limit."""
    stack: list[tuple[Any, Place | None]] = [(value, None)]
    while stack:
        item, parent = stack.pop()
        if isinstance(item, list):
            todo = []
            for i, x in enumerate(item):
                if is_element(x):
                    todo.append((_Mark(item, i), parent))
                elif isinstance(x, (list, dict)):
                    todo.append((x, parent))
            stack.extend(reversed(todo))
        elif isinstance(item, _Mark):
            if item.index >= len(item.siblings):
                continue
            elem = item.siblings[item.index]
            if not is_element(elem) or elem["t"] in skip:
                continue
            place = Place(elem, item.siblings, item.index, parent)
            yield place
            elem = place.siblings[place.index] if place.index < len(place.siblings) else None
            if is_element(elem):
                place.elem = elem
                stack.append((elem.get("c"), place))
        elif isinstance(item, dict):
            if "t" in item:  # an element in a metadata map, not in a list
                stack.append((item.get("c"), parent))
            else:
                stack.extend((v, parent) for v in reversed(list(item.values())))


class _Mark:
    """An element to visit, by its list and index (read when its turn comes)."""

    __slots__ = ("siblings", "index")

    def __init__(self, siblings: list[Any], index: int) -> None:
        self.siblings = siblings
        self.index = index


def lists(value: Any, keep: Callable[[list[Any]], bool] | None = None) -> list[list[Any]]:
    """Every list in ``value`` (block lists, inline lists, a table's rows…), outermost
    first, that ``keep`` accepts: for a transform that rewrites a list in place (splices,
    ties neighbours). Iterative: no depth limit."""
    found = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            if keep is None or keep(item):
                found.append(item)
            stack.extend(item)
        elif isinstance(item, dict):
            stack.append(item.get("c") if "t" in item else list(item.values()))
    return found


def inline_content(e: Element) -> list[Any]:
    """The inlines an inline container holds (:data:`INLINE_CONTAINERS`, also a paragraph
    or a line of plain text); [] for an element with none."""
    if e["t"] in INLINE_CONTAINERS or e["t"] in ("Para", "Plain"):
        return inlines_of(e) or []
    if e["t"] == "Note":  # blocks; kept for the callers that read a note through
        return e["c"]
    return []


# Classes that mark a link as written as an address: pandoc's autolinks (<https://…>,
# <me@example.org>), our bare addresses (manuscript/autolinks.py) and the reference list's
# links (references/bibliography.py).
ADDRESS_CLASSES = ("uri", "email", "url")


def shows_address(e: Element) -> bool:
    """A link that prints its own address (an autolink, a bare URL, a reference's link):
    its text is an address, not prose, so it is not converted, curled or spaced."""
    if e["t"] != "Link":
        return False
    if any(c in ADDRESS_CLASSES for c in classes(e)):
        return True
    shown = "".join(x["c"] for x in inlines_of(e) or [] if x.get("t") == "Str")
    return bool(shown) and (shown == url(e) or "://" in shown)


# Raw HTML elements whose text is code, not prose.
RAW_CODE = re.compile(r"<(/?)\s*(code|pre|kbd|samp|var|script|style)\b", re.I)


def raw_code_depth(html: str, depth: int) -> int:
    """``depth`` (code elements open) after the code tags in raw HTML ``html``."""
    for m in RAW_CODE.finditer(html):
        depth = max(0, depth - 1) if m.group(1) else depth + 1
    return depth


def stringify(value: Any) -> str:
    """Plain text of inlines or blocks (as pandoc's ``stringify``: notes left out, so a
    heading's text is its title without its footnote's)."""
    parts: list[str] = []
    for elem in elements(value, skip=("Note",)):
        t = elem["t"]
        if t in ("Str", "Code", "Math"):
            parts.append(text(elem))
        elif t in ("Space", "SoftBreak", "LineBreak"):
            parts.append(" ")
    return "".join(parts)


def Str(text: str) -> Element:  # noqa: N802 - pandoc's constructor names
    return {"t": "Str", "c": text}


def Space() -> Element:  # noqa: N802
    return {"t": "Space"}


def inlines_from_text(text: str) -> list[Element]:
    """Str/Space inlines for plain text."""
    out: list[Element] = []
    for i, word in enumerate(text.split(" ")):
        if i:
            out.append(Space())
        if word:
            out.append(Str(word))
    return out


def meta_value(value: Any) -> Element:
    """Python data to pandoc MetaValue (strings stay strings: no Markdown parsing)."""
    if isinstance(value, bool):
        return {"t": "MetaBool", "c": value}
    if isinstance(value, str):
        return {"t": "MetaString", "c": value}
    if isinstance(value, (int, float)):
        return {"t": "MetaString", "c": str(value)}
    if isinstance(value, dict):
        return {"t": "MetaMap", "c": {k: meta_value(v) for k, v in value.items()}}
    if isinstance(value, (list, tuple)):
        return {"t": "MetaList", "c": [meta_value(v) for v in value]}
    raise TypeError(f"cannot put {type(value).__name__} into pandoc metadata")


def meta_list(value: Element) -> list[Element]:
    """A MetaList's values (the list itself)."""
    return value["c"]


def meta_map(value: Element) -> dict[str, Element]:
    """A MetaMap's values by key (the dict itself)."""
    return value["c"]


def meta_text(value: Element | None) -> str:
    """Plain text of a MetaValue."""
    if value is None:
        return ""
    t, c = value["t"], value.get("c")
    if t in ("MetaString",):
        return c
    if t == "MetaBool":
        return "true" if c else ""
    if t in ("MetaInlines", "MetaBlocks"):
        return stringify(c)
    if t == "MetaList":
        return ", ".join(meta_text(v) for v in c)
    return ""
