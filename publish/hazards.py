"""Inputs pandoc's Markdown reader takes minutes on, found before pandoc runs.

Measured with pandoc 3.9 on 2 cores (``tests/test_slow.py``; README, "Bounded time"):
pandoc's ``markdown`` reader is superlinear on

- a ``<`` that starts no tag, comment or autolink ("a<b", "x < 5"): each costs time in
  proportion to the rest of the document (10 of them before 200 KB of text: 6–10 s);
- a ``&`` that starts no entity, inside a word without spaces (Chinese text has none):
  time in proportion to the rest of the word (1,000 in a 21,000-character paragraph: 8 s);
- ``[`` that never close, ``](`` whose ``(`` never closes, and nested brackets, within one
  paragraph (200 lone ``[``: 5 s; 200 ``[a](``: 8 s; 100 groups 8 deep: 6 s).

The first two are defused when they would cost more than a fraction of a second: those
``<`` and ``&`` are escaped (``\\<``, ``\\&``), which pandoc reads as the same characters,
so the document keeps its text. The brackets cannot be escaped without guessing which
pandoc would pair, so they are a :class:`SourceError` naming the line. ``commonmark_x``
read every one of these inputs in linear time: it has no hazards listed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from publish.errors import SourceError
from publish.lines import code_lines, scan

# Budgets, in the units each pattern costs (measured: 1 unit ≈ 0.4–4 µs of pandoc's time).
LT_BUDGET = 200_000  # characters after each stray "<", summed
AMP_BUDGET = 300_000  # characters to the end of its word after each stray "&", summed
OPEN_LIMIT = 100  # "[" that never close, in one paragraph
PAREN_LIMIT = 60  # "](" whose "(" never closes, in one paragraph
NEST_BUDGET = 2**14  # sum of 2**depth over a paragraph's outermost bracket groups

# What a "<" may start: a tag, a closing tag, a comment, a declaration, an autolink.
TAG = re.compile(
    r"<(?:/?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>|!--|![A-Za-z]|\?"
    r"|[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*>|[^\s<>@]+@[^\s<>]+>)"
)
ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});")
TICKS = re.compile(r"`+")
WORD = re.compile(r"[^ \t]+")
SPECIAL = re.compile(r"[<&\[\]()\\]")


@dataclass
class Finding:
    """One slow pattern: what it is (with how many), its first line, cost, limit, advice."""

    what: str
    line: int
    cost: int
    limit: int
    advice: str
    escapable: bool = False

    def __str__(self) -> str:
        return f"line {self.line}: {self.what}"


@dataclass
class _Paragraph:
    line: int = 0  # its first line; 0 before it starts
    stack: int = 0  # "[" open now
    top: int = 0  # depth of the current outermost group
    deepest: int = 0
    nest: int = 0  # sum of 2**depth over closed outermost groups deeper than 2
    parens: int = 0  # "](" whose "(" is still open


class Scan:
    """One pass over a source: the stray ``<`` and ``&`` (positions and costs) and the
    worst paragraph for each bracket pattern."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lt: list[int] = []  # offsets of stray "<"
        self.amp: list[int] = []
        self.lt_cost = self.amp_cost = 0
        self.lt_line = self.amp_line = 0
        self.worst: dict[str, Finding] = {}
        self._scan()

    def _scan(self) -> None:
        text = self.text
        lines = text.split("\n")
        offset, par = 0, _Paragraph()
        for n, ln in enumerate(scan(lines), 1):  # code and front matter: publish/lines.py
            line = ln.text
            start, offset = offset, offset + len(line) + 1
            if ln.front:  # YAML front matter is not Markdown
                continue
            if ln.code:  # a fence ends the paragraph; code is not Markdown either
                self._end(par)
                par = _Paragraph()
                continue
            if not line.strip():
                self._end(par)
                par = _Paragraph()
                continue
            par.line = par.line or n
            code = line.startswith(("    ", "\t"))  # may be a code block: never escape there
            self._line(line, start, n, par, code)
        self._end(par)

    def _line(self, line: str, start: int, n: int, par: _Paragraph, code: bool) -> None:
        size = len(self.text)
        spans = _protected(line)
        k = 0  # index into spans
        skip = -1  # the character a backslash escapes
        for m in SPECIAL.finditer(line):
            i, c = m.start(), m.group()
            while k < len(spans) and spans[k][1] <= i:
                k += 1
            if i == skip or k < len(spans) and spans[k][0] <= i:
                continue
            if c == "\\":
                skip = i + 1
            elif c == "<" and not code and not TAG.match(line, i):
                self.lt.append(start + i)
                self.lt_cost += size - start - i
                self.lt_line = self.lt_line or n
            elif c == "&" and not code and not ENTITY.match(line, i):
                self.amp.append(start + i)
                self.amp_cost += _word_end(line, i) - i
                self.amp_line = self.amp_line or n
            elif c == "[":
                par.stack += 1
                par.top = max(par.top, par.stack)
            elif c == "]" and par.stack:
                par.stack -= 1
                if not par.stack:
                    # a citation's [[3]] (depth 2) reads in linear time, however many
                    if par.top > 2:
                        par.nest += 2 ** min(par.top, 40)
                    par.deepest = max(par.deepest, par.top)
                    par.top = 0
                if line.startswith("(", i + 1):
                    par.parens += 1
            elif c == ")" and par.parens:
                par.parens -= 1

    def _end(self, par: _Paragraph) -> None:
        if not par.line:
            return
        found = [
            Finding(
                f"{par.stack:,} “[” that never close in one paragraph",
                par.line,
                par.stack,
                OPEN_LIMIT,
                "close them or write them as \\[",
            ),
            Finding(
                f"{par.parens:,} links whose “(” never closes in one paragraph",
                par.line,
                par.parens,
                PAREN_LIMIT,
                "close them or write “](” as \\](",
            ),
            Finding(
                f"[brackets] nested up to {par.deepest} deep in one paragraph",
                par.line,
                par.nest,
                NEST_BUDGET,
                "unnest them or write the brackets as \\[ \\]",
            ),
        ]
        for f in found:
            kind = f.advice
            if f.cost and f.cost / f.limit > self._ratio(kind):
                self.worst[kind] = f

    def _ratio(self, kind: str) -> float:
        f = self.worst.get(kind)
        return f.cost / f.limit if f else 0.0

    def findings(self) -> list[Finding]:
        """Every pattern found, worst (cost against its limit) first."""
        out = list(self.worst.values())
        if self.lt:
            out.append(
                Finding(
                    f"{len(self.lt):,} “<” that start no HTML tag",
                    self.lt_line,
                    self.lt_cost,
                    LT_BUDGET,
                    "write them as &lt;",
                    True,
                )
            )
        if self.amp:
            out.append(
                Finding(
                    f"{len(self.amp):,} “&” that start no entity",
                    self.amp_line,
                    self.amp_cost,
                    AMP_BUDGET,
                    "write them as &amp;",
                    True,
                )
            )
        return sorted(out, key=lambda f: f.cost / f.limit, reverse=True)

    def defused(self) -> str:
        """The text with stray ``<`` and ``&`` escaped where they would cost more than their
        budget (the same characters to pandoc); else the text itself."""
        cuts = sorted(
            (self.lt if self.lt_cost > LT_BUDGET else [])
            + (self.amp if self.amp_cost > AMP_BUDGET else [])
        )
        if not cuts:
            return self.text
        parts, at = [], 0
        for i in cuts:
            parts += [self.text[at:i], "\\"]
            at = i
        parts.append(self.text[at:])
        return "".join(parts)


def _word_end(line: str, i: int) -> int:
    m = WORD.match(line, i)
    return m.end() if m else i


def _protected(line: str) -> list[tuple[int, int]]:
    """Spans of ``line`` pandoc reads verbatim: `code` (a run of backticks to the next run
    as long) and $math$; sorted, not overlapping. Linear: each run's closer is looked up in
    a table of the runs after it."""
    runs = [(m.start(), m.end()) for m in TICKS.finditer(line)]
    after: dict[int, list[int]] = {}
    for j in range(len(runs) - 1, -1, -1):
        after.setdefault(runs[j][1] - runs[j][0], []).append(j)
    spans: list[tuple[int, int]] = []
    j = 0
    while j < len(runs):
        a, b = runs[j]
        later = after[b - a]
        while later and later[-1] <= j:
            later.pop()
        if later:
            close = later.pop()
            spans.append((a, runs[close][1]))
            j = close + 1
        else:
            j += 1
    out: list[tuple[int, int]] = []
    at = 0
    for a, b in [*spans, (len(line), len(line))]:
        dollars = [m.start() for m in re.finditer(r"(?<!\\)\$", line[at:a])]
        for x, y in zip(dollars[::2], dollars[1::2], strict=False):
            out.append((at + x, at + y + 1))
        if a < b:
            out.append((a, b))
        at = b
    return out


# Readers (pandoc's names) and whether they have the hazards above: commonmark_x read every
# pattern in linear time (40,000 of each: under 2.2 s).
HAZARDOUS = {"markdown": True, "commonmark_x": False, "commonmark": False, "gfm": False}


# pandoc's CommonMark reader (3.9) never ends on a footnote that calls itself, directly or
# through others: "[^1]: 注[^1]", or a tab-indented paragraph after "[^1]: …" (which
# belongs to the note) holding "[^1]". pandoc's Markdown reads both.
NOTE_DEF = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:")
NOTE_REF = re.compile(r"(?<!\\)\[\^([^\]\s]+)\](?!:)")


def break_note_cycles(text: str) -> str:
    """``text`` with each note call that would make a note call itself escaped (``\\[^1]``
    prints as "[^1]", as the unresolvable call it is)."""
    if "[^" not in text:
        return text
    lines = text.split("\n")
    bodies: dict[str, list[int]] = {}  # note label -> its lines (definition, continuation)
    label = None
    for n, (line, code) in enumerate(zip(lines, code_lines(lines), strict=True)):
        m = NOTE_DEF.match(line) if not code else None
        if m:
            label = m.group(1)
            bodies.setdefault(label, []).append(n)
        elif label is not None and (not line.strip() or line.startswith(("    ", "\t"))):
            bodies[label].append(n)
        else:
            label = None
    if not bodies:
        return text
    calls = {k: [r for n in v for r in NOTE_REF.findall(lines[n])] for k, v in bodies.items()}
    back = _back_edges(calls)
    for k, rows in bodies.items():
        bad = {r for r in calls[k] if (k, r) in back}
        for n in rows:
            if bad and any(f"[^{r}]" in lines[n] for r in bad):
                lines[n] = NOTE_REF.sub(
                    lambda m, bad=bad: "\\" + m.group(0) if m.group(1) in bad else m.group(0),
                    lines[n],
                )
    return "\n".join(lines)


def _back_edges(calls: dict[str, list[str]]) -> set[tuple[str, str]]:
    """The calls that close a cycle, found depth first in the notes' order: escaping only
    these keeps every note called (pandoc leaves a note nobody calls out)."""
    state: dict[str, int] = {}  # 1: on the path, 2: done
    back: set[tuple[str, str]] = set()
    for root in calls:
        if root in state:
            continue
        state[root] = 1
        stack = [(root, iter(calls[root]))]
        while stack:
            k, it = stack[-1]
            r = next(it, None)
            if r is None:
                state[k] = 2
                stack.pop()
            elif r in calls:
                if state.get(r) == 1:
                    back.add((k, r))
                elif r not in state:
                    state[r] = 1
                    stack.append((r, iter(calls[r])))
    return back


def prepare(text: str, reader: str, what: str) -> str:
    """The text to give pandoc's ``reader`` (its full ``-f`` value): unchanged, or with the
    slow ``<`` and ``&`` escaped (``markdown``), notes that call themselves escaped
    (CommonMark); a :class:`SourceError` for slow brackets."""
    if not HAZARDOUS.get(re.split(r"[+-]", reader, maxsplit=1)[0], False):
        return break_note_cycles(text)
    scan = Scan(text)
    for f in scan.findings():
        if f.cost > f.limit and not f.escapable:
            raise SourceError(
                f"{what}:{f.line}: {f.what}; pandoc would take minutes to read it: {f.advice}"
            )
    return scan.defused()


def culprit(text: str, reader: str) -> str:
    """For a timeout's message: the worst slow pattern in ``text``, or that none is known."""
    if HAZARDOUS.get(re.split(r"[+-]", reader, maxsplit=1)[0], False):
        found = Scan(text).findings()
        if found:
            return f" (most likely: {found[0]}; {found[0].advice})"
    return " (none of the patterns publish knows; split the source in halves to find it)"
