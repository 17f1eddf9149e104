"""Every loader error names the file, line and column and says what is wrong."""

from __future__ import annotations

import pytest

from lianjian.errors import CaseErrors, UsageError
from lianjian.loaders.linker import load_corpus
from tests.conftest import MINIMAL_CASE


def at(text: str, needle: str, column: int) -> str:
    """The `:line:column:` of the first line of `text` containing `needle`."""
    line = next(i for i, l in enumerate(text.splitlines(), 1) if needle in l)
    return f":{line}:{column}:"


def problems(folder) -> list[str]:
    with pytest.raises(CaseErrors) as info:
        load_corpus([folder], bundled=False)
    return [str(p) for p in info.value.problems]


def only(folder) -> str:
    found = problems(folder)
    assert len(found) == 1, found
    return found[0]


def test_minimal_case_loads(case_dir):
    corpus = load_corpus([case_dir()], bundled=False)
    assert set(corpus.sources) == {"mini-case"}
    assert {"mini-district", "mini-committee", "mini-metro"} <= set(corpus.entries)


def test_unknown_id(case_dir):
    text = MINIMAL_CASE.replace("area: mini-district", "area: mini-distrikt")
    msg = only(case_dir({"c.yaml": text}))
    assert "c.yaml" + at(text, "area: mini-distrikt", 11) in msg
    assert "unknown id 'mini-distrikt'" in msg and "did you mean 'mini-district'" in msg


def test_duplicate_id(case_dir):
    text = MINIMAL_CASE.replace("  - id: mini-metro", "  - id: mini-committee").replace("mini-committee, mini-metro", "mini-committee, mini-district")
    msg = only(case_dir({"c.yaml": text}))
    second = [i for i, l in enumerate(text.splitlines(), 1) if "id: mini-committee" in l][1]
    assert f"c.yaml:{second}:5:" in msg and "id 'mini-committee' is already defined in" in msg
    first = at(text, "id: mini-committee", 5).split(":")[1]
    assert f"c.yaml:{first};" in msg


def test_duplicate_yaml_key(case_dir):
    text = MINIMAL_CASE.replace("    zh: 长宁区委\n", "    zh: 长宁区委\n    zh: 中共长宁区委\n")
    msg = only(case_dir({"c.yaml": text}))
    assert "c.yaml" + at(text, "zh: 中共长宁区委", 5) + " duplicate key 'zh'" in msg


def test_wrong_type(case_dir):
    text = MINIMAL_CASE.replace("    sectors: [government-agency]", "    sectors: {a: 1}")
    found = problems(case_dir({"c.yaml": text}))
    assert found == [f"{found[0].split('c.yaml')[0]}c.yaml{at(text, 'sectors: {a: 1}', 14)} unknown sector {{'a': 1}}"], found


def test_unknown_kind_sector_mechanism(case_dir):
    text = (MINIMAL_CASE.replace("kind: District", "kind: Distrikt")
            .replace("[government-agency]", "[goverment-agency]")
            .replace("mechanisms: [pairing]", "mechanisms: [pairng]"))
    found = problems(case_dir({"c.yaml": text}))
    assert any(at(text, "kind: Distrikt", 11) + " unknown area kind 'Distrikt' (did you mean 'District'?)" in p for p in found), found
    assert any(at(text, "goverment-agency", 15) + " unknown sector 'goverment-agency' (did you mean 'government-agency'?)" in p for p in found), found
    assert any(at(text, "pairng", 18) + " `mechanisms` of 'relationship at line" in p and "unknown id 'pairng' (did you mean 'pairing'?)" in p for p in found), found


@pytest.mark.parametrize("value, message", [
    ("2005-13", "is not a valid date"),
    ("1900", "before 1921"),
    ("2999", "in the future"),
    ("'２００５'", "full-width"),
    ("next year", "is not a date"),
])
def test_bad_date(case_dir, value, message):
    text = MINIMAL_CASE.replace("    start: 2005", f"    start: {value}")
    msg = only(case_dir({"c.yaml": text}))
    assert "c.yaml" + at(text, "start:", 12) + " `start`:" in msg and message in msg


def test_fewer_than_two_participants(case_dir):
    text = MINIMAL_CASE.replace("participants: [mini-committee, mini-metro]", "participants: [mini-committee]")
    msg = only(case_dir({"c.yaml": text}))
    assert "c.yaml" + at(text, "participants:", 19) + " `participants` needs at least 2 values, found 1" in msg


def test_missing_evidence(case_dir):
    text = MINIMAL_CASE.replace("    evidence: 长宁区委\n", "")
    msg = only(case_dir({"c.yaml": text}))
    assert "c.yaml" + at(text, "id: mini-committee", 5) + " entry has no `evidence` quote" in msg


def test_unknown_key_and_section(case_dir):
    text = MINIMAL_CASE.replace("    area: mini-district", "    areas: mini-district") + "organisations: []\n"
    found = problems(case_dir({"c.yaml": text}))
    assert any(at(text, "areas: mini-district", 5) + " unknown key 'areas' in organizations (did you mean 'area'?)" in p for p in found), found
    assert any(at(text, "organisations:", 1) + " unknown section 'organisations' (did you mean 'organizations'?)" in p for p in found), found


def test_not_a_slug(case_dir):
    text = MINIMAL_CASE.replace("id: mini-metro", "id: Mini_Metro")
    found = problems(case_dir({"c.yaml": text}))
    assert "c.yaml" + at(text, "Mini_Metro", 9) + " id 'Mini_Metro' is not a safe id" in found[0] and "try 'mini-metro'" in found[0]


def test_every_problem_reported_in_one_run(case_dir):
    text = (MINIMAL_CASE.replace("kind: District", "kind: Nowhere").replace("    start: 2005", "    start: 1800")
            .replace("    evidence: 长宁区委\n", ""))
    assert len(problems(case_dir({"c.yaml": text, "d.yaml": "source: [1]\n"}))) >= 4


def test_invalid_yaml_has_line(case_dir):
    msg = only(case_dir({"c.yaml": MINIMAL_CASE.replace("  title: 测试案例", "  title: [测试案例")}))
    assert msg.startswith(str(case_dir() / "c.yaml").replace(str(case_dir().parent.parent) + "/", "")) or "c.yaml:" in msg
    assert "invalid YAML" in msg


def test_aliases_and_anchors_refused(case_dir):
    bomb = MINIMAL_CASE + "observations:\n  - &a {subject: mini-district, zh: x, value: 1, unit: 个, evidence: 长宁区委}\n  - *a\n"
    msg = only(case_dir({"c.yaml": bomb}))
    assert "anchors and aliases are not allowed" in msg and at(bomb, "&a", 5) in msg


def test_python_tags_refused(case_dir):
    text = MINIMAL_CASE.replace("  title: 测试案例", "  title: !!python/object/apply:os.system ['echo hacked']")
    msg = only(case_dir({"c.yaml": text}))
    assert "tag:yaml.org,2002:python/object/apply:os.system is not allowed" in msg


def test_not_utf8_names_encoding(case_dir):
    msg = only(case_dir({"c.yaml": MINIMAL_CASE.encode("gb18030")}))
    assert "c.yaml:" in msg and "not UTF-8" in msg and "GB18030" in msg


def test_bom_and_crlf_accepted(case_dir):
    data = b"\xef\xbb\xbf" + MINIMAL_CASE.replace("\n", "\r\n").encode("utf-8")
    corpus = load_corpus([case_dir({"c.yaml": data})], bundled=False)
    assert "mini-metro" in corpus.entries


def test_empty_file(case_dir):
    assert "c.yaml:1:1: file is empty" in only(case_dir({"c.yaml": "", "d.yaml": MINIMAL_CASE}))


def test_folder_without_case_files(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(CaseErrors) as info:
        load_corpus([tmp_path / "empty"], bundled=False)
    assert "no case files" in str(info.value)


def test_missing_folder_is_usage_error(tmp_path):
    with pytest.raises(UsageError, match="--cases .*no such directory"):
        load_corpus([tmp_path / "nope"], bundled=False)


def test_containment_cycle_and_own_parent(case_dir):
    text = MINIMAL_CASE.replace("    kind: District\n", "    kind: District\n    within: mini-street\n").replace(
        "organizations:", "  - id: mini-street\n    zh: 华阳街道\n    kind: Street\n    within: mini-district\n    evidence: 华阳街道\norganizations:")
    text = text.replace("    area: mini-district\n", "    area: mini-district\n    parent: mini-committee\n")
    found = problems(case_dir({"c.yaml": text}))
    assert any("`within` forms a cycle" in p for p in found), found
    assert any("'mini-committee' names itself as its own `parent`" in p for p in found), found


def test_control_character(case_dir):
    msg = only(case_dir({"c.yaml": MINIMAL_CASE.replace("测试案例", "测试\x07案例")}))
    assert "control character U+0007" in msg and ":4:" in msg


def test_overlong_quote(case_dir):
    msg = only(case_dir({"c.yaml": MINIMAL_CASE.replace("evidence: 长宁区委", "evidence: " + "长" * 151)}))
    assert "151 characters, over the 150-character limit" in msg
