"""Bad input on the command line: one clear line, the right exit status, no traceback, nothing lost."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from lianjian.cli import cli
from tests.conftest import MINIMAL_CASE


@pytest.fixture
def run():
    runner = CliRunner()
    return lambda *args: runner.invoke(cli, [str(a) for a in args])


def _one_line_error(result, code):
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    lines = [l for l in result.output.splitlines() if l.strip()]
    return lines


def test_fifty_megabyte_file_is_refused_quickly(run, case_dir):
    folder = case_dir({"big.yaml": "", "mini.yaml": MINIMAL_CASE})
    with open(folder / "big.yaml", "wb") as fh:
        fh.write(b"# " + b"x" * (50 * 1024 * 1024) + b"\n")
    lines = _one_line_error(run("validate", "--no-bundled", "--cases", folder), 1)
    assert any("big.yaml:1:1: file is 50.0 MB, over the 20 MB limit for one case file" in l for l in lines)


def test_tabs_for_indentation(run, case_dir):
    folder = case_dir({"c.yaml": MINIMAL_CASE.replace("    zh: 长宁区委", "\tzh: 长宁区委")})
    lines = _one_line_error(run("validate", "--no-bundled", "--cases", folder), 1)
    assert "c.yaml:" in lines[0] and "invalid YAML" in lines[0] and "tab" in lines[0].lower()


def test_ids_that_collide_after_normalisation(run, case_dir):
    folder = case_dir({"c.yaml": MINIMAL_CASE.replace("id: mini-metro", "id: ｍｉｎｉ-committee")})
    lines = _one_line_error(run("validate", "--no-bundled", "--cases", folder), 1)
    assert any("is not a safe id" in l and "try 'mini-committee'" in l for l in lines)


def test_output_into_read_only_folder(run, tmp_path, monkeypatch):
    """CI runs as root, which ignores permissions, so os.access is made to say no."""
    import lianjian.io

    monkeypatch.setattr(lianjian.io.os, "access", lambda path, mode: False)
    lines = _one_line_error(run("build", "-o", tmp_path / "g.ttl"), 2)
    assert lines[0].startswith("Error: -o ") and "is not writable" in lines[0]


def test_sparql_syntax_error_names_the_position(run):
    lines = _one_line_error(run("sparql", "SELECT ?x WHERE { ?x lj:foo }}"), 2)
    assert len(lines) == 1 and lines[0].startswith("Error: SPARQL") and ("line" in lines[0] or "position" in lines[0] or "1:" in lines[0])


def test_unknown_format_and_option_are_usage_errors(run, tmp_path):
    assert run("stats", "--format", "xml").exit_code == 2
    assert run("viz", "-o", tmp_path / "x.html", "--hops", "0").exit_code == 2
    assert run("build", "--cases", tmp_path / "nowhere", "-o", tmp_path / "g.ttl").exit_code == 2


def test_debug_flag_shows_the_traceback(run, case_dir):
    folder = case_dir({"c.yaml": MINIMAL_CASE.replace("kind: District", "kind: Nowhere")})
    plain = run("validate", "--no-bundled", "--cases", folder)
    assert plain.exit_code == 1 and "Traceback" not in plain.output
    debug = run("--debug", "validate", "--no-bundled", "--cases", folder)
    assert debug.exit_code == 1 and "Traceback" in debug.output


def test_previous_output_survives_every_failure(run, case_dir, tmp_path):
    out = tmp_path / "keep.html"
    out.write_text("previous page", encoding="utf-8")
    bad = case_dir({"c.yaml": MINIMAL_CASE.replace("start: 2005", "start: 2999")})
    assert run("viz", "--no-bundled", "--cases", bad, "-o", out).exit_code == 1
    assert run("viz", "-o", out, "--around", "no-such-entity").exit_code == 2
    assert out.read_text(encoding="utf-8") == "previous page"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cases", "keep.html"]
