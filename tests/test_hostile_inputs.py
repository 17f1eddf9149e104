"""Hostile input: every class gets one clear located line (exit 1/2), never a traceback, a hang or a bad file."""

from __future__ import annotations

import os
import re

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st

from lianjian.cli import cli
from lianjian.errors import CaseErrors, Problem, printable
from lianjian.loaders.checker import date_problem
from lianjian.loaders.linker import load_corpus
from tests.conftest import MINIMAL_CASE

FEW = settings(max_examples=15, derandomize=True, deadline=None,
               suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
CONTROL = st.sampled_from([*map(chr, range(0, 9)), "\x0b", "\x0c", *map(chr, range(14, 32)), "\x7f", "\x85", "\u202e", "\u2066"])


def _problems(folder) -> list[Problem]:
    with pytest.raises(CaseErrors) as info:
        load_corpus([folder], bundled=False)
    return info.value.problems


def _yaml_escape(c: str) -> str:
    return f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}"


@FEW
@given(before=st.text(alphabet="长宁区abc ", max_size=5), bad=CONTROL)
def test_control_characters_written_as_escapes_are_refused(case_dir, before, bad):
    text = MINIMAL_CASE.replace("title: 测试案例", f'title: "{before}{_yaml_escape(bad)}"')
    found = _problems(case_dir({"c.yaml": text}))
    assert [(p.line, p.message) for p in found] == [(4, f"control character U+{ord(bad):04X} in a string; remove it")]
    assert all(ch not in str(found[0]) for ch in (bad, "\x1b"))


@FEW
@given(key=st.sampled_from(["1", "2013", "true", "~", "2013-01-01", "1.5", '"\\e"']))
def test_keys_that_are_not_strings_are_refused(case_dir, key):
    text = MINIMAL_CASE.replace("    en: Changning District", f"    {key}: x")
    found = _problems(case_dir({"c.yaml": text}))
    assert found and all(p.line == 9 for p in found), found
    assert "must be a string" in found[0].message or "control character" in found[0].message


@FEW
@given(depth=st.integers(65, 900), flow=st.booleans())
def test_deep_nesting_is_one_line(case_dir, depth, flow):
    tail = "x: " + "[" * depth + "]" * depth if flow else "x:\n" + "".join(" " * (2 * i) + "-\n" for i in range(min(depth, 300)))
    found = _problems(case_dir({"c.yaml": MINIMAL_CASE + tail + "\n"}))
    assert any("nested more than 64 levels deep" in p.message or "invalid YAML" in p.message for p in found), found


@FEW
@given(number=st.sampled_from([".nan", ".NaN", ".inf", "-.inf", ".Inf"]))
def test_non_finite_numbers_are_refused(case_dir, number):
    text = MINIMAL_CASE.replace("areas:", f"observations:\n  - subject: mini-district\n    value: {number}\n"
                                          "    unit: 个\n    evidence: 上海市长宁区\nareas:")
    found = _problems(case_dir({"c.yaml": text}))
    assert any(p.line == 8 and "is not finite" in p.message for p in found), found


@pytest.mark.parametrize("value", ["'2013-00'", "'2013-00-00'", "2013-00-00", "'2013-01-00'", "'2013-13'"])
def test_dates_with_month_or_day_zero_are_refused(case_dir, value):
    text = MINIMAL_CASE.replace("start: 2005", f"start: {value}")
    found = _problems(case_dir({"c.yaml": text}))
    line = next(i for i, l in enumerate(text.splitlines(), 1) if "start:" in l)
    assert len(found) == 1 and found[0].line == line, found
    assert date_problem(value.strip("'")) is not None


def test_fifo_and_dev_zero_do_not_block(case_dir):
    folder = case_dir()
    os.mkfifo(folder / "fifo.yaml")
    os.symlink("/dev/zero", folder / "zero.yaml")
    found = _problems(folder)
    assert sorted(p.message for p in found) == ["not a regular file (a FIFO); give a case file",
                                               "not a regular file (a device or socket); give a case file"]


@pytest.mark.parametrize("entry", [
    "  - id: [a]\n    zh: 甲\n    broader: pairing\n",
    "  - id: aa\n    zh: 甲\n    broader: [pairing]\n",
    "  - id: aa\n    zh: \"甲\\n乙\"\n    broader: pairing\n",
    "  - id: aa\n    zh: 甲\n    broader: pairing\n    definition: {zh: [1]}\n",
])
def test_vocabulary_values_of_the_wrong_shape(case_dir, entry):
    found = _problems(case_dir({"c.yaml": MINIMAL_CASE, "vocabulary.yaml": "mechanisms:\n" + entry}))
    assert len(found) == 1 and found[0].path.endswith("vocabulary.yaml"), found
    assert "must be" in found[0].message


@FEW
@given(text=st.text(min_size=1, max_size=6000))
def test_messages_are_printable_and_short(text):
    line = str(Problem("c.yaml", 1, 1, text))
    assert "\n" not in line and len(line) <= 520
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069]", line)


def test_one_problem_is_reported_once():
    errors = CaseErrors([Problem("c.yaml", 3, 1, "x is wrong"), Problem("c.yaml", 3, 5, "x is wrong"), Problem("c.yaml", 3, 1, "x is wrong")])
    assert len(errors.problems) == 1
    assert printable("a\u200bb") == "a\\u200bb"


# ---------------------------------------------------------------- the command line


@pytest.mark.parametrize("args", [
    ["build"], ["export", "--format", "gexf"], ["viz"], ["synth", "--cases", "2"],
    ["synth", "--cases", "2", "-o", "-"], ["export", "--format", "neo4j", "-o", "-"],
    ["query", "around-organization", "--param", "hops=1", "--param", "hops=2"],
    ["push", "--endpoint", "http://127.0.0.1:9/", "--timeout", "nan"],
])
def test_usage_errors_exit_2(args, tmp_path):
    if args[0] == "new-case":
        args = [*args]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and not (tmp_path / "None").exists()


def test_new_case_without_o_is_a_usage_error(tmp_path):
    source = tmp_path / "s.txt"
    source.write_text("长宁区委召开会议。", encoding="utf-8")
    assert CliRunner().invoke(cli, ["new-case", str(source), "--id", "x-case"]).exit_code == 2


def test_viz_unknown_case_is_refused(tmp_path):
    out = tmp_path / "v.html"
    result = CliRunner().invoke(cli, ["viz", "-o", str(out), "--case", "no-such-source"])
    assert result.exit_code == 2 and "--case no-such-source: no source document" in result.output
    assert not out.exists()


# ---------------------------------------------------------------- source documents


def test_suggest_refuses_a_document_over_the_cap(tmp_path):
    from lianjian.errors import DataError
    from lianjian.extend.document import MAX_SOURCE_BYTES, SourceDocument

    big = tmp_path / "big.txt"
    big.write_bytes("长宁。".encode() * (MAX_SOURCE_BYTES // 9 + 1))
    with pytest.raises(DataError, match="over the 2 MB limit for one source document"):
        SourceDocument.read(big)
    with pytest.raises(DataError, match="over the 2 MB limit"):
        SourceDocument.read("长" * (MAX_SOURCE_BYTES // 3 + 1))


def test_suggest_overlap_checks_look_only_near(monkeypatch):
    """The span index answers from the buckets a span touches: work per question does not grow with the text."""
    from lianjian.extend.document import SpanIndex as _SpanIndex

    index = _SpanIndex((i, i + 3) for i in range(0, 1_000_000, 5))
    assert len(list(index.near(500_000, 500_004))) <= 30  # one 64-character bucket, not a million spans
    assert index.overlaps(500_001, 500_002) and not index.overlaps(500_003, 500_005)


@pytest.mark.parametrize("encode, expected", [
    (lambda t: t.encode("utf-16-le"), "utf-16-le"),
    (lambda t: t.encode("utf-16-be"), "utf-16-be"),
    (lambda t: t.encode("gb18030"), "gb18030"),
])
def test_encodings_are_recognised(encode, expected):
    from lianjian.loaders.text import decode_source

    text = "长宁区委与申通地铁公司党委结对共建，推进区域化党建。"
    assert decode_source(encode(text)) == (text, expected)


def test_big5_is_not_read_as_gb18030():
    from lianjian.loaders.text import decode_source

    text = "長寧區委與申通地鐵公司黨委結對共建，推進區域化黨建。"
    assert decode_source(text.encode("big5")) == (text, "big5")


@pytest.mark.parametrize("raw, message", [
    (bytes(range(256)) * 20, "not text in UTF-8"),
    (b"\x00" * 64, "binary data, not text"),
    ("长宁区委\x07召开会议。".encode(), ":1:5: U+0007 is a control character"),
])
def test_new_case_refuses_what_is_not_text(tmp_path, raw, message):
    source = tmp_path / "s.txt"
    source.write_bytes(raw)
    out = tmp_path / "new.yaml"
    result = CliRunner().invoke(cli, ["new-case", str(source), "--id", "x-case", "-o", str(out)])
    assert result.exit_code == 1 and message in result.output, result.output
    assert not out.exists()


# ---------------------------------------------------------------- exports and n-ary participation


@FEW
@given(bad=st.sampled_from(["\x00", "\x0b", "\x0c", "\x1f", "\ufffe"]))
def test_exports_are_well_formed_xml(bad):
    import xml.dom.minidom

    import networkx as nx

    from lianjian.graph.exchange import projection_bytes

    g = nx.DiGraph()
    g.add_node("a", __labels__={"Organization"}, label_zh=f"甲{bad}乙", **{"class": "Organization"}, sectors=[f"s{bad}"])
    g.add_node("b", __labels__={"Organization"}, label_zh="丙", **{"class": "Organization"})
    g.add_edge("a", "b", __labels__={"LINKED_WITH"}, kind=f"k{bad}")
    for fmt in ("graphml", "gexf"):
        data = projection_bytes(g, fmt, "all")
        xml.dom.minidom.parseString(data)
        assert f"\\x{ord(bad):02x}".encode() in data or f"\\u{ord(bad):04x}".encode() in data


def test_triples_grow_linearly_with_participants(case_dir):
    from lianjian.graph import KnowledgeGraph

    def triples(n: int) -> int:
        orgs = "".join(f"  - id: org-{i}\n    zh: 单位{i}\n    kind: PartyCommittee\n    sectors: [transport]\n    evidence: 申通地铁公司\n" for i in range(n))
        text = MINIMAL_CASE.replace("relationships:", orgs + "relationships:").replace(
            "participants: [mini-committee, mini-metro]", "participants: [" + ", ".join(f"org-{i}" for i in range(n)) + "]")
        folder = case_dir({"c.yaml": text})
        return len(KnowledgeGraph.from_cases([folder], bundled=False, engine="rdflib"))

    small, large = triples(20), triples(40)
    per_org = (large - small) / 20
    assert triples(80) - large == pytest.approx(per_org * 40, abs=2)


@pytest.mark.parametrize("value", ["99999999999999999999", "-9223372036854775809", "1" * 5000])
def test_integer_parameters_beyond_64_bits_are_refused_on_both_engines(value):
    from lianjian.errors import UsageError
    from lianjian.queries import get_query

    q = get_query("around-organization", "sparql")
    with pytest.raises(UsageError, match="out of range"):
        q.bindings({"hops": value})
    assert q.bindings({"hops": "9223372036854775807"})["hops"].toPython() == 2 ** 63 - 1
