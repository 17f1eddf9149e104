"""The network page's visual vocabulary (from style.yaml) and the labels of the graph's vocabularies."""

from __future__ import annotations

import functools
from importlib import resources

import yaml
from rdflib import URIRef

__all__ = ["SECTOR_COLOURS", "SHAPES", "EDGE_KINDS", "INFERRED_EDGE", "node_style", "edge_style", "vocabulary_labels"]


@functools.lru_cache(maxsize=1)
def _style() -> dict:
    text = (resources.files("lianjian") / "graph" / "style.yaml").read_text(encoding="utf-8")
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


SECTOR_COLOURS: dict = _style()["sector_colours"]
SHAPES: dict = _style()["shapes"]
EDGE_KINDS: dict = _style()["edges"]
#: Projection edges the network page leaves out.
HIDDEN_EDGES: frozenset = frozenset(_style()["hidden_edges"])
#: How an inferred tie is drawn (dashed) and named in the legend.
INFERRED_EDGE: dict = _style()["inferred"]


def node_style(d: dict) -> dict:
    """Colour (by sector, else by family) and shape (by kind family) of a projected node."""
    labels = d["__labels__"]
    shape_key = next((k for k in SHAPES if k in labels), "Organization")
    if "Organization" in labels:
        colour = SECTOR_COLOURS.get(d.get("sector") or "other", SECTOR_COLOURS["other"])
    else:
        colour = next((c for fam, c in _style()["family_colours"].items() if fam in labels), SECTOR_COLOURS["other"])
    return {"shape": SHAPES[shape_key]["shape"], "color": colour, "family": shape_key, "sector": d.get("sector", "")}


_EDGE_TYPE_KIND = {"HAS_MEMBER": "membership", "SUB_ORGANIZATION_OF": "subordination", "PARTY_ORGANIZATION_OF": "subordination"}


def edge_style(d: dict) -> dict:
    """vis-network edge options for a view edge, by relation kind (LINKED_WITH) or edge type; dashed when inferred."""
    key = d.get("kind") if d.get("type") == "LINKED_WITH" else _EDGE_TYPE_KIND.get(d.get("type"), d.get("type"))
    style = EDGE_KINDS.get(key) or EDGE_KINDS["other"]
    out = {"color": style["color"], "width": style.get("width", 1), "kind": key if key in EDGE_KINDS else "other"}
    if style.get("dashes"):
        out["dashes"] = style["dashes"]
    if d.get("basis") == "inferred":
        out["dashes"] = INFERRED_EDGE["dashes"]
    if style.get("arrows"):
        out["arrows"] = style["arrows"]
    return out


def vocabulary_labels(kg) -> dict:
    """Chinese and English labels of sectors, relation kinds, mechanisms and sources, for legends and filters."""
    rows = kg.select("""
        SELECT ?c ?zh ?en WHERE {
          { ?c skos:inScheme ?scheme } UNION { ?c a lj:SourceDocument }
          OPTIONAL { ?c skos:prefLabel|dcterms:title ?zh FILTER(LANG(?zh) = "" || LANGMATCHES(LANG(?zh), "zh-Hans")) }
          OPTIONAL { ?c skos:prefLabel|dcterms:title ?en FILTER(LANGMATCHES(LANG(?en), "en")) }
        }""")
    from lianjian.results import short

    out: dict = {}
    for r in rows:
        key = short(URIRef(r["c"]))  # sector:community, relation:pairing, mechanism:…, source:…
        out.setdefault(key, {"zh": r.get("zh", key), "en": r.get("en", r.get("zh", key))})
    for kind, style in EDGE_KINDS.items():
        out.setdefault(f"relation:{kind}", {"zh": style["zh"], "en": style["en"]})
    return out
