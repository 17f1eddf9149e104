"""One function per command: each takes plain arguments and returns data, for the CLI and for notebooks."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from lianjian.errors import UsageError
from lianjian.graph import KnowledgeGraph
from lianjian.graph import formats
from lianjian.io import atomic_write, check_output_path

__all__ = ["build", "validate", "stats", "export", "verify", "query", "sparql", "viz", "analyze", "path", "push", "synth", "demo", "cite", "explorer", "queries", "cypher",
           "suggest", "new_case", "diff", "diff_text", "BUILD_FORMATS", "EXPORT_FORMATS"]

#: Output file extension → export format.
#: What `build -o` can write (RDF) and what `export --format` can (RDF, the projection, Neo4j), from the registry.
BUILD_FORMATS = formats.names(formats.RDF)
EXPORT_FORMATS = formats.names()
#: The canned queries `demo` runs.
DEMO_QUERIES = ("cross-sector-links", "mechanisms-shared-across-cases")


def build(cases: Iterable[str] = (), bundled: bool = True, output: str | None = None, engine: str = "oxigraph",
          fmt: str | None = None, cache_dir: str | None = None, progress=None) -> dict:
    """Build the graph from case files and write it to `output` (format from the extension unless given).

    With `cache_dir`, unchanged case files are not checked again and only changed documents are rebuilt.
    """
    if output is not None:
        check_output_path(output)
        if fmt is None:
            found = formats.by_suffix(output)
            if found is None:
                suffixes = [s for f in formats.FORMATS.values() if f.writer == formats.RDF for s in f.suffixes]
                raise UsageError(f"-o {output}: unknown extension; use one of {', '.join(suffixes)}")
            fmt = found.name
    if cache_dir is not None and engine == "oxigraph":
        from lianjian.cache import cached_graph

        kg = cached_graph(list(cases), bundled=bundled, cache_dir=cache_dir, progress=progress)
    else:
        kg = KnowledgeGraph.from_cases(cases, bundled=bundled, engine=engine, progress=progress)
    if output is not None:
        atomic_write(output, kg.serialize(fmt))
    return {"triples": len(kg), "sources": kg.sources, "files": kg.files, "output": output, "format": fmt}


def validate(cases: Iterable[str] = (), bundled: bool = True, shacl: bool = True, engine: str = "oxigraph",
             rules: bool = True, shacl_engine: str = "sparql") -> dict:
    """Check case files (raises `CaseErrors`), the built graph against the SHACL shapes, and the validation rules
    (`lianjian/ontology/rules/*.rq`): "findings" lists each place that breaks a rule, located in its case file.
    `shacl_engine` is "sparql" (the shapes compiled to SPARQL on the store) or "pyshacl" (the slower reference)."""
    from lianjian.graph.shacl import validate as check_shapes
    from lianjian.queries.rules import check_rules

    kg = KnowledgeGraph.from_cases(cases, bundled=bundled, engine=engine)
    corpus = kg.corpus
    report = check_shapes(kg, shacl_engine) if shacl else None
    findings = [f.as_dict() for f in check_rules(kg)] if rules else []
    return {
        "files": corpus.files,
        "sources": len(corpus.sources),
        "entries": len(corpus.entries),
        "references": len(corpus.references),
        "triples": len(kg),
        "shacl": None if report is None else {"conforms": report.conforms, "violations": [str(v) for v in report.violations]},
        "findings": findings,
    }


def stats(cases: Iterable[str] = (), bundled: bool = True, engine: str = "oxigraph") -> dict:
    """Counts of what the graph holds: per class, per source document, per sector, mechanisms."""
    from lianjian.queries.stats import graph_stats

    return graph_stats(KnowledgeGraph.from_cases(cases, bundled=bundled, engine=engine))


def export(fmt: str, output: str, cases: Iterable[str] = (), bundled: bool = True, engine: str = "oxigraph",
           what: str = "ties") -> dict:
    """Write the graph as RDF (ttl, nt, nq, trig, jsonld), its projection (graphml, gexf) or Neo4j import files (a folder).

    For graphml and gexf, `what` is "ties" (organisations and areas, one edge per relationship) or "all".
    """
    writer = formats.get(fmt).writer
    if writer == formats.FOLDER:
        from lianjian.graph.neo4j import check_directory, export_neo4j

        check_directory(output)
        kg = KnowledgeGraph.from_cases(cases, bundled=bundled, engine=engine)
        return {**export_neo4j(kg, output), "output": output, "format": fmt, "triples": len(kg)}
    check_output_path(output)
    kg = KnowledgeGraph.from_cases(cases, bundled=bundled, engine=engine)
    if writer == formats.PROJECTION:
        from lianjian.graph.exchange import projection_bytes

        atomic_write(output, projection_bytes(kg.to_networkx(), fmt, what))
    else:
        atomic_write(output, kg.serialize(fmt))
    return {"output": output, "format": fmt, "triples": len(kg)}


def verify(sources, cases: Iterable[str] = (), bundled: bool = True, record: bool = False):
    """Find every evidence quote in its source document; optionally record the offsets beside the cases."""
    from lianjian.loaders.linker import load_corpus
    from lianjian.loaders.evidence import record_offsets, verify as verify_quotes

    corpus = load_corpus(cases, bundled=bundled)
    report = verify_quotes(corpus, sources)
    if record:
        report.recorded = [str(p) for p in record_offsets(report, corpus)]  # type: ignore[attr-defined]
    return report


def query(name: str, params: dict[str, str] | None = None, cases: Iterable[str] = (), bundled: bool = True,
          engine: str = "oxigraph", endpoint: str | None = None):
    """Run a canned SPARQL query by name, locally or on a remote endpoint; returns a `QueryResult`."""
    from lianjian.queries import get_query
    from lianjian.queries.run import run_sparql

    q = get_query(name, "sparql")
    bindings = q.bindings(params or {})
    if endpoint:
        from lianjian.remote import remote_select

        return remote_select(endpoint, q.text, bindings)
    return run_sparql(KnowledgeGraph.from_cases(cases, bundled=bundled, engine=engine), name, params)


def sparql(text: str, cases: Iterable[str] = (), bundled: bool = True, engine: str = "oxigraph", endpoint: str | None = None,
           allow_remote: bool = False):
    """Run any SPARQL query text, locally or on a remote endpoint; returns a `QueryResult`.

    A local query may not reach files or the network (SERVICE, FROM on rdflib) unless `allow_remote`."""
    from lianjian.queries.run import run_sparql_text

    if endpoint:
        from lianjian.remote import remote_select

        return remote_select(endpoint, text, {})
    return run_sparql_text(KnowledgeGraph.from_cases(cases, bundled=bundled, engine=engine), text, allow_remote=allow_remote)


def viz(output: str, cases: Iterable[str] = (), bundled: bool = True, engine: str = "oxigraph", lang: str = "zh",
        fmt: str = "html", case_filter: Iterable[str] = (), sectors: Iterable[str] = (), mechanisms: Iterable[str] = (),
        around: str | None = None, hops: int = 1, size_by: str = "degree") -> dict:
    """Write the interactive network page (or a PNG/SVG figure) of the graph, filtered as asked."""
    from lianjian.graph.viz import write_html

    kg = KnowledgeGraph.from_cases(cases, bundled=bundled, engine=engine)
    return write_html(kg, output, lang=lang, fmt=fmt, size_by=size_by, cases=tuple(case_filter), sectors=tuple(sectors),
                      mechanisms=tuple(mechanisms), around=around, hops=hops)


def analyze(name: str, cases: Iterable[str] = (), bundled: bool = True, engine: str = "oxigraph", **options):
    """Build the graph and run the network analysis `name` (see `lianjian.graph.analytics.ANALYSES`)."""
    from lianjian.graph.analytics import ANALYSES, analyze as run_analysis

    if name not in ANALYSES:
        run_analysis(None, name)  # raises the UsageError naming the analyses
    options = {k: v for k, v in options.items() if v is not None}
    return run_analysis(KnowledgeGraph.from_cases(cases, bundled=bundled, engine=engine), name, **options)


def path(a: str, b: str, cases: Iterable[str] = (), bundled: bool = True, engine: str = "oxigraph"):
    """Build the graph and find the shortest chain of relationships between entities `a` and `b` (ids, or names in
    Simplified or Traditional Chinese or aliases)."""
    from lianjian.graph.analytics import shortest_path
    from lianjian.queries.names import looks_like_a_name, resolve_name

    kg = KnowledgeGraph.from_cases(cases, bundled=bundled, engine=engine)
    g = kg.to_networkx()
    a, b = (resolve_name(kg, n, which) if n not in g and looks_like_a_name(n) else n for n, which in ((a, "A"), (b, "B")))
    return shortest_path(g, a, b)


def push(endpoint: str | None = None, graph: str | None = None, cases: Iterable[str] = (), bundled: bool = True,
         engine: str = "oxigraph", timeout: float = 30.0, cypher: str | None = None) -> dict:
    """Build the graph and upload it: to a SPARQL 1.1 Graph Store (`endpoint`), one named graph per source
    (HTTP PUT), or its property graph to a FalkorDB server (`cypher`, redis://HOST:PORT/GRAPH), replacing that graph."""
    from lianjian.remote import _IRI, _check_url, check_timeout, push as push_graph

    if (endpoint is None) == (cypher is None):
        raise UsageError("give --endpoint URL (a SPARQL Graph Store) or --cypher URL (a FalkorDB server), one of them")
    if cypher is not None:
        from lianjian.queries.cypher.falkor import parse_url, push_falkordb

        if graph is not None:
            raise UsageError("--graph goes with --endpoint only; --cypher names its graph in the URL (redis://HOST:PORT/GRAPH)")
        parse_url(cypher)
        check_timeout(timeout)
        return push_falkordb(KnowledgeGraph.from_cases(cases, bundled=bundled, engine=engine), cypher, timeout=timeout)
    url = _check_url(endpoint, "--endpoint")
    if graph is not None and not _IRI.fullmatch(graph):
        raise UsageError(f"--graph {graph}: not an absolute IRI")
    return push_graph(KnowledgeGraph.from_cases(cases, bundled=bundled, engine=engine), url, graph=graph, timeout=timeout)


def synth(output: str, cases: int, seed: int = 0, progress=None, force: bool = False) -> dict:
    """Write a synthetic corpus of `cases` case files to the folder `output` (new or empty, or any with `force`)."""
    from lianjian.synth import write_synth

    return write_synth(output, cases, seed, progress=progress, force=force)


def demo(output: str = "lianjian-network.html", engine: str = "oxigraph") -> dict:
    """Build the bundled corpus, count what it holds, run two canned queries and write the network page."""
    from lianjian.queries.stats import graph_stats
    from lianjian.graph.viz import write_html
    from lianjian.queries.run import run_sparql

    check_output_path(output)
    kg = KnowledgeGraph.from_cases(engine=engine)
    summary = graph_stats(kg)
    queries = {}
    for name in DEMO_QUERIES:
        queries[name] = run_sparql(kg, name)
    page = write_html(kg, output)
    return {"stats": summary, "queries": queries, "html": page}


def cite(target: str | None = None, fmt: str = "bibtex", cases: Iterable[str] = (), bundled: bool = True,
         engine: str = "oxigraph") -> dict:
    """Citations: every source as BibTeX or CSL-JSON, or, given an id or part of a quote, that statement's sources.

    Returns {"format", "records", "text"} for the sources, or {"target", "citations"} for one statement.
    """
    from lianjian.cite import CITE_FORMATS, source_records, statement_citations, to_bibtex, to_csl_json

    if fmt not in CITE_FORMATS:
        raise UsageError(f"--format: unknown citation format {fmt!r} (choose {', '.join(CITE_FORMATS)})")
    kg = KnowledgeGraph.from_cases(cases, bundled=bundled, engine=engine)
    if target is not None:
        return {"target": target, "citations": statement_citations(kg, target)}
    records = source_records(kg.corpus)
    if fmt == "bibtex":
        return {"format": fmt, "records": records, "text": to_bibtex(records)}
    import json

    return {"format": fmt, "records": records, "text": json.dumps(to_csl_json(records), ensure_ascii=False, indent=1) + "\n"}


def explorer(cases: Iterable[str] = (), bundled: bool = True, sources: Iterable[str] = (), engine: str = "oxigraph",
             query_seconds: float = 10.0):
    """The explorer web app (a Starlette ASGI app) over the graph of the given cases; `lianjian serve` runs it."""
    from lianjian.serve.app import create_app

    folders = [str(s) for s in sources]
    for folder in folders:
        if not Path(folder).is_dir():
            raise UsageError(f"--sources {folder}: no such folder")
    kg = KnowledgeGraph.from_cases(cases, bundled=bundled, engine=engine)
    return create_app(kg, folders, query_seconds=query_seconds)


def queries() -> list[dict]:
    """The canned SPARQL queries: name, title, description and parameters of each (`lianjian query --list`)."""
    from lianjian.queries import sparql_catalogue

    return [q.describe() for q in sparql_catalogue().values()]


def cypher(text: str | None = None, query: str | None = None, params: dict[str, str] | None = None, *,
           list_queries: bool = False, cases: Iterable[str] = (), bundled: bool = True, engine: str = "ladybug",
           cache_dir: str | None = None, server: str | None = None):
    """Run Cypher over the property graph: `text`, a canned twin by name (`query`), or list the twins.

    With `server` (redis://HOST:PORT/GRAPH, filled by ``push --cypher``), the query runs on that FalkorDB graph."""
    from lianjian.queries.cypher import cypher_command

    if server is not None:
        from lianjian.queries.cypher.falkor import parse_url, run_falkordb

        parse_url(server, "--server")
        if not list_queries and (text is None) != (query is None):
            return run_falkordb(KnowledgeGraph.from_cases(cases, bundled=bundled), text, query, params, server)
    return cypher_command(text, query, params, list_queries=list_queries, cases=cases, bundled=bundled,
                          engine=engine, cache_dir=cache_dir)


def suggest(source: str, cases: Iterable[str] = (), bundled: bool = True, engine: str = "oxigraph",
            sentences: bool = True):
    """Candidate annotations of a new source document (a QueryResult; `sentences=False` leaves out the sentences)."""
    from lianjian.extend.suggest import suggest_file

    return suggest_file(source, cases, bundled, engine, sentences=sentences)


def new_case(source: str, case_id: str, output: str, cases: Iterable[str] = (), bundled: bool = True,
             force: bool = False) -> dict:
    """Draft a case file for a new source document and write it to `output` ('-': only return its text)."""
    from lianjian.extend.newcase import write_new_case

    return write_new_case(source, case_id, output, cases=cases, bundled=bundled, force=force)


def diff(old: str, new: str) -> dict:
    """New and removed entities, links and mechanisms between two built graph files."""
    from lianjian.extend.diff import diff as graph_diff

    return graph_diff(old, new)


def diff_text(result: dict) -> str:
    """A `diff` result as the text table `lianjian diff` prints."""
    from lianjian.extend.diff import render_diff

    return render_diff(result)
