"""Generate the DOCX reference documents ``styles/reference-{SC,TC,HK}.docx``.

pandoc takes styles, fonts, page setup, headers and footers from a reference document and
ignores its text. These are generated from pandoc's own default (so they follow the bundled
pandoc's style names) rather than edited by hand in Word: run ``make reference-docx`` after
changing this script or upgrading pandoc, and commit the result.

What is set, per region (SC = zh-Hans, TC = zh-Hant-TW, HK = zh-Hant-HK):
  East Asian fonts reviewers have on Windows and macOS with Office (宋体/微软雅黑,
  新細明體/微軟正黑體), Latin fonts, 五号 (10.5 pt) body with a two-character first-line
  indent, Heading 1-3 and title in the sans face, a caption style, a three-line table
  style, A4 with the PDF edition's margins, a page number in the footer and the edition's
  East Asian language. No style is italic: CJK fonts have no italics, only slanted fakes.
"""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pypandoc
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
STYLES = ROOT / "publish" / "styles"

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
PKG_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
W = f"{{{W_NS}}}"
R = f"{{{R_NS}}}"
A = f"{{{A_NS}}}"
FOOTER_TYPE = f"{R_NS}/footer"
FOOTER_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"
FOOTER_ID = "rIdPublishFooter1"

LATIN_SERIF = "Times New Roman"
LATIN_SANS = "Arial"


@dataclass(frozen=True)
class Font:
    name: str  # the name Word looks up (English, as Office writes it)
    alt: str  # altName: the localised name of the same face, then the Noto fallback
    charset: str  # Windows charset: 86 GB2312, 88 Big5; what Word substitutes by
    family: str
    panose: str
    pitch: str = "variable"


@dataclass(frozen=True)
class Region:
    lang: str  # Word's East Asian language tag for the edition
    body: Font
    heading: Font
    script: str  # the theme's script key (Hans/Hant)


SIMSUN = Font("SimSun", "宋体,Noto Serif CJK SC", "86", "auto", "02010600030101010101")
YAHEI = Font("Microsoft YaHei", "微软雅黑,Noto Sans CJK SC", "86", "swiss", "020B0503020204020204")


PMINGLIU = Font("PMingLiU", "新細明體,Noto Serif CJK TC", "88", "roman", "02020500000000000000")
# Hong Kong: the Ming face with the HKSCS characters (粵 place names, 㗎 嘅 喺 …) and the
# Hong Kong glyph forms, which PMingLiU lacks; Windows ships it with the Chinese
# (Traditional) supplemental fonts, Office for Mac with its own copy. Its Latin is
# fixed-pitch, as in MingLiU, whose PANOSE it shares; Latin text takes the ascii font anyway.
MINGLIU_HKSCS = Font(
    "MingLiU_HKSCS", "細明體_HKSCS,Noto Serif CJK HK", "88", "modern", "02020509000000000000",
    pitch="fixed",
)


def _jhenghei(noto: str) -> Font:
    alt = f"微軟正黑體,Noto Sans CJK {noto}"
    return Font("Microsoft JhengHei", alt, "88", "swiss", "020B0604030504040204")


REGIONS = {
    "SC": Region("zh-CN", SIMSUN, YAHEI, "Hans"),
    "TC": Region("zh-TW", PMINGLIU, _jhenghei("TC"), "Hant"),
    "HK": Region("zh-HK", MINGLIU_HKSCS, _jhenghei("HK"), "Hant"),
}

# Sizes in half-points: 五号 10.5 pt body, 小二 18 pt title (a long Chinese title fits one
# line of A4), headings as the PDF edition (styles/print.css).
BODY_SZ = 21
SIZES = {"Title": 36, "Subtitle": 28, "Heading1": 32, "Heading2": 26, "Heading3": 23}
# Spacing before/after in twentieths of a point, from the PDF's em margins.
HEADING_SPACING = {"Heading1": (512, 256), "Heading2": (338, 156), "Heading3": (253, 115)}

# A4 and the PDF edition's margins (25 mm top/bottom, 22 mm left/right), in twips.
PAGE = {"w": "11906", "h": "16838"}
MARGINS = {
    "top": "1417",
    "right": "1247",
    "bottom": "1417",
    "left": "1247",
    "header": "851",
    "footer": "851",
    "gutter": "0",
}


def w(tag: str, **attrs: str) -> etree._Element:
    e = etree.Element(W + tag)
    for k, v in attrs.items():
        e.set(W + k, v)
    return e


def child(parent: etree._Element, tag: str, **attrs: str) -> etree._Element:
    """The ``w:tag`` child of ``parent`` with ``attrs`` set (created if missing)."""
    e = parent.find(W + tag)
    if e is None:
        e = etree.SubElement(parent, W + tag)
    for k, v in attrs.items():
        e.set(W + k, v)
    return e


def _names(text: str) -> list[str]:
    return text.split()


# Element order inside w:rPr, w:pPr, w:style and w:tblPr matters to Word (the schema's
# sequence); elements are appended as needed, then sorted into this order.
RPR_ORDER = _names("""rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss
    imprint noProof snapToGrid vanish webHidden color spacing w kern position sz szCs highlight
    u effect bdr shd fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath""")
PPR_ORDER = _names("""pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr
    suppressLineNumbers pBdr shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct
    topLinePunct autoSpaceDE autoSpaceDN bidi adjustRightInd snapToGrid spacing ind
    contextualSpacing mirrorIndents suppressOverlap jc textDirection textAlignment
    textboxTightWrap outlineLvl divId cnfStyle rPr sectPrChange pPrChange""")
STYLE_ORDER = _names("""name aliases basedOn next link autoRedefine hidden uiPriority semiHidden
    unhideWhenUsed qFormat locked personal personalCompose personalReply rsid pPr rPr tblPr
    trPr tcPr tblStylePr""")
TBLPR_ORDER = _names("""tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize
    tblStyleColBandSize tblW jc tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar
    tblLook""")
STYLEPR_ORDER = ["pPr", "rPr", "tblPr", "trPr", "tcPr"]


def _sort(parent: etree._Element, order: list[str]) -> None:
    rank = {W + t: i for i, t in enumerate(order)}
    kids = sorted(parent, key=lambda e: rank.get(e.tag, len(order)))
    parent[:] = kids


def fonts(rpr: etree._Element, latin: str, east: Font) -> None:
    # Explicit names only: a *Theme attribute would win over the name in Word.
    old = rpr.find(W + "rFonts")
    if old is not None:
        rpr.remove(old)
    rpr.append(w("rFonts", ascii=latin, hAnsi=latin, eastAsia=east.name, cs=latin))


def size(rpr: etree._Element, half_points: int) -> None:
    child(rpr, "sz", val=str(half_points))
    child(rpr, "szCs", val=str(half_points))


def no_italics(rpr: etree._Element) -> None:
    for tag in ("i", "iCs"):
        for e in rpr.findall(W + tag):
            rpr.remove(e)


def bold(rpr: etree._Element) -> None:
    for tag in ("b", "bCs"):
        child(rpr, tag).attrib.pop(W + "val", None)


def black(rpr: etree._Element) -> None:
    child(rpr, "color", val="000000")
    for attr in ("themeColor", "themeShade", "themeTint"):
        rpr.find(W + "color").attrib.pop(W + attr, None)


def styles_xml(root: etree._Element, region: Region) -> None:
    defaults = root.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    fonts(defaults, LATIN_SERIF, region.body)
    size(defaults, BODY_SZ)
    # Latin text is checked as English; Chinese as the edition's variety.
    child(defaults, "lang", val="en-US", eastAsia=region.lang, bidi="ar-SA")
    _sort(defaults, RPR_ORDER)
    ppr_default = root.find(f"{W}docDefaults/{W}pPrDefault/{W}pPr")
    # Paragraphs with no style are Normal: loose list items. Spaced as body text; styles
    # that are not body text (headings, captions, footer, notes) set their own.
    child(ppr_default, "spacing", after="105", line="368", lineRule="atLeast")
    # A quarter-em gap between Han and Latin letters or digits, made by Word's layout
    # (调整中文与西文文字的间距 / 与数字的间距), never by a space in the text: copying
    # "2024年" gives the source's characters. Word's Chinese template has both on; pandoc's
    # reference document says nothing, which LibreOffice reads as off.
    child(ppr_default, "autoSpaceDE")
    child(ppr_default, "autoSpaceDN")
    _sort(ppr_default, PPR_ORDER)

    styles = {s.get(W + "styleId"): s for s in root.findall(W + "style")}

    def style(style_id: str, kind: str = "paragraph", name: str | None = None) -> etree._Element:
        s = styles.get(style_id)
        if s is None:
            s = etree.SubElement(root, W + "style")
            s.set(W + "type", kind)
            s.set(W + "styleId", style_id)
            if name is None or name.lower() != name:
                s.set(W + "customStyle", "1")
            child(s, "name", val=name or style_id)
            styles[style_id] = s
        return s

    def ppr(s: etree._Element) -> etree._Element:
        return child(s, "pPr")

    def rpr(s: etree._Element) -> etree._Element:
        return child(s, "rPr")

    # Every style: no theme fonts, no italics (CJK faces have none; Word would slant them).
    for s in root.findall(W + "style"):
        r = s.find(W + "rPr")
        if r is None:
            continue
        no_italics(r)
        f = r.find(W + "rFonts")
        if f is not None and any(k.endswith("Theme") or k.endswith("theme") for k in f.attrib):
            sans = s.get(W + "styleId", "").startswith(("Heading", "Title", "Subtitle", "TOC"))
            fonts(r, LATIN_SANS if sans else LATIN_SERIF, region.heading if sans else region.body)

    # Body text: 五号, line height at least 1.75 em, two-character first-line indent.
    body = style("BodyText")
    child(ppr(body), "spacing", before="0", after="105", line="368", lineRule="atLeast")
    child(ppr(body), "ind", firstLineChars="200", firstLine="420")
    # Table cells and tight lists: no indent, tighter lines.
    compact = style("Compact")
    child(ppr(compact), "spacing", before="36", after="36", line="315", lineRule="atLeast")
    child(ppr(compact), "ind", firstLineChars="0", firstLine="0")
    # Body text is justified, as Chinese print sets it: flush right edges, the slack
    # spread over the line (Word compresses punctuation first, characterSpacingControl).
    # FirstParagraph and BlockText inherit it; the other prose styles are based on Normal
    # and say it themselves. Not Normal itself: pandoc's SourceCode (code blocks) is based
    # on it, and code keeps its spaces. Not Compact (table cells, tight list items): a
    # short item whose address cannot break ("原始 URL：https://…", corpus 01) had its
    # first line spread to "原                始", and narrow cells spread the same way.
    for sid in ("BodyText", "FootnoteText", "Abstract", "Definition"):
        child(ppr(style(sid)), "jc", val="both")
    child(ppr(compact), "jc", val="left")
    block = style("BlockText")
    child(ppr(block), "ind", firstLineChars="0", firstLine="0", left="420", right="420")

    for sid in ("Title", "Subtitle", *(f"Heading{n}" for n in range(1, 10)), "TOCHeading"):
        s = style(sid)
        r = rpr(s)
        fonts(r, LATIN_SANS, region.heading)
        black(r)
        if sid != "Subtitle":
            bold(r)
        size(r, SIZES.get(sid, SIZES["Heading1"] if sid == "TOCHeading" else BODY_SZ))
        if sid in HEADING_SPACING:
            before, after = HEADING_SPACING[sid]
            spacing = {"before": str(before), "after": str(after), "line": "240"}
            child(ppr(s), "spacing", lineRule="auto", **spacing)
    title = style("Title")
    child(ppr(title), "spacing", before="480", after="240", line="240", lineRule="auto")
    # The character styles Word links to headings must agree with them.
    for sid in ("TitleChar", "SubtitleChar", *(f"Heading{n}Char" for n in range(1, 10))):
        if sid in styles:
            base = styles[sid.removesuffix("Char")]
            copy = etree.fromstring(etree.tostring(base.find(W + "rPr")))
            styles[sid].replace(styles[sid].find(W + "rPr"), copy)

    # Captions: sans, 五号, centred, never italic. Table captions sit above their table.
    caption = style("Caption", name="caption")
    r = rpr(caption)
    no_italics(r)
    fonts(r, LATIN_SANS, region.heading)
    size(r, BODY_SZ)
    child(ppr(caption), "spacing", before="120", after="120", line="240", lineRule="auto")
    child(ppr(caption), "jc", val="center")
    child(ppr(style("TableCaption")), "keepNext")
    child(ppr(style("ImageCaption")), "spacing", before="60", after="240")

    # Contents entries, as Word names them (LibreOffice maps them to Contents 1-3).
    for level in (1, 2, 3):
        s = style(f"TOC{level}", name=f"toc {level}")
        child(s, "basedOn", val="Normal")
        child(s, "next", val="Normal")
        child(s, "uiPriority", val="39")
        child(s, "unhideWhenUsed")
        child(ppr(s), "spacing", before="60", after="60")
        child(ppr(s), "ind", left=str(420 * (level - 1)))

    # References: 9.5 pt, the number hanging in a 1 cm margin (citeproc writes "[n]<tab>").
    bib = style("Bibliography")
    child(ppr(bib), "tabs").append(w("tab", val="left", pos="567"))
    child(ppr(bib), "spacing", before="0", after="60", line="300", lineRule="atLeast")
    child(ppr(bib), "ind", left="567", hanging="567")
    size(rpr(bib), 19)

    notes = style("FootnoteText")
    size(rpr(notes), 18)
    child(ppr(notes), "spacing", after="60", line="240", lineRule="auto")
    hyperlink = style("Hyperlink", kind="character", name="Hyperlink")
    child(rpr(hyperlink), "color", val="0563C1")
    rpr(hyperlink).find(W + "color").attrib.pop(W + "themeColor", None)
    # A citation mark's number (docx.citation_style): no colour of its own, so "[1]" prints
    # in one colour, its brackets' (pandoc's link style would make the digits blue).
    citation = style("Citation", kind="character")
    child(citation, "basedOn", val="DefaultParagraphFont")
    child(citation, "uiPriority", val="99")
    # The edition's label on the title page (docx.finish), under the title and subtitle.
    edition = style("Edition")
    child(edition, "basedOn", val="Subtitle")
    child(edition, "next", val="BodyText")
    child(ppr(edition), "spacing", before="240", after="480", line="240", lineRule="auto")
    size(rpr(edition), 24)  # 小四 12 pt
    verbatim = style("VerbatimChar", kind="character")
    vf = rpr(verbatim).find(W + "rFonts")
    vf.set(W + "eastAsia", region.heading.name)

    footer = style("Footer", name="footer")
    child(footer, "basedOn", val="Normal")
    child(ppr(footer), "spacing", after="0", line="240", lineRule="auto")
    child(ppr(footer), "jc", val="center")
    size(rpr(footer), 18)

    # Three-line table (三线表): 1.5 pt rules above and below, 0.75 pt under the header
    # row, no vertical rules. pandoc gives every table the style "Table".
    table = style("Table", kind="table")
    tblpr = child(table, "tblPr")
    child(tblpr, "jc", val="center")
    borders = child(tblpr, "tblBorders")
    borders[:] = []
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        if edge in ("top", "bottom"):
            borders.append(w(edge, val="single", sz="12", space="0", color="000000"))
        else:
            borders.append(w(edge, val="nil"))
    _sort(tblpr, TBLPR_ORDER)
    first = table.find(f"{W}tblStylePr[@{W}type='firstRow']")
    bold(child(first, "rPr"))
    tcb = first.find(f"{W}tcPr/{W}tcBorders")
    tcb[:] = [w("bottom", val="single", sz="6", space="0", color="000000")]
    _sort(first, STYLEPR_ORDER)

    for s in root.findall(W + "style"):
        for part in ("pPr", "rPr"):
            e = s.find(W + part)
            if e is not None:
                _sort(e, PPR_ORDER if part == "pPr" else RPR_ORDER)
                if part == "pPr" and e.find(W + "rPr") is not None:
                    _sort(e.find(W + "rPr"), RPR_ORDER)
        _sort(s, STYLE_ORDER)


def font_table(root: etree._Element, region: Region) -> None:
    # altName per ECMA-376 (17.8.3.1) is a comma-separated list of other names to locate the
    # font by when its name is not installed. What the programs do with it:
    # - Word matches the name, then the altName (that is how "SimSun" still finds a font
    #   installed as "宋体"); when neither is installed it substitutes by charset, family and
    #   PANOSE from this table (File > Options > Advanced > Font Substitution), so a reader
    #   without SimSun gets another GB2312 serif face, not a Latin font with boxes.
    # - LibreOffice and WPS substitute through their own tables and fontconfig, where
    #   SimSun and PMingLiU resolve to Noto Serif CJK when fonts-noto-cjk is installed.
    # The Noto names in altName are therefore a hint, not a promise: the format has no
    # real fallback list for w:rFonts (one name per script slot).
    for font in (region.body, region.heading):
        for old in root.findall(f"{W}font[@{W}name='{font.name}']"):
            root.remove(old)
        f = etree.SubElement(root, W + "font")
        f.set(W + "name", font.name)
        f.append(w("altName", val=font.alt))
        f.append(w("panose1", val=font.panose))
        f.append(w("charset", val=font.charset))
        f.append(w("family", val=font.family))
        f.append(w("pitch", val=font.pitch))
    if root.find(f"{W}font[@{W}name='{LATIN_SANS}']") is None:
        f = etree.SubElement(root, W + "font")
        f.set(W + "name", LATIN_SANS)
        f.append(w("panose1", val="020B0604020202020204"))
        f.append(w("charset", val="00"))
        f.append(w("family", val="swiss"))
        f.append(w("pitch", val="variable"))


def theme(root: etree._Element, region: Region) -> None:
    """Theme fonts, for anything a user sets to "+Body"/"+Headings" in Word."""
    for which, font, latin in (
        ("minorFont", region.body, LATIN_SERIF),
        ("majorFont", region.heading, LATIN_SANS),
    ):
        scheme = root.find(f".//{A}{which}")
        scheme.find(A + "latin").set("typeface", latin)
        scheme.find(A + "ea").set("typeface", font.name)
        for f in scheme.findall(A + "font"):
            if f.get("script") == region.script:
                f.set("typeface", font.name)


def settings(root: etree._Element, region: Region) -> None:
    lang = child(root, "themeFontLang")
    lang.set(W + "eastAsia", region.lang)
    # Chinese Word's default: compress punctuation (标点挤压) only.
    child(root, "characterSpacingControl", val="compressPunctuation")


def document_xml(root: etree._Element) -> None:
    """The section: A4, margins, footer. pandoc keeps the reference's last w:sectPr."""
    sect = root.find(f"{W}body/{W}sectPr")
    ref = etree.Element(W + "footerReference")
    ref.set(W + "type", "default")
    ref.set(R + "id", FOOTER_ID)
    for old in sect.findall(W + "footerReference"):
        sect.remove(old)
    sect.insert(0, ref)
    for tag in ("pgSz", "pgMar", "cols", "docGrid"):
        for old in sect.findall(W + tag):
            sect.remove(old)
    sect.append(w("pgSz", **PAGE))
    sect.append(w("pgMar", **MARGINS))
    sect.append(w("cols", space="425"))
    sect.append(w("docGrid", linePitch="312"))


FOOTER = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:ftr xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:p><w:pPr><w:pStyle w:val="Footer"/></w:pPr>\
<w:r><w:fldChar w:fldCharType="begin"/></w:r>\
<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>\
<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r>\
<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p></w:ftr>
"""


def rels(root: etree._Element) -> None:
    for old in root.findall(f"{{{PKG_NS}}}Relationship[@Id='{FOOTER_ID}']"):
        root.remove(old)
    r = etree.SubElement(root, f"{{{PKG_NS}}}Relationship")
    r.set("Type", FOOTER_TYPE)
    r.set("Id", FOOTER_ID)
    r.set("Target", "footer1.xml")


def content_types(root: etree._Element) -> None:
    if root.find(f"{{{CT_NS}}}Override[@PartName='/word/footer1.xml']") is None:
        o = etree.SubElement(root, f"{{{CT_NS}}}Override")
        o.set("PartName", "/word/footer1.xml")
        o.set("ContentType", FOOTER_CT)


PATCHES = {
    "word/styles.xml": styles_xml,
    "word/fontTable.xml": font_table,
    "word/theme/theme1.xml": theme,
    "word/settings.xml": settings,
}


def default_reference() -> bytes:
    proc = subprocess.run(
        [pypandoc.get_pandoc_path(), "--print-default-data-file", "reference.docx"],
        capture_output=True,
        check=True,
    )
    return proc.stdout


def build(region: Region, base: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            name = info.filename
            root = None
            if name in PATCHES:
                root = etree.fromstring(data)
                PATCHES[name](root, region)
            elif name == "word/document.xml":
                root = etree.fromstring(data)
                document_xml(root)
            elif name == "word/_rels/document.xml.rels":
                root = etree.fromstring(data)
                rels(root)
            elif name == "[Content_Types].xml":
                root = etree.fromstring(data)
                content_types(root)
            if root is not None:
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            _write(dst, name, data)
        _write(dst, "word/footer1.xml", FOOTER.encode("utf-8"))
    return out.getvalue()


def _write(z: zipfile.ZipFile, name: str, data: bytes) -> None:
    # A fixed timestamp: regenerating with the same pandoc gives the same bytes.
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    z.writestr(info, data)


def main() -> int:
    base = default_reference()
    for code, region in REGIONS.items():
        path = STYLES / f"reference-{code}.docx"
        path.write_bytes(build(region, base))
        print(f"wrote {path.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
