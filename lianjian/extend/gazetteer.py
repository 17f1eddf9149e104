"""The gazetteer `suggest` matches against: the labels and aliases of the graph's entities, and their places."""

from __future__ import annotations

import weakref
from dataclasses import dataclass


from lianjian.extend.document import CJK, add_words
from lianjian.loaders.text import normalize
from lianjian.ontology import model, reachable

__all__ = ["Label", "known_labels", "entity_places"]

_UNNAMED_SECTIONS = {"relationships", "observations", "events"}
#: Labels this short, and common words (jieba frequency at least this), are too vague to trust alone.


# --------------------------------------------------------------------------
# Known labels


@dataclass(frozen=True)
class Label:
    entity: str
    section: str
    primary: bool
    sources: int


_LABEL_CACHE: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _section_of_labels() -> dict[str, str]:
    return {spec["class"].split(":")[-1]: name for name, spec in model()["sections"].items()}


def known_labels(kg) -> dict[str, list[Label]]:
    """Normalised label → the entities of the graph that carry it (rdfs:label, skos:altLabel, skos:prefLabel)."""
    cached = _LABEL_CACHE.get(kg)
    if cached is not None:
        return cached
    sections = _section_of_labels()
    index: dict[str, list[Label]] = {}
    words: dict[str, str] = {}
    for node, attrs in kg.to_networkx().nodes(data=True):
        section = next((sections[c] for c in sorted(attrs["__labels__"]) if c in sections), None)
        if section is None or section in _UNNAMED_SECTIONS:
            continue
        primaries = {attrs.get("label_zh"), attrs.get("label_zh_hant")}
        for text in [attrs.get("label_zh"), attrs.get("label_zh_hant"), *attrs.get("aliases", [])]:
            if not isinstance(text, str) or not CJK.search(text):
                continue
            key = normalize(text)
            if len(key) < 2:
                continue
            entries = index.setdefault(key, [])
            if not any(e.entity == node for e in entries):
                entries.append(Label(node, section, text in primaries, len(attrs.get("sources", []))))
            elif text in primaries:
                entries[:] = [Label(e.entity, e.section, True, e.sources) if e.entity == node else e for e in entries]
            tag = {"persons": "nr", "areas": "ns"}.get(section, "nt")
            if len(key) >= 2 and '"' not in key:
                words[key] = tag
    add_words(words)
    _LABEL_CACHE[kg] = index
    return index


_PLACE_CACHE: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_PLACE_EDGES = {"LOCATED_IN", "ATTACHED_TO", "WITHIN"}


def entity_places(kg) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(entity → the areas it is tied to, area → itself and every area within it)."""
    cached = _PLACE_CACHE.get(kg)
    if cached is not None:
        return cached
    g = kg.to_networkx()
    index = known_labels(kg)
    area_labels = {k: {e.entity for e in v if e.section == "areas"} for k, v in index.items() if len(k) >= 3}
    area_labels = {k: v for k, v in area_labels.items() if v}
    areas_of: dict[str, set[str]] = {}
    children: dict[str, set[str]] = {}
    for node, attrs in g.nodes(data=True):
        is_area = "Area" in attrs["__labels__"]
        tied = set()
        for target, edge in g[node].items():
            if edge["__labels__"] & _PLACE_EDGES and "Area" in g.nodes[target]["__labels__"]:
                tied.add(target)
                if is_area and "WITHIN" in edge["__labels__"]:
                    children.setdefault(target, set()).add(node)
        label = normalize(attrs.get("label_zh", ""))
        for key, ids in area_labels.items():
            if key in label and node not in ids:
                tied |= ids
        if tied and not is_area:
            areas_of[node] = tied
    below: dict[str, set[str]] = {}
    for area in {a for ids in areas_of.values() for a in ids} | set(children):
        below[area] = reachable(area, children)
    _PLACE_CACHE[kg] = (areas_of, below)
    return areas_of, below


