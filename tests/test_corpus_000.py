"""Key facts of source 000 (Changning's Cohesion Project, 广东新闻网 2013-06-23), checked through SPARQL."""

import pytest



@pytest.fixture(scope="module")
def kg(bundled_kg):
    return bundled_kg


def test_district_committee_signed_metro_pairing_in_2005(kg):
    # 长宁区委……于2005年与申通地铁公司党委签约结对,在全市首创“地铁社区党建联动”新机制
    rows = kg.select("""
        SELECT ?kind (STR(?start) AS ?year) WHERE {
          ?r a lj:JointBuilding ;
             lj:participant id:changning-district-committee , id:shentong-metro-party-committee ;
             lj:relationKind ?kind ;
             lj:startDate ?start ;
             lj:mechanism mechanism:changning-metro-community-party-building-linkage .
        }""")
    assert rows == [{"kind": "https://w3id.org/lianjian/vocab/relation/signing", "year": "2005"}]
    party_of = kg.select("SELECT ?u WHERE { id:shentong-metro-party-committee lj:partyOrganizationOf ?u }")
    assert [r["u"] for r in party_of] == ["https://w3id.org/lianjian/id/shentong-metro"]


def test_five_in_one_joint_conference_has_five_members(kg):
    # 居民区党组织、居委会、业委会、物业公司和公安派出所等参与的“五位一体”联席会议制度
    rows = kg.select("""
        SELECT ?m WHERE { id:changning-five-in-one-joint-conference a lj:JointConference ; org:hasMember ?m }""")
    members = {r["m"].rsplit("/", 1)[-1] for r in rows}
    assert members == {
        "changning-residential-party-organizations",
        "changning-residents-committees",
        "changning-owners-committees",
        "changning-property-management-companies",
        "changning-police-stations",
    }
    broader = kg.select("""
        SELECT ?b WHERE { mechanism:changning-five-in-one-joint-conference-system skos:broader ?b }""")
    assert [r["b"] for r in broader] == ["https://w3id.org/lianjian/vocab/mechanism/joint-conference"]


def test_cohesion_project_has_three_background_phases_in_this_source(kg):
    rows = kg.select("""
        SELECT DISTINCT ?phase WHERE {
          ?phase a lj:InitiativePhase ; dcterms:isPartOf id:cohesion-project ;
                 lj:evidence/dcterms:source source:changning-cohesion-2013 .
        }""")
    phases = {r["phase"].rsplit("/", 1)[-1] for r in rows}
    assert phases == {
        "cohesion-phase-huayang-origin",
        "cohesion-phase-community-party-building",
        "cohesion-phase-six-extensions",
    }


def test_six_extensions_belong_to_the_post_2003_phase(kg):
    # 与时俱进地实现了“六个拓展”
    rows = kg.select("""
        SELECT ?c WHERE {
          ?c a lj:InitiativeComponent ; dcterms:isPartOf id:cohesion-six-extensions .
          id:cohesion-six-extensions dcterms:isPartOf id:cohesion-phase-six-extensions .
          id:cohesion-phase-six-extensions dcterms:isPartOf id:cohesion-project .
        }""")
    assert len(rows) == 6
    start = kg.select("SELECT (STR(?d) AS ?y) WHERE { id:cohesion-phase-six-extensions lj:startDate ?d }")
    assert start == [{"y": "2003"}]


def test_district_fiscal_revenue_2008(kg):
    # 区级财政收入由1992年的2.43亿元上升至2008年的52.62亿元
    rows = kg.select("""
        SELECT ?v ?unit (STR(?y) AS ?year) WHERE {
          ?o a lj:Observation ; lj:observedEntity id:changning-district ;
             lj:value ?v ; lj:unit ?unit ; lj:asOf ?y ;
             lj:evidence/dcterms:source source:changning-cohesion-2013 .
          FILTER(CONTAINS(STR(?unit), "亿元"))
        } ORDER BY ?y""")
    assert [(r["year"], r["unit"]) for r in rows] == [("1992", "亿元"), ("2008", "亿元")]
    assert rows[0]["v"] == pytest.approx(2.43)
    assert rows[1]["v"] == pytest.approx(52.62)


def test_optimise_third_strengthen_fourth_sits_under_vertical_linkage(kg):
    # 完善“优三实四”的社会管理新体制 … 推进“两级政府、三级管理”城市管理新体制
    rows = kg.select("""
        SELECT ?b WHERE { mechanism:changning-optimise-third-strengthen-fourth skos:broader ?b }""")
    assert [r["b"] for r in rows] == [
        "https://w3id.org/lianjian/vocab/mechanism/shanghai-two-level-government-three-level-management"]
    path = kg.select("""
        SELECT ?top WHERE {
          mechanism:changning-optimise-third-strengthen-fourth skos:broader+ ?top .
          FILTER(?top = mechanism:vertical-linkage)
        }""")
    assert len(path) == 1


def test_one_plus_three_system_bodies_sit_under_street_working_committees(kg):
    # 社区党组织“1+3”领导体制: 行政党组、综合党委、居民区党委 under the street party working committee
    rows = kg.select("""
        SELECT ?o WHERE { ?o org:subOrganizationOf id:changning-street-party-working-committees }""")
    children = {r["o"].rsplit("/", 1)[-1] for r in rows}
    assert {"changning-administrative-party-groups", "changning-comprehensive-party-committees",
            "changning-residential-party-committees"} <= children
    parent = kg.select("""
        SELECT ?p WHERE { id:changning-street-party-working-committees org:subOrganizationOf ?p }""")
    assert [r["p"] for r in parent] == ["https://w3id.org/lianjian/id/changning-district-committee"]


def test_double_pairing_counts(kg):
    # 与18家敬老院结对,与50名困难党员、500户困难家庭和1000名困难学生结对
    rows = kg.select("""
        SELECT ?v ?unit WHERE {
          ?o a lj:Observation ; lj:observedEntity id:changning-double-pairing-campaign ; lj:value ?v ; lj:unit ?unit .
        }""")
    assert sorted((r["v"], r["unit"]) for r in rows) == [(18, "家"), (50, "名"), (500, "户"), (1000, "名")]
    pair = kg.select("""
        SELECT ?r WHERE {
          ?r a lj:JointBuilding ; lj:relationKind relation:pairing ;
             lj:participant id:changning-agency-party-branches , id:changning-nursing-homes ;
             lj:mechanism mechanism:double-pairing .
        }""")
    assert len(pair) == 1


# --- re-annotation to the codebook (issue 12) -------------------------------------------------------

def _local(rows, key):
    return sorted(r[key].rsplit("/", 1)[-1] for r in rows)


def test_2007_visit_is_a_visit_event_not_a_tie(kg):
    # 2007年9月,时任上海市委书记习近平同志来长宁视察时,称赞“凝聚力工程”是社区党建最早最长的典型
    rows = kg.select("""
        SELECT (STR(?d) AS ?date) ?x WHERE {
          id:xi-jinping-changning-visit-2007 a lj:Visit ; dcterms:date ?d ; lj:involves ?x .
        }""")
    assert {r["date"] for r in rows} == {"2007-09"}
    assert _local(rows, "x") == ["changning-district", "cohesion-project", "shanghai-municipal-committee", "xi-jinping"]
    ties = kg.select("""
        SELECT ?r WHERE {
          ?r a lj:JointBuilding ; lj:participant id:shanghai-municipal-committee ;
             lj:evidence/dcterms:source source:changning-cohesion-2013 .
        }""")
    assert ties == []


def test_praise_is_one_award_event_with_an_inferred_date(kg):
    # 受到了中组部和上海市委的充分肯定 (上个世纪90年代初期: no year given)
    rows = kg.select("""
        SELECT ?x WHERE { id:cohesion-project-affirmed-early-1990s a lj:Award ; lj:involves ?x }""")
    assert _local(rows, "x") == [
        "central-organization-department", "changning-district", "cohesion-project", "shanghai-municipal-committee"]
    date = kg.select("""
        SELECT (STR(?d) AS ?y) ?why WHERE {
          id:cohesion-project-affirmed-early-1990s dcterms:date ?d .
          ?st rdf:subject id:cohesion-project-affirmed-early-1990s ; rdf:predicate dcterms:date ;
              lj:basis "inferred" ; lj:basisReason ?why .
        }""")
    assert len(date) == 1 and date[0]["y"] == "1993" and "90年代初期" in date[0]["why"]
    ties = kg.select("SELECT ?r WHERE { ?r a lj:JointBuilding ; lj:participant id:central-organization-department }")
    assert ties == []


def test_district_committee_budget_rule_is_an_initiative_not_a_tie(kg):
    # 将党建工作经费纳入公共财政预算; 区财政每年向每个居民区党组织提供1万元“凝聚力工程”专项基金
    ties = kg.select("""
        SELECT ?r WHERE { ?r a lj:JointBuilding ; lj:participant ?a , id:changning-finance-bureau .
                          VALUES ?a { id:changning-district-committee id:changning-residential-party-organizations } }""")
    assert ties == []
    rule = kg.select("""
        SELECT ?i WHERE { ?i lj:mechanism mechanism:changning-party-funds-in-public-budget ; a lj:InitiativeComponent }""")
    assert _local(rule, "i") == ["cohesion-socialised-institutional-system"]
    fund = kg.select("""
        SELECT ?by (STR(?s) AS ?start) WHERE {
          id:changning-cohesion-special-fund-grants lj:ledBy ?by ; lj:startDate ?s ;
             lj:mechanism mechanism:changning-cohesion-special-fund .
        }""")
    assert fund == [{"by": "https://w3id.org/lianjian/id/changning-finance-bureau", "start": "2001"}]


def test_district_committee_has_no_command_or_praise_ties_in_this_source(kg):
    # only 签约结对 with 申通地铁公司党委 and the two-way talent mechanism (党组织与社会组织的双向人才培养机制)
    rows = kg.select("""
        SELECT DISTINCT ?other ?kind WHERE {
          ?r a lj:JointBuilding ; lj:participant id:changning-district-committee , ?other ; lj:relationKind ?kind ;
             lj:evidence/dcterms:source source:changning-cohesion-2013 .
          FILTER(?other != id:changning-district-committee)
        }""")
    assert sorted((r["other"].rsplit("/", 1)[-1], r["kind"].rsplit("/", 1)[-1]) for r in rows) == [
        ("changning-regional-social-organisations", "joint-building"),
        ("shentong-metro-party-committee", "signing"),
    ]
    guidance = kg.select("""
        SELECT ?r WHERE { ?r a lj:JointBuilding ; lj:relationKind relation:guidance ;
                             lj:participant id:changning-district-committee }""")
    assert guidance == []


def test_line_of_command_is_hierarchy(kg):
    # 逐步形成了以街道党工委为核心、居民区党组织为基础; 综合党委加强党对“两新”组织…的组织覆盖和工作覆盖
    rows = kg.select("""
        SELECT ?sub ?sup WHERE {
          VALUES ?sub { id:changning-residential-party-organizations id:changning-two-new-party-organizations
                        id:changning-mass-teams id:shanghai-municipal-committee }
          ?sub lj:under ?sup .
        }""")
    assert sorted((r["sub"].rsplit("/", 1)[-1], r["sup"].rsplit("/", 1)[-1]) for r in rows) == [
        ("changning-mass-teams", "changning-residential-party-committees"),
        ("changning-residential-party-organizations", "changning-street-party-working-committees"),
        ("changning-two-new-party-organizations", "changning-comprehensive-party-committees"),
        ("shanghai-municipal-committee", "cpc-central-committee"),
    ]
    one_plus_three = kg.select("""
        SELECT ?r WHERE { ?r a lj:JointBuilding ; lj:participant id:changning-street-party-working-committees ,
                                                                   id:changning-administrative-party-groups }""")
    assert one_plus_three == []


def test_hongqiao_joint_conference_counts_its_units_but_names_no_members(kg):
    # 在虹桥经济开发区,成立了60多家单位参加的党建联席会
    members = kg.select("SELECT ?m WHERE { id:hongqiao-zone-party-building-joint-conference org:hasMember ?m }")
    assert members == []
    rows = kg.select("""
        SELECT ?v ?unit ?bound (STR(?y) AS ?asof) WHERE {
          ?o lj:observedEntity id:hongqiao-zone-party-building-joint-conference ;
             lj:value ?v ; lj:unit ?unit ; lj:bound ?bound ; lj:asOf ?y .
        }""")
    assert rows == [{"v": 60, "unit": "家", "bound": "at-least", "asof": "2009"}]
    ties = kg.select("""
        SELECT ?r WHERE { ?r a lj:JointBuilding ; lj:participant id:hongqiao-zone-party-building-joint-conference }""")
    assert ties == []


def test_five_in_one_conference_is_one_statement_not_pairwise_ties(kg):
    # 居民区党组织、居委会、业委会、物业公司和公安派出所等参与的“五位一体”联席会议制度
    rows = kg.select("""
        SELECT ?r ?kind (COUNT(DISTINCT ?p) AS ?n) WHERE {
          ?r a lj:JointBuilding ; lj:mechanism mechanism:changning-five-in-one-joint-conference-system ;
             lj:relationKind ?kind ; lj:participant ?p .
        } GROUP BY ?r ?kind""")
    assert [(r["kind"].rsplit("/", 1)[-1], r["n"]) for r in rows] == [("membership", 6)]


def test_document_written_2009_and_figures_dated_from_it(kg):
    # “凝聚力工程”已经走过了16个春秋 (1993 + 16); 上升至2008年的52.62亿元
    rows = kg.select("""
        SELECT (STR(?w) AS ?written) (STR(?d) AS ?date) ?why WHERE {
          source:changning-cohesion-2013 lj:writtenIn ?w ; dcterms:date ?d ; lj:writtenEvidence ?why .
        }""")
    assert len(rows) == 1 and rows[0]["written"] == "2009" and rows[0]["date"] == "2013-06-23"
    assert "16个春秋" in rows[0]["why"]
    years = kg.select("""
        SELECT (STR(?y) AS ?asof) (COUNT(?o) AS ?n) WHERE {
          ?o a lj:Observation ; prov:wasDerivedFrom source:changning-cohesion-2013 .
          OPTIONAL { ?o lj:asOf ?y }
        } GROUP BY ?y ORDER BY ?y""")
    # every figure has its year; none is stamped with the 2013 reprint date
    assert {r.get("asof") for r in years} == {"1992", "1993", "2001", "2007", "2008", "2009"}
    # 7167名党员志愿者: no year in the text → the written year
    volunteers = kg.select("""
        SELECT (STR(?y) AS ?asof) WHERE {
          ?o lj:observedEntity id:changning-party-member-volunteers ; lj:value ?v ; lj:asOf ?y . FILTER(?v = 7167) }""")
    assert volunteers == [{"asof": "2009"}]


def test_bounds_follow_the_bound_words(kg):
    # 论坛注册人数超过2000人 (at-least); 受益居民近7万户 (at-most); 增长了近21倍 (at-most); 累计投入财政资金达100多亿元 (at-least)
    rows = kg.select("""
        SELECT ?v ?unit ?bound WHERE {
          ?o a lj:Observation ; prov:wasDerivedFrom source:changning-cohesion-2013 ;
             lj:value ?v ; lj:unit ?unit ; lj:bound ?bound .
          FILTER(?bound != "exact")
        }""")
    assert sorted((r["v"], r["unit"], r["bound"]) for r in rows) == [
        (21, "倍", "at-most"), (60, "家", "at-least"), (60, "项", "at-least"), (100, "亿元", "at-least"),
        (2000, "人", "at-least"), (70000, "户", "at-most"), (100000, "人", "at-most"),
    ]


def test_million_workers_are_rhetorical(kg):
    # 整个城市“百万职工大转岗、百万居民大动迁”
    rows = kg.select("""
        SELECT ?v ?r WHERE {
          ?o a lj:Observation ; prov:wasDerivedFrom source:changning-cohesion-2013 ; lj:value ?v ; lj:rhetorical ?r .
        }""")
    assert rows == [{"v": 1000000, "r": True}, {"v": 1000000, "r": True}]


def test_inferred_statements_carry_their_reasons(kg):
    # 园区党建与社区党建结合 (社区党建 read as the street committees' work); 天山街道胡明胜劳动人事工作室 (leader from the name)
    rel = kg.select("""
        SELECT ?why WHERE {
          ?r a lj:JointBuilding ; lj:mechanism mechanism:park-community-party-building-combination ;
             lj:participant id:changning-park-party-organizations ; lj:basis "inferred" ; lj:basisReason ?why ;
             lj:evidence/dcterms:source source:changning-cohesion-2013 .
        }""")
    assert len(rel) == 1 and "以街道党工委为核心" in rel[0]["why"]
    led = kg.select("""
        SELECT ?who ?why WHERE {
          ?st rdf:subject id:tianshan-humingsheng-labour-personnel-studio ; rdf:predicate lj:ledBy ;
              rdf:object ?who ; lj:basis "inferred" ; lj:basisReason ?why .
        }""")
    assert led == [{"who": "https://w3id.org/lianjian/id/tianshan-hu-mingsheng",
                    "why": "named after its leader: 天山街道胡明胜劳动人事工作室"}]
    counts = kg.select("""
        SELECT ?basis (COUNT(?r) AS ?n) WHERE {
          ?r a lj:JointBuilding ; lj:basis ?basis ; prov:wasDerivedFrom source:changning-cohesion-2013 .
        } GROUP BY ?basis ORDER BY ?basis""")
    assert [(r["basis"], r["n"]) for r in counts] == [("inferred", 10), ("stated", 16)]
