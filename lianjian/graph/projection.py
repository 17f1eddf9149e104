"""The labelled property-graph projection of the RDF graph, shared by analytics, Cypher and views.

One scan over the triples (no SPARQL) makes a `networkx.DiGraph`:

* a node per entity, mechanism and relationship, keyed by its id (the IRI's
  last segment), with ``__labels__`` = its class and the class's ancestors
  (``{"PartyCommittee", "PartyOrganization", "Organization"}``), and properties
  from its literals: ``label_zh``, ``label_zh_hant``, ``label_en``, ``aliases``,
  ``kind``, ``sector`` (first sector), ``sectors``, ``sources``, ``quote``,
  ``evidence`` (pairs of quote and source id), …;
* an edge per object property that the annotation model names (``edge:`` in
  ``model.yaml``), with ``__labels__`` = {that name};
* ``LINKED_WITH`` edges in both directions between the participants of each
  joint building, so undirected patterns match and no multigraph is needed;
  when several relationships join the same pair, the edge lists them all.
"""

from __future__ import annotations

import functools
from collections import defaultdict

import networkx as nx

from lianjian.namespace import ID, LJ, MECHANISM, ORG, local_name
from lianjian.ontology import expand, label_languages, model, reachable

__all__ = ["to_networkx", "EDGE_TYPES", "node_id"]

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
ALT_LABEL = "http://www.w3.org/2004/02/skos/core#altLabel"
PREF_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"
DEFINITION = "http://www.w3.org/2004/02/skos/core#definition"
DCT_SOURCE = "http://purl.org/dc/terms/source"
#: Language tag of a label → the projection property holding it (label_zh, label_zh_hant, label_en).
_LABEL_KEYS = {tag: "label_" + key.lower().replace("-", "_") for key, tag in label_languages().items() if key != "aliases"}


@functools.lru_cache(maxsize=1)
def _edge_types() -> dict[str, str]:
    """Predicate IRI → relationship type, from the model's `edge` names."""
    out = {}
    for spec in model()["sections"].values():
        for prop in spec["properties"].values():
            if prop.get("edge"):
                out[str(expand(prop["predicate"]))] = prop["edge"]
    out[str(LJ.linkedWith)] = "LINKED_WITH"
    return out


EDGE_TYPES = _edge_types()


def node_id(iri: str) -> str:
    """The projection's node key for an IRI: the id a curator wrote (or the minted id).

    >>> node_id("https://w3id.org/lianjian/id/changning-district")
    'changning-district'
    >>> node_id("https://w3id.org/lianjian/vocab/mechanism/joint-conference")
    'joint-conference'
    """
    return local_name(iri)


def _terms(kg):
    """(subject, predicate, object, is_literal, lang, datatype) for every quad, as plain strings."""
    store = kg.store
    if store is not None:
        import pyoxigraph as ox

        for q in store:
            o = q.object
            if isinstance(o, ox.Literal):
                yield q.subject.value, q.predicate.value, o.value, True, o.language, o.datatype.value
            else:
                yield q.subject.value, q.predicate.value, o.value, False, None, None
        return
    from rdflib import Literal

    for s, p, o, _ in kg.quads():
        if isinstance(o, Literal):
            yield str(s), str(p), str(o), True, o.language.lower() if o.language else None, str(o.datatype or "")
        else:
            yield str(s), str(p), str(o), False, None, None


def _value(text: str, datatype: str | None):
    if datatype and datatype.endswith(("#decimal", "#integer")):
        n = float(text)
        return int(n) if n.is_integer() else n
    if datatype and datatype.endswith("#boolean"):
        return text == "true"
    return text


def to_networkx(kg) -> nx.DiGraph:
    """Project the knowledge graph to a labelled property graph (see the module docstring)."""
    entity_ns = (str(ID), str(MECHANISM))
    types: dict[str, set[str]] = defaultdict(set)
    parents: dict[str, set[str]] = defaultdict(set)
    props: dict[str, dict] = defaultdict(dict)
    edges: list[tuple[str, str, str]] = []
    evidence_of: dict[str, list[str]] = defaultdict(list)
    quote: dict[str, str] = {}
    quote_source: dict[str, str] = {}
    posts: dict[str, dict] = defaultdict(dict)
    holds: list[tuple[str, str]] = []
    edge_types = _edge_types()
    lj = str(LJ)
    for s, p, o, is_lit, lang, dt in _terms(kg):
        if p == SUBCLASS:
            if s.startswith(lj) and o.startswith(lj):
                parents[local_name(s)].add(local_name(o))
            continue
        if p == str(LJ.quote):
            quote[s] = o
            continue
        if p == DCT_SOURCE:
            quote_source[s] = local_name(o)
            continue
        if "/id/post-" in s:
            if p == RDFS_LABEL:
                posts[s]["title_en" if lang == "en" else "title"] = o
            elif p == str(ORG.postIn):
                posts[s]["org"] = node_id(o)
            elif p == str(LJ.startDate):
                posts[s]["since"] = o
            continue
        if not s.startswith(entity_ns):
            continue
        n = node_id(s)
        if p == RDF_TYPE:
            if o.startswith(lj):
                types[n].add(local_name(o))
            continue
        if is_lit:
            d = props[n]
            if p in (RDFS_LABEL, PREF_LABEL):
                d.setdefault(_LABEL_KEYS.get(lang or "", "label_" + (lang or "plain")), o)
            elif p == ALT_LABEL:
                d.setdefault("aliases", []).append(o)
            elif p == DEFINITION:
                d.setdefault("definition_zh" if lang == "zh-hans" else "definition_en", o)
            else:
                d[local_name(p)] = _value(o, dt)
            continue
        if p == str(LJ.evidence):
            evidence_of[n].append(o)
        elif p == str(LJ.sector):
            props[n].setdefault("sectors", []).append(local_name(o))
        elif p == str(LJ.relationKind):
            props[n]["kind"] = local_name(o)
        elif p == str(ORG.holds):
            holds.append((n, o))
        elif p in edge_types and o.startswith(entity_ns):
            edges.append((n, node_id(o), edge_types[p]))
            if p == str(LJ.mechanism):
                props[n].setdefault("mechanisms", []).append(node_id(o))

    def ancestors(cls: str) -> set[str]:
        return reachable(cls, parents)

    g = nx.DiGraph()
    for n, classes in types.items():
        # The most specific class: one that is no other class's ancestor.
        cls = min(c for c in classes if not any(c != o and c in ancestors(o) for o in classes))
        d = props.get(n, {})
        evidence = sorted((quote[e], quote_source.get(e, "")) for e in set(evidence_of.get(n, ())) if e in quote)
        quotes = [q for q, _ in evidence]
        sources = sorted({quote_source[e] for e in evidence_of.get(n, ()) if e in quote_source})
        attrs = {"id": n, "class": cls, "__labels__": ancestors(cls)}
        attrs.update(d)
        if "sectors" in attrs:
            attrs["sectors"] = sorted(set(attrs["sectors"]))
            attrs["sector"] = attrs["sectors"][0]
        if "mechanisms" in attrs:
            attrs["mechanisms"] = sorted(set(attrs["mechanisms"]))
        attrs["quotes"] = quotes
        attrs["quote"] = quotes[0] if quotes else ""
        attrs["evidence"] = evidence  # (quote, source id) pairs
        attrs["sources"] = sources
        attrs.setdefault("label_zh", n)
        g.add_node(n, **attrs)
    for a, b, label in edges:
        if a not in g or b not in g:
            continue
        if g.has_edge(a, b):
            g.edges[a, b]["__labels__"].add(label)
        else:
            g.add_edge(a, b, __labels__={label})
    for person, post_iri in holds:
        post = posts.get(post_iri, {})
        g.nodes[person].setdefault("posts", []).append(post.get("title", ""))
        org = post.get("org")
        if org and org in g and person in g:
            if g.has_edge(person, org):
                g.edges[person, org]["__labels__"].add("HOLDS_POST")
            else:
                g.add_edge(person, org, __labels__={"HOLDS_POST"})
            g.edges[person, org]["title"] = post.get("title", "")
    # LINKED_WITH edges join the participants of each joint building (the RDF keeps participation n-ary),
    # each describing the relationships that join its two ends.
    for jb, attrs in g.nodes(data=True):
        if attrs["class"] != "JointBuilding" and "JointBuilding" not in attrs["__labels__"]:
            continue
        parts = [b for b in g.successors(jb) if "PARTICIPANT" in g.edges[jb, b]["__labels__"]]
        for a in parts:
            for b in parts:
                if a == b:
                    continue
                if g.has_edge(a, b):
                    g.edges[a, b]["__labels__"].add("LINKED_WITH")
                else:
                    g.add_edge(a, b, __labels__={"LINKED_WITH"})
                e = g.edges[a, b]
                e.setdefault("relationships", []).append(jb)
                e.setdefault("kinds", set()).add(attrs.get("kind", ""))
                e.setdefault("mechanisms", set()).update(attrs.get("mechanisms", []))
                e.setdefault("sources", set()).update(attrs.get("sources", []))
                if "startDate" in attrs:
                    e.setdefault("years", set()).add(str(attrs["startDate"])[:4])
                if attrs.get("evidence") and "quote" not in e:
                    e["quote"], e["quote_source"] = attrs["evidence"][0]
    for _, _, e in g.edges(data=True):
        for key in ("kinds", "mechanisms", "sources", "years"):
            if key in e:
                e[key] = sorted(e[key])
        if "relationships" in e:
            e["relationships"] = sorted(e["relationships"])
            e["kind"] = e["kinds"][0] if e.get("kinds") else ""
    return g

