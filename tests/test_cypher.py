"""Cypher over the projection: both engines, the .cypher twins of the SPARQL queries, parameters, the LadybugDB cache."""

from __future__ import annotations

import ast
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Literal, URIRef

from lianjian.errors import UsageError
from lianjian.namespace import ID, MECHANISM, SECTOR
from lianjian.queries import cypher_catalogue, sparql_catalogue
from lianjian.queries import cypher as cy
from lianjian.queries.cypher import ladybug as cy_ladybug
from lianjian.queries.cypher import terms as cy_terms
from lianjian.queries.cypher import text as cy_text
from lianjian.queries.run import run_sparql

EXAMPLE = "MATCH (a:PartyOrganization)-[:LINKED_WITH]-(b) WHERE a.sector <> b.sector RETURN a.label_zh, b.label_zh"
HOSTILE = ['quote " inside', "single ' quote", "' RETURN 1 //", '" RETURN 1 //', "} RETURN a {", "{braces}",
           "back\\slash", 'tail backslash \\', '\\" escaped', "$org", "/* not a comment */", "长宁区 ‘全角’ “引号”"]
TWINS = sorted(cypher_catalogue())


@pytest.fixture(scope="session")
def db_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("ladybug")


def run(kg, text, params=None, engine="ladybug", db_dir=None):
    return cy.run_cypher(kg, text, params, engine, cache_dir=db_dir)


# ------------------------------------------------------------------ twins

@pytest.mark.parametrize("name,engine", [(n, e) for n in TWINS for e in cy.query_engines(cypher_catalogue()[n])])
def test_twin_returns_the_rows_of_its_sparql_query(bundled_kg, db_dir, name, engine):
    twin = cypher_catalogue()[name]
    expected = run_sparql(bundled_kg, twin.twin)
    got = cy.run_cypher_query(bundled_kg, name, engine=engine, cache_dir=db_dir)
    assert got.vars == expected.vars
    assert expected.rows, "a twin of an empty result proves nothing"
    assert set(got.canonical()) == set(expected.canonical())
    assert len(got.rows) == len(expected.rows)


def test_every_twin_names_a_sparql_query_and_valid_engines_and_column_types():
    known = cy_terms._NODE_PROPS | set(cy_terms._NAMESPACE_PROPS) | set(cy_terms._LANG_PROPS) | cy_terms._DATE_PROPS
    for name, q in cypher_catalogue().items():
        sparql = sparql_catalogue()[q.twin]
        assert q.name == q.twin == q.path.stem, name
        assert (q.title_zh, q.title_en, q.description) == (sparql.title_zh, sparql.title_en, sparql.description), name
        assert [(p.name, p.type, p.default) for p in q.parameters] == [(p.name, p.type, p.default) for p in sparql.parameters]
        assert set(cy.query_engines(q)) <= set(cy.ENGINES) and cy.query_engines(q), name
        for column, prop in cy_text.COLUMN_HEADER.findall(q.text):
            assert prop in known or cy_terms._label_decoder(prop), (name, column, prop)


@pytest.mark.parametrize("case", ["changning-cohesion-2013", "changning-1n-model", "changning-decade-2022",
                                  "huating-six-systems", "pudong-daju-2015"])
def test_observations_twin_for_every_case(bundled_kg, db_dir, case):
    expected = set(run_sparql(bundled_kg, "observations", {"case": case}).canonical())
    lady = set(cy.run_cypher_query(bundled_kg, "observations", {"case": case}, cache_dir=db_dir).canonical())
    grand = set(cy.run_cypher_query(bundled_kg, "observations", {"case": case}, engine="grand-cypher").canonical())
    assert lady == expected
    # The one observation with two quotes (both from changning-1n-model) gets one row on grand-cypher.
    g = bundled_kg.to_networkx()
    two = [n for n, d in g.nodes(data=True) if d["class"] == "Observation" and len(d["evidence"]) > 1]
    assert len(two) == 1 and g.nodes[two[0]]["sources"] == ["changning-1n-model"]
    if case == "changning-1n-model":
        assert grand < expected and len(expected - grand) == 1
    else:
        assert grand == expected


@pytest.mark.parametrize("params", [{"hops": "1"}, {"hops": "3"}, {"org": "huating-urban-community-party-working-committee", "hops": "3"},
                                    {"org": "shentong-metro-party-committee"}])
def test_around_organization_twin_with_other_parameters(bundled_kg, db_dir, params):
    expected = run_sparql(bundled_kg, "around-organization", params)
    got = cy.run_cypher_query(bundled_kg, "around-organization", params, cache_dir=db_dir)
    assert expected.rows and sorted(got.canonical()) == sorted(expected.canonical())


@pytest.mark.parametrize("name,params", [("party-hierarchy", {"committee": "huating-county-committee"}),
                                         ("organizations-in-area", {"area": "huating-county"}),
                                         ("organizations-in-area", {"area": "pudong-new-area"})])
def test_hierarchy_twins_with_other_parameters(bundled_kg, db_dir, name, params):
    expected = run_sparql(bundled_kg, name, params)
    assert expected.rows
    for engine in cy.ENGINES:
        got = cy.run_cypher_query(bundled_kg, name, params, engine, cache_dir=db_dir)
        assert sorted(got.canonical()) == sorted(expected.canonical()), engine


def test_at_least_six_twins_run_on_both_engines():
    both = [n for n in TWINS if set(cy.query_engines(cypher_catalogue()[n])) == set(cy.ENGINES)]
    assert len(both) >= 6, f"twins on both engines: {both}"


def test_twin_on_an_engine_it_does_not_support_is_a_usage_error(bundled_kg):
    single = [n for n in TWINS if cy.query_engines(cypher_catalogue()[n]) == ("ladybug",)]
    assert single
    with pytest.raises(UsageError, match="does not run on grand-cypher"):
        cy.run_cypher_query(bundled_kg, single[0], engine="grand-cypher")


def test_unknown_twin_and_unknown_parameter_are_usage_errors(bundled_kg, db_dir):
    with pytest.raises(UsageError, match="unknown query"):
        cy.run_cypher_query(bundled_kg, "cross-sector-lnks", cache_dir=db_dir)
    with pytest.raises(UsageError, match="has no parameter 'nope'"):
        cy.run_cypher_query(bundled_kg, "cross-sector-links", {"nope": "1"}, cache_dir=db_dir)


# ------------------------------------------------------------------ the two engines agree

def test_example_query_gives_the_same_rows_on_both_engines(bundled_kg, db_dir):
    lady = run(bundled_kg, EXAMPLE, db_dir=db_dir)
    grand = run(bundled_kg, EXAMPLE, engine="grand-cypher")
    assert lady.vars == grand.vars == ["a.label_zh", "b.label_zh"]
    assert lady.canonical() == grand.canonical()
    g = bundled_kg.to_networkx()
    expected = sorted(
        (f'"{g.nodes[a]["label_zh"]}"@zh-hans', f'"{g.nodes[b]["label_zh"]}"@zh-hans')
        for a, b, d in g.edges(data=True)
        if "LINKED_WITH" in d["__labels__"] and "PartyOrganization" in g.nodes[a]["__labels__"]
        and g.nodes[a].get("sector") is not None and g.nodes[b].get("sector") is not None
        and g.nodes[a]["sector"] != g.nodes[b]["sector"])
    assert lady.canonical() == expected


def test_comparisons_with_a_missing_property_are_not_true_on_either_engine(bundled_kg, db_dir):
    # Areas that act carry sectors (codebook R7); those without one must not pass `<>` on either engine.
    g = bundled_kg.to_networkx()
    areas = [n for n, d in g.nodes(data=True) if "Area" in d["__labels__"]]
    with_other = sorted(n for n in areas if g.nodes[n].get("sector") not in (None, "community"))
    assert with_other and len(with_other) < len(areas)
    text = "MATCH (a:Area) WHERE a.sector <> $s RETURN a.id"
    for engine in cy.ENGINES:
        ids = sorted(str(r[0]).rsplit("/", 1)[-1] for r in run(bundled_kg, text, {"s": "community"}, engine, db_dir).rows)
        assert ids == with_other, engine


def test_undirected_linked_with_matches_each_ordered_pair_once(bundled_kg, db_dir):
    text = "MATCH (a)-[:LINKED_WITH]-(b) WHERE b.id > a.id RETURN a.id, b.id"
    g = bundled_kg.to_networkx()
    pairs = {(a, b) for a, b, d in g.edges(data=True) if "LINKED_WITH" in d["__labels__"] and a < b}
    for engine in cy.ENGINES:
        got = [tuple(str(t).rsplit("/", 1)[-1] for t in row) for row in run(bundled_kg, text, None, engine, db_dir).rows]
        assert sorted(got) == sorted(pairs), engine


def test_union_on_both_engines(bundled_kg, db_dir):
    text = ("MATCH (a:PartyBranch)-[:SUB_ORGANIZATION_OF]->(p) RETURN a.id AS a, p.id AS parent "
            "UNION MATCH (a:PartyBranch) WHERE NOT EXISTS { MATCH (a)-[:SUB_ORGANIZATION_OF]->(p) } "
            "RETURN a.id AS a, coalesce(NULL, NULL) AS parent")
    results = [run(bundled_kg, text, None, e, db_dir) for e in cy.ENGINES]
    assert results[0].canonical() == results[1].canonical()
    branches = [n for n, d in bundled_kg.to_networkx().nodes(data=True) if "PartyBranch" in d["__labels__"]]
    assert {str(r[0]) for r in results[0].rows} == {str(ID[n]) for n in branches}


# ------------------------------------------------------------------ result terms

def test_cells_are_typed_by_the_property_they_come_from(bundled_kg, db_dir):
    text = ("MATCH (j:JointBuilding)-[:USES_MECHANISM]->(m:Mechanism) WHERE j.id = $j "
            "RETURN j.id AS j, m.id AS m, m.label_zh AS zh, m.label_en AS en, j.kind AS kind, j.startDate AS start")
    g = bundled_kg.to_networkx()
    j = next(n for n, d in g.nodes(data=True) if d.get("startDate") and d.get("mechanisms") and d["class"] == "JointBuilding")
    for engine in cy.ENGINES:
        row = run(bundled_kg, text, {"j": j}, engine, db_dir).rows[0]
        assert row[0] == ID[j] and isinstance(row[1], URIRef) and str(row[1]).startswith(str(MECHANISM))
        assert row[2].language == "zh-hans" and row[3].language == "en"
        assert str(row[4]).startswith("https://w3id.org/lianjian/vocab/relation/")
        assert row[5].datatype is not None and str(row[5]) == g.nodes[j]["startDate"]


def test_unwound_and_aggregated_columns_keep_their_type(bundled_kg, db_dir):
    text = "MATCH (a:Organization) UNWIND a.sectors AS s RETURN s, min(a.label_zh) AS first, count(a) AS n"
    result = run(bundled_kg, text, None, "ladybug", db_dir)
    assert result.vars == ["s", "first", "n"]
    assert all(str(r[0]).startswith(str(SECTOR)) and r[1].language == "zh-hans" for r in result.rows)
    assert sum(int(r[2]) for r in result.rows) == sum(
        len(d.get("sectors", [])) for _, d in bundled_kg.to_networkx().nodes(data=True) if "Organization" in d["__labels__"])


def test_label_pattern_is_the_same_as_the_entity_flag_on_ladybug(bundled_kg, db_dir):
    short = run(bundled_kg, "MATCH (a:PartyOrganization) RETURN a.id", db_dir=db_dir)
    explicit = run(bundled_kg, "MATCH (a:Entity {is_PartyOrganization: true}) RETURN a.id", db_dir=db_dir)
    listed = run(bundled_kg, "MATCH (a) WHERE list_contains(a.labels, 'PartyOrganization') RETURN a.id", db_dir=db_dir)
    g = bundled_kg.to_networkx()
    expected = sorted(f"<{ID[n]}>" for n, d in g.nodes(data=True) if "PartyOrganization" in d["__labels__"])
    assert [r[0] for r in short.canonical()] == expected
    assert short.canonical() == explicit.canonical() == listed.canonical()


# ------------------------------------------------------------------ LadybugDB holds the projection

def test_ladybug_holds_every_node_and_property_of_the_projection(bundled_kg, db_dir):
    g = bundled_kg.to_networkx()
    conn = cy_ladybug._ladybug_connection(cy.ladybug_database(bundled_kg, db_dir))
    props = ["class", "label_zh", "label_en", "quote", "quotes", "sources", "sectors", "aliases", "value", "bound",
             "posts", "startDate", "kind"]
    rows = conn.execute("MATCH (a:Entity) RETURN a.id, a.labels, a.evidence, " + ", ".join(f"a.{p}" for p in props)).get_all()
    assert len(rows) == g.number_of_nodes()
    for row in rows:
        d = g.nodes[row[0]]
        assert set(row[1]) == d["__labels__"]
        assert [(e["quote"], e["source"]) for e in row[2]] == d["evidence"]
        for p, value in zip(props, row[3:]):
            assert value == d.get(p), (row[0], p)


def test_ladybug_holds_every_relationship_of_the_projection(bundled_kg, db_dir):
    g = bundled_kg.to_networkx()
    conn = cy_ladybug._ladybug_connection(cy.ladybug_database(bundled_kg, db_dir))
    types = {t for _, _, d in g.edges(data=True) for t in d["__labels__"]}
    for t in types:
        edges = {(a, b) for a, b, d in g.edges(data=True) if t in d["__labels__"]}
        if t in cy.SYMMETRIC:
            edges = {(a, b) for a, b in edges if a < b}
        got = {tuple(r) for r in conn.execute(f"MATCH (a)-[:{t}]->(b) RETURN a.id, b.id").get_all()}
        assert got == edges, t
    linked = conn.execute("MATCH (a)-[r:LINKED_WITH]->(b) RETURN a.id, b.id, r.kinds, r.relationships, r.quote").get_all()
    for a, b, kinds, relationships, quote in linked:
        e = g.edges[a, b]
        assert (kinds, relationships, quote) == (e["kinds"], e["relationships"], e["quote"])


def test_ladybug_database_is_reused_when_the_graph_is_unchanged_and_rebuilt_when_it_changes(
        bundled_kg, case_dir, tmp_path, monkeypatch):
    from lianjian.graph import KnowledgeGraph

    builds = []
    fill = cy_ladybug._fill_database
    monkeypatch.setattr(cy_ladybug, "_fill_database", lambda *a: (builds.append(a[2]), fill(*a)))
    root = tmp_path / "cache"
    first = cy.ladybug_database(bundled_kg, root)
    stamp = os.stat(first / cy.DB_FILE).st_mtime_ns
    again = cy.ladybug_database(KnowledgeGraph.from_cases(), root)  # a fresh graph with the same content
    assert again == first and len(builds) == 1
    assert os.stat(first / cy.DB_FILE).st_mtime_ns == stamp
    changed = KnowledgeGraph.from_cases([case_dir()])
    other = cy.ladybug_database(changed, root)
    assert other != first and len(builds) == 2
    assert sorted(p.name for p in root.iterdir()) == sorted([first.name, other.name])
    ids = {str(r[0]) for r in cy.run_cypher(changed, "MATCH (a:PartyCommittee) RETURN a.id", cache_dir=root).rows}
    assert str(ID["mini-metro"]) in ids
    assert not list(other.glob("*.csv"))


def test_a_buffer_pool_too_small_for_the_load_is_grown_and_the_load_started_again(bundled_kg, db_dir, tmp_path, monkeypatch):
    pools = []
    copy = cy_ladybug._copy_into
    root = tmp_path / "cache"
    with monkeypatch.context() as m:
        m.setattr(cy_ladybug, "_pool_size", lambda wanted, floor_mb: 4 * 1024 * 1024)
        m.setattr(cy_ladybug, "_copy_into", lambda folder, statements, pool: (pools.append(pool), copy(folder, statements, pool)))
        folder = cy.ladybug_database(bundled_kg, root)
    assert len(pools) >= 2 and pools == sorted(pools), pools  # 4 MB cannot hold the 116-column node table
    assert sorted(p.name for p in folder.iterdir()) == [cy.DB_FILE, cy_ladybug.STAMP_FILE]
    for name in ("organizations-in-area", "party-hierarchy"):
        got = cy.run_cypher_query(bundled_kg, name, cache_dir=root)
        assert got.rows and set(got.canonical()) == set(cy.run_cypher_query(bundled_kg, name, cache_dir=db_dir).canonical())


def test_a_query_that_fills_the_buffer_pool_is_run_again_with_the_largest(bundled_kg, db_dir, tmp_path, monkeypatch):
    root = tmp_path / "cache"
    folder = cy.ladybug_database(bundled_kg, root)
    monkeypatch.setattr(cy_ladybug, "_pool_size", lambda wanted, floor_mb: 4 * 1024 * 1024)
    cy_ladybug._ladybug_connection(folder)
    assert cy_ladybug._OPEN[str(folder.resolve())][2] == 4 * 1024 * 1024
    got = cy.run_cypher_query(bundled_kg, "cross-sector-links", cache_dir=root)
    assert cy_ladybug._OPEN[str(folder.resolve())][2] == cy_ladybug._pool_ceiling()
    assert got.rows and set(got.canonical()) == set(cy.run_cypher_query(bundled_kg, "cross-sector-links", cache_dir=db_dir).canonical())


def test_a_load_that_fails_at_the_largest_pool_is_one_line_and_leaves_no_database(bundled_kg, tmp_path, monkeypatch):
    from lianjian.errors import DataError

    monkeypatch.setattr(cy_ladybug, "_pool_size", lambda wanted, floor_mb: 4 * 1024 * 1024)
    monkeypatch.setattr(cy_ladybug, "_pool_ceiling", lambda: 4 * 1024 * 1024)
    root = tmp_path / "cache"
    with pytest.raises(DataError, match=r"^LadybugDB could not load the projection \(buffer pool tried: 4 MB\): .*buffer pool is full[^\n]*$"):
        cy.ladybug_database(bundled_kg, root)
    assert list(root.iterdir()) == []


def test_ladybug_database_is_read_only(bundled_kg, db_dir):
    with pytest.raises(UsageError, match="read-only"):
        run(bundled_kg, "CREATE (:Entity {id: 'intruder'})", db_dir=db_dir)
    assert run(bundled_kg, "MATCH (a {id: 'intruder'}) RETURN a.id", db_dir=db_dir).rows == []


# ------------------------------------------------------------------ parameters

@pytest.mark.parametrize("value", HOSTILE + ["line\nbreak", "tab\there"])
def test_ladybug_binds_hostile_values_as_values(bundled_kg, db_dir, value):
    assert run(bundled_kg, "RETURN $v AS v", {"v": value}, db_dir=db_dir).rows == [[Literal(value)]]
    n = run(bundled_kg, "MATCH (a:PartyOrganization) WHERE a.label_zh <> $v RETURN count(a) AS n", {"v": value}, db_dir=db_dir)
    assert int(n.rows[0][0]) == sum("PartyOrganization" in d["__labels__"] for _, d in bundled_kg.to_networkx().nodes(data=True))


@pytest.mark.parametrize("value", HOSTILE)
def test_grand_cypher_substitutes_hostile_values_as_literals(bundled_kg, value):
    text = 'MATCH (a:District {id: "changning-district"}) WHERE a.label_zh <> $v RETURN a.id, coalesce($v, NULL) AS v'
    result = run(bundled_kg, text, {"v": value}, "grand-cypher")
    assert result.rows == [[ID["changning-district"], Literal(value)]]


@pytest.mark.parametrize("value", ["line\nbreak", "carriage\rreturn", "nul\x00", "bell\x07"])
def test_grand_cypher_refuses_control_characters(bundled_kg, value):
    with pytest.raises(UsageError, match="control characters"):
        run(bundled_kg, "MATCH (a:District) WHERE a.id = $v RETURN a.id", {"v": value}, "grand-cypher")


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cc", "Cs"))))
def test_cypher_literal_reads_back_as_the_value(value):
    literal = cy.cypher_literal(value)
    assert literal.startswith('"') and literal.endswith('"') and "\n" not in literal
    assert ast.literal_eval(literal) == value


def test_parameters_inside_strings_and_comments_are_left_alone(bundled_kg, db_dir):
    text = "MATCH (a:District) WHERE a.id = $d AND a.label_en <> '$d' // $nothing\nRETURN a.id"
    assert cy.parameter_names(text) == ["d"]
    for engine in cy.ENGINES:
        text_e = text.replace("'$d'", '"$d"') if engine == "grand-cypher" else text
        assert run(bundled_kg, text_e, {"d": "changning-district"}, engine, db_dir).rows == [[ID["changning-district"]]]


def test_missing_and_unused_parameters_are_usage_errors(bundled_kg, db_dir):
    for engine in cy.ENGINES:
        with pytest.raises(UsageError, match=r"--param d: the query uses \$d"):
            run(bundled_kg, "MATCH (a {id: $d}) RETURN a.id", None, engine, db_dir)
        with pytest.raises(UsageError, match=r"--param x: the query has no parameter \$x"):
            run(bundled_kg, "MATCH (a {id: $d}) RETURN a.id", {"d": "changning-district", "x": "1"}, engine, db_dir)


# ------------------------------------------------------------------ errors and the command

@pytest.mark.parametrize("engine", cy.ENGINES)
@pytest.mark.parametrize("text", ["MATCH (a:PartyOrganization RETURN a", "MATCH (a) RETURN", "RETURN RETURN"])
def test_syntax_errors_are_one_line_usage_errors(bundled_kg, db_dir, engine, text):
    with pytest.raises(UsageError) as info:
        run(bundled_kg, text, None, engine, db_dir)
    message = str(info.value)
    assert "\n" not in message and f"({engine})" in message


def test_ladybug_syntax_error_carries_the_engine_message(bundled_kg, db_dir):
    with pytest.raises(UsageError, match=r"^Cypher syntax error \(ladybug\): Parser exception: Invalid input "
                                         r"<MATCH \(a:PartyOrganization RETURN>"):
        run(bundled_kg, "MATCH (a:PartyOrganization RETURN a", db_dir=db_dir)


def test_unknown_label_and_engine_are_usage_errors(bundled_kg, db_dir):
    with pytest.raises(UsageError, match="Nowhere"):
        run(bundled_kg, "MATCH (a:Nowhere) RETURN a.id", db_dir=db_dir)
    with pytest.raises(UsageError, match="unknown Cypher engine"):
        run(bundled_kg, "MATCH (a) RETURN a.id", None, "neo4j")


def test_cypher_command_lists_runs_and_refuses_ambiguity(tmp_path):
    listing = cy.cypher_command(list_queries=True)
    assert [str(r[0]) for r in listing.rows] == TWINS
    assert listing.vars == ["name", "title_zh", "title_en", "twin", "engines", "parameters"]
    result = cy.cypher_command("MATCH (a:District {id: $d}) RETURN a.label_en", params={"d": "changning-district"},
                               engine="grand-cypher")
    assert result.rows == [[Literal("Changning District", lang="en")]]
    with pytest.raises(UsageError, match="one of them"):
        cy.cypher_command("MATCH (a) RETURN a.id", "cross-sector-links")
    with pytest.raises(UsageError, match="one of them"):
        cy.cypher_command()
