"""Editions: zh-Hans, zh-Hant-TW and zh-Hant-HK copies of the document.

``script.py``    which script a source is written in, and the OpenCC configs per edition.
``glossary.py``  the glossary (terms that override OpenCC, words to keep) in TOML.
``convert.py``   the converter: protected spans, glossary, quotes, phrase review list.
``edition.py``   an edition from a document: convert the AST, then cite it.
"""

from publish.editions.edition import EDITIONS, LABELS, make_edition
from publish.editions.glossary import Glossary, load_glossary

__all__ = ["EDITIONS", "LABELS", "Glossary", "load_glossary", "make_edition"]
