"""Configuration: every problem reported at once; safe output names."""

from __future__ import annotations

from pathlib import Path

import pytest

from publish.config import load_config, stem_of
from publish.errors import UsageError
from tests.conftest import run_cli


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("report.md", "report"),
        ("my report (final).md", "my-report-final"),
        ("报告 2024年.md", "报告-2024年"),
        ("a;rm -rf $HOME`x`.md", "a-rm-rf-HOME-x"),
        ("..md", "report"),
        ("---.markdown", "report"),
        ("x" * 300 + ".md", "x" * 100),
    ],
)
def test_safe_stems(name, stem):
    assert stem_of(Path(name)) == stem


def test_every_problem_reported_at_once(tmp_path):
    with pytest.raises(UsageError) as err:
        load_config(
            [], formats="pdf,rtf", editions="zh-TW", glossary=str(tmp_path / "no.toml"), jobs=0
        )
    msg = str(err.value)
    for part in ("no SOURCE", "rtf", "zh-TW", "no.toml", "--jobs"):
        assert part in msg


def test_same_stem_twice_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="share the output name"):
        load_config([str(tmp_path / "a/r.md"), str(tmp_path / "b/r.md")])


def test_hostile_name_lands_inside_out(tmp_path):
    src = tmp_path / "$(touch pwned) ; 报告 `x`.md"
    src.write_text("# 标题\n\n正文。\n", "utf-8")
    out = tmp_path / "out"
    proc = run_cli(
        "build", str(src), "--out", str(out), "--formats", "html", "--editions", "zh-Hans"
    )
    assert proc.returncode == 0, proc.stderr
    made = [p for p in out.rglob("*") if p.is_file()]
    assert made and all(out in p.parents for p in made)
    assert (out / "touch-pwned-报告-x" / "touch-pwned-报告-x.zh-Hans.html").is_file()
    assert not (tmp_path / "pwned").exists() and not Path("pwned").exists()


def test_project_file_lines_types_and_suggestions(tmp_path):
    from publish import project

    path = tmp_path / "publish.toml"
    path.write_text(
        '# 注释\n"formats" = "html"\nstrict = "yes"\njobs = true\n\n[formats2]\nx = 1\n'
        "editons = 3\n",
        "utf-8",
    )
    proj = project.load(path)
    assert proj.lines == {"formats": 2, "strict": 3, "jobs": 4, "formats2": 6}
    assert proj.values == {"formats": "html"}
    assert proj.problems == [
        f"{path}:3: strict must be true or false; got 'yes'",
        f"{path}:4: jobs must be a whole number; got True",
    ]
    # a key under [formats2] belongs to that table: one warning for the table
    assert len(proj.warnings) == 1 and "unknown table 'formats2'" in proj.warnings[0]
    assert project.suggest("titel", ["title", "date"]) == " (did you mean title?)"
    assert project.suggest("A4", ["a4"]) == " (did you mean a4?)"
    assert project.suggest("layout", ["title", "date"]) == ""


def test_project_found_upwards(tmp_path, monkeypatch):
    from publish import project

    (tmp_path / "publish.toml").write_text("", "utf-8")
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    assert project.find() == Path("../../publish.toml")
    assert project.find(deep) == tmp_path / "publish.toml"
    assert project.find(Path("/")) is None or Path("/publish.toml").is_file()
