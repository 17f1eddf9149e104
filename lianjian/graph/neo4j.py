"""The property-graph projection as CSV files for ``neo4j-admin database import``, with LOAD CSV scripts.

One ``nodes.csv`` (``id:ID``, ``:LABEL``, typed properties) and one
``relationships.csv`` (``:START_ID``, ``:END_ID``, ``:TYPE``, typed properties).
A projection edge with several labels (``{"PARTICIPANT", "LED_BY"}``) becomes
one relationship per label, as a Neo4j relationship has exactly one type; the
joint-building properties of an edge (relationships, kinds, mechanisms, years,
quote…) go to its ``LINKED_WITH`` relationship and a post's ``title`` to
``HOLDS_POST``.

Lists are ``string[]`` columns in the import tool's array syntax: items joined
with the array delimiter. The tool has no escape for a delimiter inside an item,
so the delimiter is the first of ARRAY_DELIMITERS that no item contains — ``;``,
the tool's default, whenever it can be — and README.txt gives the matching
``--array-delimiter``. Evidence (quote, source id) pairs become two parallel
arrays, ``evidence_quotes`` and ``evidence_sources``: item i of one goes with
item i of the other.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from lianjian.errors import DataError, UsageError
from lianjian.results import safe_text
from lianjian.io import atomic_directory

__all__ = ["export_neo4j", "check_directory", "neo4j_tables", "Neo4jTables", "FILES", "ARRAY_DELIMITERS"]

NODES, RELATIONSHIPS = "nodes.csv", "relationships.csv"
#: Every file an export writes; a folder holding anything else is not replaced.
FILES = (NODES, RELATIONSHIPS, "load.cypher", "load-memgraph.cypher", "README.txt")
#: Array delimiters to choose from, in order of preference: the first that no list item or label contains.
#: ';' is neo4j-admin's default --array-delimiter, so an export that can use it needs no option.
ARRAY_DELIMITERS = (";", "|", "¦", "\u241e", "\u001f")
#: Properties holding (a, b) pairs, written as two parallel string[] columns.
PAIRED = {"evidence": ("evidence_quotes", "evidence_sources")}
#: Which relationship type owns an edge property when the edge has several types; the rest go to LINKED_WITH.
PROPERTY_OWNER = {"title": "HOLDS_POST"}
_DEFAULT_OWNER = "LINKED_WITH"
#: Columns first in nodes.csv, for people reading it; the others follow in alphabetical order.
_FIRST = ("class", "label_zh", "label_en", "label_zh_hant")
#: A temporary label with a uniqueness constraint, so LOAD CSV finds relationship ends by id quickly.
_IMPORT_LABEL = "LianjianImport"
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass
class Neo4jTables:
    """The two CSV tables (header and rows), their property types and the array delimiter."""

    node_header: list[str]
    node_rows: list[list[str]]
    relationship_header: list[str]
    relationship_rows: list[list[str]]
    delimiter: str
    node_types: dict[str, str] = field(default_factory=dict)
    relationship_types: dict[str, str] = field(default_factory=dict)

    def csv(self, which: str) -> str:
        """`nodes.csv` or `relationships.csv` as text (RFC 4180 quoting, header first)."""
        header, rows = ((self.node_header, self.node_rows) if which == NODES
                        else (self.relationship_header, self.relationship_rows))
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        return out.getvalue()


def check_directory(directory: str | Path, option: str = "-o") -> Path:
    """Fail early, with the option's name, unless `directory` can become (or be replaced by) an export folder."""
    target = Path(directory)
    if str(directory) == "-":
        raise UsageError(f"{option} -: the neo4j export is a folder of files; give its name")
    if not target.resolve().parent.is_dir():
        raise UsageError(f"{option} {directory}: directory {target.resolve().parent} does not exist")
    if target.exists() and not target.is_dir():
        raise UsageError(f"{option} {directory}: exists and is not a directory")
    if target.is_dir() and any(p.name not in FILES for p in target.iterdir()):
        raise UsageError(f"{option} {directory}: folder holds other files; give a new or empty folder "
                         "(or one written by an earlier neo4j export)")
    return target


def export_neo4j(kg, directory: str | Path, option: str = "-o") -> dict:
    """Write the projection of `kg` as a folder of Neo4j import files, atomically; returns what was written."""
    target = check_directory(directory, option)
    tables = neo4j_tables(kg.to_networkx())

    def fill(tmp: Path) -> None:
        for name in (NODES, RELATIONSHIPS):
            (tmp / name).write_text(tables.csv(name), encoding="utf-8")
        (tmp / "load.cypher").write_text(_load_script(tables, "neo4j"), encoding="utf-8")
        (tmp / "load-memgraph.cypher").write_text(_load_script(tables, "memgraph"), encoding="utf-8")
        (tmp / "README.txt").write_text(_readme(tables), encoding="utf-8")
        for p in tmp.iterdir():
            p.chmod(0o644)
        tmp.chmod(0o755)

    atomic_directory(target.resolve(), fill, option, replaces=FILES)
    types = sorted({row[2] for row in tables.relationship_rows})
    return {"output": str(directory), "format": "neo4j", "nodes": len(tables.node_rows),
            "relationships": len(tables.relationship_rows), "relationship_types": types,
            "array_delimiter": tables.delimiter, "files": list(FILES)}


def neo4j_tables(g: nx.DiGraph) -> Neo4jTables:
    """The node and relationship tables of a projection (see the module docstring).

    >>> g = nx.DiGraph()
    >>> g.add_node("a", id="a", __labels__={"Organization"}, label_zh="甲", sectors=["x", "y"])
    >>> g.add_node("b", id="b", __labels__={"Area"}, label_zh="乙")
    >>> g.add_edge("a", "b", __labels__={"LOCATED_IN"})
    >>> t = neo4j_tables(g)
    >>> t.node_header, t.node_rows[0]
    (['id:ID', ':LABEL', 'label_zh:string', 'sectors:string[]'], ['a', 'Organization', '甲', 'x;y'])
    >>> t.relationship_header, t.relationship_rows
    ([':START_ID', ':END_ID', ':TYPE'], [['a', 'b', 'LOCATED_IN']])
    """
    relationships = []  # (start, end, type, properties)
    for a, b, d in g.edges(data=True):
        types = sorted(d.get("__labels__") or ())
        for t in types:
            props = {k: v for k, v in d.items() if k != "__labels__" and _owner(k, types) in (t, None)}
            relationships.append((str(a), str(b), t, props))
    nodes = [(str(n), sorted(d.get("__labels__") or ()),
              _unpair({k: v for k, v in d.items() if k not in ("id", "__labels__")}))
             for n, d in g.nodes(data=True)]
    relationships = [(a, b, t, _unpair(props)) for a, b, t, props in sorted(relationships, key=lambda r: r[:3])]
    nodes.sort(key=lambda node: node[0])  # rows in id order, so that an export is the same bytes run to run
    delimiter = _delimiter(nodes, relationships)
    node_types = _column_types(props for _, _, props in nodes)
    rel_types = _column_types(props for *_, props in relationships)
    node_keys = [k for k in _FIRST if k in node_types] + sorted(k for k in node_types if k not in _FIRST)
    rel_keys = sorted(rel_types)
    return Neo4jTables(
        node_header=["id:ID", ":LABEL"] + [f"{k}:{node_types[k]}" for k in node_keys],
        node_rows=[[n, delimiter.join(labels)] + [_cell(props.get(k), node_types[k], delimiter) for k in node_keys]
                   for n, labels, props in nodes],
        relationship_header=[":START_ID", ":END_ID", ":TYPE"] + [f"{k}:{rel_types[k]}" for k in rel_keys],
        relationship_rows=[[a, b, t] + [_cell(props.get(k), rel_types[k], delimiter) for k in rel_keys]
                           for a, b, t, props in relationships],
        delimiter=delimiter, node_types=node_types, relationship_types=rel_types)


def _unpair(props: dict) -> dict:
    """`props` with each PAIRED property as two parallel lists (an empty list stays out)."""
    for key, (first, second) in PAIRED.items():
        pairs = props.pop(key, None)
        if pairs:
            props[first], props[second] = [str(p[0]) for p in pairs], [str(p[1]) for p in pairs]
    return props


def _owner(key: str, types: list[str]) -> str | None:
    """The one type that owns `key` on an edge of these types, or None when every type gets it."""
    owner = PROPERTY_OWNER.get(key, _DEFAULT_OWNER)
    return owner if owner in types else None


def _delimiter(nodes, relationships) -> str:
    used = {label for _, labels, _ in nodes for label in labels}
    for props in [p for *_, p in nodes] + [p for *_, p in relationships]:
        for v in props.values():
            if isinstance(v, (list, tuple, set, frozenset)):
                used.update(str(x) for x in v)
    for candidate in ARRAY_DELIMITERS:
        if not any(candidate in text for text in used):
            return candidate
    raise DataError("neo4j export: every array delimiter occurs in some list value; cannot write arrays")


def _column_types(dicts) -> dict[str, str]:
    """Property key → neo4j-admin type (string, long, double, boolean, string[]), from the values it takes."""
    seen: dict[str, set[str]] = {}
    for d in dicts:
        for k, v in d.items():
            if v is None:
                continue
            if not _KEY.fullmatch(k):
                raise DataError(f"neo4j export: property name {k!r} is not usable in a CSV header")
            seen.setdefault(k, set()).add(
                "list" if isinstance(v, (list, tuple, set, frozenset)) else
                "bool" if isinstance(v, bool) else "int" if isinstance(v, int) else
                "float" if isinstance(v, float) else "str")
    out = {}
    for k, kinds in seen.items():
        if "list" in kinds:
            out[k] = "string[]"
        elif kinds == {"bool"}:
            out[k] = "boolean"
        elif kinds == {"int"}:
            out[k] = "long"
        elif kinds <= {"int", "float"}:
            out[k] = "double"
        else:
            out[k] = "string"
    return out


def _cell(value, kind: str, delimiter: str) -> str:
    if value is None:
        return ""
    if kind == "string[]":
        items = value if isinstance(value, (list, tuple, set, frozenset)) else [value]
        if any(isinstance(x, (list, tuple, set, frozenset, dict)) for x in items):
            raise DataError(f"neo4j export: a list property holds nested values ({value!r:.60}); "
                            "add it to neo4j.PAIRED or flatten it in the projection")
        return safe_text(delimiter.join(sorted(str(x) for x in items) if isinstance(items, (set, frozenset)) else
                                        [str(x) for x in items]))
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "double":
        return repr(float(value))
    return safe_text(str(value))


# ---------------------------------------------------------------------- scripts


def _cypher_string(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _value_expr(column: str, kind: str, delimiter: str) -> str:
    ref = f"row.`{column}`"
    conv = {"string": ref, "long": f"toInteger({ref})", "double": f"toFloat({ref})", "boolean": f"toBoolean({ref})",
            "string[]": f"split({ref}, {_cypher_string(delimiter)})"}[kind]
    return f"CASE WHEN coalesce({ref}, '') = '' THEN null ELSE {conv} END"


def _properties(header: list[str], used: set[str], delimiter: str, fixed: int) -> str:
    parts = []
    for column in header[fixed:]:
        key, kind = column.split(":", 1)
        if key in used:
            parts.append(f"`{key}`: {_value_expr(column, kind, delimiter)}")
    return ", ".join(parts)


def _load_script(t: Neo4jTables, target: str) -> str:
    """A Cypher script that loads the two CSV files: Neo4j 5 (`cypher-shell -f`) or Memgraph (`mgconsole`)."""
    if target == "neo4j":
        source = "LOAD CSV WITH HEADERS FROM 'file:///{}' AS row"
        lines = ["// Load the lianjian property graph with LOAD CSV (Neo4j 5), the alternative to neo4j-admin import.",
                 "// Copy nodes.csv and relationships.csv into the database's import folder, then run",
                 "//   cypher-shell -u neo4j -p PASSWORD -f load.cypher",
                 f"CREATE CONSTRAINT lianjian_import_id IF NOT EXISTS FOR (n:{_IMPORT_LABEL}) REQUIRE n.id IS UNIQUE;"]
        done = [f"MATCH (n:{_IMPORT_LABEL}) REMOVE n:{_IMPORT_LABEL};", "DROP CONSTRAINT lianjian_import_id;"]
    else:
        source = "LOAD CSV FROM '/import/{}' WITH HEADER AS row"
        lines = ["// Load the lianjian property graph with LOAD CSV (Memgraph). The files are read from /import/:",
                 "//   docker run -p 7687:7687 -v \"$PWD\":/import memgraph/memgraph",
                 "//   mgconsole < load-memgraph.cypher",
                 f"CREATE INDEX ON :{_IMPORT_LABEL}(id);",
                 f"CREATE CONSTRAINT ON (n:{_IMPORT_LABEL}) ASSERT n.id IS UNIQUE;"]
        done = [f"MATCH (n:{_IMPORT_LABEL}) REMOVE n:{_IMPORT_LABEL};",
                f"DROP CONSTRAINT ON (n:{_IMPORT_LABEL}) ASSERT n.id IS UNIQUE;",
                f"DROP INDEX ON :{_IMPORT_LABEL}(id);"]
    d = t.delimiter
    groups: dict[str, set[str]] = {}
    for row in t.node_rows:
        keys = groups.setdefault(row[1], set())
        keys.update(col.split(":", 1)[0] for col, cell in zip(t.node_header[2:], row[2:]) if cell != "")
    for labels, used in sorted(groups.items()):
        label_text = "".join(f":`{x}`" for x in labels.split(d) if x)
        props = _properties(t.node_header, used, d, 2)
        lines += [source.format(NODES), f"WITH row WHERE row.`:LABEL` = {_cypher_string(labels)}",
                  f"CREATE (n:{_IMPORT_LABEL}{label_text} {{id: row.`id:ID`}})" + (f"\nSET n += {{{props}}}" if props else "")
                  + ";"]
    kinds: dict[str, set[str]] = {}
    for row in t.relationship_rows:
        keys = kinds.setdefault(row[2], set())
        keys.update(col.split(":", 1)[0] for col, cell in zip(t.relationship_header[3:], row[3:]) if cell != "")
    for rel_type, used in sorted(kinds.items()):
        props = _properties(t.relationship_header, used, d, 3)
        lines += [source.format(RELATIONSHIPS), f"WITH row WHERE row.`:TYPE` = {_cypher_string(rel_type)}",
                  f"MATCH (a:{_IMPORT_LABEL} {{id: row.`:START_ID`}}), (b:{_IMPORT_LABEL} {{id: row.`:END_ID`}})",
                  f"CREATE (a)-[r:`{rel_type}`]->(b)" + (f"\nSET r += {{{props}}}" if props else "") + ";"]
    return "\n".join(lines + done) + "\n"


def _readme(t: Neo4jTables) -> str:
    delim = f"U+{ord(t.delimiter):04X}"
    return f"""lianjian property graph for Neo4j / Memgraph
==============================================

{NODES:<20} {len(t.node_rows)} nodes: id:ID, :LABEL (labels joined with '{t.delimiter}'), typed properties
{RELATIONSHIPS:<20} {len(t.relationship_rows)} relationships: :START_ID, :END_ID, :TYPE, typed properties
load.cypher          the same through LOAD CSV, for a running Neo4j 5 (cypher-shell -f load.cypher)
load-memgraph.cypher the same for Memgraph (mgconsole < load-memgraph.cypher)

Lists (sectors, sources, quotes, mechanisms, ...) are string[] arrays, items joined with '{t.delimiter}' ({delim}),
which occurs in no item (neo4j-admin has no escape for it inside an item). Evidence is two parallel arrays,
evidence_quotes and evidence_sources: quote i comes from source i, e.g.
  MATCH (n) WHERE n.evidence_quotes IS NOT NULL
  UNWIND range(0, size(n.evidence_quotes) - 1) AS i
  RETURN n.id, n.evidence_quotes[i] AS quote, n.evidence_sources[i] AS source LIMIT 10
Text fields may hold commas, double quotes and line breaks (RFC 4180 quoting).

Bulk import into a new, stopped Neo4j 5 database (files in $NEO4J_HOME/import):

  bin/neo4j-admin database import full neo4j --nodes=import/{NODES} --relationships=import/{RELATIONSHIPS} \\
      --array-delimiter={delim} --multiline-fields=true --legacy-style-quoting=false --overwrite-destination=true

(--overwrite-destination replaces whatever the database 'neo4j' held.) Then start Neo4j and try:  MATCH (a)-[:LINKED_WITH]->(b) RETURN a.label_zh, b.label_zh LIMIT 10
"""
