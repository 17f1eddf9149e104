"""Quote matching against the sources: normalisation, pinyin glosses, scripts, damaged runs, offsets."""

import json
import re

import pytest

from lianjian.loaders.corpus import BUNDLED_CASES

from lianjian.loaders.linker import load_corpus
from lianjian.loaders.evidence import OFFSETS_FILE, SourceText, verify
from lianjian.loaders.text import normalize, strip_glosses

DOC_002 = "002_6a5c88802c714ed3.txt"


@pytest.fixture(scope="module")
def doc002(seeds):
    return SourceText.from_file(seeds / DOC_002)


def test_glosses_are_stripped_from_002(seeds):
    raw = (seeds / DOC_002).read_text(encoding="utf-8")
    glosses = re.findall(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)", raw)
    assert len(glosses) >= 180
    assert not re.findall(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)", strip_glosses(raw))
    # Ordinary parentheses survive.
    assert "(以下簡稱“凝博館”)" in strip_glosses(raw)


def test_normalize_folds_script_width_quotes_and_space():
    assert normalize("長寧區(qū)委 “凝聚力工程”，１９９３年") == normalize('长宁区委"凝聚力工程",1993年')


def test_quote_in_traditional_with_glosses_matches_simplified(doc002):
    m = doc002.find("在傳承中創(chuàng)新突破")
    assert m is not None and m.exact
    assert doc002.find("在传承中创新突破") == m


def test_damaged_runs_are_tolerated_but_not_anything_goes(doc002):
    # The source reads 上?;鶎狱h建 where 上海基層黨建 was meant.
    m = doc002.find("長寧建成了以上海基層黨建為主題的上海凝聚力工程博物館")
    assert m is not None and not m.exact
    assert doc002.text[m.start:m.end].startswith("长宁建成了以上?")
    assert doc002.find("长宁建成了以北京基层党建为主题的上海凝聚力工程博物馆") is None
    assert doc002.find("凝聚力工程博物馆是北京的") is None


def test_recorded_offsets_are_current(seeds):
    """evidence-offsets.json holds every bundled quote at the place verify finds it now."""
    recorded = json.loads((BUNDLED_CASES / OFFSETS_FILE).read_text(encoding="utf-8"))
    report = verify(load_corpus(), seeds)
    assert report.ok, [str(m) for m in report.missing[:5]]
    current = {}
    for (doc, quote), m in report.found.items():
        current.setdefault(doc, {})[quote] = [m.start, m.end]
    assert recorded == current, "run `lianjian verify --sources ../shared/seeds --record`"


def test_offsets_reach_the_graph(bundled_kg, seeds):
    rows = bundled_kg.select("""
        SELECT ?quote ?start ?end ?file WHERE {
          id:changning-district-committee lj:evidence ?ev . ?ev lj:quote ?quote ; lj:startOffset ?start ; lj:endOffset ?end ;
              dcterms:source/dcterms:identifier ?file }""")
    assert rows
    for r in rows:
        text = SourceText.from_file(seeds / r["file"]).text
        assert text[r["start"]:r["end"]] == normalize(r["quote"])
