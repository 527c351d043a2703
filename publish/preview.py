"""``publish preview SOURCE``: the HTML edition on http://127.0.0.1:PORT/, rebuilt on save.

The page is built into a temporary folder (never the output folder) with the ordinary
build, so what the preview shows is what ``publish build --formats html`` writes. A tiny
script in the served page listens on a Server-Sent Events channel (``/__publish/events``)
and reloads when a rebuild finishes. A source that fails to build shows its error in the
page and the preview keeps watching; Ctrl-C stops it (exit 0).

Threads: the HTTP server answers in its own threads; the main thread watches the files
(watchfiles, one native thread) and rebuilds, one build at a time, so a Ctrl-C reaches the
build where it is.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import mimetypes
import os
import signal
import sys
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from publish.errors import PublishError, UsageError

HOST = "127.0.0.1"  # never another interface: the preview has no access control
PORT = 8000
EVENTS = "/__publish/events"
# Files whose change can change the page: the source, its references sidecar, a glossary,
# a project file, pictures. Anything else in the folder (an editor's swap file) is ignored.
WATCHED = frozenset(
    {".md", ".markdown", ".yaml", ".yml", ".toml", ".bib", ".csl", ".css"}
    | {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"}
)
# Folders never watched: outputs (a build in the same folder would trigger a rebuild loop)
# and tools' own.
SKIPPED = frozenset({"dist", "_site", "site", "node_modules", "__pycache__", ".git", ".venv"})
PING = 15.0  # seconds between keep-alive comments on the event channel

# Reloads on a "reload" event; `since` is the build the page shows, so a rebuild that
# finished between loading the page and connecting still reloads it. The scroll position
# survives the reload (an author reading page 5 stays on page 5).
SCRIPT = """<script>
(() => {
  const key = "publish-preview-scroll";
  const y = sessionStorage.getItem(key);
  if (y !== null) {
    sessionStorage.removeItem(key);
    addEventListener("load", () => scrollTo(0, +y));
  }
  new EventSource("%s?since=%d").addEventListener("reload", () => {
    sessionStorage.setItem(key, String(scrollY));
    location.reload();
  });
})();
</script>"""

ERROR_PAGE = """<!DOCTYPE html>
<html lang="zh-Hans"><head><meta charset="utf-8"><title>构建失败 · {name}</title>
<style>body {{ font-family: sans-serif; max-width: 50em; margin: 2em auto; padding: 0 1em; }}
pre {{ white-space: pre-wrap; background: #fee; border-left: 4px solid #c00; padding: 1em; }}
</style>
</head><body><h1>构建失败</h1><p>{name} 没能构建；改好并保存后，本页会自动刷新。</p>
<pre id="publish-error">{error}</pre></body></html>"""

BANNER = (
    '<aside id="publish-warnings" style="font: 13px/1.5 sans-serif; background: #ffd; '
    'border-bottom: 1px solid #cc8; padding: .5em 1em; margin: 0">'
    "<details><summary>{count} 条警告</summary><pre style=\"white-space: pre-wrap\">"
    "{lines}</pre></details></aside>"
)


@dataclass
class Shown:
    """What the server shows: the latest build's page or error, and its number."""

    generation: int = 0
    page: Path | None = None
    error: str = ""
    warnings: list[str] = field(default_factory=list)
    stopping: bool = False
    changed: threading.Condition = field(default_factory=threading.Condition)

    digest: str = ""  # of what was last shown: a save that changes nothing reloads nothing

    def publish(self, page: Path | None, error: str, warnings: list[str]) -> bool:
        """Show a build's result; False when it is what is shown already."""
        body = page.read_bytes() if page is not None else error.encode()
        digest = hashlib.sha256(body + "\0".join(warnings).encode()).hexdigest()
        with self.changed:
            if digest == self.digest and self.generation:
                return False
            self.page, self.error, self.warnings, self.digest = page, error, warnings, digest
            self.generation += 1
            self.changed.notify_all()
            return True

    def stop(self) -> None:
        with self.changed:
            self.stopping = True
            self.changed.notify_all()


def page_bytes(shown: Shown, name: str) -> bytes:
    """The page as served: the built HTML (or the error) with the reload script."""
    script = SCRIPT % (EVENTS, shown.generation)
    if shown.page is None:
        text = ERROR_PAGE.format(name=html.escape(name), error=html.escape(shown.error))
    else:
        text = shown.page.read_text("utf-8")
    if shown.warnings:
        banner = BANNER.format(
            count=len(shown.warnings), lines=html.escape("\n".join(shown.warnings))
        )
        text = _after_body(text, banner)
    cut = text.rfind("</body>")
    text = text[:cut] + script + text[cut:] if cut >= 0 else text + script
    return text.encode("utf-8")


def _after_body(text: str, insert: str) -> str:
    start = text.find("<body")
    end = text.find(">", start) if start >= 0 else -1
    return text[: end + 1] + insert + text[end + 1 :] if end >= 0 else insert + text


def handler(shown: Shown, name: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "publish-preview"
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass  # the terminal shows builds, not requests

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            parts = urlsplit(self.path)
            if parts.path == EVENTS:
                return self._events(parse_qs(parts.query).get("since", ["0"])[0])
            if parts.path in ("/", "/index.html"):
                with shown.changed:
                    body = page_bytes(shown, name)
                return self._send(200, "text/html; charset=utf-8", body)
            # Files beside the page (pictures a page may link); never outside its folder.
            page = shown.page
            root = page.parent.resolve() if page is not None else None
            target = (root / unquote(parts.path).lstrip("/")).resolve() if root else None
            if root and target and target.is_relative_to(root) and target.is_file():
                kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
                return self._send(200, kind, target.read_bytes())
            return self._send(404, "text/plain; charset=utf-8", b"not found\n")

        def _send(self, status: int, kind: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def _events(self, since: str) -> None:
            seen = int(since) if since.isdigit() else 0
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            try:
                self.wfile.write(b"retry: 1000\n\n")
                self.wfile.flush()
                while True:
                    with shown.changed:
                        shown.changed.wait_for(
                            lambda seen=seen: shown.stopping or shown.generation > seen,
                            timeout=PING,
                        )
                        if shown.stopping:
                            return
                        now = shown.generation
                    if now > seen:
                        seen = now
                        self.wfile.write(f"event: reload\ndata: {now}\n\n".encode())
                    else:
                        self.wfile.write(b": ping\n\n")
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                return  # the page went away (reloaded or closed)

    return Handler


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _roots(source: Path | None, config: Any) -> list[Path]:
    """What the page is made of: the source's folder (its pictures, its sidecar), or for a
    project without SOURCE the project's folder (chapters); and the project file, its
    styles folder and glossary wherever they are. None inside another."""
    first = source.parent if source else (config.project or config.sources[0]).parent
    found = [first, config.project, config.styles, config.glossary]
    paths = sorted({p.resolve() for p in found if p is not None and p.exists()})
    return [p for p in paths if not any(p != q and p.is_relative_to(q) for q in paths)]


def _watched(roots: list[Path], path: str) -> bool:
    p = Path(path)
    if p.suffix.lower() not in WATCHED:
        return False
    for root in roots:
        if p == root:  # a file watched by itself (publish.toml, a glossary)
            return True
        if p.is_relative_to(root):
            folders = p.parent.relative_to(root).parts
            return not any(part in SKIPPED or part.startswith(".") for part in folders)
    return False


def _snapshot(roots: list[Path]) -> set[tuple[str, int, int]]:
    """Every watched file under ``roots`` with its time and size."""
    found = set()
    for root in roots:
        walked = os.walk(root) if root.is_dir() else [(str(root.parent), [], [root.name])]
        for folder, dirs, files in walked:
            dirs[:] = [d for d in dirs if d not in SKIPPED and not d.startswith(".")]
            for f in files:
                path = os.path.join(folder, f)
                if _watched(roots, path):
                    with contextlib.suppress(OSError):
                        st = os.stat(path)
                        found.add((path, st.st_mtime_ns, st.st_size))
    return found


def preview(
    source: Path | None,
    edition: str = "zh-Hans",
    port: int = PORT,
    say: Callable[[str], None] = lambda line: print(line, file=sys.stderr, flush=True),
    ready: Callable[[str], None] | None = None,
) -> int:
    """Serve ``source``'s ``edition`` (no source: what the nearest publish.toml lists, a
    book's chapters as one page) until Ctrl-C; returns the exit code (0). The project's
    styles, glossary and CSL apply as they do to ``publish build``."""
    import watchfiles

    from publish.config import EDITIONS, source_problem

    if source is not None:
        problem = source_problem(source)
        if problem:
            raise UsageError(f"SOURCE {source}: {problem}")
    if edition not in EDITIONS:
        raise UsageError(f"--edition: unknown {edition}; choose from {','.join(EDITIONS)}")
    # Ctrl-C (and a service manager's SIGTERM) end the watch loop and clean up, even when
    # the shell started publish with SIGINT ignored (a background job).
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _interrupt)
    shown = Shown()
    with tempfile.TemporaryDirectory(prefix="publish-preview-") as tmp:
        out = Path(tmp)
        config = _config(source, edition, out)  # a usage error here ends it (exit 2)
        name = source.name if source else str(config.project or config.sources[0])
        roots = _roots(source, config)
        try:
            server = ThreadingHTTPServer((HOST, port), handler(shown, name))
        except OSError as exc:
            raise UsageError(
                f"--port {port}: cannot listen on {HOST}:{port} ({exc.strerror}); "
                "pass another --port"
            ) from exc
        server.daemon_threads = True
        url = f"http://{HOST}:{server.server_address[1]}/"
        thread = threading.Thread(target=server.serve_forever, name="preview-http", daemon=True)
        try:
            before = _snapshot(roots)
            _rebuild(source, edition, out, shown, say)
            thread.start()
            watching = False
            for changes in watchfiles.watch(
                *roots,
                watch_filter=lambda _, path: _watched(roots, path),
                debounce=200,  # an editor's save is often two writes (truncate, write)
                step=50,
                # The first (empty) yield says the watcher is running: only then is the
                # address printed, so a save after it is never missed. Then ignored.
                rust_timeout=300,
                yield_on_timeout=True,
            ):
                names = sorted({Path(p).name for _, p in changes})
                if not watching:
                    watching = True
                    if not names and _snapshot(roots) != before:
                        names = ["(saved while starting)"]
                    say(f"preview: {name} ({edition}) at {url}; Ctrl-C to stop")
                    if ready:
                        ready(url)
                if names:
                    say(f"preview: changed {', '.join(names)}; rebuilding")
                    _rebuild(source, edition, out, shown, say)
        except KeyboardInterrupt:
            pass
        finally:
            shown.stop()
            if thread.is_alive():
                server.shutdown()
            server.server_close()
    say("preview: stopped")
    return 0


def _config(source: Path | None, edition: str, out: Path) -> Any:
    from publish.config import load_config

    # force: the build's cache does not know a source's pictures (a changed picture left
    # the page "up to date"); one HTML page rebuilds in about 0.2 s (the seed)
    return load_config(
        [str(source)] if source else [],
        out=str(out),
        formats="html",
        editions=edition,
        jobs=1,
        find_project=True,
        quiet=True,
        force=True,
    )


def _rebuild(
    source: Path | None, edition: str, out: Path, shown: Shown, say: Callable[[str], None]
) -> None:
    """Build the HTML edition; an error is shown in the page, not raised."""
    from publish.build import build
    from publish.build.build import stderr_line

    try:
        config = _config(source, edition, out)  # publish.toml may have changed
        result = build(config, log=lambda line: None)
    except PublishError as exc:
        if shown.publish(None, str(exc), []):
            say(f"preview: error: {exc}")
        return
    except Exception as exc:  # a bug in publish must not end the preview either
        line = f"internal error: {type(exc).__name__}: {exc}"
        say(f"preview: {line}")
        shown.publish(None, line, [])
        return
    warnings = [*config.notes, *(stderr_line(doc, d) for doc, d in result.warnings)]
    if warnings != shown.warnings:  # printed when they change, not on every save
        for line in warnings:
            say(line)
    made = [r for r in [*result.built, *result.current] if r.endswith(f".{edition}.html")]
    page = out / made[0] if made else None
    if page is None or not page.is_file():
        shown.publish(None, f"{source or config.project}: the build wrote no page", warnings)
        return
    if shown.publish(page, "", warnings):
        say(f"preview: built {page.name}, {len(warnings)} warning(s)")
