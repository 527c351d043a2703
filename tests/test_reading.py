"""Reading: encodings, normalisation, and bad files."""

from __future__ import annotations

import codecs

import pytest

from publish.errors import SourceError
from publish.reading import decode

TEXT = "# 报告标题\n\n深度学习的发展。繁體字「測試」。\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("gb18030"), "gb18030"),
        (TEXT.encode("utf-16"), "utf-16"),
        (TEXT.encode("utf-16-le"), "utf-16-le"),
        (TEXT.encode("utf-16-be"), "utf-16-be"),
    ],
)
def test_encodings(data, encoding):
    text, enc = decode(data, "x.md")
    assert enc == encoding
    assert text == TEXT


def test_big5():
    text = (
        "# 報告標題\n\n深度學習的發展，資料與軟體。這是繁體中文的段落，用來測試編碼偵測是否正確。\n"
    )
    got, enc = decode(text.encode("big5"), "x.md")
    assert enc == "big5" and got == text


def test_gbk_longer_text():
    text = (
        "# 报告\n\n"
        + "深度学习作为人工智能领域的核心驱动力，在二零二四年延续了其迅猛发展的势头。\n" * 5
    )
    got, enc = decode(text.encode("gbk"), "x.md")
    assert enc == "gb18030" and got == text


def test_normalisation():
    raw = "标题\r\n\r\n深度\u200b学习\ufeff的\x07发展\r\n".encode()
    text, _ = decode(raw, "x.md")
    assert text == "标题\n\n深度学习的发展\n"


@pytest.mark.parametrize(
    ("data", "word"),
    [(b"", "empty"), (b"  \n\n", "empty"), (b"\x00\x01\x02\xff\xfe\x00\x00" * 50, "binary")],
)
def test_bad_files(data, word):
    with pytest.raises(SourceError) as err:
        decode(data, "bad.md")
    assert "bad.md" in str(err.value) and word in str(err.value)


@pytest.mark.parametrize(
    ("text", "codec", "encoding"),
    [
        ("# 标题\n\n正文，“引号”。\n", "gbk", "gb18030"),
        ("# 標題\n\n正文，「引號」。\n", "big5", "big5"),
        ("機器學習模型", "big5", "big5"),  # decodes as GB18030 too, into rare characters
        ("网络", "gbk", "gb18030"),
    ],
)
def test_short_legacy_texts(text, codec, encoding):
    # Too short for charset-normalizer: both Chinese encodings decode the bytes.
    got, enc = decode(text.encode(codec), "x.md")
    assert enc == encoding and got == text
