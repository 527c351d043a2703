"""``make bench``: our build against the by-hand route, side by side in one run.

Measures, ``--runs`` times each (interleaved, so a busy moment on the machine hits every
row alike), and prints medians, ratios and peak memory as a Markdown table:

- by hand, one edition: the bundled pandoc to EPUB, to DOCX and to standalone HTML, then
  WeasyPrint on that HTML to PDF, one after the other (what a user types);
- ``publish build`` of the seed into a fresh folder: 3 editions × 4 formats;
- the same again into that folder: a no-op, which must rewrite nothing (checked);
- a ten-fold report (the seed's body ten times) to one PDF, ``publish build --formats pdf
  --editions zh-Hans``, against plain WeasyPrint on pandoc's standalone HTML of it, and on
  publish's HTML edition of it (the same content as our PDF: contents, citation links,
  reference list; screen styles, none of the print page's features).

Each step runs under a small Python parent that reports the step's wall time and the peak
resident memory of the largest process it ran (``getrusage(RUSAGE_CHILDREN).ru_maxrss``:
Linux counts every descendant that was waited for, pool workers included).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "nn-llm-2024.md"
PYTHON = sys.executable

MEASURE = r"""
import json, resource, subprocess, sys, time
steps = json.loads(sys.argv[1])
start = time.perf_counter()
for step in steps:
    done = subprocess.run(step, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if done.returncode:
        sys.exit(done.stderr.decode(errors="replace").strip().splitlines()[-1:])
took = time.perf_counter() - start
print(json.dumps({"s": took, "kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


def measure(steps: list[list[str]], cwd: Path) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of running ``steps`` one after the other."""
    proc = subprocess.run(
        [PYTHON, "-c", MEASURE, json.dumps([[str(a) for a in s] for s in steps])],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode:
        sys.exit(f"bench: {' '.join(map(str, steps[-1]))}: failed: {proc.stderr.strip()}")
    data = json.loads(proc.stdout)
    return data["s"], data["kb"] / 1024


def pandoc() -> str:
    import pypandoc

    return pypandoc.get_pandoc_path()


def machine() -> dict[str, str]:
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    pv = subprocess.run([pandoc(), "--version"], capture_output=True, text=True).stdout
    from importlib.metadata import version

    return {
        "cores": str(os.cpu_count()),
        "cpu": cpu,
        "python": platform.python_version(),
        "pandoc": pv.split("\n", 1)[0].removeprefix("pandoc "),
        "weasyprint": version("weasyprint"),
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def tenfold(work: Path) -> Path:
    """The seed with its body (everything from the first heading) ten times."""
    text = SEED.read_text("utf-8")
    m = re.search(r"(?m)^#", text)
    head, body = (text[: m.start()], text[m.start() :]) if m else ("", text)
    path = work / "tenfold.md"
    path.write_text(head + "\n\n".join([body.rstrip()] * 10) + "\n", "utf-8")
    return path


def snapshot(folder: Path) -> dict[str, int]:
    """Modification times of every file but the lock (which each build takes)."""
    return {
        str(p.relative_to(folder)): p.stat().st_mtime_ns
        for p in folder.rglob("*")
        if p.is_file() and p.name != ".publish.lock"
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--runs", type=int, default=3, help="runs of each step (default 3)")
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    args = ap.parse_args()
    publish = [PYTHON, "-m", "publish", "build", "--quiet"]
    weasyprint = [PYTHON, "-m", "weasyprint"]
    pd = pandoc()
    work = Path(tempfile.mkdtemp(prefix="publish-bench-"))
    long = tenfold(work)
    times: dict[str, list[float]] = {}
    peaks: dict[str, float] = {}
    rewritten = 0

    def run(name: str, steps: list[list[str]], cwd: Path) -> None:
        s, mb = measure(steps, cwd)
        times.setdefault(name, []).append(s)
        peaks[name] = max(peaks.get(name, 0.0), mb)

    # The same content as our PDF (contents, citation links, the reference list), laid out
    # by plain WeasyPrint with the HTML edition's screen styles: what issue 10's print
    # features cost over it, and what any page of this content costs.
    edition = work / "long-html"
    subprocess.run(
        [*publish, long, "--out", edition, "--formats", "html", "--editions", "zh-Hans"],
        cwd=ROOT,
        check=True,
        stderr=subprocess.DEVNULL,
    )
    ours_html = next(edition.glob("*/*.zh-Hans.html"))
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())  # others' work skews every row
    print(f"bench: {args.runs} runs of each step in {work}", file=sys.stderr)
    try:
        for i in range(args.runs):
            hand = work / f"hand-{i}"
            hand.mkdir()
            run(
                "hand",
                [
                    [pd, SEED, "-o", "x.epub"],
                    [pd, SEED, "-o", "x.docx"],
                    [pd, "-s", SEED, "-o", "x.html"],
                    [*weasyprint, "x.html", "x.pdf"],
                ],
                hand,
            )
            out = work / f"full-{i}"
            run("full", [[*publish, SEED, "--out", out]], ROOT)
            before = snapshot(out)
            run("noop", [[*publish, SEED, "--out", out]], ROOT)
            after = snapshot(out)
            rewritten += sum(1 for k in after if before.get(k) != after[k])
            plain = work / f"plain-{i}"
            plain.mkdir()
            run("pandoc10", [[pd, "-s", long, "-o", "long.html"]], plain)
            run("weasy10", [[*weasyprint, "long.html", "long.pdf"]], plain)
            run("same10", [[*weasyprint, ours_html, "same.pdf"]], plain)
            ten = [*publish, long, "--out", work / f"long-{i}", "--formats", "pdf"]
            run("ours10", [[*ten, "--editions", "zh-Hans"]], ROOT)
            print(f"bench: run {i + 1}/{args.runs} done", file=sys.stderr)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    report(times, peaks, rewritten, {**machine(), "start": load}, args.runs)
    conversion()
    return 0


def conversion() -> None:
    """OpenCC conversion of the seed's AST per edition (issue 5: well under 0.1 s), in this
    process: the stage alone, glossary and review list included, median of 5."""
    import time

    from publish.build import prepare
    from publish.editions import load_glossary
    from publish.editions.convert import Converter
    from publish.editions.edition import convert_tree
    from publish.editions.script import CONFIGS

    doc = prepare(Path(SEED))
    glossary = load_glossary(None)
    print()
    print("| conversion of the seed | median ms | target |")
    print("|---|---:|---|")
    for code, config in CONFIGS[("Hans", "")].items():
        runs = []
        for _ in range(5):
            ast = json.loads(json.dumps(doc.ast))
            start = time.perf_counter()
            convert_tree(ast["blocks"], Converter(code, config, glossary))
            runs.append(time.perf_counter() - start)
        print(f"| {code} ({config}) | {statistics.median(runs) * 1000:.1f} | < 100 |")


def report(
    times: dict[str, list[float]],
    peaks: dict[str, float],
    rewritten: int,
    info: dict[str, str],
    runs: int,
) -> None:
    med = {k: statistics.median(v) for k, v in times.items()}
    rows = [
        ("hand", "by hand, one edition: pandoc → EPUB, DOCX, HTML; WeasyPrint → PDF"),
        ("full", "`publish build` seed, 3 editions × 4 formats (12 files)"),
        ("noop", "`publish build` again, nothing changed (no-op)"),
        ("pandoc10", "10× report: pandoc → standalone HTML"),
        ("weasy10", "10× report: plain WeasyPrint on that HTML → PDF"),
        ("same10", "10× report: plain WeasyPrint on publish's HTML edition of it → PDF"),
        ("ours10", "10× report: `publish build --formats pdf --editions zh-Hans`"),
    ]
    print(
        f"Machine: {info['cores']} cores, {info['cpu']}; Python {info['python']}, "
        f"pandoc {info['pandoc']}, WeasyPrint {info['weasyprint']}; load average "
        f"{info['start']} at the start, {info['load']} at the end; median of {runs} runs.\n"
    )
    print("| step | median s | runs (s) | peak RSS MB |")
    print("|---|---:|---|---:|")
    for key, label in rows:
        runs_s = " ".join(f"{x:.2f}" for x in times[key])
        print(f"| {label} | {med[key]:.2f} | {runs_s} | {peaks[key]:.0f} |")
    full_hand = med["full"] / med["hand"]
    noop_full = med["noop"] / med["full"]
    ten_plain = med["ours10"] / med["weasy10"]
    ten_route = med["ours10"] / (med["pandoc10"] + med["weasy10"])
    print()
    print("| ratio | value | target | |")
    print("|---|---:|---|---|")
    print(
        f"| full build / by hand | {full_hand:.2f} | ≤ 1.5 (goal 1.0) | "
        f"{'met' if full_hand <= 1.5 else 'missed'} |"
    )
    print(
        f"| no-op / full build | {noop_full:.3f} | < 0.1, nothing rewritten | "
        f"{'met' if noop_full < 0.1 and not rewritten else 'missed'}: "
        f"{rewritten} file(s) rewritten |"
    )
    print(
        f"| 10× PDF / plain WeasyPrint | {ten_plain:.2f} | ≤ 1.3 | "
        f"{'met' if ten_plain <= 1.3 else 'missed'} |"
    )
    print(f"| 10× PDF / (pandoc HTML + WeasyPrint) | {ten_route:.2f} | | |")
    same = med["same10"] / med["weasy10"]
    print(f"| plain WeasyPrint, publish's HTML / pandoc's HTML | {same:.2f} | | |")


if __name__ == "__main__":
    raise SystemExit(main())
