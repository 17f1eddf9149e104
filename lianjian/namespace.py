"""The project's namespaces, the one prefix map used for Turtle and SPARQL, and IRI minting."""

from __future__ import annotations

import hashlib
import re

from rdflib import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD, Namespace, URIRef

__all__ = [
    "BASE", "LJ", "ID", "SECTOR", "MECHANISM", "RELATION", "SOURCE", "GRAPH", "EVIDENCE", "ORG",
    "PREFIXES", "SLUG", "is_slug", "entity_iri", "source_iri", "graph_iri", "concept_iri",
    "evidence_iri", "minted_id", "sparql_prologue", "ONTOLOGY_GRAPH", "local_name", "prefixed",
]

BASE = "https://w3id.org/lianjian/"
LJ = Namespace(BASE + "ontology#")
ID = Namespace(BASE + "id/")
SECTOR = Namespace(BASE + "vocab/sector/")
MECHANISM = Namespace(BASE + "vocab/mechanism/")
RELATION = Namespace(BASE + "vocab/relation/")
SOURCE = Namespace(BASE + "source/")
GRAPH = Namespace(BASE + "graph/")
EVIDENCE = Namespace(BASE + "evidence/")
ORG = Namespace("http://www.w3.org/ns/org#")

ONTOLOGY_GRAPH = GRAPH["ontology"]

PREFIXES: dict[str, Namespace] = {
    "lj": LJ,
    "id": ID,
    "sector": SECTOR,
    "mechanism": MECHANISM,
    "relation": RELATION,
    "source": SOURCE,
    "graph": GRAPH,
    "evidence": EVIDENCE,
    "org": ORG,
    "prov": Namespace(str(PROV)),
    "skos": Namespace(str(SKOS)),
    "foaf": Namespace(str(FOAF)),
    "dcterms": Namespace(str(DCTERMS)),
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "owl": Namespace(str(OWL)),
    "xsd": Namespace(str(XSD)),
}

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_SLUG_MAX = 80

# Which namespace a concept-valued field's slugs live in.
_SCHEMES = {"sector": SECTOR, "mechanism": MECHANISM, "relation": RELATION}


def is_slug(value: object) -> bool:
    """True for a safe ASCII id: lowercase letters and digits joined by single hyphens.

    >>> is_slug("changning-district-committee"), is_slug("Changning"), is_slug("a--b")
    (True, False, False)
    """
    return isinstance(value, str) and len(value) <= _SLUG_MAX and bool(SLUG.match(value))


def _checked(slug: str) -> str:
    if not is_slug(slug):
        raise ValueError(f"not a safe id: {slug!r}")
    return slug


def entity_iri(slug: str) -> URIRef:
    """The IRI of a case entity.

    >>> entity_iri("changning-district")
    rdflib.term.URIRef('https://w3id.org/lianjian/id/changning-district')
    """
    return ID[_checked(slug)]


def concept_iri(scheme: str, slug: str) -> URIRef:
    """The IRI of a SKOS concept in one of the project's schemes (sector, mechanism, relation).

    >>> concept_iri("sector", "transport")
    rdflib.term.URIRef('https://w3id.org/lianjian/vocab/sector/transport')
    """
    return _SCHEMES[scheme][_checked(slug)]


def source_iri(doc_id: str) -> URIRef:
    """The IRI of a source document."""
    return SOURCE[_checked(doc_id)]


def graph_iri(doc_id: str) -> URIRef:
    """The named graph that holds one source document's statements."""
    return GRAPH[_checked(doc_id)]


def _digest(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def minted_id(kind: str, doc_id: str, *parts: str) -> str:
    """A deterministic id for an unnamed node (relationship, observation, post), from its content.

    >>> minted_id("relationship", "doc", "a", "b") == minted_id("relationship", "doc", "a", "b")
    True
    >>> minted_id("relationship", "doc", "a", "b").startswith("relationship-doc--")
    True

    The double hyphen cannot occur in a curator's id, so minted ids never collide with them.
    """
    return f"{_checked(kind)}-{_checked(doc_id)}--{_digest(*parts)}"


def evidence_iri(doc_id: str, subject: str, quote: str) -> URIRef:
    """A deterministic IRI for one quote supporting one subject in one document."""
    return EVIDENCE[f"{_checked(doc_id)}--{_digest(subject, quote)}"]


def local_name(iri: str) -> str:
    """The last path segment or fragment of an IRI.

    >>> local_name("https://w3id.org/lianjian/ontology#PartyCommittee")
    'PartyCommittee'
    """
    return re.split(r"[#/]", str(iri))[-1]


def sparql_prologue() -> str:
    """PREFIX declarations for every project prefix, prepended to canned and user queries."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


def prefixed(iri: str) -> str:
    """An IRI as a prefixed name of the project's prefix map (`id:changning-district`), else as it is.

    >>> prefixed("https://w3id.org/lianjian/id/changning-district")
    'id:changning-district'
    """
    text = str(iri)
    for prefix, ns in PREFIXES.items():
        if text.startswith(str(ns)) and len(text) > len(str(ns)):
            return f"{prefix}:{text[len(str(ns)):]}"
    return text
