"""Walking pandoc's JSON AST with ``(element, doc)`` actions, as panflute's ``run_filters``.

A :class:`Filter` has three steps: ``prepare(doc)`` before the walk, ``action(elem, doc)``
for every element (children first), ``finalize(doc)`` after it. An action returns ``None``
to keep the element, an element to replace it, or a list of elements to splice in its
place (``[]`` deletes it).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

Element = dict[str, Any]
Action = Callable[[Element, Any], Element | list[Element] | None]


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
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            if "t" in item:
                if item["t"] in skip:
                    continue
                yield item
                stack.append(item.get("c"))
            else:
                stack.extend(item.values())


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
    """The inlines an inline container holds: after the attributes (Span, Link) or the
    quote type (Quoted), else its content (Emph, Strong…); [] for an element with none."""
    c = e.get("c")
    if e["t"] in ("Span", "Link", "Quoted"):
        return c[1]
    return c if isinstance(c, list) and all(is_element(x) for x in c) else []


def shows_address(e: Element) -> bool:
    """A link that prints its own address (an autolink, a bare URL): its text is not prose."""
    if e["t"] != "Link":
        return False
    text = "".join(x["c"] for x in e["c"][1] if x.get("t") == "Str")
    return "://" in text or text == e["c"][2][0] or "uri" in e["c"][0][1]


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
        if t == "Str":
            parts.append(elem["c"])
        elif t in ("Space", "SoftBreak", "LineBreak"):
            parts.append(" ")
        elif t in ("Code", "Math"):
            parts.append(elem["c"][1])
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
