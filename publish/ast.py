"""Walking pandoc's JSON AST with ``(element, doc)`` actions, as panflute's ``run_filters``.

A :class:`Filter` has three steps: ``prepare(doc)`` before the walk, ``action(elem, doc)``
for every element (children first), ``finalize(doc)`` after it. An action returns ``None``
to keep the element, an element to replace it, or a list of elements to splice in its
place (``[]`` deletes it).
"""

from __future__ import annotations

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
    """Apply ``action`` to every element under ``value``, children first; returns ``value``."""
    if isinstance(value, list):
        out: list[Any] = []
        changed = False
        for item in value:
            if is_element(item):
                walk(item.get("c"), action, doc)
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
                walk(item, action, doc)
                out.append(item)
        if changed:
            value[:] = out
    elif isinstance(value, dict):
        if "t" in value:
            walk(value.get("c"), action, doc)
        else:  # a metadata map
            for item in value.values():
                walk(item, action, doc)
    return value


def run_filters(filters: Iterable[Filter], doc: Any, ast: Element | None = None) -> None:
    """Run each filter's prepare, walk and finalize over ``ast`` (default ``doc.ast``)."""
    tree = doc.ast if ast is None else ast
    for f in filters:
        f.prepare(doc)
        walk(tree["blocks"], f.action, doc)
        f.finalize(doc)


def elements(value: Any) -> Iterator[Element]:
    """Every element under ``value``, parents before children."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            if "t" in item:
                yield item
                stack.append(item.get("c"))
            else:
                stack.extend(item.values())


def stringify(value: Any) -> str:
    """Plain text of inlines or blocks (as pandoc's ``stringify``)."""
    parts: list[str] = []
    for elem in elements(value):
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
