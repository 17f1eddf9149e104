"""Cypher over the property-graph projection, on LadybugDB (on disk) or grand-cypher (in memory).

Both engines read the one projection, `KnowledgeGraph.to_networkx()`. LadybugDB
gets it as a database loaded with ``COPY FROM`` CSV and cached on disk under a
digest of the projection's content; grand-cypher runs over the networkx graph
itself. Results come back as a `QueryResult` of RDF terms typed by the property
each column comes from, so that they render like SPARQL results and compare
with them (see ``docs/cypher.md``).
"""

from __future__ import annotations

import csv
import functools
import hashlib
import json
import re
import unicodedata
import weakref
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, RDFS, SKOS, XSD, Literal, URIRef

from lianjian.errors import DataError, UsageError, first_line
from lianjian.graph.analytics.ties import node_iri
from lianjian.namespace import LJ, RELATION, SECTOR, SOURCE
from lianjian.queries import CannedQuery, cypher_catalogue, get_query
from lianjian.results import QueryResult

__all__ = [
    "ENGINES", "NODE_TABLE", "LABEL_PREFIX", "SYMMETRIC", "run_cypher", "run_cypher_query", "cypher_command", "catalogue_result",
    "ladybug_database", "default_cache_dir", "graph_digest", "cypher_literal", "query_engines",
    "parameter_names", "result_columns",
]

ENGINES = ("ladybug", "grand-cypher")
#: The one LadybugDB node table; each label is a BOOLEAN column named LABEL_PREFIX + label.
NODE_TABLE = "Entity"
LABEL_PREFIX = "is_"
#: Bumped whenever the database layout changes, so that cached databases are rebuilt.
SCHEMA_VERSION = "4"
DB_FILE = "graph.lbug"
#: Relationship types stored once per pair in LadybugDB (from the smaller id): match them undirected.
SYMMETRIC = frozenset({"LINKED_WITH"})

# Columns every database has, whatever the corpus holds, so that queries bind on small corpora too.
# They mirror what lianjian/graph/projection.py writes.
_BASE_NODE_COLUMNS = {
    "class": "STRING", "label_zh": "STRING", "label_zh_hant": "STRING", "label_en": "STRING",
    "aliases": "STRING[]", "kind": "STRING", "sector": "STRING", "sectors": "STRING[]",
    "mechanisms": "STRING[]", "sources": "STRING[]", "quote": "STRING", "quotes": "STRING[]",
    "evidence": "STRUCT(quote STRING, source STRING)[]",
    "basis": "STRING", "basisReason": "STRING", "bound": "STRING", "rhetorical": "BOOLEAN", "asOf": "STRING",
}
_BASE_REL_COLUMNS = {
    "LINKED_WITH": {"relationships": "STRING[]", "kind": "STRING", "kinds": "STRING[]", "mechanisms": "STRING[]",
                    "sources": "STRING[]", "years": "STRING[]", "quote": "STRING"},
    "HOLDS_POST": {"title": "STRING"},
}

# How a column's values become RDF terms, by the property they come from (see docs/cypher.md).
_NODE_PROPS = {"id", "relationships", "mechanisms"}
_NAMESPACE_PROPS = {"sector": SECTOR, "sectors": SECTOR, "kind": RELATION, "kinds": RELATION, "source": SOURCE,
                    "sources": SOURCE, "quote_source": SOURCE, "class": LJ, "labels": LJ}
_LANG_PROPS = {"label_zh": "zh-hans", "definition_zh": "zh-hans", "label_zh_hant": "zh-hant",
               "label_en": "en", "definition_en": "en", "aliases": "zh"}
_DATE_PROPS = {"startDate", "endDate", "date", "asOf", "years", "created", "issued", "writtenIn"}
_DATE_TYPES = ((re.compile(r"-?\d{4}"), XSD.gYear), (re.compile(r"-?\d{4}-\d{2}"), XSD.gYearMonth),
               (re.compile(r"-?\d{4}-\d{2}-\d{2}"), XSD.date))

# CSV cell encoding for LadybugDB: NULL, and lists as marked elements joined by a separator.
_NULL, _SEP, _ITEM, _FIELD = "\x1d", "\x1f", "\x1e", "\x1c"
_STRUCT_LIST = re.compile(r"STRUCT\((.*)\)\[\]")
_CSV_OPTIONS = "header=true, parallel=false, quote='\"', escape='\"', delim=',', null_strings=['\x1d']"
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


# ---------------------------------------------------------------------------- query text

# String literals, backquoted names and comments: never rewritten, never searched for parameters.
_LEXEME = re.compile(r"""'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`[^`\n]*`|//[^\n]*|/\*.*?\*/""", re.S)
_PLACEHOLDER = re.compile(r"\x00(\d+)\x00")
_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_NODE_LABELS = re.compile(r"\(\s*([A-Za-z_]\w*)?\s*((?::\s*[A-Za-z_]\w*\s*)+)(\{\s*)?")
_VARIANT = re.compile(r"^[ \t]*//[ \t]*variant[ \t]*:[ \t]*(\S+)[ \t]*$", re.M)
_ENGINES_HEADER = re.compile(r"^[ \t]*//[ \t]*engines[ \t]*:[ \t]*(.+?)[ \t]*$", re.M)


def _mask(text: str) -> tuple[str, list[str]]:
    """The text with string literals, backquoted names and comments replaced by placeholders."""
    if "\x00" in text:
        raise UsageError("the Cypher text contains a NUL character")
    pieces: list[str] = []

    def keep(m: re.Match) -> str:
        pieces.append(m.group(0))
        return f"\x00{len(pieces) - 1}\x00"

    return _LEXEME.sub(keep, text), pieces


def _unmask(text: str, pieces: list[str]) -> str:
    return _PLACEHOLDER.sub(lambda m: pieces[int(m.group(1))], text)


def parameter_names(text: str) -> list[str]:
    """The ``$name`` parameters a Cypher text uses, in order of first use.

    >>> parameter_names("MATCH (a {id: $org}) WHERE a.label_zh <> '$not_me' RETURN a.id, $org")
    ['org']
    """
    masked, _ = _mask(text)
    return list(dict.fromkeys(_PARAM.findall(masked)))


def cypher_literal(value: str | int) -> str:
    """A grand-cypher literal that reads back as exactly `value` (a double-quoted string, or a number).

    >>> print(cypher_literal('say "hi" \\\\ ok'))
    "say \\"hi\\" \\\\ ok"
    >>> cypher_literal("line\\nbreak")
    Traceback (most recent call last):
    lianjian.errors.UsageError: a grand-cypher parameter value cannot hold control characters such as newlines: 'line\\nbreak'
    """
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    # grand-cypher's string token cannot span lines; it evaluates the token as a Python string literal.
    if any(unicodedata.category(c) == "Cc" for c in text):
        raise UsageError(f"a grand-cypher parameter value cannot hold control characters such as newlines: {text!r}")
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _substitute(text: str, values: dict[str, str | int]) -> str:
    """Replace each ``$name`` outside literals and comments by the literal of its value."""
    masked, pieces = _mask(text)
    return _unmask(_PARAM.sub(lambda m: cypher_literal(values[m.group(1)]), masked), pieces)


def _rewrite_labels(text: str, labels: set[str]) -> str:
    """LadybugDB form of node labels: ``(a:PartyOrganization)`` → ``(a:Entity {is_PartyOrganization: true})``.

    >>> _rewrite_labels("MATCH (a:Studio {id: 'x:y'})-[:LED_BY]->(:PartyOrganization) RETURN a", {"Studio", "PartyOrganization"})
    "MATCH (a:Entity {is_Studio: true, id: 'x:y'})-[:LED_BY]->(:Entity {is_PartyOrganization: true}) RETURN a"
    """
    masked, pieces = _mask(text)

    def rewrite(m: re.Match) -> str:
        var, names, brace = m.group(1) or "", re.findall(r"\w+", m.group(2)), m.group(3)
        if not all(n in labels for n in names):
            return m.group(0)
        flags = ", ".join(f"{LABEL_PREFIX}{n}: true" for n in dict.fromkeys(names))
        if brace is None:
            return f"({var}:{NODE_TABLE} {{{flags}}}"
        rest = masked[m.end():]
        return f"({var}:{NODE_TABLE} {{{flags}" + (" " if rest.startswith("}") else ", ")

    return _unmask(_NODE_LABELS.sub(rewrite, masked), pieces)


_PARAM_PREFIX = "p_"


def _rename_parameters(text: str) -> str:
    """``$case`` → ``$p_case``: LadybugDB cannot parse parameters named like keywords (case, order …)."""
    masked, pieces = _mask(text)
    return _unmask(_PARAM.sub(lambda m: "$" + _PARAM_PREFIX + m.group(1), masked), pieces)


def _top_level_split(text: str, sep: str = ",") -> list[str]:
    out, depth, start = [], 0, 0
    for i, c in enumerate(text):
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == sep and depth == 0:
            out.append(text[start:i])
            start = i + 1
    out.append(text[start:])
    return out


def _depth_zero(masked: str, pattern: re.Pattern) -> list[re.Match]:
    depths, depth = [], 0
    for c in masked:
        depths.append(depth)
        depth += (c in "([{") - (c in ")]}")
    return [m for m in pattern.finditer(masked) if depths[m.start()] == 0]


_CLAUSE = re.compile(r"\b(?:OPTIONAL\s+MATCH|MATCH|WHERE|UNWIND|WITH|RETURN|ORDER\s+BY|SKIP|LIMIT|UNION|CALL)\b|;", re.I)
_ALIAS = re.compile(r"^(.*?)\s+AS\s+([A-Za-z_]\w*|\x00\d+\x00)\s*$", re.I | re.S)
_COLUMN_HEADER = re.compile(r"^[ \t]*//[ \t]*column[ \t]*:[ \t]*(\w+)[ \t]*\((\w+)\)[ \t]*$", re.M)
# Functions whose value is (or holds) their first argument's values, so the column keeps its type.
_PASS_THROUGH = {"min", "max", "collect", "head", "last", "coalesce", "list_sort", "list_distinct", "list_reverse_sort"}


def _items(body: str) -> list[tuple[str, str]]:
    """(name, expression) of each comma-separated ``expr [AS name]`` item of a clause body (masked text)."""
    body = re.sub(r"^\s*DISTINCT\b", "", body, flags=re.I).strip()
    out = []
    for item in _top_level_split(body):
        item = " ".join(item.split())
        m = _ALIAS.match(item)
        out.append((m.group(2), m.group(1)) if m else (item, item))
    return out


def _call(expr: str) -> tuple[str, str] | None:
    """(function, argument text) when `expr` is one whole call ``f(...)``."""
    m = re.match(r"([A-Za-z_]\w*)\s*\(", expr)
    if not m or not expr.endswith(")"):
        return None
    depth = 0
    for i in range(m.end() - 1, len(expr)):
        depth += (expr[i] in "([{") - (expr[i] in ")]}")
        if depth == 0:
            return (m.group(1).lower(), expr[m.end():-1]) if i == len(expr) - 1 else None
    return None


def _source_property(expr: str, variables: dict[str, str | None]) -> str | None:
    """The projection property a (masked) expression's values come from, if it only passes them on.

    >>> _source_property("min(DISTINCT jb.startDate)", {})
    'startDate'
    >>> _source_property("list_sort(s)[1]", {"s": "sectors"}), _source_property("count(b)", {})
    ('sectors', None)
    """
    expr = expr.strip()
    while True:
        m = re.fullmatch(r"(.*\S)\s*\[[^\[\]]*\]", expr, re.S)
        if m:
            expr = m.group(1)
            continue
        call = _call(expr)
        if call is None:
            break
        fn, args = call
        if fn == "id":
            return "id"
        if fn not in _PASS_THROUGH:
            return None
        expr = re.sub(r"^\s*DISTINCT\b", "", _top_level_split(args)[0], flags=re.I).strip()
    m = re.fullmatch(r"[A-Za-z_]\w*\.([A-Za-z_]\w*)", expr)
    if m:
        return m.group(1)
    return variables.get(expr)


def result_columns(text: str) -> list[tuple[str, str | None]]:
    """(name, source property) of each column of the query's final RETURN; [] for ``RETURN *``.

    Variables bound by WITH and UNWIND carry the property they came from; ``// column: NAME (PROPERTY)``
    header lines set it for a column whose expression does not say.

    >>> result_columns("MATCH (a)-[r]-(b) UNWIND a.sectors AS s RETURN DISTINCT a.id AS a, s, COUNT(b) ORDER BY a")
    [('a', 'id'), ('s', 'sectors'), ('COUNT(b)', None)]
    """
    declared = dict(_COLUMN_HEADER.findall(text))
    masked, pieces = _mask(text)
    union = _depth_zero(masked, re.compile(r"\bUNION\b", re.I))
    first = masked[: union[0].start()] if union else masked
    clauses = _depth_zero(first, _CLAUSE)
    variables: dict[str, str | None] = {}
    columns = None
    for i, m in enumerate(clauses):
        keyword = m.group(0).split()[0].upper()
        body = first[m.end(): clauses[i + 1].start() if i + 1 < len(clauses) else len(first)]
        if keyword in ("WITH", "UNWIND", "RETURN"):
            items = [(name, _source_property(expr, variables)) for name, expr in _items(body)]
            if keyword == "RETURN":
                columns = [] if body.strip() == "*" else items
            else:
                variables.update(items)
    if not columns:
        return []
    return [(_unmask(name, pieces).strip("`"), declared.get(_unmask(name, pieces).strip("`"), prop)) for name, prop in columns]


# ---------------------------------------------------------------------------- result terms

def _date(text: str) -> Literal:
    for pattern, datatype in _DATE_TYPES:
        if pattern.fullmatch(text):
            return Literal(text, datatype=datatype)
    return Literal(text)


# Column types that name a class, sector or relation kind by id and show its label, which the
# projection does not carry: ``// column: kind_zh (kind_zh)``.
_LABEL_TYPES = {"class": (LJ, RDFS.label), "sector": (SECTOR, SKOS.prefLabel), "kind": (RELATION, SKOS.prefLabel)}
_LABEL_LANGS = {"zh": "zh-hans", "en": "en"}


def _label_decoder(prop: str | None):
    """(namespace, label predicate, language) when `prop` is a label type such as ``class_zh``."""
    if prop and "_" in prop:
        base, _, lang = prop.rpartition("_")
        if base in _LABEL_TYPES and lang in _LABEL_LANGS:
            return (*_LABEL_TYPES[base], _LABEL_LANGS[lang])
    return None


_VOCABULARIES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_OWL_CLASS = "http://www.w3.org/2002/07/owl#Class"


def _vocabulary(kg) -> tuple[set[str], dict]:
    """The project's class names, and the labels of classes and concepts by (IRI, predicate, language), from one scan."""
    if kg not in _VOCABULARIES:
        lj, rdf_type, subclass = str(LJ), str(RDF.type), str(RDFS.subClassOf)
        label_predicates = {URIRef(p) for _, p in _LABEL_TYPES.values()}
        classes, labels = set(), {}
        for s, p, o, _ in kg.quads():
            if p in label_predicates and isinstance(o, Literal) and o.language:
                labels.setdefault((str(s), str(p), o.language.lower()), Literal(str(o), lang=o.language.lower()))
            elif str(s).startswith(lj) and (p == subclass or (str(p) == rdf_type and str(o) == _OWL_CLASS)):
                classes.add(str(s)[len(lj):])
        _VOCABULARIES[kg] = (classes, labels)
    return _VOCABULARIES[kg]


def _concept_label(kg, iri: URIRef, predicate: URIRef, lang: str):
    """The label of a class or concept in one language, from the RDF graph (None when it has none)."""
    return _vocabulary(kg)[1].get((str(iri), str(predicate), lang))


def _result_term(kg, g, value, prop: str | None):
    """One result cell as an RDF term (or None)."""
    if value is None:
        return None
    if isinstance(value, dict):  # a whole node or relationship
        if "_SRC" in value or ("__labels__" in value and "id" not in value):
            label = value.get("_LABEL") or ",".join(sorted(value.get("__labels__", ())))
            return Literal(label)
        return node_iri(g, value.get("id"))
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value) if isinstance(value, (set, frozenset)) else list(value)
        return Literal(json.dumps(items, ensure_ascii=False, default=str))
    if isinstance(value, bool):
        return Literal(value)
    if isinstance(value, int):
        return Literal(value, datatype=XSD.integer)
    if isinstance(value, float):
        return Literal(int(value), datatype=XSD.integer) if value.is_integer() else Literal(value, datatype=XSD.double)
    text = str(value)
    if prop in _NODE_PROPS:
        return node_iri(g, text)
    if prop in _NAMESPACE_PROPS:
        return _NAMESPACE_PROPS[prop][text]
    if prop in _LANG_PROPS:
        return Literal(text, lang=_LANG_PROPS[prop])
    if prop in _DATE_PROPS:
        return _date(text)
    decoder = _label_decoder(prop)
    if decoder is not None:
        namespace, predicate, lang = decoder
        return _concept_label(kg, namespace[text], predicate, lang)
    return Literal(text)


def _result(kg, g, names: list[str], props: list[str | None], rows: list[list]) -> QueryResult:
    return QueryResult(names, [[_result_term(kg, g, v, p) for v, p in zip(row, props)] for row in rows])


# ---------------------------------------------------------------------------- LadybugDB

@dataclass
class _Schema:
    """The LadybugDB layout of one projection: node columns, label columns and relationship tables."""

    node_columns: dict[str, str]
    labels: list[str]
    rel_columns: dict[str, dict[str, str]] = field(default_factory=dict)


def _kind(v) -> str:
    if isinstance(v, (list, tuple, set, frozenset)):
        return "list"
    if isinstance(v, bool):
        return "bool"
    return "int" if isinstance(v, int) else "float" if isinstance(v, float) else "str"


def _ladybug_type(kinds: set[str]) -> str:
    if kinds == {"bool"}:
        return "BOOLEAN"
    if kinds == {"int"}:
        return "INT64"
    if kinds and kinds <= {"int", "float"}:
        return "DOUBLE"
    if kinds == {"list"}:
        return "STRING[]"
    return "STRING"


def _columns(records, base: dict[str, str]) -> dict[str, str]:
    kinds: dict[str, set[str]] = {}
    for attrs in records:
        for key, value in attrs.items():
            if key in ("__labels__", "id") or value is None:
                continue
            if not _IDENT.fullmatch(key):
                raise DataError(f"projection property {key!r} is not a valid column name")
            kinds.setdefault(key, set()).add(_kind(value))
    out = dict(base)
    for key in sorted(kinds):
        out[key] = _ladybug_type(kinds[key]) if key not in base else base[key]
    return out


def _classes(kg, g) -> list[str]:
    """Every label a node pattern may use: the ontology's classes and the labels the projection holds."""
    found = {lab for _, d in g.nodes(data=True) for lab in d.get("__labels__", ())} | _vocabulary(kg)[0]
    return sorted(c for c in found if _IDENT.fullmatch(c) and c != NODE_TABLE)


def _schema(kg, g) -> _Schema:
    from lianjian.graph.projection import EDGE_TYPES

    node_columns = _columns((d for _, d in g.nodes(data=True)), _BASE_NODE_COLUMNS)
    labels = _classes(kg, g)
    # Column names are case-insensitive in LadybugDB.
    taken = {c.lower() for c in node_columns} | {"id", "labels"}
    clash = [lab for lab in labels if (LABEL_PREFIX + lab).lower() in taken]
    if clash:
        raise DataError(f"label columns clash with projection properties: {', '.join(LABEL_PREFIX + c for c in clash)}")
    types = set(EDGE_TYPES.values()) | {"HOLDS_POST"} | {t for _, _, d in g.edges(data=True) for t in d["__labels__"]}
    rel_columns = {}
    for t in sorted(types):
        if not _IDENT.fullmatch(t):
            raise DataError(f"relationship type {t!r} is not a valid table name")
        edges = (d for _, _, d in g.edges(data=True) if t in d["__labels__"])
        rel_columns[t] = _columns(edges, _BASE_REL_COLUMNS.get(t, {}))
    return _Schema(node_columns, labels, rel_columns)


def _jsonable(v):
    if isinstance(v, (set, frozenset)):
        return sorted(v)
    return v


def graph_digest(g, labels: list[str] = ()) -> str:
    """A digest of the projection's content (and the database layout), naming its LadybugDB database."""
    import ladybug

    h = hashlib.sha256(f"{SCHEMA_VERSION}\x1e{getattr(ladybug, '__version__', '')}\x1e".encode())
    h.update(json.dumps(sorted(labels)).encode())
    for n in sorted(g.nodes):
        h.update(json.dumps([n, g.nodes[n]], sort_keys=True, ensure_ascii=False, default=_jsonable).encode("utf-8"))
    for a, b in sorted(g.edges):
        h.update(json.dumps([a, b, g.edges[a, b]], sort_keys=True, ensure_ascii=False, default=_jsonable).encode("utf-8"))
    return h.hexdigest()[:24]


def default_cache_dir() -> Path:
    """Where LadybugDB databases live unless the caller says: ``$XDG_CACHE_HOME/lianjian/ladybug``."""
    from lianjian.cache import default_cache_dir as cache_root

    return cache_root() / "ladybug"


def _cell(value, column_type: str) -> str:
    if value is None:
        return _NULL
    if column_type == "STRING[]":
        items = sorted(value) if isinstance(value, (set, frozenset)) else value
        return _SEP.join(_ITEM + _checked(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False)) for x in items)
    if _STRUCT_LIST.fullmatch(column_type):
        return _SEP.join(_FIELD.join(_ITEM + _checked(str(f)) for f in item) for item in value)
    if column_type == "BOOLEAN":
        return "true" if value else "false"
    if column_type in ("INT64", "DOUBLE"):
        return repr(value)
    if isinstance(value, (list, tuple, set, frozenset)):
        value = json.dumps(_jsonable(value), ensure_ascii=False)
    return _checked(str(value))


def _checked(text: str) -> str:
    if any(c in text for c in (_NULL, _SEP, _ITEM, _FIELD)):
        raise DataError(f"cannot load a value holding control characters U+001C-U+001F into LadybugDB: {text[:40]!r}")
    return text


def _load_expr(name: str, column_type: str) -> str:
    """The LOAD FROM expression that turns a CSV cell back into a value of `column_type`."""
    col = f"`{name}`"
    struct = _STRUCT_LIST.fullmatch(column_type)
    if column_type == "STRING[]":
        item = "substring(x, 2, size(x))"
    elif struct:
        fields = re.findall(r"(\w+) STRING", struct.group(1))
        # LadybugDB evaluates both CASE branches: the padding keeps every field index in range.
        pad = "'" + "\\u001c\\u001e" * len(fields) + "'"
        item = "{" + ", ".join(f"{f}: substring(string_split(concat(x, {pad}), '\\u001c')[{i}], 2, size(x))"
                               for i, f in enumerate(fields, 1)) + "}"
    else:
        return col if column_type == "STRING" else f"CAST({col} AS {column_type})"
    return (f"CASE WHEN {col} IS NULL THEN NULL WHEN {col} = '' THEN CAST([] AS {column_type}) "
            f"ELSE list_transform(string_split({col}, '\\u001f'), x -> {item}) END")


def _copy_statement(table: str, path: Path, columns: list[tuple[str, str]], keys: list[str]) -> str:
    """COPY from the CSV file through LOAD FROM, decoding list columns on the way."""
    header = ", ".join(f"`{n}` STRING" for n in [*keys, *(n for n, _ in columns)])
    values = ", ".join([f"`{k}`" for k in keys] + [_load_expr(n, t) for n, t in columns])
    return f"COPY `{table}` FROM (LOAD WITH HEADERS ({header}) FROM '{path.as_posix()}' ({_CSV_OPTIONS}) RETURN {values})"


def _write_csv(path: Path, header: list[str], rows) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def _fill_database(g, schema: _Schema, folder: Path) -> None:
    """Write the projection as CSV files into `folder`, COPY them into a new database there, remove the CSVs."""
    import ladybug

    if any(c in str(folder) for c in "'\\\n"):
        raise UsageError(f"--db-dir {folder}: the path must not contain quotes, backslashes or newlines")
    node_cols = list(schema.node_columns.items())
    statements = [
        f"CREATE NODE TABLE `{NODE_TABLE}`(id STRING PRIMARY KEY, labels STRING[], "
        + ", ".join([f"`{n}` {t}" for n, t in node_cols] + [f"`{LABEL_PREFIX}{lab}` BOOLEAN" for lab in schema.labels]) + ")"
    ]
    node_csv = folder / "nodes.csv"
    label_cols = [LABEL_PREFIX + lab for lab in schema.labels]
    _write_csv(node_csv, ["id", "labels", *schema.node_columns, *label_cols], (
        [_checked(n), _cell(sorted(d["__labels__"]), "STRING[]"), *(_cell(d.get(c), t) for c, t in node_cols),
         *("true" if lab in d["__labels__"] else "false" for lab in schema.labels)]
        for n, d in sorted(g.nodes(data=True))))
    copies = [_copy_statement(NODE_TABLE, node_csv, [("labels", "STRING[]"), *node_cols, *((c, "BOOLEAN") for c in label_cols)], ["id"])]
    for t, cols in schema.rel_columns.items():
        rel_cols = list(cols.items())
        statements.append(f"CREATE REL TABLE `{t}`(FROM `{NODE_TABLE}` TO `{NODE_TABLE}`"
                          + "".join(f", `{n}` {ty}" for n, ty in rel_cols) + ")")
        rows = [[a, b, *(_cell(d.get(c), ty) for c, ty in rel_cols)]
                for a, b, d in sorted(g.edges(data=True), key=lambda e: e[:2])
                if t in d["__labels__"] and not (t in SYMMETRIC and g.has_edge(b, a) and b < a)]
        if rows:
            rel_csv = folder / f"rel-{t}.csv"
            _write_csv(rel_csv, ["from", "to", *cols], rows)
            copies.append(_copy_statement(t, rel_csv, rel_cols, ["from", "to"]))
    # COPY needs a buffer pool several times the CSV it reads; a fixed small pool fails on big projections.
    csv_bytes = sum(path.stat().st_size for path in folder.glob("*.csv"))
    db = ladybug.Database(str(folder / DB_FILE), buffer_pool_size=_pool_size(16 * csv_bytes, 512), max_num_threads=1)
    conn = ladybug.Connection(db)
    try:
        for stmt in statements:
            conn.execute(stmt)
        for stmt in copies:
            conn.execute(stmt)
    except RuntimeError as exc:
        raise DataError(f"LadybugDB could not load the projection: {first_line(exc)}") from None
    finally:
        conn.close()
        db.close()
    for path in folder.glob("*.csv"):
        path.unlink()


# One digest and schema per projection object; one open read-only database per folder.
_DIGESTS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_OPEN: dict[str, tuple] = {}


def _prepared(kg):
    g = kg.to_networkx()
    if g not in _DIGESTS:
        schema = _schema(kg, g)
        _DIGESTS[g] = (graph_digest(g, schema.labels), schema)
    return g, *_DIGESTS[g]


def ladybug_database(kg, cache_dir: str | Path | None = None) -> Path:
    """The folder of the LadybugDB database of `kg`'s projection, built only if no folder holds this content yet.

    Folders are named by `graph_digest` under `cache_dir` (default `default_cache_dir()`).
    """
    from lianjian.io import atomic_directory

    g, digest, schema = _prepared(kg)
    root = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"--db-dir {root}: cannot create the folder: {exc.strerror}") from None
    if not root.is_dir():
        raise UsageError(f"--db-dir {root}: exists and is not a folder")
    target = root / digest
    if not _intact(target, digest):
        _OPEN.pop(str(target.resolve()), None)

        def fill(tmp: Path) -> None:
            _fill_database(g, schema, tmp)
            _stamp(tmp, digest)

        atomic_directory(target, fill, option="--db-dir")
    return target


#: The file beside a LadybugDB database naming its projection digest and each file's size and SHA-256.
STAMP_FILE = "lianjian-db.json"


def _database_files(folder: Path) -> dict:
    return {p.name: [p.stat().st_size, hashlib.sha256(p.read_bytes()).hexdigest()]
            for p in sorted(folder.iterdir()) if p.is_file() and p.name != STAMP_FILE}


def _stamp(folder: Path, digest: str) -> None:
    """Record what the freshly built database in `folder` is, so that a damaged or swapped one is noticed."""
    from lianjian.cache import dump_entry

    (folder / STAMP_FILE).write_bytes(dump_entry("ladybug:" + digest, _database_files(folder)))


def _intact(folder: Path, digest: str) -> bool:
    """Whether `folder` holds the database built for `digest`, every file as it was written (checked once per process)."""
    from lianjian.cache import load_entry

    if str(folder.resolve()) in _OPEN:
        return True
    try:
        if not (folder / DB_FILE).is_file() or folder.is_symlink():
            return False
        recorded = load_entry((folder / STAMP_FILE).read_bytes(), "ladybug:" + digest)
        return recorded == _database_files(folder)
    except (OSError, ValueError, TypeError, UnicodeDecodeError):
        return False


def _ladybug_connection(folder: Path):
    import ladybug

    key = str(folder.resolve())
    if key not in _OPEN:
        # Queries hold intermediate results in the pool too: 4× the database failed at 1M triples, 64× does not.
        size = sum(path.stat().st_size for path in folder.iterdir() if path.is_file())
        db = ladybug.Database(str(folder / DB_FILE), read_only=True, buffer_pool_size=_pool_size(64 * size, 512), max_num_threads=1)
        _OPEN[key] = (db, ladybug.Connection(db))
    return _OPEN[key][1]


def _pool_size(wanted: int, floor_mb: int) -> int:
    """A LadybugDB buffer pool of `wanted` bytes, at least `floor_mb` MB and at most 4 GB."""
    return min(max(wanted, floor_mb * 1024 * 1024), 4 * 1024**3)


def _run_ladybug(kg, text: str, values: dict, cache_dir) -> QueryResult:
    g, _, schema = _prepared(kg)
    conn = _ladybug_connection(ladybug_database(kg, cache_dir))
    try:
        result = conn.execute(_rename_parameters(_rewrite_labels(text, set(schema.labels))),
                              {_PARAM_PREFIX + k: v for k, v in values.items()})
    except RuntimeError as exc:
        message = first_line(exc)
        if message.startswith("Parser exception"):
            # Report the error in the text as written, not in its rewritten form.
            try:
                conn.execute(_rename_parameters(text), {_PARAM_PREFIX + k: v for k, v in values.items()})
            except RuntimeError as original:
                if first_line(original).startswith("Parser exception"):
                    message = first_line(original)
            raise UsageError(f"Cypher syntax error (ladybug): {message}") from None
        raise UsageError(f"Cypher error (ladybug): {message}") from None
    if isinstance(result, list):
        raise UsageError("Cypher error (ladybug): give one statement, not several")
    names, rows = result.get_column_names(), result.get_all()
    columns = result_columns(text)
    if len(columns) == len(names):
        names, props = [n for n, _ in columns], [p for _, p in columns]
    else:
        props = [None] * len(names)
    return _result(kg, g, names, props, rows)


# ---------------------------------------------------------------------------- grand-cypher

def _normal(text: str) -> str:
    return re.sub(r"\s+", "", str(text)).lower()


@functools.lru_cache(maxsize=1)
def _transformer_class():
    """grand-cypher's query transformer with Cypher's null rule: a comparison with a missing value is not true."""
    import grandcypher

    def null_aware(op: str):
        base = grandcypher._OPERATORS[op]
        return grandcypher.LambdaCompareCondition(
            lambda x, y: None if x is None or y is None else base(x, y), base._operator)

    ops = {"op_eq": "==", "op_neq": "<>", "op_gt": ">", "op_lt": "<", "op_gte": ">=", "op_lte": "<="}
    methods = {name: (lambda op: lambda self, _: null_aware(op))(op) for name, op in ops.items()}
    return type("NullAwareTransformer", (grandcypher.GrandCypherTransformer,), methods)


_UNION = re.compile(r"\bUNION(\s+ALL)?\b", re.I)


def _grand_cypher_part(g, query: str) -> tuple[list[str], list[str | None], list[list]]:
    """Run one query (no UNION) on grand-cypher: column names, source properties and rows."""
    from grandcypher import GrandCypher
    from lark.exceptions import UnexpectedInput

    engine = GrandCypher(g)
    engine._transformer = _transformer_class()(g, None)
    try:
        found = engine.run(query)
    except UnexpectedInput as exc:
        raise UsageError(f"Cypher syntax error (grand-cypher): {first_line(exc)}") from None
    except Exception as exc:  # grand-cypher raises many types for queries it cannot run
        raise UsageError(f"Cypher error (grand-cypher): {type(exc).__name__}: {first_line(exc)}") from None
    keys = {_normal(k): k for k in found}
    columns = result_columns(query)
    if columns and all(_normal(n) in keys for n, _ in columns):
        order = [keys[_normal(n)] for n, _ in columns]
        names, props = [n for n, _ in columns], [p for _, p in columns]
    else:
        order = list(found)
        names = [str(k) for k in order]
        props = [_source_property(n, {}) for n in names]
    return names, props, [list(r) for r in zip(*(found[k] for k in order))]


def _run_grand_cypher(kg, text: str, values: dict) -> QueryResult:
    """Run on grand-cypher; lianjian adds UNION [ALL] by running each part and joining the rows."""
    g = kg.to_networkx()
    query = _substitute(text, values)
    masked, pieces = _mask(query)
    unions = _depth_zero(masked, _UNION)
    bounds = [0, *(x for m in unions for x in (m.start(), m.end())), len(masked)]
    parts = [_unmask(masked[a:b], pieces) for a, b in zip(bounds[::2], bounds[1::2])]
    names, props, rows = _grand_cypher_part(g, parts[0])
    for part in parts[1:]:
        more_names, _, more = _grand_cypher_part(g, part)
        if more_names != names:
            raise UsageError(f"Cypher error (grand-cypher): the parts of a UNION return different columns "
                             f"({', '.join(names)} / {', '.join(more_names)})")
        rows += more
    if any(m.group(1) is None for m in unions):
        seen, unique = set(), []
        for row in rows:
            key = json.dumps(row, sort_keys=True, default=_jsonable, ensure_ascii=False)
            if key not in seen:
                seen.add(key)
                unique.append(row)
        rows = unique
    return _result(kg, g, names, props, rows)


# ---------------------------------------------------------------------------- entry points

def _check_engine(engine: str) -> None:
    if engine not in ENGINES:
        raise UsageError(f"--engine: unknown Cypher engine {engine!r} (choose {' or '.join(ENGINES)})")


def _run(kg, text: str, values: dict, engine: str, cache_dir) -> QueryResult:
    if engine == "ladybug":
        return _run_ladybug(kg, text, values, cache_dir)
    return _run_grand_cypher(kg, text, values)


def run_cypher(kg, text: str, params: dict[str, str] | None = None, engine: str = "ladybug", *,
               cache_dir: str | Path | None = None) -> QueryResult:
    """Run Cypher over `kg`'s projection; ``$name`` parameters take their values from `params` (strings).

    >>> from lianjian.graph import KnowledgeGraph
    >>> kg = KnowledgeGraph.from_cases()
    >>> run_cypher(kg, "MATCH (a:District {id: $d}) RETURN a.label_zh", {"d": "changning-district"}, "grand-cypher").rows
    [[rdflib.term.Literal('长宁区', lang='zh-hans')]]
    """
    _check_engine(engine)
    params = dict(params or {})
    used = parameter_names(text)
    for key in params:
        if key not in used:
            raise UsageError(f"--param {key}: the query has no parameter ${key}")
    for name in used:
        if name not in params:
            raise UsageError(f"--param {name}: the query uses ${name}; give --param {name}=VALUE")
    return _run(kg, text, {k: str(v) for k, v in params.items()}, engine, cache_dir)


def query_engines(q: CannedQuery) -> tuple[str, ...]:
    """The engines a canned Cypher query runs on (its ``// engines:`` header; both when absent)."""
    m = _ENGINES_HEADER.search(q.text)
    return tuple(e.strip() for e in m.group(1).split(",")) if m else ENGINES


def _engine_text(q: CannedQuery, engine: str) -> str:
    """The query's text for `engine`: its ``// variant: ENGINE`` section (after the ``// column:`` lines) or the main text."""
    parts = _VARIANT.split(q.text)
    variants = dict(zip(parts[1::2], parts[2::2]))
    if engine not in variants:
        return parts[0]
    header = "".join(line for line in parts[0].splitlines(keepends=True) if _COLUMN_HEADER.match(line))
    return header + variants[engine]


def _param_value(p, term):
    if p.type == "integer":
        return int(term)
    if p.type in ("entity", "mechanism", "sector", "relation", "source"):
        return str(term).rsplit("/", 1)[-1]
    return str(term)


def run_cypher_query(kg, name: str, params: dict[str, str] | None = None, engine: str = "ladybug", *,
                     cache_dir: str | Path | None = None) -> QueryResult:
    """Run a canned Cypher query (a twin of a SPARQL query) by name, with typed parameters and their defaults."""
    _check_engine(engine)
    q = get_query(name, "cypher")
    if engine not in query_engines(q):
        raise UsageError(f"query '{name}' does not run on {engine} (it runs on {', '.join(query_engines(q))}); "
                         f"see docs/cypher.md")
    from lianjian.queries.names import resolve_entity_params

    terms = q.bindings(resolve_entity_params(kg, q, params))
    text = _engine_text(q, engine)
    used = set(parameter_names(text))
    known = {p.name: p for p in q.parameters}
    values = {k: _param_value(known[k], t) for k, t in terms.items() if k in used}
    missing = used - set(values)
    if missing:
        raise DataError(f"query '{name}' uses undeclared parameters: {', '.join(sorted(missing))}")
    return _run(kg, text, values, engine, cache_dir)


def catalogue_result() -> QueryResult:
    """The canned Cypher queries as a table: name, titles, the SPARQL twin, engines and parameters."""
    rows = []
    for q in cypher_catalogue().values():
        ps = ", ".join(f"{p.name}={p.default}" for p in q.parameters)
        rows.append([Literal(q.name), Literal(q.title_zh, lang="zh-hans"), Literal(q.title_en, lang="en"),
                     Literal(q.twin or ""), Literal(", ".join(query_engines(q))), Literal(ps)])
    return QueryResult(["name", "title_zh", "title_en", "twin", "engines", "parameters"], rows)


def cypher_command(text: str | None = None, query: str | None = None, params: dict[str, str] | None = None, *,
                   list_queries: bool = False, cases=(), bundled: bool = True, engine: str = "ladybug",
                   cache_dir: str | Path | None = None) -> QueryResult:
    """What ``lianjian cypher`` does: list the canned queries, run one by name, or run Cypher text."""
    from lianjian.graph import KnowledgeGraph

    _check_engine(engine)
    if sum((text is not None, query is not None, list_queries)) != 1:
        raise UsageError("give the Cypher TEXT, --query NAME or --list (one of them)")
    if list_queries:
        return catalogue_result()
    kg = KnowledgeGraph.from_cases(cases, bundled=bundled)
    if query is not None:
        return run_cypher_query(kg, query, params, engine, cache_dir=cache_dir)
    return run_cypher(kg, text, params, engine, cache_dir=cache_dir)
