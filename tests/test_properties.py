"""Property tests: generated valid case files build, round-trip and conform; mutated ones fail cleanly."""

from __future__ import annotations

import string

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from decimal import Decimal

from rdflib import XSD, Graph, Literal
from rdflib.compare import isomorphic

from lianjian.errors import CaseErrors, LianjianError
from lianjian.graph import KnowledgeGraph
from lianjian.loaders.linker import load_corpus
from lianjian.ontology import base_vocabulary

VOCAB = base_vocabulary()
ORG_KINDS = sorted(VOCAB.kinds["organizations"])
AREA_KINDS = sorted(VOCAB.kinds["areas"])
SECTORS = sorted(VOCAB.concepts["sector"])
RELATIONS = sorted(VOCAB.concepts["relation"])
MECHANISMS = sorted(VOCAB.concepts["mechanism"])
SETTINGS = settings(max_examples=15, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# Simplified and Traditional characters, punctuation and a few troublesome characters for escaping.
HAN = "长宁區黨建联聯凝聚力工程華陽街道居民区委员會书記社区服务双向“”《》、，。!?\"'\\<>&{}#:;-"
label = st.text(alphabet=HAN + string.ascii_letters, min_size=1, max_size=20).filter(lambda s: s.strip() == s and s.strip())
slug = st.from_regex(r"[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,5}){0,2}", fullmatch=True)


@st.composite
def case_files(draw):
    """A valid case file: areas, organisations, a mechanism, relationships and an observation."""
    ids = draw(st.lists(slug, min_size=4, max_size=9, unique=True))
    area_id, org_ids, mech_id = ids[0], ids[1:-1], ids[-1]
    quote = lambda: draw(label)  # noqa: E731
    data = {
        "source": {"id": "prop-case", "title": draw(label), "date": draw(st.integers(1921, 2025)), "language": "zh-Hans"},
        "areas": [{"id": area_id, "zh": draw(label), "zh-Hant": draw(label), "kind": draw(st.sampled_from(AREA_KINDS)), "evidence": quote()}],
        "organizations": [
            {"id": o, "zh": draw(label), "en": draw(label), "aliases": draw(st.lists(label, max_size=2, unique=True)),
             "kind": draw(st.sampled_from(ORG_KINDS)), "sectors": draw(st.lists(st.sampled_from(SECTORS), min_size=1, max_size=3, unique=True)),
             "area": area_id, "evidence": [quote()]}
            for o in org_ids
        ],
        "mechanisms": [{"id": mech_id, "zh": draw(label), "broader": draw(st.sampled_from(MECHANISMS)),
                        "definition": {"zh": draw(label), "en": draw(label)}, "evidence": quote()}],
        "relationships": [
            {"kind": draw(st.sampled_from(RELATIONS)),
             "participants": draw(st.lists(st.sampled_from(org_ids), min_size=2, max_size=min(5, len(org_ids)), unique=True)),
             "mechanisms": [mech_id], "start": draw(st.integers(1921, 2025)), "evidence": f"{k}:{quote()}"}
            for k in range(draw(st.integers(1, 4)))
        ],
        "observations": [{"subject": org_ids[0], "zh": draw(label), "value": draw(st.integers(0, 10**6)), "unit": "名",
                          "bound": draw(st.sampled_from(["exact", "about", "at-least", "at-most"])), "evidence": quote()}],
    }
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _canonical(triples) -> Graph:
    """RDF 1.1 term equality: a plain literal is an xsd:string; numbers compare by value, not lexical form."""
    out = Graph()
    for s, p, o in triples:
        if isinstance(o, Literal) and o.datatype == XSD.string:
            o = Literal(str(o))
        elif isinstance(o, Literal) and o.datatype == XSD.decimal:
            o = Literal(format(Decimal(str(o)).normalize(), "f"), datatype=XSD.decimal)
        out.add((s, p, o))
    return out


def _write(tmp_path_factory, text: str):
    folder = tmp_path_factory.mktemp("prop")
    (folder / "case.yaml").write_text(text, encoding="utf-8")
    return folder


@SETTINGS
@given(case_files())
def test_generated_cases_build_roundtrip_and_conform(tmp_path_factory, text):
    folder = _write(tmp_path_factory, text)
    kg = KnowledgeGraph.from_cases([folder], bundled=False)
    turtle = kg.serialize("ttl")
    assert turtle == KnowledgeGraph.from_cases([folder], bundled=False).serialize("ttl")  # deterministic, byte for byte
    reparsed = _canonical(Graph().parse(data=turtle, format="turtle"))
    merged = _canonical((s, p, o) for s, p, o, _ in kg.quads())
    assert isomorphic(reparsed, merged)
    report = kg.validate()
    assert report.conforms, [str(v) for v in report.violations[:5]]


MUTATIONS = [
    lambda d: d["organizations"][0].pop("kind"),
    lambda d: d["organizations"][0].__setitem__("sectors", ["moon-base"]),
    lambda d: d["relationships"][0].__setitem__("participants", d["relationships"][0]["participants"][:1]),
    lambda d: d["relationships"][0].__setitem__("start", "２０１３"),
    lambda d: d["relationships"][0].__setitem__("start", 1850),
    lambda d: d["organizations"][0].__setitem__("id", "Not A Slug"),
    lambda d: d["organizations"][0].pop("evidence"),
    lambda d: d["organizations"][0].__setitem__("area", "no-such-area"),
    lambda d: d["areas"][0].__setitem__("within", d["areas"][0]["id"]),
    lambda d: d["mechanisms"][0].__setitem__("broader", d["mechanisms"][0]["id"]),
    lambda d: d.__setitem__("organisations", []),
    lambda d: d["observations"][0].__setitem__("value", "many"),
    lambda d: d["organizations"].append(dict(d["organizations"][0])),
]


@SETTINGS
@given(case_files(), st.lists(st.sampled_from(range(len(MUTATIONS))), min_size=1, max_size=3, unique=True))
def test_mutated_cases_get_located_errors(tmp_path_factory, text, which):
    data = yaml.safe_load(text)
    for i in which:
        MUTATIONS[i](data)
    folder = _write(tmp_path_factory, yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    try:
        load_corpus([folder], bundled=False)
    except CaseErrors as exc:
        assert exc.problems
        for p in exc.problems:
            assert p.path.endswith("case.yaml") and p.line >= 1 and p.column >= 1 and p.message
    else:
        raise AssertionError(f"mutations {which} were accepted")


@SETTINGS
@given(st.binary(max_size=400) | st.text(max_size=400).map(lambda s: s.encode("utf-8")))
def test_arbitrary_bytes_never_crash_the_loader(tmp_path_factory, raw):
    folder = tmp_path_factory.mktemp("junk")
    (folder / "junk.yaml").write_bytes(raw)
    try:
        load_corpus([folder], bundled=False)
    except LianjianError as exc:
        assert str(exc)
