"""Network analytics: exact answers on small hand-made projections, sensible answers on the bundled corpus."""

from __future__ import annotations

import json

import networkx as nx
import pytest
from rdflib import Literal, URIRef

from lianjian.errors import DataError, UsageError
from lianjian.graph.analytics import (ANALYSES, analyze, bridges, communities, compare, cross_sector_share, mixing,
                                      shared_mechanisms, shortest_path)
from lianjian.graph.analytics.communities import louvain
from lianjian.graph.analytics.ties import tie_graph
from lianjian.results import render

# ---------------------------------------------------------------- hand-made projections
# Built with networkx directly, with the attribute names of lianjian.graph.projection.


def org(g, n, sectors, sources=("c1",), cls="Enterprise", zh=None, quotes=()):
    quotes = list(quotes) or [f"{zh or n}的证据"]
    g.add_node(n, id=n, **{"class": cls}, __labels__={cls, "Organization"}, label_zh=zh or n, sectors=sorted(sectors),
               sector=sorted(sectors)[0], sources=sorted(sources), quotes=quotes, quote=quotes[0])


def area(g, n, sources=("c1",), cls="Street", zh=None):
    g.add_node(n, id=n, **{"class": cls}, __labels__={cls, "Area"}, label_zh=zh or n, sources=sorted(sources),
               quotes=[f"{zh or n}的证据"], quote=f"{zh or n}的证据")


def mechanism(g, m, broader=None):
    g.add_node(m, id=m, **{"class": "Mechanism"}, __labels__={"Mechanism"}, label_zh=m, sources=[], quotes=[], quote="")
    if broader:
        g.add_edge(m, broader, __labels__={"BROADER"})


def relationship(g, rel, participants, source="c1", kind="joint-building", mechanisms=(), quote=None):
    """A JointBuilding node, its PARTICIPANT and USES_MECHANISM edges, and LINKED_WITH edges both ways."""
    quote = quote or f"{rel}的证据"
    g.add_node(rel, id=rel, **{"class": "JointBuilding"}, __labels__={"JointBuilding"}, kind=kind, label_zh=rel,
               mechanisms=sorted(mechanisms), sources=[source], quotes=[quote], quote=quote)
    for m in mechanisms:
        g.add_edge(rel, m, __labels__={"USES_MECHANISM"})
    for a in participants:
        g.add_edge(rel, a, __labels__={"PARTICIPANT"})
        for b in participants:
            if a == b:
                continue
            if not g.has_edge(a, b):
                g.add_edge(a, b, __labels__=set())
            e = g.edges[a, b]
            e["__labels__"].add("LINKED_WITH")
            e["relationships"] = sorted({*e.get("relationships", []), rel})
            e["kinds"] = sorted({*e.get("kinds", []), kind})
            e["kind"] = e["kinds"][0]
            e["mechanisms"] = sorted({*e.get("mechanisms", []), *mechanisms})
            e["sources"] = sorted({*e.get("sources", []), source})
            e.setdefault("quote", quote)


def all_terms(result):
    return all(t is None or isinstance(t, (Literal, URIRef)) for row in result.rows for t in row)


# ---------------------------------------------------------------- bridges


@pytest.fixture
def star():
    """hub (government-agency) tied to two schools, an agency, a street and a metro; the metro tied to a bus company."""
    g = nx.DiGraph()
    org(g, "hub", ["government-agency"], cls="PartyCommittee")
    org(g, "school-a", ["education"], cls="School")
    org(g, "school-b", ["education"], cls="School")
    org(g, "agency", ["government-agency"], cls="GovernmentAgency")
    org(g, "metro", ["state-enterprise", "transport"])
    org(g, "bus", ["transport"])
    area(g, "street")
    for i, other in enumerate(["school-a", "school-b", "agency", "street", "metro"]):
        relationship(g, f"rel-{i}", ["hub", other])
    relationship(g, "rel-9", ["metro", "bus"])
    # Neither organisational edges nor mechanisms are ties.
    g.add_edge("agency", "school-a", __labels__={"SUB_ORGANIZATION_OF"})
    mechanism(g, "pairing")
    g.add_edge("school-b", "pairing", __labels__={"USES_MECHANISM"})
    return g


def test_bridges_counts_sectors_and_betweenness(star):
    rows = {r["organization"].rsplit("/", 1)[-1]: r for r in bridges(star).records()}
    assert set(rows) == {"hub", "school-a", "school-b", "agency", "metro", "bus"}  # the street is an area
    hub = rows["hub"]
    assert (hub["ties"], hub["sectors"], hub["other_sectors"]) == (5, 4, 3)
    assert hub["reached"] == "area, education, state-enterprise"
    # 14 of the 15 pairs among the 6 other nodes pass through hub; all but metro–bus.
    assert hub["betweenness"] == pytest.approx(14 / 15, abs=1e-4)
    metro = rows["metro"]
    # Primary sectors only: bus (transport) counts as another sector for metro (state-enterprise first).
    assert (metro["ties"], metro["sectors"], metro["other_sectors"], metro["reached"]) == (2, 2, 2, "government-agency, transport")
    assert metro["betweenness"] == pytest.approx(5 / 15, abs=1e-4)
    assert (rows["agency"]["other_sectors"], rows["agency"]["betweenness"]) == (0, 0)
    assert rows["school-a"]["ties"] == 1  # the SUB_ORGANIZATION_OF edge is no tie


def test_bridges_order_and_top(star):
    order = [r["organization"].rsplit("/", 1)[-1] for r in bridges(star).records()]
    assert order == ["hub", "metro", "bus", "school-a", "school-b", "agency"]
    assert len(bridges(star, top=2).rows) == 2
    with pytest.raises(UsageError, match="--top"):
        bridges(star, top=0)


# ---------------------------------------------------------------- mixing


@pytest.fixture
def mixed():
    """Seven ties from five relationships in two cases, one of them with three participants."""
    g = nx.DiGraph()
    org(g, "committee", ["government-agency"], sources=("c1", "c2"), cls="PartyCommittee")
    org(g, "metro", ["state-enterprise", "transport"], sources=("c1", "c2"))
    org(g, "bus", ["transport"], sources=("c2",))
    org(g, "school", ["education"], sources=("c1", "c2"), cls="School")
    org(g, "school-2", ["education"], sources=("c2",), cls="School")
    area(g, "street", sources=("c2",))
    relationship(g, "rel-1", ["committee", "metro", "school"], source="c1")
    relationship(g, "rel-2", ["committee", "metro"], source="c1")
    relationship(g, "rel-3", ["metro", "bus"], source="c2")
    relationship(g, "rel-4", ["street", "committee"], source="c2")
    relationship(g, "rel-5", ["school", "school-2", "committee"], source="c2")
    return g


def _cells(result):
    def name(t):
        return str(t).rsplit("/", 1)[-1]

    return {(name(r[0]), name(r[1])): (int(r[2]), float(r[3]), int(r[4])) for r in result.rows}


def test_mixing_matrix_cells(mixed):
    result = mixing(mixed)
    assert _cells(result) == {
        ("education", "government-agency"): (2, 0.2857, 2),
        ("area", "government-agency"): (1, 0.1429, 1),
        ("education", "education"): (1, 0.1429, 1),
        ("education", "state-enterprise"): (1, 0.1429, 1),
        ("government-agency", "state-enterprise"): (1, 0.1429, 2),
        ("state-enterprise", "transport"): (1, 0.1429, 1),
    }
    assert result.rows[0][2] == Literal(2)
    assert result.rows[1][0] == Literal("area")  # areas are no SKOS sector
    assert result.rows[1][1] == URIRef("https://w3id.org/lianjian/vocab/sector/government-agency")


def test_cross_sector_share_per_case_and_overall(mixed):
    rows = {r["case"]: (r["ties"], r["cross_sector"], r["share"]) for r in cross_sector_share(mixed).records()}
    assert rows == {"c1": (3, 3, 1), "c2": (5, 4, 0.8), "(all)": (7, 6, 0.8571)}
    assert [r["case"] for r in cross_sector_share(mixed).records()][-1] == "(all)"


# ---------------------------------------------------------------- compare


@pytest.fixture
def mechanisms():
    """Three cases; local-conference < joint-conference < coordination, two-way-service < service."""
    g = nx.DiGraph()
    for m, broader in [("coordination", None), ("joint-conference", "coordination"),
                       ("local-conference", "joint-conference"), ("service", None), ("two-way-service", "service")]:
        mechanism(g, m, broader)
    org(g, "a", ["community"], sources=("c1", "c2"))
    org(g, "b", ["community"], sources=("c1", "c2"))
    relationship(g, "rel-1", ["a", "b"], source="c1", mechanisms=["local-conference"])
    relationship(g, "rel-2", ["a", "b"], source="c2", mechanisms=["joint-conference", "two-way-service"])
    org(g, "x", ["social-organisation"], sources=("c1", "c3"))
    g.add_edge("x", "two-way-service", __labels__={"USES_MECHANISM"})
    g.add_node("initiative", id="initiative", **{"class": "Initiative"}, __labels__={"Initiative"},
               label_zh="工程", sources=["c3"], quotes=["工程"], quote="工程")
    g.add_edge("initiative", "joint-conference", __labels__={"USES_MECHANISM"})
    return g


def test_compare_case_by_mechanism(mechanisms):
    result = compare(mechanisms)
    assert result.vars == ["mechanism", "mechanism_zh", "family", "cases", "c1", "c2", "c3"]
    got = {r["mechanism"].rsplit("/", 1)[-1]: (r["family"].rsplit("/", 1)[-1], r["cases"], r["c1"], r["c2"], r["c3"])
           for r in result.records()}
    assert got == {
        "two-way-service": ("service", 3, 1, 1, 1),
        "joint-conference": ("coordination", 2, 0, 1, 1),
        "local-conference": ("coordination", 1, 1, 0, 0),
    }
    assert [r["mechanism"].rsplit("/", 1)[-1] for r in result.records()] == ["two-way-service", "joint-conference", "local-conference"]


def test_compare_by_family(mechanisms):
    rows = [(r["mechanism"].rsplit("/", 1)[-1], r["cases"], r["c1"], r["c2"], r["c3"]) for r in compare(mechanisms, by="family").records()]
    assert rows == [("coordination", 3, 1, 1, 1), ("service", 3, 1, 1, 1)]
    with pytest.raises(UsageError, match="--by"):
        compare(mechanisms, by="sector")


def test_shared_mechanisms_roll_up_narrower_ones(mechanisms):
    rows = [(r["mechanism"].rsplit("/", 1)[-1], r["level"], r["cases"], r["uses"]) for r in shared_mechanisms(mechanisms).records()]
    assert rows == [("coordination", "family", 3, 3), ("service", "family", 3, 2),
                    ("joint-conference", "mechanism", 3, 3), ("two-way-service", "mechanism", 3, 2)]
    lenient = [r["mechanism"].rsplit("/", 1)[-1] for r in shared_mechanisms(mechanisms, min_cases=1).records()]
    assert lenient[-1] == "local-conference"
    # A fourth case that uses nothing leaves nothing shared by all.
    org(mechanisms, "idle", ["community"], sources=("c4",))
    assert shared_mechanisms(mechanisms).rows == []
    assert compare(mechanisms).records()[0]["c4"] == 0


# ---------------------------------------------------------------- communities


@pytest.fixture
def two_triangles():
    """Triangles a1-a2-a3 (community sector) and b1-b2-b3 (two schools, one street) joined by a3–b1."""
    g = nx.DiGraph()
    for n in ("a1", "a2", "a3"):
        org(g, n, ["community"], cls="PartyBranch", zh=n.upper())
    org(g, "b1", ["education"], cls="School", zh="B1")
    org(g, "b2", ["education"], cls="School", zh="B2")
    area(g, "b3", zh="B3")
    for i, (x, y) in enumerate([("a1", "a2"), ("a2", "a3"), ("a1", "a3"), ("b1", "b2"), ("b2", "b3"), ("b1", "b3"), ("a3", "b1")]):
        relationship(g, f"rel-{i}", [x, y])
    return g


def test_communities_split_the_triangles(two_triangles):
    assert louvain(two_triangles) == [["a1", "a2", "a3"], ["b1", "b2", "b3"]]
    rows = communities(two_triangles).records()
    assert [(r["community"], r["size"], r["sector"].rsplit("/", 1)[-1], r["sector_share"], r["sectors"]) for r in rows] == [
        (1, 3, "community", 1, 1), (2, 3, "education", 0.6667, 2)]
    assert rows[0]["top_members"] == "A3、A1、A2"  # a3 has three ties
    assert rows[1]["top_member_ids"] == "b1, b2, b3"
    assert communities(two_triangles, members=1).records()[1]["top_members"] == "B1"


def test_communities_are_deterministic(two_triangles):
    assert all(louvain(two_triangles, seed=s) == [["a1", "a2", "a3"], ["b1", "b2", "b3"]] for s in range(1, 6))
    assert communities(two_triangles, seed=7).rows == communities(two_triangles, seed=7).rows


# ---------------------------------------------------------------- paths


@pytest.fixture
def chain():
    """person →HOLDS_POST committee —tie— company →SUB_ORGANIZATION_OF group →LOCATED_IN district ←WITHIN street."""
    g = nx.DiGraph()
    org(g, "committee", ["government-agency"], sources=("c1",), cls="PartyCommittee", zh="区委")
    org(g, "company", ["state-enterprise"], sources=("c1", "c2"), zh="分公司", quotes=["分公司成立", "分公司隶属集团公司"])
    org(g, "group", ["state-enterprise"], sources=("c2",), zh="集团公司")
    org(g, "loner", ["education"], sources=("c2",), cls="School")
    area(g, "district", cls="District", zh="区", sources=("c1", "c2"))
    area(g, "street", zh="街道", sources=("c2",))
    g.add_node("person", id="person", **{"class": "Person"}, __labels__={"Person"}, label_zh="书记", sources=["c1"],
               quotes=["书记"], quote="书记")
    mechanism(g, "pairing")
    relationship(g, "rel-b", ["committee", "company"], source="c2", kind="co-building", mechanisms=["pairing"])
    relationship(g, "rel-a", ["committee", "company"], source="c1", kind="pairing", mechanisms=["pairing"], quote="区委与分公司结对")
    g.add_edge("person", "committee", __labels__={"HOLDS_POST"}, title="书记")
    g.add_edge("company", "group", __labels__={"SUB_ORGANIZATION_OF"})
    g.add_edge("group", "district", __labels__={"LOCATED_IN"})
    g.add_edge("street", "district", __labels__={"WITHIN"})
    g.add_edge("loner", "pairing", __labels__={"USES_MECHANISM"})  # mechanisms are no path
    return g


def test_shortest_path_steps(chain):
    steps = shortest_path(chain, "person", "street").records()
    assert [(s["step"], s["from"].rsplit("/", 1)[-1], s["relation"], s["direction"], s["to"].rsplit("/", 1)[-1]) for s in steps] == [
        (1, "person", "HOLDS_POST", "→", "committee"),
        (2, "committee", "LINKED_WITH", "↔", "company"),
        (3, "company", "SUB_ORGANIZATION_OF", "→", "group"),
        (4, "group", "LOCATED_IN", "→", "district"),
        (5, "district", "WITHIN", "←", "street"),
    ]
    tie = steps[1]
    # Of the two relationships joining the pair, the first by id.
    assert tie["relationship"].endswith("/id/rel-a")
    assert tie["kind"] == "https://w3id.org/lianjian/vocab/relation/pairing"
    assert (tie["mechanisms"], tie["quote"], tie["source"]) == ("pairing", "区委与分公司结对", "https://w3id.org/lianjian/source/c1")
    sub = steps[2]
    assert sub["quote"] == "分公司隶属集团公司"  # the subject's quote naming the other end
    assert sub["source"] == "https://w3id.org/lianjian/source/c2"  # the source both ends share
    assert "kind" not in sub and "relationship" not in sub
    assert steps[4]["quote"] == "街道的证据"  # a backward step quotes the edge's subject, the street


def test_shortest_path_errors(chain):
    with pytest.raises(UsageError, match="unknown entity id 'nobody'"):
        shortest_path(chain, "person", "nobody")
    with pytest.raises(UsageError, match="did you mean group"):
        shortest_path(chain, "集团公司", "person")
    with pytest.raises(UsageError, match="'pairing' is a Mechanism"):
        shortest_path(chain, "pairing", "person")
    with pytest.raises(DataError, match="no chain of relationships joins 'loner' and 'person'"):
        shortest_path(chain, "loner", "person")
    with pytest.raises(UsageError, match="same entity"):
        shortest_path(chain, "person", "person")


# ---------------------------------------------------------------- dispatch


def test_analyze_dispatch_and_errors(star):
    assert analyze(star, "bridges", top=1).rows == bridges(star, top=1).rows
    assert analyze(star, "bridges", top=None).rows == bridges(star).rows
    with pytest.raises(UsageError, match="unknown analysis 'ranks' \\(choose bridges, mixing"):
        analyze(star, "ranks")
    with pytest.raises(UsageError, match="takes no option 'seed'"):
        analyze(star, "bridges", seed=3)


# ---------------------------------------------------------------- the bundled corpus


@pytest.fixture(scope="module")
def corpus(bundled_kg):
    return bundled_kg.to_networkx()


@pytest.mark.parametrize("name", list(ANALYSES))
def test_every_analysis_renders_on_the_corpus(bundled_kg, name):
    result = analyze(bundled_kg, name)
    assert result.rows and all_terms(result)
    assert all(len(row) == len(result.vars) for row in result.rows)
    data = json.loads(render(result, "json"))
    assert len(data["results"]["bindings"]) == len(result.rows)
    assert render(result, "csv").count("\r\n") == len(result.rows) + 1


def test_corpus_bridges(corpus):
    rows = bridges(corpus).records()
    top = [r["organization"].rsplit("/", 1)[-1] for r in rows[:10]]
    # Under the codebook the district committee's command, praise and budget links are no ties, so the
    # street party working committees and the Pudong commission are the bridges, not the 区委.
    assert "changning-street-party-working-committees" in top
    assert "pudong-construction-transport-commission" in top
    assert "changning-district-committee" not in top
    keys = [(r["other_sectors"], r["betweenness"]) for r in rows]
    assert keys == sorted(keys, key=lambda k: (-k[0], -k[1]))
    assert all(0 <= r["betweenness"] <= 1 and r["other_sectors"] <= r["sectors"] <= r["ties"] for r in rows)


def test_corpus_mixing_agrees_with_cross_sector_share(corpus):
    cells = mixing(corpus).records()
    shares = {r["case"]: r for r in cross_sector_share(corpus).records()}
    ties = tie_graph(corpus).number_of_edges()
    assert sum(c["ties"] for c in cells) == ties == shares["(all)"]["ties"]
    assert sum(c["ties"] for c in cells if c["sector_a"] != c["sector_b"]) == shares["(all)"]["cross_sector"]
    assert sum(c["share"] for c in cells) == pytest.approx(1, abs=1e-3)


def test_corpus_pudong_daju_ties_cross_sectors(corpus):
    shares = {r["case"]: r for r in cross_sector_share(corpus).records()}
    assert set(shares) == {"changning-cohesion-2013", "huating-six-systems", "changning-decade-2022", "pudong-daju-2015",
                           "changning-1n-model", "(all)"}
    pudong = shares["pudong-daju-2015"]
    assert pudong["ties"] >= 30 and pudong["share"] > 0.5


def test_corpus_compare_and_shared(corpus):
    result = compare(corpus)
    assert result.vars[4:] == sorted(result.vars[4:]) and len(result.vars) == 4 + 5
    rows = {r["mechanism"].rsplit("/", 1)[-1]: r for r in result.records()}
    assert rows["joint-conference"]["pudong-daju-2015"] > 0
    assert rows["joint-conference"]["family"].endswith("/coordination")
    shared = {r["mechanism"].rsplit("/", 1)[-1]: r for r in shared_mechanisms(corpus).records()}
    assert {"coordination", "service"} <= set(shared)
    assert all(r["cases"] == 5 for r in shared.values())


def test_corpus_communities(corpus):
    groups = louvain(corpus)
    assert sum(map(len, groups)) == tie_graph(corpus).number_of_nodes()
    assert groups == louvain(corpus)
    home = {n: i for i, c in enumerate(groups) for n in c}
    assert home["pudong-construction-transport-commission"] == home["pudong-caolu-town"]
    assert home["pudong-construction-transport-commission"] != home["huating-resident-units"]
    rows = communities(corpus).records()
    assert [r["size"] for r in rows] == sorted((r["size"] for r in rows), reverse=True)


def test_corpus_path_from_changning_to_pudong(corpus):
    steps = shortest_path(corpus, "changning-district-committee", "pudong-construction-transport-commission").records()
    assert steps[0]["from"].endswith("/changning-district-committee")
    assert steps[-1]["to"].endswith("/pudong-construction-transport-commission")
    assert all(a["to"] == b["from"] for a, b in zip(steps, steps[1:]))
    assert any(s["to"].endswith("/shanghai") for s in steps)
    assert all(s.get("quote") and s.get("source") for s in steps)


def test_docs_describe_every_analysis():
    from pathlib import Path

    doc = (Path(__file__).resolve().parent.parent / "docs" / "analytics.md").read_text(encoding="utf-8")
    for name in ANALYSES:
        assert f"## {name}\n" in doc and f"lianjian analyze {name}" in doc, name


def test_cli_functions_read_case_folders(case_dir):
    from lianjian.api import analyze as analyze_cases, path as path_between

    folder = case_dir()
    shares = analyze_cases("cross-sector", [folder], bundled=False).records()
    assert shares == [{"case": "mini-case", "ties": 1, "cross_sector": 1, "share": 1},
                      {"case": "(all)", "ties": 1, "cross_sector": 1, "share": 1}]
    (step,) = path_between("mini-metro", "mini-committee", [folder], bundled=False).records()
    assert (step["relation"], step["kind"], step["mechanisms"], step["quote"]) == (
        "LINKED_WITH", "https://w3id.org/lianjian/vocab/relation/signing", "pairing", "申通地铁公司")
    with pytest.raises(UsageError, match="unknown analysis"):
        analyze_cases("nope", [folder], bundled=False)
