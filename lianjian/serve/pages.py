"""What each explorer page shows, as plain data: the web app renders it as HTML or JSON.

Every function takes the `KnowledgeGraph` the app serves and returns dicts and lists; the SPARQL they run is in
`lianjian/queries/internal/explorer-*.rq`.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Iterable

from lianjian.errors import UsageError
from lianjian.namespace import ID, SOURCE, is_slug, local_name
from lianjian.ontology import label_languages
from lianjian.queries import internal_query
from lianjian.results import short

__all__ = ["NotFound", "overview", "search", "entity", "neighbourhood", "source", "run_canned", "catalogue", "resolve"]

#: Search results shown while typing.
SEARCH_LIMIT = 20
#: Rows of a canned query's answer shown on its page (downloads carry them all).
PAGE_ROWS = 2000
#: Statement groups of the entity page: the predicates' local names, in the order shown.
GROUPS = (
    ("hierarchy", "上下级与所在地", "Hierarchy and place",
     {"subOrganizationOf", "under", "withinArea", "locatedIn", "partyOrganizationOf", "hasPartyOrganization"}),
    ("membership", "成员关系", "Memberships", {"hasMember", "memberOf", "attachedTo", "ledBy"}),
    ("posts", "职务", "Posts", {"holds", "heldBy", "postIn"}),
    ("initiatives", "工程与项目", "Initiatives", {"initiative", "isPartOf", "mechanism"}),
    ("events", "事件", "Events", {"involves"}),
    ("observations", "数据", "Observations", {"observedEntity"}),
)


class NotFound(UsageError):
    """An id or name the graph does not hold (the app answers 404)."""


def resolve(kg, ident: str):
    """The IRI of an entity, statement or mechanism id (through `KnowledgeGraph.term`); `NotFound` when unknown."""
    from rdflib import URIRef

    if not isinstance(ident, str) or len(ident) > 200:
        raise NotFound(f"no entity with id {ident!r}")
    try:
        iri = kg.term(ident, "id")
    except UsageError:
        raise NotFound(f"no entity with id '{ident}'") from None
    if not isinstance(iri, URIRef) or not kg.holds(iri):
        raise NotFound(f"no entity with id {ident!r}")
    return iri


def _rows(kg, name: str, **params) -> list[dict[str, Any]]:
    q = internal_query(name)
    names, rows = kg.select_rows(q.text, {k: v for k, v in params.items()})
    return [{n: t for n, t in zip(names, row) if t is not None} for row in rows]


def _text(t) -> str:
    return "" if t is None else str(t)


def overview(kg) -> dict:
    """The corpus at a glance: sources with their dates, counts per class and per sector."""
    from lianjian.queries.stats import graph_stats

    stats = graph_stats(kg)
    sources = []
    for doc, src in sorted(kg.corpus.sources.items()):
        d = src.data
        sources.append({"id": doc, "title": str(d.get("title", doc)), "title_en": d.get("title_en"),
                        "date": str(d.get("date", "")), "written": d.get("written"), "publisher": d.get("publisher")})
    return {"sources": sources, "stats": stats}


def search(kg, text: str, limit: int = SEARCH_LIMIT) -> list[dict]:
    """Entities whose names or aliases contain `text` (Simplified, Traditional or English), best first."""
    from lianjian.queries.run import run_sparql

    text = (text or "").strip()
    if not text:
        return []
    if len(text) > 100:
        raise UsageError("search: the text is longer than 100 characters")
    result = run_sparql(kg, "find-entities", {"text": text})
    seen, out = set(), []
    for row in result.short_rows():
        key = row.get("entity", "")
        if key in seen:
            continue
        seen.add(key)
        out.append({"id": key.removeprefix("id:").removeprefix("mechanism:"), "label": row.get("entity_zh") or key,
                    "kind": row.get("kind_zh", ""), "matched": row.get("matched", ""), "sources": row.get("sources", 0)})
    out.sort(key=lambda r: (not r["label"].startswith(text), -int(r["sources"] or 0), len(r["label"])))
    return out[:limit]


def _evidence(kg, node) -> list[dict]:
    return [{"quote": str(r["quote"]), "source": local_name(r["source"]), "file": _text(r.get("file")),
             "start": int(r["start"]) if "start" in r else None, "end": int(r["end"]) if "end" in r else None}
            for r in _rows(kg, "explorer-evidence", statement=node)]


def entity(kg, ident: str) -> dict:
    """Everything the graph says about one entity, grouped, each statement with its qualifiers and citations."""
    iri = resolve(kg, ident)
    facts = _rows(kg, "explorer-facts", entity=iri)
    labels: dict[str, list[str]] = {}
    kinds, sectors, literals = [], [], []
    grouped: dict[str, list[dict]] = {g[0]: [] for g in GROUPS}
    group_of = {p: g[0] for g in GROUPS for p in g[3]}
    children = []
    for f in facts:
        p, value = local_name(f["property"]), f["value"]
        if f["dir"].value == "out" and p in ("label", "prefLabel", "altLabel"):
            lang = (value.language or "").lower()
            key = "aliases" if p == "altLabel" else {tag: k for k, tag in label_languages().items() if k != "aliases"}.get(lang, lang)
            labels.setdefault(key, [])
            if str(value) not in labels[key]:
                labels[key].append(str(value))
            continue
        if p == "type":
            if str(value).startswith("https://w3id.org/lianjian/"):
                kinds.append({"id": local_name(value), "zh": _text(f.get("value_zh")), "en": _text(f.get("value_en"))})
            continue
        if p == "sector":
            sectors.append({"id": local_name(value), "zh": _text(f.get("value_zh")), "en": _text(f.get("value_en"))})
            continue
        item = {
            "dir": f["dir"].value, "property": p, "property_zh": _text(f.get("property_zh")) or p,
            "property_en": _text(f.get("property_en")) or p, "reason": _text(f.get("reason")) or None,
        }
        if hasattr(value, "language") or not str(value).startswith("http"):
            item.update(value=str(value), literal=True)
            if f["dir"].value == "out":
                literals.append(item)
            continue
        item.update(id=local_name(value), ref=short(value), zh=_text(f.get("value_zh")) or local_name(value),
                    en=_text(f.get("value_en")))
        if p == "subOrganizationOf" and f["dir"].value == "in":
            children.append(item)
            continue
        group = group_of.get(p)
        if group is None:
            continue
        if group in ("observations", "events", "posts", "membership", "initiatives") and str(value).startswith(str(ID)):
            item["evidence"] = _evidence(kg, value)
        grouped[group].append(item)
    ties: dict[str, dict] = {}
    for r in _rows(kg, "explorer-ties", entity=iri):
        rid = local_name(r["relationship"])
        t = ties.setdefault(rid, {
            "id": rid, "kind": local_name(r["kind"]), "kind_zh": _text(r.get("kind_zh")), "kind_en": _text(r.get("kind_en")),
            "basis": _text(r.get("basis")) or "stated", "reason": _text(r.get("reason")) or None,
            "start": _text(r.get("start")) or None, "end": _text(r.get("end")) or None,
            "others": [], "mechanisms": [], "evidence": _evidence(kg, r["relationship"]),
        })
        if "other" in r:
            o = {"id": local_name(r["other"]), "zh": _text(r.get("other_zh")) or local_name(r["other"]), "en": _text(r.get("other_en"))}
            if o not in t["others"]:
                t["others"].append(o)
        if "mechanism" in r:
            m = {"id": local_name(r["mechanism"]), "zh": _text(r.get("mechanism_zh")) or local_name(r["mechanism"])}
            if m not in t["mechanisms"]:
                t["mechanisms"].append(m)
    return {
        "id": ident, "iri": str(iri), "ref": short(iri), "labels": labels, "kinds": kinds, "sectors": sectors,
        "literals": literals, "children": children, "ties": list(ties.values()),
        "groups": [{"key": g[0], "zh": g[1], "en": g[2], "items": grouped[g[0]]} for g in GROUPS],
        "evidence": _evidence(kg, iri),
    }


def neighbourhood(kg, ident: str, hops: int = 1) -> dict:
    """The entity's neighbours in the network view (nodes and edges for vis-network), from the shared projection."""
    from lianjian.graph.viz import to_pyvis, view_graph

    resolve(kg, ident)
    if not 1 <= hops <= 3:
        raise UsageError("hops: give 1, 2 or 3")
    g = kg.to_networkx()
    if ident not in g:
        raise NotFound(f"'{ident}' is not in the network")
    net = to_pyvis(view_graph(g, around=ident, hops=hops))
    return {"nodes": net.nodes, "edges": net.edges}


def _source_text(kg, doc: str, folders: Iterable[str | Path]) -> str | None:
    """The normalised text of a source document, when one of `folders` holds it (never a file outside them)."""
    from lianjian.loaders.evidence import SourceText

    src = kg.corpus.sources.get(doc)
    name = str(src.data.get("file") or "") if src else ""
    if not name:
        return None
    for folder in folders:
        base = Path(folder).resolve()
        path = (base / name).resolve()
        if path.parent != base or not path.is_file():
            continue
        return SourceText.from_file(path).text
    return None


def source(kg, doc: str, folders: Iterable[str | Path] = ()) -> dict:
    """A source document: its metadata, the statements it backs, and its text with every quote marked."""
    if not is_slug(doc) or doc not in kg.corpus.sources:
        raise NotFound(f"no source with id {doc!r}")
    d = kg.corpus.sources[doc].data
    statements: dict[str, dict] = {}
    spans: dict[tuple[int, int], list[str]] = {}
    for r in _rows(kg, "explorer-source", source=SOURCE[doc]):
        sid = local_name(r["statement"])
        st = statements.setdefault(sid, {"id": sid, "label": _text(r.get("statement_zh")) or sid,
                                         "class": _text(r.get("class_zh")) or local_name(r["class"]), "quotes": []})
        q = {"quote": str(r["quote"]), "start": int(r["start"]) if "start" in r else None,
             "end": int(r["end"]) if "end" in r else None}
        if q not in st["quotes"]:
            st["quotes"].append(q)
        if q["start"] is not None:
            spans.setdefault((q["start"], q["end"]), []).append(sid)
    text = _source_text(kg, doc, folders)
    segments = None
    if text is not None:
        segments, pos = [], 0
        for (start, end) in sorted(spans):
            if start < pos or end > len(text):
                continue  # overlapping quotes: the first one is marked
            if start > pos:
                segments.append({"text": text[pos:start]})
            segments.append({"text": text[start:end], "anchor": f"q-{start}", "statements": sorted(set(spans[(start, end)]))})
            pos = end
        segments.append({"text": text[pos:]})
    meta = {k: (str(v) if not isinstance(v, list) else [str(x) for x in v]) for k, v in d.items() if k != "id"}
    return {"id": doc, "meta": meta, "statements": list(statements.values()), "segments": segments,
            "has_text": text is not None}


def catalogue() -> list[dict]:
    """The canned SPARQL queries: name, titles, description, parameters."""
    from lianjian.queries import sparql_catalogue

    return [q.describe() for q in sparql_catalogue().values()]


def run_canned(kg, name: str, params: dict[str, str]) -> dict:
    """Run a canned query for its page: the result, its text and the time it took."""
    from lianjian.queries import get_query
    from lianjian.queries.run import run_sparql

    q = get_query(name, "sparql")
    t0 = time.perf_counter()
    result = run_sparql(kg, name, params)
    return {"query": q.describe(), "text": q.text, "result": result, "seconds": time.perf_counter() - t0}
