"""The interactive network page: the projection drawn with pyvis / vis-network, self-contained.

`to_pyvis` fills a pyvis `Network`'s node and edge lists directly (pyvis's own
`add_node` scans its lists on every insert); `write_html` renders it with the
project's own template, which carries vis-network's script and style inline,
so the page needs no network. Every string from the case files reaches the page
as JSON inside a non-executable script element and is put into the page with
`textContent`, never as HTML.

pyvis stays for `to_pyvis`, the API notebook users expect, and because it ships vis-network: `vis_assets`
reads vis-network from that one copy for both the page and the explorer (`/static/vis-network.min.js`), so
the project carries no second copy of the library and upgrades it with pyvis.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from pathlib import Path

import networkx as nx

from lianjian.graph.style import edge_style, node_style, SECTOR_COLOURS, SHAPES, EDGE_KINDS, INFERRED_EDGE

__all__ = ["view_graph", "to_pyvis", "render_html", "write_html", "PHYSICS_LIMIT"]

#: Above this many nodes positions are computed beforehand and physics is off.
PHYSICS_LIMIT = 1000
#: Above this many nodes the page shows organisations and their links only.
DETAIL_LIMIT = 3000

@functools.lru_cache(maxsize=1)
def _page_edges() -> frozenset:
    """The edge types the page draws: the model's `edge:` names and the two the projection derives, less style.yaml's hidden ones."""
    from lianjian.graph.style import HIDDEN_EDGES
    from lianjian.ontology import model

    named = {p["edge"] for s in model()["sections"].values() for p in s.get("properties", {}).values()
             if isinstance(p, dict) and "edge" in p}
    return frozenset((named | {"LINKED_WITH", "HOLDS_POST"}) - HIDDEN_EDGES)


def _family(labels: set[str]) -> str | None:
    for fam in ("Organization", "Area", "Person", "CollectiveActor", "Initiative", "Mechanism"):
        if fam in labels:
            return fam
    return None


def view_graph(g: nx.DiGraph, cases=(), sectors=(), mechanisms=(), around: str | None = None, hops: int = 1) -> nx.Graph:
    """The undirected graph the page shows, after the filters (case, sector, mechanism, neighbourhood)."""
    from lianjian.errors import UsageError

    keep = set()
    for n, d in g.nodes(data=True):
        fam = _family(d["__labels__"])
        if fam is None:
            continue
        if fam == "Mechanism" and n not in set(mechanisms):
            continue  # mechanisms are shown on the links that use them, and as nodes only when asked for
        if fam == "Initiative" and d["class"] != "Initiative":
            continue  # phases, components, campaigns and projects stay in the info panel
        keep.add(n)
    if cases:
        known = {s for _, d in g.nodes(data=True) for s in d.get("sources", ())}
        for c in cases:
            if c not in known:
                raise UsageError(f"--case {c}: no source document of that id in the graph (known: {', '.join(sorted(known)[:12])}{' …' if len(known) > 12 else ''})")
        keep = {n for n in keep if set(g.nodes[n].get("sources", ())) & set(cases)}
    if sectors:
        keep = {n for n in keep if "Organization" not in g.nodes[n]["__labels__"] or set(g.nodes[n].get("sectors", ())) & set(sectors)}
    v = nx.Graph()
    for n in keep:
        v.add_node(n, **g.nodes[n])
    for a, b, d in g.edges(data=True):
        if a in keep and b in keep and a != b:
            labels = d["__labels__"] & _page_edges()
            if not labels:
                continue
            label = "LINKED_WITH" if "LINKED_WITH" in labels else sorted(labels)[0]
            if v.has_edge(a, b) and v.edges[a, b]["type"] == "LINKED_WITH":
                continue
            v.add_edge(a, b, type=label, source_node=a, target_node=b, **{k: val for k, val in d.items() if k != "__labels__"})
            if label == "LINKED_WITH":
                rels = [g.nodes[r] for r in d.get("relationships", ()) if r in g]
                # A tie is inferred when every relationship behind it is; the curators' reasons go to the info panel.
                v.edges[a, b]["basis"] = "inferred" if rels and all(r.get("basis") == "inferred" for r in rels) else "stated"
                v.edges[a, b]["reasons"] = sorted({r["basisReason"] for r in rels if r.get("basisReason")})
    if sectors:
        # Keep the sector's organisations and whatever is directly attached to them.
        core = {n for n in v if "Organization" in v.nodes[n]["__labels__"]}
        v = v.subgraph(core | {m for n in core for m in v.neighbors(n)}).copy()
    if mechanisms:
        linked = {n for a, b, d in v.edges(data=True) if set(d.get("mechanisms", ())) & set(mechanisms) for n in (a, b)}
        linked |= {m for m in mechanisms if m in v}
        v = v.subgraph(linked | {n for n in v if set(v.nodes[n].get("mechanisms", ())) & set(mechanisms)}).copy()
    if around is not None:
        if around not in g:
            raise UsageError(f"--around: no entity with id '{around}'")
        if around not in v:
            v.add_node(around, **g.nodes[around])
        v = nx.ego_graph(v, around, radius=hops).copy()
    if v.number_of_nodes() > DETAIL_LIMIT and not around:
        orgs = [n for n in v if "Organization" in v.nodes[n]["__labels__"]]
        v = v.subgraph(orgs).copy()
        v.graph["aggregated"] = f"Showing the {len(orgs)} organisations only (the full graph has more than {DETAIL_LIMIT} nodes); use --around or filters for detail."
    return v


def to_pyvis(v: nx.Graph, lang: str = "zh", size_by: str = "degree"):
    """A pyvis Network of the view graph, its lists filled directly."""
    from pyvis.network import Network

    net = Network(height="100%", width="100%", directed=False, cdn_resources="in_line")
    degree = dict(v.degree())
    if size_by == "betweenness" and v.number_of_nodes() <= 3000:
        measure = nx.betweenness_centrality(v)
        top = max(measure.values(), default=0) or 1
        scale = {n: 10 + 30 * measure[n] / top for n in v}
    else:
        top = max(degree.values(), default=0) or 1
        scale = {n: 8 + 30 * (degree[n] / top) ** 0.5 for n in v}
    positions = None
    if v.number_of_nodes() > PHYSICS_LIMIT:
        positions = _large_layout(v)
    # Nodes by key and edges by their ends: the page is byte-identical run to run, whatever order the graph came in.
    order = sorted(v.nodes)
    ids = {n: i for i, n in enumerate(order)}
    nodes = []
    for n in order:
        d = v.nodes[n]
        label = d.get("label_en") if lang == "en" and d.get("label_en") else d.get("label_zh", n)
        node = {"id": ids[n], "key": n, "label": label, "size": round(scale[n], 1), **node_style(d)}
        node["info"] = _node_info(d)
        if positions is not None:
            x, y = positions[n]
            node.update(x=float(x) * 3000, y=float(y) * 3000, physics=False)
        nodes.append(node)
    edges = []
    for a, b, d in v.edges(data=True):
        a, b = d.get("source_node", a), d.get("target_node", b)
        edges.append({"from": ids[a], "to": ids[b], **edge_style(d), "info": _edge_info(d)})
    edges.sort(key=lambda e: (e["from"], e["to"], json.dumps(e, sort_keys=True, ensure_ascii=False)))
    net.nodes = nodes
    net.edges = edges
    net.node_ids = list(range(len(nodes)))
    net.node_map = {i: n for i, n in enumerate(nodes)}
    net.options.physics.enabled = positions is None
    net.graph_notes = v.graph.get("aggregated", "")
    return net


def _large_layout(v: nx.Graph) -> dict:
    """Positions for a graph too large for in-browser physics, in near-linear time.

    Each connected component gets a spectral layout (sparse eigenvectors) whose
    coordinates are spread evenly by rank, scaled by its size and placed on a
    spiral, largest first.
    """
    import math

    positions = {}
    components = sorted(nx.connected_components(v), key=lambda c: (-len(c), min(c)))
    angle = radius = 0.0
    for comp in components:
        size = math.sqrt(len(comp))
        if len(comp) > 2:
            sub = _ranked(nx.spectral_layout(v.subgraph(comp)))
        else:
            sub = {n: (i * 0.5, 0.0) for i, n in enumerate(sorted(comp))}
        for n, (x, y) in sub.items():
            positions[n] = (radius * math.cos(angle) + x * size, radius * math.sin(angle) + y * size)
        radius += size * 1.2 + 1
        angle += 2.4
    scale = max((max(abs(x), abs(y)) for x, y in positions.values()), default=1) or 1
    return {n: (x / scale, y / scale) for n, (x, y) in positions.items()}


def _ranked(pos: dict) -> dict:
    """Replace each coordinate by its rank in [-1, 1]: keeps the spectral order, spreads the nodes evenly."""
    nodes = sorted(pos)
    out = {n: [0.0, 0.0] for n in nodes}
    for axis in (0, 1):
        order = sorted(nodes, key=lambda n: (float(pos[n][axis]), n))
        for i, n in enumerate(order):
            out[n][axis] = 2 * i / max(1, len(order) - 1) - 1
    return {n: tuple(xy) for n, xy in out.items()}


def _node_info(d: dict) -> dict:
    return {k: d[k] for k in ("id", "label_zh", "label_en", "label_zh_hant", "class", "sectors", "sources", "quotes", "aliases", "posts") if d.get(k)}


def _edge_info(d: dict) -> dict:
    keys = ("type", "kind", "kinds", "mechanisms", "years", "sources", "quote", "relationships", "title", "basis", "reasons")
    return {k: d[k] for k in keys if d.get(k)} | {"from": d.get("source_node"), "to": d.get("target_node")}


@functools.lru_cache(maxsize=1)
def vis_assets() -> tuple[str, str]:
    """vis-network's script and style, from the copy pyvis ships (the one place the project takes them from)."""
    import pyvis

    lib = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2"
    return (lib / "vis-network.min.js").read_text(encoding="utf-8"), (lib / "vis-network.css").read_text(encoding="utf-8")


def _json_for_script(data) -> str:
    """JSON that cannot end its <script> element or open markup inside it."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def render_html(net, title: str = "lianjian 联建网络", lang: str = "zh", labels: dict | None = None) -> str:
    """The self-contained page for a pyvis Network made by `to_pyvis`."""
    from jinja2 import Environment

    template = (resources.files("lianjian") / "graph" / "templates" / "network.html").read_text(encoding="utf-8")
    js, css = vis_assets()
    env = Environment(autoescape=True)
    page = env.from_string(template).render(
        title=title,
        lang="en" if lang == "en" else "zh-Hans",
        vis_js=js.replace("</script", "<\\/script"),
        vis_css=css,
        data_json=_json_for_script({
            "nodes": net.nodes, "edges": net.edges, "physics": bool(net.options.physics.enabled),
            "legend": {"sectors": SECTOR_COLOURS, "shapes": SHAPES, "edges": EDGE_KINDS, "inferred": INFERRED_EDGE},
            "labels": labels or {}, "lang": lang, "note": getattr(net, "graph_notes", ""),
        }),
    )
    return page


def write_html(kg, output: str, lang: str = "zh", fmt: str = "html", size_by: str = "degree", **filters) -> dict:
    """Write the network view of a knowledge graph to `output` (atomically): the page, or a PNG/SVG figure."""
    from lianjian.errors import UsageError
    from lianjian.io import atomic_write, check_output_path
    from lianjian.graph.style import vocabulary_labels

    if fmt not in ("html", "png", "svg"):
        raise UsageError(f"--format: unknown format {fmt!r} (choose html, png or svg)")
    check_output_path(output)
    v = view_graph(kg.to_networkx(), **filters)
    if fmt != "html":
        from lianjian.graph.figure import figure_bytes

        data = figure_bytes(v, fmt, lang)
        atomic_write(output, data)
        return {"path": str(output), "nodes": v.number_of_nodes(), "edges": v.number_of_edges(), "bytes": len(data), "note": ""}
    net = to_pyvis(v, lang=lang, size_by=size_by)
    page = render_html(net, lang=lang, labels=vocabulary_labels(kg))
    atomic_write(output, page)
    return {"path": str(output), "nodes": len(net.nodes), "edges": len(net.edges), "bytes": len(page.encode("utf-8")), "note": net.graph_notes}
