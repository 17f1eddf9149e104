"""Ontology extension from a case folder's `vocabulary.yaml`, without touching the package.

A vocabulary file may add mechanism concepts, sectors, relation kinds and new
kinds (subclasses of existing classes) for any section. Each addition becomes
triples in the ontology graph and a term the loader accepts; a clash with a
bundled term is an error naming the file and line.

    mechanisms:       [{id, zh, en, broader, definition: {zh, en}}]
    sectors:          [{id, zh, en, broader}]
    relation_kinds:   [{id, zh, en, broader}]
    kinds:            [{id: CamelCaseName, zh, en, subclass_of: ExistingKind, comment}]
"""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import OWL, RDF, RDFS, SKOS, Literal, URIRef

from lianjian.errors import Problem
from lianjian.loaders.yamlfile import read_yaml
from lianjian.namespace import LJ, is_slug
from lianjian.ontology import SCHEMES, Vocabulary

__all__ = ["extend_vocabulary"]

_CLASS_NAME = re.compile(r"^[A-Z][A-Za-z0-9]{1,60}$")
_SECTIONS = {"mechanisms": "mechanism", "sectors": "sector", "relation_kinds": "relation"}
_KEYS = {"id", "zh", "en", "zh-Hant", "broader", "definition", "subclass_of", "comment", "note"}


def extend_vocabulary(vocab: Vocabulary, files: list[tuple[Path, str]]) -> tuple[Vocabulary, list, list[Problem]]:
    """Add the terms of each vocabulary file to `vocab`; return it, the new triples and any problems."""
    triples: list = []
    problems: list[Problem] = []
    for path, display in files:
        yf = read_yaml(path, display)
        problems.extend(yf.problems)
        if not isinstance(yf.data, dict):
            if yf.data is not None:
                problems.append(yf.at((), "a vocabulary file must be a mapping of mechanisms / sectors / relation_kinds / kinds"))
            continue
        for section, items in yf.data.items():
            if section not in (*_SECTIONS, "kinds"):
                problems.append(yf.at((section,), f"unknown vocabulary section '{section}' (use mechanisms, sectors, relation_kinds or kinds)"))
                continue
            if not isinstance(items, list):
                problems.append(yf.at((section,), f"'{section}' must be a list"))
                continue
            for i, item in enumerate(items):
                path_ = (section, i)
                if not isinstance(item, dict):
                    problems.append(yf.at(path_, "each vocabulary entry must be a mapping"))
                    continue
                bad = False
                for key, value in item.items():
                    if key not in _KEYS:
                        problems.append(yf.at(path_ + (key,), f"unknown key '{key}' in vocabulary entry"))
                    elif (why := _value_problem(key, value)) is not None:
                        problems.append(yf.at(path_ + (key,), why))
                        bad = True
                if bad:
                    continue
                if not isinstance(item.get("zh"), str) or not item["zh"].strip():
                    problems.append(yf.at(path_, "vocabulary entry has no `zh` label"))
                    continue
                if section == "kinds":
                    _add_kind(vocab, item, yf, path_, triples, problems)
                else:
                    _add_concept(vocab, _SECTIONS[section], item, yf, path_, triples, problems)
    return vocab, triples, problems


def _one_line(value) -> bool:
    return isinstance(value, str) and bool(value.strip()) and "\n" not in value and "\r" not in value


def _value_problem(key: str, value) -> str | None:
    """Why the value of a vocabulary entry's `key` is not acceptable (None when it is)."""
    if value is None and key not in ("id", "zh"):
        return None
    if key == "definition":
        if not isinstance(value, dict) or not value or any(k not in ("zh", "en") or not _one_line(t) for k, t in value.items()):
            return "`definition` must be a mapping of zh / en to one-line strings"
        return None
    if not _one_line(value):
        return f"`{key}` must be a non-empty string on one line, not {_shown(value)}"
    return None


def _shown(value) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return repr(value)[:60]


def _labels(subject: URIRef, item: dict, triples: list, pref: bool) -> None:
    for key, lang in (("zh", "zh-Hans"), ("zh-Hant", "zh-Hant"), ("en", "en")):
        if isinstance(item.get(key), str):
            triples.append((subject, RDFS.label, Literal(item[key], lang=lang)))
            if pref:
                triples.append((subject, SKOS.prefLabel, Literal(item[key], lang=lang)))


def _add_concept(vocab: Vocabulary, scheme: str, item: dict, yf, path: tuple, triples: list, problems: list[Problem]) -> None:
    slug = item.get("id")
    if not is_slug(slug):
        problems.append(yf.at(path + ("id",), f"id {slug!r} is not a safe id"))
        return
    known = vocab.concepts.setdefault(scheme, {})
    if slug in known:
        problems.append(yf.at(path + ("id",), f"{scheme} '{slug}' clashes with an existing {scheme} of the same id"))
        return
    ns, scheme_iri = SCHEMES[scheme]
    iri = ns[slug]
    broader = item.get("broader")
    if broader is not None:
        if broader not in known:
            problems.append(yf.at(path + ("broader",), f"broader {scheme} {broader!r} is not known"))
            return
        triples.append((iri, SKOS.broader, known[broader]))
        if scheme == "mechanism":
            vocab.broader[slug] = broader
    elif scheme == "mechanism":
        problems.append(yf.at(path, "a mechanism needs `broader`"))
        return
    else:
        triples.append((iri, SKOS.topConceptOf, scheme_iri))
    known[slug] = iri
    triples.append((iri, RDF.type, SKOS.Concept))
    if scheme == "mechanism":
        triples.append((iri, RDF.type, LJ.Mechanism))
    triples.append((iri, SKOS.inScheme, scheme_iri))
    _labels(iri, item, triples, pref=True)
    definition = item.get("definition")
    if isinstance(definition, dict):
        for key, lang in (("zh", "zh-Hans"), ("en", "en")):
            if isinstance(definition.get(key), str):
                triples.append((iri, SKOS.definition, Literal(definition[key], lang=lang)))


def _add_kind(vocab: Vocabulary, item: dict, yf, path: tuple, triples: list, problems: list[Problem]) -> None:
    name = item.get("id")
    if not isinstance(name, str) or not _CLASS_NAME.match(name):
        problems.append(yf.at(path + ("id",), f"kind {name!r} must be a CamelCase class name"))
        return
    parent = item.get("subclass_of")
    sections = [s for s, kinds in vocab.kinds.items() if parent in kinds]
    if not sections:
        problems.append(yf.at(path + ("subclass_of",), f"subclass_of {parent!r} is not an existing kind"))
        return
    if any(name in kinds for kinds in vocab.kinds.values()):
        problems.append(yf.at(path + ("id",), f"kind '{name}' clashes with an existing class of the same name"))
        return
    iri = LJ[name]
    for s in sections:
        vocab.kinds[s][name] = iri
    triples.append((iri, RDF.type, OWL.Class))
    triples.append((iri, RDFS.subClassOf, vocab.kinds[sections[0]][parent]))
    _labels(iri, item, triples, pref=False)
    if isinstance(item.get("comment"), str):
        triples.append((iri, RDFS.comment, Literal(item["comment"], lang="en")))
