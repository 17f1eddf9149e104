"""`KnowledgeGraph`: the ontology, vocabularies and case data in one RDF dataset.

rdflib is the API; the store is Oxigraph (through oxrdflib) by default, or
rdflib's in-memory store with ``engine="rdflib"``. Case data sits in one named
graph per source document; queries see the union of all graphs.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import gc
import io
import itertools
import multiprocessing
import os
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable

import pyoxigraph as ox
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.query import Result

from lianjian.errors import DataError, UsageError, first_line
from lianjian.graph.formats import FORMATS, RDF, readable
from lianjian.graph.build import corpus_nquads
from lianjian.loaders.corpus import Corpus
from lianjian.loaders.linker import load_corpus
from lianjian.namespace import ONTOLOGY_GRAPH, PREFIXES, sparql_prologue
from lianjian.ontology import base_ntriples

__all__ = ["KnowledgeGraph", "ENGINES", "EXPORT_FORMATS"]

ENGINES = ("oxigraph", "rdflib")

#: RDF formats: name -> (rdflib format, pyoxigraph format, holds named graphs), from the format registry.
EXPORT_FORMATS = {f.name: (f.rdflib, f.oxigraph, f.quads) for f in FORMATS.values() if f.writer == RDF}


def ontology_nquads() -> str:
    g = _iri(ONTOLOGY_GRAPH)
    return "".join(line[:-2] + f" {g} .\n" for line in base_ntriples().splitlines(keepends=True) if line.strip())


def _iri(s: str) -> str:
    return f"<{s}>"


def extension_nquads(triples: list) -> str:
    g = _iri(ONTOLOGY_GRAPH)
    return "".join(f"{s.n3()} {p.n3()} {o.n3()} {g} .\n" for s, p, o in triples)


class _LinesReader(io.RawIOBase):
    """A binary stream of the UTF-8 text of an iterable of strings, read a megabyte at a time."""

    def __init__(self, lines: Iterable[str]):
        self._lines = iter(lines)
        self._buffer = b""

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:
        size = len(target)
        if len(self._buffer) < size:
            chunk, total = [], 0
            for line in self._lines:
                chunk.append(line)
                total += len(line)
                if total >= size:
                    break
            self._buffer += "".join(chunk).encode("utf-8")
        out, self._buffer = self._buffer[:size], self._buffer[size:]
        target[:len(out)] = out
        return len(out)


#: Corpora of at least this many entries have their N-Quads written by a forked process while the store loads them.
_FORK_ENTRIES = 5000


class _Forked:
    """N-Quads lines written by a forked child process into a pipe, read as a binary stream (a context manager).

    The child writes while the parent's store parses (both in parallel); leaving the block checks the child ended well.
    """

    def __init__(self, lines: Iterable[str]):
        read, write = os.pipe()
        self._process = multiprocessing.get_context("fork").Process(target=_write_lines, args=(lines, write, read), daemon=True)
        self._process.start()
        os.close(write)
        self._stream = os.fdopen(read, "rb", buffering=1 << 20)

    def __enter__(self):
        return self._stream

    def __exit__(self, kind, value, traceback) -> None:
        self._stream.close()  # a child still writing (the load failed) gets a broken pipe and stops
        self._process.join()
        if kind is None and self._process.exitcode != 0:
            raise RuntimeError(f"the process writing the N-Quads ended with exit code {self._process.exitcode}")


def _write_lines(lines: Iterable[str], write: int, read: int) -> None:
    os.close(read)
    with os.fdopen(write, "wb", buffering=0) as out:
        chunk, total = [], 0
        for line in lines:
            chunk.append(line)
            total += len(line)
            if total >= 1 << 18:
                out.write("".join(chunk).encode("utf-8"))
                chunk, total = [], 0
        out.write("".join(chunk).encode("utf-8"))


@contextlib.contextmanager
def _collector_paused():
    """Python's cycle collector off for the block: a build makes millions of objects and few cycles, and the
    collector's passes over them cost about a tenth of a large build (peak memory measured the same)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


class KnowledgeGraph:
    """The lianjian graph: an rdflib `Dataset` (union default graph) plus the corpus it was built from."""

    def __init__(self, dataset: Dataset, engine: str, corpus: Corpus | None = None, store: ox.Store | None = None,
                 sources: list[str] | None = None, files: list[str] | None = None):
        self.dataset = dataset
        self.engine = engine
        self.corpus = corpus
        self._ox = store
        self._projection = None
        #: Source document ids and case files the graph was built from.
        self.sources = sorted(corpus.sources) if corpus is not None else list(sources or [])
        self.files = list(corpus.files) if corpus is not None else list(files or [])

    # ------------------------------------------------------------------ building

    @classmethod
    def from_cases(cls, dirs: Iterable[str | Path] = (), bundled: bool = True, engine: str = "oxigraph",
                   offsets: bool = True, progress=None) -> "KnowledgeGraph":
        """Load and check case files, then build the graph (raises `CaseErrors` on bad input).

        `lianjian.cache.cached_graph` builds the same graph through the build cache.
        """
        with _collector_paused():
            corpus = load_corpus(dirs, bundled=bundled, progress=progress)
            if offsets:
                from lianjian.loaders.evidence import load_offsets

                corpus.offsets = load_offsets(list(dirs), bundled)
            return cls.from_corpus(corpus, engine)

    @classmethod
    def over_store(cls, store: ox.Store, sources: list[str], files: list[str]) -> "KnowledgeGraph":
        """A graph over an Oxigraph store already holding a corpus (the build cache opens its store so)."""
        from oxrdflib.store import OxigraphStore

        dataset = Dataset(store=OxigraphStore(store=store), default_union=True)
        for prefix, ns in PREFIXES.items():
            dataset.bind(prefix, ns, override=True, replace=True)
        return cls(dataset, "oxigraph", None, store, sources=sources, files=files)

    @classmethod
    def from_corpus(cls, corpus: Corpus, engine: str = "oxigraph") -> "KnowledgeGraph":
        """Build the graph of an already loaded corpus."""
        parts = [ontology_nquads(), extension_nquads(corpus.extension_triples)]
        if engine == "oxigraph":  # streamed: the whole text is never held (as str and bytes) beside the store
            lines = itertools.chain(parts, corpus_nquads(corpus))
            if len(corpus.entries) >= _FORK_ENTRIES and "fork" in multiprocessing.get_all_start_methods():
                return cls.from_nquads(_Forked(lines), engine, corpus)
            return cls.from_nquads(lines, engine, corpus)
        return cls.from_nquads("".join(parts) + "".join(corpus_nquads(corpus)), engine, corpus)

    @classmethod
    def from_nquads(cls, data: str | Iterable[str], engine: str = "oxigraph", corpus: Corpus | None = None) -> "KnowledgeGraph":
        """A graph holding the given N-Quads text (or the lines of it, in order)."""
        if engine not in ENGINES:
            raise UsageError(f"--engine: unknown engine {engine!r} (choose {' or '.join(ENGINES)})")
        if engine == "oxigraph":
            from oxrdflib.store import OxigraphStore

            store = ox.Store()
            if isinstance(data, _Forked):
                with data as stream:
                    store.bulk_load(stream, format=ox.RdfFormat.N_QUADS)
            else:
                stream = data.encode("utf-8") if isinstance(data, str) else io.BufferedReader(_LinesReader(data), 1 << 20)
                store.bulk_load(stream, format=ox.RdfFormat.N_QUADS)
            dataset = Dataset(store=OxigraphStore(store=store), default_union=True)
        else:
            data = data if isinstance(data, str) else "".join(data)
            store = None
            dataset = Dataset(default_union=True)
            dataset.parse(data=data, format="nquads")
        for prefix, ns in PREFIXES.items():
            dataset.bind(prefix, ns, override=True, replace=True)
        return cls(dataset, engine, corpus, store)

    @classmethod
    def from_file(cls, path: str | Path, engine: str = "oxigraph") -> "KnowledgeGraph":
        """Load a graph exported earlier (.trig, .nq, .ttl, .nt), parsed by pyoxigraph (several times faster than rdflib)."""
        p = Path(path)
        if not p.is_file():
            raise UsageError(f"{path}: no such file")
        fmt = readable(p)
        try:
            data = ox.serialize(ox.parse(path=str(p), format=fmt.oxigraph), format=ox.RdfFormat.N_QUADS)
        except (SyntaxError, ValueError, OSError) as exc:
            raise DataError(f"{path}: not valid {fmt.rdflib}: {first_line(exc)}") from None
        return cls.from_nquads(data.decode("utf-8"), engine)

    # ------------------------------------------------------------------ querying

    @property
    def store(self) -> ox.Store | None:
        """The pyoxigraph Store holding the graph on the Oxigraph engine (None on rdflib's)."""
        return self._ox

    def __len__(self) -> int:
        if self._ox is not None:
            return len(self._ox)
        return sum(1 for _ in self.dataset.quads((None, None, None, None)))

    #: Whether local queries may reach files or the network (SERVICE; FROM on rdflib, which loads what it names).
    allow_remote = False

    def check_local(self, text: str) -> None:
        """Refuse, in one line, a query that would make this local graph read files or the network."""
        from lianjian.remote import _TOKEN

        if self.allow_remote:
            return
        words = [m.group().upper() for m in _TOKEN.finditer(text) if m.lastgroup == "word"]
        if "SERVICE" in words:
            raise UsageError("SPARQL: SERVICE makes a local query call another server; refused "
                             "(give --allow-remote to allow it, or --endpoint URL to query that server)")
        if self.engine == "rdflib" and "FROM" in words:
            raise UsageError("SPARQL: FROM makes the rdflib engine load files or web pages; refused "
                             "(use GRAPH <…> { } for the graphs of this corpus, or give --allow-remote)")

    def query(self, text: str, bindings: dict[str, Any] | None = None) -> Result:
        """Run SPARQL with the project's prefixes; `bindings` maps variable names to RDF terms."""
        import rdflib.plugins.sparql as rdflib_sparql

        self.check_local(text)
        rdflib_sparql.SPARQL_LOAD_GRAPHS = bool(self.allow_remote)
        try:
            return self.dataset.query(sparql_prologue() + text, initBindings=bindings or {})
        except Exception as exc:  # both engines' parsers raise their own exception types
            raise UsageError(f"SPARQL error: {_query_error(exc)}") from None

    def select_rows(self, text: str, bindings: dict[str, Any] | None = None) -> tuple[list[str], list[list]]:
        """A SELECT query's variable names and rows of rdflib terms (None where unbound).

        On Oxigraph the rows are read straight from its solutions, converting each distinct term once.
        """
        self.check_local(text)
        if self._ox is None:
            result = self.query(text, bindings)
            return [str(v) for v in result.vars], [[row[v] for v in result.vars] for row in result]
        from_ox, to_ox = term_converters()
        terms: dict = {None: None}

        def term(value):
            if value not in terms:
                terms[value] = from_ox(value)
            return terms[value]

        try:
            try:
                solutions = self._ox.query(sparql_prologue() + text, use_default_graph_as_union=True,
                                           substitutions={ox.Variable(k): to_ox(v) for k, v in (bindings or {}).items()})
            except RuntimeError as exc:
                if not bindings or "in its SELECT projection" not in str(exc):
                    raise
                # Oxigraph substitutes only projected variables; the others are bound by a final VALUES clause.
                values = " ".join(f"?{k}" for k in bindings), " ".join(str(to_ox(v)) for v in bindings.values())
                solutions = self._ox.query(f"{sparql_prologue()}{text}\nVALUES ({values[0]}) {{ ({values[1]}) }}",
                                           use_default_graph_as_union=True)
            if isinstance(solutions, ox.QuerySolutions):
                return [v.value for v in solutions.variables], [[term(value) for value in row] for row in solutions]
        except Exception as exc:  # Oxigraph's parser and evaluator raise their own exception types
            raise UsageError(f"SPARQL error: {_query_error(exc)}") from None
        raise UsageError("SPARQL error: expected a SELECT query")

    def term(self, value: Any, name: str = "value"):
        """The RDF term a Python value binds as: an id, a prefixed name (id:…, mechanism:…) or an IRI of an
        entity the graph holds becomes that IRI (an unknown one is refused); other strings and numbers are
        literals, and rdflib terms stay as they are (pass ``Literal("pairing")`` to bind such text as text).

        >>> kg = KnowledgeGraph.from_cases()
        >>> kg.term("changning-district") == kg.term("id:changning-district")
        True
        >>> kg.term("长宁区")
        rdflib.term.Literal('长宁区')
        """
        from lianjian.namespace import ID, MECHANISM, is_slug

        if isinstance(value, (URIRef, Literal)) or not isinstance(value, str):
            return value if isinstance(value, (URIRef, Literal)) else Literal(value)
        text = value.strip()
        prefix, _, local = text.partition(":")
        if prefix in PREFIXES and local and not local.startswith("//"):
            iri = URIRef(str(PREFIXES[prefix]) + local)
        elif text.startswith(("http://", "https://", "urn:")):
            iri = URIRef(text)
        elif is_slug(text) or ("--" in text and is_slug(text.replace("--", "-"))):
            iri = next((ns[text] for ns in (ID, MECHANISM) if self.holds(ns[text])), ID[text])
        else:
            return Literal(value)
        if str(iri).startswith((str(ID), str(MECHANISM))) and not self.holds(iri):
            raise UsageError(f"{name}={value!r}: the graph has no entity with that id (bind text with rdflib.Literal)")
        return iri

    def holds(self, iri: URIRef) -> bool:
        """Whether the graph says anything about `iri` (any triple has it as its subject)."""
        return bool(self.select_rows("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1", {"s": iri})[1])

    def select(self, text: str, **bindings: Any) -> list[dict[str, Any]]:
        """Run a SELECT query and return rows as dicts of plain Python values (IRIs and text as str).

        Bindings are RDF terms, or values `term()` turns into terms: ``kg.select(q, org="changning-district")``
        binds the entity's IRI.

        >>> kg = KnowledgeGraph.from_cases()
        >>> kg.select("SELECT ?zh WHERE { id:changning-district rdfs:label ?zh FILTER(LANG(?zh) = 'zh-hans') }")
        [{'zh': '长宁区'}]
        """
        terms = {k: self.term(v, k) for k, v in bindings.items()}
        names, rows = self.select_rows(text, terms)
        return [{name: _python(t) for name, t in zip(names, row) if t is not None} for row in rows]

    def serialize(self, fmt: str = "ttl") -> bytes:
        """The whole graph in an RDF format (ttl, nt, nq, trig, jsonld); triples formats merge the named graphs."""
        if fmt not in EXPORT_FORMATS:
            raise UsageError(f"--format: unknown RDF format {fmt!r} (choose {', '.join(EXPORT_FORMATS)})")
        rdflib_fmt, ox_fmt, quads = EXPORT_FORMATS[fmt]
        if fmt in ("nt", "nq"):  # line formats: sorted, so that the same corpus always gives the same bytes
            return b"".join(sorted(self._serialize(fmt, rdflib_fmt, ox_fmt, quads).splitlines(keepends=True)))
        return self._serialize(fmt, rdflib_fmt, ox_fmt, quads)

    def _serialize(self, fmt: str, rdflib_fmt: str, ox_fmt, quads: bool) -> bytes:
        if self._ox is not None and ox_fmt is not None:
            prefixes = {p: str(ns) for p, ns in PREFIXES.items()} if fmt in ("ttl", "trig") else None
            if quads:
                return self._ox.dump(format=ox_fmt, prefixes=prefixes) if prefixes else self._ox.dump(format=ox_fmt)
            merged = ox.Store()
            merged.extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in self._ox)
            return merged.dump(format=ox_fmt, from_graph=ox.DefaultGraph(), **({"prefixes": prefixes} if prefixes else {}))
        if quads:
            return self.dataset.serialize(format=rdflib_fmt, encoding="utf-8")
        g = Graph()
        for prefix, ns in PREFIXES.items():
            g.bind(prefix, ns)
        for s, p, o, _ in self.dataset.quads((None, None, None, None)):
            g.add((s, p, o))
        return g.serialize(format=rdflib_fmt, encoding="utf-8")

    # ------------------------------------------------------------------ checking

    def validate(self):
        """Check the graph against the SHACL shapes; returns a `ValidationReport`."""
        from lianjian.graph.shacl import validate

        return validate(self)

    # ------------------------------------------------------------------ projections

    def to_networkx(self):
        """The whole property-graph projection, built once and cached: every entity, relationship, observation
        and mechanism as a node; a networkx DiGraph whose edge between two nodes carries the set of its types in
        ``__labels__`` (PARTICIPANT, HAS_MEMBER, LINKED_WITH …). For the organisations' tie network with one edge
        per relationship, use `ties()`."""
        if self._projection is None:
            from lianjian.graph.projection import to_networkx

            self._projection = to_networkx(self)
        return self._projection

    def ties(self):
        """The typed tie network (networkx MultiDiGraph): organisations and areas, one edge per relationship.

        Each edge has ``tie`` (joint-building or member), ``relationship``, ``kind``, ``mechanisms``,
        ``start_date``, ``end_date``, ``basis``, ``reason`` and ``evidence`` (a list of {"quote", "source"});
        see `lianjian.graph.analytics.ties.typed_ties`. `to_networkx()` is the whole projection.
        """
        from lianjian.graph.analytics.ties import typed_ties

        return typed_ties(self.to_networkx())
    def quads(self) -> Iterable[tuple]:
        """Every (subject, predicate, object, graph) as rdflib terms."""
        return self.dataset.quads((None, None, None, None))


def _query_error(exc: Exception) -> str:
    """One line: the engine's message, with line numbers counted in the user's query (without our prefixes)."""
    import re

    shift = sparql_prologue().count("\n")
    text = " ".join(str(exc).split())
    text = re.sub(r"\b(at |line:?\s*)(\d+)(?=[:,)])", lambda m: f"{m.group(1)}{max(1, int(m.group(2)) - shift)}", text)
    if "expected one of" in text:
        head, _, options = text.partition("expected one of")
        choices = [o.strip() for o in options.split(",") if o.strip()][:6]
        text = f"{head}expected one of {', '.join(choices)} …"
    return text[:300]


def _python(term: Any) -> Any:
    if isinstance(term, Literal):
        value = term.toPython()
        if isinstance(value, Decimal):
            return int(value) if value == value.to_integral_value() else float(value)
        if isinstance(value, (_dt.date, _dt.datetime)) or not isinstance(value, (int, float, bool, str)):
            return str(term)
        return value
    return str(term)


def term_converters():
    """oxrdflib's converters between pyoxigraph and rdflib terms: `(from_ox, to_ox)`.

    They live in a private module of oxrdflib; tests/test_architecture.py fails if upstream moves them.
    """
    from oxrdflib._converter import from_ox, to_ox

    return from_ox, to_ox
