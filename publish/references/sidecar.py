"""``<stem>.refs.yaml`` (or ``.json``) next to the source: what is known about each
reference (title, author, issued, accessed, container-title, …, as CSL-JSON fields), keyed
by URL; written by ``publish refs`` (``--fetch`` fills it from the cited pages), reviewed and
edited by a person, read by every build.

The schema is checked: a key that is neither a CSL variable nor one of publish's own
(``number``, ``site``, ``fetched``; ``url`` names the entry) is an error naming the file,
the line and the key it may have meant (``titel:`` -> ``title``), and so is a date that is
not one (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, a real day). The sidecar is input like
the source (and is filled from web pages), so every value is also checked before citeproc
sees it (:func:`clean_entry`): a ``DOI`` must be a DOI, names and text plain text (no tags,
no control characters). A value that fails is left out with a ``reference-field-refused``
warning.
"""

from __future__ import annotations

import datetime
import difflib
import functools
import json
import re
from html import unescape
from pathlib import Path
from typing import Any

import nh3

from publish import links
from publish.document import Document, Reference
from publish.errors import SourceError
from publish.references.urls import normalize

# CSL name variables: a list of {family, given, literal} or plain strings.
NAMES = {"author", "editor", "translator", "container-author", "collection-editor"}
NAMES |= {"composer", "director", "interviewer", "recipient", "reviewed-author"}
DATES = {"issued", "accessed", "original-date", "submitted", "event-date"}
# CSL 1.0.2's other variables (text and numbers).
TEXTS = {"title", "title-short", "container-title", "container-title-short", "publisher"}
TEXTS |= {"publisher-place", "collection-title", "collection-number", "edition", "volume"}
TEXTS |= {"issue", "page", "number-of-pages", "genre", "medium", "note", "abstract", "ISBN"}
TEXTS |= {"ISSN", "PMID", "PMCID", "language", "section", "source", "status", "version"}
TEXTS |= {"event", "event-place", "annote", "archive", "archive_location", "keyword"}
TEXTS |= {"original-title", "original-publisher", "references", "dimensions", "scale"}
TEXTS |= {"chapter-number", "number", "authority", "call-number", "citation-label"}
# Where the sidecar's address fields go: the entry's own ``url`` names the reference.
ADDRESSES = {"URL", "url"}
OWN = {"site", "fetched"}  # publish's: the site's name (for orientation), fields fetched
KEYS = NAMES | DATES | TEXTS | ADDRESSES | OWN | {"DOI", "type"}
NAME_PARTS = {"family", "given", "literal", "suffix", "dropping-particle"}
NAME_PARTS |= {"non-dropping-particle"}
DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
CSL_TYPE = re.compile(r"^[a-z][a-z-]{1,30}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
EXTS = (".refs.yaml", ".refs.yml", ".refs.json")


@functools.cache
def _loader() -> Any:
    """YAML without its date type: ``issued: 2024-13-45`` stays the text it is, for the
    schema to name its line (PyYAML would fail the whole file without one). Made when a
    sidecar is read: PyYAML's import (13 ms) is for documents that have one."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.yaml_implicit_resolvers = {
        k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
        for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return Loader


def path_for(source: Path) -> Path | None:
    for ext in EXTS:
        p = source.with_name(source.stem + ext)
        if p.is_file():
            return p
    return None


def read(p: Path) -> list[dict[str, Any]]:
    """The entries of the sidecar ``p``, as written, after the schema check (see module).
    A malformed file is a :class:`SourceError` naming the file and line."""
    import yaml

    try:
        text = p.read_text("utf-8")
        if p.suffix == ".json":
            data, lines = json.loads(text), None
        else:
            data = yaml.load(text, Loader=_loader())  # noqa: S506 (a SafeLoader)
            lines = yaml.compose(text, Loader=_loader())
    except (OSError, ValueError, yaml.YAMLError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        mark = getattr(exc, "problem_mark", None)
        where = f"{p}:{mark.line + 1}" if mark is not None else str(p)
        raise SourceError(f"{where}: cannot read the references file ({first}); fix it") from None
    entries = data.get("references", []) if isinstance(data, dict) else data
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise SourceError(f"{p}: expected a list under `references:`; see `publish refs`")
    nodes = _entry_nodes(lines)
    for i, entry in enumerate(entries):
        if isinstance(entry, dict):
            _check(p, entry, nodes[i] if i < len(nodes) else {})
    return [e for e in entries if isinstance(e, dict)]


def _entry_nodes(root: Any) -> list[dict[str, int]]:
    """For each entry, its keys' line numbers (1-based), from the YAML node tree."""
    if root is None:
        return []
    import yaml

    seq = root
    if isinstance(root, yaml.MappingNode):
        seq = next((v for k, v in root.value if k.value == "references"), None)
    if not isinstance(seq, yaml.SequenceNode):
        return []
    out = []
    for item in seq.value:
        keys = {}
        if isinstance(item, yaml.MappingNode):
            keys = {str(k.value): k.start_mark.line + 1 for k, _ in item.value}
        out.append(keys)
    return out


def _check(p: Path, entry: dict[str, Any], lines: dict[str, int]) -> None:
    def where(key: str) -> str:
        return f"{p}:{lines[key]}" if key in lines else f"{p} (entry {entry.get('url', '?')})"

    for key, value in entry.items():
        if key not in KEYS:
            near = difflib.get_close_matches(str(key), sorted(KEYS), n=1, cutoff=0.6)
            hint = f"; did you mean `{near[0]}`?" if near else ""
            raise SourceError(
                f"{where(key)}: unknown key `{key}`{hint} (keys are CSL variables: title, "
                "author, issued, accessed, container-title, publisher, type, …)"
            )
        if key in DATES and value not in (None, "") and _date(value) is None:
            raise SourceError(
                f"{where(key)}: {key}: {value!r} is not a date; write YYYY-MM-DD, YYYY-MM or YYYY"
            )
        if key == "fetched" and value is not None:
            items = value if isinstance(value, list) else None
            if items is None or not all(isinstance(k, str) and k in KEYS for k in items):
                raise SourceError(
                    f"{where(key)}: fetched: a list of the field names filled from the page, "
                    "e.g. [title, issued]; delete the line once you have checked them"
                )


def load(doc: Document) -> dict[str, dict[str, Any]]:
    """Entries by normalised URL, their values checked (see module)."""
    p = path_for(doc.source)
    if p is None:
        return {}
    out: dict[str, dict[str, Any]] = {}
    refused: list[str] = []
    for entry in read(p):
        if entry.get("url"):
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
    is named in ``refused``. publish's own keys are not CSL: they stay out."""
    out: dict[str, Any] = {}
    for key, value in entry.items():
        if value in (None, "") or key in ADDRESSES or key in OWN or not isinstance(key, str):
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
    """A CSL date from ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` (a real day) or date-parts;
    None for anything else."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 10000:
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()[:10]
    if isinstance(value, str):
        m = DATE.match(value.strip())
        if not m:
            return None
        y, mo, d = (int(g) if g else None for g in m.groups())
        try:
            datetime.date(y or 1, mo or 1, d or 1)
        except ValueError:
            return None
        return value.strip()
    if isinstance(value, dict) and set(value) == {"date-parts"}:
        parts = value["date-parts"]
        ok = isinstance(parts, list) and all(
            isinstance(p, list) and 0 < len(p) <= 3 and all(isinstance(n, int) for n in p)
            for p in parts
        )
        return {"date-parts": parts} if ok and parts else None
    return None


HEADER = [
    "# References of this report, in the order they are first cited; matched by url.",
    "# Fill in what you know: title, author, issued (publication date), accessed (the day",
    "# you read it), container-title (the site), type (webpage, report, article-newspaper…).",
    "# `publish refs SOURCE --fetch` fills empty fields from the pages and lists them under",
    "# `fetched:`: check those, then delete the `fetched:` line. A field with a value is never",
    "# overwritten; an entry with `accessed` is not fetched again (delete it to refetch).",
    "references:",
]
ORDER = ["number", "url", "site", "title", "author", "container-title", "publisher"]
ORDER += ["issued", "accessed", "type", "language", "DOI"]


def template(refs: list[Reference]) -> str:
    """The sidecar for the author to fill in: every reference with number, URL and site."""
    return render([starter(n, ref) for n, ref in enumerate(refs, 1)])


def starter(n: int, ref: Reference) -> dict[str, Any]:
    return {"number": n, "url": ref.url, "site": ref.site, "title": ref.title or ""}


def render(entries: list[dict[str, Any]]) -> str:
    """The sidecar's text: one entry after another, keys in a reader's order, every value
    in JSON's quoting (valid YAML, and never read as another type)."""
    lines = list(HEADER)
    for entry in entries:
        keys = [k for k in ORDER if k in entry] + [k for k in entry if k not in ORDER]
        first = True
        for key in keys:
            value = entry[key]
            if key == "fetched" and not value:
                continue
            lead = "  - " if first else "    "
            first = False
            lines.append(f"{lead}{key}: {_yaml_value(key, value)}")
    return "\n".join(lines) + "\n"


def _yaml_value(key: str, value: Any) -> str:
    if key == "fetched":
        return "[" + ", ".join(value) + "]"
    if isinstance(value, str) and key in DATES and DATE.match(value):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return json.dumps(value, ensure_ascii=False)
