"""Editions: zh-Hans, zh-Hant-TW and zh-Hant-HK copies of the document.

``table.py``     the editions themselves, one declarative table every stage reads.
``script.py``    which script a source is written in, and the OpenCC configs per edition.
``source.py``    a source's script and domain (technical or general), settled once.
``glossary.py``  the glossary (terms that override OpenCC, words to keep) in TOML.
``words.py``     word boundaries (jieba), so no entry applies to the halves of two words.
``convert.py``   the converter: protected spans, glossary, quotes, phrase review list.
``phrases.py``   OpenCC's phrase dictionaries, and the review list's rows and sections.
``edition.py``   an edition from a document: convert the AST, then cite it.

The names below are loaded on first use: ``publish.config`` reads ``table`` without
importing the converter (which itself reads ``publish.config``).
"""

from __future__ import annotations

from typing import Any

__all__ = ["EDITIONS", "LABELS", "Glossary", "load_glossary", "make_edition"]

_FROM = {
    "EDITIONS": "publish.editions.edition",
    "LABELS": "publish.editions.edition",
    "make_edition": "publish.editions.edition",
    "Glossary": "publish.editions.glossary",
    "load_glossary": "publish.editions.glossary",
}


def __getattr__(name: str) -> Any:
    if name not in _FROM:
        raise AttributeError(f"module 'publish.editions' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_FROM[name]), name)
