"""One measured step of the benchmark, run in a fresh Python process: ``python bench/worker.py STEP SPEC.json``.

Each step prints JSON lines on standard output as it goes (one per measured
item, so a step killed at its time limit still reports what it finished) and a
last line with the process's peak resident memory from
``resource.getrusage(RUSAGE_SELF)`` and ``RUSAGE_CHILDREN`` (the check workers
`load_corpus` may fork). A step's modules are imported before its clock
starts; whatever the library imports lazily is counted, as a user would pay it.
"""

from __future__ import annotations

import json
import resource
import signal
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

__all__ = ["STEPS", "OverBudget", "budget", "timed", "main"]


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


def repeat(fn, runs: int, seconds: float | None = None, limit: float | None = None) -> dict:
    """Median and all times of up to `runs` calls of `fn()`.

    Stops at the first run over the budget `seconds`, and repeats no more once the runs so far took over `limit` seconds.
    """
    times, result = [], None
    for _ in range(runs):
        try:
            with budget(seconds):
                t, result = timed(fn)
        except OverBudget:
            return {"over_budget": seconds, "times": times}
        times.append(t)
        if limit is not None and sum(times) > limit:
            break
    return {"median": statistics.median(times), "times": times, "result": result}


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
    from lianjian.loaders.cases import load_corpus
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
    """SHACL validation (pyshacl) of a built graph; the build is not timed."""
    kg = _build(spec)
    try:
        with budget(spec.get("budget")):
            t, report = timed(kg.validate)
    except OverBudget:
        emit(item="shacl", over_budget=spec.get("budget"))
        return
    emit(item="shacl", seconds=t, conforms=report.conforms, violations=len(report.violations))


def step_yaml(spec: dict) -> None:
    """PyYAML's C loader alone over the tier's files: full load, and compose (what the case reader calls)."""
    import yaml

    texts = [p.read_text(encoding="utf-8") for p in sorted(Path(spec["cases"]).glob("*.yaml"))]
    size = sum(len(t.encode("utf-8")) for t in texts)
    for item, fn in (("yaml-load", yaml.load), ("yaml-compose", yaml.compose)):
        r = repeat(lambda: [fn(t, Loader=yaml.CSafeLoader) for t in texts], spec["runs"], limit=spec.get("repeat_limit"))
        emit(item=item, seconds=r["median"], times=r["times"], bytes=size)


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
    """Canned SPARQL on one engine; with ``bare``, each run alternates with the same text on a bare pyoxigraph store."""
    from lianjian.namespace import sparql_prologue
    from lianjian.queries import get_query
    from lianjian.queries.run import run_sparql

    engine = spec["engine"]
    t, kg = timed(_build, spec, engine)
    emit(item="build", engine=engine, seconds=t, triples=len(kg))
    store = None
    if spec.get("nq"):
        import pyoxigraph as ox

        store = ox.Store()
        store.bulk_load(Path(spec["nq"]).read_bytes(), format=ox.RdfFormat.N_QUADS)
    prologue = sparql_prologue()
    for name, params in spec["queries"].items():
        q = get_query(name, "sparql")
        bindings = q.bindings(params)
        text = prologue + q.text
        substitutions = {ox.Variable(k): _ox_term(v) for k, v in bindings.items()} if store is not None else None

        def bare():
            solutions = store.query(text, use_default_graph_as_union=True, substitutions=substitutions)
            names = [v.value for v in solutions.variables]
            return [[s[v] for v in names] for s in solutions]

        times, bare_times, rows, bare_rows = [], [], None, None
        record = {"item": name, "engine": engine, "params": params}
        for _ in range(spec["runs"]):
            try:
                with budget(spec.get("budget")):
                    t, result = timed(run_sparql, kg, name, params)
            except OverBudget:
                record["over_budget"] = spec.get("budget")
                break
            times.append(t)
            rows = len(result.rows)
            if store is not None:
                t, found = timed(bare)
                bare_times.append(t)
                bare_rows = len(found)
            if sum(times) > spec.get("repeat_limit", float("inf")):
                break
        record.update(times=times, rows=rows)
        if times:
            record["seconds"] = statistics.median(times)
        if bare_times:
            record.update(bare_seconds=statistics.median(bare_times), bare_times=bare_times, bare_rows=bare_rows)
        emit(**record)


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
        if engine not in query_engines(get_query(name, "cypher")):
            emit(item=name, engine=engine, skipped=f"runs on {', '.join(query_engines(get_query(name, 'cypher')))} only")
            continue
        r = repeat(lambda: run_cypher_query(kg, name, params, engine, cache_dir=cache), spec["runs"], spec.get("budget"),
                   spec.get("repeat_limit"))
        record = {"item": name, "engine": engine, "params": params, "times": r["times"]}
        if "over_budget" in r:
            record["over_budget"] = r["over_budget"]
        else:
            record.update(seconds=r["median"], rows=len(r["result"].rows))
        emit(**record)


def step_analytics(spec: dict) -> None:
    """Each network analysis and one shortest path, over the projection (whose build is not timed here)."""
    from lianjian.graph.analytics import ANALYSES, analyze, shortest_path

    g = _build(spec).to_networkx()
    jobs = [(name, lambda name=name: analyze(g, name)) for name in ANALYSES]
    a, b = spec["path"]
    jobs.append(("shortest_path", lambda: shortest_path(g, a, b)))
    for name, fn in jobs:
        if name in spec.get("skip", ()):
            continue
        r = repeat(fn, spec["runs"], spec.get("budget"), spec.get("repeat_limit"))
        record = {"item": name, "times": r["times"]}
        if "over_budget" in r:
            record["over_budget"] = r["over_budget"]
        else:
            record.update(seconds=r["median"], rows=len(r["result"].rows))
        emit(**record)


def step_viz(spec: dict) -> None:
    """The network page (write_html) and, separately, the pyvis lists and the precomputed layout per node."""
    from lianjian.graph import viz

    kg = _build(spec)
    g = kg.to_networkx()
    r = repeat(lambda: viz.write_html(kg, spec["html"]), spec["runs"], limit=spec.get("repeat_limit"))
    info = r["result"]
    emit(item="write_html", seconds=r["median"], times=r["times"], bytes=info["bytes"], nodes=info["nodes"], edges=info["edges"])
    t_view, v = timed(viz.view_graph, g)
    pyvis = repeat(lambda: viz.to_pyvis(v), spec["runs"], limit=spec.get("repeat_limit"))
    layout = None
    if v.number_of_nodes() > viz.PHYSICS_LIMIT:
        # Above PHYSICS_LIMIT to_pyvis also computes a layout: time it alone, and the lists with the limit lifted.
        layout = repeat(lambda: viz._large_layout(v), spec["runs"], limit=spec.get("repeat_limit"))["median"]
    limit, viz.PHYSICS_LIMIT = viz.PHYSICS_LIMIT, float("inf")
    try:
        lists = repeat(lambda: viz.to_pyvis(v), spec["runs"], limit=spec.get("repeat_limit"))
    finally:
        viz.PHYSICS_LIMIT = limit
    emit(item="to_pyvis", seconds=pyvis["median"], times=pyvis["times"], layout_seconds=layout, lists_seconds=lists["median"],
         lists_times=lists["times"], view_seconds=t_view, nodes=v.number_of_nodes(), edges=v.number_of_edges())


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
                start = time.perf_counter()
                page.goto(url, timeout=spec["budget"] * 1000)
                page.wait_for_function(ready, timeout=spec["budget"] * 1000, polling=50)
                seconds = time.perf_counter() - start
                nodes = page.evaluate("window.lianjian.visibleNodes()")
                emit(item="page-load", seconds=seconds, visible_nodes=nodes)
                context.close()
        finally:
            browser.close()


def step_rebuild(spec: dict) -> None:
    """One build with the warm-build cache (or without, if the library has none)."""
    import inspect

    from lianjian.graph import KnowledgeGraph

    kwargs = {}
    if "cache_dir" in inspect.signature(KnowledgeGraph.from_cases).parameters and spec.get("cache_dir"):
        kwargs["cache_dir"] = spec["cache_dir"]
    t, kg = timed(KnowledgeGraph.from_cases, [spec["cases"]], bundled=False, **kwargs)
    emit(item=spec["mode"], seconds=t, triples=len(kg), cached=bool(kwargs))


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
