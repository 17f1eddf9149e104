"""LadybugDB: the projection as a database on disk (schema, CSV load, files tied to their content), and running Cypher on it."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import shutil
import weakref
from dataclasses import dataclass, field
from pathlib import Path

from lianjian.errors import DataError, UsageError, first_line
from lianjian.queries.cypher.terms import terms_result, vocabulary_of
from lianjian.queries.cypher.text import LABEL_PREFIX, NODE_TABLE, PARAM_PREFIX, rename_parameters, result_columns, rewrite_labels
from lianjian.results import QueryResult

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

# CSV cell encoding for LadybugDB: NULL, and lists as marked elements joined by a separator.
_NULL, _SEP, _ITEM, _FIELD = "\x1d", "\x1f", "\x1e", "\x1c"
_STRUCT_LIST = re.compile(r"STRUCT\((.*)\)\[\]")
_CSV_OPTIONS = "header=true, parallel=false, quote='\"', escape='\"', delim=',', null_strings=['\x1d']"
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


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
    found = {lab for _, d in g.nodes(data=True) for lab in d.get("__labels__", ())} | vocabulary_of(kg)[0]
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


def jsonable(v):
    if isinstance(v, (set, frozenset)):
        return sorted(v)
    return v


def graph_digest(g, labels: list[str] = ()) -> str:
    """A digest of the projection's content (and the database layout), naming its LadybugDB database."""
    import ladybug

    h = hashlib.sha256(f"{SCHEMA_VERSION}\x1e{getattr(ladybug, '__version__', '')}\x1e".encode())
    h.update(json.dumps(sorted(labels)).encode())
    for n in sorted(g.nodes):
        h.update(json.dumps([n, g.nodes[n]], sort_keys=True, ensure_ascii=False, default=jsonable).encode("utf-8"))
    for a, b in sorted(g.edges):
        h.update(json.dumps([a, b, g.edges[a, b]], sort_keys=True, ensure_ascii=False, default=jsonable).encode("utf-8"))
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
        value = json.dumps(jsonable(value), ensure_ascii=False)
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
    # COPY needs a buffer pool several times the CSV it reads, plus a fixed part per column of the table
    # (LadybugDB issue #760); a pool that still proves too small is grown and the load started again.
    csv_bytes = sum(path.stat().st_size for path in folder.glob("*.csv"))
    pools = [_pool_size(16 * csv_bytes, 512)]
    while True:
        try:
            _copy_into(folder, statements + copies, pools[-1])
            break
        except RuntimeError as exc:
            if not _pool_full(exc) or pools[-1] >= _pool_ceiling():
                tried = ", ".join(f"{p >> 20:,} MB" for p in pools)
                raise DataError(f"LadybugDB could not load the projection (buffer pool tried: {tried}): {first_line(exc)}") from None
            pools.append(min(4 * pools[-1], _pool_ceiling()))
    for path in folder.glob("*.csv"):
        path.unlink()


def _copy_into(folder: Path, statements: list[str], pool: int) -> None:
    """Create the database in `folder` with a buffer pool of `pool` bytes and run `statements`; on failure
    the database files are removed (the CSVs stay) and the error is raised."""
    import ladybug

    db = ladybug.Database(str(folder / DB_FILE), buffer_pool_size=pool, max_num_threads=1)
    conn = ladybug.Connection(db)
    try:
        for stmt in statements:
            conn.execute(stmt)
    except RuntimeError:
        conn.close()
        db.close()
        for path in folder.iterdir():  # the folder is this load's own temporary one (`atomic_directory`)
            if path.suffix == ".csv":
                continue
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
        raise
    conn.close()
    db.close()


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


def _ladybug_connection(folder: Path, largest: bool = False):
    """The read-only connection to the database in `folder`, opened once; `largest` reopens it with the largest pool."""
    import ladybug

    key = str(folder.resolve())
    if largest and key in _OPEN and _OPEN[key][2] < _pool_ceiling():
        db, conn, _ = _OPEN.pop(key)
        conn.close()
        db.close()
    if key not in _OPEN:
        # Queries hold intermediate results in the pool too: 4× the database failed at 1M triples, 64× does not.
        size = sum(path.stat().st_size for path in folder.iterdir() if path.is_file())
        pool = _pool_ceiling() if largest else _pool_size(64 * size, 512)
        db = ladybug.Database(str(folder / DB_FILE), read_only=True, buffer_pool_size=pool, max_num_threads=1)
        _OPEN[key] = (db, ladybug.Connection(db), pool)
    return _OPEN[key][1]


def _pool_size(wanted: int, floor_mb: int) -> int:
    """A LadybugDB buffer pool of `wanted` bytes, at least `floor_mb` MB and at most 4 GB (or the ceiling)."""
    return min(max(wanted, floor_mb * 1024 * 1024), 4 * 1024**3, _pool_ceiling())


def _pool_full(exc: RuntimeError) -> bool:
    """Whether LadybugDB failed for want of buffer pool (a larger pool may succeed)."""
    return "buffer pool is full" in first_line(exc)


def _pool_ceiling() -> int:
    """The largest buffer pool a load grows to: LadybugDB's own default, 80% of the machine's memory."""
    return int(0.8 * os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))


def run_on_ladybug(kg, text: str, values: dict, cache_dir) -> QueryResult:
    g, _, schema = _prepared(kg)
    folder = ladybug_database(kg, cache_dir)
    conn = _ladybug_connection(folder)
    statement = rename_parameters(rewrite_labels(text, set(schema.labels)))
    bound = {PARAM_PREFIX + k: v for k, v in values.items()}
    try:
        try:
            result = conn.execute(statement, bound)
        except RuntimeError as exc:
            if not _pool_full(exc):
                raise
            conn = _ladybug_connection(folder, largest=True)  # once more, with the largest pool
            result = conn.execute(statement, bound)
    except RuntimeError as exc:
        message = first_line(exc)
        if message.startswith("Parser exception"):
            # Report the error in the text as written, not in its rewritten form.
            try:
                conn.execute(rename_parameters(text), bound)
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
    return terms_result(kg, g, names, props, rows)


