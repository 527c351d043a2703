"""publish.toml (issue 21): found from a subfolder, every option in it, precedence
CLI > front matter > project > defaults, problems reported at once with file and line."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from publish.config import load_config
from publish.errors import UsageError
from tests.conftest import run_cli

REPORT = "---\ntitle: 项目报告\nauthor: 张三\n{front}---\n\n## 第一章\n\n正文写在这里。\n"
MM = 72 / 25.4  # PDF points per millimetre


def project(root: Path, toml: str, front: str = "", name: str = "report.md") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / name).write_text(REPORT.format(front=front), "utf-8")
    (root / "publish.toml").write_text(toml, "utf-8")
    return root


def page_mm(path: Path) -> tuple[int, int]:
    with pymupdf.open(path) as pdf:
        rect = pdf[0].rect
    return round(rect.width / MM), round(rect.height / MM)


def test_found_from_a_subfolder_and_its_paths_are_its_own(tmp_path):
    root = project(
        tmp_path / "proj",
        'sources = ["report.md"]\nout = "site"\nformats = ["html"]\neditions = "zh-Hans"\n',
    )
    sub = root / "notes" / "deep"
    sub.mkdir(parents=True)
    proc = run_cli("build", cwd=sub)
    assert proc.returncode == 0, proc.stderr
    made = sorted(p.name for p in (root / "site" / "report").iterdir())
    assert "report.zh-Hans.html" in made and "report.zh-Hant-TW.html" not in made
    assert not (sub / "dist").exists()
    # the closing summary: what was built, the warnings, where the download page is
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("done: 1 output built; 0 warnings; download page: ")
    assert Path(sub / last.split("download page: ")[1]).resolve() == root / "site" / "index.html"
    again = run_cli("build", cwd=sub)
    last = again.stderr.strip().splitlines()[-1]
    assert last.startswith("nothing to build: 1 outputs up to date in ")


def test_command_line_over_front_matter_over_project(tmp_path):
    toml = 'sources = ["a.md", "b.md"]\nformats = "pdf"\neditions = ["zh-Hans"]\npaper = "A5"\n'
    root = project(tmp_path, toml, name="a.md")
    (root / "b.md").write_text(REPORT.format(front="paper: B5\n"), "utf-8")
    proc = run_cli("build", "--quiet", cwd=root)
    assert proc.returncode == 0, proc.stderr
    assert page_mm(root / "dist/a/a.zh-Hans.pdf") == (148, 210)  # the project's A5
    assert page_mm(root / "dist/b/b.zh-Hans.pdf") == (176, 250)  # b's front matter B5
    proc = run_cli("build", "--quiet", "--paper", "A4", "-o", "cli", cwd=root)
    assert proc.returncode == 0, proc.stderr
    assert page_mm(root / "cli/a/a.zh-Hans.pdf") == (210, 297)
    assert page_mm(root / "cli/b/b.zh-Hans.pdf") == (210, 297)  # over the front matter


def test_changing_the_project_rebuilds(tmp_path):
    root = project(tmp_path, 'sources = ["report.md"]\nformats = "pdf"\neditions = "zh-Hans"\n')
    assert run_cli("build", "--quiet", cwd=root).returncode == 0
    (root / "publish.toml").write_text(
        'sources = ["report.md"]\nformats = "pdf"\neditions = "zh-Hans"\npaper = "B5"\n', "utf-8"
    )
    proc = run_cli("build", cwd=root)
    assert "built " in proc.stderr, proc.stderr
    assert page_mm(root / "dist/report/report.zh-Hans.pdf") == (176, 250)


def test_unknown_keys_warn_with_line_and_suggestion(tmp_path):
    root = project(
        tmp_path,
        '# my report\nsources = ["report.md"]\nformts = "pdf"\nformats = "html"\n'
        'editions = "zh-Hans"\n[book]\ntitle = "x"\n',
        front="titel: 错字\n",
    )
    proc = run_cli("build", cwd=root)
    assert proc.returncode == 0, proc.stderr
    err = proc.stderr
    assert "publish.toml:3: warning: unknown key 'formts', ignored (did you mean formats?)" in err
    assert "publish.toml:6: warning: unknown table 'book'" in err
    # a misspelt front-matter key is named, with what was meant, at its line
    assert "report.md:4: warning: front matter key titel: is not one publish reads " in err
    assert "(did you mean title?)" in err and "[metadata-misspelt]" in err
    assert "; 3 warnings; " in err.strip().splitlines()[-1]
    strict = run_cli("build", "--strict", "-o", "strict", cwd=root)
    assert strict.returncode == 1
    assert "--strict: 2 warning(s) about the configuration" in strict.stderr
    assert not (root / "strict").exists()  # nothing built, nothing published


def test_every_problem_at_once_one_line_exit_2(tmp_path):
    root = project(
        tmp_path,
        'sources = ["report.md", "gone.md", "*.markdown"]\nformats = ["pdf", "rtf"]\n'
        'editions = "zh-TW"\npaper = "B6"\njobs = "four"\nglossary = "no.toml"\n'
        'domain = "tech"\nstyles = "nowhere"\n',
    )
    proc = run_cli("build", cwd=root)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    line = lines[0]
    for part in (
        "gone.md: no such file",
        "publish.toml:1: sources: *.markdown matches no file",
        "publish.toml:2: formats: unknown rtf",
        "publish.toml:3: editions: unknown zh-TW (did you mean zh-Hant-TW?)",
        "publish.toml:4: paper B6: unknown paper size",
        "publish.toml:5: jobs must be a whole number; got 'four'",
        "no.toml: no such file",
        "publish.toml:7: domain tech: unknown (did you mean technical?)",
        "nowhere: no such folder",
    ):
        assert part in line, part


def test_bad_toml_and_no_sources(tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "publish.toml").write_text('formats = "html\n', "utf-8")
    proc = run_cli("build", cwd=bad)
    assert proc.returncode == 2 and "publish.toml: not valid TOML (" in proc.stderr
    assert "line 1" in proc.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    proc = run_cli("build", cwd=empty)
    assert proc.returncode == 2 and "list them in a publish.toml" in proc.stderr


def test_project_options_and_switches(tmp_path):
    root = project(
        tmp_path,
        'sources = ["*.md"]\nout = "o"\nformats = "html"\neditions = "zh-Hant-TW"\n'
        'keep-quotes = true\nreview = true\nstrict = true\njobs = 2\nfrom = "markdown"\n'
        'domain = "general"\n',
    )
    config = load_config([], project_file=str(root))
    assert config.sources == (root / "report.md",)
    assert config.out == root / "o"
    assert (config.quotes, config.review, config.strict, config.jobs) == (False, True, True, 2)
    assert config.defaults == {"from": "markdown", "domain": "general"}
    cli = load_config([], project_file=str(root), reader="commonmark", jobs=1, strict=False)
    assert cli.reader == "commonmark" and "from" not in cli.defaults and cli.jobs == 1


def test_chapters_are_read_and_checked(tmp_path):
    root = project(tmp_path, 'chapters = ["report.md", "missing.md"]\n')
    proc = run_cli("build", cwd=root)
    assert proc.returncode == 2
    assert "chapter " in proc.stderr and "missing.md: no such file" in proc.stderr


def test_a_book_project_with_its_own_logo_and_fonts(tmp_path):
    """Issue 21's "done when": a project folder with publish.toml, a styles/ overriding the
    logo and the fonts, and two chapter files builds into one book in every format."""
    from publish.styles import STYLES
    from tests.readback import docx_xml, epub_xhtml, html_doc, pdf_fonts, pdf_text

    root = tmp_path / "城市之书"
    (root / "styles").mkdir(parents=True)
    (root / "01.md").write_text("---\ntitle: 城市之书\n---\n\n# 第一章 背景\n\n甲。\n", "utf-8")
    (root / "02.md").write_text("# 第二章 结论\n\n乙。\n", "utf-8")
    (root / "publish.toml").write_text('chapters = ["01.md", "02.md"]\neditions = "zh-Hans"\n')
    (root / "styles" / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="90" height="30">'
        '<rect width="90" height="30" fill="#cc0000"/></svg>',
        "utf-8",
    )
    fonts = (STYLES / "fonts.css").read_text("utf-8")
    fonts = fonts.replace('--serif: "Noto Serif CJK SC"', '--serif: "Noto Sans CJK SC"')
    (root / "styles" / "fonts.css").write_text(fonts, "utf-8")
    proc = run_cli("build", cwd=root)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip().splitlines()[-1].startswith("done: 4 outputs built; 0 warnings")
    (folder,) = (root / "dist").glob("*/")  # one book, not one output per chapter
    (pdf,) = folder.glob("*.zh-Hans.pdf")
    text = pdf_text(pdf)
    assert "第一章 背景" in text and "第二章 结论" in text
    assert not [f for f in pdf_fonts(pdf) if "Serif" in f]
    with pymupdf.open(pdf) as doc:
        fills = [d.get("fill") for d in doc[0].get_drawings()]
    assert pytest.approx((0.8, 0.0, 0.0), abs=0.01) in fills  # the logo, on the cover
    (page,) = folder.glob("*.zh-Hans.html")
    assert html_doc(page).xpath('//p[@class="logo"]/img')
    (epub,) = folder.glob("*.zh-Hans.epub")
    words = "".join("".join(x.itertext()) for x in epub_xhtml(epub))
    assert "第一章 背景" in words and "第二章 结论" in words
    (docx,) = folder.glob("*.zh-Hans.docx")
    body = "".join(docx_xml(docx).itertext())
    assert "第一章 背景" in body and "第二章 结论" in body


def test_toc_false_leaves_the_contents_out_of_every_format(tmp_path):
    """toc: false in one source's front matter (over publish.toml's toc = true); --no-toc
    over both. The contents: nav#TOC in HTML, the PDF's 目录 page, Word's TOC field, the
    EPUB's contents page in the reading order."""
    from tests.readback import docx_xml, epub_files, html_doc, pdf_text

    body = "## 第一章\n\n正文。\n\n## 第二章\n\n正文二。\n"
    (tmp_path / "a.md").write_text(f"---\ntitle: 甲\ntoc: false\n---\n\n{body}", "utf-8")
    (tmp_path / "b.md").write_text(f"---\ntitle: 乙\n---\n\n{body}", "utf-8")
    (tmp_path / "publish.toml").write_text(
        'sources = ["a.md", "b.md"]\neditions = "zh-Hans"\ntoc = true\n', "utf-8"
    )

    def contents(out: Path, stem: str) -> list[bool]:
        folder = out / stem
        word = docx_xml(folder / f"{stem}.zh-Hans.docx")
        spine = epub_files(folder / f"{stem}.zh-Hans.epub")["EPUB/content.opf"]
        return [
            bool(html_doc(folder / f"{stem}.zh-Hans.html").xpath('//nav[@id="TOC"]')),
            "目录" in pdf_text(folder / f"{stem}.zh-Hans.pdf"),
            any("TOC" in (t.text or "") for t in word.iter(f"{{{word.nsmap['w']}}}instrText")),
            b'<itemref idref="nav"' in spine,
        ]

    assert run_cli("build", "--quiet", cwd=tmp_path).returncode == 0
    assert contents(tmp_path / "dist", "a") == [False] * 4
    assert contents(tmp_path / "dist", "b") == [True] * 4
    proc = run_cli("build", "--quiet", "--no-toc", "-o", "none", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert contents(tmp_path / "none", "b") == [False] * 4


def test_every_build_option_has_a_key(tmp_path):
    """The command line's build options are publish.toml keys too (per-run switches such
    as --force, --dry-run, --quiet and --debug excepted)."""
    from publish.cli import parser
    from publish.project import KEYS

    build = parser()._subparsers._group_actions[0].choices["build"]  # type: ignore[union-attr]
    runs = {"help", "force", "dry-run", "quiet", "debug", "project"}
    options = {o.removeprefix("--") for a in build._actions for o in a.option_strings}
    options = {o for o in options if o.startswith(tuple("abcdefghijklmnopqrstuvwxyz"))}
    missing = sorted(o for o in options - runs if o not in KEYS and o != "no-toc")
    assert not missing, missing
    root = project(tmp_path, 'sources = ["report.md"]\ntruncated = "fial"\ndate = "yesterday"\n')
    with pytest.raises(UsageError) as err:
        load_config([], project_file=str(root))
    assert "publish.toml:2: truncated fial: unknown (did you mean fail?)" in str(err.value)
    assert "publish.toml:3: date yesterday: unknown" in str(err.value)
    (root / "publish.toml").write_text('sources = ["report.md"]\ndate = "today"\n', "utf-8")
    assert load_config([], project_file=str(root)).today
