"""Word boundaries, so that a glossary or phrase entry applies to a word, never to the
halves of two (完全局部 is 完全 + 局部: the 全局 entry must not apply there).

The boundaries are those of jieba's segmentation (rjieba, its Rust port, with its own word
list). An entry matching ``text[i:j]`` applies unless a word of the segmentation crosses
one of its ends: a word containing the whole match is fine (斯坦福 in 斯坦福大学), as are
several words inside it (循环 + 神经网络); 完全 crossing the start of 全局 is not.
"""

from __future__ import annotations

import functools
from typing import Any

from publish.editions.script import converter

# Words jieba's list lacks or weighs too lightly, so that it cut them where the editions'
# tables could not reach: 主线 + 程 (a main storyline, then 程), 在线 + 程中 (online, then
# 程中) for 主线程 and 在线程中 (the main thread; in a thread). Added once, with jieba's own
# suggested frequency; each is a test sentence (tests/test_vocabulary.py).
EXTRA_WORDS = ("主线程", "线程")


@functools.cache
def _jieba() -> Any:
    import rjieba  # here: loading its word list takes 0.12 s, and most text needs none

    for word in EXTRA_WORDS:
        rjieba.add_word(word, None, None)
    return rjieba


class Words:
    """The segmentation of one text: for each character, the word it belongs to."""

    def __init__(self, text: str) -> None:
        # jieba's word list is Simplified: a Traditional text is segmented through its
        # character-level Simplified twin (same length), positions map one to one.
        simple = converter("t2s").convert(text)
        tokens = _jieba().cut(simple if len(simple) == len(text) else text)
        self.start: list[int] = []
        self.end: list[int] = []
        pos = 0
        for tok in tokens:
            n = len(tok)
            self.start += [pos] * n
            self.end += [pos + n] * n
            pos += n
        if pos != len(text):  # never expected: treat every character as a word
            self.start = list(range(len(text)))
            self.end = list(range(1, len(text) + 1))

    def fits(self, i: int, j: int) -> bool:
        """``text[i:j]`` is a word, part of one word, or whole words."""
        s, e = self.start[i], self.end[i]
        if s < i and e < j:  # a word starts before the match and ends inside it
            return False
        s, e = self.start[j - 1], self.end[j - 1]
        return not (e > j and s > i)  # a word starts inside the match and runs past it


@functools.cache
def words(text: str) -> Words:
    return Words(text)
