"""Manuscript clean-up: from an AI draft to a finished document.

Text level, before pandoc parses (``chat.py``): the chat preamble and closing chatter are
blanked (line numbers stay true) and kept in ``Document.removed``; callout syntax of
GitHub, Obsidian, GitBook and VuePress (``callouts.py``), Liquid tags as link addresses
(``liquid.py``); escaped bold and note
markers (``markers.py``), bullets under numbered items (``lists.py``), math between
``\\(`` ``\\)`` (``texmath.py``).
AST level, after parsing: nesting bounded, callouts as boxes, headings inside lists,
quotes and callouts as bold paragraphs (``shape.py``, ``callouts.py``), straight quotes in Chinese
text made curly (``quotes.py``), metadata and title (``metadata.py``), wikilinks as their
text (``wikilinks.py``), Liquid tags never run (``liquid.py``), images checked and
embedded (``images.py``), active content removed (``rawhtml.py``), table captions
(``captions.py``), bare addresses linked (``autolinks.py``), identifiers unique
(``ids.py``), truncation checks (``truncation.py``).
"""

from publish.ast import run_filters
from publish.document import Document
from publish.manuscript.autolinks import link_bare_urls
from publish.manuscript.callouts import callout_syntax, callouts
from publish.manuscript.captions import TableCaptions
from publish.manuscript.chat import remove_chat
from publish.manuscript.components import components
from publish.manuscript.crossrefs import crossref_targets, crossrefs
from publish.manuscript.htmlblocks import read_html_blocks
from publish.manuscript.ids import unique_ids
from publish.manuscript.images import Images
from publish.manuscript.liquid import liquid_tags, liquid_text
from publish.manuscript.lists import bullets_after_lines, nest_bullets
from publish.manuscript.markers import (
    bold_next_to_punctuation,
    escape_markers,
    highlights,
    strong_spans,
    unescape_bold,
)
from publish.manuscript.mathimages import math_images
from publish.manuscript.metadata import take_metadata
from publish.manuscript.pipetables import repair_pipe_tables
from publish.manuscript.quotes import curl_quotes
from publish.manuscript.rawhtml import sanitize, unlink_headings
from publish.manuscript.shape import (
    drop_empty_headings,
    flatten_deep,
    nested_headings,
    unwrap_heading_divs,
)
from publish.manuscript.texmath import tex_delimiters
from publish.manuscript.truncation import check_truncation, close_cut_fence
from publish.manuscript.wikilinks import resolve_wikilinks
from publish.writers.math import expand_macros


def clean_text(doc: Document) -> None:
    """Before parsing: remove chat around the report; math in \\( \\) and \\[ \\] as math;
    escaped bold markers that pair up made bold again; keep "[…]*" note markers literal;
    bullets under a numbered item nested in it; close a code block the text cuts off."""
    remove_chat(doc)
    callout_syntax(doc)
    liquid_text(doc)
    components(doc)
    repair_pipe_tables(doc)
    tex_delimiters(doc)
    unescape_bold(doc)
    bold_next_to_punctuation(doc)
    highlights(doc)
    nest_bullets(doc)
    escape_markers(doc)
    close_cut_fence(doc)


def clean_ast(doc: Document) -> None:
    """After parsing: nesting bounded, TeX macros expanded, divs around headings opened,
    quotes, metadata, wikilinks, Liquid tags, images, active content, captions, bare
    addresses, identifiers, truncation."""
    flatten_deep(doc)
    strong_spans(doc)
    expand_macros(doc)
    callouts(doc)
    nested_headings(doc)
    unwrap_heading_divs(doc)
    drop_empty_headings(doc)
    curl_quotes(doc)
    take_metadata(doc)
    resolve_wikilinks(doc)
    liquid_tags(doc)
    math_images(doc)
    crossref_targets(doc)  # labelled pictures as figures, table labels on their tables
    images = Images()
    run_filters([images], doc)
    sanitize(doc, images)
    unlink_headings(doc)
    read_html_blocks(doc)
    flatten_deep(doc)  # what the HTML blocks held is bounded too
    run_filters([TableCaptions()], doc)
    if doc.reader == "markdown":  # CommonMark reads these lists itself
        bullets_after_lines(doc)
    link_bare_urls(doc)
    unique_ids(doc)
    crossrefs(doc)  # numbers figures and equations; @fig-… links (ids final)
    check_truncation(doc)


__all__ = ["clean_ast", "clean_text"]
