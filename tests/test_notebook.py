"""The README's Python example, run as a reader would run it in a notebook, with its answers checked."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
NOTEBOOK = ROOT / "docs" / "notebook.md"


def _run_blocks(path: Path) -> dict:
    blocks = re.findall(r"```python\n(.*?)```", path.read_text(encoding="utf-8"), flags=re.S)
    assert blocks, f"{path.name} has no Python example"
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, str(path), "exec"), namespace)  # our own documentation, not data
    return namespace


@pytest.fixture(scope="module")
def readme_namespace():
    return _run_blocks(README)


@pytest.fixture(scope="module")
def notebook_namespace():
    return _run_blocks(NOTEBOOK)


def test_language_filter_gives_one_simplified_label_per_studio(readme_namespace):
    kg, studios = readme_namespace["kg"], readme_namespace["studios"]
    all_studios = kg.select("SELECT DISTINCT ?o WHERE { ?o a lj:Studio }")
    assert len(studios) == len(all_studios) > 0
    from lianjian.loaders.text import to_simplified

    assert all(re.search(r"[\u4e00-\u9fff]", s["zh"]) and to_simplified(s["zh"]) == s["zh"] for s in studios)


def test_query_result_as_dataframe_with_prefixed_ids(readme_namespace):
    orgs, df = readme_namespace["orgs"], readme_namespace["df"]
    assert list(df.columns) == orgs.vars and len(df) == len(orgs) > 0
    assert df["area"].unique().tolist() == ["id:changning-district"]
    assert "id:changning-district-committee" in set(df["org"])
    assert "中共长宁区委" in set(df["org_zh"])


def test_query_result_shows_itself_in_a_notebook(readme_namespace):
    orgs = readme_namespace["orgs"]
    assert repr(orgs).startswith(f"<QueryResult {len(orgs)} rows: area, ")
    html = orgs._repr_html_()
    assert html.startswith("<table>") and "<td>id:changning-district-committee</td>" in html and "中共长宁区委" in html


def test_html_view_escapes_text():
    from rdflib import Literal

    from lianjian.results import QueryResult

    html = QueryResult(["x"], [[Literal("<script>alert(1)</script>")]])._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_projection_is_a_networkx_graph(readme_namespace):
    g = readme_namespace["g"]
    assert g.number_of_nodes() > 0 and g.number_of_edges() > 0
    assert g.nodes["changning-district-committee"]["label_zh"] == "中共长宁区委"


def test_notebook_doc_binds_ids_and_filters_language(notebook_namespace):
    rows = notebook_namespace["rows"]
    assert {"org": "https://w3id.org/lianjian/id/changning-district-committee", "zh": "中共长宁区委"} in rows
    assert len({r["org"] for r in rows}) == len(rows), "one Simplified label per organisation"


def test_notebook_doc_unknown_id_is_refused(notebook_namespace):
    from lianjian.errors import UsageError

    with pytest.raises(UsageError, match="no entity with that id"):
        notebook_namespace["kg"].select("SELECT ?o WHERE { ?o lj:locatedIn ?a }", a="no-such-area")


def test_notebook_doc_dataframe_records_ties_and_citations(notebook_namespace):
    ns = notebook_namespace
    assert len(ns["df"]) == len(ns["records"]) > 0 and "id:changning-district-committee" in set(ns["df"]["org"])
    assert ns["records"][0]["area"] == "https://w3id.org/lianjian/id/changning-district"
    assert ("changning-district-committee", "shentong-metro-party-committee") in ns["pairs"]
    assert ns["ties"].number_of_nodes() < ns["g"].number_of_nodes()
    assert {c["source"] for c in ns["citations"]} >= {"changning-cohesion-2013", "changning-1n-model"}
    assert "@misc{changning-cohesion-2013," in ns["bibtex"]
    assert callable(ns["app"])
