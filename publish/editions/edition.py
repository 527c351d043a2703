"""Make one edition: a converted copy of the document's AST, cited and labelled."""

from __future__ import annotations

import json
import re
from typing import Any

from publish.ast import (
    SoftBreak,
    Space,
    Str,
    blocks_of,
    caption,
    classes,
    content,
    elements,
    ident,
    inlines_of,
    meta_text,
    meta_value,
    raw_code_depth,
    raw_format,
    set_text,
    shows_address,
    table_bodies,
    table_foot,
    table_head,
)
from publish.ast import text as text_of
from publish.document import Document, Edition
from publish.editions.convert import Converter
from publish.editions.glossary import Glossary
from publish.editions.script import CONFIGS
from publish.editions.table import CODES, TABLE
from publish.references import cite_edition

EDITIONS = CODES
# Words fixed around the text, in each edition's script (the table's labels).
LABELS: dict[str, dict[str, str]] = {s.code: dict(s.labels) for s in TABLE}

# Text nodes are converted run by run: Str, Space and SoftBreak in one inline list, joined
# so that OpenCC sees whole phrases, then split back at the same separators.
_SEPARATORS = {"Space": " ", "SoftBreak": "\n"}
_SKIP = {"Code", "CodeBlock", "Math", "RawInline", "RawBlock", "Cite"}


def _convert_inlines(inlines: list[dict[str, Any]], conv: Converter) -> None:
    i = 0
    n = len(inlines)
    code = 0  # inside raw HTML <code>…</code> written around Markdown text
    while i < n:
        e = inlines[i]
        if e["t"] == "RawInline" and raw_format(e) in ("html", "html5"):
            code = raw_code_depth(text_of(e), code)
        if e["t"] != "Str" or code:
            i += 1
            continue
        j = i
        while j < n and (inlines[j]["t"] == "Str" or inlines[j]["t"] in _SEPARATORS):
            j += 1
        run = inlines[i:j]
        if _irregular(run):
            run = _regular(run)
            inlines[i:j] = run
            n += len(run) - (j - i)
            j = i + len(run)
        joined = "".join(text_of(e) if e["t"] == "Str" else _SEPARATORS[e["t"]] for e in run)
        converted = conv.text(joined)
        if converted != joined:
            parts = converted.replace("\n", " ").split(" ")
            strs = [e for e in run if e["t"] == "Str"]
            words = joined.replace("\n", " ").split(" ")
            if len(parts) == len(words):
                # Str nodes are the non-empty words, in order.
                k = 0
                for w, p in zip(words, parts, strict=True):
                    if w:
                        set_text(strs[k], p)
                        k += 1
            else:  # never expected; convert word by word rather than lose text
                for e in strs:
                    set_text(e, conv.text(text_of(e)))
        i = j


def _irregular(run: list[dict[str, Any]]) -> bool:
    """Str nodes side by side, or a Str holding a separator: pandoc writes neither, but a
    clean-up step may (a wikilink's text next to the text around it). The run is mapped
    back word by word, one Str per word, so such a run must first be made regular."""
    for a, b in zip(run, run[1:], strict=False):
        if a["t"] == "Str" and b["t"] == "Str":
            return True
    return any(e["t"] == "Str" and (" " in text_of(e) or "\n" in text_of(e)) for e in run)


def _regular(run: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``run`` with neighbouring Str nodes joined, and the spaces and newlines inside a Str
    made Space and SoftBreak nodes: the same text, one Str per word."""
    out: list[dict[str, Any]] = []
    for e in run:
        pieces = re.split(r"([ \n])", text_of(e)) if e["t"] == "Str" else [e]
        for piece in pieces:
            if isinstance(piece, dict):
                out.append(piece)
            elif piece in (" ", "\n"):
                out.append(Space() if piece == " " else SoftBreak())
            elif piece and out and out[-1]["t"] == "Str":
                out[-1] = Str(text_of(out[-1]) + piece)
            elif piece:
                out.append(Str(piece))
    return out


def convert_tree(value: Any, conv: Converter) -> None:
    """Convert every human text node under ``value`` (iterative: deep nesting is fine)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            if any(isinstance(x, dict) and x.get("t") == "Str" for x in item):
                _convert_inlines(item, conv)
            stack.extend(item)
        elif isinstance(item, dict) and "t" in item:
            t = item["t"]
            if t in ("RawInline", "RawBlock") and raw_format(item) in ("html", "html5"):
                set_text(item, _convert_html(text_of(item), conv))
                continue
            if t in _SKIP or shows_address(item):
                continue
            # never the attributes, nor a link's or picture's target: the text only
            if t in ("Link", "Image", "Span", "Header"):
                stack.append(inlines_of(item))  # link text, alt text, heading text
            elif t == "Div":
                stack.append(blocks_of(item))
            elif t == "Table":
                stack.extend([caption(item), table_head(item), table_bodies(item)])
                stack.append(table_foot(item))
            elif t == "Figure":
                stack.extend([caption(item), blocks_of(item)])
            elif content(item) is not None:
                stack.append(content(item))


_TAG = re.compile(r"(<[^>]*>)")


def _convert_html(html: str, conv: Converter) -> str:
    """The text between the tags of (sanitised) raw HTML converted, as Markdown text is:
    a figure's caption, a missing picture's description. Tags, attributes and the text of
    code elements stay as written."""
    out: list[str] = []
    code = 0
    for piece in _TAG.split(html):
        if piece.startswith("<"):
            code = raw_code_depth(piece, code)
            out.append(piece)
        elif piece and not code:
            out.append(conv.text(piece))
        else:
            out.append(piece)
    return "".join(out)


def _convert_meta(meta: dict[str, Any], conv: Converter) -> None:
    for key in ("title", "subtitle", "author", "date", "abstract", "description"):
        if key in meta:
            v = meta[key]
            if v["t"] == "MetaString":
                meta[key] = meta_value(conv.text(meta_text(v)))
            else:
                convert_tree(v, conv)
    # the CSL items: a MetaList of MetaMaps, their fields a dict
    for item in meta.get("references", {}).get("c", []):
        fields = content(item)
        for key in ("title", "container-title", "publisher"):
            v = fields.get(key)
            if v and v["t"] == "MetaString":
                fields[key] = meta_value(conv.text(meta_text(v)))


def converter_for(doc: Document, code: str, glossary: Glossary, quotes: bool = True) -> Converter:
    """The converter of ``doc``'s edition ``code``: the OpenCC config of its script and
    region, the glossary, the domain source.settle decided. The fidelity check's source is
    converted by one too (publish/fidelity.py)."""
    config = CONFIGS[(doc.script, doc.region if doc.script == "Hant" else "")][code]
    domain = meta_text(doc.ast["meta"].get("domain")) or "technical"
    return Converter(code, config, glossary, quotes=quotes, locate=doc.line_of, domain=domain)


def make_edition(doc: Document, code: str, glossary: Glossary, quotes: bool = True) -> Edition:
    """Editions stage: convert a copy of ``doc.ast`` for ``code``, then cite it."""
    conv = converter_for(doc, code, glossary, quotes)
    ast = json.loads(json.dumps(doc.ast))  # a private copy; faster than copy.deepcopy
    # settled by source.settle; not for the writers (DOCX would list it as a property)
    ast["meta"].pop("domain", None)
    convert_tree(ast["blocks"], conv)
    _convert_meta(ast["meta"], conv)
    labels = LABELS[code]
    meta = ast["meta"]
    meta["lang"] = meta_value(code)
    meta["toc-title"] = meta_value(labels["contents"])
    cut = frozenset(r.url for r in doc.references if r.cut)
    ast, warnings = cite_edition(ast, labels["references"], f"{doc.source} ({code})", cut)
    for w in warnings:
        doc.warn("pandoc-warning", f"{code}: {w}")
    for a in conv.artefacts:
        doc.info(
            "converter-artefact",
            f"{code}: OpenCC would write {a['result']} for {a['source']} ({a['why']}); "
            "the phrase was left out",
            line=doc.line_of(a["source"]),
            edition=code,
            **a,
        )
    for e in elements(ast["blocks"]):
        if e["t"] == "Div" and ident(e) == "refs":
            classes(e).append("bibliography")
    return Edition(
        code=code,
        doc=doc,
        ast=ast,
        title=meta_text(meta.get("title")),
        labels=labels,
        phrases=conv.review(),
    )
