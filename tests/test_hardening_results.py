"""CSV/TSV output: no cell a spreadsheet would run as a formula (OWASP CSV injection)."""

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import XSD, Literal, URIRef

from lianjian.results import FORMULA_START, QueryResult, render

DANGEROUS = st.sampled_from(list(FORMULA_START))


@given(start=DANGEROUS, rest=st.text(max_size=30), lang=st.sampled_from([None, "zh", "en"]))
@settings(max_examples=200, deadline=None)
def test_no_csv_or_tsv_cell_starts_like_a_formula(start, rest, lang):
    text = start + rest
    result = QueryResult(["a", "b"], [[Literal(text, lang=lang), URIRef("https://example.org/x")]])
    cells = next(iter(csv.reader(io.StringIO(render(result, "csv").split("\r\n", 1)[1]))), [""])
    assert cells[0].startswith("'")
    for w3c in (False, True):
        tsv_cell = render(result, "tsv", w3c=w3c).split("\n")[1].split("\t")[0]
        assert tsv_cell.lstrip('"').startswith("'"), tsv_cell


def test_numbers_stay_numbers():
    result = QueryResult(["n", "x"], [[Literal(-3, datatype=XSD.integer), Literal("-3")]])
    assert render(result, "csv").split("\r\n")[1] == "-3,'-3"
    # TSV is a spreadsheet table like CSV (cells as text); the W3C SPARQL TSV (N-Triples terms) is what the
    # SPARQL endpoint serves, with w3c=True.
    assert render(result, "tsv").split("\n")[1] == "-3\t'-3"
    assert render(result, "tsv", w3c=True).split("\n")[1] == "-3\t\"'-3\""


def test_a_numeric_literal_with_a_formula_text_is_neutralised():
    result = QueryResult(["n"], [[Literal("=1+cmd", datatype=XSD.integer)]])
    assert render(result, "csv").split("\r\n")[1] == "'=1+cmd"
