"""OpenCC's phrase dictionaries as Python dicts, for the converter to apply itself; and
the review list's word lists and glossary lines.

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


# -- the review list's rows ------------------------------------------------------------
# Words Taiwan and the mainland both write, though a Taiwan table gives them as a value:
# never "Taiwan vocabulary" in a Simplified edition (电脑 for 计算机, 品质 for 质量).
SHARED = frozenset(
    {"电脑", "品质", "帐号", "帐户", "档案", "物件", "发表会", "乔治亚", "德克萨斯"}
    # the mainland writes these too (a Taiwan editor's table gives them as values)
    | {"云端服务", "供应商", "套件", "用户端", "大型语言模型", "范例", "加码", "减码", "死结"}
    | {"定期定额", "直属主管", "新创企业", "社群媒体", "存取权限", "存取模式", "文字编辑器"}
    | {"纯文字", "高龄化", "当机", "批次处理", "转帐", "帐单", "技术支援", "封包", "实体机器"}
)


# Of OpenCC's TWPhrasesRev (Taiwan word -> mainland word), the words only Taiwan writes:
# most of its keys are common mainland words too (核心, 建立, 整合, 序列, 影像: the seed's
# Simplified edition listed all five), so only these are looked for in a Simplified edition.
TAIWAN_ONLY = frozenset(
    {
        "软体", "硬体", "韧体", "记忆体", "伺服器", "网路", "程式码", "预设", "萤幕", "滑鼠",
        "执行绪", "演算法", "最佳化", "部落格", "专案", "使用者", "列印", "资料库",
        "随身碟", "硬碟", "光碟", "游标", "视窗", "介面卡", "位元", "位元组", "数位", "物件导向",
        "人工智慧", "网际网路", "乙太网路", "宽频", "数据机", "印表机", "变数",
        "函式", "引数", "型别", "运算元", "暂存器", "溢位", "作业系统",
        "应用程式", "行动电话", "简讯", "奈米", "雷射", "原始码",
    }
)  # fmt: skip


def entry(key: str, edition: str, value: str) -> str:
    """One glossary line, ready to paste under ``[terms]`` (TOML basic strings)."""
    return f"{_toml(key)} = {{ {_toml(edition)} = {_toml(value)} }}"


def _toml(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def regional_words(
    edition: str, domain: str, terms: dict[str, str], taiwan: dict[str, str]
) -> dict[str, str]:
    """Words that should not stand in ``edition`` as written there -> what to write.

    A Traditional edition: mainland vocabulary in the edition's characters, the keys of the
    glossary and vocabulary tables that apply to it (``terms``: those for this edition and
    ``domain``) and, for Taiwan, of OpenCC's TWPhrases. An entry whose value is only the
    key's character conversion (a [general] 运行 → 運行) is no regional word.
    A Simplified edition: Taiwan vocabulary in Simplified characters, the keys of OpenCC's
    TWPhrasesRev and the Taiwan values of the tables (``taiwan``), less :data:`SHARED`."""
    from publish.editions.script import converter
    from publish.editions.table import EDITIONS

    spec = EDITIONS[edition]
    out: dict[str, str] = {}
    if spec.script == "Hant":
        chars = converter("s2tw" if spec.region == "TW" else "s2hk").convert
        pinned = {chars(k) for k, v in terms.items() if v == chars(k)}
        if spec.region == "TW":
            to_tw = converter("t2tw").convert
            for k, v in extra_dictionary("s2twp").items():
                word, value = to_tw(k), to_tw(v)
                if value != word and word not in pinned:
                    out[word] = value
        for k, v in terms.items():
            word = chars(k)
            if v != word and _han(k):
                out[word] = v
    else:
        simple = converter("t2s").convert
        for k, v in extra_dictionary("tw2sp").items():
            word, value = simple(k), simple(v)
            if value != word and word in TAIWAN_ONLY:
                out[word] = value
        for k, v in taiwan.items():
            word = simple(v)
            if word != k and word not in SHARED and word != simple(k) and _han(k):
                out[word] = k
    return {w: v for w, v in out.items() if len(w) > 1}


def _han(key: str) -> bool:
    """A table key that is a Chinese word (not a Latin name such as BMW)."""
    return any("\u4e00" <= c <= "\u9fff" for c in key)
