"""Facts of source 002: the 2022 ten-year retrospective "非凡十年 | 長寧"
(changning-decade-2022), a Traditional-script article on the Cohesion Project,
its museum, the secretary studios, social organisations, whole-process
people's democracy and urban renewal in Changning District."""

import pytest


ID = "https://w3id.org/lianjian/id/"


@pytest.fixture(scope="module")
def kg(bundled_kg):
    return bundled_kg


def test_cohesion_museum_opened_october_2013(kg):
    # "10月,長寧建成了以上海基層黨建為主題的上海凝聚力工程博物館" (after "2013年,…")
    rows = kg.select("""
        SELECT DISTINCT ?date WHERE {
            ?e a lj:Opening ;
               lj:involves id:shanghai-cohesion-project-museum ;
               dcterms:date ?date ;
               lj:evidence/dcterms:source source:changning-decade-2022 .
        }""")
    assert [str(r["date"]) for r in rows] == ["2013-10"]


def test_four_studios_signed_with_ten_streets_and_towns_in_october_2022(kg):
    # "2022年10月,俞靜、萍聚、雅玉、零距離工作室……與長寧10個街鎮簽約結對"
    rows = kg.select("""
        SELECT DISTINCT ?studio ?start WHERE {
            ?rel a lj:JointBuilding ;
                 lj:relationKind relation:signing ;
                 lj:participant id:changning-ten-streets-and-towns , ?studio ;
                 lj:startDate ?start ;
                 lj:evidence/dcterms:source source:changning-decade-2022 .
            ?studio a lj:Studio .
        }""")
    assert {r["studio"] for r in rows} == {
        ID + "changning-yujing-secretary-studio",
        ID + "changning-pingju-secretary-studio",
        ID + "changning-yayu-secretary-studio",
        ID + "changning-lingjuli-secretary-studio",
    }
    assert {str(r["start"]) for r in rows} == {"2022-10"}


def test_zhang_longyun_founded_lingjuli_studio_and_led_huaiyin_branch(kg):
    # "工作室創始人、原新涇鎮淮陰居民區黨總支書記張龍云"
    rows = kg.select("""
        SELECT DISTINCT ?org WHERE {
            ?p a lj:Person ;
               rdfs:label "张龙云"@zh-Hans ;
               org:holds/org:postIn ?org .
        }""")
    assert {r["org"] for r in rows} == {
        ID + "changning-lingjuli-secretary-studio",
        ID + "xinjing-huaiyin-party-general-branch",
    }


def test_hongqiao_contact_point_belongs_to_npc_legislative_affairs_commission(kg):
    # "在虹橋街道的全國人大常委會法工委基層立法點"
    rows = kg.select("""
        SELECT ?parent ?area WHERE {
            id:hongqiao-grassroots-legislative-contact-point org:subOrganizationOf ?parent ;
                lj:locatedIn ?area .
        }""")
    assert [(r["parent"], r["area"]) for r in rows] == [
        (ID + "npc-legislative-affairs-commission", ID + "hongqiao-street")
    ]


def test_national_contact_point_had_112_suggestions_adopted(kg):
    # "上報建議1400條,112條被采納"
    rows = kg.select("""
        SELECT ?value WHERE {
            ?o a lj:Observation ;
               lj:observedEntity id:hongqiao-grassroots-legislative-contact-point ;
               lj:value ?value ;
               lj:unit "条" ;
               rdfs:label "被采纳建议条数"@zh-Hans ;
               lj:evidence/dcterms:source source:changning-decade-2022 .
        }""")
    assert [float(r["value"]) for r in rows] == [112.0]


def test_changning_has_796_district_level_social_organisations(kg):
    # "……夢曉心理輔導支持中心等796家區級社會組織、316家社區社會組織"
    rows = kg.select("""
        SELECT ?value WHERE {
            ?o a lj:Observation ;
               lj:observedEntity id:changning-district ;
               lj:value ?value ;
               lj:unit "家" ;
               rdfs:label "区级社会组织数"@zh-Hans ;
               lj:evidence/dcterms:source source:changning-decade-2022 .
        }""")
    assert [float(r["value"]) for r in rows] == [796.0]


def test_lift_hearing_sits_under_whole_process_democracy(kg):
    # "形成了征詢會、聽證會等六大會議協商機制" … "在全過程人民民主中推動民生福祉"
    rows = kg.select("""
        SELECT ?parent WHERE {
            mechanism:hongqiao-lift-hearing skos:broader ?parent .
            ?parent skos:broader+ mechanism:whole-process-democracy .
        }""")
    assert [r["parent"] for r in rows] == [
        "https://w3id.org/lianjian/vocab/mechanism/hongqiao-lift-six-meetings"
    ]


def test_dayu_convened_foreign_lane_committee_at_xinhua_villas(kg):
    # "大魚社區營造發展中心組織多場共創工作坊的研討……并成立了“外國弄堂”共治委員會"
    rows = kg.select("""
        SELECT ?leader ?street WHERE {
            id:xinhua-foreign-lane-co-governance-committee a lj:CoGovernanceCommittee ;
                lj:ledBy ?leader ;
                lj:locatedIn ?villas .
            ?villas lj:withinArea ?street .
        }""")
    assert [(r["leader"], r["street"]) for r in rows] == [
        (ID + "changning-dayu-community-building-centre", ID + "xinhua-road-street")
    ]
