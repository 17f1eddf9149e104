"""`lianjian cite`: the sources as BibTeX and CSL-JSON (checked by a parser and the CSL schema), and one statement."""

import json
from pathlib import Path

import bibtexparser
import jsonschema
import pytest
from click.testing import CliRunner

from lianjian.cli import cli

CSL_SCHEMA = Path(__file__).parent / "data" / "csl-data.schema.json"  # the CSL project's csl-data.json (input schema)


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture(scope="module")
def bibtex():
    result = run("cite")
    assert result.exit_code == 0, result.output
    return result.output


def test_bibtex_parses_with_one_entry_per_source(bibtex):
    library = bibtexparser.parse_string(bibtex)
    assert library.failed_blocks == []
    keys = sorted(e.key for e in library.entries)
    assert keys == ["changning-1n-model", "changning-cohesion-2013", "changning-decade-2022", "huating-six-systems",
                    "pudong-daju-2015"]
    by_key = {e.key: e for e in library.entries}
    assert by_key["changning-cohesion-2013"].entry_type == "misc"
    assert by_key["changning-cohesion-2013"].fields_dict["howpublished"].value == "广东新闻网"
    assert by_key["changning-cohesion-2013"].fields_dict["date"].value == "2013-06-23"
    assert by_key["pudong-daju-2015"].fields_dict["journal"].value == "上海党史与党建"


def test_csl_json_is_valid_against_the_csl_schema():
    result = run("cite", "--format", "csl-json")
    assert result.exit_code == 0, result.output
    items = json.loads(result.output)
    jsonschema.validate(items, json.loads(CSL_SCHEMA.read_text(encoding="utf-8")))
    by_id = {i["id"]: i for i in items}
    assert by_id["changning-cohesion-2013"]["type"] == "article-newspaper"
    assert by_id["changning-cohesion-2013"]["issued"] == {"date-parts": [[2013, 6, 23]]}
    assert by_id["pudong-daju-2015"]["container-title"] == "上海党史与党建"


def test_csl_schema_rejects_what_it_should():
    schema = json.loads(CSL_SCHEMA.read_text(encoding="utf-8"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate([{"id": "x", "type": "article", "authors": "not a CSL key"}], schema)


def test_statement_citation_gives_source_quote_and_offsets():
    result = run("cite", "于2005年与申通地铁公司党委签约结对", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows and {(r["source"], r["file"]) for r in rows} == {("changning-cohesion-2013", "000_4ea9a70eba53a7dc.txt")}
    assert all("于2005年与申通地铁公司党委签约结对" in r["quote"] for r in rows)
    assert all(r["end"] - r["start"] == len(r["quote"]) for r in rows)


def test_statement_citation_by_id_lists_every_source():
    result = run("cite", "id:changning-district-committee", "--format", "json")
    assert result.exit_code == 0, result.output
    sources = {r["source"] for r in json.loads(result.output)}
    assert {"changning-cohesion-2013", "changning-1n-model"} <= sources


def test_statement_citation_offsets_point_at_the_quote(seeds):
    from lianjian.loaders.evidence import SourceText
    from lianjian.loaders.text import normalize

    rows = json.loads(run("cite", "于2005年与申通地铁公司党委签约结对", "--format", "json").output)
    text = SourceText.from_file(seeds / rows[0]["file"]).text
    assert [text[r["start"]:r["end"]] for r in rows] == [normalize(r["quote"]) for r in rows]  # offsets are in the normalised text


@pytest.mark.parametrize("args, message", [
    (("no-such-entity",), "cite: no statement with evidence for id 'no-such-entity'"),
    (("这句话不在任何引文里",), "cite: no statement with evidence for quote containing '这句话不在任何引文里'"),
    (("--format", "json"), "--format text/json cite one statement"),
])
def test_cite_refuses_with_one_line(args, message):
    result = run("cite", *args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_source_url_must_be_a_web_address(case_dir):
    from tests.conftest import MINIMAL_CASE

    folder = case_dir({"mini.yaml": MINIMAL_CASE.replace("  date: 2013-06-23\n", "  date: 2013-06-23\n  url: javascript:alert(1)\n")})
    result = run("validate", "--no-bundled", "--cases", folder)
    assert result.exit_code == 1
    assert "mini.yaml:6:8: `url` must be an http:// or https:// address without spaces, not 'javascript:alert(1)'" in result.output
