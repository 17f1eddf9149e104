"""Write a validated `Corpus` as N-Quads: one named graph per source document.

The triples are written straight as N-Quads text, which both stores bulk-load
without creating a Python object per term. The mapping from case-file keys to
predicates comes from the annotation model.
"""

from __future__ import annotations

import datetime as _dt
import functools
from decimal import Decimal
from typing import Iterator

from rdflib import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from lianjian.loaders.corpus import SHARED_DOC, Corpus, Entry
from lianjian.namespace import (
    ID, LJ, MECHANISM, ORG, evidence_iri, graph_iri, minted_id, source_iri,
)
from lianjian.ontology import SCHEMES, expand, label_languages, model

__all__ = ["corpus_nquads", "date_literal", "LANGS"]

#: Language tags as written (lowercase, as RDF 1.1 compares them and Oxigraph stores them).
#: Label key → language tag, from the model.
LANGS = label_languages()


def _esc(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


def _iri(iri: str) -> str:
    return f"<{iri}>"


def _lit(text: str, lang: str) -> str:
    return f'"{_esc(text.strip())}"@{lang}'


def _typed(value: str, datatype: str) -> str:
    return f'"{value}"^^<{XSD}{datatype}>'


def _str(text: str) -> str:
    return f'"{_esc(str(text).strip())}"'


def date_literal(value) -> str:
    """The N-Triples literal for a date value from a case file.

    >>> date_literal(2005)
    '"2005"^^<http://www.w3.org/2001/XMLSchema#gYear>'
    >>> date_literal("2013-07")
    '"2013-07"^^<http://www.w3.org/2001/XMLSchema#gYearMonth>'
    """
    if isinstance(value, (_dt.date, _dt.datetime)):
        return _typed(value.strftime("%Y-%m-%d"), "date")
    text = str(value).strip()
    return _typed(text, {4: "gYear", 7: "gYearMonth"}.get(len(text), "date"))


def _number(value) -> str:
    d = Decimal(str(value))
    text = format(d, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return _typed(text, "decimal")


# N-Triples forms of the IRIs written for every entry or quote, made once (rdflib namespaces build a new
# URIRef on every attribute lookup).
_ID, _MECHANISM = str(ID), str(MECHANISM)
_TYPE, _LABEL, _PREF_LABEL = _iri(RDF.type), _iri(RDFS.label), _iri(SKOS.prefLabel)
_EVIDENCE, _EVIDENCE_CLASS, _QUOTE, _SOURCE = _iri(LJ.evidence), _iri(LJ.Evidence), _iri(LJ.quote), _iri(DCTERMS.source)
_DERIVED, _START, _END = _iri(PROV.wasDerivedFrom), _iri(LJ.startOffset), _iri(LJ.endOffset)
_BASIS, _REASON = _iri(LJ.basis), _iri(LJ.basisReason)


def _node(e: Entry) -> str:
    return f"<{_MECHANISM if e.section == 'mechanisms' else _ID}{e.id}>"


@functools.cache
def _curie_iri(curie: str) -> str:
    return _iri(expand(curie))


@functools.cache
def _graph(doc: str) -> str:
    return _iri(graph_iri(doc))


@functools.cache
def _source(doc: str) -> str:
    return _iri(source_iri(doc))


@functools.cache
def _concept(scheme: str, slug: str) -> str:
    return _iri(SCHEMES[scheme][0][slug])


def corpus_nquads(corpus: Corpus, docs: set[str] | None = None) -> Iterator[str]:
    """Yield the corpus as N-Quads lines (without the ontology); with `docs`, only those documents' named graphs.

    A document's graph holds the entries it defines and every quote and label it contributes,
    so it can be rebuilt alone when only its case file changed.
    """
    entries = corpus.entries
    sections = model()["sections"]
    label_spec = model()["labels"]
    type_ = _TYPE

    def target(value: str) -> str:
        e = entries.get(value)
        if e is not None:
            return _node(e)
        return f"<{_MECHANISM}{value}>"  # a bundled mechanism concept

    for doc, src in corpus.sources.items():
        if docs is not None and doc not in docs:
            continue
        g = _graph(doc)
        s = _source(doc)
        yield f"{s} {type_} {_iri(LJ.SourceDocument)} {g} .\n"
        for key, prop in model()["source"].items():
            value = src.data.get(key)
            if value is None or "predicate" not in prop:
                continue
            p = _curie_iri(prop["predicate"])
            for value in value if isinstance(value, list) else [value]:
                if prop["type"] in ("date", "year"):
                    yield f"{s} {p} {date_literal(value)} {g} .\n"
                elif prop["type"] == "ref":
                    yield f"{s} {p} {target(value)} {g} .\n"
                elif prop["type"] == "label":
                    yield f"{s} {p} {_lit(str(value), LANGS['en'])} {g} .\n"
                elif prop["type"] == "iri":
                    yield f"{s} {p} {_iri(value)} {g} .\n"
                else:
                    yield f"{s} {p} {_str(value)} {g} .\n"
        yield f"{s} {_LABEL} {_str(src.data.get('title', doc))} {g} .\n"

    contributes = None
    if docs is not None:
        contributes = {e.id for e in entries.values() if e.doc in docs}
        contributes |= {r.id for r in corpus.references if r.doc in docs}
    for e in entries.values():
        if contributes is not None and e.id not in contributes:
            continue
        s = _node(e)
        g = _graph(e.doc) if e.doc != "vocabulary" else None
        if g is not None and (docs is None or e.doc in docs):
            spec = sections[e.section]
            cls = corpus.vocabulary.kinds[e.section].get(e.data.get("kind")) if spec.get("kind", "none") != "none" else None
            yield f"{s} {type_} {_iri(cls) if cls else _curie_iri(spec['class'])} {g} .\n"
            if spec.get("concept_scheme"):
                _, scheme = SCHEMES[spec["concept_scheme"]]
                yield f"{s} {type_} {_iri(SKOS.Concept)} {g} .\n"
                yield f"{s} {_iri(SKOS.inScheme)} {_iri(scheme)} {g} .\n"
            yield from _labels(s, e.data, label_spec, g, concept=bool(spec.get("concept_scheme")))
            yield from _properties(s, e, spec["properties"], g, target, corpus)
        for doc, key, value in e.extra_labels:
            if docs is not None and doc not in docs:
                continue
            yield from _labels(s, {key: value}, label_spec, _graph(doc), concept=e.section == "mechanisms")
        seen = set()
        for q in e.evidence:
            if (q.doc, q.text) in seen or (docs is not None and q.doc not in docs):
                continue
            seen.add((q.doc, q.text))
            qg = _graph(q.doc)
            ev = _iri(evidence_iri(q.doc, e.id, q.text))
            yield f"{s} {_EVIDENCE} {ev} {qg} .\n"
            yield f"{ev} {type_} {_EVIDENCE_CLASS} {qg} .\n"
            yield f"{ev} {_QUOTE} {_str(q.text)} {qg} .\n"
            yield f"{ev} {_SOURCE} {_source(q.doc)} {qg} .\n"
            yield f"{s} {_DERIVED} {_source(q.doc)} {qg} .\n"
            offsets = corpus.offsets.get((q.doc, q.text))
            if offsets:
                yield f"{ev} {_START} {_typed(str(offsets[0]), 'integer')} {qg} .\n"
                yield f"{ev} {_END} {_typed(str(offsets[1]), 'integer')} {qg} .\n"


def _labels(s: str, data: dict, spec: dict, g: str, concept: bool) -> Iterator[str]:
    for key, prop in spec.items():
        value = data.get(key)
        if value is None:
            continue
        p = _curie_iri(prop["predicate"])
        for v in value if isinstance(value, list) else [value]:
            lit = _lit(str(v), LANGS[key])
            yield f"{s} {p} {lit} {g} .\n"
            if concept and key != "aliases":
                yield f"{s} {_PREF_LABEL} {lit} {g} .\n"


def _properties(s: str, e: Entry, props: dict, g: str, target, corpus: Corpus) -> Iterator[str]:
    written: dict[str, tuple[str, list[str]]] = {}
    for key, prop in props.items():
        value = e.data.get(key, prop.get("default"))
        if value is None:
            continue
        kind = prop.get("type", "text")
        values = value if isinstance(value, list) else [value]
        if kind == "inferred":
            continue
        if kind == "posts":
            yield from _posts(s, e, values, g, target)
            continue
        p = _curie_iri(prop["predicate"])
        inverse = _curie_iri(prop["inverse"]) if prop.get("inverse") else None
        objects = []
        for v in values:
            if kind == "ref":
                o = target(v)
            elif kind == "concept":
                o = _concept(prop["scheme"], v)
            elif kind == "date":
                o = date_literal(v)
            elif kind == "year":
                o = _typed(str(v)[:4], "gYear")
            elif kind == "number":
                o = _number(v)
            elif kind == "boolean":
                o = _typed("true" if v else "false", "boolean")
            elif kind == "definition":
                for lang_key, text in v.items():
                    yield f"{s} {p} {_lit(text, LANGS[lang_key])} {g} .\n"
                continue
            elif kind == "label":
                o = _lit(str(v), (prop.get("lang") or "zh").lower())
            else:
                o = _str(v)
            objects.append(o)
            yield f"{s} {p} {o} {g} .\n"
            if inverse:
                yield f"{o} {inverse} {s} {g} .\n"
        written[key] = (p, objects)
        # Participation stays n-ary (one lj:participant triple per participant): pairwise lj:linkedWith
        # triples would grow with the square of the participants; queries follow ^lj:participant/lj:participant.


    for key, reason in (e.data.get("inferred") or {}).items():
        p, objects = written.get(key, (None, []))
        for o in objects:
            yield from _inferred_statement(s, p, o, reason, e, g)


def _inferred_statement(s: str, p: str, o: str, reason: str, e: Entry, g: str) -> Iterator[str]:
    """An rdf:Statement node saying that the triple (s, p, o) is inferred by the curator, and from what."""
    st = _iri(ID[minted_id("statement", e.doc, s, p, o)])
    yield f"{st} {_TYPE} {_iri(RDF.Statement)} {g} .\n"
    yield f"{st} {_iri(RDF.subject)} {s} {g} .\n"
    yield f"{st} {_iri(RDF.predicate)} {p} {g} .\n"
    yield f"{st} {_iri(RDF.object)} {o} {g} .\n"
    yield f"{st} {_BASIS} {_str('inferred')} {g} .\n"
    yield f"{st} {_REASON} {_str(reason)} {g} .\n"


def _posts(s: str, e: Entry, posts: list, g: str, target) -> Iterator[str]:
    for post in posts:
        iri = _iri(ID[minted_id("post", e.doc if e.doc != SHARED_DOC else SHARED_DOC, e.id, post["title"], str(post.get("org")))])
        yield f"{s} {_iri(ORG.holds)} {iri} {g} .\n"
        yield f"{iri} {_iri(ORG.heldBy)} {s} {g} .\n"
        yield f"{iri} {_iri(RDF.type)} {_iri(ORG.Post)} {g} .\n"
        yield f"{iri} {_iri(RDFS.label)} {_lit(post['title'], 'zh-hans')} {g} .\n"
        if post.get("title_en"):
            yield f"{iri} {_iri(RDFS.label)} {_lit(post['title_en'], 'en')} {g} .\n"
        if post.get("org"):
            yield f"{iri} {_iri(ORG.postIn)} {target(post['org'])} {g} .\n"
        if post.get("since"):
            yield f"{iri} {_iri(LJ.startDate)} {date_literal(post['since'])} {g} .\n"
        if post.get("until"):
            yield f"{iri} {_iri(LJ.endDate)} {date_literal(post['until'])} {g} .\n"
        yield f"{iri} {_BASIS} {_str(post.get('basis', 'stated'))} {g} .\n"
        if post.get("reason"):
            yield f"{iri} {_REASON} {_str(post['reason'])} {g} .\n"
