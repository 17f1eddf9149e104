"""The foundation commands through click's CliRunner: build, validate, verify, stats, export, demo."""

from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner

from lianjian.cli import cli
from tests.conftest import MINIMAL_CASE


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args, **kw):
        return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False, **kw)

    return invoke


def test_build_writes_each_format(run, case_dir, tmp_path):
    folder = case_dir()
    for ext, probe in ((".ttl", b"@prefix"), (".nt", b"<https://w3id.org/lianjian/id/mini-metro>"),
                       (".trig", b"graph:mini-case"), (".nq", b"<https://w3id.org/lianjian/graph/mini-case>"), (".jsonld", b"@id")):
        out = tmp_path / f"g{ext}"
        result = run("build", "--no-bundled", "--cases", folder, "-o", out)
        assert result.exit_code == 0, result.output
        assert probe in out.read_bytes(), ext


def test_build_bundled_corpus_roundtrips(run, tmp_path):
    out = tmp_path / "lianjian.trig"
    assert run("build", "-o", out).exit_code == 0
    from lianjian.graph import KnowledgeGraph

    kg = KnowledgeGraph.from_file(out)
    assert kg.select("SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")[0]["n"] >= 7  # 5 sources, shared, ontology


def test_failed_build_leaves_existing_output_untouched(run, case_dir, tmp_path):
    out = tmp_path / "graph.ttl"
    out.write_text("previous output\n", encoding="utf-8")
    folder = case_dir({"c.yaml": MINIMAL_CASE.replace("kind: District", "kind: Nowhere")})
    result = run("build", "--no-bundled", "--cases", folder, "-o", out)
    assert result.exit_code == 1
    assert "unknown area kind 'Nowhere'" in result.output and "Traceback" not in result.output
    assert out.read_text(encoding="utf-8") == "previous output\n"
    assert sorted(os.listdir(tmp_path)) == ["cases", "graph.ttl"]  # no temporary file left behind


def test_build_needs_known_extension_and_existing_folder(run, tmp_path):
    bad = run("build", "-o", tmp_path / "graph.xyz")
    assert bad.exit_code == 2 and "unknown extension" in bad.output
    missing = run("build", "-o", tmp_path / "no" / "graph.ttl")
    assert missing.exit_code == 2 and "does not exist" in missing.output
    folder = run("build", "-o", tmp_path)
    assert folder.exit_code == 2 and "is a directory" in folder.output


def test_validate_bundled_corpus(run):
    result = run("validate")
    assert result.exit_code == 0, result.output
    assert "case files OK" in result.output and "SHACL: conforms" in result.output


def test_validate_reports_problems_with_exit_1(run, case_dir):
    folder = case_dir({"c.yaml": MINIMAL_CASE.replace("participants: [mini-committee, mini-metro]", "participants: [mini-committee]")})
    result = run("validate", "--no-bundled", "--cases", folder)
    assert result.exit_code == 1
    lines = [l for l in result.output.splitlines() if l]
    assert lines[0].endswith("`participants` needs at least 2 values, found 1") and "c.yaml:" in lines[0]
    assert lines[-1] == "1 problem found; nothing was written."


def test_verify_finds_every_bundled_quote(run, seeds):
    result = run("verify", "--sources", seeds, "--format", "json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["quotes"] > 500 and summary["missing"] == 0


def test_verify_reports_missing_quote(run, case_dir, seeds):
    folder = case_dir({"c.yaml": MINIMAL_CASE.replace("evidence: 长宁区委", "evidence: 这句话不在原文里")})
    result = run("verify", "--no-bundled", "--cases", folder, "--sources", seeds)
    assert result.exit_code == 1
    assert "quote not found in 000_4ea9a70eba53a7dc.txt: 这句话不在原文里" in result.output


def test_stats_table_and_json(run):
    table = run("stats")
    assert table.exit_code == 0 and "Per source document:" in table.output and "changning-cohesion-2013" in table.output
    data = json.loads(run("stats", "--format", "json").output)
    assert {s["source"] for s in data["sources"]} == {
        "changning-cohesion-2013", "huating-six-systems", "changning-decade-2022", "pudong-daju-2015", "changning-1n-model"}
    assert data["classes"]["JointBuilding"] == data["sector_coverage"]["relationships"] >= 90
    assert any(s["sector"] == "community" for s in data["sectors"])
    # The codebook issue's figure: at least 95 % of relationships have a sector at every end.
    assert data["sector_coverage"]["percent"] >= 95
    assert f"Relationships with a sector at every end: {data['sector_coverage']['with_sectors']} of" in table.output


@pytest.mark.parametrize("fmt, probe", [("graphml", b"<graphml"), ("gexf", b"<gexf"), ("nt", b"lianjian"), ("jsonld", b"@id")])
def test_export(run, tmp_path, fmt, probe):
    out = tmp_path / f"out.{fmt}"
    result = run("export", "--format", fmt, "-o", out)
    assert result.exit_code == 0, result.output
    assert probe in out.read_bytes()[:5000] or probe in out.read_bytes()


def test_export_unknown_format_is_usage_error(run, tmp_path):
    result = run("export", "--format", "xlsx", "-o", tmp_path / "x")
    assert result.exit_code == 2 and "xlsx" in result.output


def test_demo_writes_network_page(run, tmp_path):
    out = tmp_path / "net.html"
    result = run("demo", "-o", out)
    assert result.exit_code == 0, result.output
    assert "Per source document:" in result.output and "lianjian query cross-sector-links" in result.output
    page = out.read_text(encoding="utf-8")
    assert "vis.Network" in page and "http://" not in page.split("<script id=\"lianjian-data\"")[0].replace("http://www.w3.org", "")


def test_debug_shows_traceback(run, case_dir):
    folder = case_dir({"c.yaml": "source: [\n"})
    plain = run("validate", "--no-bundled", "--cases", folder)
    assert plain.exit_code == 1 and "Traceback" not in plain.output


def test_every_command_has_help_and_docs():
    """Each command has a docstring, answers --help, and is named in the README."""
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    runner = CliRunner()
    for name, command in cli.commands.items():
        assert command.help and len(command.help.strip()) > 20, name
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0 and "Usage:" in result.output, name
        assert f"lianjian {name}" in readme, f"README does not mention `lianjian {name}`"


def test_verify_finds_a_source_beside_its_case_file(run, case_dir, seeds, tmp_path):
    import shutil

    folder = case_dir()
    shutil.copy(seeds / "000_4ea9a70eba53a7dc.txt", folder / "000_4ea9a70eba53a7dc.txt")
    empty = tmp_path / "no-sources-here"
    empty.mkdir()
    result = run("verify", "--no-bundled", "--cases", folder, "--sources", empty)
    assert result.exit_code == 0, result.output
    assert "3 of 3 quotes found (100.0%)" in result.output
