"""Does the source stop before its end? Checks the raw text's last lines and the outline.

Every finding is a ``source-truncated`` warning saying why; nothing is invented to "finish"
the text. A dangling citation link at the very end is repaired by the references stage.
"""

from __future__ import annotations

import re

from publish.ast import (
    Div,
    Para,
    Str,
    Strong,
    classes,
    elements,
    inlines_of,
    make_attr,
    set_text,
    stringify,
)
from publish.ast import text as text_of
from publish.document import Document
from publish.lines import OPEN, unclosed_fence

DANGLING_LINK = re.compile(r"\[[^\[\]]*\]?\]\(([^\s)]*)$")
ENDINGS = "。！？!?.…」』”’\"')）】》:：;；~～*_`|"
# "…<a href="https://exa" at the very end: a tag that never closes its ">".
CUT_TAG = re.compile(r"<([a-zA-Z][\w-]*)(?:\s[^<>]*)?$")


def close_cut_fence(doc: Document) -> None:
    """Before parsing: a code block whose closing fence never comes is closed at the end of
    the text (pandoc would print the fence and the code as a paragraph); reported as cut."""
    lines = doc.text.split("\n")
    opened = unclosed_fence(lines)
    if opened is None:
        return
    fence = OPEN.match(lines[opened]).group(1)  # type: ignore[union-attr]
    n, _ = _last_line(doc.text)
    doc.text = doc.text.rstrip("\n") + "\n" + fence + "\n"
    reason = "it ends inside a code block (a ``` fence is never closed)"
    doc.warn("source-truncated", f"the source looks cut off: {reason}", n, reason=reason)


def _last_line(text: str) -> tuple[int, str]:
    lines = text.rstrip().split("\n")
    return len(lines), lines[-1].rstrip()


def check_truncation(doc: Document) -> None:
    text = doc.text
    if not text.strip():
        return
    n, last = _last_line(text)
    reasons: list[str] = []
    if unclosed_fence(text.split("\n")) is not None:
        reasons.append("it ends inside a code block (a ``` fence is never closed)")
    elif DANGLING_LINK.search(last) or last.endswith("...") and "](" in last:
        reasons.append("it ends inside a link (the link's URL is cut off)")
    elif m := CUT_TAG.search(last):
        reasons.append(f"it ends inside an HTML tag (<{m.group(1)} … has no “>”)")
        _drop_cut_tag(doc, m.group(1))
    elif last.lstrip().startswith("|"):
        head = next(
            (ln for ln in reversed(text.split("\n")[: n - 1]) if re.match(r"^\s*\|?\s*:?-+", ln)),
            None,
        )
        cells = last.strip().strip("|").count("|") + 1
        if not last.rstrip().endswith("|") or (
            head and cells < head.strip().strip("|").count("|") + 1
        ):
            reasons.append("it ends inside a table (the last row is incomplete)")
    else:
        blocks = doc.ast.get("blocks", [])
        tail = blocks[-1] if blocks else None
        if tail and tail["t"] == "Para":
            # the last line of the paragraph (hard breaks split lines); list-like lines and
            # labels are not prose
            inl = inlines_of(tail)
            cut = max((i for i, e in enumerate(inl) if e["t"] == "LineBreak"), default=-1)
            end = stringify(inl[cut + 1 :]).strip()
            if re.match(r"^(?:[-*+•]|\d+[.)、])\s", end):
                end = ""
            # Only prose: a paragraph with sentences in it that stops without ending one
            # (a closing line such as a signature or a short label is not a cut).
            prose = len(end) >= 20 and any(p in end[:-1] for p in "。！？；，")
            if prose and end[-1] not in ENDINGS and not re.search(r"https?://\S+$", end):
                reasons.append(f"its last sentence stops without punctuation: “…{end[-20:]}”")
    missing = _missing_chapters(doc)
    if missing:
        reasons.append(
            f"its outline promises {len(doc.outline)} chapters but {len(missing)} never come: "
            + "、".join(missing)
        )
    for reason in reasons:
        doc.warn("source-truncated", f"the source looks cut off: {reason}", n, reason=reason)
    _end_cleanly(doc)


# "…见[这篇文章](https://exa" at the very end: the link text stays, the cut URL goes.
# A number as link text is a citation: the references stage repairs those.
NOT_CITATION = re.compile(r"[^\d\s]")
BRACKET = re.compile(r"[\[\]]")


def _dangling(text: str) -> tuple[int, str, str] | None:
    r"""The first ``[text](url`` that runs to the end of ``text`` (the URL without spaces,
    the text without brackets and not a number), as (start, text, URL): the first match of
    ``\[([^\[\]]*[^\[\]\d\s][^\[\]]*)\]\((\S*)$``, found in one pass. That regex
    tries every ``[`` and scans to the end after each ``](`` (quadratic in a run of ``[a](``)."""
    end = len(text) - text.endswith("\n")  # "$" also matches before a final line break
    tail = max(text.rfind(c, 0, end) for c in " \t\n\r\f\v") + 1  # the URL has no space
    opened = -1  # the last "[" with no bracket after it so far
    for m in BRACKET.finditer(text):
        at = m.start()
        if m.group() == "[":
            opened = at
            continue
        if opened >= 0 and at + 2 >= tail and text.startswith("(", at + 1, end):
            inside = text[opened + 1 : at]
            if NOT_CITATION.search(inside):
                return opened, inside, text[at + 2 : end]
        opened = -1
    return None


def _end_cleanly(doc: Document) -> None:
    blocks = doc.ast.get("blocks", [])
    last = None
    for e in elements(blocks[-1:]):
        if e["t"] == "Str":
            last = e
    if last is None or not (found := _dangling(text_of(last))):
        return
    start, label, url = found
    set_text(last, text_of(last)[:start] + label)
    doc.warn(
        "link-cut",
        f"the last link is cut off; its text “{label}” is kept, the partial URL {url} dropped",
        _last_line(doc.text)[0],
        url=url,
    )


def _drop_cut_tag(doc: Document, name: str) -> None:
    """The words of a cut tag (``<a href="https://exa``) are not text: they go."""
    blocks = doc.ast.get("blocks", [])
    if not blocks or blocks[-1]["t"] not in ("Para", "Plain"):
        return
    inlines = inlines_of(blocks[-1])
    at = max(
        (i for i, e in enumerate(inlines) if e["t"] == "Str" and "<" + name in text_of(e)),
        default=None,
    )
    if at is None:
        return
    words = text_of(inlines[at])
    keep = words[: words.rfind("<" + name)]
    cut = stringify(inlines[at:])[len(keep) :]
    del inlines[at + (1 if keep else 0) :]
    if keep:
        inlines[at] = Str(keep)
    while inlines and inlines[-1]["t"] in ("Space", "SoftBreak", "LineBreak"):
        inlines.pop()
    if not inlines:
        blocks.pop()
    doc.warn("html-cut", f"the last HTML tag is cut off; “{cut[:60]}” is dropped", cut=cut[:500])


def _norm(s: str) -> str:
    return re.sub(r"[\s\d.、:：*（）()]+", "", s)


def _missing_chapters(doc: Document) -> list[str]:
    if not doc.outline:
        return []
    heads = [
        _norm(stringify(inlines_of(e))) for e in elements(doc.ast["blocks"]) if e["t"] == "Header"
    ]
    missing = []
    for item in doc.outline:
        key = _norm(item)
        if key and not any(key in h or h in key for h in heads if h):
            missing.append(item)
    return missing


# What --truncated chooses for a source that looks cut off.
TRUNCATED = ("note", "fail", "ignore")
NOTE_CLASS = "editor-note"

# The editor's note, in the source's script (the editions convert it with the text).
NOTE_WORDS = {
    "Hans": {
        "label": "编者注",
        "stops": "原稿到此中断，止于“……{tail}”",
        "in": "（{section}）",
        "missing": "。原稿开头列出的以下{n}章未见于正文：{chapters}",
        "end": "。",
    },
    "Hant": {
        "label": "編者注",
        "stops": "原稿到此中斷，止於“……{tail}”",
        "in": "（{section}）",
        "missing": "。原稿開頭列出的以下{n}章未見於正文：{chapters}",
        "end": "。",
    },
}


def truncated(doc: Document) -> dict[str, object]:
    """What the report (and the download page) says of a source that looks cut off: the
    reasons of its ``source-truncated`` warnings and the promised chapters that never
    come; {} for a whole source."""
    reasons = [d.data.get("reason", d.message) for d in doc.diagnostics if d.code == CODE]
    if not reasons:
        return {}
    note = any(_is_note(b) for b in doc.ast.get("blocks", []))
    return {"reasons": reasons, "missing": _missing_chapters(doc), "note": note}


CODE = "source-truncated"


def editor_note(doc: Document, mode: str = "note") -> None:
    """After the editions' script is settled: for a source that looks cut off
    (``source-truncated``), ``note`` adds an editor's note at the end of the text, in every
    format (where the text stops, which promised chapters are missing); ``fail`` stops the
    build with an error naming the file; ``ignore`` prints nothing (the report still says
    it, see :func:`truncated`)."""
    if mode == "ignore" or not any(d.code == CODE for d in doc.diagnostics):
        return
    if mode == "fail":
        from publish.errors import SourceError

        why = next(d.data.get("reason", "") for d in doc.diagnostics if d.code == CODE)
        raise SourceError(
            f"{doc.source}: the source looks cut off ({why}); complete it, or build with "
            "--truncated note (an editor's note says so) or --truncated ignore"
        )
    blocks = doc.ast["blocks"]
    words = NOTE_WORDS["Hant" if doc.script == "Hant" else "Hans"]
    text = words["stops"].format(tail=_tail(blocks))
    heads = [e for e in elements(blocks) if e["t"] == "Header"]
    if heads:
        text += words["in"].format(section=stringify(inlines_of(heads[-1])).strip())
    missing = _missing_chapters(doc)
    if missing:
        text += words["missing"].format(n=len(missing), chapters="、".join(missing))
    text += words["end"]
    para = Para([Strong([Str(words["label"] + "：")]), Str(text)])
    blocks.append(Div([para], make_attr(classes=[NOTE_CLASS], kv=[("role", "note")])))


def _is_note(block: dict) -> bool:
    return block.get("t") == "Div" and NOTE_CLASS in classes(block)


def _tail(blocks: list) -> str:
    """The last words of the text (about 12 characters), where the note says it stops."""
    for block in reversed(blocks):
        if block.get("t") == "CodeBlock":
            words = text_of(block)
        else:  # a citation mark's number is the author's, not the one printed: left out
            shown = elements([block], skip=("Note", "Cite"))
            words = "".join(
                text_of(e) if e["t"] == "Str" else " "
                for e in shown
                if e["t"] in ("Str", "Space", "SoftBreak", "LineBreak")
            )
        words = " ".join(words.split())
        if words:
            return words[-12:]
    return ""
