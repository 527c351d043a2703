"""The editions, in one declarative table that every stage reads (issue 18, item 5).

Each row says what an edition is: its language tag, script and region, the OpenCC config
that makes it from each kind of source, the CJK font region of its type (Noto CJK and
Source Han name them SC, TC and HK) with the CSS font stack, the locale Word and citeproc
know it by, its reference DOCX and the words fixed around its text (labels).

This module imports nothing from the rest of the package, so ``config`` and the build's
checks can read it without pulling in the converter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any


@dataclass(frozen=True)
class Spec:
    code: str  # BCP 47: zh-Hans, zh-Hant-TW, zh-Hant-HK
    script: str  # Hans or Hant
    region: str  # CN, TW or HK: whose vocabulary the edition writes
    # (source script, source region) -> OpenCC config; None: the text passes as it is
    opencc: Mapping[tuple[str, str], str | None]
    fonts: str  # the CJK fonts' region: SC, TC or HK
    font_stack: str  # CSS font-family for sans text (covers, pages without the stylesheet)
    locale: str  # Word's w:lang and the CSL locale (citeproc knows zh-CN and zh-TW)
    labels: Mapping[str, str] = field(default_factory=dict)

    @property
    def reference_docx(self) -> str:
        return f"reference-{self.fonts}.docx"


def _frozen(d: dict[Any, Any]) -> Mapping[Any, Any]:
    return MappingProxyType(d)


# The words of both Traditional editions; each adds its own name (labels= below).
_HANT = {
    "contents": "目錄",
    "references": "參考文獻",
    "table": "表",
    "page": "頁",
    "download": "下載",
    "phrases": "用詞審校表",
    "back": "返回引用處",
    "original": "原文",
    "count": "次數",
    "line": "行",
    "glossary": "詞彙表",
    "sentence": "例句",
    "entry": "詞彙表條目",
    "variants": "字形改動",
    "unchanged": "未改動的地區用詞",
    "suggest": "建議",
    # the download page (build/site.py)
    "site_heading": "報告下載",
    "site_intro": "選擇格式下載，或直接在瀏覽器中閱讀網頁版。",
    "author": "作者",
    "date": "日期",
    "pages_n": "{} 頁",
    "cover": "封面",
    "site_truncated": "注意：原稿在中途中斷，部分內容缺失。",
    "format_pdf": "PDF",
    "format_pdf_note": "適合列印和閱讀",
    "format_epub": "EPUB",
    "format_epub_note": "電子書閱讀器",
    "format_docx": "Word",
    "format_docx_note": "可編輯的文件",
    "format_html": "網頁",
    "format_html_note": "在瀏覽器中閱讀",
    # the EPUB's accessibility summary, sentence by sentence (writers/epub.py)
    "a11y_base": "本書為可重排的文字電子書，閱讀順序與原文一致；目錄列出全部各級標題，"
    "標題層級提供結構導航。",
    "a11y_tables": "表格帶有標題和表頭。",
    "a11y_math": "數學公式以 MathML 標記，並以 TeX 原文作為替代文本。",
    "a11y_images": "圖片均附有文字說明。",
    "a11y_images-partial": "部分圖片缺少文字說明。",
    "a11y_refs": "引用標註連結到參考文獻條目，條目可連結回正文中的首次引用。",
    "a11y_none": "不含閃爍、聲音或動畫等可能引發不適的內容。",
    "a11y_unknown": "含有 GIF 動畫圖片，未評估閃爍風險。",
}


TABLE: tuple[Spec, ...] = (
    Spec(
        code="zh-Hans",
        script="Hans",
        region="CN",
        # A Simplified source is first normalised to Simplified (stray Traditional
        # characters; valid Simplified ones such as 昇 stay: convert.SIMPLIFIED_TOO).
        opencc=_frozen({("Hans", ""): "t2s", ("Hant", "TW"): "tw2sp", ("Hant", "HK"): "hk2s"}),
        fonts="SC",
        font_stack="'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', "
        "'Microsoft YaHei', sans-serif",
        locale="zh-CN",
        labels=_frozen(
            {
                "contents": "目录",
                "references": "参考文献",
                "table": "表",
                "edition": "简体中文版",
                "page": "页",
                "download": "下载",
                "phrases": "用词审校表",
                "back": "返回引用处",
                "original": "原文",
                "count": "次数",
                "line": "行",
                "glossary": "词汇表",
                "sentence": "例句",
                "entry": "词汇表条目",
                "variants": "字形改动",
                "unchanged": "未改动的地区用词",
                "suggest": "建议",
                # the download page (build/site.py)
                "language": "简体中文",
                "site_heading": "报告下载",
                "site_intro": "选择格式下载，或直接在浏览器中阅读网页版。",
                "author": "作者",
                "date": "日期",
                "pages_n": "{} 页",
                "cover": "封面",
                "site_missing": "本报告暂无简体中文版，可选：",
                "site_truncated": "注意：原稿在中途中断，部分内容缺失。",
                "format_pdf": "PDF",
                "format_pdf_note": "适合打印和阅读",
                "format_epub": "EPUB",
                "format_epub_note": "电子书阅读器",
                "format_docx": "Word",
                "format_docx_note": "可编辑的文档",
                "format_html": "网页",
                "format_html_note": "在浏览器中阅读",
                # the EPUB's accessibility summary, sentence by sentence (writers/epub.py)
                "a11y_base": "本书为可重排的文字电子书，阅读顺序与原文一致；目录列出全部各级标题，"
                "标题层级提供结构导航。",
                "a11y_tables": "表格带有标题和表头。",
                "a11y_math": "数学公式以 MathML 标记，并以 TeX 原文作为替代文本。",
                "a11y_images": "图片均附有文字说明。",
                "a11y_images-partial": "部分图片缺少文字说明。",
                "a11y_refs": "引用标注链接到参考文献条目，条目可链接回正文中的首次引用。",
                "a11y_none": "不含闪烁、声音或动画等可能引发不适的内容。",
                "a11y_unknown": "含有 GIF 动画图片，未评估闪烁风险。",
            }
        ),
    ),
    Spec(
        code="zh-Hant-TW",
        script="Hant",
        region="TW",
        opencc=_frozen({("Hans", ""): "s2twp", ("Hant", "TW"): None, ("Hant", "HK"): "t2tw"}),
        fonts="TC",
        font_stack="'Noto Sans CJK TC', 'Source Han Sans TC', 'PingFang TC', "
        "'Microsoft JhengHei', sans-serif",
        locale="zh-TW",
        labels=_frozen(
            {
                **_HANT,
                "edition": "繁體中文（臺灣）版",
                "language": "繁體中文（臺灣）",
                "site_missing": "本報告暫無臺灣繁體中文版，可選：",
            }
        ),
    ),
    Spec(
        code="zh-Hant-HK",
        script="Hant",
        region="HK",
        # A Taiwan text's variants (裡, 著) to OpenCC's standard forms first: t2hk reads
        # those alone (這裡, 活著 stayed in the Hong Kong edition; 這裏, 活着).
        opencc=_frozen(
            {("Hans", ""): "s2hk", ("Hant", "TW"): "tw2t+t2hk", ("Hant", "HK"): None}
        ),
        fonts="HK",
        font_stack="'Noto Sans CJK HK', 'Source Han Sans HC', 'PingFang HK', "
        "'Microsoft JhengHei', sans-serif",
        locale="zh-HK",
        labels=_frozen(
            {
                **_HANT,
                "edition": "繁體中文（香港）版",
                "language": "繁體中文（香港）",
                "site_missing": "本報告暫無香港繁體中文版，可選：",
                "format_pdf_note": "適合打印和閱讀",  # Hong Kong prints 打印 (vocabulary)
                # Hong Kong's forms 閲 and 説, and 鏈接 for a link
                "a11y_base": "本書為可重排的文字電子書，閲讀順序與原文一致；目錄列出全部各級"
                "標題，標題層級提供結構導航。",
                "a11y_images": "圖片均附有文字説明。",
                "a11y_images-partial": "部分圖片缺少文字説明。",
                "a11y_refs": "引用標註鏈接到參考文獻條目，條目可鏈接回正文中的首次引用。",
            }
        ),
    ),
)

EDITIONS: Mapping[str, Spec] = MappingProxyType({s.code: s for s in TABLE})
CODES: tuple[str, ...] = tuple(EDITIONS)
# The source kinds an OpenCC config is known for: (script, region of a Traditional source).
SOURCES: tuple[tuple[str, str], ...] = (("Hans", ""), ("Hant", "TW"), ("Hant", "HK"))


def spec(code: str) -> Spec:
    return EDITIONS[code]
