"""``<stem>.refs.yaml`` (or ``.json``) next to the source: what the author knows about each
reference (title, author, issued, container-title, …, as CSL-JSON fields), keyed by URL.

The sidecar is input like the source (and will be filled from web pages), so every value is
checked before citeproc sees it (:func:`clean_entry`): an entry's ``url`` must be an http(s)
address, a ``DOI`` a DOI, names and text plain text (no tags, no control characters),
dates a date. A value that fails is left out with a ``reference-field-refused`` warning.
"""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path
from typing import Any

import nh3
import yaml

from publish import links
from publish.document import Document, Reference
from publish.errors import SourceError
from publish.references.urls import normalize

# CSL name variables: a list of {family, given, literal} or plain strings.
NAMES = {"author", "editor", "translator", "container-author", "collection-editor"}
NAMES |= {"composer", "director", "interviewer", "recipient", "reviewed-author"}
DATES = {"issued", "accessed", "original-date", "submitted", "event-date"}
# Where the sidecar's address fields go: the entry's own ``url`` names the reference.
ADDRESSES = {"URL", "url"}
NAME_PARTS = {"family", "given", "literal", "suffix", "dropping-particle"}
NAME_PARTS |= {"non-dropping-particle"}
DATE = re.compile(r"^\d{4}(?:-\d{1,2}(?:-\d{1,2})?)?$")
CSL_TYPE = re.compile(r"^[a-z][a-z-]{1,30}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def path_for(source: Path) -> Path | None:
    for ext in (".refs.yaml", ".refs.yml", ".refs.json"):
        p = source.with_name(source.stem + ext)
        if p.is_file():
            return p
    return None


def load(doc: Document) -> dict[str, dict[str, Any]]:
    """Entries by normalised URL. A malformed file is a :class:`SourceError`."""
    p = path_for(doc.source)
    if p is None:
        return {}
    try:
        text = p.read_text("utf-8")
        data = json.loads(text) if p.suffix == ".json" else yaml.safe_load(text)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise SourceError(f"{p}: cannot read the references file ({first}); fix it") from None
    entries = data.get("references", []) if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise SourceError(f"{p}: expected a list under `references:`; see `publish refs`")
    out: dict[str, dict[str, Any]] = {}
    refused: list[str] = []
    for entry in entries:
        if isinstance(entry, dict) and entry.get("url"):
            url = links.web(str(entry["url"]))
            if url is None:
                refused.append(f"url {str(entry['url'])[:60]!r}")
                continue
            fields = clean_entry(entry, refused)
            out[normalize(url)] = fields
    if refused:
        doc.warn(
            "reference-field-refused",
            f"{p.name}: {len(refused)} value(s) left out, not a valid address, DOI, date or "
            f"plain text: {'; '.join(refused[:3])}" + ("; …" if len(refused) > 3 else ""),
            refused=refused[:50],
        )
    return out


def clean_entry(entry: dict[str, Any], refused: list[str]) -> dict[str, Any]:
    """The CSL fields of one sidecar entry that pass their checks (see module); what fails
    is named in ``refused``."""
    out: dict[str, Any] = {}
    for key, value in entry.items():
        if value in (None, "") or key in ADDRESSES or not isinstance(key, str):
            continue
        clean = _field(key, value)
        if clean is None:
            refused.append(f"{key} {str(value)[:60]!r}")
        else:
            out[key] = clean
    return out


def _field(key: str, value: Any) -> Any:
    if key == "DOI":
        return links.doi(str(value)) if isinstance(value, str) else None
    if key == "type":
        return value if isinstance(value, str) and CSL_TYPE.match(value) else None
    if key in NAMES:
        items = value if isinstance(value, list) else [value]
        names = [_name(v) for v in items]
        return names if names and all(n is not None for n in names) else None
    if key in DATES:
        return _date(value)
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return str(value)
    return _text(value) if isinstance(value, str) else None


def _text(value: str) -> str | None:
    """Plain text: markup removed (a script or style with its content), entities read."""
    if "<" in value:
        value = unescape(nh3.clean(value, tags=set(), clean_content_tags={"script", "style"}))
    text = _CONTROL.sub("", value).strip()
    return text or None


def _name(value: Any) -> dict[str, str] | None:
    if isinstance(value, str):
        text = _text(value)
        return {"literal": text} if text else None
    if not isinstance(value, dict) or not value or not set(value) <= NAME_PARTS:
        return None
    parts = {k: _text(v) if isinstance(v, str) else None for k, v in value.items()}
    return parts if all(parts.values()) else None  # type: ignore[return-value]


def _date(value: Any) -> Any:
    if isinstance(value, int) and 0 < value < 10000:
        return str(value)
    if isinstance(value, str):
        return value if DATE.match(value.strip()) else None
    if hasattr(value, "isoformat"):  # YAML reads 2024-01-02 as a date
        return value.isoformat()[:10]
    if isinstance(value, dict) and set(value) == {"date-parts"}:
        parts = value["date-parts"]
        ok = isinstance(parts, list) and all(
            isinstance(p, list) and 0 < len(p) <= 3 and all(isinstance(n, int) for n in p)
            for p in parts
        )
        return {"date-parts": parts} if ok and parts else None
    return None


def template(refs: list[Reference]) -> str:
    """The sidecar for the author to fill in: every reference with number, URL and site."""
    lines = [
        "# References of this report, in the order they are first cited.",
        "# Fill in what you know (title, author, issued, container-title); leave the rest empty.",
        "# Entries are matched by url; numbers are for your orientation only.",
        "references:",
    ]
    for n, ref in enumerate(refs, 1):
        lines += [
            f"  - number: {n}",
            f"    url: {json.dumps(ref.url, ensure_ascii=False)}",
            f"    site: {json.dumps(ref.site, ensure_ascii=False)}",
            f"    title: {json.dumps(ref.title or '', ensure_ascii=False)}",
        ]
    return "\n".join(lines) + "\n"
