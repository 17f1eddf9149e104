"""What a knowledge graph holds: counts per class, per source document and per sector; sector coverage; stated vs inferred."""

from __future__ import annotations

from lianjian.namespace import local_name
from lianjian.queries import internal_query

__all__ = ["graph_stats"]


def graph_stats(kg) -> dict:
    """Counts of the graph's contents, as plain data (triples, classes, sources, sectors, mechanisms), the share of
    relationships with a sector at every end, and stated vs inferred statements."""
    classes = {local_name(r["class"]): r["count"] for r in kg.select(internal_query("stats-classes").text)}
    sources = [
        {"source": local_name(r["source"]), "file": r.get("file", ""), "title": r.get("title", ""),
         "entities": r["entities"], "relationships": r["relationships"], "quotes": r["quotes"]}
        for r in kg.select(internal_query("stats-sources").text)
    ]
    sectors = [
        {"sector": local_name(r["sector"]), "label_zh": r.get("label_zh", ""), "label_en": r.get("label_en", ""), "organizations": r["organizations"]}
        for r in kg.select(internal_query("stats-sectors").text)
    ]
    depths = [r["depth"] for r in kg.select(internal_query("stats-mechanisms").text)]
    coverage = kg.select(internal_query("stats-sector-coverage").text)[0]
    total, covered = int(coverage.get("relationships", 0)), int(coverage.get("with_sectors", 0))
    basis = {r["statements"]: {"stated": int(r["stated"]), "inferred": int(r["inferred"])}
             for r in kg.select(internal_query("stats-basis").text)}
    return {
        "triples": len(kg),
        "engine": kg.engine,
        "classes": classes,
        "sources": sources,
        "sectors": sectors,
        "mechanisms": {"concepts": len(depths), "depth": max(depths, default=0)},
        "sector_coverage": {"relationships": total, "with_sectors": covered,
                            "percent": round(100.0 * covered / total, 1) if total else 100.0},
        "basis": basis,
    }
