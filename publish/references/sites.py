"""Who stands behind a cited site, for entries whose title or author the sidecar does not
give: ``publish/styles/references/sites.toml`` (host -> name, kind, source).

Only a name the table states, with its source, is used (never a made-up title); matched
on the host and the hosts above it, the longest first. An institution's site (kind
government, university, institute) speaks for the organisation, which then stands as the
entry's author (GB/T 7714's 主要责任者) when the page names no one else.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache

from publish.references.urls import host
from publish.styles import STYLES

TABLE = STYLES / "references" / "sites.toml"
KINDS = {"government", "university", "institute", "media", "company", "platform"}
AUTHORS = {"government", "university", "institute"}  # kinds that speak for their organisation


@dataclass(frozen=True)
class Site:
    name: str
    kind: str
    source: str

    @property
    def author(self) -> bool:
        return self.kind in AUTHORS


@cache
def table() -> dict[str, Site]:
    with TABLE.open("rb") as f:
        rows = tomllib.load(f)
    out = {}
    for key, row in rows.items():
        site = Site(row["name"], row["kind"], row["source"])
        if site.kind not in KINDS or not site.source.strip():
            raise ValueError(f"{TABLE}: [{key}] needs a kind of {sorted(KINDS)} and a source")
        out[key.lower()] = site
    return out


def site_of(url: str) -> Site | None:
    """The table's row for the URL's host or the nearest host above it."""
    labels = host(url).split(".")
    rows = table()
    for i in range(len(labels) - 1):
        row = rows.get(".".join(labels[i:]))
        if row:
            return row
    return None


def site_name(url: str) -> str:
    """The site's organisation or well-known name, else its host (without ``www.``)."""
    row = site_of(url)
    return row.name if row else (host(url).removeprefix("www.") or url)
