"""The one link policy: which addresses a published edition may link to.

An address is judged as a browser or Word will read it, not as it is written: the WHATWG
URL parser strips leading and trailing C0 controls and spaces and removes every tab and
newline before it looks for a scheme, so ``\\x01javascript:alert(1)`` and
``java\\nscript:`` both run script in a browser. :func:`safe` applies the same steps, then
allows only the schemes in :data:`SCHEMES` (or no scheme: a relative address or a
fragment). Every stage that makes or keeps a link asks here: the manuscript's sanitiser
(source links and raw HTML), the references (the sidecar, citeproc's output) and the EPUB
writer.
"""

from __future__ import annotations

import re

# Schemes a reader may follow. No javascript:, vbscript:, data:, file:, blob:, or any
# scheme a desktop program registers for itself (ms-word:, zoommtg:…).
SCHEMES = frozenset({"http", "https", "mailto", "ftp", "ftps", "tel"})

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_EDGES = "".join(chr(c) for c in range(0x21))  # C0 controls and space (WHATWG)
_TAB_NEWLINE = re.compile(r"[\t\n\r]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# A DOI as CSL writes it: the 10.NNNN prefix, a slash, a suffix of printable characters.
_DOI = re.compile(r"^10\.\d{4,9}/[^\s\x00-\x1f\x7f]+$")
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)", re.I)


def parse(target: str) -> str:
    """``target`` as a browser reads it: edges stripped, tabs and newlines removed."""
    return _TAB_NEWLINE.sub("", target.strip(_EDGES))


def scheme(target: str) -> str | None:
    """The scheme of ``target`` as parsed (lower case), or None for a relative address.
    A Windows drive (``C:``) is not a scheme."""
    m = _SCHEME.match(parse(target))
    if m is None or len(m.group(1)) == 1:
        return None
    return m.group(1).lower()


def safe(target: str) -> str | None:
    """The address to write for ``target``, or None when no edition may link to it: a
    scheme outside :data:`SCHEMES`, or a control character left inside (no valid URL has
    one, and programs disagree on what they mean)."""
    clean = parse(target)
    if _CONTROL.search(clean):
        return None
    s = scheme(clean)
    if s is not None and s not in SCHEMES:
        return None
    return clean


def web(target: str) -> str | None:
    """``target`` if it is an absolute http(s) address (what a reference may point to)."""
    clean = safe(target)
    return clean if clean is not None and scheme(clean) in ("http", "https") else None


def doi(value: str) -> str | None:
    """A DOI (``10.1000/xyz``, also written ``doi:…`` or as a doi.org address) in its
    bare form, or None when ``value`` is not one."""
    bare = _DOI_PREFIX.sub("", parse(value))
    return bare if _DOI.match(bare) else None
