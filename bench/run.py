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
import inspect
import itertools
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import click
import yaml

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from machine import describe  # noqa: E402
from report import render_markdown  # noqa: E402

__all__ = ["Settings", "Bench", "run_benchmark", "write_results", "status", "main", "SECTIONS", "TIERS_DIR"]

SECTIONS = ("build", "queries", "cypher", "analytics", "viz", "rebuild")
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
    shacl_budget: float = 300.0
    repeat_limit: float = 20.0
    rebuild_cases: int = 1000
    sections: tuple[str, ...] = SECTIONS
    progress: bool = False


@dataclass
class Outcome:
    """What one worker process reported."""

    records: list[dict] = field(default_factory=list)
    memory: dict = field(default_factory=dict)
    wall: float = 0.0
    error: str | None = None

    def items(self, item: str) -> list[dict]:
        return [r for r in self.records if r.get("item") == item]

    def first(self, item: str) -> dict:
        found = self.items(item)
        return found[0] if found else {}


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


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


class Bench:
    """One benchmark run: launches the workers, collects rows per section, writes the results."""

    def __init__(self, settings: Settings):
        self.s = settings
        self.counter = itertools.count()
        TIERS_DIR.mkdir(parents=True, exist_ok=True)
        self.work = Path(tempfile.mkdtemp(dir=TIERS_DIR, prefix=".run-"))
        self.exceeded: dict[tuple[str, str], str] = {}  # (step, item) → tier where it went over budget
        self.results: dict = {
            "started": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "command": " ".join(["python", "bench/run.py", *sys.argv[1:]]),
            "settings": {"tiers": settings.tiers, "runs": settings.runs, "budget_s": settings.budget,
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

    # ------------------------------------------------------------------ plumbing

    def say(self, message: str) -> None:
        if self.s.progress:
            print(message, file=sys.stderr, flush=True)

    def runs_for(self, tier: str, step: str) -> int:
        return 1 if tier == "large" and step in SLOW_AT_LARGE else self.s.runs

    def worker(self, step: str, spec: dict, timeout: float, tier: str, label: str | None = None) -> Outcome:
        """Run bench/worker.py STEP in a fresh process (its own session, killed whole at `timeout`)."""
        label = label or step
        spec_path = self.work / f"spec-{next(self.counter)}.json"
        spec_path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
        outcome = Outcome()
        killed = threading.Event()
        with tempfile.TemporaryFile("w+", encoding="utf-8") as err:
            start = time.perf_counter()
            proc = subprocess.Popen([sys.executable, str(HERE / "worker.py"), step, str(spec_path)],
                                    stdout=subprocess.PIPE, stderr=err, text=True, encoding="utf-8", start_new_session=True)

            def kill() -> None:
                killed.set()
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass

            timer = threading.Timer(timeout, kill)
            timer.start()
            try:
                for line in proc.stdout:
                    try:
                        record = json.loads(line)
                    except ValueError:
                        continue
                    if record.get("item") == "memory":
                        outcome.memory = {k: v for k, v in record.items() if k != "item"}
                        continue
                    outcome.records.append(record)
                    self.say(f"  [{tier}] {label}: {_progress_text(record)}")
                proc.wait()
            except BaseException:
                kill()
                raise
            finally:
                timer.cancel()
            outcome.wall = time.perf_counter() - start
            if proc.returncode != 0:
                err.seek(0)
                lines = [ln for ln in err.read().splitlines() if ln.strip()]
                outcome.error = (f"killed at the {timeout:.0f} s time limit" if killed.is_set()
                                 else (lines[-1] if lines else f"exit status {proc.returncode}"))
        self.results["workers"].append({"tier": tier, "step": label, "wall_s": round(outcome.wall, 3), **outcome.memory,
                                        "error": outcome.error})
        if outcome.error:
            self.results["errors"].append(f"[{tier}] {label}: {outcome.error}")
            self.say(f"  [{tier}] {label}: FAILED: {outcome.error}")
        return outcome

    def add(self, section: str, **row) -> None:
        self.results["sections"][section].append(row)

    def corpus(self, name: str, cases: int) -> Path:
        """The synthetic corpus folder bench/tiers/NAME (seed 0), generated when missing or made by another synth."""
        from lianjian import synth

        folder = TIERS_DIR / name
        stamp = TIERS_DIR / f"{name}.stamp"
        mark = f"{cases} {hashlib.sha256(Path(synth.__file__).read_bytes()).hexdigest()}"
        if not folder.is_dir() or not stamp.is_file() or stamp.read_text() != mark:
            self.say(f"generating the {name} corpus ({cases} cases) in {folder} …")
            synth.write_synth(folder, cases, seed=0)
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
        if parse_s and build_s:
            self.add("build", tier=tier, item="cold build ÷ rdflib N-Triples parse", ratio=build_s / parse_s)

        n = self.runs_for(tier, "shacl")
        limit = self.s.shacl_budget if tier == "large" else None
        shacl_runs = [self.worker("shacl", {**base, "budget": limit}, (limit or 3000) + 600, tier, f"SHACL {i + 1}/{n}") for i in range(n)]
        shacl = [o.first("shacl") for o in shacl_runs if o.first("shacl")]
        shacl_times = [r["seconds"] for r in shacl if "seconds" in r]
        over = next((r["over_budget"] for r in shacl if "over_budget" in r), None)
        self.add("build", tier=tier, item="SHACL: kg.validate() (pyshacl; build not timed)", runs=len(shacl_times),
                 seconds=_median(shacl_times), times=shacl_times, over_budget=over, triples=triples,
                 rate=_rate(triples, _median(shacl_times)), conforms=shacl[0].get("conforms") if shacl else None,
                 peak_rss_mb=max((o.memory.get("peak_rss_mb", 0) for o in shacl_runs), default=None))

        y = self.worker("yaml", {**base, "runs": runs, "repeat_limit": self.s.repeat_limit}, 1800, tier)
        for item, what in (("yaml-load", "context: PyYAML C loader, yaml.load"), ("yaml-compose", "context: PyYAML C loader, yaml.compose (as the case reader)")):
            r = y.first(item)
            if r:
                self.add("build", tier=tier, item=what, runs=len(r["times"]), seconds=r["seconds"], times=r["times"],
                         mb_per_s=r["bytes"] / 1e6 / r["seconds"], bytes=r["bytes"])

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

    def _slow_engine_items(self, step: str, items: dict) -> tuple[dict, dict]:
        """Split items into those to run and those skipped because they went over budget at a smaller tier."""
        run = {k: v for k, v in items.items() if (step, k) not in self.exceeded}
        skipped = {k: self.exceeded[(step, k)] for k in items if (step, k) in self.exceeded}
        return run, skipped

    def section_queries(self, ctx: dict) -> None:
        tier = ctx["tier"]
        params, defaulted, selective = self._query_params()
        ox = self.worker("sparql", {"cases": ctx["cases"], "engine": "oxigraph", "nq": ctx["nq"], "queries": params,
                                    "runs": self.s.runs, "repeat_limit": self.s.repeat_limit}, 3600, tier, "sparql-oxigraph")
        todo, skipped = self._slow_engine_items("sparql-rdflib", params)
        n = self.runs_for(tier, "sparql-rdflib")
        rd = self.worker("sparql", {"cases": ctx["cases"], "engine": "rdflib", "queries": todo, "runs": n, "budget": self.s.budget,
                                    "repeat_limit": self.s.repeat_limit},
                         1800 + len(todo) * n * (self.s.budget + 5), tier, "sparql-rdflib")
        for o, engine in ((ox, "oxigraph"), (rd, "rdflib")):
            b = o.first("build")
            if b:
                self.add("build", tier=tier, item=f"engine build inside the query worker: from_cases(engine={engine!r})", runs=1,
                         seconds=b["seconds"], times=[b["seconds"]], triples=b["triples"], rate=_rate(b["triples"], b["seconds"]))
        tr, ts = TARGETS["query_ratio"], TARGETS["query_selective_s"]
        for name in params:
            d, r = ox.first(name), rd.first(name)
            if "over_budget" in r:
                self.exceeded[("sparql-rdflib", name)] = tier
            ratio = d["seconds"] / d["bare_seconds"] if d.get("seconds") and d.get("bare_seconds") else None
            speedup = r["seconds"] / d["seconds"] if r.get("seconds") and d.get("seconds") else None
            rd_text = None
            if "over_budget" in r:
                rd_text = f"> {r['over_budget']:g} s"
            elif name in skipped:
                rd_text = f"not run (over budget at {skipped[name]})"
            self.add("queries", tier=tier, query=name, params=params[name], defaulted=defaulted[name], selective=selective[name],
                     rows=d.get("rows"), bare_rows=d.get("bare_rows"), rdflib_rows=r.get("rows"), runs=len(d.get("times", [])),
                     seconds=d.get("seconds"), times=d.get("times"), bare_seconds=d.get("bare_seconds"), bare_times=d.get("bare_times"),
                     ratio=ratio, ratio_status=status(ratio, tr, tier), rdflib_seconds=r.get("seconds"), rdflib_times=r.get("times"),
                     rdflib_runs=len(r.get("times", [])), rdflib_note=rd_text,
                     speedup=speedup if speedup else (r["over_budget"] / d["seconds"] if "over_budget" in r and d.get("seconds") else None),
                     speedup_at_least="over_budget" in r,
                     selective_status=status(d.get("seconds"), ts, tier) if selective[name] else "",
                     error=None if d else "no result (see errors)")

    def section_cypher(self, ctx: dict) -> None:
        from lianjian.queries import cypher_catalogue

        tier = ctx["tier"]
        by_name = PARAMS["by_name"]
        queries = {name: {p.name: str(by_name[p.name]) for p in q.parameters if p.name in by_name}
                   for name, q in cypher_catalogue().items()}
        lb = self.worker("cypher", {"cases": ctx["cases"], "engine": "ladybug", "queries": queries, "runs": self.s.runs,
                                    "db_dir": str(ctx["work"] / "ladybug"), "repeat_limit": self.s.repeat_limit},
                         3600, tier, "cypher-ladybug")
        todo, skipped = self._slow_engine_items("cypher-grand-cypher", queries)
        n = self.runs_for(tier, "cypher-grand-cypher")
        gc = self.worker("cypher", {"cases": ctx["cases"], "engine": "grand-cypher", "queries": todo, "runs": n,
                                    "budget": self.s.budget, "repeat_limit": self.s.repeat_limit},
                         1800 + len(todo) * n * (self.s.budget + 5), tier, "cypher-grand-cypher")
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
            a, b = lb.first(name), gc.first(name)
            if "over_budget" in b:
                self.exceeded[("cypher-grand-cypher", name)] = tier
            gc_note = b.get("skipped")
            if "over_budget" in b:
                gc_note = f"> {b['over_budget']:g} s"
            elif name in skipped:
                gc_note = f"not run (over budget at {skipped[name]})"
            self.add("cypher", tier=tier, query=name, params=queries[name], rows=a.get("rows"), runs=len(a.get("times", [])),
                     seconds=a.get("seconds"), times=a.get("times"), note=a.get("skipped"),
                     status=status(a.get("seconds"), t, tier) if a.get("seconds") is not None else "",
                     grand_cypher_seconds=b.get("seconds"), grand_cypher_rows=b.get("rows"), grand_cypher_runs=len(b.get("times", [])),
                     grand_cypher_note=gc_note)

    def section_analytics(self, ctx: dict) -> None:
        from lianjian.graph.analytics import ANALYSES
        from lianjian.synth import TIERS

        tier = ctx["tier"]
        a, b = PARAMS["path"]
        path = [a.format(last=TIERS[tier] - 1), b.format(last=TIERS[tier] - 1)]
        n = self.runs_for(tier, "analytics")
        names = [*ANALYSES, "shortest_path"]
        todo, skipped = self._slow_engine_items("analytics", dict.fromkeys(names))
        o = self.worker("analytics", {"cases": ctx["cases"], "runs": n, "budget": self.s.budget, "path": path,
                                      "repeat_limit": self.s.repeat_limit, "skip": sorted(skipped)},
                        1800 + len(todo) * n * (self.s.budget + 5), tier)
        t = TARGETS["analytics_s"]
        for name in names:
            r = o.first(name)
            over = r.get("over_budget")
            if over:
                self.exceeded[("analytics", name)] = tier
            item = f"shortest_path({path[0]}, {path[1]})" if name == "shortest_path" else f"analyze({name!r})"
            note = f"not run (over budget at {skipped[name]})" if name in skipped else ("" if r else "no result (see errors)")
            self.add("analytics", tier=tier, item=item, rows=r.get("rows"), runs=len(r.get("times", [])), seconds=r.get("seconds"),
                     times=r.get("times"), over_budget=over, note=note,
                     status=status(float("inf") if over or name in skipped else r.get("seconds"), t, tier))

    def section_viz(self, ctx: dict) -> None:
        tier = ctx["tier"]
        html = ctx["work"] / "network.html"
        n = self.runs_for(tier, "viz")
        v = self.worker("viz", {"cases": ctx["cases"], "html": str(html), "runs": n, "repeat_limit": self.s.repeat_limit}, 3600, tier)
        page, lists = v.first("write_html"), v.first("to_pyvis")
        load = Outcome()
        if html.is_file():
            load = self.worker("browser", {"html": str(html), "runs": self.runs_for(tier, "browser"), "chromium": CHROMIUM,
                                           "args": CHROMIUM_ARGS, "budget": self.s.budget}, 600, tier)
        loads = [r["seconds"] for r in load.items("page-load")]
        t = TARGETS["page_load_s"]
        lists_s = lists.get("lists_seconds")
        items = (lists.get("nodes") or 0) + (lists.get("edges") or 0)
        self.add("viz", tier=tier, runs=len(page.get("times", [])), write_html_seconds=page.get("seconds"), bytes=page.get("bytes"),
                 page_nodes=page.get("nodes"), page_edges=page.get("edges"), view_nodes=lists.get("nodes"), view_edges=lists.get("edges"),
                 to_pyvis_seconds=lists.get("seconds"), layout_seconds=lists.get("layout_seconds"), lists_seconds=lists_s,
                 lists_us_per_node=lists_s / lists["nodes"] * 1e6 if lists_s and lists.get("nodes") else None,
                 lists_us_per_item=lists_s / items * 1e6 if lists_s and items else None,
                 browser_launch_seconds=load.first("launch").get("seconds"), load_runs=len(loads), load_seconds=_median(loads),
                 load_times=loads, load_error=load.error, status=status(_median(loads), t, tier))

    def section_rebuild(self) -> None:
        from lianjian.graph import KnowledgeGraph
        from lianjian.synth import TIERS

        n = self.s.rebuild_cases
        name = next((t for t, c in TIERS.items() if c == n), f"cases-{n}")
        source = self.corpus(name, n)
        work = self.work / "rebuild"
        cases = work / "cases"
        shutil.copytree(source, cases)
        cache = work / "cache"
        has_cache = "cache_dir" in inspect.signature(KnowledgeGraph.from_cases).parameters
        spec = {"cases": str(cases), "cache_dir": str(cache) if has_cache else None}
        edited = cases / PARAMS["rebuild_file"].format(middle=n // 2)
        original = edited.read_text(encoding="utf-8")
        line = re.compile(PARAMS["rebuild_line"], re.M)
        if not line.search(original):
            raise click.ClickException(f"{edited}: no line matching {PARAMS['rebuild_line']!r} to edit")
        runs = self.s.runs
        steps: list[tuple[str, str, Outcome]] = []
        cold = self.worker("rebuild", {**spec, "mode": "cold"}, 3600, str(n), "rebuild: cold (fills the cache)")
        steps.append(("cold", "cold build, empty cache" if has_cache else "cold build (no cache in the library yet)", cold))
        for i in range(runs):
            steps.append(("warm", "warm build, nothing changed",
                          self.worker("rebuild", {**spec, "mode": "warm"}, 3600, str(n), f"rebuild: warm {i + 1}/{runs}")))
        for i in range(runs):
            edited.write_text(line.sub(lambda m: f"{m.group(0)} (修订 {i + 1})", original, count=1), encoding="utf-8")
            steps.append(("changed", f"rebuild after one changed case file ({edited.name})",
                          self.worker("rebuild", {**spec, "mode": "changed"}, 3600, str(n), f"rebuild: changed {i + 1}/{runs}")))
        by_mode: dict[str, list] = {}
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
                if not has_cache and not st.startswith("n/a"):
                    st = "not met (no cache yet)"
            self.add("rebuild", cases=n, item=what, mode=mode, runs=len(times), seconds=seconds, times=times,
                     process_wall_seconds=_median(walls), triples=next((o.first(mode)["triples"] for o in outcomes if o.first(mode)), None),
                     peak_rss_mb=max((o.memory.get("peak_rss_mb", 0) for o in outcomes), default=None),
                     children_peak_rss_mb=max((o.memory.get("children_peak_rss_mb", 0) for o in outcomes), default=None),
                     cache=has_cache, target=target["text"] if target else "", status=st)


def _rate(triples, seconds):
    return triples / seconds if triples and seconds else None


def _progress_text(record: dict) -> str:
    parts = [str(record.get("item"))]
    if "seconds" in record and isinstance(record["seconds"], (int, float)):
        parts.append(f"{record['seconds']:.3f} s")
    if "over_budget" in record:
        parts.append(f"over the {record['over_budget']:g} s budget")
    if "skipped" in record:
        parts.append(record["skipped"])
    return " ".join(parts)


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
@click.option("--shacl-budget", type=click.FloatRange(1), default=300.0, show_default=True,
              help="Wall-clock seconds for SHACL validation at the large tier.")
@click.option("--repeat-limit", type=click.FloatRange(0), default=20.0, show_default=True,
              help="Stop repeating an item once its runs so far took longer than this (fewer runs, said in the results).")
@click.option("--rebuild-cases", type=click.IntRange(1), default=None,
              help="Corpus size for the rebuild section [default: 1000; 5 when only --tier small is measured].")
@click.option("--progress/--no-progress", default=None, help="Progress on standard error [default: when it is a terminal].")
def main(tiers, runs, out, sections, budget, shacl_budget, repeat_limit, rebuild_cases, progress):
    """Measure lianjian on the synthetic tiers and write results.json and results.md."""
    summary = run_benchmark(tiers, runs, out, sections, budget=budget, shacl_budget=shacl_budget, repeat_limit=repeat_limit,
                            rebuild_cases=rebuild_cases, progress=sys.stderr.isatty() if progress is None else progress)
    click.echo(f"wrote {summary['markdown']} and {summary['json']}")
    for error in summary["errors"]:
        click.echo(f"error: {error}", err=True)
    sys.exit(1 if summary["errors"] else 0)


def run_benchmark(tiers=(), runs: int = 3, out: str | Path = HERE, sections=(), *, budget: float = 60.0,
                  shacl_budget: float = 300.0, repeat_limit: float = 20.0, rebuild_cases: int | None = None,
                  progress: bool = False) -> dict:
    """Run the benchmark (all tiers and sections unless named) and write the results; returns their paths and any errors."""
    from lianjian.errors import UsageError
    from lianjian.synth import TIERS

    unknown = [t for t in tiers if t not in TIERS] + [s for s in sections if s not in SECTIONS]
    if unknown:
        raise UsageError(f"unknown tier or section: {', '.join(unknown)} (tiers: {', '.join(TIERS)}; sections: {', '.join(SECTIONS)})")
    chosen = [t for t in TIERS if t in tiers] if tiers else list(TIERS)
    if rebuild_cases is None:
        rebuild_cases = TIERS["small"] if chosen == ["small"] else 1000
    settings = Settings(tiers=chosen, runs=runs, out=Path(out), budget=budget, shacl_budget=shacl_budget, repeat_limit=repeat_limit,
                        rebuild_cases=rebuild_cases, sections=tuple(s for s in SECTIONS if s in sections) if sections else SECTIONS,
                        progress=progress)
    results = Bench(settings).run()
    js, md = write_results(results, Path(out))
    return {"json": str(js), "markdown": str(md), "tiers": chosen, "errors": results["errors"]}


if __name__ == "__main__":
    main()
