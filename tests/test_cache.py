"""The build cache: a warm build reopens the stored graph; a changed file rebuilds only its document."""

import shutil

from click.testing import CliRunner

from lianjian.cli import cli
from lianjian.graph import KnowledgeGraph
from lianjian.synth import write_synth


def _nquads(kg) -> list[str]:
    return sorted(kg.serialize("nq").decode("utf-8").splitlines())


def test_incremental_build_equals_full_build(tmp_path):
    cases = tmp_path / "cases"
    write_synth(cases, 4, seed=3)
    cache = tmp_path / "cache"
    cold = KnowledgeGraph.from_cases([cases], bundled=False, cache_dir=cache)
    manifest = (cache / "graph" / "manifest.json").read_text()
    warm = KnowledgeGraph.from_cases([cases], bundled=False, cache_dir=cache)
    assert len(warm) == len(cold) and (cache / "graph" / "manifest.json").read_text() == manifest
    # Change one document: a quote, a label and a relationship's year.
    path = cases / "synth-00002.yaml"
    text = path.read_text(encoding="utf-8")
    changed = text.replace("积极推进党建联建工作", "积极推进党建联建工作（修订）", 3).replace("start: 2005", "start: 2006", 1)
    assert changed != text
    path.write_text(changed, encoding="utf-8")
    incremental = KnowledgeGraph.from_cases([cases], bundled=False, cache_dir=cache)
    full = KnowledgeGraph.from_cases([cases], bundled=False)
    assert _nquads(incremental) == _nquads(full)
    assert incremental.select("SELECT (COUNT(*) AS ?n) WHERE { ?e lj:quote ?q FILTER(CONTAINS(?q, '修订')) }")[0]["n"] >= 1


def test_adding_a_file_rebuilds_everything(tmp_path):
    cases = tmp_path / "cases"
    write_synth(cases, 3, seed=4)
    cache = tmp_path / "cache"
    KnowledgeGraph.from_cases([cases], bundled=False, cache_dir=cache)
    extra = tmp_path / "more"
    write_synth(extra, 4, seed=4)
    shutil.copy(extra / "synth-00003.yaml", cases / "synth-00003.yaml")
    assert _nquads(KnowledgeGraph.from_cases([cases], bundled=False, cache_dir=cache)) == _nquads(KnowledgeGraph.from_cases([cases], bundled=False))


def test_bad_change_is_reported_and_cache_still_works(tmp_path):
    cases = tmp_path / "cases"
    write_synth(cases, 2, seed=5)
    cache = tmp_path / "cache"
    runner = CliRunner()
    out = tmp_path / "g.nt"
    assert runner.invoke(cli, ["build", "--no-bundled", "--cases", str(cases), "--cache", str(cache), "-o", str(out)]).exit_code == 0
    path = cases / "synth-00001.yaml"
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("kind: PartyCommittee", "kind: Nowhere", 1), encoding="utf-8")
    before = out.read_bytes()
    bad = runner.invoke(cli, ["build", "--no-bundled", "--cases", str(cases), "--cache", str(cache), "-o", str(out)])
    assert bad.exit_code == 1 and "unknown organization kind 'Nowhere'" in bad.output
    assert out.read_bytes() == before
    path.write_text(good, encoding="utf-8")
    assert runner.invoke(cli, ["build", "--no-bundled", "--cases", str(cases), "--cache", str(cache), "-o", str(out)]).exit_code == 0
    assert out.read_bytes() == before
