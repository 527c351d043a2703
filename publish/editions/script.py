"""Which script a source is written in, and which OpenCC config makes each edition."""

from __future__ import annotations

import functools
import re

import opencc

from publish.editions.table import SOURCES, TABLE

# (source script, source region) -> edition -> OpenCC config; None passes the text through.
# Read from the edition table (table.py).
CONFIGS: dict[tuple[str, str], dict[str, str | None]] = {
    source: {s.code: s.opencc[source] for s in TABLE} for source in SOURCES
}
# The configs that make a Simplified edition of a Traditional source.
FROM_TRADITIONAL = {c["zh-Hans"] for (script, _), c in CONFIGS.items() if script == "Hant"}
# The character-level twin of each phrase-level config: what differs between the two is a
# phrase change a reviewer should see.
CHARACTER_LEVEL = {"s2twp": "s2tw", "s2hk": "s2t", "tw2sp": "tw2s", "hk2s": "hk2s"}


class Chain:
    """OpenCC configs run one after the other (``tw2t+t2hk``): OpenCC has none that takes a
    Taiwan text to Hong Kong's forms in one step."""

    def __init__(self, configs: list[str]) -> None:
        self.steps = [converter(c) for c in configs]

    def convert(self, text: str) -> str:
        for step in self.steps:
            text = step.convert(text)
        return text


@functools.cache
def converter(config: str) -> opencc.OpenCC | Chain:
    if "+" in config:
        return Chain(config.split("+"))
    return opencc.OpenCC(config)


HAN_RUN = re.compile("[\u4e00-\u9fff]+")


@functools.lru_cache(maxsize=8)
def detect_script(text: str) -> str:
    """ "Hans" or "Hant": which conversion changes fewer characters of the text. Kept for
    each text: the build asks for its source's once, then for each edition."""
    sample = "".join(HAN_RUN.findall(text))[:20000]
    if not sample:
        return "Hans"
    simple = converter("t2s").convert(sample)
    if simple == sample:  # nothing Traditional: Simplified, without loading s2t (41 ms, 27 MB)
        return "Hans"
    to_hans = sum(a != b for a, b in zip(sample, simple, strict=False))
    if not to_hans:
        return "Hans"
    to_hant = sum(a != b for a, b in zip(sample, converter("s2t").convert(sample), strict=False))
    return "Hant" if to_hans > to_hant else "Hans"


def region_of(lang: str) -> str:
    lang = lang.lower()
    if lang.endswith(("-hk", "-mo")):
        return "HK"
    return "TW"
