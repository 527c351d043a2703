"""The words of an assistant's talk around a report: the vocabulary ``chat.py`` decides with.

Patterns are written once, in Simplified Chinese and English; :func:`zh` widens every
Simplified character that has a Traditional form to both (为 → [为為]), so the same rule
reads Simplified, Taiwan and Hong Kong sources. Each pattern is tested against one
sentence with its Markdown marks taken off (``chat.plain``).

What each list means, and how ``chat.py`` combines them:

- ``ACK``: an acknowledgement that starts the text ("收到！", "好问题"): an opener alone;
  ``ACK_WEAK`` ("好的，", "Sure,") only when the sentence says no more or goes on to the
  user or the answer ("好的，我将…"; "好的设计应当…" is content).
- ``IDENTITY``: the assistant naming itself ("您好，这是必应", "作为一个AI语言模型").
- ``REQUEST``: the user's request named ("根据您提供的", "as you asked").
- ``PRESENT``: "以下是/Here is" presenting something; an opener only with ``USER`` or a
  deliverable ("一份…报告"); "以下是本文的主要结论" is the report speaking.
- ``SELF``: the assistant saying what it does ("我将", "I'll"); an opener only with ``USER``
  or ``WRITING`` (a writing verb with a deliverable: "撰写…报告").
- ``REPORT_VOICE``: the report speaking of itself ("本报告", "本文"): never the assistant;
  nor is ``AUDIENCE`` (a blogger's "大家", "读者").
- ``HOPE``, ``OFFER``: sign-offs; ``OFFER`` needs the assistant or a call to talk back
  ("告诉我", "随时问我"), so "如需进一步了解，请参阅附录" is content.
- ``THINK_TAG``, ``THINK_MARK``, ``THINK_VOICE``: reasoning blocks and the labels chat apps
  print over them ("已深度思考（用时 12 秒）", "Thought for 8 seconds").
- ``LABEL``: a chat app's speaker labels and status lines ("ChatGPT said:").
- ``UI_NOTE``: a chat app's fine print ("内容由 AI 生成，请仔细甄别").
"""

from __future__ import annotations

import re

# Simplified → Traditional, for the characters these patterns use.
_PAIRS = (
    "为為这這将將会會帮幫报報写寫总總结結问問题題对對欢歡随隨时時继繼续續进進没沒当當给給"
    "让讓说說网網页頁显顯隐隱编編译譯润潤内內档檔单單计計划劃绍紹请請诉訴联聯细細补補制製"
    "么麼吗嗎关關样樣还還满滿们們过過个個资資阅閱读讀览覽经經开開来來节節图圖据據处處现現"
    "应應该該觉覺认認识識实實与與种種选選择擇块塊论論讨討确確换換转轉简簡体體尽盡试試检檢"
    "验驗务務愿願乐樂钟鐘寻尋参參证證里裡后後于於面麵边邊层層终終词詞须須专專业業习習从從"
    "运運动動备備复復释釋么麼吧吧"
)
_TRAD = {_PAIRS[i]: _PAIRS[i + 1] for i in range(0, len(_PAIRS), 2) if _PAIRS[i] != _PAIRS[i + 1]}
_TRAD["你"] = "妳"
_TRAD["面"] = "面"  # 面 is the same in both when it means "side"; 麵 is noodles
_TRAD["里"] = "裡裏"


def zh(pattern: str) -> str:
    """``pattern`` with each Simplified character widened to its Traditional forms too."""
    out, in_class, escaped = [], False, False
    for ch in pattern:
        extra = _TRAD.get(ch, "") if not escaped else ""
        if escaped:
            escaped = False
            out.append(ch)
            continue
        if ch == "\\":
            escaped = True
            out.append(ch)
        elif ch == "[" and not in_class:
            in_class = True
            out.append(ch)
        elif ch == "]" and in_class:
            in_class = False
            out.append(ch)
        elif extra and extra != ch:
            out.append(ch + extra if in_class else f"[{ch}{extra}]")
        else:
            out.append(ch)
    return "".join(out)


def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(zh(pattern), re.IGNORECASE)


_YOU = r"(?:您|你(?!们)|妳)"
# The things an assistant hands over.
_DELIVERABLE = (
    r"(?:报告|文档|文件|回答|答复|答案|回复|正文|全文|初稿|草稿|版本|方案|总结|摘要|翻译|译文|"
    r"清单|计划|大纲|提纲|指南|攻略|教程|介绍|概述|梳理|解读|分析|内容|文章|表格|"
    r"report|summary|overview|answer|response|draft|breakdown|guide|outline|table|plan|list)"
)

# Acknowledgements that need nothing more ("好问题！", "收到！") ...
ACK = _re(
    r"^(?:(?:没问题|当然可以|收到|明白了|了解了|非常乐意|很乐意|乐意之至)(?!\w)|"
    r"(?:这是一个|这是个|真是个?|非常|很)?(?:很|非常)?好(?:的)?问题|"
    r"great question|good question|happy to help|"
    r"i'?d be (?:happy|glad) to)"
)
# ... and those that start a report's sentence too ("好的设计…", "当然，这种方法…"): chat only
# when the sentence is nothing more, or goes on to speak to the user or of the answer.
ACK_WEAK = _re(
    r"^(?:好的|好嘞|好呀|好啊|好|行|明白|了解|当然|sure|certainly|of course|absolutely|okay|ok|"
    r"alright|got it)(?!\w)"
)
IDENTITY = _re(
    rf"(?:^{_YOU}好[，,！!]?\s*(?:这是|我是)|^我是\s*(?:ChatGPT|Kimi|DeepSeek|Claude|Gemini|Grok|"
    r"Copilot|必应|Bing|通义|文心|豆包|智谱|元宝|腾讯元宝|Perplexity|Poe|AI|人工智能)|"
    r"作为(?:一个|一名)?\s*(?:AI|人工智能)(?:语言模型|助手|模型)|"
    r"as an ai(?: language model| assistant)?\b|^this is (?:bing|copilot|chatgpt)\b)"
)
REQUEST = _re(
    rf"(?:(?:根据|按照|依照|针对|基于|结合){_YOU}(?:的|提供|上传|给出|所|提出|发来|分享)|"
    rf"{_YOU}(?:提供|上传|给出|提出|发来|分享|要求|需要|关心|问|询问|提到)的|"
    rf"(?:满足|回应){_YOU}的|{_YOU}的(?:要求|需求|问题|请求|提问)|"
    r"as (?:you )?requested|you (?:asked|provided|requested|shared|uploaded|mentioned)|"
    r"your (?:request|question|prompt|files?|documents?)\b)"
)
PRESENT = _re(
    r"^(?:以下|下面|下文|如下|这|这里)(?:是|为|就是|便是|我)|"
    r"^(?:here(?:'s| is| are)|below (?:is|are)|the following (?:is|are))\b"
)
# "这是…" presents the text itself ("这是一篇读书笔记"): an opener only when it is for the user.
PRESENT_THIS = _re(r"^这(?:里)?(?:是|就是|便是)")
INDEFINITE = _re(
    rf"(?:一份|一篇|一个(?:完整|详细|全面|系统|简要|简洁|清晰)|[这该]份){_DELIVERABLE}?|"
    rf"(?:为|给|帮){_YOU}|供{_YOU}|^(?:here|below)\b"
)
SELF = _re(
    r"(?:^|[，,。；;：:]\s*|接下来|下面|现在|首先)(?:我|让我|我们来|我来|我这就)"
    r"(?:将|会|已|已经|来|先|这就|马上|可以|为|给|帮|现在|接下来|就|再|会先|将会|准备|开始)|"
    r"^让我|\bI(?:'ll| will|'ve| have|'m going to| am going to|'d)\b|\blet me\b"
)
WRITING = _re(
    r"(?:撰写|整理|生成|编写|起草|写|输出|提供|翻译|润色|改写|总结|梳理|汇总|制作|列出|准备|"
    rf"完成|呈现|展开|开始)[^。！？!?]{{0,40}}?{_DELIVERABLE}|"
    rf"(?:为|给|帮|替){_YOU}|\b(?:write|prepare|put together|draft|create|compile|provide|"
    r"summarize|outline|walk you|break down)\b"
)
USER = _re(rf"{_YOU}|\byou\b|\byour\b")
REPORT_VOICE = _re(
    r"(?:本报告|本文|本篇文章|本篇报告|本研究|本章|本节|本书|本手册|本指南|笔者|本教程|本项目|"
    r"本白皮书|本调研|我们的研究|this (?:report|paper|article|study|chapter|guide)\b)"
)
# A blogger's audience: an author talking to readers, not an assistant to its user.
AUDIENCE = _re(r"大家|各位|读者|朋友们|小伙伴|同学们|粉丝|everyone\b|folks\b|readers\b")
# The structure of a deliverable, said in a preamble ("报告的主要内容如下：").
STRUCTURE = _re(
    r"(?:主要内容|内容如下|结构如下|框架如下|大纲|提纲|目录|章节|包括以下|分为以下|以下几个部分|"
    r"以下(?:几|[一二三四五六七八九十\d]+)个(?:方面|部分)|如下：|如下:|"
    r"outline|structure|sections|covers? the following)"
)
HOPE = _re(
    rf"(?:希望|但愿|愿)[^。！？!?]{{0,40}}?(?:对{_YOU}|帮(?:到|上|助到)?{_YOU}|{_YOU}(?:有所|有)?"
    rf"(?:帮助|用|启发|收获)|有所帮助|有帮助|能帮上忙|有用[！!。~～]*$|满足{_YOU}|解答{_YOU}|{_YOU}满意)|"
    rf"^祝{_YOU}|^(?:hope (?:this|that|it) helps|i hope (?:this|that|it|these|you)\b)|"
    r"^(?:happy (?:coding|learning|writing|researching)|good luck|cheers)\b"
)
_ME_AGAIN = r"我(?:还|也)?(?:可以|能|来|再|会|帮|为|给|继续|随时)"
_TALK_BACK = (
    r"(?:请|随时|直接|就|只需|只要|可以|欢迎|麻烦|都可以|也可以)?(?:告诉|问|联系|找)我(?!们)"
)
OFFER = _re(
    rf"{_YOU}(?:希望|想|想要|需要|更想|更希望|更关心|更倾向于?)我|"
    rf"(?:需要|要不要|是否需要|需不需要|想不想|想要|要)我(?:帮|为|给|替|继续|再|进一步|详细|"
    rf"展开|补充|把|做|生成|整理|写|制作|提供|画|设计|深入|细化|列|出|整合|翻译|改)|"
    rf"(?:如果|若|倘若|假如|要是){_YOU}?(?:还)?(?:想|需要|愿意|希望|有(?:任何|其他|更多|别的)?|对)"
    rf"[^。！？!?]{{0,60}}?(?:{_ME_AGAIN}|(?:^|[，,：:；;]\s*){_TALK_BACK}|随时|欢迎|提问|追问)|"
    rf"(?:如需|如有需要|需要的话|有需要的话)[，,]?\s*(?:我|请?(?:告诉|联系|随时))|"
    rf"(?:随时|欢迎(?:随时|继续)?)(?:告诉|问|联系|找|提问|追问|向)我?|"
    rf"(?:^|[，,：:；;]\s*){_TALK_BACK}|"
    rf"我(?:还|也)?可以[^。！？!?]{{0,6}}?(?:继续|进一步|再|帮|为|给|把|提供|补充|展开|细化|生成|"
    rf"制作|整理|写|画|深入|针对|根据|结合|按)|(?:哪|哪个|哪一|哪些)[^。！？!?]{{0,20}}?(?:{_YOU}|我)"
    rf"[^。！？!?]{{0,20}}[？?]$|"
    r"\blet me know\b|\bfeel free\b|\bif you(?:'d| would)? (?:like|want|need|prefer)\b|"
    r"\bwould you like\b|\bdo you want (?:me|to)\b|\bshall i\b|\bshould i\b|"
    r"\bi can (?:also )?(?:help|provide|expand|create|write|go|dig|elaborate|add|turn|make)\b|"
    r"\bjust (?:let me know|tell me|ask)\b|\bdon'?t hesitate\b"
)
# A chat app's own fine print under an answer.
UI_NOTE = _re(
    r"^(?:(?:本回答|以上内容|内容)由\s*AI\s*生成|AI\s*生成的内容|(?:ChatGPT|Claude|Gemini|Grok|"
    r"Copilot|DeepSeek|Kimi)\s*(?:can make mistakes|may display inaccurate|"
    r"可能会(?:犯错|出错|显示))|"
    r"Gemini 可能会显示不准确的信息|check important info|请(?:仔细甄别|核查重要信息))"
)

# A reasoning block between tags (DeepSeek-R1, Qwen, Open WebUI, 知乎直答).
THINK_TAG = re.compile(
    r"^\s{0,3}<(think|thinking|thought|thoughts|reasoning|reason|zhithink|seed:think|antthinking)"
    r"(?:\s[^>]*)?>",
    re.IGNORECASE,
)
# The label a chat app prints over its reasoning, a paragraph on its own.
THINK_MARK = _re(
    r"^(?:thinking(?:\s*process)?\s*(?:\.\.\.|…)?:?|thought process:?|thoughts:?|"
    r"reasoning\s*(?:\.\.\.|…)?|show (?:thinking|thoughts|reasoning)|hide (?:thinking|thoughts)|"
    r"thought for (?:a (?:few|couple of) seconds|"
    r"\d[\dms\s]*(?:seconds?|secs?|minutes?|mins?|s|m)?)|"
    r"reasoned(?: about .{1,80})? for \d[\dms\s]*(?:seconds?|minutes?|s|m)?|"
    r"(?:深度)?思考中\s*(?:\.\.\.|…+)?|正在(?:深度)?思考\s*(?:\.\.\.|…+)?|已完成(?:深度)?思考|"
    r"已(?:深度)?思考\s*[（(]?\s*(?:用时|耗时)?\s*\d+(?:\.\d+)?\s*(?:秒|s|分钟?\s*\d*\s*秒?)\s*[)）]?|"
    r"(?:深度)?思考了\s*\d+(?:\.\d+)?\s*(?:秒|s|分钟?\s*\d*\s*秒?)|思考用时\s*\d+\s*秒|"
    r"(?:显示|隐藏|展开|收起)(?:思路|思考过程|推理过程)|"
    r"已(?:搜索|阅读|浏览)(?:到)?\s*\d+\s*(?:个|篇)?\s*(?:网页|资料|来源|结果)|"
    r"(?:找到|搜索到)了?\s*\d+\s*(?:个|篇)\s*(?:网页|资料|来源|结果)|"
    r"searched (?:the web|\d+ (?:sites|sources|web pages))|\d+ (?:web pages|sources))$"
)
# How reasoning talks: of the user in the third person, or planning aloud.
THINK_VOICE = _re(
    r"^(?:嗯[，,。…]|唔[，,]|好的?[，,]\s*用户|用户(?:问|想|要|希望|需要|让我|提到|的问题|可能|是)|"
    r"首先[，,]?\s*我(?:需要|要|得|应该)|我(?:需要|得|应该)(?:先|仔细|确认|回顾|考虑|理解|整理)|"
    r"(?:okay|ok|alright|hmm)[,.]?\s+(?:so\b|the user|let me|i need)|the user (?:is asking|wants|"
    r"asked|has asked|needs)|let me (?:think|start|figure|recall|check)|i need to (?:figure|think|"
    r"make sure|check)|i'm (?:now |currently )?(?:focused|focusing|considering|thinking|analyzing))"
)
# Reasoning with no label over it: only when it speaks of the user or hums ("嗯，用户问的是…").
THINK_START = _re(
    r"^(?:嗯[，,。…]|唔[，,]|好的?[，,]\s*用户|用户(?:问|想|要|希望|需要|让我|提到|的问题)|"
    r"hmm\b|(?:okay|ok|alright)[,.]?\s+(?:so,? )?the user|the user (?:is asking|wants|asked|"
    r"has asked|needs))"
)
# After a reasoning label: what the rest of the reasoning says (of the user, of what to write).
THINK_HINT = _re(
    r"(?:用户|我(?:需要|应该|得|要|想|会|先|再|可以)|应该要|需要(?:提到|说明|解释|注意|确认|考虑|检查|"
    r"强调|补充|列出)|可能(?:需要|要|还)|the user|\bI(?:'ll| should| need| will| think| must)\b)"
)
# A chat app's speaker label, a paragraph on its own.
LABEL_ASSISTANT = _re(
    r"^(?:ChatGPT|Claude|Gemini|Grok|Copilot|DeepSeek|Kimi|Assistant|AI|助手|Bing|必应)\s*"
    r"(?:said|说)?\s*[:：]$"
)
LABEL_USER = _re(r"^(?:You|User|我|用户|你|您)\s*(?:said|说)?\s*[:：]$")
