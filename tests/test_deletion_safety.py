"""Folders the program replaces or clears hold only what it wrote: a user's files there are never deleted."""

import pytest
from click.testing import CliRunner

from lianjian.cli import cli


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_neo4j_export_never_deletes_a_folder_named_like_its_files(case_dir, tmp_path):
    out = tmp_path / "neo"
    (out / "README.txt").mkdir(parents=True)
    (out / "README.txt" / "mine.txt").write_text("the user's", encoding="utf-8")
    result = run("export", "--format", "neo4j", "--no-bundled", "--cases", case_dir(), "-o", out)
    assert result.exit_code == 2 and "which this program did not write" in result.output
    assert (out / "README.txt" / "mine.txt").read_text(encoding="utf-8") == "the user's"


def test_neo4j_export_replaces_its_own_earlier_export(case_dir, tmp_path):
    out = tmp_path / "neo"
    for _ in range(2):
        result = run("export", "--format", "neo4j", "--no-bundled", "--cases", case_dir(), "-o", out)
        assert result.exit_code == 0, result.output
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".lianjian-")]


def test_a_cache_folder_holding_other_things_is_not_adopted(case_dir, tmp_path):
    cache = tmp_path / "mine"
    (cache / "graph").mkdir(parents=True)
    (cache / "notes.txt").write_text("keep", encoding="utf-8")
    result = run("build", "--no-bundled", "--cases", case_dir(), "--cache", cache, "-o", tmp_path / "g.nq")
    assert result.exit_code == 2 and "not a lianjian cache folder" in result.output
    assert (cache / "notes.txt").read_text(encoding="utf-8") == "keep" and not (tmp_path / "g.nq").exists()


def test_a_failed_swap_puts_the_users_folder_back(tmp_path, monkeypatch):
    import os

    from lianjian import io as lio

    target = tmp_path / "out"
    target.mkdir()
    (target / "a.txt").write_text("old", encoding="utf-8")
    real = os.replace
    calls = []

    def replace(src, dst):
        calls.append((src, dst))
        if len(calls) == 2:  # moving the new folder into place fails
            raise OSError(28, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(lio.os, "replace", replace)
    from lianjian.errors import DataError

    with pytest.raises(DataError, match='No space left|space'):
        lio.atomic_directory(target, lambda d: (d / "a.txt").write_text("new", encoding="utf-8"), replaces={"a.txt"})
    assert (target / "a.txt").read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
