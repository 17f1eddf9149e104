"""The lianjian benchmark suite: ``python bench/run.py [--tier small|medium|large] [--runs N] [--out bench/]``.

Per tier of the synthetic corpus (`lianjian.synth.TIERS`) it measures the build
and its floors, the canned SPARQL queries on both engines and on bare
pyoxigraph, the Cypher twins on both engines, the network analyses, the network
page; then the rebuild after one changed file. Every measured step runs in a
fresh Python process (bench/worker.py), so each has its own peak memory
(``getrusage`` of that process); slower engines get a wall-clock budget per run.
Writes ``results.json`` and ``results.md`` into ``--out``. See bench/README.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import signal
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import click
import yaml

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from machine import describe  # noqa: E402
from report import render_markdown  # noqa: E402
from supervise import Outcome, Supervisor, median as _median  # noqa: E402

__all__ = ["Settings", "Bench", "run_benchmark", "write_results", "status", "main", "SECTIONS", "TIERS_DIR"]

SECTIONS = ("build", "queries", "cypher", "servers", "analytics", "viz", "rebuild")
#: Where the synthetic corpora are generated once and reused (git-ignored).
TIERS_DIR = HERE / "tiers"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]
PARAMS = yaml.safe_load((HERE / "params.yaml").read_text(encoding="utf-8"))
TARGETS = yaml.safe_load((HERE / "targets.yaml").read_text(encoding="utf-8"))
#: Steps run once at the large tier (whatever --runs says): the slow engines and the slow floors.
SLOW_AT_LARGE = {"rdflib-parse", "shacl", "sparql-rdflib", "cypher-grand-cypher", "analytics", "viz", "browser"}


@dataclass
class Settings:
    """What to run: tiers, sections, runs and budgets."""

    tiers: list[str]
    runs: int = 3
    out: Path = HERE
    budget: float = 60.0
    store_budget: float = 120.0
    shacl_budget: float = 300.0
    repeat_limit: float = 20.0
    rebuild_cases: int = 1000
    sections: tuple[str, ...] = SECTIONS
    progress: bool = False


def status(value: float | None, target: dict, where) -> str:
    """'met', 'not met', or 'n/a (…)' when the figure is not at the tier (or size) the target is about.

    >>> status(0.02, {"max": 0.05, "tier": "large"}, "large"), status(3, {"max": 2, "tier": 1000}, 1000)
    ('met', 'not met')
    >>> status(0.02, {"max": 0.05, "tier": "large"}, "small")
    'n/a (target at large)'
    """
    wanted = target.get("tier")
    if wanted is not None and str(wanted) != str(where):
        return f"n/a (target at {wanted})"
    if value is None:
        return "not measured"
    return "met" if value <= target["max"] else "not met"


class Bench:
    """One benchmark run: launches the workers, collects rows per section, writes the results."""

    def __init__(self, settings: Settings):
        self.s = settings
        TIERS_DIR.mkdir(parents=True, exist_ok=True)
        self.work = Path(tempfile.mkdtemp(dir=TIERS_DIR, prefix=".run-"))
        self.exceeded: dict[tuple[str, str], str] = {}  # (step, item) → tier where it went over budget
        self.results: dict = {
            "started": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "command": " ".join(["python", "bench/run.py", *sys.argv[1:]]),
            "settings": {"tiers": settings.tiers, "runs": settings.runs, "budget_s": settings.budget, "store_budget_s": settings.store_budget,
                         "shacl_budget_s": settings.shacl_budget, "repeat_limit_s": settings.repeat_limit,
                         "rebuild_cases": settings.rebuild_cases, "sections": list(settings.sections),
                         "slow_at_large": sorted(SLOW_AT_LARGE), "selective_types": PARAMS["selective_types"]},
            "machine": describe(CHROMIUM),
            "targets": TARGETS,
            "tiers": {},
            "sections": {name: [] for name in settings.sections},
            "workers": [],
            "errors": [],
        }
        self.supervisor = Supervisor(self.work, self.say, self.results["workers"], self.results["errors"])
        self.worker, self.item_worker = self.supervisor.worker, self.supervisor.item_worker

    # ------------------------------------------------------------------ plumbing

    def say(self, message: str) -> None:
        if self.s.progress:
            print(message, file=sys.stderr, flush=True)

    def runs_for(self, tier: str, step: str) -> int:
        return 1 if tier == "large" and step in SLOW_AT_LARGE else self.s.runs

    def add(self, section: str, **row) -> None:
        self.results["sections"].setdefault(section, []).append(row)

    def corpus(self, name: str, cases: int) -> Path:
        """The synthetic corpus folder bench/tiers/NAME (seed 0), generated when missing or made by another synth."""
        from lianjian import synth

        folder = TIERS_DIR / name
        stamp = TIERS_DIR / f"{name}.stamp"
        mark = f"{cases} {hashlib.sha256(Path(synth.__file__).read_bytes()).hexdigest()}"
        if not folder.is_dir() or not stamp.is_file() or stamp.read_text() != mark:
            self.say(f"generating the {name} corpus ({cases} cases) in {folder} …")
            synth.write_synth(folder, cases, seed=0, force=True)  # the bench's own folder, regenerated
            stamp.write_text(mark)
        return folder

    # ------------------------------------------------------------------ sections

    def run(self) -> dict:
        from lianjian.synth import TIERS

        try:
            base = self.worker("baseline", {}, 300, "-")
            self.results["baseline_rss_mb"] = base.memory.get("peak_rss_mb")
            for tier in self.s.tiers:
                folder = self.corpus(tier, TIERS[tier])
                files = sorted(folder.glob("*.yaml"))
                self.results["tiers"][tier] = {"cases": TIERS[tier], "files": len(files),
                                               "bytes": sum(p.stat().st_size for p in files)}
                tier_work = self.work / tier
                tier_work.mkdir()
                ctx = {"tier": tier, "cases": str(folder), "nq": str(tier_work / "graph.nq"), "nt": str(tier_work / "graph.nt"),
                       "work": tier_work}
                dump = self.worker("dump", {"cases": ctx["cases"], "nq": ctx["nq"], "nt": ctx["nt"]}, 1800, tier)
                if dump.error:
                    continue
                for section in self.s.sections:
                    if section != "rebuild":
                        self.say(f"[{tier}] {section}")
                        getattr(self, f"section_{section}")(ctx)
                        write_results(self.results, self.s.out)  # so far: a stopped run still leaves its figures
            if "rebuild" in self.s.sections:
                self.say("[rebuild]")
                self.section_rebuild()
        finally:
            shutil.rmtree(self.work, ignore_errors=True)
        self.results["finished"] = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        self.results["machine"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
        return self.results

    def section_build(self, ctx: dict) -> None:
        tier, runs = ctx["tier"], self.s.runs
        base = {"cases": ctx["cases"]}
        builds = [self.worker("build", base, 3600, tier, f"build {i + 1}/{runs}") for i in range(runs)]
        times = [o.first("build")["seconds"] for o in builds if o.first("build")]
        triples = next((o.first("build")["triples"] for o in builds if o.first("build")), None)
        self.results["tiers"][tier]["triples"] = triples
        peaks = [o.memory.get("peak_rss_mb") for o in builds if o.memory]
        children = [o.memory.get("children_peak_rss_mb") for o in builds if o.memory]
        build_s = _median(times)
        peak = max(peaks) if peaks else None
        self.add("build", tier=tier, item="cold build: from_cases(bundled=False), Oxigraph store", runs=len(times),
                 seconds=build_s, times=times, triples=triples, rate=_rate(triples, build_s), peak_rss_mb=peak,
                 children_peak_rss_mb=max(children) if children else None)

        phases = self.worker("phases", base, 3600, tier).first("phases")
        if phases:
            for key, what in (("load_and_check", "phase: read + check YAML (load_corpus, offsets)"),
                              ("nquads", "phase: write N-Quads (corpus_nquads)"),
                              ("store", "phase: load the store (from_corpus)")):
                self.add("build", tier=tier, item=what, runs=1, seconds=phases[key], times=[phases[key]], triples=phases["triples"],
                         rate=_rate(phases["triples"], phases[key]))

        loads = [self.worker("oxigraph-load", {"nq": ctx["nq"]}, 1800, tier, f"pyoxigraph load {i + 1}/{runs}") for i in range(runs)]
        load_times = [o.first("oxigraph-load")["seconds"] for o in loads if o.first("oxigraph-load")]
        load_s = _median(load_times)
        self.add("build", tier=tier, item="floor: pyoxigraph Store().bulk_load(N-Quads)", runs=len(load_times), seconds=load_s,
                 times=load_times, triples=triples, rate=_rate(triples, load_s),
                 peak_rss_mb=max((o.memory.get("peak_rss_mb", 0) for o in loads), default=None))

        n = self.runs_for(tier, "rdflib-parse")
        parses = [self.worker("rdflib-parse", {"nt": ctx["nt"]}, 3600, tier, f"rdflib parse {i + 1}/{n}") for i in range(n)]
        parse_times = [o.first("rdflib-parse")["seconds"] for o in parses if o.first("rdflib-parse")]
        nt_triples = next((o.first("rdflib-parse")["triples"] for o in parses if o.first("rdflib-parse")), None)
        parse_s = _median(parse_times)
        self.add("build", tier=tier, item="floor: rdflib Graph().parse(N-Triples of the union)", runs=len(parse_times),
                 seconds=parse_s, times=parse_times, triples=nt_triples, rate=_rate(nt_triples, parse_s),
                 peak_rss_mb=max((o.memory.get("peak_rss_mb", 0) for o in parses), default=None))

        ratio = build_s / load_s if build_s and load_s else None
        t = TARGETS["build_ratio"]
        self.add("build", tier=tier, item="cold build ÷ pyoxigraph load", ratio=ratio, target=t["text"], status=status(ratio, t, tier))
        t = TARGETS["build_memory_mb"]
        self.add("build", tier=tier, item="peak memory of the cold build", peak_rss_mb=peak, triples=triples, target=t["text"],
                 status=status(peak, t, tier))
        load_peak = max((o.memory.get("peak_rss_mb", 0) for o in loads), default=None)
        memory_ratio = peak / load_peak if peak and load_peak else None
        t = TARGETS["build_memory_ratio"]
        self.add("build", tier=tier, item="peak memory: cold build ÷ pyoxigraph load", ratio=memory_ratio, target=t["text"],
                 status=status(memory_ratio, t, tier))
        if parse_s and build_s:
            self.add("build", tier=tier, item="cold build ÷ rdflib N-Triples parse", ratio=build_s / parse_s)

        validated = {}
        for engine, what in (("sparql", "validate: SHACL as SPARQL on Oxigraph (default; build not timed)"),
                             ("pyshacl", "anchor: validate with pySHACL (build not timed)")):
            n = self.s.runs if engine == "sparql" else self.runs_for(tier, "shacl")
            limit = self.s.shacl_budget if tier == "large" else None
            shacl_runs = [self.worker("shacl", {**base, "engine": engine, "budget": limit}, (limit or 3000) + 600, tier,
                                      f"SHACL {engine} {i + 1}/{n}") for i in range(n)]
            shacl = [o.first("shacl") for o in shacl_runs if o.first("shacl")]
            shacl_times = [r["seconds"] for r in shacl if "seconds" in r]
            over = next((r["over_budget"] for r in shacl if "over_budget" in r), None)
            validated[engine] = _median(shacl_times)
            memory = max((o.memory.get("peak_rss_mb", 0) for o in shacl_runs), default=None)
            row = dict(runs=len(shacl_times), seconds=validated[engine], times=shacl_times, over_budget=over, triples=triples,
                       rate=_rate(triples, validated[engine]), conforms=shacl[0].get("conforms") if shacl else None,
                       violations=shacl[0].get("violations") if shacl else None, peak_rss_mb=memory)
            if engine == "sparql":
                t = TARGETS["validate_s"]
                self.add("build", tier=tier, item=what, **row, target=t["text"],
                         status=status(float("inf") if over else validated[engine], t, tier))
                t = TARGETS["validate_memory_mb"]
                self.add("build", tier=tier, item="peak memory of the validate worker (build + validate)", peak_rss_mb=memory,
                         target=t["text"], status=status(memory, t, tier))
            else:
                self.add("build", tier=tier, item=what, **row)
        if validated.get("sparql") and validated.get("pyshacl"):
            self.add("build", tier=tier, item="validate: pySHACL ÷ default (speed-up)", ratio=validated["pyshacl"] / validated["sparql"])

        y = self.worker("yaml", {**base, "runs": runs, "repeat_limit": self.s.repeat_limit}, 1800, tier)
        size = y.first("yaml-files").get("bytes")
        for item, what in (("yaml-load", "context: PyYAML C loader, yaml.load"),
                           ("yaml-compose", "context: PyYAML C loader, yaml.compose (as the case reader)")):
            r = y.summary(item)
            if r["seconds"] and size:
                self.add("build", tier=tier, item=what, runs=r["runs"], seconds=r["seconds"], times=r["times"],
                         mb_per_s=size / 1e6 / r["seconds"], bytes=size)

    def _query_params(self) -> tuple[dict, dict, dict]:
        """Parameters for every canned SPARQL query on the synthetic data, which ones kept defaults, which are selective."""
        from lianjian.queries import sparql_catalogue

        by_name = PARAMS["by_name"]
        params, defaulted, selective = {}, {}, {}
        for name, q in sparql_catalogue().items():
            params[name] = {p.name: str(by_name[p.name]) for p in q.parameters if p.name in by_name}
            defaulted[name] = [p.name for p in q.parameters if p.name not in by_name]
            selective[name] = any(p.type in PARAMS["selective_types"] for p in q.parameters)
        return params, defaulted, selective

    def _not_tried(self, step: str, items) -> tuple[dict, dict]:
        """Split items into those to run and those left out because they went over budget at a smaller tier."""
        run = dict(items) if isinstance(items, dict) else dict.fromkeys(items)
        skipped = {k: self.exceeded[(step, k)] for k in run if (step, k) in self.exceeded}
        return {k: v for k, v in run.items() if k not in skipped}, skipped

    def _remember_over(self, step: str, tier: str, outcome: Outcome, engine: str | None) -> None:
        for (item, eng) in outcome.over:
            if eng == engine:
                self.exceeded.setdefault((step, item), tier)

    @staticmethod
    def _figure(r: dict, skipped: dict, name: str) -> str | None:
        """The note shown instead of a time: over budget, left out, or not run on this engine."""
        if r.get("over_budget"):
            return f"> {r['over_budget']:g} s"
        if name in skipped:
            return f"not run (over budget at {skipped[name]})"
        return r.get("skipped")

    def section_queries(self, ctx: dict) -> None:
        tier = ctx["tier"]
        params, defaulted, selective = self._query_params()
        todo, left_out = self._not_tried("sparql-oxigraph", params)
        ox = self.item_worker("sparql", {"nq": ctx["nq"], "engine": "oxigraph", "bare": True, "queries": todo, "runs": self.s.runs,
                                         "budget": self.s.store_budget, "repeat_limit": self.s.repeat_limit},
                              tier, "sparql-oxigraph", self.s.store_budget)
        self._remember_over("sparql-oxigraph", tier, ox, "oxigraph")
        rd_todo, rd_left_out = self._not_tried("sparql-rdflib", params)
        rd = self.item_worker("sparql", {"nq": ctx["nq"], "engine": "rdflib", "queries": rd_todo, "runs": self.runs_for(tier, "sparql-rdflib"),
                                         "budget": self.s.budget, "repeat_limit": self.s.repeat_limit},
                              tier, "sparql-rdflib", self.s.budget)
        self._remember_over("sparql-rdflib", tier, rd, "rdflib")
        for o, engine in ((ox, "oxigraph"), (rd, "rdflib")):
            b = o.first("load")
            if b:
                self.add("build", tier=tier, item=f"query worker: KnowledgeGraph.from_nquads(engine={engine!r})", runs=1,
                         seconds=b["seconds"], times=[b["seconds"]], triples=b["triples"], rate=_rate(b["triples"], b["seconds"]))
        tr, ts = TARGETS["query_ratio"], TARGETS["query_selective_s"]
        for name in params:
            d, bare, r = ox.summary(name, "oxigraph"), ox.summary(name, "bare"), rd.summary(name, "rdflib")
            ratio = d["seconds"] / bare["seconds"] if d["seconds"] and bare["seconds"] else None
            speedup, at_least = None, False
            if r["seconds"] and d["seconds"]:
                speedup = r["seconds"] / d["seconds"]
            elif r.get("over_budget") and d["seconds"]:
                speedup, at_least = r["over_budget"] / d["seconds"], True
            over_default = d.get("over_budget") or (self.s.store_budget if name in left_out else None)
            self.add("queries", tier=tier, query=name, params=params[name], defaulted=defaulted[name], selective=selective[name],
                     rows=d["rows"], bare_rows=bare["rows"], rdflib_rows=r["rows"], runs=d["runs"], seconds=d["seconds"], times=d["times"],
                     note=self._figure(d, left_out, name), bare_seconds=bare["seconds"], bare_times=bare["times"],
                     bare_note=self._figure(bare, left_out, name), ratio=ratio, ratio_status=status(ratio, tr, tier) if ratio else "",
                     rdflib_seconds=r["seconds"], rdflib_times=r["times"], rdflib_runs=r["runs"],
                     rdflib_note=self._figure(r, rd_left_out, name), speedup=speedup, speedup_at_least=at_least,
                     selective_status=(status(float("inf") if over_default else d["seconds"], ts, tier) if selective[name] else ""),
                     **self._around_target(name, d["seconds"], over_default, tier))

    @staticmethod
    def _around_target(name: str, seconds: float | None, over: float | None, tier: str) -> dict:
        """around-organization's own target (from a hub at 1M triples), on its row of the queries section."""
        if name != "around-organization":
            return {}
        t = TARGETS["around_s"]
        return {"target": t["text"], "status": status(float("inf") if over else seconds, t, tier)}

    def section_cypher(self, ctx: dict) -> None:
        from lianjian.queries import cypher_catalogue

        tier = ctx["tier"]
        by_name = PARAMS["by_name"]
        queries = {name: {p.name: str(by_name[p.name]) for p in q.parameters if p.name in by_name}
                   for name, q in cypher_catalogue().items()}
        todo, left_out = self._not_tried("cypher-ladybug", queries)
        lb = self.item_worker("cypher", {"cases": ctx["cases"], "engine": "ladybug", "queries": todo, "runs": self.s.runs,
                                         "db_dir": str(ctx["work"] / "ladybug"), "budget": self.s.store_budget,
                                         "repeat_limit": self.s.repeat_limit}, tier, "cypher-ladybug", self.s.store_budget, setup=3600)
        self._remember_over("cypher-ladybug", tier, lb, "ladybug")
        gc_todo, gc_left_out = self._not_tried("cypher-grand-cypher", queries)
        gc = self.item_worker("cypher", {"cases": ctx["cases"], "engine": "grand-cypher", "queries": gc_todo,
                                         "runs": self.runs_for(tier, "cypher-grand-cypher"), "budget": self.s.budget,
                                         "repeat_limit": self.s.repeat_limit}, tier, "cypher-grand-cypher", self.s.budget)
        self._remember_over("cypher-grand-cypher", tier, gc, "grand-cypher")
        p, load = lb.first("projection"), lb.first("ladybug-load")
        if p:
            self.add("cypher", tier=tier, item="projection: kg.to_networkx()", seconds=p["seconds"], runs=1,
                     nodes=p["nodes"], edges=p["edges"], peak_rss_mb=lb.memory.get("peak_rss_mb"))
        if load:
            self.add("cypher", tier=tier, item="LadybugDB load: digest + CSV + COPY (ladybug_database)", seconds=load["seconds"], runs=1,
                     peak_rss_mb=lb.memory.get("peak_rss_mb"))
            self.add("cypher", tier=tier, item="LadybugDB open + first query", seconds=load["open_seconds"], runs=1)
        t = TARGETS["cypher_s"]
        for name in queries:
            a, b = lb.summary(name, "ladybug"), gc.summary(name, "grand-cypher")
            note = self._figure(a, left_out, name)
            ran = a["seconds"] is not None or a.get("over_budget") or name in left_out
            self.add("cypher", tier=tier, query=name, params=queries[name], rows=a["rows"], runs=a["runs"], seconds=a["seconds"],
                     times=a["times"], note=note,
                     status=status(a["seconds"] if a["seconds"] is not None else float("inf"), t, tier) if ran else "",
                     grand_cypher_seconds=b["seconds"], grand_cypher_times=b["times"], grand_cypher_rows=b["rows"],
                     grand_cypher_runs=b["runs"], grand_cypher_note=self._figure(b, gc_left_out, name))

    def section_servers(self, ctx: dict) -> None:
        """Virtuoso against the embedded store (push, then every canned query); FalkorDB against LadybugDB (the twins)."""
        from lianjian.queries import cypher_catalogue

        tier = ctx["tier"]
        params, _, _ = self._query_params()
        by_name = PARAMS["by_name"]
        twins = {name: {p.name: str(by_name[p.name]) for p in q.parameters if p.name in by_name}
                 for name, q in cypher_catalogue().items()}
        runs = self.s.runs
        v = self.worker("virtuoso", {"nq": ctx["nq"], "folder": str(ctx["work"] / "virtuoso"), "queries": params, "runs": runs,
                                     "budget": self.s.store_budget, "repeat_limit": self.s.repeat_limit,
                                     "memory_mb": 4000 if tier == "large" else 500},
                        3600 + len(params) * runs * 2 * (self.s.store_budget + 10), tier)
        f = self.worker("falkordb", {"nq": ctx["nq"], "folder": str(ctx["work"] / "falkordb"), "db_dir": str(ctx["work"] / "ladybug-servers"),
                                     "queries": twins, "runs": runs, "budget": self.s.store_budget, "repeat_limit": self.s.repeat_limit},
                        3600 + len(twins) * runs * 2 * (self.s.store_budget + 10), tier)
        for server, o in (("virtuoso", v), ("falkordb", f)):
            if o.first("missing"):
                self.add("servers", tier=tier, server=server, item="not measured", note=o.first("missing")["reason"])
        load, push = v.first("embedded-load"), v.first("virtuoso-push")
        server = v.first("virtuoso-server").get("peak_rss_mb")
        if push:
            self.add("servers", tier=tier, server="virtuoso", item="push: Graph Store PUT per named graph (remote.push)",
                     seconds=push["seconds"], triples=push["triples"], graphs=push["graphs"],
                     anchor="embedded: KnowledgeGraph.from_nquads", anchor_seconds=load.get("seconds"),
                     ratio=push["seconds"] / load["seconds"] if load.get("seconds") else None,
                     peak_rss_mb=server, worker_peak_rss_mb=v.memory.get("peak_rss_mb"))
        self._server_rows(tier, "virtuoso", "oxigraph", params, v)
        lb, push = f.first("ladybug-load"), f.first("falkordb-push")
        if push:
            self.add("servers", tier=tier, server="falkordb", item="push --cypher: batched UNWIND into a temporary graph, renamed",
                     seconds=push["seconds"], nodes=push["nodes"], edges=push["edges"],
                     anchor="LadybugDB: ladybug_database (CSV + COPY)", anchor_seconds=lb.get("seconds"),
                     ratio=push["seconds"] / lb["seconds"] if lb.get("seconds") else None,
                     peak_rss_mb=f.first("falkordb-server").get("peak_rss_mb"), worker_peak_rss_mb=f.memory.get("peak_rss_mb"))
        self._server_rows(tier, "falkordb", "ladybug", twins, f)

    def _server_rows(self, tier: str, server: str, anchor: str, items: dict, o: Outcome) -> None:
        for name in items:
            a, b = o.summary(name, server), o.summary(name, anchor)
            ratio = a["seconds"] / b["seconds"] if a["seconds"] and b["seconds"] else None
            self.add("servers", tier=tier, server=server, query=name, params=items[name], rows=a["rows"], anchor=anchor,
                     anchor_rows=b["rows"], runs=a["runs"], seconds=a["seconds"], times=a["times"],
                     note=self._figure(a, {}, name), anchor_seconds=b["seconds"], anchor_times=b["times"],
                     anchor_note=self._figure(b, {}, name), ratio=ratio)

    def section_analytics(self, ctx: dict) -> None:
        from lianjian.graph.analytics import ANALYSES
        from lianjian.synth import TIERS

        tier = ctx["tier"]
        a, b = PARAMS["path"]
        path = [a.format(last=TIERS[tier] - 1), b.format(last=TIERS[tier] - 1)]
        names = [*ANALYSES, "shortest_path"]
        todo, left_out = self._not_tried("analytics", names)
        o = self.item_worker("analytics", {"cases": ctx["cases"], "runs": self.runs_for(tier, "analytics"), "budget": self.s.budget,
                                           "path": path, "repeat_limit": self.s.repeat_limit, "queries": list(todo)},
                             tier, "analytics", self.s.budget)
        self._remember_over("analytics", tier, o, None)
        t = TARGETS["analytics_s"]
        for name in names:
            r = o.summary(name)
            item = f"shortest_path({path[0]}, {path[1]})" if name == "shortest_path" else f"analyze({name!r})"
            self.add("analytics", tier=tier, item=item, rows=r["rows"], runs=r["runs"], seconds=r["seconds"], times=r["times"],
                     over_budget=r.get("over_budget"), note=self._figure(r, left_out, name),
                     status=status(r["seconds"] if r["seconds"] is not None else float("inf"), t, tier))

    def section_viz(self, ctx: dict) -> None:
        tier = ctx["tier"]
        html = ctx["work"] / "network.html"
        v = self.worker("viz", {"cases": ctx["cases"], "html": str(html), "runs": self.runs_for(tier, "viz"),
                                "repeat_limit": self.s.repeat_limit}, 3600, tier)
        page, view = v.first("page"), v.first("view")
        write, pyvis, layout, lists = (v.summary(k) for k in ("write_html", "to_pyvis", "layout", "lists"))
        load = Outcome()
        if html.is_file():
            load = self.worker("browser", {"html": str(html), "runs": self.runs_for(tier, "browser"), "chromium": CHROMIUM,
                                           "args": CHROMIUM_ARGS, "budget": self.s.budget}, 600, tier)
        loaded = load.summary("page-load")
        lists_s = lists["seconds"]
        n, e = view.get("nodes"), view.get("edges")
        self.add("viz", tier=tier, runs=write["runs"], write_html_seconds=write["seconds"], write_html_times=write["times"],
                 bytes=page.get("bytes"), page_nodes=page.get("nodes"), page_edges=page.get("edges"), view_nodes=n, view_edges=e,
                 view_seconds=view.get("seconds"), to_pyvis_seconds=pyvis["seconds"], layout_seconds=layout["seconds"],
                 lists_seconds=lists_s, lists_times=lists["times"],
                 lists_us_per_node=lists_s / n * 1e6 if lists_s and n else None,
                 lists_us_per_item=lists_s / (n + e) * 1e6 if lists_s and n else None,
                 browser_launch_seconds=load.first("launch").get("seconds"), load_runs=loaded["runs"], load_seconds=loaded["seconds"],
                 load_times=loaded["times"], load_error=load.error, status=status(loaded["seconds"], TARGETS["page_load_s"], tier))

    def section_rebuild(self) -> None:
        from lianjian.synth import TIERS

        n = self.s.rebuild_cases
        name = next((t for t, c in TIERS.items() if c == n), f"cases-{n}")
        source = self.corpus(name, n)
        work = self.work / "rebuild"
        cases = work / "cases"
        shutil.copytree(source, cases)
        cache = work / "cache"
        spec = {"cases": str(cases), "cache_dir": str(cache)}
        edited = cases / PARAMS["rebuild_file"].format(middle=n // 2)
        original = edited.read_text(encoding="utf-8")
        line = re.compile(PARAMS["rebuild_line"], re.M)
        if not line.search(original):
            raise click.ClickException(f"{edited}: no line matching {PARAMS['rebuild_line']!r} to edit")
        runs = self.s.runs
        steps: list[tuple[str, str, Outcome]] = []
        cold = self.worker("rebuild", {**spec, "mode": "cold"}, 3600, str(n), "rebuild: cold (fills the cache)")
        steps.append(("cold", "cold build, empty cache", cold))
        for i in range(runs):
            steps.append(("warm", "warm build, nothing changed",
                          self.worker("rebuild", {**spec, "mode": "warm"}, 3600, str(n), f"rebuild: warm {i + 1}/{runs}")))
        for i in range(runs):
            edited.write_text(line.sub(lambda m: f"{m.group(0)} (修订 {i + 1})", original, count=1), encoding="utf-8")
            steps.append(("changed", f"rebuild after one changed case file ({edited.name})",
                          self.worker("rebuild", {**spec, "mode": "changed"}, 3600, str(n), f"rebuild: changed {i + 1}/{runs}")))
        by_mode: dict[str, tuple[str, list]] = {}
        for mode, what, o in steps:
            by_mode.setdefault(mode, (what, []))[1].append(o)
        for mode, (what, outcomes) in by_mode.items():
            times = [o.first(mode)["seconds"] for o in outcomes if o.first(mode)]
            walls = [o.wall for o in outcomes if o.first(mode)]
            seconds = _median(times)
            target = {"warm": TARGETS["rebuild_warm_s"], "changed": TARGETS["rebuild_changed_s"]}.get(mode)
            st = ""
            if target:
                st = status(seconds, target, n)
            self.add("rebuild", cases=n, item=what, mode=mode, runs=len(times), seconds=seconds, times=times,
                     process_wall_seconds=_median(walls), triples=next((o.first(mode)["triples"] for o in outcomes if o.first(mode)), None),
                     peak_rss_mb=max((o.memory.get("peak_rss_mb", 0) for o in outcomes), default=None),
                     children_peak_rss_mb=max((o.memory.get("children_peak_rss_mb", 0) for o in outcomes), default=None),
                     cache=True, target=target["text"] if target else "", status=st)


def _rate(triples, seconds):
    return triples / seconds if triples and seconds else None


def merge_into(old: dict, new: dict) -> dict:
    """`old` results with the rows of `new`'s tiers and sections replaced by `new`'s, and the re-run recorded."""
    tiers, sections = new["settings"]["tiers"], new["settings"]["sections"]
    for section in sections:
        # the rebuild section has no tiers (its rows are per corpus size): a re-run of it replaces all its rows
        kept = [] if section == "rebuild" else [x for x in old["sections"].get(section, []) if x.get("tier") not in tiers]
        old["sections"][section] = kept + new["sections"].get(section, [])
    steps = {(w["tier"], w["step"]) for w in new["workers"]}
    old["workers"] = [w for w in old["workers"] if (w["tier"], w["step"]) not in steps] + new["workers"]
    old["errors"] = [e for e in old["errors"] if not any(e.startswith(f"[{t}] {step}:") for t, step in steps)] + new["errors"]
    old.setdefault("reruns", []).append({k: new.get(k) for k in ("command", "started", "finished")} | {"tiers": tiers, "sections": sections})
    return old


def write_results(results: dict, out: Path) -> tuple[Path, Path]:
    """Write results.json and results.md into `out` (atomically)."""
    from lianjian.io import atomic_write

    out.mkdir(parents=True, exist_ok=True)
    js = atomic_write(out / "results.json", json.dumps(results, ensure_ascii=False, indent=1, default=str) + "\n", option="--out")
    md = atomic_write(out / "results.md", render_markdown(results), option="--out")
    return js, md


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--tier", "tiers", type=click.Choice(["small", "medium", "large"]), multiple=True,
              help="Tier to measure (repeatable; default all three, smallest first).")
@click.option("--runs", type=click.IntRange(1), default=3, show_default=True,
              help="Runs per figure (median reported); the slow steps run once at the large tier.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=HERE, show_default="bench/",
              help="Folder for results.json and results.md.")
@click.option("--section", "sections", type=click.Choice(SECTIONS), multiple=True, help="Only these sections (repeatable).")
@click.option("--budget", type=click.FloatRange(1), default=60.0, show_default=True,
              help="Wall-clock seconds per run for rdflib queries, grand-cypher twins, analyses and page loads.")
@click.option("--store-budget", type=click.FloatRange(1), default=120.0, show_default=True,
              help="Wall-clock seconds per run on Oxigraph, bare pyoxigraph and LadybugDB (a stuck run's worker is killed).")
@click.option("--shacl-budget", type=click.FloatRange(1), default=300.0, show_default=True,
              help="Wall-clock seconds for SHACL validation at the large tier.")
@click.option("--repeat-limit", type=click.FloatRange(0), default=20.0, show_default=True,
              help="Stop repeating an item once its runs so far took longer than this (fewer runs, said in the results).")
@click.option("--rebuild-cases", type=click.IntRange(1), default=None,
              help="Corpus size for the rebuild section [default: 1000; 5 when only --tier small is measured].")
@click.option("--progress/--no-progress", default=None, help="Progress on standard error [default: when it is a terminal].")
@click.option("--into", type=click.Path(exists=True, dir_okay=False), default=None,
              help="An earlier results.json: replace its rows of these tiers and sections with this run's, and write beside it.")
def main(tiers, runs, out, sections, budget, store_budget, shacl_budget, repeat_limit, rebuild_cases, progress, into):
    """Measure lianjian on the synthetic tiers and write results.json and results.md."""
    # On SIGTERM, unwind like Ctrl-C: the running worker is killed and the temporary folder removed.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    summary = run_benchmark(tiers, runs, out, sections, budget=budget, store_budget=store_budget, shacl_budget=shacl_budget,
                            repeat_limit=repeat_limit,
                            rebuild_cases=rebuild_cases, progress=sys.stderr.isatty() if progress is None else progress, into=into)
    click.echo(f"wrote {summary['markdown']} and {summary['json']}")
    for error in summary["errors"]:
        click.echo(f"error: {error}", err=True)
    sys.exit(1 if summary["errors"] else 0)


def run_benchmark(tiers=(), runs: int = 3, out: str | Path = HERE, sections=(), *, budget: float = 60.0,
                  store_budget: float = 120.0, shacl_budget: float = 300.0, repeat_limit: float = 20.0, rebuild_cases: int | None = None,
                  progress: bool = False, into: str | Path | None = None) -> dict:
    """Run the benchmark (all tiers and sections unless named) and write the results; returns their paths and any errors.

    With `into` (an earlier results.json), the new rows replace that run's rows of the same tiers and sections, the
    re-run is recorded there, and the merged results are written beside it.
    """
    from lianjian.errors import UsageError
    from lianjian.synth import TIERS

    unknown = [t for t in tiers if t not in TIERS] + [s for s in sections if s not in SECTIONS]
    if unknown:
        raise UsageError(f"unknown tier or section: {', '.join(unknown)} (tiers: {', '.join(TIERS)}; sections: {', '.join(SECTIONS)})")
    chosen = [t for t in TIERS if t in tiers] if tiers else list(TIERS)
    if rebuild_cases is None:
        rebuild_cases = TIERS["small"] if chosen == ["small"] else 1000
    settings = Settings(tiers=chosen, runs=runs, out=Path(out), budget=budget, store_budget=store_budget, shacl_budget=shacl_budget,
                        repeat_limit=repeat_limit,
                        rebuild_cases=rebuild_cases, sections=tuple(s for s in SECTIONS if s in sections) if sections else SECTIONS,
                        progress=progress)
    results = Bench(settings).run()
    if into is not None:
        results = merge_into(json.loads(Path(into).read_text(encoding="utf-8")), results)
        out = Path(into).parent
    js, md = write_results(results, Path(out))
    return {"json": str(js), "markdown": str(md), "tiers": chosen, "errors": results["errors"]}


if __name__ == "__main__":
    main()
