"""Exchange files (GEXF 1.3, GraphML) that networkx and Gephi read, and the typed tie network behind them."""

import json

import networkx as nx
import pytest
from click.testing import CliRunner

from lianjian.cli import cli
from lianjian.graph.style import SECTOR_COLOURS


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    folder = tmp_path_factory.mktemp("exchange")
    out = {}
    for fmt, what in (("gexf", "ties"), ("gexf", "all"), ("graphml", "ties"), ("graphml", "all")):
        path = folder / f"{what}.{fmt}"
        result = CliRunner().invoke(cli, ["export", "--format", fmt, "--what", what, "-o", str(path)])
        assert result.exit_code == 0, result.output
        out[fmt, what] = path
    return out


def test_ties_are_organisations_and_areas_one_edge_per_relationship(bundled_kg):
    t = bundled_kg.ties()
    assert isinstance(t, nx.MultiDiGraph)
    families = {frozenset(d["labels"]) & {"Organization", "Area"} for _, d in t.nodes(data=True)}
    assert families <= {frozenset({"Organization"}), frozenset({"Area"})}
    # 长宁区委……于2005年与申通地铁公司党委签约结对
    between = [d for a, b, d in t.edges(data=True)
               if {a, b} == {"changning-district-committee", "shentong-metro-party-committee"}]
    assert between and all(d["tie"] == "joint-building" for d in between)
    e = between[0]
    assert isinstance(e["mechanisms"], list) and isinstance(e["evidence"], list)
    assert all(set(ev) == {"quote", "source"} for ev in e["evidence"]) and e["basis"] in ("stated", "inferred")
    relationships = {d["relationship"] for _, _, d in t.edges(data=True) if d["tie"] == "joint-building"}
    n_rel = len(bundled_kg.select("SELECT DISTINCT ?r WHERE { ?r a lj:JointBuilding ; lj:participant ?a, ?b . FILTER(?a != ?b) }"))
    assert len(relationships) == n_rel


def test_gexf_round_trips_through_networkx_with_chinese_labels_and_sector_colours(exported, bundled_kg):
    g = nx.read_gexf(exported["gexf", "ties"], version="1.3")
    t = bundled_kg.ties()
    assert g.number_of_nodes() == t.number_of_nodes() and g.number_of_edges() == t.number_of_edges()
    d = g.nodes["changning-district-committee"]
    assert d["label"] == "中共长宁区委" and d["label_en"] == "CPC Changning District Committee"
    colour = SECTOR_COLOURS["government-agency"].lstrip("#")
    assert (d["viz"]["color"]["r"], d["viz"]["color"]["g"], d["viz"]["color"]["b"]) == tuple(int(colour[i:i + 2], 16) for i in (0, 2, 4))
    sizes = {n: x["viz"]["size"] for n, x in g.nodes(data=True)}
    hub = max(dict(t.degree()).items(), key=lambda kv: kv[1])[0]
    assert sizes[hub] == max(sizes.values())
    evidence = [json.loads(x["evidence"]) for _, _, x in g.edges(data=True) if x["tie"] == "joint-building"]
    assert evidence and all(isinstance(ev, list) and ev and ev[0]["quote"] and ev[0]["source"] for ev in evidence)
    assert "('" not in exported["gexf", "ties"].read_text(encoding="utf-8")  # no Python reprs


def test_gexf_of_the_whole_projection_reads_back(exported, bundled_kg):
    g = nx.read_gexf(exported["gexf", "all"], version="1.3")
    assert g.number_of_nodes() == bundled_kg.to_networkx().number_of_nodes()
    text = exported["gexf", "all"].read_text(encoding="utf-8")
    assert 'version="1.3"' in text and 'mode="dynamic"' not in text


def test_graphml_keys_are_typed_and_consistent(exported):
    for what in ("ties", "all"):
        g = nx.read_graphml(exported["graphml", what])
        assert g.number_of_nodes() > 0
    text = exported["graphml", "all"].read_text(encoding="utf-8")
    assert 'attr.name="value" attr.type="double"' in text or 'attr.name="value"' not in text


def test_mixed_types_are_written_as_one_type(tmp_path):
    from lianjian.graph.exchange import flat_graph

    g = nx.DiGraph()
    g.add_node("a", value=3, flag=True, mixed=1)
    g.add_node("b", value=11.2, flag=False, mixed="x")
    f = flat_graph(g)
    assert f.nodes["a"]["value"] == 3.0 and isinstance(f.nodes["a"]["value"], float)
    assert f.nodes["a"]["mixed"] == "1" and f.nodes["a"]["flag"] is True
    path = tmp_path / "m.gexf"
    nx.write_gexf(f, path, version="1.3")
    assert nx.read_gexf(path, version="1.3").nodes["b"]["value"] == 11.2
