"""What changed between two builds of the graph: entities, joint-building links and mechanisms.

Both files (.ttl, .trig, .nt, .nq, as `lianjian build` writes them) are parsed
with pyoxigraph into a `KnowledgeGraph` and compared through the property-graph
projection: entities by id and class, links as the pairs of entities that a
joint-building relationship joins (``LINKED_WITH``), mechanisms by id.
"""

from __future__ import annotations

from pathlib import Path


__all__ = ["diff", "render_diff"]

#: Classes of the projection that are statements about entities, not entities.
_NOT_ENTITIES = {"JointBuilding", "Observation"}


def _load(path: str | Path):
    """A graph file loaded into Oxigraph."""
    from lianjian.graph import KnowledgeGraph

    return KnowledgeGraph.from_file(path)


def _entity(g, node: str) -> dict:
    attrs = g.nodes[node]
    out = {"id": node, "class": attrs["class"], "zh": attrs.get("label_zh", node)}
    if attrs.get("label_en"):
        out["en"] = attrs["label_en"]
    return out


def _links(g) -> dict[tuple[str, str], dict]:
    """Each pair of entities joined by a joint-building relationship, once, with what joins them."""
    out = {}
    for a, b, e in g.edges(data=True):
        if "LINKED_WITH" in e["__labels__"] and a < b:
            out[(a, b)] = {"kinds": e.get("kinds", []), "relationships": e.get("relationships", [])}
    return out


def diff(old_path: str | Path, new_path: str | Path) -> dict:
    """Entities, links and mechanisms added and removed from the graph in `old_path` to the one in `new_path`.

    ``links.added`` holds new links between entities that both existed before;
    ``links.added_with_new_entities`` those that reach a new entity.
    """
    old, new = _load(old_path).to_networkx(), _load(new_path).to_networkx()

    def entities(g, mechanisms: bool) -> set[str]:
        return {n for n, a in g.nodes(data=True)
                if a["class"] not in _NOT_ENTITIES and ("Mechanism" in a["__labels__"]) == mechanisms}

    def by_class(g, ids: set[str]) -> dict[str, list[dict]]:
        out: dict[str, list[dict]] = {}
        for n in sorted(ids):
            out.setdefault(g.nodes[n]["class"], []).append(_entity(g, n))
        return dict(sorted(out.items()))

    def link_rows(g, pairs) -> list[dict]:
        rows = []
        for (a, b), info in sorted(pairs):
            rows.append({"a": a, "a_zh": g.nodes[a].get("label_zh", a), "b": b, "b_zh": g.nodes[b].get("label_zh", b),
                         "kinds": info["kinds"], "relationships": info["relationships"]})
        return rows

    old_entities, new_entities = entities(old, False), entities(new, False)
    old_mech, new_mech = entities(old, True), entities(new, True)
    old_links, new_links = _links(old), _links(new)
    added_links = {k: v for k, v in new_links.items() if k not in old_links}
    removed_links = {k: v for k, v in old_links.items() if k not in new_links}
    existed = set(old)
    between_old = [(k, v) for k, v in added_links.items() if k[0] in existed and k[1] in existed]
    with_new = [(k, v) for k, v in added_links.items() if not (k[0] in existed and k[1] in existed)]
    relationships = lambda g: {n for n, a in g.nodes(data=True) if a["class"] == "JointBuilding"}  # noqa: E731
    return {
        "old": {"file": str(old_path), "nodes": old.number_of_nodes(), "links": len(old_links)},
        "new": {"file": str(new_path), "nodes": new.number_of_nodes(), "links": len(new_links)},
        "entities": {"added": by_class(new, new_entities - old_entities), "removed": by_class(old, old_entities - new_entities)},
        "mechanisms": {"added": [_entity(new, n) for n in sorted(new_mech - old_mech)],
                       "removed": [_entity(old, n) for n in sorted(old_mech - new_mech)]},
        "links": {"added": link_rows(new, between_old), "added_with_new_entities": link_rows(new, with_new),
                  "removed": link_rows(old, removed_links.items())},
        "relationships": {"added": len(relationships(new) - relationships(old)),
                          "removed": len(relationships(old) - relationships(new))},
    }


def render_diff(result: dict) -> str:
    """A diff as text for a terminal: counts first, then each list."""
    ents, mechs, links = result["entities"], result["mechanisms"], result["links"]
    n_added = sum(len(v) for v in ents["added"].values())
    n_removed = sum(len(v) for v in ents["removed"].values())
    lines = [
        f"{result['old']['file']} → {result['new']['file']}",
        f"entities: +{n_added} −{n_removed}; mechanisms: +{len(mechs['added'])} −{len(mechs['removed'])}; "
        f"links between existing entities: +{len(links['added'])}; links reaching new entities: "
        f"+{len(links['added_with_new_entities'])}; links removed: −{len(links['removed'])}; "
        f"relationships: +{result['relationships']['added']} −{result['relationships']['removed']}",
    ]

    def entity_line(sign: str, e: dict) -> str:
        return f"  {sign} {e['id']}  {e['zh']}" + (f"  ({e['en']})" if e.get("en") else "")

    for title, key, sign in (("New entities", "added", "+"), ("Removed entities", "removed", "−")):
        if ents[key]:
            lines += ["", f"{title}:"]
            for cls, rows in ents[key].items():
                lines.append(f" {cls}")
                lines += [entity_line(sign, e) for e in rows]
    for title, key, sign in (("New mechanisms", "added", "+"), ("Removed mechanisms", "removed", "−")):
        if mechs[key]:
            lines += ["", f"{title}:"] + [entity_line(sign, e) for e in mechs[key]]
    for title, key, sign in (("New links between entities that existed before", "added", "+"),
                             ("New links reaching new entities", "added_with_new_entities", "+"),
                             ("Removed links", "removed", "−")):
        if links[key]:
            lines += ["", f"{title}:"]
            lines += [f"  {sign} {r['a_zh']} — {r['b_zh']}  ({r['a']} — {r['b']}; {', '.join(r['kinds'])})" for r in links[key]]
    return "\n".join(lines) + "\n"
