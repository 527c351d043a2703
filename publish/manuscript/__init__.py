"""Manuscript clean-up: from an AI draft to a finished document.

Every step is named, once, in one of two ordered lists below: :data:`TEXT_STEPS` run on the
source text before pandoc parses it (the chat preamble and closing chatter blanked, line
numbers kept true; callout syntax, Liquid tags, escaped bold and note markers, bullets
under numbered items, math delimiters), :data:`AST_STEPS` on pandoc's tree after (nesting
bounded, callouts as boxes, headings inside blocks, quotes, metadata and title,
wikilinks, Liquid tags, images, active content, table captions, bare addresses,
identifiers, cross-references, truncation checks). A step is a function of the document;
the ones that work element by element are ``(element, doc)`` transforms
(:class:`publish.ast.Filter`) run by a named step. Steps read pandoc's tree through
:mod:`publish.ast` only.
"""

from collections.abc import Callable

from publish.ast import run_filters
from publish.document import Document
from publish.manuscript.attributes import attribute_lines
from publish.manuscript.autolinks import link_bare_urls
from publish.manuscript.callouts import callout_syntax, callouts, html_boxes
from publish.manuscript.captions import TableCaptions
from publish.manuscript.chat import remove_chat
from publish.manuscript.components import components
from publish.manuscript.crossrefs import crossref_targets, crossrefs
from publish.manuscript.htmlblocks import end_html_blocks, read_html_blocks
from publish.manuscript.ids import unique_ids
from publish.manuscript.images import Images
from publish.manuscript.includes import mdbook_includes
from publish.manuscript.liquid import hexo_blocks, hugo_shortcodes, liquid_tags, liquid_text
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
from publish.manuscript.obsidian import obsidian_syntax
from publish.manuscript.pipetables import repair_pipe_tables, tables_after_lines
from publish.manuscript.quotes import curl_quotes
from publish.manuscript.rawhtml import sanitize, unlink_headings
from publish.manuscript.shape import (
    drop_empty_headings,
    flatten_deep,
    nested_headings,
    unwrap_heading_divs,
)
from publish.manuscript.sourcenumbers import bare_citation_numbers
from publish.manuscript.texmath import tex_delimiters
from publish.manuscript.tocmarks import toc_markers
from publish.manuscript.truncation import check_truncation, close_cut_fence
from publish.manuscript.wikilinks import resolve_wikilinks
from publish.writers.math import expand_macros

Step = Callable[[Document], None]


def pictures_and_active_content(doc: Document) -> None:
    """Images checked and embedded (an ``(element, doc)`` transform), then active content
    out of the whole tree; the sanitiser checks raw HTML's ``<img>`` as the images were."""
    images = Images()
    run_filters([images], doc)
    sanitize(doc, images)


def table_captions(doc: Document) -> None:
    """Table captions, numbered (an ``(element, doc)`` transform)."""
    run_filters([TableCaptions()], doc)


# The manuscript stage, in order: each step takes the document and changes it in place.
# Before parsing, on the source text (line numbers stay true: see chat.py):
TEXT_STEPS: tuple[Step, ...] = (
    remove_chat,  # chat around the report, kept in Document.removed
    toc_markers,  # [TOC], @[TOC](目录): each edition makes its own contents
    attribute_lines,  # {: id="…"}, Logseq's key:: value and ((block)) references
    hexo_blocks,  # {% codeblock %}, {% blockquote %} as the code and quotes they are
    hugo_shortcodes,  # {{< admonition >}} boxes, {{< figure >}}, ```{r} chunk fences
    obsidian_syntax,  # ![[图.png|300]] a picture, %%comments%% and ^block-ids left out
    callout_syntax,  # GitHub/Obsidian/GitBook/VuePress callouts as fenced divs
    liquid_text,  # Liquid tags as link addresses
    components,  # theme components print the words they show
    repair_pipe_tables,
    tables_after_lines,  # a table right under a line of text is a table, as on GitHub
    end_html_blocks,  # a line of complete HTML with Markdown right after it ends there
    tex_delimiters,  # math between \( \) and \[ \]
    unescape_bold,  # escaped bold markers that pair up made bold again
    bold_next_to_punctuation,
    highlights,  # ==highlights==
    nest_bullets,  # bullets under a numbered item nested in it
    bare_citation_numbers,  # Gemini's "观点 11，" citations of its closing list of sources
    escape_markers,  # "[…]*" note markers kept literal
    close_cut_fence,  # a code block the text cuts off is closed
)
# After parsing, on pandoc's tree:
AST_STEPS: tuple[Step, ...] = (
    flatten_deep,  # nesting bounded
    mdbook_includes,  # {{#include ../listings/main.rs}} in a code block: the file's lines
    strong_spans,
    expand_macros,  # TeX macros expanded
    html_boxes,  # <details><summary>…</summary> … </details>, <aside>…</aside>: callouts
    callouts,  # callouts as boxes
    nested_headings,  # headings inside lists and quotes as bold paragraphs
    unwrap_heading_divs,  # divs around headings opened
    drop_empty_headings,
    curl_quotes,  # straight quotes in Chinese text made curly
    take_metadata,  # metadata and title
    resolve_wikilinks,  # wikilinks as their text
    liquid_tags,  # Liquid tags never run
    math_images,  # equation pictures as formulas
    crossref_targets,  # labelled pictures as figures, table labels on their tables
    pictures_and_active_content,
    unlink_headings,
    read_html_blocks,
    flatten_deep,  # what the HTML blocks held is bounded too
    table_captions,
    bullets_after_lines,  # pandoc's Markdown only: CommonMark reads these lists itself
    link_bare_urls,  # bare addresses linked
    unique_ids,  # identifiers unique, clear of the writers' own
    crossrefs,  # numbers figures and equations; @fig-… links (ids final)
    check_truncation,
)


def clean_text(doc: Document) -> None:
    """Before parsing: :data:`TEXT_STEPS`, in order."""
    for step in TEXT_STEPS:
        step(doc)


def clean_ast(doc: Document) -> None:
    """After parsing: :data:`AST_STEPS`, in order."""
    for step in AST_STEPS:
        step(doc)


__all__ = ["AST_STEPS", "TEXT_STEPS", "clean_ast", "clean_text"]
