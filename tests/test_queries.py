"""The canned SPARQL queries: rows on the bundled corpus, identical on both engines, safe parameters, CLI, docs."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import re
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib.plugins.sparql import prepareQuery

from lianjian.cli import cli
from lianjian.errors import UsageError
from lianjian.graph import KnowledgeGraph
from lianjian.namespace import ID, sparql_prologue
from lianjian.queries import PARAM_TYPES, get_query, sparql_catalogue
from lianjian.queries.run import run_sparql

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = sparql_catalogue()
NAMES = sorted(CATALOGUE)
PARAMETRISED = [(q.name, p.name, p.type) for q in CATALOGUE.values() for p in q.parameters]

REQUIRED = [
    "sector-matrix", "around-organization", "mechanisms-by-case", "mechanism-comparison", "joint-body-members",
    "organizations-in-area", "party-hierarchy", "timeline", "observations", "persons-and-posts", "evidence-for",
    "organizations-without-party-organization", "relationships-without-mechanism",
]

#: rdflib's Dataset warns on every triple lookup of the union graph; the warning says nothing about the queries.
pytestmark = pytest.mark.filterwarnings("ignore:Dataset.default_context is deprecated:DeprecationWarning")

#: A value that would break out of the query if it were pasted into its text.
NASTY = 'x" } UNION { ?s ?p ?o } # \' """ \'\'\' {{ }} \\ <http://example.org/evil> .\n} UNION { ?s ?p ?o }\r\n'


@pytest.fixture(scope="module")
def kg_oxigraph():
    return KnowledgeGraph.from_cases(engine="oxigraph")


@pytest.fixture(scope="module")
def kg_rdflib():
    return KnowledgeGraph.from_cases(engine="rdflib")


@pytest.fixture(scope="module")
def default_rows(kg_oxigraph):
    """Each canned query's result with its default parameters on Oxigraph, computed once."""
    cache = {}

    def get(name):
        if name not in cache:
            cache[name] = run_sparql(kg_oxigraph, name)
        return cache[name]

    return get


def rows(kg, name, **params):
    return run_sparql(kg, name, params).records()


# ------------------------------------------------------------------ the catalogue


def test_catalogue_holds_the_required_queries_and_more():
    missing = [n for n in REQUIRED if n not in CATALOGUE]
    assert not missing, missing
    assert len(CATALOGUE) >= 16


@pytest.mark.parametrize("name", NAMES)
def test_query_header_is_complete(name):
    q = CATALOGUE[name]
    assert q.name == q.path.stem == name
    assert q.title_zh and q.title_en and q.description
    assert re.search(r"[\u4e00-\u9fff]", q.title_zh), "title_zh should be Chinese"
    for p in q.parameters:
        assert p.type in PARAM_TYPES, (p.name, p.type)
        assert p.default, f"parameter {p.name} needs a default"
        assert p.description, f"parameter {p.name} needs a description"
        p.term(p.default)  # the default is a valid value of its type


@pytest.mark.parametrize("name", NAMES)
def test_every_parameter_variable_is_projected(name):
    q = CATALOGUE[name]
    projected = {str(v) for v in prepareQuery(sparql_prologue() + q.text).algebra["PV"]}
    for p in q.parameters:
        assert p.name in projected, f"?{p.name} must be in the SELECT projection (Oxigraph substitutions)"


@pytest.mark.parametrize("name", NAMES)
def test_query_is_deterministic_by_construction(name):
    text = CATALOGUE[name].text.upper()
    assert "GROUP_CONCAT" not in text and "SAMPLE(" not in text
    assert "ORDER BY" in text


# ------------------------------------------------------------------ rows on the bundled corpus


@pytest.mark.parametrize("name", NAMES)
def test_query_returns_rows_on_the_bundled_corpus(name, default_rows):
    result = default_rows(name)
    assert len(result.rows) >= 1
    assert all(any(t is not None for t in row) for row in result.rows)


@pytest.mark.parametrize("name", NAMES)
def test_both_engines_return_identical_rows(name, default_rows, kg_rdflib):
    assert run_sparql(kg_rdflib, name).canonical() == default_rows(name).canonical()


#: Non-default parameter values: the binding must change the answer, identically on both engines.
OTHER_PARAMS = [
    ("around-organization", {"org": "huating-urban-community-party-working-committee", "hops": "1"}),
    ("around-organization", {"org": "pudong-construction-transport-commission", "hops": "3"}),
    ("organizations-in-area", {"area": "pudong-new-area"}),
    ("party-hierarchy", {"committee": "huating-county-committee"}),
    ("timeline", {"case": "pudong-daju-2015"}),
    ("observations", {"case": "huating-six-systems"}),
    ("evidence-for", {"entity": "cohesion-project"}),
    ("initiative-tree", {"initiative": "pudong-daju-joint-building"}),
    ("find-entities", {"text": "Shentong"}),
]


@pytest.mark.parametrize("name,params", OTHER_PARAMS, ids=[f"{n}-{'-'.join(p.values())}" for n, p in OTHER_PARAMS])
def test_other_parameter_values_agree_across_engines(name, params, kg_oxigraph, kg_rdflib, default_rows):
    if name not in CATALOGUE:
        pytest.skip(f"no query {name}")
    ox = run_sparql(kg_oxigraph, name, params)
    assert ox.rows, "a non-default value should still find something"
    assert ox.canonical() != default_rows(name).canonical(), "the parameter made no difference"
    for key, value in params.items():
        column = {r[key] for r in ox.records()}
        expected = int(value) if value.isdigit() else value
        assert column == {expected} or column == {str(ID[value])} or any(str(c).endswith("/" + value) for c in column), column
    assert run_sparql(kg_rdflib, name, params).canonical() == ox.canonical()


def test_queries_on_a_small_corpus_agree_across_engines(case_dir):
    folder = case_dir()
    kgs = [KnowledgeGraph.from_cases([folder], bundled=False, engine=e) for e in ("oxigraph", "rdflib")]
    for name in NAMES:
        a, b = (run_sparql(kg, name) for kg in kgs)
        assert a.canonical() == b.canonical(), name


def test_queries_are_fast_on_oxigraph(kg_oxigraph):
    slow = {}
    for name in NAMES:
        start = time.perf_counter()
        run_sparql(kg_oxigraph, name)
        elapsed = time.perf_counter() - start
        if elapsed > 1.0:
            slow[name] = round(elapsed, 2)
    assert not slow, slow


# ------------------------------------------------------------------ parameters are values, never query text


def test_string_parameter_full_of_syntax_is_just_a_value(kg_oxigraph, kg_rdflib):
    string_params = [(n, p) for n, p, t in PARAMETRISED if t in ("string", "name")]
    assert string_params, "the catalogue should have a query with a string parameter"
    for name, param in string_params:
        for kg in (kg_oxigraph, kg_rdflib):
            result = run_sparql(kg, name, {param: NASTY})
            assert len(result.rows) < 10, "a nonsense value matched much of the graph"
            assert len(result.rows) < len(kg)


def test_string_parameter_finds_what_it_names(kg_oxigraph):
    found = rows(kg_oxigraph, "find-entities", text="申通地铁")
    assert str(ID["shentong-metro-party-committee"]) in {r["entity"] for r in found}
    assert rows(kg_oxigraph, "find-entities", text='申通"地铁') == []


def test_find_entities_reads_traditional_and_full_width_input_as_simplified(kg_oxigraph, kg_rdflib):
    """Issue 12: 凝博館 (Traditional) finds 凝博馆; the matching name is the Simplified one."""
    for kg in (kg_oxigraph, kg_rdflib):
        simplified = rows(kg, "find-entities", text="凝博馆")
        assert simplified and rows(kg, "find-entities", text="凝博館") == simplified
    assert any("凝博馆" in r["matched"] for r in simplified)
    full_width = rows(kg_oxigraph, "find-entities", text="ＳＨＥＮＴＯＮＧ")
    assert full_width and [r["entity"] for r in full_width] == [r["entity"] for r in rows(kg_oxigraph, "find-entities", text="Shentong")]


def test_find_entities_matches_aliases(kg_oxigraph):
    alias, entity = next((r["alias"], r["e"]) for r in kg_oxigraph.select(
        "SELECT ?e ?alias WHERE { ?e skos:altLabel ?alias . FILTER NOT EXISTS { ?e rdfs:label ?l . FILTER(STR(?l) = STR(?alias)) } "
        "FILTER(STRSTARTS(STR(?e), STR(id:))) } ORDER BY ?e ?alias LIMIT 1"))
    assert entity in {r["entity"] for r in rows(kg_oxigraph, "find-entities", text=alias)}


def test_entity_parameter_takes_a_name_in_either_script(kg_oxigraph):
    by_id = run_sparql(kg_oxigraph, "evidence-for", {"entity": "shentong-metro-party-committee"})
    assert run_sparql(kg_oxigraph, "evidence-for", {"entity": "申通地铁公司党委"}).canonical() == by_id.canonical()
    assert run_sparql(kg_oxigraph, "evidence-for", {"entity": "申通地鐵公司黨委"}).canonical() == by_id.canonical()
    with pytest.raises(UsageError, match="no entity is named '无此组织'"):
        run_sparql(kg_oxigraph, "evidence-for", {"entity": "无此组织"})


def test_cypher_entity_parameter_takes_a_traditional_name(kg_oxigraph, tmp_path):
    from lianjian.queries.cypher import run_cypher_query

    by_name = run_cypher_query(kg_oxigraph, "around-organization", {"org": "長寧區委", "hops": "1"}, cache_dir=tmp_path)
    by_id = run_cypher_query(kg_oxigraph, "around-organization", {"org": "changning-district-committee", "hops": "1"},
                             cache_dir=tmp_path)
    assert by_id.rows and by_name.canonical() == by_id.canonical()


def test_path_takes_names_in_either_script():
    ids = CliRunner().invoke(cli, ["path", "changning-district-committee", "shentong-metro-party-committee", "--format", "json"])
    names = CliRunner().invoke(cli, ["path", "長寧區委", "申通地鐵公司黨委", "--format", "json"])
    assert ids.exit_code == 0 and names.exit_code == 0 and names.output == ids.output
    missing = CliRunner().invoke(cli, ["path", "無此組織", "申通地鐵公司黨委"])
    assert missing.exit_code == 2 and "A: no entity is named '無此組織'" in missing.output


@pytest.mark.parametrize("name,param,ptype", [t for t in PARAMETRISED if t[2] not in ("string", "name")],
                         ids=[f"{n}-{p}" for n, p, t in PARAMETRISED if t not in ("string", "name")])
def test_id_and_number_parameters_reject_syntax(name, param, ptype, kg_oxigraph):
    with pytest.raises(UsageError):
        run_sparql(kg_oxigraph, name, {param: NASTY})
    with pytest.raises(UsageError):
        run_sparql(kg_oxigraph, name, {param: "} UNION { ?s ?p ?o }"})


@pytest.mark.parametrize("name,param", [(n, p) for n, p, t in PARAMETRISED if t == "entity"])
def test_unknown_entity_gives_no_rows(name, param, kg_oxigraph, kg_rdflib):
    for kg in (kg_oxigraph, kg_rdflib):
        assert run_sparql(kg, name, {param: "no-such-entity"}).rows == []


def test_cli_rejects_a_nasty_entity_value_in_one_line():
    result = CliRunner().invoke(cli, ["query", "evidence-for", "--param", f"entity={NASTY}"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "is not an id" in result.output


# ------------------------------------------------------------------ usage errors


def test_unknown_query_name_is_a_usage_error(kg_oxigraph):
    with pytest.raises(UsageError, match="unknown query"):
        get_query("nope")
    with pytest.raises(UsageError):
        run_sparql(kg_oxigraph, "sector-matrx")


def test_unknown_parameter_is_a_usage_error(kg_oxigraph):
    with pytest.raises(UsageError, match="no parameter"):
        run_sparql(kg_oxigraph, "timeline", {"nope": "1"})
    with pytest.raises(UsageError, match="no parameter"):
        run_sparql(kg_oxigraph, "sector-matrix", {"sector": "community"})


@pytest.mark.parametrize("args", [
    ["query", "nope"],
    ["query", "timeline", "--param", "nope=1"],
    ["query", "around-organization", "--param", "hops=two"],
])
def test_cli_usage_errors_exit_2_with_one_line(args):
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    assert "Traceback" not in result.output


def test_cli_suggests_a_close_name():
    result = CliRunner().invoke(cli, ["query", "sector-matrx"])
    assert result.exit_code == 2
    assert "sector-matrix" in result.output


# ------------------------------------------------------------------ the CLI's listing and output formats


def test_list_as_json_describes_every_query():
    result = CliRunner().invoke(cli, ["query", "--list", "--format", "json"])
    assert result.exit_code == 0, result.output
    listing = json.loads(result.output)
    assert isinstance(listing, list)
    assert sorted(entry["name"] for entry in listing) == NAMES
    for entry in listing:
        assert entry["title"] and entry["description"]
        for p in entry["parameters"]:
            assert p["name"] and p["default"] is not None
    around = next(e for e in listing if e["name"] == "around-organization")
    assert {p["name"]: p["default"] for p in around["parameters"]} == {"org": "changning-district-committee", "hops": "2"}


def test_list_as_table_names_every_query():
    result = CliRunner().invoke(cli, ["query", "--list"])
    assert result.exit_code == 0
    for name in NAMES:
        assert name in result.output


def test_json_output_is_sparql_results_json():
    result = CliRunner().invoke(cli, ["query", "party-hierarchy", "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["head"]["vars"][:3] == ["committee", "level", "org"]
    bindings = doc["results"]["bindings"]
    assert bindings
    for b in bindings:
        assert set(b) <= set(doc["head"]["vars"])
        for term in b.values():
            assert term["type"] in ("uri", "literal", "bnode") and isinstance(term["value"], str)
    assert bindings[0]["committee"] == {"type": "uri", "value": str(ID["changning-district-committee"])}
    assert bindings[0]["level"]["datatype"].endswith("#integer")
    labelled = [b["org_zh"] for b in bindings if "org_zh" in b]
    assert labelled and all(t["xml:lang"].lower() == "zh-hans" for t in labelled)


def test_csv_output_has_a_header_and_crlf_line_ends():
    result = CliRunner().invoke(cli, ["query", "party-hierarchy", "--format", "csv"])
    assert result.exit_code == 0
    raw = result.stdout_bytes.decode("utf-8")
    assert raw.startswith("committee,level,org,")
    assert raw.count("\r\n") == raw.count("\n") > 1
    table = list(csv.reader(io.StringIO(raw)))
    assert len({len(row) for row in table}) == 1


def test_tsv_output_starts_with_variable_headers():
    result = CliRunner().invoke(cli, ["query", "party-hierarchy", "--format", "tsv"])
    assert result.exit_code == 0
    header, first = result.output.splitlines()[:2]
    # A spreadsheet table with prefixed ids (issue 15); the W3C SPARQL TSV is the SPARQL endpoint's.
    assert header.split("\t")[:3] == ["committee", "level", "org"]
    assert first.startswith("id:changning-district-committee\t1\t")


def test_table_and_md_outputs(kg_oxigraph):
    table = CliRunner().invoke(cli, ["query", "timeline", "--param", "case=changning-cohesion-2013"])
    assert table.exit_code == 0 and "source:changning-cohesion-2013" in table.output and "rows)" in table.output
    md = CliRunner().invoke(cli, ["query", "persons-and-posts", "--format", "md"])
    assert md.exit_code == 0 and md.output.startswith("| person |")


# ------------------------------------------------------------------ docs/queries.md


def _doc_module():
    spec = importlib.util.spec_from_file_location("gen_queries_doc", ROOT / "scripts" / "gen_queries_doc.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_queries_doc_is_up_to_date(kg_oxigraph):
    doc = (ROOT / "docs" / "queries.md").read_text(encoding="utf-8")
    assert _doc_module().render_doc(kg_oxigraph) == doc, "run: python scripts/gen_queries_doc.py"


def test_queries_doc_documents_every_query():
    doc = (ROOT / "docs" / "queries.md").read_text(encoding="utf-8")
    for q in CATALOGUE.values():
        assert f"### `{q.name}`" in doc
        assert f"lianjian query {q.name}" in doc
        for p in q.parameters:
            assert f"--param {p.name}={p.default}" in doc


# ------------------------------------------------------------------ facts the corpus states


def test_area_holds_a_residential_area_party_organisation(default_rows):
    found = default_rows("organizations-in-area").records()
    assert {r["area"] for r in found} == {str(ID["changning-district"])}
    huashan = [r for r in found if r["org"] == str(ID["jiangsu-huashan-residential-party-branch"])]
    assert huashan and huashan[0]["place"] == str(ID["jiangsu-huashan-residential-area"])
    assert huashan[0]["level"] == 2 and huashan[0]["place_kind_zh"] == "居民区" and huashan[0]["org_kind_zh"] == "党支部"
    assert any(r["org"] == str(ID["changning-district-committee"]) and r["level"] == 0 for r in found)


def test_party_hierarchy_under_the_district_committee(default_rows):
    found = {r["org"]: r for r in default_rows("party-hierarchy").records()}
    street = found[str(ID["changning-street-party-working-committees"])]
    assert street["level"] == 1 and street["parent"] == str(ID["changning-district-committee"])
    residential = found[str(ID["changning-residential-party-committees"])]
    assert residential["level"] == 2 and residential["parent"] == str(ID["changning-street-party-working-committees"])
    assert str(ID["shanghai-municipal-committee"]) not in found


def test_around_organization_grows_with_hops(kg_oxigraph):
    def nodes(hops):
        found = rows(kg_oxigraph, "around-organization", org="changning-district-committee", hops=str(hops))
        assert {r["distance"] for r in found} <= set(range(1, hops + 1))
        return {r["node"]: r["distance"] for r in found}

    one, two, three = nodes(1), nodes(2), nodes(3)
    assert str(ID["shentong-metro-party-committee"]) in one
    assert set(one) < set(two) <= set(three)
    assert all(two[n] == d for n, d in one.items())  # shortest distances do not change with more hops
    assert str(ID["changning-district-committee"]) not in three


def test_around_organization_gives_mechanism_and_evidence(kg_oxigraph):
    found = rows(kg_oxigraph, "around-organization", org="shentong-metro-party-committee", hops="1")
    signing = [r for r in found if r["node"] == str(ID["changning-district-committee"])]
    assert signing and {r["kind_zh"] for r in signing} == {"签约"}
    assert "mechanism:pairing" in {r.get("mechanism", "").replace("https://w3id.org/lianjian/vocab/mechanism/", "mechanism:") for r in signing}
    assert all("申通地铁公司党委" in r["quote"] or r["quotes"] > 1 for r in signing)


def test_joint_body_members_and_leaders(default_rows):
    found = default_rows("joint-body-members").records()
    daju = {r.get("member") for r in found if r["body"] == str(ID["pudong-daju-joint-conference"])}
    assert str(ID["pudong-construction-transport-commission"]) in daju and str(ID["pudong-caolu-town"]) in daju
    huating = [r for r in found if r["body"] == str(ID["huating-urban-party-building-joint-conference"])]
    assert {r["leader"] for r in huating} == {str(ID["huating-urban-community-party-working-committee"])}
    assert any(r["member_leads"] is True for r in huating)


def test_timeline_is_in_date_order_and_holds_the_metro_signing(default_rows):
    found = default_rows("timeline").records()
    dates = [r["date"] for r in found]
    assert dates == sorted(dates)
    assert any(r["item"] == str(ID["changning-shentong-2005-signing"]) and r["date"] == "2005" for r in found)
    assert found[-1]["what"] == "发表" and found[-1]["date"] == "2013-06-23"


def test_mechanism_comparison_counts_are_consistent(default_rows):
    found = default_rows("mechanism-comparison").records()
    families = {r["family"]: r for r in found if r["level"] == 1}
    places = ("changning", "huating", "pudong")
    for r in found:
        assert sum(r[p] for p in places) > 0
        if r["level"] == 2:
            for p in places:
                assert r[p] <= families[r["family"]][p], (r["mechanism"], p)
    joint = next(r for r in found if r["mechanism"].endswith("/joint-conference"))
    assert all(joint[p] > 0 for p in places)


def test_sector_matrix_lists_each_pair_once(default_rows):
    found = default_rows("sector-matrix").records()
    pairs = [(r["sector_a"], r["sector_b"]) for r in found]
    assert len(pairs) == len(set(pairs))
    assert all(a <= b for a, b in pairs)
    assert all(r["relationships"] >= 1 and r["organization_pairs"] >= 1 for r in found)


def test_evidence_for_gives_quotes_with_offsets(default_rows):
    found = default_rows("evidence-for").records()
    assert {r["role"] for r in found} >= {"实体本身", "联建关系"}
    for r in found:
        assert r["source"].endswith("/changning-cohesion-2013")
        if "start" in r:
            assert r["end"] - r["start"] == len(r["quote"])


def test_persons_and_posts(default_rows):
    found = default_rows("persons-and-posts").records()
    founder = [r for r in found if r.get("post_zh") == "零距离书记工作室创始人"]
    assert founder and founder[0]["person_zh"] == "张龙云" and founder[0]["since"] == "2014"


def test_initiative_tree_of_the_cohesion_project(default_rows):
    found = {r["part"]: r for r in default_rows("initiative-tree").records()}
    assert found[str(ID["cohesion-project"])]["level"] == 0
    # The Cohesion Project is the "1" inside the 1+N model (004), not the other way round (codebook R12).
    assert str(ID["changning-1-plus-n-model"]) not in found


def test_the_cohesion_project_is_the_one_inside_one_plus_n(bundled_kg):
    from lianjian.queries.run import run_sparql

    rows = run_sparql(bundled_kg, "initiative-tree", {"initiative": "changning-1-plus-n-model"}).records()
    cohesion = [r for r in rows if r["part"] == str(ID["cohesion-project"])]
    assert cohesion and cohesion[0]["level"] == 1 and cohesion[0]["parent"] == str(ID["changning-1-plus-n-model"])


def test_curation_gap_queries_find_real_gaps(default_rows):
    without_party = {r["org"] for r in default_rows("organizations-without-party-organization").records()}
    assert str(ID["shentong-metro"]) not in without_party  # its party committee is recorded
    assert str(ID["changning-district-committee"]) not in without_party  # a party body itself
    gaps = default_rows("relationships-without-mechanism").records()
    assert gaps and all(r["relationship"].startswith(str(ID)) for r in gaps)


def test_mechanisms_by_case_names_the_initiatives(default_rows):
    found = default_rows("mechanisms-by-case").records()
    one_plus_n = [r for r in found if r.get("initiative") == str(ID["changning-1-plus-n-model"])]
    assert one_plus_n and {r["initiative_zh"] for r in one_plus_n} == {"基层党建“1+N”工作模式"}
    assert {r["case"].rsplit("/", 1)[1] for r in one_plus_n} == {"changning-1n-model"}
    assert all(r.get("initiative_zh") for r in found if "initiative" in r)
    assert all(r["uses"] >= 1 and r["mechanism_zh"] for r in found)
