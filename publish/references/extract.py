"""What a fetched page says about itself, as CSL-JSON fields: ``title``, ``author``,
``container-title`` (the site), ``issued``, ``language``, ``type``.

Why htmldate and lxml, not trafilatura: trafilatura's metadata reader looks at the same
head tags, but it brings babel, courlan, tld and jusText for the article-text extraction
publish never uses; htmldate (trafilatura's own date finder, maintained with it) is the part
that is hard to write well: publication dates in meta tags, JSON-LD, URLs and page text,
told apart from "updated" dates. The rest is reading declared metadata in order of trust:
Highwire ``citation_*`` (scholarly pages), JSON-LD (news and blogs), Open Graph, the
metadata Chinese government sites must carry (``ArticleTitle``, ``PubDate``,
``ContentSource``, ``SiteName``; 政府网站发展指引), then ``<title>`` and ``<html lang>``.
A PDF's document information (title, author, creation date) through PyMuPDF.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

SEPARATORS = re.compile(r"\s*(?:[|｜_—–]|\s-\s|-(?=[^-]{1,20}$))\s*")
DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.I)
LANG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")
JUNK_TITLES = re.compile(
    r"^(?:untitled|microsoft word|无标题|新建|document\d*)|\.(?:docx?|pdf)$", re.I
)


def decode(body: bytes, charset: str | None) -> str:
    """The page's text: the charset the server named, else the page's ``<meta charset>``,
    else charset-normalizer's guess. GB2312 and GBK are read as GB18030 (their superset;
    pages labelled GB2312 often hold GBK characters)."""
    if not charset:
        m = META_CHARSET.search(body[:4096])
        charset = m.group(1).decode("ascii").lower() if m else None
    if not charset:
        from charset_normalizer import from_bytes

        best = from_bytes(body[: 1 << 20]).best()
        charset = best.encoding if best else "utf-8"
    if charset.replace("-", "") in ("gb2312", "gbk", "x-gbk"):
        charset = "gb18030"
    try:
        return body.decode(charset, "replace")
    except LookupError:
        return body.decode("utf-8", "replace")


def from_html(text: str, url: str, site: str = "") -> dict[str, Any]:
    """The fields a page declares. ``site``: the name publish knows for the site (to take
    it off the end of a ``<title>``)."""
    import lxml.html

    try:
        tree = lxml.html.document_fromstring(text.encode("utf-8"), parser=_parser())
    except Exception:  # lxml raises several kinds on a page that is not HTML at all
        return {}
    meta = _metas(tree)
    ld = _json_ld(tree)
    out: dict[str, Any] = {}
    site_name = _first(meta, "og:site_name", "sitename", "application-name") or ld.get("site")
    title = _first(meta, "citation_title", "articletitle", "og:title", "twitter:title", "dc.title")
    title = title or ld.get("title")
    if not title:
        head = tree.find(".//title")
        title = _text(head.text_content()) if head is not None else ""
    title = _strip_site(title, site_name, site)
    heading = tree.find(".//h1")
    h1 = _text(heading.text_content()) if heading is not None else ""
    if h1 and title != h1 and title.startswith(h1) and SEPARATORS.match(title[len(h1) :]):
        title = h1  # "标题-CSDN博客" over <h1>标题</h1>: the rest names the site
    if title:
        out["title"] = title
    authors = meta.get("citation_author") or ld.get("authors") or []
    if not authors:
        one = _first(meta, "author", "article:author", "dc.creator", "contentsource")
        authors = [one] if one else []
    authors = [a for a in (_text(a) for a in authors) if a and _is_name(a)]
    if authors:
        out["author"] = list(dict.fromkeys(authors))[:10]
    if site_name:
        out["container-title"] = _text(site_name)
    issued = _date(tree, url)
    if issued:
        out["issued"] = issued
    lang = tree.get("lang") or tree.get("xml:lang") or _first(meta, "content-language", "og:locale")
    if lang and LANG.match(lang.strip()):
        out["language"] = lang.strip().replace("_", "-")
    out["type"] = "webpage"
    return out


def from_pdf(body: bytes) -> dict[str, Any]:
    """A PDF's own document information: title, author, creation date. A report (GB/T 7714
    [R/OL]) is what a cited PDF most often is."""
    import pymupdf

    out: dict[str, Any] = {"type": "report"}
    try:
        with pymupdf.open(stream=body, filetype="pdf") as pdf:
            info = pdf.metadata or {}
    except Exception:  # a damaged PDF: PyMuPDF raises its own kinds
        return out
    title = _text(info.get("title") or "")
    if title and not JUNK_TITLES.search(title):
        out["title"] = title
    author = _text(info.get("author") or "")
    if author and _is_name(author):
        out["author"] = [author]
    m = re.match(r"^D:(\d{4})(\d{2})(\d{2})", info.get("creationDate") or "")
    if m and 1990 <= int(m.group(1)) <= 2100:
        out["issued"] = "-".join(m.groups())
    return out


def _parser() -> Any:
    import lxml.html

    return lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, no_network=True)


def _metas(tree: Any) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for m in tree.iter("meta"):
        key = (m.get("property") or m.get("name") or m.get("http-equiv") or "").strip().lower()
        value = (m.get("content") or "").strip()
        if key and value:
            out.setdefault(key, []).append(value)
    return out


def _first(meta: dict[str, list[str]], *keys: str) -> str:
    for k in keys:
        for v in meta.get(k, []):
            text = _text(v)
            if text:
                return text
    return ""


def _json_ld(tree: Any) -> dict[str, Any]:
    """title, authors, site from the page's JSON-LD (the first object that has a title)."""
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        for obj in _objects(data):
            title = obj.get("headline") or obj.get("name")
            if not isinstance(title, str):
                continue
            authors = [n for n in (_ld_name(a) for a in _as_list(obj.get("author"))) if n]
            publisher = _ld_name(obj.get("publisher"))
            return {"title": _text(title), "authors": authors, "site": publisher}
    return {}


def _objects(data: Any) -> list[dict[str, Any]]:
    items = data if isinstance(data, list) else [data]
    out = []
    for item in items:
        if isinstance(item, dict):
            out += [g for g in _as_list(item.get("@graph")) if isinstance(g, dict)]
            out.append(item)
    return out


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def _ld_name(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("name"), str):
        return value["name"]
    return ""


def _text(value: str) -> str:
    return " ".join(value.split())


def _is_name(value: str) -> bool:
    """A person's or an organisation's name, not an address or a sentence."""
    return 0 < len(value) <= 60 and "://" not in value and "@" not in value


def _strip_site(title: str, *names: str) -> str:
    """ "标题_新华网", "标题-CSDN博客" -> "标题": a last part that names the site goes."""
    names = tuple(n for n in names if n)
    while names:
        cuts = list(SEPARATORS.finditer(title))
        if not cuts:
            break
        last = title[cuts[-1].end() :].strip()
        if not last or not any(n in last or last in n for n in names):
            break
        title = title[: cuts[-1].start()].strip()
    return title


def _date(tree: Any, url: str) -> str:
    """The publication date htmldate finds (declared dates, then the URL; its guesses
    from the page's text are left out: a date in the text is as often the event's).
    htmldate gets the parsed tree, a copy: given a string that looks like an address (a
    page whose whole body is "http://169.254.169.254/…"), it would download that itself,
    past every check of fetch.py."""
    import copy

    from htmldate import find_date

    logging.getLogger("htmldate").setLevel(logging.ERROR)
    try:
        found = find_date(copy.deepcopy(tree), url=url, original_date=True, extensive_search=False)
    except Exception:  # htmldate raises on some odd pages; a page without a date is fine
        return ""
    return found if found and DATE.match(found) else ""
