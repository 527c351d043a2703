"""``publish refs SOURCE [--fetch] [--dry-run]``: write the references sidecar, or fill it
from the cited pages (the only network use of publish; see fetch.py for its rules).

What ``--fetch`` changes, and what it never does:

- it asks only for entries without ``accessed`` (never fetched, or failed before);
- it fills only empty fields, never one with a value (a person's, or an earlier fetch's);
- each field it fills is named in the entry's ``fetched:`` list, for a reviewer to check;
- ``accessed`` is the day the page was read (GB/T 7714's 引用日期);
- a page that fails leaves its entry as it was, and is reported;
- entries the source no longer cites stay, after the cited ones;
- ``--dry-run`` prints the changes as a diff and writes nothing.
"""

from __future__ import annotations

import datetime
import difflib
import json
import threading
from collections.abc import Callable, Collection
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from publish.document import Reference
from publish.errors import UsageError
from publish.references import extract, sidecar
from publish.references.fetch import Fetcher, FetchError
from publish.references.sites import site_name
from publish.references.urls import normalize

WORKERS = 4  # pages fetched at once (each host at most fetch.PER_HOST of them)
FIELDS = ("title", "author", "container-title", "issued", "language", "type")


@dataclass
class Outcome:
    written: Path | None  # None: a dry run
    old: str
    new: str
    lines: list[str] = field(default_factory=list)  # one per entry fetched, for stderr
    failed: int = 0

    @property
    def diff(self) -> str:
        return "".join(
            difflib.unified_diff(
                self.old.splitlines(keepends=True),
                self.new.splitlines(keepends=True),
                "before",
                "after",
            )
        )


def run(
    source: Path,
    refs: list[Reference],
    fetch: bool = False,
    dry_run: bool = False,
    force: bool = False,
    fetcher: Fetcher | None = None,
    today: datetime.date | None = None,
    write: Callable[[Path, bytes], Any] | None = None,
) -> Outcome:
    existing_path = sidecar.path_for(source)
    target = existing_path or source.with_name(source.stem + ".refs.yaml")
    old = target.read_text("utf-8") if existing_path else ""
    if not fetch:
        if existing_path and not force and not dry_run:
            raise UsageError(
                f"{target}: already exists; edit it, pass --fetch to fill it from the pages, "
                "or --force to start it anew"
            )
        out = Outcome(None, old, sidecar.template(refs))
    else:
        entries = _merge(sidecar.read(existing_path) if existing_path else [], refs)
        out = Outcome(None, old, "")
        cut = {normalize(r.url) for r in refs if r.cut}
        _fetch_all(entries, fetcher or Fetcher(), today or datetime.date.today(), out, cut)
        out.new = _text(target, entries)
    if not dry_run and out.new != old:
        (write or _write)(target, out.new.encode("utf-8"))
        out.written = target
    return out


def _write(path: Path, data: bytes) -> None:
    from publish.writers.common import write_bytes

    write_bytes(path, data)


def _text(target: Path, entries: list[dict[str, Any]]) -> str:
    if target.suffix == ".json":
        return json.dumps({"references": entries}, ensure_ascii=False, indent=2) + "\n"
    return sidecar.render(entries)


def _merge(existing: list[dict[str, Any]], refs: list[Reference]) -> list[dict[str, Any]]:
    """The sidecar's entries in citation order: a cited source's own entry (its number and
    site brought up to date, nothing else touched), a new one for a source not yet in it,
    then the entries the source no longer cites."""
    by_key = {normalize(str(e.get("url", ""))): e for e in existing if e.get("url")}
    out = []
    for n, ref in enumerate(refs, 1):
        entry = by_key.pop(normalize(ref.url), None)
        if entry is None:
            entry = sidecar.starter(n, ref)
        else:
            entry["number"], entry["site"] = n, ref.site
        out.append(entry)
    return out + [e for e in existing if normalize(str(e.get("url", ""))) in by_key]


def _fetch_all(
    entries: list[dict[str, Any]],
    fetcher: Fetcher,
    today: datetime.date,
    out: Outcome,
    cut: Collection[str] = (),
) -> None:
    todo = [e for e in entries if e.get("url") and not e.get("accessed")]
    kept = len([e for e in entries if e.get("url")]) - len(todo)
    # an address the source cuts off ("https://a.example/x…") leads to another page
    skipped = [e for e in todo if normalize(str(e["url"])) in cut]
    todo = [e for e in todo if e not in skipped]
    lock = threading.Lock()
    results: list[str] = [""] * len(todo)  # by the entry's place in todo

    def one(at: int) -> None:
        entry = todo[at]
        label = f"[{entry.get('number', '?')}] {entry['url']}"
        try:
            found = read_page(fetcher, str(entry["url"]))
        except FetchError as exc:
            with lock:
                out.failed += 1
                results[at] = f"{label}: not fetched, kept as it was: {exc}"
            return
        except Exception as exc:  # a page the extraction cannot read: that page's failure
            with lock:
                out.failed += 1
                results[at] = (
                    f"{label}: not read, kept as it was: {type(exc).__name__}: {exc}"
                )
            return
        filled = fill(entry, found, today)
        what = ", ".join(filled) if filled else "nothing new"
        note = "" if entry.get("title") else " (the page gives no title: add one)"
        with lock:
            results[at] = f"{label}: {what}{note}"

    with ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(one, range(len(todo))))
    out.lines = list(results)
    out.lines += [
        f"[{e.get('number', '?')}] {e['url']}: not fetched: the source cuts this address "
        "off; complete it there first"
        for e in skipped
    ]
    if kept:
        out.lines.append(f"{kept} entries fetched before (with `accessed`) left as they are")
    read = len(todo) - out.failed
    out.lines.append(
        f"fetched {read} of {len(todo)} pages ({fetcher.requests} requests)"
        + (f", {out.failed} failed" if out.failed else "")
        + ("; check each entry's `fetched:` fields, then delete that line" if read else "")
    )


def read_page(fetcher: Fetcher, url: str) -> dict[str, Any]:
    """The CSL fields the page at ``url`` declares."""
    page = fetcher.get(url)
    if page.content_type == "application/pdf" or page.body[:5] == b"%PDF-":
        return extract.from_pdf(page.body)
    if page.content_type == "text/plain":
        return {}
    text = extract.decode(page.body, page.charset)
    return extract.from_html(text, page.url, site_name(url))


def fill(entry: dict[str, Any], found: dict[str, Any], today: datetime.date) -> list[str]:
    """Put ``found`` into the entry's empty fields; returns the fields filled (also listed
    in its ``fetched:``). ``type: webpage`` is the default, not written."""
    filled = []
    for key in FIELDS:
        value = found.get(key)
        if value in (None, "", []) or entry.get(key) not in (None, "", []):
            continue
        if key == "type" and value == "webpage":
            continue
        entry[key] = value
        filled.append(key)
    entry["accessed"] = today.isoformat()
    if filled:
        entry["fetched"] = list(dict.fromkeys([*(entry.get("fetched") or []), *filled]))
    return filled
