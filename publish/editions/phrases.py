"""OpenCC's phrase dictionaries as Python dicts, for the converter to apply itself.

OpenCC's phrase configs are their character-level twin plus one more dictionary step
(``s2twp`` = ``s2tw`` + TWPhrases; ``tw2sp`` = TWPhrasesRev + ``tw2s``). ``convert.py``
applies that step word by word, so every phrase change is known with its place (the list
says "数据 → 資料") and none crosses a word boundary. The ``.ocd2`` dictionaries are dumped
to text once with the ``opencc_dict`` tool that ships in the wheel.
"""

from __future__ import annotations

import functools
import os
import subprocess
import tempfile
from pathlib import Path

import opencc

# phrase config -> (character-level twin, dictionaries of the extra step)
EXTRA = {
    "s2twp": ("s2tw", ("TWPhrases",)),
    "tw2sp": ("tw2s", ("TWPhrasesRev",)),
}


def _clib() -> Path:
    return Path(opencc.__file__).parent / "clib"


@functools.cache
def dictionary(name: str) -> dict[str, str]:
    """An OpenCC dictionary as {key: first value}; empty if it cannot be read."""
    clib = _clib()
    tool = clib / "bin" / "opencc_dict"
    src = clib / "share" / "opencc" / f"{name}.ocd2"
    if not tool.exists() or not src.exists():
        return {}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"{name}.txt"
        proc = subprocess.run(
            [str(tool), "-i", str(src), "-o", str(out), "-f", "ocd2", "-t", "text"],
            capture_output=True,
            check=False,
            env={**os.environ, "LC_ALL": "C.UTF-8"},
        )
        if proc.returncode != 0 or not out.exists():
            return {}
        entries = {}
        for line in out.read_text("utf-8").splitlines():
            key, _, values = line.partition("\t")
            if key and values:
                entries[key] = values.split(" ")[0]
        return entries


@functools.cache
def extra_dictionary(config: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for name in reversed(EXTRA.get(config, ("", ()))[1]):
        merged.update(dictionary(name))  # earlier dictionaries win, as in short_circuit
    return merged
