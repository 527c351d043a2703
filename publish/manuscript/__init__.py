"""Manuscript clean-up: from an AI draft to a finished document.

Text level, before pandoc parses (``chat.py``): the chat preamble and closing chatter are
blanked (line numbers stay true) and kept in ``Document.removed``.
AST level, after parsing: metadata and title (``metadata.py``), table captions
(``captions.py``), truncation checks (``truncation.py``).
"""

from publish.ast import run_filters
from publish.document import Document
from publish.manuscript.captions import TableCaptions
from publish.manuscript.chat import remove_chat
from publish.manuscript.markers import escape_markers
from publish.manuscript.metadata import take_metadata
from publish.manuscript.truncation import check_truncation


def clean_text(doc: Document) -> None:
    """Before parsing: remove chat around the report; keep "[…]*" note markers literal."""
    remove_chat(doc)
    escape_markers(doc)


def clean_ast(doc: Document) -> None:
    """After parsing: metadata, captions, truncation."""
    take_metadata(doc)
    run_filters([TableCaptions()], doc)
    check_truncation(doc)


__all__ = ["clean_ast", "clean_text"]
