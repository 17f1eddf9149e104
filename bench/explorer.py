"""Benchmark of the explorer's pages: entity pages and canned-query pages, against a bare store query as anchor.

    python bench/explorer.py                       # the bundled corpus and the 500-case synthetic tier
    python bench/explorer.py --cases 50 --runs 5   # a smaller synthetic tier

Each figure is the median of --runs requests through the app (Starlette's test client: routing, the page's
queries, the template), and its ratio to the anchor measured in the same run on the same store: one bare
pyoxigraph query for the entity's own triples. Results go to bench/explorer-results.md (and .json).
Targets (issue 14): an entity page or a canned query in under 100 ms on the bundled corpus, an entity page in
under 300 ms on the 500-case tier.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

ENTITIES = {"bundled": ["changning-district-committee", "shentong-metro-party-committee", "changning-district"],
            "synthetic": ["synth-00000-org-0", "synth-00000-org-1", "synth-00000-district"]}
QUERIES = {"bundled": [("organizations-in-area", {"area": "changning-district"}), ("evidence-for", {"entity": "changning-district-committee"}),
                       ("sector-matrix", {})],
           "synthetic": [("organizations-in-area", {"area": "synth-00000-district"}), ("evidence-for", {"entity": "synth-00000-org-1"}),
                         ("sector-matrix", {})]}


def _median_ms(fn, runs: int) -> float:
    fn()  # warm-up: templates compiled, caches filled
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def measure(name: str, kg, kind: str, runs: int) -> list[dict]:
    """Entity pages and query pages of one corpus, each with the anchor measured beside it."""
    from starlette.testclient import TestClient

    from lianjian.namespace import ID
    from lianjian.serve.app import create_app

    client = TestClient(create_app(kg))
    store = kg._ox  # the anchor runs on the very store the app reads
    rows = []
    for ident in ENTITIES[kind]:
        anchor = _median_ms(lambda: list(store.query(f"SELECT ?p ?o WHERE {{ <{ID[ident]}> ?p ?o }}",
                                                     use_default_graph_as_union=True)), runs)
        page = _median_ms(lambda: client.get(f"/entity/{ident}").raise_for_status(), runs)
        rows.append({"corpus": name, "what": f"/entity/{ident}", "ms": round(page, 2), "anchor_ms": round(anchor, 3),
                     "ratio": round(page / anchor, 1) if anchor else None, "runs": runs})
    for query, params in QUERIES[kind]:
        page = _median_ms(lambda: client.get(f"/queries/{query}", params=params).raise_for_status(), runs)
        rows.append({"corpus": name, "what": f"/queries/{query}", "ms": round(page, 2), "anchor_ms": rows[0]["anchor_ms"],
                     "ratio": round(page / rows[0]["anchor_ms"], 1) if rows[0]["anchor_ms"] else None, "runs": runs})
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=int, default=500, help="synthetic cases (0: bundled corpus only)")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--out", default=str(HERE), help="folder for explorer-results.md and .json")
    args = ap.parse_args(argv)

    from lianjian.graph import KnowledgeGraph
    from lianjian.synth import write_synth

    rows = measure("bundled", KnowledgeGraph.from_cases(), "bundled", args.runs)
    if args.cases:
        with tempfile.TemporaryDirectory(dir=HERE) as tmp:
            write_synth(Path(tmp) / "cases", args.cases)
            kg = KnowledgeGraph.from_cases([str(Path(tmp) / "cases")], bundled=False)
            rows += measure(f"synthetic {args.cases} cases ({len(kg):,} triples)", kg, "synthetic", args.runs)
    out = Path(args.out)
    (out / "explorer-results.json").write_text(json.dumps(rows, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    lines = ["# Explorer page times", "",
             f"{platform.platform()}, Python {platform.python_version()}; medians of {args.runs} requests through the app; "
             "anchor: a bare pyoxigraph query for the entity's own triples on the same store, measured in the same run.", "",
             "| corpus | page | median ms | anchor ms | ratio |", "|---|---|---:|---:|---:|"]
    lines += [f"| {r['corpus']} | `{r['what']}` | {r['ms']} | {r['anchor_ms']} | {r['ratio']}× |" for r in rows]
    (out / "explorer-results.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
