"""URL identity (one reference per source) and readable display."""

from __future__ import annotations

from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

TRACKING = ("utm_", "spm", "from", "share_", "fbclid", "gclid", "mc_", "yclid", "ref_src")
DEFAULT_PORTS = {"http": "80", "https": "443"}


def _requote(part: str, safe: str) -> str:
    """One canonical percent-encoding: decode, then encode what must be encoded."""
    return quote(unquote(part), safe=safe)


def normalize(url: str) -> str:
    """The identity of a URL: case of scheme and host, default port, percent-encoding,
    trailing slash and tracking parameters do not make a different source. The fragment
    does: ``notes.html#FTN.AEN14695`` and ``#FTN.AEN14727``, or Wikipedia's
    ``#cite_note-1`` and ``#cite_note-2``, are different notes on one page. A text
    fragment (``#:~:text=…``, a browser's "scroll to this text") is not part of it."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip()
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host if port is None or str(port) == DEFAULT_PORTS.get(scheme) else f"{host}:{port}"
    path = _requote(parts.path, "/:@!$&'()*+,;=-._~").rstrip("/") or ""
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith(TRACKING)
    ]
    fragment = parts.fragment.split(":~:", 1)[0]
    fragment = _requote(fragment, "/:@!$&'()*+,;=-._~?") if fragment else ""
    return urlunsplit((scheme, netloc, path, urlencode(sorted(query)), fragment))


def display(url: str) -> str:
    """The URL as a reader sees it: percent-escapes of text decoded (数码生活, not %E6…)."""
    try:
        text = unquote(url, errors="strict")
    except UnicodeDecodeError:
        return url
    # Never show decoded characters that would change the URL's meaning or hide spaces.
    if any(c.isspace() or ord(c) < 32 for c in text):
        return url
    return text


def host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
