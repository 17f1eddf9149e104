"""Query results for spreadsheets: CSV/TSV with prefixed ids, --excel (UTF-8 BOM), --format xlsx (issue 15)."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest
from click.testing import CliRunner
from rdflib import XSD, Literal, URIRef

from lianjian.cli import cli
from lianjian.namespace import ID
from lianjian.results import FORMULA_START, QueryResult, render

QUERY = ["query", "organizations-in-area", "--param", "area=changning-district"]
#: A row the bundled corpus holds for this query (the Changning owners' committees sit in the district).
KNOWN = {"area": "id:changning-district", "place": "id:changning-district", "place_zh": "长宁区",
         "org": "id:changning-owners-committees", "org_zh": "业委会"}


def run(args, **kw):
    result = CliRunner().invoke(cli, args, **kw)
    return result


@pytest.fixture(scope="module")
def csv_rows():
    r = run(QUERY + ["--format", "csv"])
    assert r.exit_code == 0, r.output
    assert not r.stdout_bytes.startswith(b"\xef\xbb\xbf"), "no byte-order mark without --excel"
    return list(csv.DictReader(io.StringIO(r.stdout_bytes.decode("utf-8"))))


def test_csv_has_prefixed_ids_and_the_known_row(csv_rows):
    assert len(csv_rows) > 5
    assert any(KNOWN.items() <= row.items() for row in csv_rows)
    ids = [row[k] for row in csv_rows for k in ("area", "place", "org")]
    assert all(i.startswith("id:") for i in ids) and not any("https://" in i for i in ids)
    assert {row["level"] for row in csv_rows} <= {"0", "1", "2", "3", "4", "5"}


def test_tsv_has_the_same_rows_as_csv(csv_rows):
    r = run(QUERY + ["--format", "tsv"])
    assert r.exit_code == 0 and not r.stdout_bytes.startswith(b"\xef\xbb\xbf")
    assert list(csv.DictReader(io.StringIO(r.output), delimiter="\t")) == csv_rows


def test_excel_flag_writes_a_byte_order_mark_and_the_same_rows(csv_rows, tmp_path):
    for fmt, delimiter in (("csv", ","), ("tsv", "\t")):
        r = run(QUERY + ["--format", fmt, "--excel"])
        assert r.exit_code == 0 and r.stdout_bytes.startswith("\ufeff".encode("utf-8"))
        assert r.stdout_bytes.count("\ufeff".encode("utf-8")) == 1
        assert list(csv.DictReader(io.StringIO(r.stdout_bytes.decode("utf-8-sig")), delimiter=delimiter)) == csv_rows
    target = tmp_path / "orgs.csv"
    assert run(QUERY + ["--format", "csv", "--excel", "-o", str(target)]).exit_code == 0
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "长宁区".encode("utf-8") in raw


def test_json_keeps_full_iris():
    r = run(QUERY + ["--format", "json"])
    bindings = json.loads(r.output)["results"]["bindings"]
    assert {"type": "uri", "value": str(ID["changning-district"])} == bindings[0]["area"]


def test_xlsx_reads_back_with_the_known_row_numbers_as_numbers(csv_rows, tmp_path):
    target = tmp_path / "orgs.xlsx"
    r = run(QUERY + ["--format", "xlsx", "-o", str(target)])
    assert r.exit_code == 0, r.output
    ws = openpyxl.load_workbook(target).active
    table = list(ws.iter_rows(values_only=True))
    header = list(table[0])
    assert header == list(csv_rows[0])
    records = [dict(zip(header, row)) for row in table[1:]]
    assert len(records) == len(csv_rows)
    assert any(KNOWN.items() <= rec.items() for rec in records)
    assert all(isinstance(rec["level"], int) for rec in records)
    assert all(isinstance(rec["org"], str) and rec["org"].startswith("id:") for rec in records)
    # The same cells as the CSV, the numbers read back as numbers.
    assert [{k: ("" if v is None else str(v)) for k, v in rec.items()} for rec in records] == csv_rows


def test_xlsx_to_a_file_from_sparql_and_a_pipe():
    q = "SELECT ?s ?n WHERE { VALUES (?s ?n) { (id:changning-district 3) } }"
    r = run(["sparql", "--format", "xlsx", "-o", "-", q])
    assert r.exit_code == 0
    ws = openpyxl.load_workbook(io.BytesIO(r.stdout_bytes)).active
    assert list(ws.iter_rows(values_only=True)) == [("s", "n"), ("id:changning-district", 3)]


@pytest.mark.parametrize("args, message", [
    (["--format", "xlsx"], "--format xlsx: a workbook is a binary file; give -o FILE.xlsx"),
    (["--format", "json", "--excel"], "--excel: only with --format csv or tsv"),
    (["--format", "table", "--excel"], "--excel: only with --format csv or tsv"),
])
def test_usage_errors_are_one_line_and_write_nothing(args, message, tmp_path):
    for command in (QUERY, ["sparql", "SELECT ?s WHERE { ?s a lj:Studio }"]):
        r = run(command + args)
        assert r.exit_code == 2 and message in r.output and "Traceback" not in r.output
        assert not r.stdout_bytes.startswith(b"PK"), "no workbook on standard output"
    out = tmp_path / "x.csv"
    r = run(QUERY + args[:2] + ["--excel", "-o", str(out)]) if "--excel" in args else None
    if r is not None:
        assert r.exit_code == 2 and not out.exists()


@pytest.mark.parametrize("start", FORMULA_START)
def test_xlsx_text_cells_are_neutralised_strings(start):
    text = start + "SUM(A1:A9)"
    result = QueryResult(["t", "n", "iri"], [[Literal(text, lang="zh"), Literal("7", datatype=XSD.integer),
                                              URIRef(str(ID["changning-district"]))]])
    ws = openpyxl.load_workbook(io.BytesIO(render(result, "xlsx"))).active
    t, n, iri = ws["A2"], ws["B2"], ws["C2"]
    # (XML reads a lone carriage return back as a line feed, so compare the rest of the text.)
    assert t.data_type == "s" and t.value.startswith("'") and t.value[2:] == text[1:]
    assert n.data_type == "n" and n.value == 7
    assert iri.data_type == "s" and iri.value == "id:changning-district"
    assert ws["A1"].value == "t"


def test_w3c_csv_keeps_full_iris_for_the_sparql_endpoint():
    result = QueryResult(["s"], [[URIRef(str(ID["changning-district"]))]])
    assert render(result, "csv").splitlines()[1] == "id:changning-district"
    assert render(result, "csv", w3c=True).splitlines()[1] == str(ID["changning-district"])
    assert render(result, "tsv", w3c=True).splitlines()[1] == f"<{ID['changning-district']}>"
