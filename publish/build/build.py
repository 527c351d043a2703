"""The orchestrator: read → clean → cite → editions → writers, for every source."""

from __future__ import annotations

import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from publish import manuscript, reading
from publish.ast import run_filters
from publish.build import report, site
from publish.config import Config, stem_of
from publish.document import Diagnostic, Document
from publish.editions import Glossary, load_glossary, make_edition
from publish.editions.script import detect_script, region_of
from publish.references import Citations
from publish.writers import WRITERS


@dataclass
class BuildResult:
    documents: list[Document] = field(default_factory=list)
    outputs: list[dict[str, Any]] = field(default_factory=list)

    @property
    def warnings(self) -> list[tuple[Document, Diagnostic]]:
        return [(d, x) for d in self.documents for x in d.warnings]


def prepare(source: Path) -> Document:
    """Every stage before the editions, once per source."""
    doc = reading.read(source, stem_of(source))
    manuscript.clean_text(doc)
    reading.parse(doc)
    manuscript.clean_ast(doc)
    doc.script = (
        "Hant"
        if doc.meta.lang.lower().startswith(("zh-hant", "zh-tw", "zh-hk"))
        else detect_script(doc.text)
    )  # type: ignore[assignment]
    if doc.script == "Hant":
        doc.region = region_of(doc.meta.lang)
    run_filters([Citations()], doc)
    return doc


def _edition_job(
    doc: Document,
    code: str,
    formats: tuple[str, ...],
    folder: Path,
    glossary: Glossary,
    quotes: bool,
    options: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """One edition of one document, all its formats (runs in a worker process)."""
    before = len(doc.diagnostics)
    edition = make_edition(doc, code, glossary, quotes=quotes)
    outputs = []
    for fmt in formats:
        path = folder / f"{doc.stem}.{code}.{fmt}"
        start = time.perf_counter()
        info = WRITERS[fmt](edition, path, **(options or {}).get(fmt, {}))
        outputs.append(
            {
                "path": path,
                "edition": code,
                "format": fmt,
                "seconds": time.perf_counter() - start,
                **info,
            }
        )
    return {
        "outputs": outputs,
        "diagnostics": doc.diagnostics[before:],
        "phrases": edition.phrases,
        "title": edition.title,
    }


def build(config: Config, log=print) -> BuildResult:
    glossary = load_glossary(config.glossary)
    result = BuildResult()
    jobs = max(1, min(config.jobs, len(config.sources) * len(config.editions)))
    with ProcessPoolExecutor(max_workers=jobs) if jobs > 1 else _Inline() as pool:
        for source in config.sources:
            doc = prepare(source)
            result.documents.append(doc)
            folder = config.out / doc.stem
            futures = {
                code: pool.submit(
                    _edition_job,
                    doc,
                    code,
                    config.formats,
                    folder,
                    glossary,
                    config.quotes,
                    config.writer_options,
                )
                for code in config.editions
            }
            editions: dict[str, Any] = {}
            for code, fut in futures.items():
                done = fut.result()
                doc.diagnostics.extend(done["diagnostics"])
                editions[code] = {"title": done["title"], "phrases": done["phrases"]}
                for out in done["outputs"]:
                    out["source"] = str(source)
                    result.outputs.append(out)
                    if not config.quiet:
                        log(f"built {out['path']} ({out['seconds']:.1f} s)")
            report.write(doc, editions, folder, config.out)
    site.write(config.out, result)
    return result


class _Inline:
    """A stand-in for a pool with one worker: run in this process (no fork cost)."""

    def __enter__(self) -> _Inline:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def submit(self, fn, *args):
        return _Done(fn(*args))


class _Done:
    def __init__(self, value: Any) -> None:
        self.value = value

    def result(self) -> Any:
        return self.value


def stderr_line(doc: Document, d: Diagnostic) -> str:
    where = f"{doc.source}:{d.line}" if d.line else str(doc.source)
    return f"{where}: {d.severity}: {d.message} [{d.code}]"
