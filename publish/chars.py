"""Character classes of Chinese text, for the stages that look at what a character is."""

from __future__ import annotations

import re

# Han (ideographs, radicals, bopomofo) and kana.
HAN = (
    "\u2e80-\u2fdf\u3005-\u3007\u3021-\u3029\u3040-\u30ff\u3100-\u312f\u31a0-\u31bf"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
)
# Han, kana and CJK / full-width punctuation: the characters of Chinese text.
CJK_CHARS = f"{HAN}\u3000-\u303f\ufe30-\ufe4f\uff01-\uff60\uffe0-\uffe6"
IS_HAN = re.compile(f"[{HAN}]")
CJK = re.compile(f"[{CJK_CHARS}]")
