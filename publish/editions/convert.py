"""Converting human text for one edition, and listing the phrase changes.

What never converts: URLs, e-mail addresses and kept words (protected spans in the text);
code, math, raw HTML, identifiers and link targets (not text nodes; see ``edition.py``).

How a piece of text converts: OpenCC's character-level config gives a text of the same
length as the source (``base``: 软件 → 軟件). Then, left to right, the longest entry that
fits whole words (``words.py``) replaces its span: first the glossary and the vocabulary
tables (keyed by the source's own words), then OpenCC's phrase dictionary for the edition
(TWPhrases: 軟件 → 軟體), applied here rather than by OpenCC so that it too respects word
boundaries and every replacement is known with its place. Outside replacements the output
is ``base``, aligned character for character with the source; this is also how the phrase
review list is made (no diff).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from publish.chars import IS_HAN
from publish.editions.glossary import Glossary
from publish.editions.phrases import entry, extra_dictionary, regional_words
from publish.editions.script import FROM_TRADITIONAL, converter
from publish.editions.words import Words

# A URL runs to whitespace. An e-mail address is ASCII (``\w`` would take the Chinese
# text around it), and a match starts only where a run of address characters starts: with
# any start, a 100,000-character run with no "@" took quadratic time (28 s), as each start
# scanned to the run's end. Possessive runs never backtrack.
ADDRESS = r"[A-Za-z0-9._%+-]"
URLISH = (
    r"(?:https?|ftp|file|mailto):\S+|www\.\S+"
    rf"|(?<!{ADDRESS}){ADDRESS}++@[A-Za-z0-9-]++(?:\.[A-Za-z0-9-]++)+"
)

# How each OpenCC config is reproduced: the character-level config that gives ``base``;
# where the phrase dictionary's keys are read ("base": Traditional keys on the converted
# text; "source": on the source); the config that puts its keys in that text's forms, and
# the one that finishes its values.
PLAN: dict[str, tuple[str, str, str | None, str | None]] = {
    "s2twp": ("s2tw", "base", "t2tw", "t2tw"),
    "tw2sp": ("tw2s", "source", None, "t2s"),
}

# Characters that t2s changes but Simplified Chinese writes as they are: the Table of
# General Standard Chinese Characters (通用规范汉字表, 2013) lists them for names and set
# words (华为昇腾, 瞭望, 甦醒, 喆, 堃). Any character of GB 2312 is valid Simplified too
# (乾隆, 著作, 夥伴); only the others are normalised in a Simplified source.
SIMPLIFIED_TOO = frozenset("昇瞭甦喆堃淼犇仝邨迺絜晳")
SENTENCE_END = "。！？；!?;\n"
WORD_BREAK = "\ue000"  # a private-use character: in no OpenCC phrase, converted as itself


@functools.cache
def _phrase_dictionary(config: str, keys: str | None, values: str | None) -> dict[str, str]:
    """OpenCC's phrase step for ``config``, its keys and values in the forms matched."""
    if not values:
        return {}
    key = converter(keys).convert if keys else str
    value = converter(values).convert
    return {key(k): value(v) for k, v in extra_dictionary(config).items()}


def valid_simplified(c: str) -> bool:
    if c in SIMPLIFIED_TOO:
        return True
    try:
        c.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


@dataclass
class Phrase:
    source: str
    result: str
    count: int = 0
    line: int | None = None
    # "opencc" phrase, "glossary" entry, "variant" (characters only: 为 → 為, 發佈 → 發布),
    # or "unchanged": a regional word left as it is (``source`` as it stands in the
    # edition, ``result`` what the tables write instead)
    kind: str = "opencc"
    sentence: str = ""  # the sentence of the first occurrence
    # the first occurrence (text, position): its sentence is cut out once, for the review
    first: tuple[str, int] = ("", 0)
    lines: set[int] = field(default_factory=set)  # every source line it occurs on
    key: str = ""  # the source's own word: a glossary entry's key


@dataclass
class Converter:
    edition: str
    config: str | None  # None: the source is already in this edition's script
    glossary: Glossary
    quotes: bool = True  # “”‘’ -> 「」『』 in Traditional editions
    locate: Callable[[str], int | None] = lambda _: None  # first source line of a phrase
    domain: str = "technical"  # or "general": which domain-bound entries apply
    phrases: dict[tuple[str, str], Phrase] = field(default_factory=dict)
    artefacts: list[dict[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        g = self.glossary
        self.terms = g.for_edition(self.edition, self.domain)
        keep = sorted(g.keep, key=len, reverse=True)
        self.protect = re.compile("|".join([URLISH] + [re.escape(w) for w in keep]))
        self.main = converter(self.config) if self.config else None
        base, self.match_on, keys, values = PLAN.get(
            self.config or "", (self.config, "", None, None)
        )
        self.base = converter(base) if base else None
        self.words = _phrase_dictionary(self.config or "", keys, values)
        self.term_prefixes = _prefixes(tuple(self.terms))
        self.word_prefixes = _prefixes(tuple(self.words))
        # t2s normalises stray Traditional characters in a Simplified source, and only
        # those: a character that is valid Simplified (昇, 乾) stays.
        self.normalise = self.config == "t2s"
        self.traditional = self.edition != "zh-Hans"
        # A Simplified edition of a Traditional source: its 「」『』 become “”‘’, as
        # Simplified text writes them (GB/T 15834); --keep-quotes is about the Traditional
        # editions only.
        self.simplifying = self.config in FROM_TRADITIONAL
        # Regional words left unchanged (a mainland word in a Traditional edition, a Taiwan
        # word in a Simplified one): looked up in the output, word by word.
        self.regional = _regional(
            self.edition,
            self.domain,
            tuple(self.terms.items()),
            tuple(g.for_edition("zh-Hant-TW", self.domain).items()),
        )
        self.regional_words = _alternatives(tuple(self.regional))
        self.simple = converter("t2s").convert
        self._run_lines: dict[str, int | None] = {}

    def text(self, text: str, line: int | None = None) -> str:
        """Converted ``text``; records phrase changes seen at ``line``."""
        if not text:
            return text
        result = self._protected(text, lambda part: self._plain(part, line))
        if self.traditional and self.quotes:
            result = _quotes(result)
        elif self.simplifying:
            result = result.translate(HANS_QUOTES)
        return result

    def words_only(self, text: str) -> str:
        """``text`` converted as :meth:`text` converts it, words alone (quotes left as they
        are), no regional word looked for: the source as the fidelity check compares it."""
        return self._protected(text, lambda part: self._plain(part, None, regional=False))

    def _protected(self, text: str, convert: Callable[[str], str]) -> str:
        """``convert`` applied between the URLs and kept words, which stay as written."""
        out: list[str] = []
        pos = 0
        for m in self.protect.finditer(text):
            out += (convert(text[pos : m.start()]), m.group(0))
            pos = m.end()
        out.append(convert(text[pos:]))
        return "".join(out)

    def _plain(self, text: str, line: int | None, regional: bool = True) -> str:
        if not text or not IS_HAN.search(text):
            return text
        out = self._convert(text, line)
        if regional and self.regional:
            self._unchanged(out, text, line)
        return out

    def _convert(self, text: str, line: int | None) -> str:
        # replacements: start and end in the output, length in the source
        self._spans: list[tuple[int, int, int]] = []
        if self.main is None:
            return text
        if self.normalise:
            return self._normalise(text, line)
        assert self.base is not None
        base = self.base.convert(text)
        if len(base) != len(text):  # never seen: OpenCC's own output, unlisted
            self.artefacts.append({"source": text, "result": base, "why": "unaligned"})
            return self.main.convert(text)
        seg: Words | None = None
        if base != text:
            seg = Words(text)
            base = self._bounded(text, base, seg)
        if not self.terms and not self.words:
            return base
        keyed = text if self.match_on == "source" else base
        out: list[str] = []
        done = 0  # text[:done] is in ``out``
        olen = 0  # characters in ``out``
        i, n = 0, len(text)
        firsts, word_firsts = self.term_prefixes, self.word_prefixes
        while i < n:
            # most characters start no entry (a quarter of the time went to asking)
            if text[i] not in firsts and keyed[i] not in word_firsts:
                i += 1
                continue
            hit = None
            for size in _sizes(self.term_prefixes, text, i):
                seg = seg or Words(text)
                if seg.fits(i, i + size):
                    hit = (size, self.terms[text[i : i + size]], "glossary")
                    break
            if hit is None:
                for size in _sizes(self.word_prefixes, keyed, i):
                    value = self.words[keyed[i : i + size]]
                    seg = seg or Words(text)
                    if seg.fits(i, i + size) and not self._doubles(value, keyed, i, i + size):
                        hit = (size, value, "opencc")
                        break
            if hit is None:
                i += 1
                continue
            size, value, kind = hit
            if value != base[i : i + size]:  # a phrase change, not a character conversion
                self._record(text[i : i + size], value, line, kind, text, i)
            # between replacements: base, whose phrases stay inside words (_bounded), so none
            # reaches across a word an entry replaced (声明了: 宣告 + 了, not 宣告瞭)
            out += (base[done:i], value)
            olen += i - done
            self._spans.append((olen, olen + len(value), size))
            olen += len(value)
            i = done = i + size
        out.append(base[done:n] if done else base)
        return "".join(out)

    def _bounded(self, text: str, base: str, seg: Words) -> str:
        """``base`` as OpenCC's character-level config gives it word by word: its phrases
        choose among a character's Traditional forms, and one read across the end of a
        word chose wrong (资金 + 链断裂 → 資金鍊, 有关 + 系统 → 有關係統, 一个 + 中央 →
        一箇中央, 进口 + 占比 → 進口占比, 并 + 为 → 併為): each word is converted on its
        own, in one call, the words held apart by a character no phrase holds."""
        assert self.base is not None
        cuts = sorted(set(seg.start))
        if len(cuts) < 2 or WORD_BREAK in text:
            return base
        words = [text[a:b] for a, b in zip(cuts, [*cuts[1:], len(text)], strict=True)]
        apart = self.base.convert(WORD_BREAK.join(words)).replace(WORD_BREAK, "")
        return apart if len(apart) == len(text) else base

    def _unchanged(self, out: str, text: str, line: int | None) -> None:
        """Record the regional words that stand whole in ``out`` (converted from ``text``)."""
        seg: Words | None = None
        for m in self.regional_words.finditer(out):
            i, j = m.span()
            seg = seg or Words(out)
            # a word inside a replacement is the tables' or OpenCC's own choice
            # (循環 in 循環神經網路, 社區 in 阿里雲開發者社區)
            inside = any(a < j and i < b for a, b, _ in self._spans)
            if not inside and seg.fits(i, j):
                word = m.group(0)
                key = self._key(word, text, i, j, len(out) == len(text))
                self._record(word, self.regional[word], line, "unchanged", out, i, key)

    def _key(self, word: str, text: str, i: int, j: int, aligned: bool) -> str:
        """The source's word for ``word`` of the output, a glossary entry's key: the same
        place of the source while nothing before changed length, else ``word`` in the
        source's script."""
        if aligned and all(b - a == n for a, b, n in self._spans if a < i):
            return text[i:j]
        return self.simple(word) if (self.config or "").startswith("s") else word

    def _doubles(self, value: str, keyed: str, start: int, end: int) -> bool:
        """OpenCC's phrase ``value`` would repeat the character after its key (用戶名 →
        使用者名稱 before 稱 gives 名稱稱): the entry is skipped and the case reported.
        Only a value longer than its key adds a character: 默認 → 預設 before 設置 is a
        word for a word (預設設定), not a doubling."""
        nxt = keyed[end : end + 1]
        if not nxt or len(value) <= end - start or not value.endswith(nxt):
            return False
        if keyed[end - 1] == nxt:
            return False
        self.artefacts.append(
            {"source": keyed[start : end + 1], "result": value + nxt, "why": "doubled"}
        )
        return True

    def _normalise(self, text: str, line: int | None) -> str:
        assert self.main is not None
        full = self.main.convert(text)
        if len(full) != len(text):
            full = "".join(self.main.convert(c) for c in text)
        out = list(text)
        for i, c in enumerate(text):
            if full[i] != c and not valid_simplified(c):
                out[i] = full[i]
                self._record(c, full[i], line, "variant", text, i)
        return "".join(out)

    def _record(
        self,
        source: str,
        result: str,
        line: int | None,
        kind: str,
        text: str,
        at: int,
        key: str = "",
    ) -> None:
        p = self.phrases.get((source, result))
        if p is None:
            if kind in ("opencc", "glossary") and self.simple(source) == self.simple(result):
                kind = "variant"  # the same word in other characters (用户 → 用戶)
            p = Phrase(source, result, 0, None, kind, first=(text, at), key=key or source)
            self.phrases[(source, result)] = p
        p.count += 1
        where = self._line(text, at, source) if line is None else line
        if where is not None:
            if p.line is None or where < p.line:  # the tree is not walked in line order
                p.line, p.first = where, (text, at)
            p.lines.add(where)

    def _line(self, text: str, at: int, word: str) -> int | None:
        """The source line of ``text[at]``: where the run ``text`` starts in the source,
        plus the line breaks before ``at``. A run need not stand in the source as it is
        (lines of Chinese text are joined, Markdown marks and escapes are gone): then the
        run up to the word, the run from it, the word with a few characters around it,
        else where the word first stands."""
        if text not in self._run_lines:
            self._run_lines[text] = self.locate(text)
        start = self._run_lines[text]
        if start is not None:
            return start + text.count("\n", 0, at)
        end = at + len(word)
        for s, e in ((0, end), (at, len(text)), (max(0, at - 6), min(len(text), end + 6))):
            found = self.locate(text[s:e]) if e - s > len(word) else None
            if found is not None:
                return found + text.count("\n", s, at)
        return self.locate(word)

    def review(self) -> list[dict]:
        """The review list: changes by first line, then source text; character variants
        and regional words left unchanged after them, each group apart (``kind``). A row
        has every line it occurs on, its first sentence and a glossary line to paste."""
        order = {"opencc": 0, "glossary": 0, "variant": 1, "unchanged": 2}
        items = sorted(
            self.phrases.values(), key=lambda p: (order.get(p.kind, 0), p.line or 0, p.source)
        )
        return [
            {
                "source": p.source,
                "result": p.result,
                "count": p.count,
                "line": p.line,
                "lines": sorted(p.lines),
                "kind": p.kind,
                "sentence": p.sentence or _sentence(*p.first),
                "entry": self._entry(p),
            }
            for p in items
        ]

    def _entry(self, p: Phrase) -> str:
        """The glossary line that writes ``p.result`` for ``p.key``; "" when a glossary
        cannot (a source already in this edition's script passes through unconverted)."""
        if self.main is None:
            return ""
        return entry(p.key, self.edition, p.result)


@functools.cache
def _regional(
    edition: str,
    domain: str,
    terms: tuple[tuple[str, str], ...],
    taiwan: tuple[tuple[str, str], ...],
) -> dict[str, str]:
    """:func:`phrases.regional_words`, made once per edition, domain and glossary."""
    return regional_words(edition, domain, dict(terms), dict(taiwan))


@functools.cache
def _alternatives(words: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for ``words``, the longest first (a match is the longest word there)."""
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


@functools.cache
def _prefixes(keys: tuple[str, ...]) -> dict[str, bool]:
    """Every prefix of ``keys`` -> whether it is a key itself."""
    out: dict[str, bool] = {}
    for k in keys:
        for n in range(1, len(k)):
            out.setdefault(k[:n], False)
    for k in keys:
        out[k] = True
    return out


def _sizes(prefixes: dict[str, bool], text: str, i: int) -> list[int]:
    """Lengths of the keys that start at ``text[i]``, longest first."""
    sizes = []
    n = 1
    while (known := prefixes.get(text[i : i + n])) is not None:
        if known:
            sizes.append(n)
        if i + n >= len(text):
            break
        n += 1
    return sizes[::-1]


def _sentence(text: str, at: int) -> str:
    """The sentence of ``text`` around position ``at``, at most 80 characters each side."""
    start = max((text.rfind(c, 0, at) for c in SENTENCE_END), default=-1) + 1
    ends = [e for e in (text.find(c, at) for c in SENTENCE_END) if e >= 0]
    end = min(ends) + 1 if ends else len(text)
    return text[max(start, at - 80) : min(end, at + 80)].strip()


HANS_QUOTES = str.maketrans({"「": "“", "」": "”", "『": "‘", "』": "’"})


def _quotes(text: str) -> str:
    """Chinese quotation marks in the Traditional way; an apostrophe in Latin text stays."""
    text = text.replace("“", "「").replace("”", "」")
    return re.sub(
        r"‘([^‘’]*?)’",
        lambda m: f"『{m.group(1)}』" if IS_HAN.search(m.group(1)) else m.group(0),
        text,
    )
