"""Converting human text for one edition, and listing the phrase changes.

What never converts: URLs, e-mail addresses and kept words (protected spans in the text);
code, math, raw HTML, identifiers and link targets (not text nodes; see ``edition.py``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from publish.chars import IS_HAN
from publish.editions.glossary import Glossary
from publish.editions.phrases import changes
from publish.editions.script import CHARACTER_LEVEL, FROM_TRADITIONAL, converter

URLISH = r"(?:https?|ftp|file|mailto):[^\s]+|www\.[^\s]+|[\w.+-]+@[\w-]+\.[\w.-]+"


@dataclass
class Phrase:
    source: str
    result: str
    count: int = 0
    line: int | None = None
    kind: str = "opencc"  # "opencc" phrase conversion, or "glossary"


@dataclass
class Converter:
    edition: str
    config: str | None  # None: the source is already in this edition's script
    glossary: Glossary
    quotes: bool = True  # “”‘’ -> 「」『』 in Traditional editions
    locate: Callable[[str], int | None] = lambda _: None  # first source line of a phrase
    phrases: dict[tuple[str, str], Phrase] = field(default_factory=dict)

    def __post_init__(self) -> None:
        terms = {t: v[self.edition] for t, v in self.glossary.terms.items() if self.edition in v}
        self.terms = terms
        words = sorted(set(terms) | self.glossary.keep, key=len, reverse=True)
        alts = [URLISH] + [re.escape(w) for w in words]
        self.protect = re.compile("|".join(alts))
        self.main = converter(self.config) if self.config else None
        base = CHARACTER_LEVEL.get(self.config or "")
        self.base = converter(base) if base and base != self.config else None
        # t2s normalises stray Traditional characters in a Simplified source: each change
        # is listed against the source itself.
        self.against_source = self.config == "t2s"
        self.traditional = self.edition != "zh-Hans"
        # A Simplified edition of a Traditional source: its 「」『』 become “”‘’, as
        # Simplified text writes them (GB/T 15834); --keep-quotes is about the Traditional
        # editions only.
        self.simplifying = self.config in FROM_TRADITIONAL

    def text(self, text: str, line: int | None = None) -> str:
        """Converted ``text``; records phrase changes seen at ``line``."""
        if not text:
            return text
        out: list[str] = []
        pos = 0
        for m in self.protect.finditer(text):
            out.append(self._plain(text[pos : m.start()], line))
            word = m.group(0)
            if word in self.terms:
                result = self.terms[word]
                if result != word:
                    self._record(word, result, line, "glossary")
                out.append(result)
            else:
                out.append(word)  # a URL or a kept word
            pos = m.end()
        out.append(self._plain(text[pos:], line))
        result = "".join(out)
        if self.traditional and self.quotes:
            result = _quotes(result)
        elif self.simplifying:
            result = result.translate(HANS_QUOTES)
        return result

    def _plain(self, text: str, line: int | None) -> str:
        if not text or self.main is None or not IS_HAN.search(text):
            return text
        result = self.main.convert(text)
        if result != text:
            if self.base is not None:
                self._phrases(text, self.base.convert(text), result, line)
            elif self.against_source:
                self._phrases(text, text, result, line)
        return result

    def _phrases(self, src: str, base: str, full: str, line: int | None) -> None:
        for source, result in changes(self.config or "", src, base, full):
            self._record(source, result, line, "opencc")

    def _record(self, source: str, result: str, line: int | None, kind: str) -> None:
        p = self.phrases.get((source, result))
        if p is None:
            where = line if line is not None else self.locate(source)
            p = self.phrases[(source, result)] = Phrase(source, result, 0, where, kind)
        p.count += 1

    def review(self) -> list[dict]:
        """Phrase changes by first line, then source text."""
        items = sorted(self.phrases.values(), key=lambda p: (p.line or 0, p.source))
        return [
            {
                "source": p.source,
                "result": p.result,
                "count": p.count,
                "line": p.line,
                "kind": p.kind,
            }
            for p in items
        ]


HANS_QUOTES = str.maketrans({"「": "“", "」": "”", "『": "‘", "』": "’"})


def _quotes(text: str) -> str:
    """Chinese quotation marks in the Traditional way; an apostrophe in Latin text stays."""
    text = text.replace("“", "「").replace("”", "」")
    return re.sub(
        r"‘([^‘’]*?)’",
        lambda m: f"『{m.group(1)}』" if IS_HAN.search(m.group(1)) else m.group(0),
        text,
    )
