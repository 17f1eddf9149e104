"""The README's Python example, run as a reader would run it in a notebook, with its answers checked."""

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"


@pytest.fixture(scope="module")
def readme_namespace():
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    assert blocks, "the README has no Python example"
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, str(README), "exec"), namespace)  # our own documentation, not data
    return namespace


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
