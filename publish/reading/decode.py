"""Detect a source's encoding and normalise its text."""

from __future__ import annotations

import codecs
import contextlib
import re

from publish.errors import SourceError

# Zero-width and format characters that only get in the way in a manuscript. The ZWJ
# (U+200D) stays: emoji sequences need it.
_INVISIBLE = re.compile("[\u200b\u200c\u200e\u200f\u2060\ufeff\u00ad]")
# A line that starts with invisible characters, then blanks: "\u200b\t段落".
_INDENTED = re.compile("(?m)^((?:[ ]{0,3}>[ ]?)*+)[\u200b\u200c\u2060\ufeff]+[ \t\u3000]*")
# C0/C1 controls other than tab and newline.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

_BOMS = [
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


def _plausible(text: str) -> float:
    """Share of characters a Chinese or English text is made of."""
    ok = sum(
        1
        for c in text
        if c in "\n\r\t"
        or " " <= c <= "~"
        or "\u3000" <= c <= "\u9fff"
        or "\uff00" <= c <= "\uffef"
        or "\u2000" <= c <= "\u206f"
    )
    return ok / max(1, len(text))


def _looks_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: the byte order whose text reads as text."""
    if len(data) < 4 or len(data) % 2:
        return None
    best, score = None, 0.0
    for enc in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        p = _plausible(text)
        if p > score:
            best, score = enc, p
    return best if score > 0.95 else None


def detect(data: bytes, name: str) -> str:
    """The encoding of ``data``: BOM, then UTF-8, then UTF-16, then a Chinese legacy one."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return enc
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    utf16 = _looks_utf16(data)
    if utf16:
        return utf16
    if b"\x00" in data:
        raise SourceError(f"{name}: looks like a binary file, not Markdown text; give a .md file")
    # Legacy encodings: try the Chinese ones strictly, and prefer the one whose text is the
    # most plausible (charset-normalizer scores coherence).
    candidates = [enc for enc in ("gb18030", "big5") if _decodes(data, enc)]
    if len(candidates) == 1:
        return candidates[0]
    if candidates:
        # Both decode (common in short texts, where charset-normalizer has too little to go
        # on): the wrong one reads as rare characters, kana and private-use ones.
        gb, big5 = (_chinese(data.decode(enc), enc) for enc in candidates)
        if abs(gb - big5) >= 0.15:
            return "gb18030" if gb > big5 else "big5"
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=candidates or None).best()
    if best is None:
        raise SourceError(
            f"{name}: cannot tell the text encoding; save the file as UTF-8 and build again"
        )
    enc = best.encoding
    return {"gb2312": "gb18030", "gbk": "gb18030", "big5hkscs": "big5"}.get(enc, enc)


# The lead bytes of each encoding's most frequent characters: GB2312's level 1 (3,755
# characters) and Big5's frequent characters (5,401).
_COMMON = {"gb18030": ("gb2312", 0xB0, 0xD7), "big5": ("big5", 0xA4, 0xC6)}


def _chinese(text: str, enc: str) -> float:
    """Share of the text's characters that a Chinese text in ``enc`` is mostly made of:
    ASCII, CJK and full-width punctuation, and the encoding's frequent characters."""
    codec, low, high = _COMMON[enc]
    chars = [c for c in text if not c.isspace()]
    good = 0
    for c in chars:
        if c <= "~" or "\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef" or c in "“”‘’…—·":
            good += 1
        elif "\u4e00" <= c <= "\u9fff":
            with contextlib.suppress(UnicodeEncodeError):
                good += low <= c.encode(codec)[0] <= high
    return good / max(1, len(chars))


def _decodes(data: bytes, enc: str) -> bool:
    try:
        data.decode(enc)
        return True
    except UnicodeDecodeError:
        return False


def decode(data: bytes, name: str) -> tuple[str, str]:
    """Decoded, normalised text and the encoding found. Raises :class:`SourceError`."""
    if not data.strip():
        raise SourceError(f"{name}: the file is empty; write the report in it and build again")
    enc = detect(data, name)
    try:
        text = data.decode(enc)
    except (UnicodeDecodeError, LookupError):
        raise SourceError(
            f"{name}: cannot decode the file as {enc}; save it as UTF-8 and build again"
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Typora indents a paragraph with a zero-width space then a tab: without the space the
    # tab would make the paragraph a code block. The indent goes with it (the print
    # edition indents paragraphs itself).
    text = _INDENTED.sub(r"\1", text)
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub("", text)
    if not text.strip():
        raise SourceError(f"{name}: the file holds no text; write the report in it and build again")
    return text, enc
