"""Chat clean-up (publish/manuscript/chat.py) against a labelled set.

Each case is a small report: paragraphs before its first heading (``lead``), a fixed body,
and paragraphs after it (``tail``). Every paragraph is made of labelled parts: what an
assistant says around a report (an opener, a sign-off or offer, reasoning) or content that
only looks like it. After ``remove_chat`` every chat part must be gone, reported with its
code, and every content part still there: precision and recall on the set are both 1.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from publish.document import Document
from publish.manuscript.chat import blocks, code_lines, remove_chat, sentences

OPENER, SIGNOFF, THINKING, CONTENT = "preamble-removed", "signoff-removed", "thinking-removed", ""
Part = tuple[str, str]  # (text, label)

BODY = "# 储能产业研究报告\n\n## 一、产业概况\n\n2024年，全球新型储能装机规模同比增长超过一倍。\n"


@dataclass
class Case:
    name: str
    lead: list[list[Part]] = field(default_factory=list)
    tail: list[list[Part]] = field(default_factory=list)
    body: str = BODY

    def text(self) -> str:
        def join(paras: list[list[Part]]) -> str:
            return "\n\n".join("".join(t for t, _ in p) for p in paras)

        parts = [join(self.lead), self.body, join(self.tail)]
        return "\n\n".join(p.strip("\n") for p in parts if p) + "\n"

    def parts(self) -> list[Part]:
        return [part for para in self.lead + self.tail for part in para]


def o(t: str) -> list[Part]:
    return [(t, OPENER)]


def s(t: str) -> list[Part]:
    return [(t, SIGNOFF)]


def k(t: str) -> list[Part]:
    return [(t, THINKING)]


def c(t: str) -> list[Part]:
    return [(t, CONTENT)]


CHAT_CASES = [
    Case(
        "opener-plain",
        lead=[o("好的，我将根据您提供的资料，为您撰写一份关于储能产业链的详细研究报告。")],
    ),
    Case("opener-present-for-you", lead=[o("以下是为您整理的《2024年半导体行业分析》报告全文：")]),
    Case("opener-of-course", lead=[o("当然可以！下面是一份关于跨境电商合规的完整指南。")]),
    Case("opener-hant-tw", lead=[o("好的，這是一份關於台灣半導體產業的深度分析報告。")]),
    Case("opener-hant-hk", lead=[o("沒問題！以下是為您整理的香港零售市場調研報告：")]),
    Case("opener-english", lead=[o("Sure, here is the report you asked for.")]),
    Case(
        "opener-english-below", lead=[o("Certainly! Below is a detailed overview of the market.")]
    ),
    Case("opener-bold", lead=[o("**好的，我将为你生成一份完整的行业研究报告。**")]),
    Case("opener-emoji", lead=[o("好的😊，我来帮你整理成一份结构清晰的学习笔记。")]),
    Case("opener-bing", lead=[o("您好，这是必应。😊 我将为您查找相关资料并整理成报告。")]),
    Case("opener-ai-model", lead=[o("作为一个AI语言模型，我将根据您上传的文件进行总结。")]),
    Case("opener-understood", lead=[o("明白了，我会按照您的要求，把内容改写成正式的报告体。")]),
    Case("opener-received", lead=[o("收到！我这就开始为您起草这份政策解读。")]),
    Case("opener-kimi-named", lead=[o("好的，Kimi 已为您完成搜索，以下是整理后的内容：")]),
    Case(
        "opener-english-ill", lead=[o("Okay! I'll put together a concise summary of the findings.")]
    ),
    Case("opener-english-heres", lead=[o("Here's a comprehensive breakdown of the topic:")]),
    Case("opener-tw-meeting", lead=[o("好的，我會根據你提供的會議紀錄，整理出一份會議摘要。")]),
    Case("opener-tw-explain", lead=[o("當然！我來為你詳細解釋量子計算的基本原理。")]),
    Case(
        "opener-then-transition",
        lead=[
            o("好的，我将为您撰写一份关于储能产业的研究报告。"),
            o("接下来，我将开始撰写报告正文："),
            o("---"),
        ],
    ),
    Case(
        "opener-with-outline",
        lead=[
            o("好的，我将为您撰写报告，报告的主要内容如下："),
            o("- **产业概况**：装机规模与增速\n- **竞争格局**：主要厂商与份额"),
        ],
        body=BODY + "\n## 二、竞争格局\n\n宁德时代份额居首。\n",
    ),
    Case("opener-chatgpt-label", lead=[o("ChatGPT said:"), o("好的，以下是为你整理的报告：")]),
    Case(
        "opener-prefix-only",
        lead=[
            [
                ("好的。", OPENER),
                (
                    "本报告基于2020—2024年的公开统计数据，采用文献计量与案例分析相结合的方法。",
                    CONTENT,
                ),
            ]
        ],
    ),
    Case(
        "think-tag",
        lead=[k("<think>\n嗯，用户想了解储能产业。\n\n我需要先梳理产业链结构。\n</think>")],
    ),
    Case(
        "think-poe",
        lead=[
            k("*Thinking...*"),
            k("> The user wants a report on storage.\n> I should cover the market."),
        ],
    ),
    Case("think-chatgpt-seconds", lead=[k("Thought for 12 seconds")]),
    Case(
        "think-deepseek-copy",
        lead=[
            k("已深度思考（用时 23 秒）"),
            k("嗯，用户问的是光伏行业的产能问题，我需要先梳理供需。"),
            k("首先，我需要确认数据来源，用户可能更关心2024年的数字。"),
        ],
    ),
    Case(
        "think-open-webui",
        lead=[
            k(
                '<details type="reasoning" done="true" duration="8">\n'
                "<summary>Thought for 8 seconds</summary>\n"
                "> The user asks about storage.\n</details>"
            )
        ],
    ),
    Case("think-kimi", lead=[k("思考中..."), k("> 用户想要一份关于储能的报告，先列出提纲。")]),
    Case("think-quoted-label", lead=[k("> **Thoughts**\n> 用户需要一份对比表，先确认口径。")]),
    Case(
        "think-thinking-tag-en",
        lead=[
            k(
                "<thinking>\nLet me plan the sections first.\n\n"
                "I should start with size.\n</thinking>"
            )
        ],
    ),
    Case("think-zh-seconds", lead=[k("已思考 15 秒")]),
    Case("think-reasoned", lead=[k("Reasoned about EV market trends for 9 seconds")]),
    Case("think-search-status", lead=[k("已搜索到 48 个网页")]),
    Case("think-hant", lead=[k("已深度思考（用時 7 秒）")]),
    Case(
        "signoff-continue",
        tail=[s("如果你想让我继续深入任何一块（比如成本模型、政策对比），告诉我方向即可。")],
    ),
    Case(
        "signoff-hope-and-ask", tail=[s("希望这份报告对您有所帮助！如需进一步分析，请随时告诉我。")]
    ),
    Case("signoff-offer-question", tail=[s("需要我把以上内容整理成表格或PPT大纲吗？")]),
    Case(
        "signoff-offer-options",
        tail=[
            s("如果你需要，我可以："),
            s("- 制作一份对比表格\n- 补充最新的政策文件\n- 翻译成英文版本"),
        ],
    ),
    Case("signoff-hant", tail=[s("希望這些資訊對你有幫助！如有其他問題，歡迎隨時提問。")]),
    Case(
        "signoff-english-let-me-know",
        tail=[s("Let me know if you'd like me to expand any section.")],
    ),
    Case(
        "signoff-english-hope",
        tail=[s("I hope this helps! Feel free to ask if you have any questions.")],
    ),
    Case(
        "signoff-english-would-you", tail=[s("Would you like me to turn this into a slide deck?")]
    ),
    Case("signoff-bold-emoji", tail=[s("**需要我继续为你补充各省市的具体数据吗？** 😊")]),
    Case("signoff-after-rule", tail=[s("---"), s("希望以上内容对你有所帮助😊")]),
    Case("signoff-that-is-all", tail=[s("以上就是关于半导体供应链的全部分析，希望能帮到你！")]),
    Case("signoff-good-luck", tail=[s("祝你研究顺利！如果还有什么需要，随时找我。")]),
    Case("signoff-interest", tail=[s("如果您对某个部分特别感兴趣，我可以进一步展开说明。")]),
    Case("signoff-choose", tail=[s("你更关心技术路线还是商业模式？我可以据此再细化。")]),
    Case("signoff-ui-note", tail=[s("ChatGPT can make mistakes. Check important info.")]),
    Case(
        "signoff-suffix-only",
        tail=[
            [
                ("综上所述，储能行业将在未来五年保持高速增长。", CONTENT),
                ("希望这份分析对你有帮助！", SIGNOFF),
            ]
        ],
    ),
    Case(
        "signoff-before-notes",
        tail=[s("希望对你有帮助！"), c("[^1]: 国家统计局，《2024年统计公报》。")],
        body=BODY.replace("一倍。", "一倍[^1]。"),
    ),
]

CONTENT_CASES = [
    Case(
        "method-after-opener",
        lead=[
            o("好的，我将为您撰写这份报告。"),
            c(
                "**研究方法说明**：本研究采用文献计量与专家访谈相结合的方法，样本覆盖2019—2024年的412篇论文。"
            ),
        ],
    ),
    Case(
        "conclusions-listed",
        lead=[
            c("以下是本文的主要结论："),
            c("1. 储能成本三年下降四成。\n2. 政策驱动转向市场驱动。"),
        ],
    ),
    Case(
        "report-voice",
        lead=[c("本报告将从市场规模、竞争格局和政策环境三个方面，分析储能产业的现状。")],
    ),
    Case("blog-helps-you", lead=[c("本文将帮助你快速理解 Docker 的核心概念。")]),
    Case(
        "summary-para",
        tail=[c("总结：总体来看，新能源汽车渗透率将在2025年突破50%，但盈利压力依然存在。")],
    ),
    Case("see-appendix", tail=[c("如需进一步了解各省补贴细则，请参阅附录B。")]),
    Case(
        "quoted-dialogue",
        tail=[
            c(
                "> 客户问：“需要我们提供哪些材料吗？”\n"
                "> 客服答：“请准备身份证，如有疑问可随时联系我们。希望对你有帮助！”"
            )
        ],
    ),
    Case(
        "faq",
        tail=[
            c("## 常见问题"),
            c("**问：需要我本人到场办理吗？**"),
            c("答：需要本人携带身份证到场办理，委托他人须出具授权书。"),
        ],
    ),
    Case(
        "faq-english",
        tail=[
            c("**Q: Do I need to register before I can use the API?**"),
            c("A: Yes, an API key is required."),
        ],
    ),
    Case(
        "hope-author",
        tail=[c("作者希望在疫情这个“黑天鹅”事件之下，能让青少年更加敬畏自然、珍惜生命。")],
    ),
    Case("hope-policy", tail=[c("我们希望这项政策能够切实减轻中小企业的负担。")]),
    Case("hope-report-voice", tail=[c("希望本报告能为政策制定者和行业从业者提供有价值的参考。")]),
    Case(
        "hope-project", tail=[c("希望工程自1989年实施以来，已帮助超过600万名家庭经济困难的学生。")]
    ),
    Case(
        "if-you-want-command",
        tail=[c("如果您想撤销上一次提交，可以使用 git reset --soft HEAD~1 命令。")],
    ),
    Case("of-course-limits", lead=[c("当然，这种方法也存在局限：样本量较小，且未考虑区域差异。")]),
    Case("good-design", lead=[c("好的设计应当让用户在三次点击之内完成任务。")]),
    Case(
        "quarterly-table",
        lead=[
            c("以下是2024年各季度的出货量数据（单位：万台）："),
            c("| 季度 | 出货量 |\n|---|---|\n| Q1 | 12 |"),
        ],
    ),
    Case(
        "example-code",
        lead=[c("下面是一个最小可运行的示例："), c("```python\nprint('hello')\n```")],
    ),
    Case(
        "blog-i-will",
        lead=[c("我将在本文中记录自己学习 Rust 的过程，内容包括所有权、借用和生命周期。")],
    ),
    Case("blog-greeting", lead=[c("大家好，我是小王，今天给大家分享一下我的装机经验。")]),
    Case("blog-question", lead=[c("你是否也曾在深夜被一个诡异的 Bug 困扰？")]),
    Case("lets-review", lead=[c("让我们先回顾一下 TCP 的三次握手过程。")]),
    Case("appendix-note", tail=[c("附录：调查问卷全文见下文。")]),
    Case("ask-lawyer", tail=[c("如有疑问，请咨询当地劳动仲裁委员会或专业律师。")]),
    Case("blog-comments", tail=[c("欢迎在评论区留言交流你的看法。")]),
    Case("ai-disclosure", tail=[c("*本报告由AI辅助生成，所有数据均来自公开可验证来源。*")]),
    Case(
        "conclusion-film",
        tail=[c("总之，《哪吒2》的成功不仅是动画工业化的里程碑，也是迈向全球化的关键一步。")],
    ),
    Case(
        "caveat",
        tail=[c("需要注意的是，上述预测基于2024年第三季度的数据，后续可能需要根据政策变化调整。")],
    ),
    Case("advice-you", tail=[c("你可以根据自己的风险偏好选择合适的基金组合。")]),
    Case(
        "thanks-funding",
        tail=[c("最后，感谢国家自然科学基金（项目编号：72074001）对本研究的资助。")],
    ),
    Case(
        "english-here-we",
        lead=[c("Here, we define latency as the time between request and first byte.")],
    ),
    Case("we-will-analyse", lead=[c("接下来，我们将分析主要厂商的市场份额。")]),
    Case(
        "findings-list-at-end",
        tail=[c("以下是本研究的三个主要发现："), c("- 成本下降\n- 需求上升\n- 政策收紧")],
    ),
    Case("quoted-teller", lead=[c("> “好的，我马上为您办理。”柜员说道。")]),
    Case("understand-this", lead=[c("明白这一点，对理解后文的模型至关重要。")]),
    Case("on-receipt", tail=[c("收到货后，请在七天内确认，逾期视为自动确认。")]),
    Case(
        "hant-report-voice",
        lead=[c("本報告將從政策、市場與技術三個面向，探討台灣綠能產業的發展。")],
    ),
    Case("hant-see-appendix", tail=[c("如需進一步了解申請流程，請參閱附錄二。")]),
    Case(
        "if-interested-read",
        tail=[c("如果你对分布式系统感兴趣，推荐阅读《数据密集型应用系统设计》。")],
    ),
    Case("bold-summary", tail=[c("**总结**：三种方案各有取舍，对于中小团队，我们推荐方案B。")]),
    Case("exercise", tail=[c("思考题：为什么 TCP 需要三次握手而不是两次？")]),
    Case("dialogue-at-end", tail=[c("她轻声问：“需要我帮你把行李搬上去吗？”")]),
    Case("dialogue-hmm", lead=[c("“嗯，这个方案可行。”张总在会上说。")]),
    Case("chat-in-code", lead=[c("```text\n好的，我将为您撰写报告。\n```")]),
    Case(
        "chat-in-long-fence",
        tail=[c("````markdown\n```\n好的，我将为您生成报告。\n```\n\n希望这对你有帮助！\n````")],
    ),
    Case("thinking-in-code", lead=[c("```html\n<think>\n用户想要报告\n</think>\n```")]),
    Case("user-in-report", lead=[c("用户调研显示，超过六成的受访者愿意为储能设备支付溢价。")]),
]


def _run(case: Case) -> tuple[Document, list[str]]:
    doc = Document(source=Path("t.md"), stem="t", text=case.text())
    remove_chat(doc)
    wrong = []
    for text, label in case.parts():
        lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
        kept = all(ln in doc.text for ln in lines)
        if label == CONTENT and not kept:
            wrong.append(f"{case.name}: content removed: {text!r}")
        if label != CONTENT:
            gone = not any(ln in doc.text for ln in lines if len(ln) > 3)
            reported = [
                d.code
                for d, r in zip(_removals(doc), doc.removed, strict=True)
                if lines[0] in r["text"]
            ]
            if not gone:
                wrong.append(f"{case.name}: chat kept: {text!r}")
            elif reported != [label]:
                wrong.append(f"{case.name}: {text!r} reported as {reported}, not {label}")
    return doc, wrong


def _removals(doc: Document) -> list:
    return [d for d in doc.diagnostics if d.code.endswith("-removed")]


def test_labelled_set_precision_and_recall():
    chat = [p for case in CHAT_CASES + CONTENT_CASES for p in case.parts() if p[1] != CONTENT]
    content = [p for case in CHAT_CASES + CONTENT_CASES for p in case.parts() if p[1] == CONTENT]
    assert len(chat) >= 40 and len(content) >= 40
    wrong = [w for case in CHAT_CASES + CONTENT_CASES for w in _run(case)[1]]
    false_neg = [w for w in wrong if "chat kept" in w or "reported as" in w]
    false_pos = [w for w in wrong if "content removed" in w]
    recall = 1 - len(false_neg) / len(chat)
    precision = (len(chat) - len(false_neg)) / (len(chat) - len(false_neg) + len(false_pos))
    assert (precision, recall) == (1.0, 1.0), "\n".join(wrong)


@pytest.mark.parametrize("case", CHAT_CASES + CONTENT_CASES, ids=lambda c: c.name)
def test_case(case):
    doc, wrong = _run(case)
    assert not wrong, "\n".join(wrong)
    # the body is never touched, and line numbers stay true
    assert "2024年，全球新型储能装机规模同比增长超过一倍" in doc.text
    assert doc.text.count("\n") == case.text().count("\n")


def test_each_removal_is_reported_with_its_text_and_line():
    text = (
        "<think>\n用户想要报告。\n</think>\n\n好的，以下是为您整理的报告：\n\n"
        "研究方法说明：本研究基于公开数据。\n\n# 标题\n\n正文。\n\n"
        "希望对你有帮助！需要我再补充数据吗？\n"
    )
    doc = Document(source=Path("t.md"), stem="t", text=text)
    remove_chat(doc)
    assert [(r["where"], r["line"]) for r in doc.removed] == [
        ("thinking", 1),
        ("preamble", 5),
        ("closing", 13),
    ]
    assert doc.removed[1]["text"] == "好的，以下是为您整理的报告："
    assert doc.removed[2]["text"] == "希望对你有帮助！需要我再补充数据吗？"
    found = [(d.code, d.line, d.data["text"]) for d in _removals(doc)]
    assert found == [
        ("thinking-removed", 1, "<think>\n用户想要报告。\n</think>"),
        ("preamble-removed", 5, "好的，以下是为您整理的报告："),
        ("signoff-removed", 13, "希望对你有帮助！需要我再补充数据吗？"),
    ]
    assert all(d.severity == "warning" for d in _removals(doc))
    assert "研究方法说明：本研究基于公开数据。" in doc.text
    assert doc.text.split("\n")[6] == "研究方法说明：本研究基于公开数据。"  # line 7 stays line 7


def test_outline_kept_for_the_truncation_check():
    text = (
        "好的，我将为您撰写报告。报告的主要内容如下：\n\n- **概况**：规模\n- **格局**：份额\n\n"
        "# 报告\n\n## 概况\n\n正文。\n"
    )
    doc = Document(source=Path("t.md"), stem="t", text=text)
    remove_chat(doc)
    assert doc.outline == ["概况", "格局"]
    assert "- **概况**" not in doc.text and len(doc.removed) == 1


def test_a_list_after_an_opener_that_is_not_an_outline_stays():
    text = (
        "好的，以下是为您整理的要点：\n\n- 成本三年下降四成\n- 需求持续上升\n\n# 报告\n\n正文。\n"
    )
    doc = Document(source=Path("t.md"), stem="t", text=text)
    remove_chat(doc)
    assert doc.outline == [] and "- 成本三年下降四成" in doc.text
    assert "好的，以下是" not in doc.text


def test_no_heading_only_the_leading_and_closing_chat():
    text = (
        "Sure! Here is the answer.\n\n储能成本持续下降。\n\n"
        "好的，这一段不是开场白。\n\nHope this helps!\n"
    )
    doc = Document(source=Path("t.md"), stem="t", text=text)
    remove_chat(doc)
    assert "储能成本持续下降。" in doc.text and "好的，这一段不是开场白。" in doc.text
    assert [r["where"] for r in doc.removed] == ["preamble", "closing"]


def test_sign_off_in_the_middle_stays():
    text = "# 报告\n\n希望对你有帮助！\n\n## 二\n\n正文。\n"
    doc = Document(source=Path("t.md"), stem="t", text=text)
    remove_chat(doc)
    assert doc.removed == [] and doc.text == text


def test_a_think_tag_never_closed_is_kept():
    text = "<think>\n用户想要报告。\n\n# 报告\n\n正文。\n"
    doc = Document(source=Path("t.md"), stem="t", text=text)
    remove_chat(doc)
    assert "用户想要报告。" not in [r["text"] for r in doc.removed]
    assert "# 报告" in doc.text


def test_code_lines_close_a_fence_only_with_its_own_mark():
    lines = ["````md", "```", "x", "```", "````", "after", "~~~", "```", "~~~", "end"]
    assert code_lines(lines) == [True] * 5 + [False] + [True] * 3 + [False]
    # an unclosed fence runs to the end; "```js" never closes one
    assert code_lines(["```", "a", "```js", "b"]) == [True] * 4
    # inline code at a line's start (``` with ` after it on the line) is no fence
    assert code_lines(["```a``` b", "c"]) == [False, False]


def test_blocks_keep_fenced_text_whole():
    lines = ["para", "", "````", "```", "", "text", "```", "````", "", "# h", ""]
    kinds = [(b.kind, b.lo, b.hi) for b in blocks(lines, 0)]
    assert kinds == [("para", 0, 1), ("code", 2, 8), ("heading", 9, 10)]


def test_sentences_split_at_end_marks():
    text = "好的。我将为您撰写报告！Here it is. 报告如下："
    assert [text[a:z] for a, z in sentences(text)] == [
        "好的。",
        "我将为您撰写报告！",
        "Here it is.",
        "报告如下：",
    ]


def test_front_matter_is_never_chat():
    text = "---\ntitle: 好的，我将为您撰写报告\n---\n\n以下是为您整理的报告：\n\n# 报告\n\n正文。\n"
    doc = Document(source=Path("t.md"), stem="t", text=text)
    remove_chat(doc)
    assert doc.text.startswith("---\ntitle: 好的，我将为您撰写报告\n---\n")
    assert [r["line"] for r in doc.removed] == [5]
