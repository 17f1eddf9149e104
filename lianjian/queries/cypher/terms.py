"""Cypher results as RDF terms, typed by the property each column comes from (see docs/cypher.md)."""

from __future__ import annotations

import json
import re
import weakref

from rdflib import RDF, RDFS, SKOS, XSD, Literal, URIRef

from lianjian.graph.analytics.ties import node_iri
from lianjian.namespace import LJ, RELATION, SECTOR, SOURCE
from lianjian.ontology import label_languages
from lianjian.results import QueryResult

# How a column's values become RDF terms, by the property they come from (see docs/cypher.md).
_NODE_PROPS = {"id", "relationships", "mechanisms"}
_NAMESPACE_PROPS = {"sector": SECTOR, "sectors": SECTOR, "kind": RELATION, "kinds": RELATION, "source": SOURCE,
                    "sources": SOURCE, "quote_source": SOURCE, "class": LJ, "labels": LJ}
_LANG_PROPS = {("aliases" if key == "aliases" else "label_" + key.lower().replace("-", "_")): tag
               for key, tag in label_languages().items()} | {f"definition_{k}": label_languages()[k] for k in ("zh", "en")}
_DATE_PROPS = {"startDate", "endDate", "date", "asOf", "years", "created", "issued", "writtenIn"}
_DATE_TYPES = ((re.compile(r"-?\d{4}"), XSD.gYear), (re.compile(r"-?\d{4}-\d{2}"), XSD.gYearMonth),
               (re.compile(r"-?\d{4}-\d{2}-\d{2}"), XSD.date))

# ---------------------------------------------------------------------------- result terms

def _date(text: str) -> Literal:
    for pattern, datatype in _DATE_TYPES:
        if pattern.fullmatch(text):
            return Literal(text, datatype=datatype)
    return Literal(text)


# Column types that name a class, sector or relation kind by id and show its label, which the
# projection does not carry: ``// column: kind_zh (kind_zh)``.
_LABEL_TYPES = {"class": (LJ, RDFS.label), "sector": (SECTOR, SKOS.prefLabel), "kind": (RELATION, SKOS.prefLabel)}
_LABEL_LANGS = label_languages()


def _label_decoder(prop: str | None):
    """(namespace, label predicate, language) when `prop` is a label type such as ``class_zh``."""
    if prop and "_" in prop:
        base, _, lang = prop.rpartition("_")
        if base in _LABEL_TYPES and lang in _LABEL_LANGS:
            return (*_LABEL_TYPES[base], _LABEL_LANGS[lang])
    return None


_VOCABULARIES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_OWL_CLASS = "http://www.w3.org/2002/07/owl#Class"


def vocabulary_of(kg) -> tuple[set[str], dict]:
    """The project's class names, and the labels of classes and concepts by (IRI, predicate, language), from one scan."""
    if kg not in _VOCABULARIES:
        lj, rdf_type, subclass = str(LJ), str(RDF.type), str(RDFS.subClassOf)
        label_predicates = {URIRef(p) for _, p in _LABEL_TYPES.values()}
        classes, labels = set(), {}
        for s, p, o, _ in kg.quads():
            if p in label_predicates and isinstance(o, Literal) and o.language:
                labels.setdefault((str(s), str(p), o.language.lower()), Literal(str(o), lang=o.language.lower()))
            elif str(s).startswith(lj) and (p == subclass or (str(p) == rdf_type and str(o) == _OWL_CLASS)):
                classes.add(str(s)[len(lj):])
        _VOCABULARIES[kg] = (classes, labels)
    return _VOCABULARIES[kg]


def _concept_label(kg, iri: URIRef, predicate: URIRef, lang: str):
    """The label of a class or concept in one language, from the RDF graph (None when it has none)."""
    return vocabulary_of(kg)[1].get((str(iri), str(predicate), lang))


def _result_term(kg, g, value, prop: str | None):
    """One result cell as an RDF term (or None)."""
    if value is None:
        return None
    if isinstance(value, dict):  # a whole node or relationship
        if "_SRC" in value or ("__labels__" in value and "id" not in value):
            label = value.get("_LABEL") or ",".join(sorted(value.get("__labels__", ())))
            return Literal(label)
        return node_iri(g, value.get("id"))
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value) if isinstance(value, (set, frozenset)) else list(value)
        return Literal(json.dumps(items, ensure_ascii=False, default=str))
    if isinstance(value, bool):
        return Literal(value)
    if isinstance(value, int):
        return Literal(value, datatype=XSD.integer)
    if isinstance(value, float):
        return Literal(int(value), datatype=XSD.integer) if value.is_integer() else Literal(value, datatype=XSD.double)
    text = str(value)
    if prop in _NODE_PROPS:
        return node_iri(g, text)
    if prop in _NAMESPACE_PROPS:
        return _NAMESPACE_PROPS[prop][text]
    if prop in _LANG_PROPS:
        return Literal(text, lang=_LANG_PROPS[prop])
    if prop in _DATE_PROPS:
        return _date(text)
    decoder = _label_decoder(prop)
    if decoder is not None:
        namespace, predicate, lang = decoder
        return _concept_label(kg, namespace[text], predicate, lang)
    return Literal(text)


def terms_result(kg, g, names: list[str], props: list[str | None], rows: list[list]) -> QueryResult:
    return QueryResult(names, [[_result_term(kg, g, v, p) for v, p in zip(row, props)] for row in rows])


