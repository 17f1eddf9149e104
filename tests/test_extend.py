"""Adding a case from a raw document: suggest, new-case, diff, and the vocabulary extension they use."""

from __future__ import annotations

import codecs
import json
import logging
import re
from pathlib import Path

import pytest
import yaml

from lianjian import api
from lianjian.errors import CaseErrors, DataError, UsageError
from click.testing import CliRunner

from lianjian.cli import cli
from lianjian.extend.diff import diff, render_diff
from lianjian.extend.newcase import new_case, write_new_case
from lianjian.extend.suggest import CANDIDATE_TYPES, SourceDocument, candidates_result, suggest
from lianjian.graph import KnowledgeGraph
from lianjian.loaders.linker import load_corpus
from lianjian.loaders.evidence import SourceText
from lianjian.loaders.text import normalize
from lianjian.queries.run import run_sparql
from lianjian.results import render

DATA = Path(__file__).resolve().parent / "data" / "extend"
DOC = DATA / "jinxiu-joint-building.txt"
KEY = DATA / "jinxiu-joint-building.key.yaml"
CASE_ID = "jinxiu-2023"
#: Generic words a curator may add to or drop from a mechanism's name.
HEADS = ("工作机制", "机制", "制度", "工作法", "模式", "体系", "格局")


@pytest.fixture(scope="module")
def key() -> dict:
    return yaml.safe_load(KEY.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def candidates(bundled_kg):
    return suggest(DOC, bundled_kg)


@pytest.fixture(scope="module")
def draft(bundled_kg) -> str:
    return new_case(DOC, CASE_ID, bundled_kg)


def _bare(text: str) -> str:
    return normalize(text).replace('"', "")


def _same_term(a: str, b: str) -> bool:
    """The same name up to quotation marks and a generic head word (“四方协商”机制 = 四方协商)."""
    a, b = _bare(a), _bare(b)
    return a == b or any(a == b + h or b == a + h for h in HEADS)


def _score(found: set[str], expected: list[str]) -> tuple[float, float]:
    hit = [e for e in expected if any(_same_term(e, f) for f in found)]
    good = [f for f in found if any(_same_term(e, f) for e in expected)]
    return len(hit) / len(expected), (len(good) / len(found) if found else 0.0)


def uncomment(text: str, needle: str) -> str:
    """Un-comment the one stub (a '  # - ' line and the '  #   ' lines under it) that contains `needle`."""
    lines = text.split("\n")
    blocks, current = [], None
    for i, line in enumerate(lines):
        if line.startswith("  # - "):
            current = [i]
            blocks.append(current)
        elif line.startswith("  #   ") and current is not None:
            current.append(i)
        else:
            current = None
    hits = [b for b in blocks if any(needle in lines[i] for i in b)]
    assert len(hits) == 1, f"{len(hits)} stubs contain {needle!r}"
    for i in hits[0]:
        lines[i] = lines[i].replace("# ", "", 1)
    return "\n".join(lines)


def _filled(draft: str) -> str:
    """The draft with two organisation stubs and their pairing kept, and a signing between known entities."""
    text = uncomment(draft, "zh: '天和科技园联合党委'")  # stub org-4
    text = uncomment(text, "zh: '锦绣居民区党总支'")      # stub org-2
    text = uncomment(text, f"participants: [{CASE_ID}-org-4, {CASE_ID}-org-2]")
    text = uncomment(text, "participants: [changning-district-library, hongqiao-street")
    # The curator's edit: the library signs with the street; the neighbourhood centre is where, not who.
    return text.replace(f"participants: [changning-district-library, hongqiao-street, {CASE_ID}-org-10]",
                        "participants: [changning-district-library, hongqiao-street]")


# --------------------------------------------------------------------------
# suggest


def test_known_entities_recall_and_precision(candidates, key):
    expected = set(key["known"])
    found = {c.entity for c in candidates if c.type == "entity"}
    trusted = {c.entity for c in candidates if c.type == "entity" and c.confidence == "high"}
    recall = len(expected & found) / len(expected)
    precision, precision_high = len(expected & found) / len(found), len(expected & trusted) / len(trusted)
    print(f"\nknown entities: recall {recall:.2f} ({len(expected & found)}/{len(expected)}), "
          f"precision {precision:.2f} of {len(found)}, high-confidence precision {precision_high:.2f} of {len(trusted)}")
    assert recall >= 0.9, f"missed {sorted(expected - found)}"
    assert precision_high > precision


def test_new_organisations_and_mechanisms_recall(candidates, key):
    new = {c.label for c in candidates if c.type in ("organization", "mechanism")}
    recall, precision = _score(new, key["new_organizations"] + key["new_mechanisms"])
    print(f"\nnew organisations + mechanisms: recall {recall:.2f}, precision {precision:.2f} of {len(new)}")
    for name, types in (("new_places", {"place"}), ("new_documents", {"document"}), ("new_persons", {"person"})):
        r, p = _score({c.label for c in candidates if c.type in types}, key[name])
        print(f"{name}: recall {r:.2f}, precision {p:.2f}")
    assert recall >= 0.8


def test_every_candidate_type_appears(candidates):
    assert {c.type for c in candidates} == set(CANDIDATE_TYPES)


def test_offsets_are_in_the_original_text(candidates):
    text = DOC.read_text(encoding="utf-8")
    for c in candidates:
        assert text[c.start:c.end] == c.text
        assert c.text in c.sentence
    assert [c.start for c in candidates] == sorted(c.start for c in candidates)


def test_candidate_details(candidates):
    by_label = {(c.type, c.label): c for c in candidates}
    branch = by_label[("organization", "锦绣居民区党总支")]
    assert (branch.kind, branch.section) == ("PartyGeneralBranch", "organizations")
    assert by_label[("place", "天和科技园")].kind == "BusinessPark"
    person = by_label[("person", "陈立新")]
    assert (person.value, person.org) == ("锦绣居民区党总支书记", "锦绣居民区党总支")
    assert by_label[("person", "张海涛")].value == "虹桥街道党工委书记"
    assert ("mechanism", "“四方协商”机制") in by_label
    assert by_label[("document", "虹桥街道党建联建工作指引")].text == "《虹桥街道党建联建工作指引》"
    dates = {c.text: c.value for c in candidates if c.type == "date"}
    assert dates["2023年6月18日"] == "2023-06-18" and dates["2021年3月"] == "2021-03"
    numbers = {c.text: (c.value, c.unit, c.noun, c.note) for c in candidates if c.type == "number"}
    assert numbers["120名"] == (120, "名", "党员志愿者", "")
    assert numbers["50万元"] == (50, "万元", "资金", "")
    assert numbers["7600余人"] == (7600, "人", "居民", "approximate")
    assert numbers["1.2万平方米"][:2] == (12000, "平方米")
    mentions = {c.text: c for c in candidates if c.type == "entity"}
    assert mentions["虹桥街道"].entity == "hongqiao-street" and mentions["虹桥街道"].section == "areas"
    assert mentions["联席会议制度"].entity == "joint-conference"


def test_doubtful_mentions_are_low_confidence(candidates):
    low = {c.text: c for c in candidates if c.type == "entity" and c.confidence == "low"}
    # 驻区单位 is an alias of Huating's resident units; this text is about Changning.
    assert low["驻区单位"].entity == "huating-resident-units" and "华亭县" in low["驻区单位"].note
    assert "short alias" in low["社区"].note
    # 业主委员会 here is only the ending of the new name 锦绣居民区业主委员会.
    assert "锦绣居民区业主委员会" in low["业主委员会"].note
    high = {c.entity for c in candidates if c.type == "entity" and c.confidence == "high"}
    assert "huating-resident-units" not in high and "hongqiao-street" in high


def test_same_mentions_in_gb18030_bom_and_traditional_with_glosses(bundled_kg, candidates, tmp_path):
    import opencc

    text = DOC.read_text(encoding="utf-8")
    expected = [(c.entity, c.start, c.end) for c in candidates if c.type == "entity"]
    (tmp_path / "gb.txt").write_bytes(text.encode("gb18030"))
    (tmp_path / "bom.txt").write_bytes(codecs.BOM_UTF8 + text.encode("utf-8"))
    for name, encoding in (("gb.txt", "gb18030"), ("bom.txt", "utf-8-sig")):
        assert SourceDocument.read(tmp_path / name).encoding == encoding
        got = [(c.entity, c.start, c.end) for c in suggest(tmp_path / name, bundled_kg) if c.type == "entity"]
        assert got == expected, name
    traditional = opencc.OpenCC("s2t").convert(text)
    glossed = (traditional.replace("長寧區委", "長寧區(qū)委").replace("聯席會議制度", "聯(lián)席會議制度")
               .replace("雙向服務", "雙(shuāng)向服務"))
    assert glossed.count("(") == 1 + 1 + 2
    (tmp_path / "hant.txt").write_text(glossed, encoding="utf-8")
    assert SourceDocument.read(tmp_path / "hant.txt").language == "zh-Hant"
    got = [c for c in suggest(tmp_path / "hant.txt", bundled_kg) if c.type == "entity"]
    assert [c.entity for c in got] == [e for e, _, _ in expected]
    assert [c.confidence for c in got] == [c.confidence for c in candidates if c.type == "entity"]
    glossed_mentions = {c.text: c.label for c in got if "(" in c.text}
    assert glossed_mentions == {"長寧區(qū)委": "长宁区委", "聯(lián)席會議制度": "联席会议制度", "雙(shuāng)向服務": "双向服务"}
    assert all(glossed[c.start:c.end] == c.text for c in got)


def test_candidates_render_as_a_query_result(candidates):
    result = candidates_result(candidates)
    data = json.loads(render(result, "json"))
    rows = data["results"]["bindings"]
    assert len(rows) == len(candidates) and data["head"]["vars"][:2] == ["type", "text"]
    assert data["head"]["vars"][-1] == "sentence"
    first_entity = next(r for r in rows if r["type"]["value"] == "entity")
    assert first_entity["entity"] == {"type": "uri", "value": "https://w3id.org/lianjian/id/hongqiao-street"}
    assert first_entity["sentence"]["value"] == "虹桥街道锦绣居民区推进党建联建的调查"
    assert json.loads(json.dumps(candidates[0].to_dict(), ensure_ascii=False))["type"] == "entity"


def test_suggest_table_leaves_out_sentences():
    table = render(api.suggest(str(DOC), sentences=False), "table")
    header = table.splitlines()[0].split()
    assert header == ["type", "text", "start", "end", "entity", "kind", "value", "confidence", "note"]
    assert "mechanism:joint-conference" in table and table.rstrip().endswith("rows)")
    out = CliRunner().invoke(cli, ["suggest", str(DOC), "--format", "json"])
    assert out.exit_code == 0 and json.loads(out.output)["head"]["vars"][-1] == "sentence"
    out = CliRunner().invoke(cli, ["suggest", str(DOC)])
    assert out.exit_code == 0 and out.output == table
    bad = CliRunner().invoke(cli, ["suggest", str(DOC), "--format", "xml"])
    assert bad.exit_code == 2 and "--format" in bad.output


def test_suggest_file_builds_the_graph_and_reports_a_missing_source(tmp_path):
    from lianjian.extend.suggest import suggest_file

    with pytest.raises(UsageError, match="no such file"):
        suggest_file(tmp_path / "missing.txt")
    (tmp_path / "empty.txt").write_bytes(b"  \n")
    with pytest.raises(DataError, match="empty"):
        SourceDocument.read(tmp_path / "empty.txt")


def test_jieba_loads_once_quietly_with_the_graph_labels(candidates):
    from lianjian.extend.document import jieba_tokenizer as _jieba

    tokenizer, _, added = _jieba()
    assert _jieba()[0] is tokenizer
    assert "长宁区凝聚力工程学会" in added and "联席会议制度" in added
    assert logging.getLogger("jieba").getEffectiveLevel() >= logging.WARNING
    words = list(tokenizer.cut("并与长宁区凝聚力工程学会合作"))
    assert "长宁区凝聚力工程学会" in words


# --------------------------------------------------------------------------
# new-case


def test_new_case_validates_as_written(draft, tmp_path):
    (tmp_path / "jinxiu.yaml").write_text(draft, encoding="utf-8")
    corpus = load_corpus([tmp_path])
    source = corpus.sources[CASE_ID].data
    assert source["title"] == "虹桥街道锦绣居民区推进党建联建的调查"
    assert str(source["date"]) == "2023-06-18" and source["file"] == DOC.name and source["language"] == "zh-Hans"
    refs = [r for r in corpus.references if r.doc == CASE_ID]
    assert {"hongqiao-street", "changning-district-committee", "joint-conference"} <= {r.id for r in refs}
    assert not any(e.doc == CASE_ID for e in corpus.entries.values())  # only refs are active
    source_text = SourceText.from_file(DOC)
    quotes = [q for r in refs for q in r.quotes]
    assert quotes and all(len(q.text) <= 120 and source_text.find(q.text) for q in quotes)


def test_new_case_stubs_carry_their_evidence(draft):
    stubs = [line for line in draft.splitlines() if line.startswith("  # - id: ")]
    assert len(stubs) >= 20
    block = draft[draft.index(f"  # - id: {CASE_ID}-org-2"):].split("\n  ##")[0]
    assert "#   zh: '锦绣居民区党总支'" in block and "#   kind: PartyGeneralBranch" in block
    assert "锦绣居民区党总支还与相邻的云杉居民区党支部结对" in block
    assert "  # - ref: huating-resident-units" in draft  # a doubtful mention stays commented out


@pytest.mark.parametrize("bad", ["Jinxiu 2023", "jinxiu--2023", "shared", "changning-cohesion-2013"])
def test_new_case_rejects_a_bad_id(bundled_kg, bad):
    with pytest.raises(UsageError, match="--id"):
        new_case(DOC, bad, bundled_kg)


def test_write_new_case_writes_once_and_refuses_to_overwrite(bundled_kg, tmp_path):
    out = tmp_path / "case.yaml"
    result = write_new_case(DOC, CASE_ID, out, kg=bundled_kg)
    assert out.read_text(encoding="utf-8") == result["text"] and result["references"] >= 20
    assert result["message"].startswith(f"Wrote {out}")
    out.write_text("curated", encoding="utf-8")
    with pytest.raises(UsageError, match="--force"):
        write_new_case(DOC, CASE_ID, out, kg=bundled_kg)
    assert out.read_text(encoding="utf-8") == "curated"
    write_new_case(DOC, CASE_ID, out, kg=bundled_kg, force=True)
    assert out.read_text(encoding="utf-8") == result["text"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case.yaml"]  # no temporary files left
    assert write_new_case(DOC, CASE_ID, "-", kg=bundled_kg)["text"] == result["text"]


def test_filled_stubs_build_and_reach_the_projection_and_queries(draft, tmp_path):
    (tmp_path / "jinxiu.yaml").write_text(_filled(draft), encoding="utf-8")
    kg = KnowledgeGraph.from_cases([tmp_path])
    g = kg.to_networkx()
    park, branch = f"{CASE_ID}-org-4", f"{CASE_ID}-org-2"
    assert g.nodes[park]["label_zh"] == "天和科技园联合党委" and g.nodes[park]["class"] == "PartyCommittee"
    assert g.nodes[branch]["sectors"] == ["residential"] and g.nodes[park]["sectors"] == ["business-park"]
    assert g.edges[park, branch]["kinds"] == ["pairing"] and "LINKED_WITH" in g.edges[branch, park]["__labels__"]
    rows = run_sparql(kg, "cross-sector-links").records()
    assert {"天和科技园联合党委", "锦绣居民区党总支"} in [{r["a_zh"], r["b_zh"]} for r in rows]
    assert kg.select("SELECT ?o WHERE { ?o lj:sector sector:business-park ; rdfs:label '天和科技园联合党委'@zh-Hans }")
    assert kg.validate().conforms


# --------------------------------------------------------------------------
# diff


@pytest.fixture(scope="module")
def builds(tmp_path_factory, draft):
    folder = tmp_path_factory.mktemp("builds")
    cases = folder / "cases"
    cases.mkdir()
    (cases / "jinxiu.yaml").write_text(_filled(draft), encoding="utf-8")
    api.build(output=str(folder / "old.trig"))
    api.build([str(cases)], output=str(folder / "new.trig"))
    api.build([str(cases)], output=str(folder / "new.ttl"))
    return folder


def test_diff_reports_new_entities_and_links(builds):
    result = diff(builds / "old.trig", builds / "new.trig")
    added = result["entities"]["added"]
    assert added == {"PartyCommittee": [{"id": f"{CASE_ID}-org-4", "class": "PartyCommittee", "zh": "天和科技园联合党委"}],
                     "PartyGeneralBranch": [{"id": f"{CASE_ID}-org-2", "class": "PartyGeneralBranch", "zh": "锦绣居民区党总支"}]}
    assert result["entities"]["removed"] == {} and result["mechanisms"] == {"added": [], "removed": []}
    between_old = [(r["a"], r["b"], r["kinds"]) for r in result["links"]["added"]]
    assert between_old == [("changning-district-library", "hongqiao-street", ["signing"])]
    reaching_new = [(r["a"], r["b"]) for r in result["links"]["added_with_new_entities"]]
    assert reaching_new == [(f"{CASE_ID}-org-2", f"{CASE_ID}-org-4")]
    assert result["relationships"] == {"added": 2, "removed": 0}
    text = render_diff(result)
    assert "+ jinxiu-2023-org-4  天和科技园联合党委" in text and "长宁区图书馆 — 虹桥街道" in text
    backwards = diff(builds / "new.ttl", builds / "old.trig")
    assert sum(len(v) for v in backwards["entities"]["removed"].values()) == 2
    assert len(backwards["links"]["removed"]) == 2 and not backwards["links"]["added"]


def test_diff_report_formats_and_errors(builds, tmp_path):
    run = CliRunner().invoke
    out = run(cli, ["diff", str(builds / "old.trig"), str(builds / "new.trig"), "--format", "json"])
    assert out.exit_code == 0 and json.loads(out.output)["links"]["added"][0]["a_zh"] == "长宁区图书馆"
    assert json.loads(out.output) == api.diff(str(builds / "old.trig"), str(builds / "new.trig"))
    out = run(cli, ["diff", str(builds / "old.trig"), str(builds / "old.trig")])
    assert out.exit_code == 0 and out.output.splitlines()[1].startswith("entities: +0 −0")
    bad = run(cli, ["diff", str(builds / "old.trig"), str(builds / "new.trig"), "--format", "xml"])
    assert bad.exit_code == 2 and "--format" in bad.output
    (tmp_path / "g.rdf").write_text("x", encoding="utf-8")
    with pytest.raises(UsageError, match="extension"):
        diff(tmp_path / "g.rdf", builds / "new.trig")
    (tmp_path / "bad.ttl").write_text("garbage <a> .\n", encoding="utf-8")
    with pytest.raises(DataError, match="bad.ttl: not valid turtle"):
        diff(tmp_path / "bad.ttl", builds / "new.trig")
    with pytest.raises(UsageError, match="no such file"):
        diff(tmp_path / "none.ttl", builds / "new.trig")


# --------------------------------------------------------------------------
# vocabulary.yaml extension


VOCABULARY = """\
mechanisms:
  - id: four-party-consultation
    zh: “四方协商”机制
    en: four-party consultation
    broader: consultation
kinds:
  - id: NeighbourhoodCentre
    zh: 邻里中心
    en: Neighbourhood centre
    subclass_of: ServiceCentre
"""


def test_vocabulary_extension_adds_a_mechanism_and_a_kind_the_new_case_uses(draft, tmp_path):
    (tmp_path / "vocabulary.yaml").write_text(VOCABULARY, encoding="utf-8")
    text = uncomment(_filled(draft), "zh: '锦绣邻里中心'")  # stub org-10
    text = re.sub(r"(- id: jinxiu-2023-org-10\n(?:    .*\n)*?    kind: )ServiceCentre", r"\1NeighbourhoodCentre", text)
    text = text.replace("    mechanisms: [pairing, volunteer-service]", "    mechanisms: [pairing, four-party-consultation]")
    assert "kind: NeighbourhoodCentre" in text and "four-party-consultation]" in text
    (tmp_path / "jinxiu.yaml").write_text(text, encoding="utf-8")
    kg = KnowledgeGraph.from_cases([tmp_path])
    g = kg.to_networkx()
    centre = g.nodes[f"{CASE_ID}-org-10"]
    assert centre["class"] == "NeighbourhoodCentre" and {"ServiceCentre", "Organization"} <= centre["__labels__"]
    assert g.nodes["four-party-consultation"]["label_zh"] == "“四方协商”机制"
    assert g.edges[f"{CASE_ID}-org-4", f"{CASE_ID}-org-2"]["mechanisms"] == ["four-party-consultation", "pairing"]
    assert kg.validate().conforms
    # With the extension loaded, suggest knows the mechanism instead of proposing it.
    found = [c for c in suggest(DOC, kg) if c.label == "“四方协商”机制"]
    assert [(c.type, c.entity) for c in found] == [("entity", "four-party-consultation")]


@pytest.mark.parametrize("section, entry, line", [
    ("mechanisms", "  - id: joint-conference\n    zh: 联席会议\n    broader: coordination\n", 3),
    ("kinds", "  - id: Studio\n    zh: 工作室\n    subclass_of: SocialOrganization\n", 3),
])
def test_vocabulary_clash_with_a_bundled_term_names_file_and_line(tmp_path, case_dir, section, entry, line):
    folder = case_dir()
    (folder / "vocabulary.yaml").write_text(f"# a comment line\n{section}:\n{entry}", encoding="utf-8")
    with pytest.raises(CaseErrors) as err:
        load_corpus([folder])
    problems = [p for p in err.value.problems if p.path.endswith("vocabulary.yaml")]
    assert len(problems) == 1 and problems[0].line == line and "clashes" in problems[0].message
    assert str(problems[0]).startswith(f"{problems[0].path}:{line}:")
