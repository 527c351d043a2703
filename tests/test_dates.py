"""The title-page date (publish/writers/dates.py): Chinese form, from the source only."""

from __future__ import annotations

from pathlib import Path

import pytest

from publish.ast import meta_value
from publish.document import Document, Edition
from publish.writers.dates import printed_date


def edition(date: str | None, code: str = "zh-Hans") -> Edition:
    doc = Document(source=Path("x.md"), stem="x")
    meta = {} if date is None else {"date": meta_value(date)}
    return Edition(code, doc, {"meta": meta, "blocks": []}, "T", {})


@pytest.mark.parametrize(
    ("written", "printed"),
    [
        ("2026-03-31 05:00:00 +0800", "2026年3月31日"),
        ("2026-03-31T05:00:00+08:00", "2026年3月31日"),
        ("2026/3/31", "2026年3月31日"),
        ("２０２６年３月３１日", "2026年3月31日"),
        ("2026-03", "2026年3月"),
        ("2026", "2026年"),
        ("2024年春", "2024年春"),
        ("2026-13-01", "2026-13-01"),
    ],
)
def test_chinese_form(written: str, printed: str) -> None:
    for code in ("zh-Hans", "zh-Hant-TW", "zh-Hant-HK"):
        assert printed_date(edition(written, code)) == printed


def test_no_date_prints_none() -> None:
    assert printed_date(edition(None)) == ""
