"""The benchmark suite runs end to end on the small tier and reports every section (no timing assertions)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECTIONS = ("build", "queries", "cypher", "servers", "analytics", "viz", "rebuild")


def test_bench_small_tier(tmp_path):
    # A short budget keeps grand-cypher's and rdflib's slowest small-tier runs from dominating the test's time.
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--tier", "small", "--runs", "1", "--budget", "2",
                           "--out", str(tmp_path), "--no-progress"], capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    md = (tmp_path / "results.md").read_text(encoding="utf-8")
    assert results["errors"] == []
    assert list(results["tiers"]) == ["small"] and results["tiers"]["small"]["triples"] > 5000
    for section in SECTIONS:
        assert results["sections"][section], f"section {section} has no rows"
    for title in ("## Machine", "## 1. Build", "## 2. SPARQL queries", "## 3. Cypher", "## 4. Analytics", "## 5. Network page",
                  "## 6. Rebuild"):
        assert title in md
    machine = results["machine"]
    assert machine["cpu"] and machine["python"] and set(machine["libraries"]) >= {"rdflib", "pyoxigraph", "ladybug", "PyYAML"}

    from lianjian.queries import cypher_catalogue, sparql_catalogue

    queries = {r["query"]: r for r in results["sections"]["queries"]}
    assert set(queries) == set(sparql_catalogue())
    # Every query ran on the default engine, and bare pyoxigraph found the same number of rows.
    for name, r in queries.items():
        assert r["seconds"] is not None and r["rows"] == r["bare_rows"], name
    twins = {r["query"] for r in results["sections"]["cypher"] if "query" in r}
    assert twins == set(cypher_catalogue())
    # The servers: every canned query on Virtuoso and every twin on FalkorDB, with their anchor's row count. A server
    # that is not installed is "not measured" on a user's machine, never under CI (.ci/run installs both).
    servers = results["sections"]["servers"]
    missing = {r["server"] for r in servers if r.get("item") == "not measured"}
    assert not (missing and os.environ.get("CI")), missing
    for server, catalogue in (("virtuoso", sparql_catalogue()), ("falkordb", cypher_catalogue())):
        if server not in missing:
            rows = {r["query"]: r for r in servers if r["server"] == server and "query" in r}
            assert set(rows) == set(catalogue), server
            for name, r in rows.items():
                assert r["seconds"] is not None and r["rows"] == r["anchor_rows"], (server, name, r.get("note"))
    assert "## 7. Servers" in md
    items = {r["item"] for r in results["sections"]["build"]}
    assert {"floor: pyoxigraph Store().bulk_load(N-Quads)", "floor: rdflib Graph().parse(N-Triples of the union)"} <= items
    page = results["sections"]["viz"][0]
    assert page["bytes"] > 0 and page["load_seconds"] is not None
    rebuild = results["sections"]["rebuild"]
    assert {r["mode"] for r in rebuild} == {"cold", "warm", "changed"}
    # The edited case file still builds, to the same number of triples.
    assert len({r["triples"] for r in rebuild}) == 1 and rebuild[0]["triples"] > 5000


def test_hotspots_profiles_a_build_of_the_bundled_cases():
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "hotspots.py"), "build", "--cases", str(ROOT / "lianjian" / "cases"),
                           "--top", "5"], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.startswith("wall time under the profiler: ")
    assert "load_corpus" in proc.stdout and "ncalls" in proc.stdout
