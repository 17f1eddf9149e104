"""The synthetic corpus: valid, deterministic, shaped like the real one."""

from click.testing import CliRunner

from lianjian.cli import cli
from lianjian.graph import KnowledgeGraph
from lianjian.synth import synth_files


def test_synth_is_valid_and_deterministic(tmp_path):
    runner = CliRunner()
    a, b = tmp_path / "a", tmp_path / "b"
    assert runner.invoke(cli, ["synth", "--cases", "3", "--seed", "5", "-o", str(a)]).exit_code == 0
    assert runner.invoke(cli, ["synth", "--cases", "3", "--seed", "5", "-o", str(b)]).exit_code == 0
    assert {p.name: p.read_bytes() for p in a.iterdir()} == {p.name: p.read_bytes() for p in b.iterdir()}
    assert synth_files(3, seed=6) != synth_files(3, seed=5)
    kg = KnowledgeGraph.from_cases([a], bundled=False)
    assert kg.validate().conforms
    rows = kg.select("""SELECT ?src (COUNT(DISTINCT ?jb) AS ?n) (MIN(?k) AS ?fewest) (MAX(?k) AS ?most) WHERE {
        { SELECT ?jb (COUNT(?p) AS ?k) WHERE { ?jb lj:participant ?p } GROUP BY ?jb }
        ?jb lj:evidence/dcterms:source ?src } GROUP BY ?src""")
    assert len(rows) == 3
    for r in rows:
        assert 15 <= r["n"] <= 60 and r["fewest"] >= 2 and r["most"] <= 5
    kinds = kg.select("SELECT (COUNT(DISTINCT ?k) AS ?n) WHERE { ?o a ?k . ?k rdfs:subClassOf* lj:Organization }")[0]["n"]
    assert kinds >= 20
    shared = kg.select("SELECT (COUNT(DISTINCT ?src) AS ?n) WHERE { ?o a lj:PartyDepartment ; lj:evidence/dcterms:source ?src }")[0]["n"]
    assert shared >= 2  # shared entities carry evidence from several cases


def test_synth_refuses_to_overwrite_a_file(tmp_path):
    target = tmp_path / "file"
    target.write_text("keep me")
    result = CliRunner().invoke(cli, ["synth", "--cases", "1", "-o", str(target)])
    assert result.exit_code == 2 and "not a directory" in result.output
    assert target.read_text() == "keep me"
