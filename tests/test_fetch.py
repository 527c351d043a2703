"""`publish refs --fetch`: pages read through a local server (never the internet), every
address checked, the sidecar filled for review; builds open no connection."""

from __future__ import annotations

import datetime
import http.server
import json
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from publish.errors import UsageError
from publish.references import refresh, sidecar
from publish.references.fetch import AGENT, Fetcher, FetchError, public, resolve_public
from publish.references.urls import normalize
from tests import readback
from tests.conftest import ROOT, SEED, build, run_cli

PAGES = ROOT / "tests" / "fixtures" / "pages"
TODAY = datetime.date(2026, 12, 3)
BIG = 300 << 10


class Handler(http.server.BaseHTTPRequestHandler):
    seen: list[tuple[str, str, dict[str, str]]] = []
    seed: dict[tuple[str, str], str] = {}
    lock = threading.Lock()
    active = most = 0

    def log_message(self, *args: object) -> None:  # quiet
        pass

    def _send(self, status: int, body: bytes = b"", ctype: str = "text/html", **hdr: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in hdr.items():
            self.send_header(k.replace("_", "-"), v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        host = (self.headers.get("Host") or "").split(":")[0]
        Handler.seen.append((host, self.path, dict(self.headers)))
        port = self.server.server_address[1]
        seeded = Handler.seed.get((host, self.path))
        if seeded:
            ctype = "application/pdf" if seeded.endswith(".pdf") else "text/html; charset=utf-8"
            return self._send(200, (PAGES / "seed" / seeded).read_bytes(), ctype)
        files = {"/news": "news.html", "/blog": "blog.html", "/bare": "bare.html"}
        files["/%E6%96%B0%E9%97%BB?q=a%20b"] = "news.html"  # /新闻?q=a b, encoded
        if self.path in files:
            return self._send(200, (PAGES / files[self.path]).read_bytes())
        if self.path == "/notice":  # the charset only in the page's own meta tag
            return self._send(200, (PAGES / "notice.html").read_bytes())
        if self.path == "/report":
            return self._send(200, (PAGES / "seed" / "14.pdf").read_bytes(), "application/pdf")
        hops = {"/r1": f"http://other.test:{port}/r2", "/r2": "/r3", "/r3": "/news"}
        evil = {
            "/to-loopback": f"http://127.0.0.1:{port}/news",
            "/to-localhost": f"http://localhost:{port}/news",
            "/to-v6": f"http://[::1]:{port}/news",
            "/to-mapped": f"http://[::ffff:127.0.0.1]:{port}/news",
            "/to-private": "http://10.1.2.3/news",
            "/to-metadata": "http://169.254.169.254/latest/meta-data/",
            "/to-file": "file:///etc/passwd",
            "/loop": "/loop",
        }
        if self.path in hops or self.path in evil:
            return self._send(302, Location=hops.get(self.path) or evil[self.path])
        if self.path.startswith("/wait"):  # counts how many requests overlap
            with Handler.lock:
                Handler.active += 1
                Handler.most = max(Handler.most, Handler.active)
            time.sleep(0.3)
            with Handler.lock:
                Handler.active -= 1
            return self._send(200, (PAGES / "news.html").read_bytes())
        if self.path == "/slow":
            time.sleep(2)
            return self._send(200, (PAGES / "news.html").read_bytes())
        if self.path == "/big":
            return self._send(200, b"<html>" + b"x" * BIG)
        if self.path == "/big-unsized":  # no Content-Length: the cap counts what arrives
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"<html>" + b"x" * BIG)
            return None
        if self.path == "/url-body":  # a page that is only an address
            return self._send(200, f"http://127.0.0.1:{port}/secret".encode())
        if self.path == "/image":
            return self._send(200, b"\x89PNG", "image/png")
        return self._send(404, b"no")


class Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that gave up (the slow page's) is what the test wants


@pytest.fixture(scope="module")
def server():
    index = json.loads((PAGES / "seed" / "pages.json").read_text("utf-8"))
    for url, name in index.items():
        parts = urlsplit(url)
        Handler.seed[
            (parts.hostname or "", parts.path + (f"?{parts.query}" if parts.query else ""))
        ] = name
    srv = Server(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv.server_address[1]
    srv.shutdown()
    srv.server_close()


def test_resolver(host: str, port: int) -> list[str]:
    """Names under .test are the local server (treated as public); any other name goes
    through the real rule."""
    if host.endswith(".test"):
        return ["127.0.0.1"]
    return resolve_public(host, port)


test_resolver.__test__ = False  # type: ignore[attr-defined]


def fetcher(**kw: object) -> Fetcher:
    return Fetcher(resolve=test_resolver, **kw)  # type: ignore[arg-type]


class Routed(Fetcher):
    """Every checked address of the seed's real host names goes to the local server."""

    def __init__(self, port: int) -> None:
        super().__init__(resolve=lambda host, p: ["127.0.0.1"])
        self.port = port

    def endpoint(self, scheme: str, address: str, port: int) -> tuple[str, str, int]:
        return "http", "127.0.0.1", self.port


# -- the address rules -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "ok"),
    [
        ("93.184.215.14", True),
        ("2606:4700::6810:85e5", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.9", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("::1", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("::ffff:127.0.0.1", False),
        ("2002:7f00:1::", False),  # 6to4 around 127.0.0.1
        ("not-an-ip", False),
    ],
)
def test_public_addresses(address, ok):
    assert public(address) is ok


def test_a_name_resolving_to_a_private_address_is_refused(monkeypatch):
    def fake(host, port, **kw):
        return [(2, 1, 6, "", ("93.184.215.14", port)), (2, 1, 6, "", ("10.0.0.5", port))]

    monkeypatch.setattr("socket.getaddrinfo", fake)
    with pytest.raises(FetchError, match="non-public"):
        resolve_public("mixed.example", 443)


@pytest.mark.parametrize(
    "path",
    [
        "/to-loopback",
        "/to-localhost",
        "/to-v6",
        "/to-mapped",
        "/to-private",
        "/to-metadata",
        "/to-file",
    ],
)
def test_redirects_to_inner_addresses_are_refused(server, path):
    Handler.seen.clear()
    with pytest.raises(FetchError, match="refused|scheme"):
        fetcher().get(f"http://site.test:{server}{path}")
    # one request: the redirect; the target was never asked
    assert [p for _, p, _ in Handler.seen] == [path]


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1/news", "http://localhost/", "ftp://site.test/x", "file:///etc"]
)
def test_addresses_refused_before_any_request(server, url):
    with pytest.raises(FetchError):
        fetcher().get(url)


def test_redirect_chain_is_followed_and_checked(server):
    Handler.seen.clear()
    page = fetcher().get(f"http://site.test:{server}/r1")
    assert page.url == f"http://other.test:{server}/news" and b"og:title" in page.body
    assert [(h, p) for h, p, _ in Handler.seen] == [
        ("site.test", "/r1"),
        ("other.test", "/r2"),
        ("other.test", "/r3"),
        ("other.test", "/news"),
    ]


def test_redirect_loop_stops(server):
    with pytest.raises(FetchError, match="redirects"):
        fetcher().get(f"http://site.test:{server}/loop")


def test_slow_page_times_out(server):
    started = time.monotonic()
    with pytest.raises(FetchError, match="within"):
        fetcher(timeout=0.5).get(f"http://site.test:{server}/slow")
    assert time.monotonic() - started < 1.5


@pytest.mark.parametrize("path", ["/big", "/big-unsized"])
def test_oversized_page_is_not_read(server, path):
    with pytest.raises(FetchError, match="larger than"):
        fetcher(max_bytes=64 << 10).get(f"http://site.test:{server}{path}")


def test_not_a_page(server):
    with pytest.raises(FetchError, match="image/png"):
        fetcher().get(f"http://site.test:{server}/image")


def test_addresses_as_pasted_are_encoded_on_the_wire(server):
    Handler.seen.clear()
    page = fetcher().get(f"http://例子.test:{server}/新闻?q=a b")
    assert b"og:title" in page.body
    host, path, headers = Handler.seen[0]
    assert path == "/%E6%96%B0%E9%97%BB?q=a%20b" and host == "xn--fsqu00a.test"
    # an address already encoded is sent as it is
    Handler.seen.clear()
    fetcher().get(f"http://site.test:{server}/%E6%96%B0%E9%97%BB?q=a%20b")
    assert Handler.seen[0][1] == "/%E6%96%B0%E9%97%BB?q=a%20b"


def test_honest_user_agent_and_no_compression(server):
    Handler.seen.clear()
    fetcher().get(f"http://site.test:{server}/news")
    headers = Handler.seen[0][2]
    assert headers["User-Agent"] == AGENT and "publish/" in AGENT
    assert headers["Accept-Encoding"] == "identity"
    assert headers["Host"] == f"site.test:{server}"


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    """The same pages over TLS, with a certificate for secure.test made here."""
    import shutil
    import ssl

    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=secure.test", "-addext", "subjectAltName=DNS:secure.test",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    srv = Server(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    srv.socket = context.wrap_socket(srv.socket, server_side=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield srv.server_address[1], ssl.create_default_context(cafile=str(cert))
    srv.shutdown()
    srv.server_close()


def test_https_to_the_checked_address_verifies_the_name(tls_server):
    port, trust = tls_server
    page = fetcher(tls=trust).get(f"https://secure.test:{port}/news")
    assert b"og:title" in page.body
    # the same address under another name: the certificate does not name it
    with pytest.raises(FetchError, match="SSLCertVerificationError|certificate"):
        fetcher(tls=trust).get(f"https://other.test:{port}/news")
    # and a certificate no trusted authority signed
    with pytest.raises(FetchError, match="SSLCertVerificationError|certificate"):
        fetcher().get(f"https://secure.test:{port}/news")


# -- what is read from a page ------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "want"),
    [
        (
            "/news",
            {
                "title": "文心大模型与飞桨协同优化，推理性能提升百余倍",
                "author": ["王小明"],
                "container-title": "央广网",
                "issued": "2024-12-14",
                "language": "zh-CN",
            },
        ),
        (
            "/notice",
            {
                "title": "关于开展2025年科技安全宣传活动的通知",
                "author": ["湖北省科学技术厅"],
                "container-title": "湖北省科学技术厅",
                "issued": "2025-08-08",
            },
        ),
        ("/blog", {"title": "模型量化技术详解：从PTQ到QAT", "issued": "2025-03-07"}),
        (
            "/report",
            {
                "title": "人工智能行业深度报告：推理需求爆发",
                "issued": "2025-03-07",
                "type": "report",
            },
        ),
        ("/bare", {}),
    ],
)
def test_fields_read_from_pages(server, path, want):
    found = refresh.read_page(fetcher(), f"http://site.test:{server}{path}")
    found.pop("type", None) if "type" not in want else None
    for key, value in want.items():
        assert found.get(key) == value, key
    if not want:
        assert "title" not in found and "issued" not in found


def test_a_page_that_is_an_address_is_not_followed(server):
    """htmldate downloads a string that looks like an address: it is given the parsed
    page instead, so nothing but fetch.py opens a connection."""
    Handler.seen.clear()
    found = refresh.read_page(fetcher(), f"http://site.test:{server}/url-body")
    assert "title" not in found
    assert [p for _, p, _ in Handler.seen] == ["/url-body"]


# -- the sidecar -------------------------------------------------------------------------


def _source(tmp_path: Path, port: int) -> Path:
    src = tmp_path / "r.md"
    src.write_text(
        "# 报告\n\n"
        f"甲[[1]](http://site.test:{port}/news)乙[[2]](http://site.test:{port}/notice)"
        f"丙[[3]](http://site.test:{port}/missing)丁[[4]](http://site.test:{port}/bare)"
        f"戊[[5]](http://site.test:{port}/blog)。\n",
        "utf-8",
    )
    return src


def _refs(src: Path):
    from publish.build import prepare

    return prepare(src).references


def _run(src: Path, port: int, **kw):
    return refresh.run(src, _refs(src), fetch=True, fetcher=fetcher(), today=TODAY, **kw)


def test_fetch_fills_the_sidecar_for_review(tmp_path, server):
    src = _source(tmp_path, server)
    out = _run(src, server)
    entries = {normalize(e["url"]): e for e in sidecar.read(tmp_path / "r.refs.yaml")}
    news = entries[normalize(f"http://site.test:{server}/news")]
    assert news["title"] == "文心大模型与飞桨协同优化，推理性能提升百余倍"
    assert news["issued"] == "2024-12-14" and news["accessed"] == "2026-12-03"
    assert news["fetched"] == ["title", "author", "container-title", "issued", "language"]
    missing = entries[normalize(f"http://site.test:{server}/missing")]
    assert "accessed" not in missing and not missing.get("title")  # kept as it was
    assert out.failed == 1
    assert any("/missing: not fetched, kept as it was: HTTP 404" in x for x in out.lines)
    bare = entries[normalize(f"http://site.test:{server}/bare")]
    assert bare["accessed"] == "2026-12-03" and "fetched" not in bare
    assert any("/bare: nothing new (the page gives no title" in x for x in out.lines)


def test_fetch_never_overwrites_and_asks_once(tmp_path, server):
    src = _source(tmp_path, server)
    side = tmp_path / "r.refs.yaml"
    side.write_text(
        f"references:\n  - url: http://site.test:{server}/news\n    title: 编辑改过的标题\n",
        "utf-8",
    )
    _run(src, server)
    first = {normalize(e["url"]): e for e in sidecar.read(side)}
    news = first[normalize(f"http://site.test:{server}/news")]
    assert news["title"] == "编辑改过的标题"  # the person's value stays
    assert "title" not in news["fetched"] and news["issued"] == "2024-12-14"
    Handler.seen.clear()
    text = side.read_text("utf-8")
    out = _run(src, server)
    # only the page that failed is asked again; nothing else changes
    assert [p for _, p, _ in Handler.seen] == ["/missing"]
    assert side.read_text("utf-8") == text and out.written is None


def test_a_few_requests_at_a_time_per_host(tmp_path, server):
    src = tmp_path / "w.md"
    marks = "".join(f"[[{n}]](http://site.test:{server}/wait{n})" for n in range(1, 7))
    src.write_text(f"# T\n\n正文{marks}。\n", "utf-8")
    Handler.most = 0
    out = _run(src, server)
    assert out.failed == 0 and Handler.most == 2  # fetch.PER_HOST, with 4 workers free


def test_an_address_the_source_cuts_off_is_not_fetched(tmp_path, server):
    src = tmp_path / "c.md"
    src.write_text(f"# T\n\n正文[[1]](http://site.test:{server}/ne", "utf-8")
    Handler.seen.clear()
    out = _run(src, server)
    assert Handler.seen == [] and "cuts this address off" in out.lines[0]


def test_dry_run_writes_nothing(tmp_path, server):
    src = _source(tmp_path, server)
    out = _run(src, server, dry_run=True)
    assert not (tmp_path / "r.refs.yaml").exists() and out.written is None
    assert '+    title: "文心大模型与飞桨协同优化，推理性能提升百余倍"' in out.diff
    assert "+    fetched: [title, author, container-title, issued, language]" in out.diff


def test_refs_cli_dry_run_and_existing_sidecar(tmp_path):
    src = tmp_path / "r.md"
    src.write_text("# T\n\n文[[1]](https://a.example/x)。\n", "utf-8")
    proc = run_cli("refs", str(src), "--dry-run")
    assert proc.returncode == 0 and '+    url: "https://a.example/x"' in proc.stdout
    assert not (tmp_path / "r.refs.yaml").exists()
    assert run_cli("refs", str(src)).returncode == 0
    with pytest.raises(UsageError, match="--fetch"):
        refresh.run(src, _refs(src))


def test_refs_fetch_cli_reports_refusals_and_writes_nothing_on_a_dry_run(tmp_path):
    """The command itself, with addresses refused before any connection is made."""
    src = tmp_path / "r.md"
    src.write_text("# T\n\n甲[[1]](http://127.0.0.1:9/x)乙[[2]](http://[::1]:9/y)。\n", "utf-8")
    proc = run_cli("refs", str(src), "--fetch", "--dry-run")
    assert proc.returncode == 0, proc.stderr
    assert "[1] http://127.0.0.1:9/x: not fetched, kept as it was: 127.0.0.1 is not a " in (
        proc.stderr
    )
    assert "fetched 0 of 2 pages (0 requests), 2 failed" in proc.stderr
    assert '+    url: "http://127.0.0.1:9/x"' in proc.stdout and "    accessed:" not in proc.stdout
    assert not (tmp_path / "r.refs.yaml").exists()


@pytest.mark.parametrize(
    ("body", "line", "words"),
    [
        (
            "  - url: https://a.example/x\n    titel: 标题\n",
            3,
            "unknown key `titel`; did you mean `title`",
        ),
        (
            "  - url: https://a.example/x\n    title: 标题\n    issued: 2024-13-45\n",
            4,
            "is not a date",
        ),
        ("  - url: https://a.example/x\n    accessed: 昨天\n", 3, "is not a date"),
        ("  - url: https://a.example/x\n    fetched: title\n", 3, "fetched: a list"),
    ],
)
def test_sidecar_schema_errors_name_the_line(tmp_path, body, line, words):
    src = tmp_path / "r.md"
    src.write_text("# T\n\n文[[1]](https://a.example/x)。\n", "utf-8")
    (tmp_path / "r.refs.yaml").write_text("references:\n" + body, "utf-8")
    proc = run_cli("build", str(src), "--out", str(tmp_path / "o"), "--formats", "docx")
    assert proc.returncode == 1
    assert len(proc.stderr.strip().splitlines()) == 1
    assert f"r.refs.yaml:{line}: " in proc.stderr and words in proc.stderr


# -- builds stay offline ------------------------------------------------------------------

OFFLINE = """
import sys
def hook(event, args):
    if event == "socket.connect" and isinstance(args[1], tuple) or event == "socket.getaddrinfo":
        with open({log!r}, "a") as f:
            f.write(f"{{event}} {{args[1:]}}\\n")
        raise RuntimeError("network use in a build")
sys.addaudithook(hook)
from publish.cli import main
sys.exit(main({argv!r}))
"""


def test_a_build_opens_no_connection(tmp_path):
    """Audit hooks see every Python socket connection and name lookup (in forked workers
    too): none in a build of a source citing twenty web pages, sidecar and all."""
    src = tmp_path / SEED.name
    src.write_text(SEED.read_text("utf-8"), "utf-8")
    (tmp_path / "nn-llm-2024.refs.yaml").write_text(
        "references:\n  - url: https://www.51cto.com/article/804811.html\n"
        "    title: 标题\n    accessed: 2026-12-03\n",
        "utf-8",
    )
    log = tmp_path / "net.log"
    argv = ["build", str(src), "--out", str(tmp_path / "o"), "--quiet", "--jobs", "2"]
    argv += ["--formats", "pdf,epub,docx,html", "--editions", "zh-Hans"]
    proc = subprocess.run(
        [sys.executable, "-c", OFFLINE.format(log=str(log), argv=argv)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert not log.exists(), log.read_text()
    # and the hook does see a connection when there is one
    probe = OFFLINE.format(log=str(log), argv=[]).replace(
        "from publish.cli import main", "import socket; socket.socket().connect(('127.0.0.1', 9))"
    )
    subprocess.run([sys.executable, "-c", probe], capture_output=True, check=False)
    assert "socket.connect" in log.read_text()


# -- the seed, fetched from stand-ins of its pages, printed in every format ---------------

GBT = re.compile(
    r"^\[(\d+)\] (?:[^\[\]]+\. )?(?P<title>[^\[\]]+)\[(?P<code>EB/OL|R/OL|N/OL)\]\. "
    r"(?:[^\[\]]*?)?\(?(?P<issued>\d{4}(?:-\d{2}-\d{2})?)\)? ?\[2026-12-03\]\. "
    r"(?P<url>https?://\S+)\.$"
)


@pytest.fixture(scope="module")
def fetched_seed(tmp_path_factory, server):
    folder = tmp_path_factory.mktemp("seed")
    src = folder / SEED.name
    src.write_text(SEED.read_text("utf-8"), "utf-8")
    out = refresh.run(src, _refs(src), fetch=True, fetcher=Routed(server), today=TODAY)
    assert out.failed == 0, out.lines
    return build(src, folder / "o", "pdf,epub,docx,html", "zh-Hans")


def _pdf_entries(path: Path) -> list[str]:
    """The printed list's entries (readback.refs_pdf would take an address's last line,
    "620087339.", for a list marker)."""
    text = readback.pdf_body_text(path)
    tail = text[text.rfind("参考文献") :]
    return [" ".join(e.split()) for e in re.split(r"\n(?=\[\d+\])", tail)[1:]]


def test_seed_references_are_complete_gbt_7714_in_every_format(fetched_seed):
    lists = {
        "html": readback.refs_html(fetched_seed / "nn-llm-2024.zh-Hans.html"),
        "epub": readback.refs_epub(fetched_seed / "nn-llm-2024.zh-Hans.epub"),
        "docx": readback.refs_docx(fetched_seed / "nn-llm-2024.zh-Hans.docx"),
        "pdf": _pdf_entries(fetched_seed / "nn-llm-2024.zh-Hans.pdf"),
    }
    for fmt, entries in lists.items():
        assert len(entries) == 20, fmt
        for entry in entries:
            text = entry.replace("↩︎", "").replace("↩", "").strip()
            if fmt == "pdf":  # a wrapped address: its line break is not part of it
                head, sep, url = text.partition("[2026-12-03]. ")
                text = head + sep + re.sub(r"\s+", "", url)  # print breaks it anywhere
            m = GBT.match(text)
            assert m, (fmt, entry)
            assert not re.fullmatch(r"[\w.-]+\.(?:com|cn|net|org|tw)", m["title"]), entry
    # back-links on screen, none on paper (DOCX has none: Word's own navigation)
    assert all("↩" in e for e in lists["html"] + lists["epub"])
    assert not any("↩" in e for e in lists["pdf"])
    html = lists["html"]
    assert html[3].startswith(
        "[4] 湖北省科学技术厅. 人工智能大模型发展态势与安全挑战[EB/OL]. (2025-08-08)[2026-12-03]. "
        "https://kjt.hubei.gov.cn/"
    )
    assert "[R/OL]" in html[2] and "2025年人工智能指数报告" in html[2]
    assert html[0].startswith("[1] 2024年大模型技术回顾与展望[EB/OL]. (2024-12-20)[2026-12-03].")


def test_seed_report_lists_nothing_incomplete(fetched_seed):
    report = json.loads((fetched_seed / "nn-llm-2024.report.json").read_text("utf-8"))
    assert "reference-incomplete" not in [d["code"] for d in report["diagnostics"]]


def test_unfetched_seed_names_organisations_and_reports_what_is_missing(seed_dir):
    report = json.loads((seed_dir / "nn-llm-2024.report.json").read_text("utf-8"))
    sites = [r["site"] for r in report["references"]]
    assert "湖北省科学技术厅" in sites and "万维易源" in sites
    assert "國家實驗研究院科技政策研究與資訊中心" in sites
    assert not [s for s in sites if re.fullmatch(r"[\w.-]+\.(?:com|cn|net|org|tw)", s)]
    incomplete = [d for d in report["diagnostics"] if d["code"] == "reference-incomplete"]
    assert len(incomplete) == 1 and incomplete[0]["data"]["numbers"] == list(range(1, 21))
    entries = readback.refs_html(seed_dir / "nn-llm-2024.zh-Hans.html")
    assert entries[3].startswith("[4] 湖北省科学技术厅[EB/OL].")
