"""``make bench``: our build against the by-hand route, side by side in one run.

Measures, ``--runs`` times each (interleaved, so a busy moment on the machine hits every
row alike), and prints medians, ratios and peak memory as a Markdown table:

- by hand, one edition: the bundled pandoc to EPUB, to DOCX and to standalone HTML, then
  WeasyPrint on that HTML to PDF, one after the other (what a user types);
- ``publish build`` of the seed into a fresh folder: 3 editions × 4 formats;
- the same again into that folder: a no-op, which must rewrite nothing (checked);
- long reports (the seed's body ``--sizes`` times: 10, 40 and 100 by default) to one PDF,
  ``publish build --formats pdf --editions zh-Hans``, against plain WeasyPrint on pandoc's
  standalone HTML of the same text; for the ten-fold report also WeasyPrint on publish's
  HTML edition of it (the same content as our PDF: contents, citation links, reference
  list; screen styles, none of the print page's features).

Each step runs under a small Python parent that reports the step's wall time, the CPU
seconds (user + system) of everything it ran, and the peak resident memory of the largest
process it ran (``getrusage(RUSAGE_CHILDREN)``: Linux counts every descendant that was
waited for, pool workers included). The machine's load average (1 minute) is read before
and after every step: on a shared machine others' work skews wall times, less so CPU
seconds, and the table says how busy it was.
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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "nn-llm-2024.md"
PYTHON = sys.executable

MEASURE = r"""
import json, os, resource, subprocess, sys, time
steps = json.loads(sys.argv[1])
load = os.getloadavg()[0]
start = time.perf_counter()
for step in steps:
    done = subprocess.run(step, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if done.returncode:
        sys.exit(done.stderr.decode(errors="replace").strip().splitlines()[-1:])
took = time.perf_counter() - start
use = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"s": took, "cpu": use.ru_utime + use.ru_stime, "kb": use.ru_maxrss,
                  "load": [load, os.getloadavg()[0]]}))
"""


@dataclass
class Row:
    """Every run of one step."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    mb: list[float] = field(default_factory=list)
    load: list[float] = field(default_factory=list)


def measure(steps: list[list[str]], cwd: Path) -> dict[str, Any]:
    """Wall and CPU seconds, peak RSS (MB) and the load before and after running ``steps``
    one after the other."""
    proc = subprocess.run(
        [PYTHON, "-c", MEASURE, json.dumps([[str(a) for a in s] for s in steps])],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode:
        sys.exit(f"bench: {' '.join(map(str, steps[-1]))}: failed: {proc.stderr.strip()}")
    return json.loads(proc.stdout)


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


def long_report(work: Path, times: int) -> Path:
    """The seed with its body (everything from the first heading) ``times`` times."""
    text = SEED.read_text("utf-8")
    m = re.search(r"(?m)^#", text)
    head, body = (text[: m.start()], text[m.start() :]) if m else ("", text)
    path = work / f"long{times}.md"
    path.write_text(head + "\n\n".join([body.rstrip()] * times) + "\n", "utf-8")
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
    ap.add_argument(
        "--sizes",
        default="10,40,100",
        help="long reports, as multiples of the seed's body (default 10,40,100; 10 is needed "
        "for the ratios)",
    )
    ap.add_argument(
        "--long-runs",
        type=int,
        default=1,
        help="runs of the reports longer than 10× (default 1: the 100× takes a minute)",
    )
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    args = ap.parse_args()
    sizes = sorted({int(x) for x in args.sizes.split(",") if x.strip()} | {10})
    publish = [PYTHON, "-m", "publish", "build", "--quiet"]
    weasyprint = [PYTHON, "-m", "weasyprint"]
    pd = pandoc()
    work = Path(tempfile.mkdtemp(prefix="publish-bench-"))
    longs = {n: long_report(work, n) for n in sizes}
    rows: dict[str, Row] = {}
    rewritten = 0

    def run(name: str, steps: list[list[str]], cwd: Path) -> None:
        got = measure(steps, cwd)
        row = rows.setdefault(name, Row())
        row.wall.append(got["s"])
        row.cpu.append(got["cpu"])
        row.mb.append(got["kb"] / 1024)
        row.load += got["load"]

    # The same content as our PDF (contents, citation links, the reference list), laid out
    # by plain WeasyPrint with the HTML edition's screen styles: what issue 10's print
    # features cost over it, and what any page of this content costs.
    edition = work / "long-html"
    subprocess.run(
        [*publish, longs[10], "--out", edition, "--formats", "html", "--editions", "zh-Hans"],
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
            for n, long in longs.items():
                if n != 10 and i >= args.long_runs:
                    continue
                plain = work / f"plain{n}-{i}"
                plain.mkdir()
                run(f"pandoc{n}", [[pd, "-s", long, "-o", "long.html"]], plain)
                run(f"weasy{n}", [[*weasyprint, "long.html", "long.pdf"]], plain)
                if n == 10:
                    run("same10", [[*weasyprint, ours_html, "same.pdf"]], plain)
                ours = [*publish, long, "--out", work / f"long{n}-{i}", "--formats", "pdf"]
                run(f"ours{n}", [[*ours, "--editions", "zh-Hans"]], ROOT)
            print(f"bench: run {i + 1}/{args.runs} done", file=sys.stderr)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    report(rows, rewritten, {**machine(), "start": load}, args, sizes)
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
    rows: dict[str, Row], rewritten: int, info: dict[str, str], args: Any, sizes: list[int]
) -> None:
    wall = {k: statistics.median(r.wall) for k, r in rows.items()}
    cpu = {k: statistics.median(r.cpu) for k, r in rows.items()}
    peak = {k: max(r.mb) for k, r in rows.items()}
    labels = [
        ("hand", "by hand, one edition: pandoc → EPUB, DOCX, HTML; WeasyPrint → PDF"),
        ("full", "`publish build` seed, 3 editions × 4 formats (12 files)"),
        ("noop", "`publish build` again, nothing changed (no-op)"),
    ]
    for n in sizes:
        labels += [
            (f"pandoc{n}", f"{n}× report: pandoc → standalone HTML"),
            (f"weasy{n}", f"{n}× report: plain WeasyPrint on that HTML → PDF"),
        ]
        if n == 10:
            labels.append(
                ("same10", "10× report: plain WeasyPrint on publish's HTML edition of it → PDF")
            )
        labels.append(
            (f"ours{n}", f"{n}× report: `publish build --formats pdf --editions zh-Hans`")
        )
    loads = [x for r in rows.values() for x in r.load]
    print(
        f"Machine: {info['cores']} cores, {info['cpu']}; Python {info['python']}, "
        f"pandoc {info['pandoc']}, WeasyPrint {info['weasyprint']}. Load average (1, 5, 15 "
        f"min) {info['start']} at the start, {info['load']} at the end; 1-minute load "
        f"{min(loads):.1f}–{max(loads):.1f} across the steps. Median of {args.runs} runs "
        f"(reports longer than 10×: {min(args.long_runs, args.runs)}).\n"
    )
    print("| step | wall s | CPU s | runs, wall (s) | load | peak RSS MB |")
    print("|---|---:|---:|---|---|---:|")
    for key, label in labels:
        r = rows[key]
        runs_s = " ".join(f"{x:.2f}" for x in r.wall)
        load = f"{min(r.load):.1f}–{max(r.load):.1f}"
        print(
            f"| {label} | {wall[key]:.2f} | {cpu[key]:.2f} | {runs_s} | {load} | {peak[key]:.0f} |"
        )
    full_hand = wall["full"] / wall["hand"]
    noop_full = wall["noop"] / wall["full"]
    ten_cpu = cpu["ours10"] / cpu["weasy10"]
    ten_wall = wall["ours10"] / wall["weasy10"]
    # The same ratio run by run (ours and plain WeasyPrint run one after the other in each):
    # the machine's speed drifts between runs (plain WeasyPrint's CPU seconds varied by
    # 15 % within one bench), which a ratio of two medians taken apart does not cancel.
    paired = [a / b for a, b in zip(rows["ours10"].cpu, rows["weasy10"].cpu, strict=True)]
    ten_paired = statistics.median(paired)
    big = max(sizes)
    print()
    print("| measure | value | target (issue 22) | |")
    print("|---|---:|---|---|")

    def line(name: str, value: str, target: str, met: bool, note: str = "") -> None:
        print(f"| {name} | {value} | {target} | {'met' if met else '**missed**'}{note} |")

    line(
        "peak memory, full build of the seed",
        f"{peak['full']:.0f} MB",
        "≤ 220 MB",
        peak["full"] <= 220,
    )
    if big >= 100:
        line(
            f"peak memory, {big}× report to PDF",
            f"{peak[f'ours{big}']:.0f} MB",
            "≤ 600 MB",
            peak[f"ours{big}"] <= 600,
        )
    line(
        "10× PDF ÷ plain WeasyPrint, CPU",
        f"{ten_cpu:.2f}",
        "≤ 1.6",
        ten_cpu <= 1.6 and ten_paired <= 1.6,
        f" (run by run: median {ten_paired:.2f}, {min(paired):.2f}–{max(paired):.2f})",
    )
    line("full build ÷ by hand, wall", f"{full_hand:.2f}", "≤ 1.8 (idle cores)", full_hand <= 1.8)
    line(
        "no-op ÷ full build, wall",
        f"{noop_full:.3f}",
        "≤ 0.02, nothing rewritten",
        noop_full <= 0.02 and not rewritten,
        f": {rewritten} file(s) rewritten",
    )
    print(f"| 10× PDF ÷ plain WeasyPrint, wall | {ten_wall:.2f} | | |")
    same = cpu["same10"] / cpu["weasy10"]
    print(f"| plain WeasyPrint, publish's HTML ÷ pandoc's HTML, CPU | {same:.2f} | | |")
    for n in sizes:
        r = cpu[f"ours{n}"] / cpu[f"weasy{n}"]
        print(
            f"| {n}× PDF ÷ plain WeasyPrint, CPU (peak MB: ours, plain) | {r:.2f} "
            f"({peak[f'ours{n}']:.0f}, {peak[f'weasy{n}']:.0f}) | | |"
        )


if __name__ == "__main__":
    raise SystemExit(main())
