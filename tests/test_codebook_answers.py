"""The canned answers the codebook audit found wrong (issue 12), checked against the corpus as now coded."""

from lianjian.namespace import ID
from lianjian.queries.run import run_sparql

PUDONG_TOWNS = {"pudong-sanlin-town", "pudong-caolu-town", "pudong-huinan-town", "pudong-zhoupu-town", "pudong-hangtou-town"}


def test_around_the_district_committee_lists_only_joint_building(bundled_kg):
    rows = run_sparql(bundled_kg, "around-organization", {"org": "changning-district-committee", "hops": "1"}).records()
    nodes = {r["node"].rsplit("/", 1)[-1] for r in rows}
    # Line of command, praise, a visit and a budget rule were recorded as ties before the codebook.
    assert not nodes & {"shanghai-municipal-committee", "cpc-central-committee", "central-organization-department",
                        "changning-finance-bureau", "changning-district-functional-departments",
                        "changning-residential-party-organizations", "changning-street-party-working-committees"}
    assert "shentong-metro-party-committee" in nodes  # 于2005年与申通地铁公司党委签约结对
    assert all(r["basis"] in ("stated", "inferred") for r in rows)
    assert all(r.get("reason") for r in rows if r["basis"] == "inferred")


def test_the_visit_and_the_praise_are_events_not_ties(bundled_kg):
    ties = bundled_kg.select("""
        SELECT ?r WHERE { ?r a lj:JointBuilding ; lj:participant id:shanghai-municipal-committee }""")
    assert ties == []
    events = bundled_kg.select("""
        SELECT ?e ?c WHERE { ?e lj:involves id:shanghai-municipal-committee ; a ?c . ?c rdfs:subClassOf* lj:Event }""")
    assert {r["c"].rsplit("#", 1)[-1] for r in events} >= {"Visit", "Award"}


def test_sector_matrix_and_cross_sector_links_count_the_pudong_towns(bundled_kg):
    towns = bundled_kg.select("SELECT ?t ?s WHERE { ?t lj:sector ?s . VALUES ?t { %s } }"
                              % " ".join(f"<{ID[t]}>" for t in sorted(PUDONG_TOWNS)))
    assert {r["t"].rsplit("/", 1)[-1] for r in towns} == PUDONG_TOWNS
    links = run_sparql(bundled_kg, "cross-sector-links").records()
    ends = {r[k].rsplit("/", 1)[-1] for r in links for k in ("a", "b")}
    assert ends & PUDONG_TOWNS
    matrix = run_sparql(bundled_kg, "sector-matrix").records()
    assert any("rural" in (r["sector_a"] + r["sector_b"]) for r in matrix)


def test_search_finds_traditional_input(bundled_kg):
    rows = run_sparql(bundled_kg, "find-entities", {"text": "凝博館"}).records()
    assert rows[0]["text"] == "凝博馆"  # the parameter, converted to Simplified
    assert any(r["entity"] == str(ID["shanghai-cohesion-project-museum"]) and r["matched"] == "凝博馆" for r in rows)
