"""Chat around the report: an assistant's openers, sign-offs, offers to continue and reasoning.

Text level, before pandoc parses. The text is cut into blocks (paragraphs, lists, quotes,
code, headings…) and each paragraph is judged on its own, sentence by sentence, by the
criteria in :class:`Judge` (vocabulary in ``chat_phrases.py``):

- **openers** (``preamble-removed``): paragraphs before the first heading (with no
  heading, the leading ones) whose first sentence is the assistant answering the user
  ("好的，我将为您…", "以下是为您整理的…", "Sure, here is…"). Sentences that go on talking
  to the user go with it; a sentence in the report's own voice ("本报告基于…") stays, and so
  does every paragraph after the opener that is content ("研究方法说明：…").
- **sign-offs** (``signoff-removed``): the last paragraphs, while they hope the report
  helped, offer more ("需要我…吗？", "Let me know if…") or ask the user to choose; a list of
  offered options after "我还可以：" goes with them. In a last paragraph that is content
  first, only its closing chat sentences go.
- **reasoning** (``thinking-removed``): a ``<think>…</think>`` block (and its kin), a
  ``<details>`` whose summary is a reasoning label, and a reasoning label on its own line
  ("*Thinking...*", "Thought for 12 seconds", "已深度思考（用时 12 秒）") with the quoted or
  thinking-aloud paragraphs under it.

Never removed: anything inside a code fence, a block quote (a quoted dialogue is content),
a list or table (except an outline or options that belong to a removed paragraph), a
heading, and a paragraph that only looks like chat. Removed text becomes blank (line
numbers stay true), is kept in ``Document.removed`` and named in a warning.

Decision on outlines: an outline inside the preamble ("报告的主要内容如下：" and a list) is
removed with the rest of the preamble, never published, but it is kept in
``Document.outline`` so the truncation check can compare what was promised with what came.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from publish.document import Document
from publish.lines import front_matter_end, scan
from publish.manuscript import chat_phrases as P

HEADING = re.compile(r"^(#{1,6})\s+\S")
# A code fence line (``` or ~~~, indented at most 3): shared by the text-level checks.
RULE = re.compile(r"^\s{0,3}([-*_])(?:\s*\1){2,}\s*$")
SETEXT = re.compile(r"^\s{0,3}(?:=+|-+)\s*$")
OUTLINE_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(?:\*\*(.+?)\*\*|(.+?))(?:[:：]|$)")
LIST_ITEM = re.compile(r"^\s{0,3}(?:[-*+]|\d{1,9}[.)])\s+\S")
DEFINITION = re.compile(r"^\s{0,3}\[(?:\^[^\]]+|[^\]]+)\]:\s*")
DETAILS_OPEN = re.compile(r"^\s{0,3}<details\b", re.IGNORECASE)
DETAILS_CLOSE = re.compile(r"</details\s*>", re.IGNORECASE)
SUMMARY = re.compile(r"<summary[^>]*>(.*?)</summary>", re.IGNORECASE | re.S)
COMMENT = re.compile(r"^\s{0,3}<!--")
# Where a sentence ends: Chinese and Western end marks (and closing quotes or brackets after).
SENTENCE_END = re.compile(r"[。！？!?；;…]+[”’」』）)\]】]*|\.(?=\s|$)[”’」』）)]*|[～~](?=\s|$)")
# Words before a hope that make the whole sentence chat ("以上就是全部内容，希望…").
AFTER_CONTENT = re.compile(P.zh(r"以上|上述|这些|这份|这篇|那么|最后|that'?s|this"), re.I)
COLON_END = re.compile(r"[:：]\s*$")

WHERE = {
    "preamble": "preamble-removed",
    "closing": "signoff-removed",
    "thinking": "thinking-removed",
}
LABEL = {"preamble": "opener", "closing": "sign-off", "thinking": "reasoning"}


def code_lines(lines: list[str]) -> list[bool]:
    """For each line, whether it belongs to a fenced code block (its fences included),
    list items' and quotes' fences too: the one scanner's rule (publish/lines.py)."""
    return [ln.code for ln in scan(lines, nested=True)]


@dataclass
class Block:
    """Lines ``lo``..``hi``-1 of the text, of one ``kind``: para, list, quote, table, code,
    heading, rule, think, details, defs, html."""

    lo: int
    hi: int
    kind: str


def _closing(lines: list[str], code: list[bool], i: int, close: re.Pattern[str]) -> int | None:
    """Index of the first line from ``i`` (outside code) that ``close`` finds, else None."""
    for j in range(i, len(lines)):
        if not code[j] and close.search(lines[j]):
            return j
    return None


def blocks(lines: list[str], start: int) -> list[Block]:
    """The text's blocks from line ``start``, blank lines between them left out."""
    code = code_lines(lines)
    out: list[Block] = []
    i, n = start, len(lines)
    while i < n:
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        if code[i]:
            j = i
            while j < n and code[j]:
                j += 1
            out.append(Block(i, j, "code"))
            i = j
            continue
        if m := P.THINK_TAG.match(line):
            close = re.compile(rf"</{re.escape(m.group(1))}\s*>", re.IGNORECASE)
            rest = line[m.end() :]
            j = i if close.search(rest) else _closing(lines, code, i + 1, close)
            if j is not None:
                out.append(Block(i, j + 1, "think"))
                i = j + 1
                continue
        if DETAILS_OPEN.match(line) and (j := _closing(lines, code, i, DETAILS_CLOSE)) is not None:
            out.append(Block(i, j + 1, "details"))
            i = j + 1
            continue
        if HEADING.match(line):
            out.append(Block(i, i + 1, "heading"))
            i += 1
            continue
        if RULE.match(line):
            out.append(Block(i, i + 1, "rule"))
            i += 1
            continue
        j = i + 1
        while j < n and lines[j].strip() and not code[j] and not HEADING.match(lines[j]):
            j += 1
        kind = _kind(lines[i:j])
        out.append(Block(i, j, kind))
        i = j
    return out


def _kind(chunk: list[str]) -> str:
    first = chunk[0]
    stripped = first.lstrip()
    if any(SETEXT.match(ln) for ln in chunk[1:]) and not LIST_ITEM.match(first):
        return "heading"
    if stripped.startswith(">"):
        return "quote"
    if LIST_ITEM.match(first):
        return "list"
    if stripped.startswith("|"):
        return "table"
    if DEFINITION.match(first):
        return "defs"
    if COMMENT.match(first) or stripped.startswith("<"):
        return "html"
    if first.startswith("    ") or first.startswith("\t"):
        return "code"
    return "para"


def plain(text: str) -> str:
    """A sentence with its Markdown marks off, as a reader sees it."""
    text = re.sub(r"\[\[[^\]]*\]\]\([^)]*\)|\[\^[^\]]*\]", "", text)  # citations, note marks
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links and images: their text
    text = re.sub(r"<[^>]+>", "", text)
    text = re.sub(r"(?m)^\s*>\s?", "", text)
    text = re.sub(r"\*+|__+|~~|`+", "", text)
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"^[^\w(（“「]+", "", text)  # leading emoji, marks, dashes


def sentences(text: str) -> list[tuple[int, int]]:
    """Spans of ``text``'s sentences, each with its end mark, whitespace between left out."""
    spans: list[tuple[int, int]] = []
    at = 0
    for m in SENTENCE_END.finditer(text):
        if text[at : m.end()].strip():
            spans.append((at, m.end()))
        at = m.end()
    if text[at:].strip():
        spans.append((at, len(text)))
    out: list[tuple[int, int]] = []
    for a, b in spans:
        while a < b and text[a].isspace():
            a += 1
        if out and not re.search(r"\w", plain(text[a:b])):
            out[-1] = (out[-1][0], b)  # "** 😊" after a sentence: its closing marks
        else:
            out.append((a, b))
    return out


QUOTES = '“「『"‘'


def _quoted(p: str, at: int) -> bool:
    """Whether position ``at`` of ``p`` is inside quotation marks (dialogue, a citation)."""
    before = p[:at]
    opened = sum(before.count(q) for q in "“「『‘") - sum(before.count(q) for q in "”」』’")
    return opened > 0 or before.count('"') % 2 == 1


class Judge:
    """The criteria, in one place: is this sentence or paragraph the assistant's talk?"""

    @staticmethod
    def opener(s: str) -> bool:
        """A first sentence that answers the user rather than starting the report."""
        p = plain(s)
        if not p or (P.REPORT_VOICE.search(p) and not P.USER.search(p)) or P.AUDIENCE.search(p):
            return False
        if p[0] in QUOTES:  # "“好的，我马上为您办理。”柜员说道": a quoted line of dialogue
            return False
        if P.ACK.search(p) or P.IDENTITY.search(p) or P.REQUEST.search(p):
            return True
        if m := P.ACK_WEAK.search(p):
            rest = p[m.end() :]
            if len(re.findall(r"\w", rest)) < 2 or P.USER.search(rest):
                return True
            if P.SELF.search(rest) and P.WRITING.search(rest):
                return True
            if P.PRESENT.search(re.sub(r"^[\W_]+", "", rest)):
                return True
        if P.PRESENT.search(p) and P.INDEFINITE.search(p):
            # "这是一篇读书笔记" is the text presenting itself; "这是为您整理的" is not
            return not P.PRESENT_THIS.search(p) or bool(P.USER.search(p))
        return bool(P.SELF.search(p) and P.WRITING.search(p))

    @staticmethod
    def opener_more(s: str) -> bool:
        """A sentence after an opener that goes on talking to the user about the answer."""
        p = plain(s)
        if not p:
            return True
        if Judge.opener(s):
            return True
        if P.REPORT_VOICE.search(p) and not P.USER.search(p):
            return False
        return bool(
            P.USER.search(p) or P.SELF.search(p) or P.STRUCTURE.search(p) or P.PRESENT.search(p)
        )

    @staticmethod
    def signoff(s: str) -> bool:
        """A sentence that hopes the answer helped, offers more, or is a chat app's note."""
        p = plain(s)
        if not p:
            return False
        if P.UI_NOTE.search(p) or P.IDENTITY.search(p):
            return True
        if (m := P.OFFER.search(p)) and not _quoted(p, m.start()):
            return True
        m = P.HOPE.search(p)
        if not m or _quoted(p, m.start()):
            return False
        # "总之，X很重要，希望对你有帮助": content first, then the hope; the sentence stays
        before = p[: m.start()]
        return not re.search(r"[，,]", before) or bool(AFTER_CONTENT.search(before))

    @staticmethod
    def signoff_more(s: str) -> bool:
        """A sentence before a sign-off that still talks to the user: a question to them, or
        the assistant speaking to them."""
        p = plain(s)
        if Judge.signoff(s):
            return True
        if not P.USER.search(p) or (P.REPORT_VOICE.search(p) and not P.SELF.search(p)):
            return False
        return bool(re.search(r"[？?]$", p) or P.SELF.search(p) or "我" in p)

    @staticmethod
    def thinking_mark(text: str) -> bool:
        """A paragraph that is only a chat app's reasoning label."""
        p = re.sub(r"[^\w.…)）]+$", "", plain(text))
        return bool(p) and len(p) <= 80 and bool(P.THINK_MARK.match(p))

    @staticmethod
    def thinking_voice(text: str) -> bool:
        """A paragraph under a reasoning label that reasons aloud."""
        return bool(P.THINK_VOICE.search(plain(text)))

    @staticmethod
    def thinking_start(text: str) -> bool:
        """Reasoning with no label: it speaks of the user in the third person, or hums."""
        return bool(P.THINK_START.search(plain(text)))

    @staticmethod
    def thinking_more(text: str) -> bool:
        """A paragraph after reasoning has begun that still reasons aloud."""
        p = plain(text)
        return bool(P.THINK_VOICE.search(p) or P.THINK_HINT.search(p))


class _Cuts:
    """Character ranges of the text to remove, each with where it stood."""

    def __init__(self, text: str, lines: list[str]) -> None:
        self.text = text
        self.offsets = [0]
        for ln in lines:
            self.offsets.append(self.offsets[-1] + len(ln) + 1)
        self.ranges: list[tuple[int, int, str]] = []

    def span(self, b: Block) -> tuple[int, int]:
        return self.offsets[b.lo], self.offsets[b.hi] - 1

    def block(self, b: Block, where: str) -> None:
        self.add(*self.span(b), where)

    def add(self, a: int, z: int, where: str) -> None:
        if self.text[a:z].strip():
            self.ranges.append((a, z, where))

    def apply(self, doc: Document) -> str:
        """The text with every range blanked (newlines kept); runs reported to ``doc``."""
        runs: list[list[int | str]] = []
        for a, z, where in sorted(self.ranges):
            joins = runs and runs[-1][2] == where and not self.text[int(runs[-1][1]) : a].strip()
            if joins or (runs and a < int(runs[-1][1])):
                runs[-1][1] = max(int(runs[-1][1]), z)
            else:
                runs.append([a, z, where])
        out, at = [], 0
        for a, z, where in runs:
            a, z, where = int(a), int(z), str(where)
            out.append(self.text[at:a])
            out.append("\n" * self.text.count("\n", a, z))
            at = z
            _report(doc, self.text, a, z, where)
        out.append(self.text[at:])
        return "".join(out)


def _report(doc: Document, text: str, a: int, z: int, where: str) -> None:
    removed = text[a:z].strip()
    lead, trail = len(text[a:z]) - len(text[a:z].lstrip()), len(text[a:z]) - len(text[a:z].rstrip())
    line = text.count("\n", 0, a + lead) + 1
    last = text.count("\n", 0, z - trail) + 1
    doc.removed.append({"where": where, "line": line, "text": removed})
    first = next((ln.strip() for ln in removed.split("\n") if ln.strip()), "")
    doc.warn(
        WHERE[where],
        f"removed the assistant's {LABEL[where]} (lines {line}-{last}): {first[:40]}…",
        line,
        where=where,
        text=removed,
    )


def _balanced(s: str) -> bool:
    """No Markdown mark left open by cutting here."""
    return s.count("**") % 2 == 0 and s.count("`") % 2 == 0 and s.count("[") == s.count("]")


def _opener(cuts: _Cuts, b: Block) -> bool | None:
    """Cut an opener paragraph, whole or its leading sentences. True: all of it went; None:
    none of it."""
    a, z = cuts.span(b)
    text = cuts.text[a:z]
    spans = sentences(text)
    if not spans or not Judge.opener(text[spans[0][0] : spans[0][1]]):
        return None
    k = 1
    while k < len(spans) and Judge.opener_more(text[spans[k][0] : spans[k][1]]):
        k += 1
    if k == len(spans):
        cuts.add(a, z, "preamble")
        return True
    head, rest = text[: spans[k][0]], text[spans[k][0] :]
    if not (_balanced(head) and _balanced(rest)):
        return None
    cuts.add(a, a + spans[k][0], "preamble")
    return False


def _signoff(cuts: _Cuts, b: Block) -> bool | None:
    """Cut a sign-off paragraph, whole or its closing sentences. True: all of it went;
    None: none of it."""
    a, z = cuts.span(b)
    text = cuts.text[a:z]
    spans = sentences(text)
    if not spans or not Judge.signoff(text[spans[-1][0] : spans[-1][1]]):
        return None
    k = len(spans) - 1
    while k > 0 and Judge.signoff_more(text[spans[k - 1][0] : spans[k - 1][1]]):
        k -= 1
    if k == 0:
        cuts.add(a, z, "closing")
        return True
    head, tail = text[: spans[k][0]], text[spans[k][0] :]
    if not (_balanced(head) and _balanced(tail)):
        return None
    cuts.add(a + spans[k][0], z, "closing")
    return False


def _text(lines: list[str], b: Block) -> str:
    return "\n".join(lines[b.lo : b.hi])


def _thinking(lines: list[str], bs: list[Block], cuts: _Cuts, taken: set[int], lead: int) -> None:
    """Reasoning blocks: tagged anywhere; a label anywhere with what follows it; reasoning
    aloud with no label only among the first blocks (``lead``: index of the first heading)."""
    i = 0
    while i < len(bs):
        b = bs[i]
        text = _text(lines, b)
        start = False
        if b.kind == "think":
            start = True
        elif b.kind == "details":
            m = SUMMARY.search(text)
            start = bool(
                re.search(r"type=[\"']?reasoning", text, re.IGNORECASE)
                or (m and Judge.thinking_mark(m.group(1)))
            )
        elif b.kind in ("para", "quote"):
            start = Judge.thinking_mark(text if b.kind == "para" else lines[b.lo])
        if not start and b.kind == "para" and i < lead and Judge.thinking_start(text):
            start = not any(bs[j].kind not in ("rule", "html") and j not in taken for j in range(i))
        if not start:
            i += 1
            continue
        cuts.block(b, "thinking")
        taken.add(i)
        i += 1
        if b.kind in ("think", "details"):
            continue  # a tag says where the reasoning ends
        # under a label: quoted reasoning, then paragraphs that reason aloud
        voiced = b.kind == "para" and Judge.thinking_voice(text)
        quoted = b.kind == "quote"
        while i < len(bs):
            nb = bs[i]
            ntext = _text(lines, nb)
            if nb.kind == "quote" and not voiced and not quoted:
                quoted = True
            elif nb.kind == "para" and (
                Judge.thinking_voice(ntext) or (voiced and Judge.thinking_more(ntext))
            ):
                voiced = True
            else:
                break
            cuts.block(nb, "thinking")
            taken.add(i)
            i += 1


def _outline_of(lines: list[str], b: Block) -> list[str]:
    return [
        (m.group(1) or m.group(2)).strip()
        for ln in lines[b.lo : b.hi]
        if (m := OUTLINE_ITEM.match(ln)) and LIST_ITEM.match(ln)
    ]


def _is_outline(opener: str, items: list[str], heads: list[str]) -> bool:
    """A list after an opener is its outline when the opener speaks of the answer's
    structure or an item names a heading that follows."""
    if P.STRUCTURE.search(plain(opener)):
        return True
    key = [re.sub(r"[\s\d.、:：*（）()]+", "", i) for i in items]
    return any(k and any(k in h for h in heads) for k in key)


def _lead(
    doc: Document, lines: list[str], bs: list[Block], cuts: _Cuts, taken: set[int], lead: int
) -> None:
    """Openers among the blocks before the first heading (with none, the leading ones)."""
    heads = [re.sub(r"[\s\d.、:：*（）()#]+", "", lines[b.lo]) for b in bs if b.kind == "heading"]
    any_heading = lead < len(bs)
    last_cut = False  # the block before (rules aside) was removed
    i = 0
    while i < lead:
        b = bs[i]
        text = _text(lines, b)
        if i in taken:
            last_cut = True
            i += 1
            continue
        if b.kind == "rule":
            if last_cut:
                cuts.block(b, "preamble")
                taken.add(i)
            i += 1
            continue
        if b.kind == "para" and P.LABEL_ASSISTANT.match(plain(text)):
            cuts.block(b, "preamble")
            taken.add(i)
            last_cut = True
            i += 1
            continue
        if b.kind == "para" and P.LABEL_USER.match(plain(text)):
            end = next(
                (
                    j
                    for j in range(i + 1, lead)
                    if bs[j].kind == "para" and P.LABEL_ASSISTANT.match(plain(_text(lines, bs[j])))
                ),
                None,
            )
            if end is not None:
                for j in range(i, end + 1):
                    cuts.block(bs[j], "preamble")
                    taken.add(j)
                last_cut = True
                i = end + 1
                continue
        para, items = b, None
        if b.kind == "para":
            k = next((k for k in range(b.lo, b.hi) if LIST_ITEM.match(lines[k])), b.hi)
            para = Block(b.lo, k, "para")
            if k < b.hi:
                items = Block(k, b.hi, "list")
        whole = _opener(cuts, para) if b.kind == "para" else None
        if whole is None:
            if b.kind in ("html",) and COMMENT.match(lines[b.lo]):
                i += 1
                continue
            last_cut = False
            if not any_heading:
                return
            i += 1
            continue
        taken.add(i)
        last_cut = bool(whole)
        opener = _text(lines, para)
        if whole and COLON_END.search(opener):
            nxt = items
            if nxt is None and i + 1 < lead and bs[i + 1].kind == "list":
                nxt = bs[i + 1]
            if nxt is not None:
                found = _outline_of(lines, nxt)
                if found and _is_outline(opener, found, heads):
                    doc.outline = found
                    cuts.block(nxt, "preamble")
                    if nxt is not items:
                        taken.add(i + 1)
                        i += 1
        elif items is not None:
            last_cut = False
        i += 1


def _tail(lines: list[str], bs: list[Block], cuts: _Cuts, taken: set[int]) -> None:
    """Sign-offs: the last paragraphs, from the end back, while they are the assistant's."""
    cut_after = False
    i = len(bs) - 1
    while i >= 0 and i not in taken:
        b = bs[i]
        text = _text(lines, b)
        if b.kind == "defs" or (b.kind == "html" and COMMENT.match(lines[b.lo])):
            i -= 1
            continue
        if b.kind == "rule":
            if cut_after:
                cuts.block(b, "closing")
            i -= 1
            continue
        if b.kind == "list" and i > 0 and bs[i - 1].kind == "para" and i - 1 not in taken:
            # options offered after "我还可以：" — only with the offer that introduces them
            before = _text(lines, bs[i - 1])
            if COLON_END.search(before) and _all_signoff(before):
                cuts.block(b, "closing")
                cuts.block(bs[i - 1], "closing")
                taken.update((i, i - 1))
                cut_after = True
                i -= 2
                continue
            return
        if b.kind != "para":
            return
        k = next((k for k in range(b.lo, b.hi) if LIST_ITEM.match(lines[k])), b.hi)
        if k < b.hi:  # a paragraph with its list right under it
            head = "\n".join(lines[b.lo : k])
            if COLON_END.search(head) and _all_signoff(head):
                cuts.block(b, "closing")
                taken.add(i)
                cut_after = True
                i -= 1
                continue
            return
        if P.LABEL_ASSISTANT.match(plain(text)):
            return
        whole = _signoff(cuts, b)
        if whole is None:
            return
        taken.add(i)
        if not whole:
            return
        cut_after = True
        i -= 1


def _all_signoff(text: str) -> bool:
    spans = sentences(text)
    return bool(spans) and all(
        Judge.signoff(text[a:z]) or Judge.signoff_more(text[a:z]) for a, z in spans
    )


def remove_chat(doc: Document) -> None:
    """Manuscript stage, text level: see module."""
    lines = doc.text.split("\n")
    start = front_matter_end(lines)
    bs = blocks(lines, start)
    if not bs:
        return
    lead = next((i for i, b in enumerate(bs) if b.kind == "heading"), len(bs))
    cuts = _Cuts(doc.text, lines)
    taken: set[int] = set()
    _thinking(lines, bs, cuts, taken, lead)
    _lead(doc, lines, bs, cuts, taken, lead)
    _tail(lines, bs, cuts, taken)
    if cuts.ranges:
        doc.text = cuts.apply(doc)
