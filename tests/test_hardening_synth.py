"""synth -o DIR never deletes what it did not write."""

from __future__ import annotations

import os

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from lianjian.cli import cli

NAMES = st.text(alphabet="abcdefghij-_.中文", min_size=1, max_size=12).filter(lambda n: n not in (".", "..") and not n.startswith(".lianjian"))


def _snapshot(folder):
    return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@given(names=st.lists(NAMES, min_size=1, max_size=5, unique=True))
@settings(max_examples=20, deadline=None)
def test_a_folder_holding_anything_is_refused_and_untouched(tmp_path_factory, names):
    folder = tmp_path_factory.mktemp("theirs")
    for i, name in enumerate(names):
        (folder / name).write_text(f"user file {i}")
    before = _snapshot(folder)
    result = CliRunner().invoke(cli, ["synth", "--cases", "1", "-o", str(folder)])
    assert result.exit_code == 2 and "not empty" in result.output and "--force" in result.output
    assert _snapshot(folder) == before


def test_parent_folder_given_as_relative_path_is_refused(tmp_path):
    inner = tmp_path / "work"
    inner.mkdir()
    (inner / "notes.txt").write_text("precious")
    cwd = os.getcwd()
    os.chdir(inner)
    try:
        result = CliRunner().invoke(cli, ["synth", "--cases", "1", "-o", "../work"])
    finally:
        os.chdir(cwd)
    assert result.exit_code == 2 and (inner / "notes.txt").read_text() == "precious"


def test_force_replaces_only_files_synth_wrote(tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "notes.txt").write_text("precious")
    (folder / "sub").mkdir()
    (folder / "sub" / "x.yaml").write_text("mine")
    runner = CliRunner()
    assert runner.invoke(cli, ["synth", "--cases", "3", "-o", str(folder), "--force"]).exit_code == 0
    assert (folder / "synth-00002.yaml").is_file()
    assert runner.invoke(cli, ["synth", "--cases", "1", "-o", str(folder), "--force"]).exit_code == 0
    assert not (folder / "synth-00002.yaml").exists() and (folder / "synth-00000.yaml").is_file()
    assert (folder / "notes.txt").read_text() == "precious" and (folder / "sub" / "x.yaml").read_text() == "mine"


def test_an_empty_folder_is_filled(tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir()
    assert CliRunner().invoke(cli, ["synth", "--cases", "1", "-o", str(folder)]).exit_code == 0
    assert sorted(p.name for p in folder.iterdir()) == ["shared.yaml", "synth-00000.yaml"]
