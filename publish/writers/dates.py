"""The date a title page prints: the source's front-matter date as Chinese print writes it
(2026年3月31日), or nothing when the source has none.

Every writer that prints a date (the PDF cover, the DOCX and EPUB title pages) calls
:func:`printed_date`, so the editions agree. The build day is never made up here: it is the
source's date only when the build was asked for it (``--date today`` puts it in the
document's metadata before the editions are made, see publish/build/build.py).
"""

from __future__ import annotations

import re
import unicodedata

from publish.ast import meta_text
from publish.document import Edition

# A date written with digits: 2026-03-31, 2026/3/31, 2026.03, 2026年3月31日, with or without
# a time and zone after it ("2026-03-31 05:00:00 +0800", YAML's and Hugo's form, or ISO's
# "2026-03-31T05:00:00+08:00"). The date is taken as written, in its own zone: the day the
# author meant, not the build machine's.
NUMERIC = re.compile(
    r"^\s*(\d{4})\s*(?:[年\-/.]\s*(\d{1,2})\s*(?:[月\-/.]\s*(\d{1,2})\s*日?)?\s*月?)?\s*年?"
    r"(?=$|[\sT]\d{1,2}:\d{2})"
)


def printed_date(edition: Edition) -> str:
    """The date ``edition``'s title page prints: ``2026年3月31日``, ``2026年3月`` or
    ``2026年`` for a date written with digits (with or without a time, which is dropped);
    any other date text ("2024年春", "二〇二四年三月") as the edition has it, already in its
    script; ``""`` when the source gives no date. 年, 月 and 日 are the same characters in
    Simplified and Traditional Chinese, so one form serves every edition."""
    text = unicodedata.normalize("NFKC", meta_text(edition.ast["meta"].get("date"))).strip()
    if not text:
        return ""
    m = NUMERIC.match(text)
    if not m:
        return meta_text(edition.ast["meta"].get("date")).strip()
    year, month, day = m.group(1), m.group(2), m.group(3)
    if not month or not 1 <= int(month) <= 12:
        return f"{year}年" if not month else text
    if not day:
        return f"{year}年{int(month)}月"
    if not 1 <= int(day) <= 31:
        return text
    return f"{year}年{int(month)}月{int(day)}日"
