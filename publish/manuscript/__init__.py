"""Manuscript clean-up: from an AI draft to a finished document.

Text level, before pandoc parses (``chat.py``): the chat preamble and closing chatter are
blanked (line numbers stay true) and kept in ``Document.removed``.
AST level, after parsing: nesting bounded (``shape.py``), metadata and title
(``metadata.py``), images checked and embedded (``images.py``), active content removed
(``rawhtml.py``), table captions (``captions.py``), truncation checks (``truncation.py``).
"""

from publish.ast import run_filters
from publish.document import Document
from publish.manuscript.captions import TableCaptions
from publish.manuscript.chat import remove_chat
from publish.manuscript.images import Images
from publish.manuscript.markers import escape_markers
from publish.manuscript.metadata import take_metadata
from publish.manuscript.rawhtml import sanitize
from publish.manuscript.shape import flatten_deep
from publish.manuscript.truncation import check_truncation, close_cut_fence


def clean_text(doc: Document) -> None:
    """Before parsing: remove chat around the report; keep "[…]*" note markers literal;
    close a code block the text cuts off."""
    remove_chat(doc)
    escape_markers(doc)
    close_cut_fence(doc)


def clean_ast(doc: Document) -> None:
    """After parsing: nesting bounded, metadata, images, active content, captions,
    truncation."""
    flatten_deep(doc)
    take_metadata(doc)
    images = Images()
    run_filters([images], doc)
    sanitize(doc, images)
    run_filters([TableCaptions()], doc)
    check_truncation(doc)


__all__ = ["clean_ast", "clean_text"]
