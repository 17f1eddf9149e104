"""The Neo4j export: CSV files for neo4j-admin import that hold exactly the property-graph projection."""

from __future__ import annotations

import collections
import csv
import re

import pytest
import pyoxigraph as ox
from rdflib import RDF, RDFS, SKOS, Literal

from lianjian.errors import UsageError
from lianjian.graph import KnowledgeGraph
from lianjian.graph.neo4j import ARRAY_DELIMITERS, FILES, export_neo4j
from lianjian.namespace import GRAPH, ID, LJ


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def parse(cell: str, kind: str, delimiter: str):
    """A CSV cell back as the Python value the projection holds (None for an empty cell)."""
    if cell == "":
        return None
    return {"string[]": lambda c: c.split(delimiter), "long": int, "double": float,
            "boolean": lambda c: {"true": True, "false": False}[c], "string": str}[kind](cell)


def as_records(header, rows, fixed, delimiter):
    """Rows as dicts of property → value, with the fixed columns (ids, labels, type) under their header names;
    the parallel arrays evidence_quotes and evidence_sources are zipped back into (quote, source) pairs."""
    out = []
    for row in rows:
        rec = dict(zip(header[:fixed], row[:fixed]))
        for column, cell in zip(header[fixed:], row[fixed:]):
            key, kind = column.split(":", 1)
            value = parse(cell, kind, delimiter)
            if value is not None:
                rec[key] = value
        if "evidence_quotes" in rec:
            quotes, sources = rec.pop("evidence_quotes"), rec.pop("evidence_sources")
            assert len(quotes) == len(sources), rec
            rec["evidence"] = list(zip(quotes, sources))
        out.append(rec)
    return out


def expected_value(v):
    if isinstance(v, (set, frozenset)):
        return sorted(str(x) for x in v)
    if isinstance(v, (list, tuple)):
        return [tuple(str(y) for y in x) if isinstance(x, tuple) else str(x) for x in v] or None
    return "" if v == "" else v


#: neo4j-admin database import header: `name:ID(space)`, `:LABEL`, `name:type` or `name:type[]` (name alone is a
#: string), `:START_ID(space)`, `:END_ID(space)`, `:TYPE`, `:IGNORE` — the types the import tool knows.
NEO4J_TYPES = {"int", "long", "float", "double", "boolean", "byte", "short", "char", "string", "point", "date",
               "localtime", "time", "localdatetime", "datetime", "duration"}
_HEADER_FIELD = re.compile(r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)?(?::(?P<kind>ID|START_ID|END_ID|LABEL|TYPE|IGNORE|"
                           r"[a-z]+(?:\[\])?)(?:\((?P<space>[^()]*)\))?)?")


def check_header(header, kind):
    """Fields of a neo4j-admin import header; fails on a field the import tool would reject or misread."""
    fields = []
    for column in header:
        m = _HEADER_FIELD.fullmatch(column)
        assert m and column, f"{column!r} is not a neo4j-admin header field"
        name, k, space = m["name"], m["kind"] or "string", m["space"]
        if k in ("ID", "START_ID", "END_ID"):
            assert k == "ID" or name is None, f"{column}: {k} takes no property name"
        elif k in ("LABEL", "TYPE", "IGNORE"):
            assert name is None and space is None, column
        else:
            assert name and space is None and k.removesuffix("[]") in NEO4J_TYPES, f"{column}: unknown type {k}"
        fields.append((name, k, space))
    special = [k for _, k, _ in fields if k.isupper()]
    if kind == "nodes":
        assert special.count("ID") == 1 and special.count("LABEL") <= 1 and not {"START_ID", "END_ID", "TYPE"} & set(special)
    else:
        assert [special.count(x) for x in ("START_ID", "END_ID", "TYPE")] == [1, 1, 1] and "ID" not in special
    names = [n for n, k, _ in fields if n and not k.isupper()]
    assert len(names) == len(set(names)), f"a property twice in {header}"
    return fields


@pytest.fixture(scope="module")
def exported(tmp_path_factory, bundled_kg):
    folder = tmp_path_factory.mktemp("neo4j") / "export"
    summary = export_neo4j(bundled_kg, folder)
    return folder, summary, bundled_kg.to_networkx()


def test_files_and_headers(exported):
    folder, summary, g = exported
    assert sorted(p.name for p in folder.iterdir()) == sorted(FILES)
    node_header, _ = read_csv(folder / "nodes.csv")
    rel_header, _ = read_csv(folder / "relationships.csv")
    assert node_header[:2] == ["id:ID", ":LABEL"] and rel_header[:3] == [":START_ID", ":END_ID", ":TYPE"]
    node_keys = {k for _, d in g.nodes(data=True) for k in d} - {"id", "__labels__", "evidence"}
    node_keys |= {"evidence_quotes", "evidence_sources"}  # evidence pairs as two parallel arrays
    assert {c.split(":")[0] for c in node_header[2:]} == node_keys
    rel_keys = {k for *_, d in g.edges(data=True) for k in d} - {"__labels__"}
    assert {c.split(":")[0] for c in rel_header[3:]} == rel_keys
    types = dict(c.split(":", 1) for c in node_header[2:])
    assert (types["label_zh"], types["sectors"], types["value"], types["rhetorical"]) == ("string", "string[]", "double", "boolean")
    for column in node_header[2:] + rel_header[3:]:
        assert re.fullmatch(r"[A-Za-z_]\w*:(string|long|double|boolean|string\[\])", column), column
    # Evidence is two parallel arrays, not Python tuple reprs (issue 15).
    assert types["evidence_quotes"] == types["evidence_sources"] == "string[]" and "evidence" not in types


def test_headers_follow_the_neo4j_admin_import_format(exported):
    """Every header field is one the import tool reads (typed properties of known types only), and the
    relationships' START_ID/END_ID use the ID space of the nodes' ID column."""
    folder, summary, g = exported
    node_fields = check_header(read_csv(folder / "nodes.csv")[0], "nodes")
    rel_fields = check_header(read_csv(folder / "relationships.csv")[0], "relationships")
    (id_space,) = [space for _, k, space in node_fields if k == "ID"]
    assert [space for _, k, space in rel_fields if k in ("START_ID", "END_ID")] == [id_space, id_space]
    for bad in (["id:ID", "x:text"], ["id:ID", "id:ID"], ["id:ID", "a:string", "a:long"], ["x:string"]):
        with pytest.raises(AssertionError):
            check_header(bad, "nodes")
    with pytest.raises(AssertionError):
        check_header([":START_ID", ":TYPE"], "relationships")


def test_no_array_item_holds_the_delimiter_and_the_default_is_preferred(exported):
    """neo4j-admin cannot escape the array delimiter inside an item, so no item may hold it; ';' (the
    tool's default) is used unless some item holds it, and README.txt names the delimiter in use."""
    folder, summary, g = exported
    d = summary["array_delimiter"]
    items = [str(x) for _, a in g.nodes(data=True) for v in a.values() if isinstance(v, (list, set))
             for x in (v if not v or not isinstance(next(iter(v)), tuple) else [y for p in v for y in p])]
    assert items and not any(d in x for x in items)
    assert d == ";" or any(";" in x for x in items)


def test_nodes_match_the_projection(exported):
    folder, summary, g = exported
    header, rows = read_csv(folder / "nodes.csv")
    d = summary["array_delimiter"]
    records = as_records(header, rows, 2, d)
    ids = [r["id:ID"] for r in records]
    assert len(ids) == len(set(ids)) == g.number_of_nodes() == summary["nodes"]
    for rec in records:
        attrs = g.nodes[rec["id:ID"]]
        assert set(rec[":LABEL"].split(d)) == attrs["__labels__"]
        want = {k: expected_value(v) for k, v in attrs.items() if k not in ("id", "__labels__")}
        want = {k: v for k, v in want.items() if v not in (None, "")}
        got = {k: v for k, v in rec.items() if k not in ("id:ID", ":LABEL")}
        assert got == want, rec["id:ID"]


def test_relationships_match_the_projection(exported):
    folder, summary, g = exported
    header, rows = read_csv(folder / "relationships.csv")
    d = summary["array_delimiter"]
    node_ids = {r[0] for r in read_csv(folder / "nodes.csv")[1]}
    assert all(r[0] in node_ids and r[1] in node_ids for r in rows)
    expected = collections.Counter((a, b, t) for a, b, e in g.edges(data=True) for t in e["__labels__"])
    assert collections.Counter((r[0], r[1], r[2]) for r in rows) == expected
    assert len(rows) == summary["relationships"] == sum(expected.values())
    linked = 0
    for rec in as_records(header, rows, 3, d):
        e = g.edges[rec[":START_ID"], rec[":END_ID"]]
        props = {k: v for k, v in rec.items() if not k.startswith(":")}
        if rec[":TYPE"] == "LINKED_WITH":
            linked += 1
            assert props["relationships"] == e["relationships"] and props["kinds"] == e["kinds"]
            assert props.get("mechanisms") == (e["mechanisms"] or None)
        elif rec[":TYPE"] == "HOLDS_POST":
            assert props == ({"title": e["title"]} if e.get("title") else {})
        else:
            assert props == {}, rec
    assert linked == sum(1 for *_, e in g.edges(data=True) if "LINKED_WITH" in e["__labels__"])


def test_load_scripts_name_only_real_columns(exported):
    folder, summary, g = exported
    columns = set(read_csv(folder / "nodes.csv")[0]) | set(read_csv(folder / "relationships.csv")[0])
    label_sets = {frozenset(a["__labels__"]) for _, a in g.nodes(data=True)}
    for name in ("load.cypher", "load-memgraph.cypher"):
        script = (folder / name).read_text(encoding="utf-8")
        assert set(re.findall(r"row\.`([^`]+)`", script)) <= columns
        assert script.count("nodes.csv' ") == len(label_sets)
        assert script.count("relationships.csv' ") == len(summary["relationship_types"])
        statements = [s for s in script.split(";\n") if s.strip() and not s.lstrip().startswith("//")]
        assert all(s.count("(") == s.count(")") and s.count("{") == s.count("}") for s in statements)
    readme = (folder / "README.txt").read_text(encoding="utf-8")
    assert f"{summary['nodes']} nodes" in readme and f"--array-delimiter=U+{ord(summary['array_delimiter']):04X}" in readme


def _nasty_graph() -> KnowledgeGraph:
    g = GRAPH["nasty"]
    a, b, jb = ID["org-a"], ID["org-b"], ID["jb"]
    quads = [
        (a, RDF.type, LJ.Organization), (b, RDF.type, LJ.Organization), (jb, RDF.type, LJ.JointBuilding),
        (a, RDFS.label, Literal('甲 "引号", 逗号\n换行, \'单引号\' \\ 反斜杠', lang="zh-hans")),
        (a, SKOS.altLabel, Literal("别名|含竖线;分号")), (a, SKOS.altLabel, Literal("second, alias")),
        (b, RDFS.label, Literal("乙", lang="zh-hans")),
        (jb, LJ.participant, a), (jb, LJ.participant, b), (a, LJ.linkedWith, b), (b, LJ.linkedWith, a),
    ]
    store = ox.Store()
    store.extend(ox.Quad(*(_ox(t) for t in triple), ox.NamedNode(str(g))) for triple in quads)
    return KnowledgeGraph.from_nquads(store.dump(format=ox.RdfFormat.N_QUADS).decode("utf-8"))


def _ox(term):
    if isinstance(term, Literal):
        return ox.Literal(str(term), language=term.language) if term.language else ox.Literal(str(term))
    return ox.NamedNode(str(term))


def test_awkward_text_round_trips_through_csv(tmp_path):
    kg = _nasty_graph()
    summary = export_neo4j(kg, tmp_path / "out")
    d = summary["array_delimiter"]
    assert d == ARRAY_DELIMITERS[2], "'|' and ';' occur in an alias, so the third delimiter is chosen"
    header, rows = read_csv(tmp_path / "out" / "nodes.csv")
    records = {r["id:ID"]: r for r in as_records(header, rows, 2, d)}
    assert records["org-a"]["label_zh"] == '甲 "引号", 逗号\n换行, \'单引号\' \\ 反斜杠'
    assert sorted(records["org-a"]["aliases"]) == ["second, alias", "别名|含竖线;分号"]
    assert records["org-b"]["label_zh"] == "乙"
    _, rels = read_csv(tmp_path / "out" / "relationships.csv")
    assert sorted(r[:3] for r in rels) == [["jb", "org-a", "PARTICIPANT"], ["jb", "org-b", "PARTICIPANT"],
                                          ["org-a", "org-b", "LINKED_WITH"], ["org-b", "org-a", "LINKED_WITH"]]
    assert f"split(row.`aliases:string[]`, '{d}')" in (tmp_path / "out" / "load.cypher").read_text(encoding="utf-8")


def test_export_replaces_an_earlier_export_but_not_a_folder_of_other_files(tmp_path, bundled_kg):
    target = tmp_path / "export"
    export_neo4j(_nasty_graph(), target)
    first = (target / "nodes.csv").read_text(encoding="utf-8")
    summary = export_neo4j(bundled_kg, target)
    assert (target / "nodes.csv").read_text(encoding="utf-8") != first
    assert summary["nodes"] == bundled_kg.to_networkx().number_of_nodes()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "no temporary folder is left behind"
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(UsageError, match="holds other files"):
        export_neo4j(bundled_kg, mine)
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]
    with pytest.raises(UsageError, match="does not exist"):
        export_neo4j(bundled_kg, tmp_path / "missing" / "export")
