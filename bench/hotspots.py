"""Profile one slow library operation on a tier with cProfile: ``python bench/hotspots.py TARGET [--tier large]``.

(Not named profile.py: run as a script, that name would hide the standard library's `profile`, which cProfile imports.)

Targets: ``build``, ``projection``, ``ladybug-load``, ``write-html``, ``shacl``,
``analysis:NAME``, ``sparql:NAME`` (a canned query on Oxigraph), ``rebuild`` (the
cached rebuild after one changed case file, on a copy of the tier). Whatever the
target needs first (the graph, the projection, the filled cache) is built before
the profiler starts. Prints the functions with the most time of their own and
the most cumulative time.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import sys
import tempfile
import time
from pathlib import Path

import click
import yaml

HERE = Path(__file__).resolve().parent

__all__ = ["profile", "main"]


def _operation(target: str, cases: Path):
    """(what to run under the profiler) for a target, after building what it needs."""
    from lianjian.cache import cached_graph
    from lianjian.graph import KnowledgeGraph

    if target == "build":
        return lambda: KnowledgeGraph.from_cases([cases], bundled=False)
    if target == "rebuild":
        import re
        import shutil

        work = Path(tempfile.mkdtemp(prefix="lianjian-profile-"))
        shutil.copytree(cases, work / "cases")
        cached_graph([work / "cases"], bundled=False, cache_dir=work / "cache")
        params = yaml.safe_load((HERE / "params.yaml").read_text(encoding="utf-8"))
        n = len(list((work / "cases").glob("synth-*.yaml")))
        edited = work / "cases" / params["rebuild_file"].format(middle=n // 2)
        text = edited.read_text(encoding="utf-8")
        edited.write_text(re.sub(params["rebuild_line"], lambda m: m.group(0) + " (修订)", text, count=1, flags=re.M), encoding="utf-8")
        return lambda: cached_graph([work / "cases"], bundled=False, cache_dir=work / "cache")
    kg = KnowledgeGraph.from_cases([cases], bundled=False)
    if target == "projection":
        from lianjian.graph.projection import to_networkx

        return lambda: to_networkx(kg)
    if target == "shacl":
        return kg.validate
    if target.startswith("sparql:"):
        from lianjian.queries.run import run_sparql

        name = target.split(":", 1)[1]
        from lianjian.queries import get_query

        by_name = yaml.safe_load((HERE / "params.yaml").read_text(encoding="utf-8"))["by_name"]
        params = {p.name: str(by_name[p.name]) for p in get_query(name).parameters if p.name in by_name}
        return lambda: run_sparql(kg, name, params)
    kg.to_networkx()
    if target.startswith("analysis:"):
        from lianjian.graph.analytics import analyze

        return lambda: analyze(kg, target.split(":", 1)[1])
    if target == "ladybug-load":
        from lianjian.queries.cypher import ladybug_database

        folder = tempfile.mkdtemp(prefix="lianjian-profile-")
        return lambda: ladybug_database(kg, folder)
    if target == "write-html":
        from lianjian.graph.viz import write_html

        out = Path(tempfile.mkdtemp(prefix="lianjian-profile-")) / "network.html"
        return lambda: write_html(kg, str(out))
    raise click.BadParameter(f"unknown target {target!r}", param_hint="TARGET")


def profile(fn, top: int = 25) -> str:
    """Run `fn` under cProfile; the report sorted by own time and by cumulative time."""
    prof = cProfile.Profile()
    start = time.perf_counter()
    prof.runcall(fn)
    wall = time.perf_counter() - start
    out = io.StringIO()
    out.write(f"wall time under the profiler: {wall:.2f} s\n")
    for key in ("tottime", "cumulative"):
        stats = pstats.Stats(prof, stream=out)
        stats.strip_dirs().sort_stats(key).print_stats(top)
    return out.getvalue()


@click.command()
@click.argument("target")
@click.option("--tier", default="large", show_default=True, help="A folder under bench/tiers/ (small, medium, large, cases-1000).")
@click.option("--cases", "cases_dir", type=click.Path(file_okay=False, path_type=Path),
              help="A folder of case files to profile on instead of a tier.")
@click.option("--top", type=int, default=25, show_default=True, help="Functions listed per ordering.")
def main(target, tier, cases_dir, top):
    """Profile TARGET (build, projection, ladybug-load, write-html, shacl, analysis:NAME, sparql:NAME, rebuild) on a generated tier."""
    cases = cases_dir or HERE / "tiers" / tier
    if not cases.is_dir():
        raise click.ClickException(f"{cases} does not exist: run `python bench/run.py --tier {tier}` first")
    click.echo(profile(_operation(target, cases), top))


if __name__ == "__main__":
    sys.exit(main())
