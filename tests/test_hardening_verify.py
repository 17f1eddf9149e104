"""verify reads source documents only inside the --sources folders (or beside the case file)."""

from __future__ import annotations

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from lianjian.cli import cli
from lianjian.synth import write_synth


def _corpus(tmp_path, file_value: str):
    cases = tmp_path / "cases"
    write_synth(cases, 1, seed=1)
    path = cases / "synth-00000.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("file: synth-00000.txt", f"file: {file_value!r}".replace("'", '"'), 1),
                    encoding="utf-8")
    sources = tmp_path / "sources"
    sources.mkdir()
    return cases, sources


def _verify(cases, sources):
    return CliRunner().invoke(cli, ["verify", "--no-bundled", "--cases", str(cases), "--sources", str(sources)])


def _check_refused(result, secret: str):
    assert result.exit_code == 1, result.output
    assert "outside the sources folders" in result.output and "refused" in result.output
    assert secret not in result.output and "Traceback" not in result.output
    assert len([ln for ln in result.output.splitlines() if "outside the sources" in ln]) == 1


def test_dot_dot_is_refused(tmp_path):
    (tmp_path / "secret.txt").write_text("积极推进党建联建工作 top secret", encoding="utf-8")
    cases, sources = _corpus(tmp_path, "../secret.txt")
    _check_refused(_verify(cases, sources), "top secret")


def test_absolute_path_is_refused(tmp_path):
    secret = tmp_path / "abs-secret.txt"
    secret.write_text("积极推进党建联建工作 top secret", encoding="utf-8")
    cases, sources = _corpus(tmp_path, str(secret))
    _check_refused(_verify(cases, sources), "top secret")


def test_a_link_leading_out_is_refused(tmp_path):
    outside = tmp_path / "elsewhere.txt"
    outside.write_text("积极推进党建联建工作 top secret", encoding="utf-8")
    cases, sources = _corpus(tmp_path, "inside.txt")
    (sources / "inside.txt").symlink_to(outside)
    _check_refused(_verify(cases, sources), "top secret")


def test_a_file_inside_is_read(tmp_path):
    cases, sources = _corpus(tmp_path, "sub/inside.txt")
    (sources / "sub").mkdir()
    (sources / "sub" / "inside.txt").write_text("nothing quoted here", encoding="utf-8")
    result = _verify(cases, sources)
    assert "outside the sources" not in result.output and "quote not found in inside.txt" in result.output


@given(depth=st.integers(min_value=1, max_value=4), tail=st.sampled_from(["etc/passwd", "secret.txt", "x/../../y"]))
@settings(max_examples=12, deadline=None)
def test_any_path_climbing_out_is_refused(tmp_path_factory, depth, tail):
    tmp_path = tmp_path_factory.mktemp("climb")
    cases, sources = _corpus(tmp_path, "../" * depth + tail)
    _check_refused(_verify(cases, sources), "root:")
