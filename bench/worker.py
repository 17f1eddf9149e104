"""One measured step of the benchmark, run in a fresh Python process: ``python bench/worker.py STEP SPEC.json``.

Each step prints JSON lines on standard output as it goes: plain records
(``{"item": …}``) and, for repeated items (queries, twins, analyses), one event
per run — ``start``, then ``done`` with its time or ``over`` when it passed its
budget — so that bench/run.py can stop a run stuck in native code (kill the
process, start a new one on the items left) and keep every run finished before.
The last line has the process's peak resident memory from
``resource.getrusage(RUSAGE_SELF)`` and ``RUSAGE_CHILDREN`` (the check workers
`load_corpus` may fork). A step's modules are imported before its clock
starts; whatever the library imports lazily is counted, as a user would pay it.
"""

from __future__ import annotations

import json
import resource
import signal
import sys
import time
from contextlib import contextmanager
from pathlib import Path

__all__ = ["STEPS", "OverBudget", "budget", "timed", "run_once", "measure", "main"]


class OverBudget(BaseException):
    """A run went past its wall-clock budget (a BaseException, so library `except Exception` cannot swallow it)."""


@contextmanager
def budget(seconds: float | None):
    """Raise `OverBudget` in this (main) thread once `seconds` have passed; None means no budget.

    Works for pure-Python work (rdflib, grand-cypher, networkx); native code is interrupted when it returns.
    """
    if not seconds:
        yield
        return

    def expire(signum, frame):
        raise OverBudget()

    old = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def timed(fn, *args, **kwargs):
    """(seconds, result) of one call."""
    t = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - t, result


def emit(**record) -> None:
    print(json.dumps(record, ensure_ascii=False, default=str), flush=True)


def peak_memory() -> dict:
    """Peak resident set of this process and of its largest waited-for child, in MB (Linux reports KiB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"peak_rss_mb": round(own, 1), "children_peak_rss_mb": round(children, 1)}


def _rows(result) -> int | None:
    rows = getattr(result, "rows", result)
    return len(rows) if isinstance(rows, list) else None


def run_once(item: str, engine: str | None, fn, seconds: float | None = None):
    """Time one call of `fn()`, reporting it as events; returns (seconds, result), or None when over budget."""
    emit(event="start", item=item, engine=engine)
    try:
        with budget(seconds):
            t, result = timed(fn)
    except OverBudget:
        emit(event="over", item=item, engine=engine, budget=seconds)
        return None
    emit(event="done", item=item, engine=engine, seconds=t, rows=_rows(result))
    return t, result


def measure(item: str, engine: str | None, fn, runs: int, seconds: float | None = None, limit: float | None = None):
    """Up to `runs` timed calls of `fn()` (see `run_once`); no more once they took over `limit` seconds. The last result."""
    total, result = 0.0, None
    for _ in range(runs):
        done = run_once(item, engine, fn, seconds)
        if done is None:
            return None
        total += done[0]
        result = done[1]
        if limit is not None and total > limit:
            break
    return result


def _build(spec: dict, engine: str = "oxigraph"):
    from lianjian.graph import KnowledgeGraph

    return KnowledgeGraph.from_cases([spec["cases"]], bundled=False, engine=engine)


# ---------------------------------------------------------------------------- steps

def step_baseline(spec: dict) -> None:
    """The interpreter with the library's modules imported: the floor under every peak-memory figure."""
    import lianjian.graph.knowledge  # noqa: F401
    import lianjian.graph.projection  # noqa: F401
    import lianjian.queries.run  # noqa: F401

    emit(item="baseline")


def step_build(spec: dict) -> None:
    """Cold build: YAML → checked corpus → graph in the default store (Oxigraph)."""
    from lianjian.graph import KnowledgeGraph

    t, kg = timed(KnowledgeGraph.from_cases, [spec["cases"]], bundled=False, engine=spec.get("engine", "oxigraph"))
    emit(item="build", seconds=t, triples=len(kg))


def step_phases(spec: dict) -> None:
    """The build split into its phases: reading and checking the files, writing N-Quads, loading the store."""
    from lianjian.graph import KnowledgeGraph
    from lianjian.graph.build import corpus_nquads
    from lianjian.loaders.linker import load_corpus
    from lianjian.loaders.evidence import load_offsets

    t_load, corpus = timed(load_corpus, [spec["cases"]], bundled=False)
    t_off, corpus.offsets = timed(load_offsets, [spec["cases"]], False)
    t_nq, quads = timed(lambda: "".join(corpus_nquads(corpus)))
    t_store, kg = timed(KnowledgeGraph.from_corpus, corpus)
    emit(item="phases", load_and_check=t_load + t_off, nquads=t_nq, store=t_store, triples=len(kg), nquads_bytes=len(quads.encode("utf-8")))


def step_dump(spec: dict) -> None:
    """Write the built graph as N-Quads (what the build loads) and as N-Triples (the union), for the floors."""
    kg = _build(spec)
    for fmt in ("nq", "nt"):
        data = kg.serialize(fmt)
        Path(spec[fmt]).write_bytes(data)
        emit(item=fmt, bytes=len(data))


def step_rdflib_parse(spec: dict) -> None:
    """Floor: rdflib parsing the same graph as N-Triples into a plain `Graph`."""
    import rdflib

    text = Path(spec["nt"]).read_text(encoding="utf-8")
    t, g = timed(lambda: rdflib.Graph().parse(data=text, format="nt"))
    emit(item="rdflib-parse", seconds=t, triples=len(g))


def step_oxigraph_load(spec: dict) -> None:
    """Floor: pyoxigraph bulk-loading the same N-Quads into a fresh in-memory store."""
    import pyoxigraph as ox

    data = Path(spec["nq"]).read_bytes()

    def load():
        store = ox.Store()
        store.bulk_load(data, format=ox.RdfFormat.N_QUADS)
        return store

    t, store = timed(load)
    emit(item="oxigraph-load", seconds=t, triples=len(store))


def step_shacl(spec: dict) -> None:
    """SHACL validation of a built graph on one engine (``sparql``, the default, or ``pyshacl``); the build is not timed."""
    from lianjian.graph.shacl import validate

    kg = _build(spec)
    engine = spec.get("engine", "sparql")
    try:
        with budget(spec.get("budget")):
            t, report = timed(validate, kg, engine)
    except OverBudget:
        emit(item="shacl", engine=engine, over_budget=spec.get("budget"))
        return
    emit(item="shacl", engine=engine, seconds=t, conforms=report.conforms, violations=len(report.violations))


def step_yaml(spec: dict) -> None:
    """PyYAML's C loader alone over the tier's files: full load, and compose (what the case reader calls)."""
    import yaml

    texts = [p.read_text(encoding="utf-8") for p in sorted(Path(spec["cases"]).glob("*.yaml"))]
    size = sum(len(t.encode("utf-8")) for t in texts)
    emit(item="yaml-files", bytes=size, files=len(texts))
    for item, fn in (("yaml-load", yaml.load), ("yaml-compose", yaml.compose)):
        measure(item, None, lambda: [fn(t, Loader=yaml.CSafeLoader) for t in texts], spec["runs"], limit=spec.get("repeat_limit"))


def _ox_term(term):
    """The pyoxigraph term of an rdflib term (query parameters are IRIs or literals)."""
    import pyoxigraph as ox
    from rdflib import Literal

    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    return ox.NamedNode(str(term))


def step_sparql(spec: dict) -> None:
    """Canned SPARQL on one engine; with ``bare``, each run follows one of the same text on a bare pyoxigraph store.

    The graph is loaded from the tier's N-Quads (`KnowledgeGraph.from_nquads`): the same quads a build loads, sooner.
    """
    import pyoxigraph as ox

    from lianjian.graph import KnowledgeGraph
    from lianjian.namespace import sparql_prologue
    from lianjian.queries import get_query
    from lianjian.queries.run import run_sparql

    engine = spec["engine"]
    data = Path(spec["nq"]).read_text(encoding="utf-8")
    t, kg = timed(KnowledgeGraph.from_nquads, data, engine)
    emit(item="load", engine=engine, seconds=t, triples=len(kg))
    store = None
    if spec.get("bare"):
        store = ox.Store()
        store.bulk_load(data.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    del data
    prologue = sparql_prologue()
    for name, params in spec["queries"].items():
        q = get_query(name, "sparql")
        text = prologue + q.text
        substitutions = {ox.Variable(k): _ox_term(v) for k, v in q.bindings(params).items()}

        def bare():
            solutions = store.query(text, use_default_graph_as_union=True, substitutions=substitutions)
            names = [v.value for v in solutions.variables]
            return [[s[v] for v in names] for s in solutions]

        # The default engine's runs come first, then as many on the bare store (separate stores, so neither warms the
        # other's caches): a text the bare store cannot finish within the budget (around-organization's, which
        # run_sparql answers another way) still leaves the default engine's figures.
        sides = [(engine, lambda: run_sparql(kg, name, params))] + ([("bare", bare)] if store is not None else [])
        for side, fn in sides:
            measure(name, side, fn, spec["runs"], spec.get("budget"), spec.get("repeat_limit"))


def step_cypher(spec: dict) -> None:
    """Canned Cypher twins on one engine, after timing the projection (and, for ladybug, loading the database)."""
    from lianjian.queries import get_query
    from lianjian.queries.cypher import ladybug_database, query_engines, run_cypher, run_cypher_query

    engine = spec["engine"]
    kg = _build(spec)
    t, g = timed(kg.to_networkx)
    emit(item="projection", seconds=t, nodes=g.number_of_nodes(), edges=g.number_of_edges())
    cache = spec.get("db_dir")
    if engine == "ladybug":
        t, _ = timed(ladybug_database, kg, cache)
        t_open, _ = timed(run_cypher, kg, "MATCH (a) RETURN count(a)", None, "ladybug", cache_dir=cache)
        emit(item="ladybug-load", seconds=t, open_seconds=t_open)
    for name, params in spec["queries"].items():
        engines = query_engines(get_query(name, "cypher"))
        if engine not in engines:
            emit(event="skip", item=name, engine=engine, reason=f"runs on {', '.join(engines)} only")
            continue
        measure(name, engine, lambda: run_cypher_query(kg, name, params, engine, cache_dir=cache), spec["runs"], spec.get("budget"),
                spec.get("repeat_limit"))


def _server_peak_mb(pid: int) -> float | None:
    """A server process's peak resident memory (VmHWM), read while it still runs."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


def _alternate(name: str, sides: dict, runs: int, seconds: float | None, limit: float | None, recover=None) -> None:
    """Up to `runs` rounds of one timed run per side (engine → call), the order alternating round by round.

    A side whose call fails (an engine's error, a time-out of its client) is reported as skipped with the message;
    after a side's run fails or goes over budget, ``recover(side)`` runs (e.g. to restart a server still busy with it).
    """
    from lianjian.errors import LianjianError

    total, live = 0.0, list(sides)
    for i in range(runs):
        order = list(live) if i % 2 == 0 else live[::-1]
        for side in order:
            try:
                done = run_once(name, side, sides[side], seconds)
            except LianjianError as exc:
                emit(event="skip", item=name, engine=side, reason=str(exc)[:300])
                done = None
            if done is None:
                live.remove(side)
                if recover is not None:
                    recover(side)
            else:
                total += done[0]
        if not live or (limit is not None and total > limit):
            break


def _test_server(module: str):
    """A server helper of the test suite (tests/virtuoso_server.py, tests/falkordb_server.py), which bench shares."""
    import importlib

    root = str(Path(__file__).resolve().parent.parent)
    if root not in sys.path:
        sys.path.insert(0, root)
    return importlib.import_module(f"tests.{module}")


def step_virtuoso(spec: dict) -> None:
    """Push the tier's graph to a fresh Virtuoso server (one Graph Store PUT per named graph), then each canned query
    there, each run alternating with the same query on the embedded Oxigraph store (`run_sparql`)."""
    from lianjian.graph import KnowledgeGraph
    from lianjian.queries import get_query
    from lianjian.queries.run import run_sparql
    from lianjian.remote import push, remote_select

    server_module = _test_server("virtuoso_server")
    if not server_module.VIRTUOSO or not server_module.ISQL:
        emit(item="missing", reason="virtuoso-t / isql-vt not installed (Debian package virtuoso-opensource)")
        return
    data = Path(spec["nq"]).read_text(encoding="utf-8")
    t, kg = timed(KnowledgeGraph.from_nquads, data, "oxigraph")
    emit(item="embedded-load", seconds=t, triples=len(kg))
    del data
    started = time.perf_counter()
    with server_module.VirtuosoServer(Path(spec["folder"]), memory_mb=spec.get("memory_mb", 2000)) as server:
        emit(item="virtuoso-start", seconds=time.perf_counter() - started)
        t, report = timed(push, kg, server.store, timeout=spec.get("push_timeout", 3600))
        emit(item="virtuoso-push", seconds=t, triples=report["triples"], graphs=len(report["graphs"]))
        server.isql("checkpoint;", timeout=600)  # so that a restart (below) need not replay the log

        def recover(side: str) -> None:
            if side == "virtuoso":  # the server goes on with a query its client gave up on: start it afresh
                server.restart()
        client_timeout = (spec.get("budget") or 3600) + 5  # the alarm stops a run first; this only frees the client
        for name, params in spec["queries"].items():
            q = get_query(name, "sparql")
            bindings = q.bindings(params)
            _alternate(name, {"virtuoso": lambda: remote_select(server.query, q.text, bindings, timeout=client_timeout),
                              "oxigraph": lambda: run_sparql(kg, name, params)},
                       spec["runs"], spec.get("budget"), spec.get("repeat_limit"), recover)
        emit(item="virtuoso-server", peak_rss_mb=_server_peak_mb(server.proc.pid))


def step_falkordb(spec: dict) -> None:
    """Load the projection into LadybugDB and push it to a fresh FalkorDB server, then each Cypher twin on both,
    alternating (`run_cypher_query` on LadybugDB, `run_falkordb_query` on FalkorDB)."""
    from lianjian.graph import KnowledgeGraph
    from lianjian.queries.cypher import ladybug_database, run_cypher_query
    from lianjian.queries.cypher.falkor import push_falkordb, run_falkordb_query

    server_module = _test_server("falkordb_server")
    try:
        server_module.command(0, ".")
    except server_module.MissingServer as exc:
        emit(item="missing", reason=str(exc))
        return
    kg = KnowledgeGraph.from_nquads(Path(spec["nq"]).read_text(encoding="utf-8"), "oxigraph")
    t, g = timed(kg.to_networkx)
    emit(item="projection", seconds=t, nodes=g.number_of_nodes(), edges=g.number_of_edges())
    cache = spec["db_dir"]
    t, _ = timed(ladybug_database, kg, cache)
    emit(item="ladybug-load", seconds=t)
    server = server_module.FalkorServer.start(spec["folder"])
    try:
        url = server.url("lianjian")
        t, _ = timed(push_falkordb, kg, url, timeout=spec.get("push_timeout", 3600))
        emit(item="falkordb-push", seconds=t, nodes=g.number_of_nodes(), edges=g.number_of_edges())
        client_timeout = (spec.get("budget") or 3600) + 5
        for name, params in spec["queries"].items():
            _alternate(name, {"falkordb": lambda: run_falkordb_query(kg, name, url, params, timeout=client_timeout),
                              "ladybug": lambda: run_cypher_query(kg, name, params, "ladybug", cache_dir=cache)},
                       spec["runs"], spec.get("budget"), spec.get("repeat_limit"))
        emit(item="falkordb-server", peak_rss_mb=_server_peak_mb(server.process.pid))
    finally:
        server.stop()


def step_analytics(spec: dict) -> None:
    """Each network analysis named in ``queries`` (and ``shortest_path``) over the projection, whose build is not timed here."""
    from lianjian.graph.analytics import analyze, shortest_path

    g = _build(spec).to_networkx()
    a, b = spec["path"]
    for name in spec["queries"]:
        fn = (lambda: shortest_path(g, a, b)) if name == "shortest_path" else (lambda name=name: analyze(g, name))
        measure(name, None, fn, spec["runs"], spec.get("budget"), spec.get("repeat_limit"))


def step_viz(spec: dict) -> None:
    """The network page (write_html) and, separately, the pyvis lists and the precomputed layout per node."""
    from lianjian.graph import viz

    kg = _build(spec)
    g = kg.to_networkx()
    info = measure("write_html", None, lambda: viz.write_html(kg, spec["html"]), spec["runs"], limit=spec.get("repeat_limit"))
    emit(item="page", bytes=info["bytes"], nodes=info["nodes"], edges=info["edges"])
    t_view, v = timed(viz.view_graph, g)
    emit(item="view", seconds=t_view, nodes=v.number_of_nodes(), edges=v.number_of_edges())
    measure("to_pyvis", None, lambda: viz.to_pyvis(v), spec["runs"], limit=spec.get("repeat_limit"))
    if v.number_of_nodes() > viz.PHYSICS_LIMIT:
        # Above PHYSICS_LIMIT to_pyvis also computes a layout: time it alone, and the lists with the limit lifted.
        measure("layout", None, lambda: viz._large_layout(v), spec["runs"], limit=spec.get("repeat_limit"))
    limit, viz.PHYSICS_LIMIT = viz.PHYSICS_LIMIT, float("inf")
    try:
        measure("lists", None, lambda: viz.to_pyvis(v), spec["runs"], limit=spec.get("repeat_limit"))
    finally:
        viz.PHYSICS_LIMIT = limit


def step_browser(spec: dict) -> None:
    """Load time of a network page in headless Chromium: goto until the page's script shows nodes."""
    from playwright.sync_api import sync_playwright

    url = Path(spec["html"]).resolve().as_uri()
    ready = "window.lianjian !== undefined && window.lianjian.visibleNodes() > 0"
    with sync_playwright() as p:
        t, browser = timed(p.chromium.launch, executable_path=spec["chromium"], args=spec["args"])
        emit(item="launch", seconds=t)
        try:
            for _ in range(spec["runs"]):
                context = browser.new_context(viewport={"width": 1400, "height": 900})
                page = context.new_page()

                def load():
                    page.goto(url, timeout=spec["budget"] * 1000)
                    page.wait_for_function(ready, timeout=spec["budget"] * 1000, polling=50)

                run_once("page-load", None, load)
                emit(item="visible-nodes", nodes=page.evaluate("window.lianjian.visibleNodes()"))
                context.close()
        finally:
            browser.close()


def step_rebuild(spec: dict) -> None:
    """One build through the build cache (`cache.cached_graph`), or a plain build when no cache folder is given."""
    from lianjian.cache import cached_graph
    from lianjian.graph import KnowledgeGraph

    if spec.get("cache_dir"):
        t, kg = timed(cached_graph, [spec["cases"]], bundled=False, cache_dir=spec["cache_dir"])
    else:
        t, kg = timed(KnowledgeGraph.from_cases, [spec["cases"]], bundled=False)
    emit(item=spec["mode"], seconds=t, triples=len(kg), cached=bool(spec.get("cache_dir")))


STEPS = {name[5:].replace("_", "-"): fn for name, fn in globals().items() if name.startswith("step_")}


def main(argv: list[str]) -> int:
    step, spec_file = argv
    spec = json.loads(Path(spec_file).read_text(encoding="utf-8"))
    try:
        STEPS[step](spec)
    finally:
        emit(item="memory", **peak_memory())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
