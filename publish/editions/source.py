"""What the editions stage decides about a source before converting it: its script (and
region), and its domain (which vocabulary applies).

The script is the text's: a ``lang`` in the front matter that contradicts it (``zh-Hant-TW``
on a Simplified text) is a ``lang-contradicted`` warning, and the text wins; a ``lang`` that
agrees gives the region (TW or HK) of a Traditional text.

The domain is ``technical`` or ``general``. Software vocabulary (程式, 執行, 釋出, 呼叫,
支援, 視窗, 匯入 in their computing senses) applies to technical text only. It is read from
the front matter (``domain:``), else decided from the text: computing words and code
blocks per thousand Han characters. The decision is a ``domain`` info in the report.
"""

from __future__ import annotations

import re

from publish.ast import elements, meta_text, meta_value
from publish.chars import IS_HAN
from publish.document import Document
from publish.editions.glossary import DOMAINS
from publish.editions.script import detect_script, region_of

# Computing words, Simplified and Traditional; each counts once per occurrence.
COMPUTING = re.compile(
    r"代码|代碼|程式|编程|編程|软件|軟件|軟體|算法|演算法|服务器|服務器|伺服器|数据库|數據庫|"
    r"資料庫|接口|介面|框架|部署|编译|編譯|调试|調試|除錯|函数|函數|函式|变量|變量|變數|"
    r"开源|開源|源码|源碼|模型|神经网络|神經網絡|神經網路|芯片|晶片|处理器|處理器|显卡|顯卡|"
    r"内存|內存|記憶體|操作系统|操作系統|作業系統|数据集|數據集|資料集|云计算|雲計算|雲端|"
    r"容器|集群|叢集|线程|線程|執行緒|进程|進程|网络|網絡|網路|客户端|客戶端|服务端|服務端|"
    r"浏览器|瀏覽器|前端|后端|後端|数据包|數據包|封包|API|SDK|GPU|CPU|Python|Java|Linux|"
    r"Windows|Android|GitHub|Git|Docker|HTTP|TCP|UDP|JSON|SQL"
)
THRESHOLD = 5.0  # computing words per 1000 Han characters from which text is technical


def settle(doc: Document, domain: str = "") -> None:
    """Set ``doc.script``, ``doc.region`` and the domain (``doc.ast["meta"]["domain"]``).
    ``domain``: the command line's choice, which wins over the front matter."""
    lang = doc.meta.lang
    script = detect_script(doc.text)
    declared = _declared_script(lang)
    if declared and declared != script:
        doc.warn(
            "lang-contradicted",
            f"lang: {lang} in the front matter, but the text is written in "
            f"{'Traditional' if script == 'Hant' else 'Simplified'} characters; "
            "converting it as such (fix or remove the lang line)",
            lang=lang,
            script=script,
        )
    doc.script = script  # type: ignore[assignment]
    doc.region = (region_of(lang) if declared == "Hant" else "TW") if script == "Hant" else ""
    meta = doc.ast.setdefault("meta", {})
    given = meta_text(meta.get("domain")).strip().lower()
    if domain:
        chosen, how = domain, "--domain"
    elif given in DOMAINS:
        chosen, how = given, "front matter"
    else:
        if given:
            doc.warn(
                "domain-unknown",
                f"domain: {given} in the front matter is not one of {', '.join(DOMAINS)}; "
                "deciding from the text",
                domain=given,
            )
        chosen, how = decide_domain(doc), "text"
    meta["domain"] = meta_value(chosen)
    doc.info("domain", f"vocabulary for {chosen} text (from the {how})", domain=chosen, by=how)


def decide_domain(doc: Document) -> str:
    """``technical`` when computing words or code blocks are frequent enough."""
    han = len(IS_HAN.findall(doc.text))
    hits = len(COMPUTING.findall(doc.text))
    code = sum(1 for e in elements(doc.ast.get("blocks", [])) if e.get("t") == "CodeBlock")
    score = (hits + 3 * code) * 1000 / max(han, 1)
    return "technical" if score >= THRESHOLD else "general"


def _declared_script(lang: str) -> str:
    """The script a language tag names: "Hans", "Hant", or "" (none or not Chinese)."""
    tag = lang.lower().replace("_", "-")
    if not tag.startswith("zh"):
        return ""
    if tag.startswith(("zh-hant", "zh-tw", "zh-hk", "zh-mo")):
        return "Hant"
    if tag.startswith(("zh-hans", "zh-cn", "zh-sg", "zh-my")):
        return "Hans"
    return ""
