"""Generated documentation and the editors' JSON Schema match the code."""

import datetime
import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from lianjian.loaders.corpus import BUNDLED_CASES
from lianjian.ontology import ONTOLOGY_DIR

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("script", ["gen_ontology_docs.py", "gen_case_schema.py", "gen_corpus_doc.py"])
def test_generated_files_are_current(script):
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / script), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def _plain(o):
    if isinstance(o, dict):
        return {k: _plain(v) for k, v in o.items()}
    if isinstance(o, list):
        return [_plain(v) for v in o]
    return o.isoformat() if isinstance(o, datetime.date) else o


@pytest.mark.parametrize("path", sorted(BUNDLED_CASES.glob("*.yaml")), ids=lambda p: p.name)
def test_bundled_cases_validate_against_json_schema(path):
    schema = json.loads((ONTOLOGY_DIR / "case-file.schema.json").read_text(encoding="utf-8"))
    data = _plain(yaml.safe_load(path.read_text(encoding="utf-8")))
    errors = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(data)]
    assert not errors, errors[:3]


def test_json_schema_rejects_what_the_loader_rejects():
    schema = json.loads((ONTOLOGY_DIR / "case-file.schema.json").read_text(encoding="utf-8"))
    bad = {"source": {"id": "x", "title": "t"}, "organizations": [{"id": "Bad Id", "zh": "x", "kind": "Nowhere", "sectors": ["moon"]}]}
    messages = " ".join(e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(bad))
    assert messages


def test_ontology_doc_lists_every_class():
    doc = (ROOT / "docs" / "ontology.md").read_text(encoding="utf-8")
    ttl = (ONTOLOGY_DIR / "lianjian.ttl").read_text(encoding="utf-8")
    import re

    for name in re.findall(r"^lj:(\w+) a owl:Class", ttl, flags=re.M):
        assert f"`lj:{name}`" in doc, name


def test_readme_documents_links_exist():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    import re

    for link in re.findall(r"\]\((docs/[^)]+)\)", readme):
        assert (ROOT / link).is_file(), link


def test_errors_doc_covers_the_loaders_messages():
    """Each fixed message fragment the loaders emit is listed in docs/errors.md."""
    import re

    doc = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    sources = "".join((ROOT / "lianjian" / "loaders" / name).read_text(encoding="utf-8")
                      for name in ("corpus.py", "checker.py", "linker.py", "yamlfile.py", "vocabulary.py", "evidence.py"))
    fragments = set()
    for literal in re.findall(r'(?:fail|Problem|at|at_key)\([^"\n]*f?"([^"{]{12,})', sources):
        fragments.add(literal.strip().split("`")[0].strip())
    fragments = {f for f in fragments if len(f) >= 12}
    assert len(fragments) >= 20
    missing = sorted(f for f in fragments if f not in doc)
    assert not missing, missing


_MESSAGE = re.compile(r'(?:UsageError|DataError|Problem|ValueError|fail|at_key|\bat)\((?:[^"\n()]*,\s*)?f?"((?:[^"\\\n]|\\.)*)"')


@pytest.mark.parametrize("module", ["remote.py", "queries/cypher"])
def test_errors_doc_covers_the_messages_of_remote_and_cypher(module):
    """The longest fixed piece of each message these modules raise is in docs/errors.md."""
    doc = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    pieces = set()
    path = ROOT / "lianjian" / module
    text = "".join(p.read_text(encoding="utf-8") for p in sorted(path.glob("*.py"))) if path.is_dir() else path.read_text(encoding="utf-8")
    for message in _MESSAGE.findall(text):
        best = max((p.strip(" :;—-`'") for p in re.split(r"\{[^{}]*\}", message)), key=len)
        if len(best) >= 12:
            pieces.add(best)
    assert len(pieces) >= 10
    assert sorted(p for p in pieces if p not in doc) == []


def test_annotation_format_lists_every_kind_and_concept():
    from lianjian.ontology import base_vocabulary

    doc = (ROOT / "docs" / "annotation-format.md").read_text(encoding="utf-8")
    vocab = base_vocabulary()
    for section in ("organizations", "areas", "collectives", "initiatives", "events"):
        for kind in vocab.kinds[section]:
            if kind not in ("Organization", "Area", "Initiative", "Event", "PartyOrganization", "GovernmentBody",
                            "SelfGovernanceOrganization", "PublicInstitution"):
                assert f"`{kind}`" in doc, (section, kind)
    for scheme in ("sector", "relation"):
        for slug in vocab.concepts[scheme]:
            if slug != "subordination":
                assert f"`{slug}`" in doc, (scheme, slug)


def test_codebook_quotes_are_in_their_documents(seeds):
    """Every 「…」 example in docs/codebook.md is found verbatim in the document its (00N) names."""
    import re

    from lianjian.loaders.evidence import SourceText

    texts = {p.name[:3]: SourceText.from_file(p) for p in seeds.glob("00*_*.txt")}
    doc = (ROOT / "docs" / "codebook.md").read_text(encoding="utf-8")
    checked, missing = 0, []
    for line in doc.splitlines():
        for m in re.finditer(r"「([^」]{2,})」", line):
            num = re.search(r"\((\d{3})\)", line[m.end():])
            if not num:
                continue
            checked += 1
            if texts[num.group(1)].find(m.group(1)) is None:
                missing.append((num.group(1), m.group(1)))
    assert checked >= 40
    assert not missing, missing


def test_json_schema_knows_the_statement_qualifiers():
    """The editors' schema accepts the qualifiers the loader accepts and rejects what it rejects."""
    schema = json.loads((ONTOLOGY_DIR / "case-file.schema.json").read_text(encoding="utf-8"))
    check = jsonschema.Draft202012Validator(schema)
    org = {"id": "a", "zh": "甲", "kind": "Studio", "sectors": ["social-organisation"], "led_by": "b", "evidence": "甲"}
    obs = {"subject": "a", "zh": "数", "value": 60, "unit": "家", "as_of": 2009, "bound": "at-least", "evidence": "甲"}
    good = {"source": {"id": "x", "title": "t", "written": 2009, "written_evidence": "16个春秋"},
            "organizations": [{**org, "inferred": {"led_by": "named after its leader"}}],
            "observations": [{**obs, "basis": "inferred", "reason": "counted"}]}
    assert not list(check.iter_errors(good))
    for bad in ({**good, "organizations": [{**org, "inferred": {"nowhere": "x"}}]},
                {**good, "observations": [{**obs, "bound": "approx"}]},
                {**good, "observations": [{**obs, "year": 2009}]},
                {**good, "observations": [{**obs, "approximate": True}]}):
        assert list(check.iter_errors(bad)), bad
