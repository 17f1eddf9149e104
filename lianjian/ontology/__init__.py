"""The ontology, SKOS vocabularies and annotation model shipped with lianjian, as data."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import yaml
from rdflib import RDFS, SKOS, Graph, Literal, URIRef

from lianjian.namespace import LJ, MECHANISM, PREFIXES, RELATION, SECTOR, local_name

__all__ = ["ONTOLOGY_DIR", "ontology_files", "base_ntriples", "base_graph", "model", "Vocabulary", "base_vocabulary", "expand"]

ONTOLOGY_DIR = Path(str(resources.files("lianjian") / "ontology"))

SCHEMES = {"sector": (SECTOR, LJ.SectorScheme), "relation": (RELATION, LJ.RelationKindScheme), "mechanism": (MECHANISM, LJ.MechanismScheme)}


def ontology_files() -> list[Path]:
    """The Turtle files of the ontology and its vocabularies (not the SHACL shapes)."""
    return [ONTOLOGY_DIR / "lianjian.ttl", *sorted((ONTOLOGY_DIR / "vocabularies").glob("*.ttl"))]


@functools.lru_cache(maxsize=1)
def _base_ntriples() -> str:
    g = Graph()
    for path in ontology_files():
        g.parse(path, format="turtle")
    out = Graph()
    for s, p, o in g:
        # Language tags are stored lowercase, as Oxigraph stores them, so both engines agree.
        if isinstance(o, Literal) and o.language:
            o = Literal(str(o), lang=o.language.lower())
        out.add((s, p, o))
    return out.serialize(format="nt", encoding="utf-8").decode("utf-8")


def base_ntriples() -> str:
    """The ontology and bundled vocabularies as N-Triples text."""
    return _base_ntriples()


def base_graph() -> Graph:
    """A fresh rdflib Graph of the ontology and bundled vocabularies."""
    g = Graph()
    g.parse(data=_base_ntriples(), format="nt")
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    return g


def expand(curie: str) -> URIRef:
    """Expand a prefixed name from model.yaml with the project's prefix map.

    >>> expand("lj:sector")
    rdflib.term.URIRef('https://w3id.org/lianjian/ontology#sector')
    """
    prefix, _, name = curie.partition(":")
    return URIRef(str(PREFIXES[prefix]) + name)


@functools.lru_cache(maxsize=1)
def model() -> dict:
    """The annotation model (model.yaml): sections, their properties and predicates."""
    with open(ONTOLOGY_DIR / "model.yaml", encoding="utf-8") as fh:
        return yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def reachable(start, links) -> set:
    """`start` and everything reached from it through `links` (a mapping or function: node → neighbours), however deep.

    >>> sorted(reachable("a", {"a": ["b"], "b": ["c", "a"]}))
    ['a', 'b', 'c']
    """
    step = links if callable(links) else (lambda node: links.get(node, ()))
    seen, todo = {start}, [start]
    while todo:
        for nxt in step(todo.pop()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


@functools.lru_cache(maxsize=1)
def label_languages() -> dict[str, str]:
    """Label key of a case file → the language tag its labels carry in the graph (model.yaml `labels:`).

    Tags are written lower-case, the form rdflib normalises them to, so both engines compare them alike.
    """
    return {key: spec["lang"].lower() for key, spec in model()["labels"].items()}


@dataclass
class Vocabulary:
    """The terms a case file may use: kinds per section, and concept slugs per scheme."""

    kinds: dict[str, dict[str, URIRef]] = field(default_factory=dict)
    concepts: dict[str, dict[str, URIRef]] = field(default_factory=dict)
    broader: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_graph(cls, graph: Graph) -> "Vocabulary":
        vocab = cls()
        subclasses: dict[URIRef, set[URIRef]] = {}
        for sub, sup in graph.subject_objects(RDFS.subClassOf):
            subclasses.setdefault(sup, set()).add(sub)
        for name, section in model()["sections"].items():
            root = expand(section["class"])
            found = reachable(root, lambda c: (s for s in subclasses.get(c, ()) if str(s).startswith(str(LJ))))
            vocab.kinds[name] = {local_name(c): c for c in found}
        for scheme, (ns, scheme_iri) in SCHEMES.items():
            members = {local_name(c): c for c in graph.subjects(SKOS.inScheme, scheme_iri) if str(c).startswith(str(ns))}
            vocab.concepts[scheme] = members
        for c, b in graph.subject_objects(SKOS.broader):
            if str(c).startswith(str(MECHANISM)):
                vocab.broader[local_name(c)] = local_name(b)
        return vocab

    def is_kind_of(self, section: str, kind: str) -> bool:
        return kind in self.kinds.get(section, {})


@functools.lru_cache(maxsize=1)
def _base_vocabulary() -> Vocabulary:
    return Vocabulary.from_graph(base_graph())


def base_vocabulary() -> Vocabulary:
    """The vocabulary of the bundled ontology (a copy the caller may extend)."""
    v = _base_vocabulary()
    return Vocabulary({k: dict(d) for k, d in v.kinds.items()}, {k: dict(d) for k, d in v.concepts.items()}, dict(v.broader))
