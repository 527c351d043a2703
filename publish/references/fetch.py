"""The one piece of publish that opens network connections: ``publish refs SOURCE --fetch``
asks each cited page for its title, author, site, date and language. Builds never call it
(tests/test_fetch.py proves a build opens no socket).

Every address is checked here, not by a library: http(s) only; the host resolved once and
every address it resolves to public (no loopback, private, link-local, shared, reserved or
multicast address; an IPv4 address inside IPv6 is checked as IPv4); the connection made to
the checked address itself, so a second DNS answer cannot point elsewhere (DNS rebinding);
redirects followed by hand, each new address checked again, at most :data:`REDIRECTS`;
a connect/read timeout and a deadline for the whole page; a size cap, read in chunks and
checked before the body is kept; no compression asked for (nothing to inflate); at most
:data:`PER_HOST` requests to one host at a time; a User-Agent that says who asks and why.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

from publish import __version__

AGENT = (
    f"publish/{__version__} (reference fetcher: reads the title and date of a page a report "
    "cites, once, when its author asks)"
)
TIMEOUT = 10.0  # seconds for the connection and for each read
DEADLINE = 30.0  # seconds for a whole page, redirects included
MAX_BYTES = 8 << 20  # a page larger than this is not read (research PDFs measured 1-6 MB)
REDIRECTS = 5
PER_HOST = 2
ACCEPT = "text/html,application/xhtml+xml,application/pdf;q=0.9,text/plain;q=0.5"
TYPES = ("text/html", "application/xhtml+xml", "application/pdf", "text/plain")

SAFE = "/?&=%:@!$'()*+,;~-._"  # left as they are on the request line (RFC 3986)
Resolver = Callable[[str, int], list[str]]


class FetchError(Exception):
    """Why a page was not read; one line for the report."""


@dataclass
class Page:
    url: str  # the address the body came from, after redirects
    status: int
    content_type: str
    charset: str | None
    body: bytes
    location: str = ""  # a redirect's target


def public(address: str) -> bool:
    """Whether ``address`` (an IP address) is one on the public internet."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        inner = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if inner is not None and not public(str(inner)):
            return False
    return ip.is_global and not ip.is_multicast and not ip.is_reserved


def resolve_public(host: str, port: int) -> list[str]:
    """The host's addresses; refused unless every one of them is public (a name that
    answers with one private address among public ones is not trusted either)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise FetchError(f"{host}: cannot resolve ({exc})") from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    bad = [a for a in addresses if not public(a)]
    if bad or not addresses:
        raise FetchError(f"{host} resolves to a non-public address ({', '.join(bad)}): refused")
    return addresses


class _HTTPS(http.client.HTTPSConnection):
    """TLS to a checked address, the certificate verified for the host's name."""

    def __init__(
        self, address: str, port: int, name: str, timeout: float, context: ssl.SSLContext
    ) -> None:
        super().__init__(address, port, timeout=timeout, context=context)
        self._name = name

    def connect(self) -> None:
        sock = socket.create_connection((self.host, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self._name)  # type: ignore[attr-defined]


class Fetcher:
    """``get(url)``: one page, by the rules of the module. ``resolve`` maps a host name to
    addresses already checked (tests give one that sends their own names to a local
    server); an address written in the URL itself is always checked by :func:`public`."""

    def __init__(
        self,
        resolve: Resolver = resolve_public,
        timeout: float = TIMEOUT,
        deadline: float = DEADLINE,
        max_bytes: int = MAX_BYTES,
        per_host: int = PER_HOST,
        agent: str = AGENT,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.resolve = resolve
        # certificates checked against the host's name (the system's CAs; tests give theirs)
        self.tls = tls or ssl.create_default_context()
        self.timeout, self.deadline, self.max_bytes = timeout, deadline, max_bytes
        self.per_host, self.agent = per_host, agent
        self._hosts: dict[str, threading.Semaphore] = {}
        self._lock = threading.Lock()
        self.requests = 0  # counted for the tests

    def endpoint(self, scheme: str, address: str, port: int) -> tuple[str, str, int]:
        """Where the connection for a checked address goes: there (tests send every
        request to their local server, after every check has been made)."""
        return scheme, address, port

    def _slot(self, host: str) -> threading.Semaphore:
        with self._lock:
            return self._hosts.setdefault(host, threading.Semaphore(self.per_host))

    def get(self, url: str) -> Page:
        until = time.monotonic() + self.deadline
        for _ in range(REDIRECTS + 1):
            page = self._one(url, until)
            if page.status in (301, 302, 303, 307, 308):
                if not page.location:
                    raise FetchError(f"HTTP {page.status} without a Location")
                url = urljoin(url, page.location)
                continue
            return page
        raise FetchError(f"more than {REDIRECTS} redirects")

    def _addresses(self, scheme: str, host: str, port: int) -> list[str]:
        if scheme not in ("http", "https"):
            raise FetchError(f"{scheme or 'no'} scheme: only http and https are fetched")
        if not host:
            raise FetchError("no host")
        try:
            ipaddress.ip_address(host)
        except ValueError:
            pass
        else:  # an address written in the URL: the rule itself, never the resolver
            if not public(host):
                raise FetchError(f"{host} is not a public address: refused")
            return [host]
        if host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
            raise FetchError(f"{host} is not a public host: refused")
        return self.resolve(host, port)

    def _one(self, url: str, until: float) -> Page:
        try:
            parts = urlsplit(url)
            scheme, host = parts.scheme.lower(), _ascii_host(parts.hostname or "")
            port = parts.port or (443 if scheme == "https" else 80)
        except ValueError as exc:
            raise FetchError(f"not an address ({exc})") from None
        addresses = self._addresses(scheme, host, port)
        # An address as authors paste it (数码生活 in the path, a space in the query) goes
        # on the request line percent-encoded; what is encoded already stays as it is.
        target = quote((parts.path or "/") + (f"?{parts.query}" if parts.query else ""), SAFE)
        name = host if ":" not in host else f"[{host}]"
        headers = {
            "Host": name if parts.port is None else f"{name}:{port}",
            "User-Agent": self.agent,
            "Accept": ACCEPT,
            "Accept-Encoding": "identity",
            "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5",
        }
        with self._slot(host):
            left = until - time.monotonic()
            if left <= 0:
                raise FetchError(f"no answer within {self.deadline:g} s")
            timeout = min(self.timeout, left)
            scheme, address, port = self.endpoint(scheme, addresses[0], port)
            if scheme == "https":
                conn: http.client.HTTPConnection = _HTTPS(address, port, host, timeout, self.tls)
            else:
                conn = http.client.HTTPConnection(address, port, timeout=timeout)
            try:
                with self._lock:
                    self.requests += 1
                conn.request("GET", target, headers=headers)
                resp = conn.getresponse()
                if resp.status in (301, 302, 303, 307, 308):
                    location = resp.getheader("Location") or ""
                    return Page(url, resp.status, "", None, b"", location)
                if resp.status >= 400:
                    raise FetchError(f"HTTP {resp.status} {resp.reason}")
                ctype = resp.getheader("Content-Type") or ""
                mime = ctype.split(";")[0].strip().lower()
                if mime and mime not in TYPES:
                    raise FetchError(f"not a web page or a PDF ({mime})")
                length = resp.getheader("Content-Length")
                if length and length.isdigit() and int(length) > self.max_bytes:
                    raise FetchError(f"larger than {self.max_bytes >> 10} KiB ({length} bytes)")
                body = self._read(resp, until)
                return Page(url, resp.status, mime or "text/html", _charset(ctype), body)
            except TimeoutError:
                raise FetchError(f"no answer within {timeout:g} s") from None
            except (OSError, http.client.HTTPException) as exc:
                raise FetchError(f"{type(exc).__name__}: {exc}") from None
            finally:
                conn.close()

    def _read(self, resp: http.client.HTTPResponse, until: float) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while True:
            if time.monotonic() > until:
                raise FetchError(f"not read within {self.deadline:g} s")
            chunk = resp.read1(65536) if hasattr(resp, "read1") else resp.read(65536)
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > self.max_bytes:
                raise FetchError(f"larger than {self.max_bytes >> 10} KiB")
            chunks.append(chunk)


def _ascii_host(host: str) -> str:
    """The host as DNS and the Host header want it: 例子.中国 -> xn--fsqu00a.xn--fiqs8s."""
    try:
        return host.lower().encode("idna").decode("ascii")
    except UnicodeError:
        raise FetchError(f"{host}: not a host name") from None


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip("\"' ").lower()
    return None
